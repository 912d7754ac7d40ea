// SPDX-License-Identifier: Apache-2.0
#include <npcheck/model/load.hpp>

#include "support/scratch_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

using npcheck::model::Inventory;
using npcheck::model::IpAddress;
using npcheck::model::LoadOptions;
using npcheck::model::Protocol;
using npcheck::model::Workload;
using npcheck::model::WorkloadKind;
using npcheck::model::load_string;

namespace {

// Every diagnostic on its own line, so that a failing CHECK_EQ shows them.
std::string messages(const std::vector<npcheck::model::Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    out += d.to_string() + '\n';
  }
  return out;
}

const Workload* find_workload(const Inventory& inv, std::string_view name) {
  auto it = std::find_if(inv.workloads.begin(), inv.workloads.end(),
                         [&](const Workload& w) { return w.name == name; });
  return it == inv.workloads.end() ? nullptr : &*it;
}

} // namespace

TEST_SUITE_BEGIN("model");

TEST_CASE("load::documents") {
  SUBCASE("multi-document YAML with empty documents and commented markers") {
    Inventory inv = load_string(R"(# leading comment
---
--- # an empty document
apiVersion: v1
kind: Namespace
metadata:
  name: a
--- # another comment

---
apiVersion: v1
kind: Namespace
metadata:
  name: b
...
---
)",
                                "input.yaml");
    CHECK(inv.ok());
    CHECK_EQ(inv.documents, 2);
    REQUIRE_EQ(inv.namespaces.size(), 2);
    CHECK_EQ(inv.namespaces[0].name, "a");
    CHECK_EQ(inv.namespaces[0].where.line, 4);
    CHECK_EQ(inv.namespaces[1].name, "b");
    CHECK_EQ(inv.namespaces[1].where.line, 11);
  }
  SUBCASE("JSON single object") {
    Inventory inv = load_string(R"({
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "p", "namespace": "ns", "labels": {"app": "web"}}
})",
                                "pod.json");
    CHECK(inv.ok());
    REQUIRE_EQ(inv.workloads.size(), 1);
    CHECK_EQ(inv.workloads[0].display_name(), "ns/p");
    CHECK_EQ(inv.workloads[0].where.to_string(), "pod.json:1:1");
    CHECK_EQ(inv.workloads[0].labels.to_string(), "app=web");
  }
  SUBCASE("JSON kind: List") {
    Inventory inv = load_string(R"({"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}},
  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "x"}}
]})",
                                "list.json");
    CHECK(inv.ok());
    CHECK_EQ(inv.documents, 1);
    REQUIRE_EQ(inv.namespaces.size(), 1);
    CHECK_EQ(inv.namespaces[0].where.to_string(), "list.json:2:3");
    REQUIRE_EQ(inv.workloads.size(), 1);
    CHECK_EQ(inv.workloads[0].where.to_string(), "list.json:3:3");
  }
  SUBCASE("*List kinds such as PodList") {
    Inventory inv = load_string(R"(apiVersion: v1
kind: PodList
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: one}
- apiVersion: v1
  kind: Pod
  metadata: {name: two}
)",
                                "pods.yaml");
    CHECK(inv.ok());
    REQUIRE_EQ(inv.workloads.size(), 2);
    CHECK_EQ(inv.workloads[0].name, "one");
    CHECK_EQ(inv.workloads[1].where.to_string(), "pods.yaml:7:3");
  }
  SUBCASE("concatenated JSON documents") {
    Inventory inv = load_string(R"({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}
{"apiVersion": "v1", "kind": "Namespace",
 "metadata": {"name": "b"}}
)",
                                "two.json");
    CHECK(inv.ok());
    CHECK_EQ(inv.documents, 2);
    REQUIRE_EQ(inv.namespaces.size(), 2);
    CHECK_EQ(inv.namespaces[0].where.to_string(), "two.json:1:1");
    CHECK_EQ(inv.namespaces[1].where.to_string(), "two.json:2:1");
  }
  SUBCASE("a JSON document inside a YAML stream") {
    Inventory inv = load_string(R"(apiVersion: v1
kind: Namespace
metadata:
  name: a
---
{"apiVersion": "v1", "kind": "Namespace",
  "metadata": {"name": "b", "labels": {"team": "x"}}}
---
apiVersion: v1
kind: Namespace
metadata:
  name: c
)",
                                "mixed.yaml");
    CHECK(inv.ok());
    CHECK_EQ(inv.documents, 3);
    REQUIRE_EQ(inv.namespaces.size(), 3);
    CHECK_EQ(inv.namespaces[1].where.to_string(), "mixed.yaml:6:1");
    CHECK_EQ(inv.namespaces[1].labels.to_string(), "kubernetes.io/metadata.name=b,team=x");
    CHECK_EQ(inv.namespaces[2].where.to_string(), "mixed.yaml:9:1");
  }
}

TEST_CASE("load::namespaces") {
  const char* const pod = R"(apiVersion: v1
kind: Pod
metadata:
  name: p
)";
  SUBCASE("objects without a namespace belong to default") {
    Inventory inv = load_string(pod, "input.yaml");
    REQUIRE_EQ(inv.workloads.size(), 1);
    CHECK_EQ(inv.workloads[0].namespace_name, "default");
  }
  SUBCASE("LoadOptions.default_namespace, as -n sets it") {
    LoadOptions options;
    options.default_namespace = "team-a";
    Inventory inv = load_string(pod, "input.yaml", options);
    REQUIRE_EQ(inv.workloads.size(), 1);
    CHECK_EQ(inv.workloads[0].namespace_name, "team-a");
    REQUIRE_EQ(inv.namespaces.size(), 1);
    CHECK_EQ(inv.namespaces[0].name, "team-a");
  }
  SUBCASE("an explicit namespace wins over the default") {
    LoadOptions options;
    options.default_namespace = "team-a";
    Inventory inv = load_string(std::string(pod) + "  namespace: other\n", "input.yaml", options);
    REQUIRE_EQ(inv.workloads.size(), 1);
    CHECK_EQ(inv.workloads[0].namespace_name, "other");
  }
  SUBCASE("implied namespaces get an info and only the name label") {
    Inventory inv = load_string(R"(apiVersion: v1
kind: Namespace
metadata:
  name: defined
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: ghost
)",
                                "input.yaml");
    CHECK(inv.ok());
    REQUIRE_EQ(inv.namespaces.size(), 2);
    CHECK_EQ(inv.namespaces[0].name, "defined");
    CHECK_FALSE(inv.namespaces[0].implied);
    CHECK_EQ(inv.namespaces[1].name, "ghost");
    CHECK(inv.namespaces[1].implied);
    CHECK_EQ(inv.namespaces[1].labels.to_string(), "kubernetes.io/metadata.name=ghost");
    CHECK(inv.warnings.empty());
    REQUIRE_EQ(inv.infos.size(), 1);
    CHECK_EQ(inv.infos[0].to_string(),
             "input.yaml:6:1: info: Namespace ghost: namespace is used but not defined; assuming "
             "it exists with only the label kubernetes.io/metadata.name=ghost");
  }
  SUBCASE("an implied namespace says which labels selectors read") {
    Inventory inv = load_string(R"(apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: ghost
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: ghost}
spec:
  podSelector: {}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {team: a}}}]
)",
                                "input.yaml");
    CHECK(inv.warnings.empty());
    REQUIRE_EQ(inv.infos.size(), 1);
    CHECK_EQ(inv.infos[0].to_string(),
             "input.yaml:1:1: info: Namespace ghost: namespace is used but not defined; assuming "
             "it exists with only the label kubernetes.io/metadata.name=ghost (namespace "
             "selectors read the label team: define it if it carries them)");
  }
  SUBCASE("a namespace objects are only read into is said once, at no file") {
    LoadOptions options;
    options.default_namespace = "platform";
    Inventory inv = load_string(R"(apiVersion: v1
kind: Pod
metadata: {name: a}
---
apiVersion: v1
kind: Pod
metadata: {name: b}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np}
spec:
  podSelector: {}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {team: a}}}]
)",
                                "input.yaml", options);
    CHECK(inv.warnings.empty());
    REQUIRE_EQ(inv.infos.size(), 1);
    CHECK_EQ(inv.infos[0].to_string(),
             "info: Namespace platform: 3 objects have no metadata.namespace and are read into "
             "namespace platform (-n), which no manifest defines; assuming it exists with only the "
             "label kubernetes.io/metadata.name=platform");
    REQUIRE_EQ(inv.namespaces.size(), 1);
    CHECK(inv.namespaces[0].implied);
  }
  SUBCASE("every namespace carries kubernetes.io/metadata.name") {
    Inventory inv = load_string(R"(apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    team: shop
)",
                                "input.yaml");
    REQUIRE_EQ(inv.namespaces.size(), 1);
    CHECK_EQ(inv.namespaces[0].labels.to_string(), "kubernetes.io/metadata.name=shop,team=shop");
    CHECK(inv.warnings.empty());
    CHECK(inv.find_namespace("shop") != nullptr);
    CHECK(inv.find_namespace("nope") == nullptr);
  }
}

TEST_CASE("load::pods") {
  Inventory inv = load_string(R"(apiVersion: v1
kind: Pod
metadata:
  name: web-0
  namespace: shop
  labels:
    app: web
    tier: front
spec:
  nodeName: node-1
  hostNetwork: true
  containers:
  - name: main
    ports:
    - name: http
      containerPort: 8080
    - containerPort: 53
      protocol: UDP
  - name: sidecar
    ports:
    - name: metrics
      containerPort: 9090
      protocol: SCTP
status:
  podIP: 10.0.0.7
  podIPs:
  - ip: 10.0.0.7
  - ip: fd00::7
  hostIP: 192.168.1.1
)",
                              "pod.yaml");
  CHECK(inv.ok());
  REQUIRE_EQ(inv.workloads.size(), 1);
  const Workload& w = inv.workloads[0];
  CHECK_EQ(w.kind, WorkloadKind::pod);
  CHECK_EQ(w.display_name(), "shop/web-0");
  CHECK_EQ(w.labels.to_string(), "app=web,tier=front");
  CHECK_EQ(w.node_name, "node-1");
  CHECK(w.host_network);
  REQUIRE_EQ(w.ports.size(), 3);
  CHECK_EQ(w.ports[0].name, "http");
  CHECK_EQ(w.ports[0].port, 8080);
  CHECK_EQ(w.ports[0].protocol, Protocol::tcp);
  CHECK_EQ(w.ports[1].name, "");
  CHECK_EQ(w.ports[1].port, 53);
  CHECK_EQ(w.ports[1].protocol, Protocol::udp);
  CHECK_EQ(w.ports[2].name, "metrics");
  CHECK_EQ(w.ports[2].protocol, Protocol::sctp);
  REQUIRE_EQ(w.pod_ips.size(), 2);
  CHECK_EQ(w.pod_ips[0].to_string(), "10.0.0.7");
  CHECK_EQ(w.pod_ips[1].to_string(), "fd00::7");
  REQUIRE(w.host_ip);
  CHECK_EQ(w.host_ip->to_string(), "192.168.1.1");
  CHECK_EQ(inv.loaded_kinds.at("Pod"), 1);
}

TEST_CASE("load::workloads") {
  std::string text;
  for (const char* kind : {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job",
                           "ReplicationController"}) {
    const std::string api = std::string(kind) == "Job"                     ? "batch/v1"
                            : std::string(kind) == "ReplicationController" ? "v1"
                                                                           : "apps/v1";
    text += "---\napiVersion: " + api + "\nkind: " + kind + R"(
metadata:
  name: w
  labels:
    ignored: "yes"
spec:
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - ports:
        - name: http
          containerPort: 80
)";
  }
  text += R"(---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: w
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            app: web
        spec:
          containers:
          - ports:
            - name: http
              containerPort: 80
)";
  Inventory inv = load_string(text, "workloads.yaml");
  CHECK_EQ(messages(inv.errors), "");
  REQUIRE_EQ(inv.workloads.size(), 7);
  for (const Workload& w : inv.workloads) {
    CAPTURE(w.display_name());
    CHECK_EQ(w.labels.to_string(), "app=web");
    REQUIRE_EQ(w.ports.size(), 1);
    CHECK_EQ(w.ports[0].name, "http");
    CHECK_EQ(w.ports[0].port, 80);
  }
  CHECK_EQ(inv.loaded_kinds.size(), 7);
  CHECK_EQ(inv.loaded_kinds.at("CronJob"), 1);
  CHECK(find_workload(inv, "w") != nullptr);
  std::vector<std::string> names;
  for (const Workload& w : inv.workloads) {
    names.push_back(w.display_name());
  }
  CHECK_EQ(names, std::vector<std::string>{"default/w[Deployment]", "default/w[ReplicaSet]",
                                           "default/w[StatefulSet]", "default/w[DaemonSet]",
                                           "default/w[Job]", "default/w[CronJob]",
                                           "default/w[ReplicationController]"});
}

TEST_CASE("load::owner_references") {
  const auto owned = [](const char* kind, const char* name, const char* refs) {
    const std::string api = std::string(kind) == "Pod" ? "v1" : std::string(kind) == "Job" ? "batch/v1" : "apps/v1";
    return "---\napiVersion: " + api + "\nkind: " + kind + "\nmetadata:\n  name: " + name +
           "\n  ownerReferences: " + refs + "\nspec:\n  template:\n    metadata: {labels: {app: web}}\n";
  };
  const std::string deployment = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
                                 "spec:\n  template:\n    metadata: {labels: {app: web}}\n";
  SUBCASE("a ReplicaSet controlled by a Deployment in the input is left out") {
    Inventory inv = load_string(
        deployment + owned("ReplicaSet", "web-1", "[{kind: Deployment, name: web, controller: true}]") +
            owned("ReplicaSet", "other", "[{kind: Deployment, name: gone, controller: true}]") +
            owned("ReplicaSet", "web-2", "[{kind: Deployment, name: web}]") +
            owned("Pod", "web-1-abc", "[{kind: ReplicaSet, name: web-1, controller: true}]"),
        "all.yaml");
    CHECK_EQ(messages(inv.errors), "");
    CHECK(find_workload(inv, "web-1") == nullptr);
    // Its controller is not in the input; not the controller (no controller: true).
    CHECK(find_workload(inv, "other") != nullptr);
    CHECK(find_workload(inv, "web-2") != nullptr);
    // The pod folds into the Deployment at the top of its owner chain, whose
    // template it replaces.
    CHECK(find_workload(inv, "web-1-abc") == nullptr);
    REQUIRE(find_workload(inv, "web") != nullptr);
    CHECK_EQ(find_workload(inv, "web")->display_name(), "default/web[Deployment]");
    REQUIRE_EQ(find_workload(inv, "web")->pods.size(), 1);
    CHECK_EQ(find_workload(inv, "web")->pods[0].name, "web-1-abc");
    CHECK_EQ(inv.loaded_kinds.at("ReplicaSet"), 3);
    CHECK_EQ(inv.folded_kinds, std::map<std::string, int>{{"Pod", 1}, {"ReplicaSet", 1}});
    CHECK_EQ(inv.replaced_kinds, std::map<std::string, int>{{"Deployment", 1}});
  }
  SUBCASE("uids must match where both are given") {
    const std::string with_uid = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, uid: u2}\n"
                                 "spec:\n  template:\n    metadata: {labels: {app: web}}\n";
    Inventory inv = load_string(
        with_uid +
            owned("ReplicaSet", "old", "[{kind: Deployment, name: web, uid: u1, controller: true}]") +
            owned("ReplicaSet", "new", "[{kind: Deployment, name: web, uid: u2, controller: true}]") +
            owned("ReplicaSet", "any", "[{kind: Deployment, name: web, controller: true}]"),
        "uids.yaml");
    CHECK_EQ(messages(inv.errors), "");
    CHECK(find_workload(inv, "old") != nullptr);
    CHECK(find_workload(inv, "new") == nullptr);
    CHECK(find_workload(inv, "any") == nullptr);
  }
  SUBCASE("ownerReferences are read on workloads only") {
    Inventory inv = load_string("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n"
                                "  ownerReferences: 7\n",
                                "ns.yaml");
    CHECK_EQ(messages(inv.errors), "");
  }
  SUBCASE("a Job controlled by a CronJob in the input is left out") {
    Inventory inv = load_string(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  jobTemplate:\n"
        "    spec:\n      template:\n        metadata: {labels: {app: job}}\n" +
            owned("Job", "nightly-1", "[{kind: CronJob, name: nightly, controller: true}]") +
            owned("Job", "nightly-2", "[{kind: Deployment, name: nightly, controller: true}]"),
        "jobs.yaml");
    CHECK_EQ(messages(inv.errors), "");
    CHECK(find_workload(inv, "nightly-1") == nullptr);
    CHECK(find_workload(inv, "nightly-2") != nullptr);
    CHECK_EQ(inv.folded_kinds, std::map<std::string, int>{{"Job", 1}});
  }
  SUBCASE("bad owner references") {
    Inventory inv = load_string(
        deployment +
            owned("ReplicaSet", "a", "[{kind: Deployment, controller: true}]") +
            owned("ReplicaSet", "b",
                  "[{kind: Deployment, name: web, controller: true}, {kind: StatefulSet, name: s, controller: true}]") +
            owned("ReplicaSet", "c", "{kind: Deployment}"),
        "bad.yaml");
    CHECK_EQ(messages(inv.errors),
             "bad.yaml:13:21: error: ReplicaSet default/a: metadata.ownerReferences[0]: an owner reference "
             "needs kind and name\n"
             "bad.yaml:22:70: error: ReplicaSet default/b: metadata.ownerReferences[1]: only one owner "
             "reference may be the controller\n"
             "bad.yaml:31:20: error: ReplicaSet default/c: metadata.ownerReferences: expected a list, "
             "found a mapping\n");
  }
}

TEST_CASE("load::nodes") {
  Inventory inv = load_string(R"(apiVersion: v1
kind: Node
metadata:
  name: node-1
status:
  addresses:
  - type: InternalIP
    address: 192.168.1.10
  - type: Hostname
    address: node-1
  - type: ExternalIP
    address: 203.0.113.5
  - type: InternalIP
    address: fd00::10
)",
                              "node.yaml");
  CHECK(inv.ok());
  REQUIRE_EQ(inv.nodes.size(), 1);
  std::vector<std::string> addresses;
  for (const IpAddress& ip : inv.nodes[0].addresses) {
    addresses.push_back(ip.to_string());
  }
  CHECK_EQ(addresses, std::vector<std::string>{"192.168.1.10", "203.0.113.5", "fd00::10"});
  CHECK(inv.namespaces.empty());
}

TEST_CASE("load::unknown_kinds") {
  Inventory inv = load_string(R"(apiVersion: v1
kind: ServiceAccount
metadata: {name: s}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: t}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
---
kind: Deploy
metadata: {name: d}
---
apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: n}
)",
                              "other.yaml");
  CHECK(inv.ok());
  CHECK(inv.warnings.empty());
  CHECK(inv.workloads.empty());
  CHECK(inv.policies.empty());
  CHECK_EQ(inv.documents, 5);
  CHECK_EQ(inv.skipped_kinds,
           std::map<std::string, int>{{"Deploy", 1},
                                      {"stable.example.com/v1 CronTab", 1},
                                      {"v1 ConfigMap", 1},
                                      {"v1 ServiceAccount", 2}});
}

TEST_CASE("load::services") {
  Inventory inv = load_string(R"(apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
    - {name: dns, port: 53, protocol: UDP}
    - {name: zero, port: 81, targetPort: 0}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec: {clusterIP: None, selector: {}}
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: shop}
spec: {type: ExternalName, externalName: db.example.com.}
)",
                              "svc.yaml");
  REQUIRE(inv.ok());
  CHECK(inv.warnings.empty());
  REQUIRE_EQ(inv.services.size(), 3);
  CHECK_EQ(inv.loaded_kinds.at("Service"), 3);
  const npcheck::model::Service& db = inv.services[0];
  CHECK_EQ(db.display_name(), "shop/db");
  CHECK(db.headless);
  CHECK_FALSE(db.selector.has_value()); // an empty selector is none
  const npcheck::model::Service& ext = inv.services[1];
  CHECK_EQ(ext.type, npcheck::model::ServiceType::external_name);
  CHECK_EQ(ext.external_name, "db.example.com.");
  const npcheck::model::Service& web = *inv.find_service("shop", "web");
  REQUIRE_EQ(web.ports.size(), 3);
  CHECK_EQ(web.selector->to_string(), "app=web");
  CHECK_EQ(web.ports[0].to_string(), "80 (http)");
  CHECK_EQ(web.ports[0].target_text(), "http");
  CHECK_EQ(web.ports[1].to_string(), "53/UDP (dns)");
  CHECK_EQ(web.ports[1].target_text(), "53"); // defaults to the port
  CHECK_EQ(web.ports[2].target_text(), "81"); // 0 defaults to the port too
  CHECK_EQ(inv.find_service("shop", "nope"), nullptr);
}

TEST_CASE("load::duplicates") {
  Inventory inv = load_string(R"(apiVersion: v1
kind: Pod
metadata:
  name: p
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: p
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: default
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec: {podSelector: {}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec: {podSelector: {}}
)",
                              "dup.yaml");
  CHECK_EQ(messages(inv.errors),
               "dup.yaml:22:1: error: NetworkPolicy default/deny: duplicate object (first defined "
               "at dup.yaml:17:1)\n"
               "dup.yaml:11:1: error: Pod default/p: duplicate object (first defined at "
               "dup.yaml:1:1)\n");
  CHECK_EQ(inv.workloads.size(), 2);
  CHECK_EQ(inv.policies.size(), 1);
}

TEST_CASE("load::line_numbers") {
  SUBCASE("errors in later YAML documents") {
    Inventory inv = load_string(R"(apiVersion: v1
kind: Pod
metadata:
  name: ok
---
# comment

apiVersion: v1
kind: Pod
metadata:
  name: Bad_Name
)",
                                "multi.yaml");
    REQUIRE_EQ(inv.errors.size(), 1);
    CHECK_EQ(inv.errors[0].where.to_string(), "multi.yaml:11:9");
  }
  SUBCASE("errors in JSON") {
    Inventory inv = load_string(R"({"kind": "List", "apiVersion": "v1", "items": [
  {"kind": "Pod", "apiVersion": "v1",
   "metadata": {"name": "ok"}},
  {"kind": "Pod", "apiVersion": "v1",
   "metadata": {"name": "ok2", "labels": {"app": 7}}}
]}
{"kind": "Pod", "apiVersion": "v1",
 "metadata": {"name": "Bad_Name"}}
)",
                                "multi.json");
    CHECK_EQ(messages(inv.errors),
                 "multi.json:5:50: error: Pod default/ok2: metadata.labels.app: expected a string, "
                 "found a number '7' (quote it)\n"
                 "multi.json:8:23: error: Pod default/Bad_Name: metadata.name: invalid name "
                 "'Bad_Name': must be a lowercase RFC 1123 subdomain: a-z, 0-9, '-' and '.', "
                 "starting and ending with an alphanumeric character\n");
  }
}

TEST_CASE("load::paths") {
  SUBCASE("a missing file throws") {
    CHECK_THROWS_WITH_AS(npcheck::model::load_paths({"does-not-exist.yaml"}),
                         "does-not-exist.yaml: no such file or directory", npcheck::model::Error);
  }
  SUBCASE("the example shop directory loads cleanly") {
    Inventory inv = npcheck::model::load_paths({NPCHECK_TESTDATA_DIR "/example-shop/manifests"});
    CHECK_EQ(messages(inv.errors), "");
    CHECK_FALSE(inv.policies.empty());
    CHECK_FALSE(inv.workloads.empty());
  }
}
namespace {

namespace fs = std::filesystem;
using TempTree = npcheck::testing::ScratchDir;


std::string without(const std::string& text, const std::string& prefix) {
  std::string out = text;
  for (std::size_t at = out.find(prefix); at != std::string::npos; at = out.find(prefix)) {
    out.erase(at, prefix.size());
  }
  return out;
}

} // namespace

TEST_CASE("load::repository_walk") {
  TempTree repo;
  const std::string ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n";
  repo.write("manifests/ns.yaml", ns);
  repo.write(".github/workflows/ci.yml", "on: {push: {branches: [main]}}\njobs: {}\n");
  repo.write(".hidden.yaml", "not: [valid");
  repo.write("package.json", "{\"name\": \"shop\", \"private\": true}\n");
  repo.write("config/settings.yaml", "server: {port: 8080}\n---\n- a\n- b\n");
  repo.write("charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n");
  repo.write("charts/web/templates/d.yaml", "{{ include \"x\" . }}\n");
  repo.write("deploy/base/kustomization.yaml", "resources: [d.yaml]\n");
  repo.write("deploy/base/d.yaml", ns);
  repo.write("deploy/prod/Kustomization", "resources: [../base]\n");
  repo.write("deploy/prod/patch.yaml", ns);
  repo.write("tests/broken.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: Bad}\n");
  repo.write("notes.txt", "not read");

  LoadOptions options;
  options.command = "lint";
  options.exclude = {"tests"};
  Inventory inv = npcheck::model::load_paths({repo.path()}, options);
  CHECK_EQ(messages(inv.errors), "");
  REQUIRE_EQ(inv.namespaces.size(), 1);
  CHECK_EQ(inv.files, 3);
  std::map<std::string, int> non_objects;
  for (const auto& [file, count] : inv.non_objects) {
    non_objects[without(file, repo.path() + "/")] = count;
  }
  CHECK_EQ(non_objects, std::map<std::string, int>{{"config/settings.yaml", 2}, {"package.json", 1}});
  CHECK_EQ(without(messages(inv.warnings), repo.path() + "/"),
           "charts/web: warning: skipped a Helm chart: its templates are YAML only once rendered; read it "
           "with: helm template charts/web | npcheck lint -f -\n"
           "deploy/base: warning: skipped a kustomization: its files are what kustomize reads, not the "
           "objects it writes; read it with: kubectl kustomize deploy/base | npcheck lint -f -\n"
           "deploy/prod: warning: skipped a kustomization: its files are what kustomize reads, not the "
           "objects it writes; read it with: kubectl kustomize deploy/prod | npcheck lint -f -\n");
  std::vector<std::string> skipped;
  for (const std::string& path : inv.skipped_paths) {
    skipped.push_back(without(path, repo.path() + "/"));
  }
  CHECK_EQ(skipped, std::vector<std::string>{".github (hidden)", ".hidden.yaml (hidden)", "charts/web (Helm chart)",
                                             "deploy/base (kustomization)", "deploy/prod (kustomization)",
                                             "tests (--exclude)"});

  SUBCASE("named files are read strictly; a named hidden directory is walked") {
    Inventory named = npcheck::model::load_paths({repo.path("package.json"), repo.path(".github")});
    CHECK_EQ(without(messages(named.errors), repo.path() + "/"),
             "package.json:1:1: error: kind: required field is missing\n");
    CHECK_EQ(named.non_objects.size(), 1);
  }
  SUBCASE("--exclude matches names and paths below the walked directory") {
    options.exclude = {"*.json", "config/*", "tests/broken.yaml"};
    Inventory less = npcheck::model::load_paths({repo.path()}, options);
    CHECK(less.ok());
    CHECK(less.non_objects.empty());
  }
}

TEST_CASE("load::typed_lists") {
  Inventory inv = load_string(R"(apiVersion: v1
kind: PodList
items:
- metadata: {name: a, namespace: shop}
- kind: Pod
  apiVersion: v1
  metadata: {name: b, namespace: shop}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicyList
items:
- metadata: {name: p, namespace: shop}
  spec: {podSelector: {}}
---
apiVersion: v1
kind: List
items:
- metadata: {name: c, namespace: shop}
)",
                              "lists.yaml");
  CHECK_EQ(messages(inv.errors), "lists.yaml:18:3: error: items[0].kind: required field is missing (an item of "
                                 "a List names its kind; only typed lists such as PodList give their items one)\n");
  CHECK_EQ(inv.workloads.size(), 2);
  CHECK_EQ(inv.policies.size(), 1);
}

TEST_CASE("load::generate_name") {
  Inventory inv = load_string(R"(apiVersion: batch/v1
kind: Job
metadata: {generateName: migrate-, namespace: shop}
---
apiVersion: batch/v1
kind: Job
metadata: {generateName: migrate-, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {generateName: Bad-, namespace: shop}
)",
                              "jobs.yaml");
  CHECK_EQ(messages(inv.errors), "jobs.yaml:11:26: error: Pod shop/Bad-*: metadata.generateName: invalid "
                                 "generateName 'Bad-': must be a lowercase RFC 1123 subdomain: a-z, 0-9, '-' and "
                                 "'.', starting and ending with an alphanumeric character\n");
  REQUIRE_EQ(inv.workloads.size(), 2); // not duplicates of each other
  CHECK_EQ(inv.workloads[0].display_name(), "shop/migrate-*[Job]");
  CHECK(inv.workloads[0].generated_name);
}

TEST_CASE("load::custom_workloads") {
  Inventory inv = load_string(R"(apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: legacy}}
    spec: {containers: [{name: web}]}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: web, namespace: shop}
spec: {template: {replicas: 3}}
)",
                              "custom.yaml");
  CHECK(inv.ok());
  REQUIRE_EQ(inv.workloads.size(), 2);
  CHECK_EQ(inv.workloads[0].display_name(), "shop/web[DeploymentConfig]");
  CHECK_EQ(inv.workloads[1].display_name(), "shop/web[Rollout]");
  CHECK_EQ(inv.workloads[1].ports.at(0).name, "http");
  CHECK_EQ(inv.loaded_kinds, std::map<std::string, int>{{"DeploymentConfig", 1}, {"Rollout", 1}});
  CHECK_EQ(inv.skipped_kinds, std::map<std::string, int>{{"example.com/v1 Widget", 1}});
  CHECK_EQ(messages(inv.infos),
           "custom.yaml:1:1: info: Rollout shop/web: read as a workload: its spec.template is a pod template "
           "(argoproj.io kind Rollout)\n"
           "custom.yaml:10:1: info: DeploymentConfig shop/web: read as a workload: its spec.template is a pod "
           "template (apps.openshift.io kind DeploymentConfig)\n"
           "custom.yaml:10:1: info: Namespace shop: namespace is used but not defined; assuming it exists "
           "with only the label kubernetes.io/metadata.name=shop\n");
}

TEST_CASE("load::unmodelled_policies") {
  Inventory inv = load_string(R"(apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: a}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: b, namespace: shop}
---
apiVersion: crd.projectcalico.org/v1
kind: NetworkPolicy
metadata: {name: c, namespace: shop}
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: d}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicies
metadata: {name: e}
)",
                              "policies.yaml");
  CHECK(inv.ok());
  CHECK(inv.policies.empty());
  using Kind = std::pair<std::string, std::string>;
  CHECK_EQ(inv.unmodelled_policies, std::map<Kind, int>{{{"CiliumClusterwideNetworkPolicy", "cilium.io"}, 1},
                                                        {{"ClusterNetworkPolicy", "crd.antrea.io"}, 1},
                                                        {{"NetworkPolicy", "crd.projectcalico.org"}, 1},
                                                        {{"NetworkPolicy", "projectcalico.org"}, 1}});
  CHECK_EQ(messages(inv.warnings), "policies.yaml:18:7: warning: CiliumNetworkPolicies default/e: kind: unknown kind "
                                   "'CiliumNetworkPolicies' (did you mean 'CiliumNetworkPolicy'?); the object is "
                                   "skipped\n");
}

TEST_SUITE_END();
