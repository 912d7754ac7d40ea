// SPDX-License-Identifier: Apache-2.0
//
// Folding a live snapshot's pods into their workloads (model/pod_folding.cpp),
// through load_string as a user's dump goes through it.
#include <npcheck/model/load.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

using npcheck::model::Inventory;
using npcheck::model::IpAddress;
using npcheck::model::LoadOptions;
using npcheck::model::Workload;
using npcheck::model::WorkloadKind;
using npcheck::model::load_string;

namespace {

// A running pod as kubectl get -o yaml prints it (trimmed).
std::string pod(const std::string& name, const std::string& owner_kind, const std::string& owner,
                const std::string& labels, const std::string& node, const std::string& ip,
                const std::string& extra_spec = "") {
  std::string text = "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name +
                     "\n  namespace: shop\n  labels: " + labels + "\n";
  if (!owner_kind.empty()) {
    text += "  ownerReferences:\n  - {apiVersion: apps/v1, kind: " + owner_kind + ", name: " + owner +
            ", uid: u-" + owner + ", controller: true}\n";
  }
  text += "spec:\n  nodeName: " + node + "\n" + extra_spec + "  containers:\n  - name: c\n    ports:\n"
          "    - {name: http, containerPort: 8080}\nstatus: {podIP: " + ip + ", hostIP: 172.18.0." +
          std::string(1, node.back() == 'a' ? '2' : '3') + "}\n";
  return text;
}

std::vector<std::string> names(const Inventory& inv) {
  std::vector<std::string> out;
  for (const Workload& w : inv.workloads) {
    out.push_back(w.display_name());
  }
  return out;
}

// The infos of pod folding (not the undefined namespaces').
std::string infos(const Inventory& inv) {
  std::string out;
  for (const auto& d : inv.infos) {
    if (d.object.rfind("Namespace ", 0) == 0) {
      continue;
    }
    out += d.to_string() + '\n';
  }
  return out;
}

const Workload& only_workload(const Inventory& inv, const std::string& display) {
  auto it = std::find_if(inv.workloads.begin(), inv.workloads.end(),
                         [&](const Workload& w) { return w.display_name() == display; });
  REQUIRE(it != inv.workloads.end());
  return *it;
}

const std::string k_two_web_pods =
    pod("web-7d9f8c6b5-abcde", "ReplicaSet", "web-7d9f8c6b5", "{app: web, pod-template-hash: 7d9f8c6b5}",
        "node-a", "10.244.0.5") +
    pod("web-7d9f8c6b5-fghij", "ReplicaSet", "web-7d9f8c6b5", "{app: web, pod-template-hash: 7d9f8c6b5}",
        "node-b", "10.244.1.5");

} // namespace

TEST_SUITE_BEGIN("model");

TEST_CASE("pod_folding::owner_chain") {
  SUBCASE("a ReplicaSet missing from the input is its Deployment when the names match") {
    Inventory inv = load_string(k_two_web_pods, "pods.yaml");
    CHECK_EQ(names(inv), std::vector<std::string>{"shop/web[Deployment]"});
    const Workload& web = only_workload(inv, "shop/web[Deployment]");
    CHECK_EQ(web.kind, WorkloadKind::deployment);
    CHECK_EQ(web.labels.to_string(), "app=web,pod-template-hash=7d9f8c6b5");
    REQUIRE_EQ(web.pods.size(), 2);
    CHECK_EQ(web.pods[0].name, "web-7d9f8c6b5-abcde");
    CHECK_EQ(web.pods[0].node_name, "node-a");
    CHECK_EQ(web.pods[1].name, "web-7d9f8c6b5-fghij");
    CHECK_EQ(web.node_name, ""); // two nodes
    CHECK_FALSE(web.host_ip);
    REQUIRE_EQ(web.pod_ips.size(), 2);
    CHECK_EQ(web.pod_ips[0], *IpAddress::parse("10.244.0.5"));
    CHECK_EQ(web.where.line, 2); // the first pod's
    CHECK_EQ(inv.folded_kinds, std::map<std::string, int>{{"Pod", 2}});
    CHECK_EQ(infos(inv), "info: 1 folded workload (shop/web[Deployment]) runs pods on several nodes: traffic "
                         "between a pod and its own node, always allowed, is not in its answers (--pods "
                         "answers pod by pod)\n");
  }
  SUBCASE("pods on one node keep it") {
    Inventory inv = load_string(
        pod("w-1", "StatefulSet", "w", "{app: w}", "node-a", "10.244.0.7") +
            pod("w-2", "StatefulSet", "w", "{app: w}", "node-a", "10.244.0.8"),
        "pods.yaml");
    CHECK_EQ(only_workload(inv, "shop/w[StatefulSet]").node_name, "node-a");
    CHECK_EQ(only_workload(inv, "shop/w[StatefulSet]").host_ip, IpAddress::parse("172.18.0.2"));
    CHECK_EQ(infos(inv), "");
  }
  SUBCASE("a ReplicaSet whose name does not match stays the owner") {
    Inventory inv = load_string(pod("legacy-x", "ReplicaSet", "legacy", "{app: legacy}", "node-a", "10.244.0.9"),
                                "pods.yaml");
    CHECK_EQ(names(inv), std::vector<std::string>{"shop/legacy[ReplicaSet]"});
  }
  SUBCASE("through the ReplicaSets and Jobs of the input, whose templates the pods replace") {
    const std::string objects =
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop, uid: u-web}\n"
        "spec: {template: {metadata: {labels: {app: web}}}}\n"
        "---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web-7d9f8c6b5\n  namespace: shop\n"
        "  uid: u-web-7d9f8c6b5\n  ownerReferences: [{kind: Deployment, name: web, uid: u-web, controller: true}]\n"
        "spec: {template: {metadata: {labels: {app: web}}}}\n"
        "---\napiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: pay, namespace: shop}\n"
        "spec: {template: {metadata: {labels: {app: pay}}, spec: {containers: [{name: c}]}}}\n"
        "---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: pay-5f6b\n  namespace: shop\n"
        "  ownerReferences: [{kind: Rollout, name: pay, controller: true}]\n"
        "spec: {template: {metadata: {labels: {app: pay}}}}\n"
        "---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: report, namespace: shop}\n"
        "spec: {jobTemplate: {spec: {template: {metadata: {labels: {app: report}}}}}}\n"
        "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: report-1\n  namespace: shop\n"
        "  ownerReferences: [{kind: CronJob, name: report, controller: true}]\n"
        "spec: {template: {metadata: {labels: {app: report}}}}\n";
    Inventory inv = load_string(
        objects + k_two_web_pods + pod("pay-5f6b-x", "ReplicaSet", "pay-5f6b", "{app: pay}", "node-a", "10.244.0.20") +
            pod("report-1-y", "Job", "report-1", "{app: report}", "node-b", "10.244.1.30"),
        "all.yaml");
    CHECK(inv.ok());
    CHECK_EQ(names(inv), std::vector<std::string>{"shop/pay[Rollout]", "shop/report[CronJob]",
                                                  "shop/web[Deployment]"});
    CHECK_EQ(only_workload(inv, "shop/web[Deployment]").where.line, 2); // the Deployment's
    CHECK_EQ(only_workload(inv, "shop/web[Deployment]").uid, "u-web");
    CHECK_EQ(only_workload(inv, "shop/pay[Rollout]").custom_kind, "Rollout");
    CHECK_EQ(inv.folded_kinds, std::map<std::string, int>{{"Job", 1}, {"Pod", 4}, {"ReplicaSet", 2}});
    CHECK_EQ(inv.replaced_kinds,
             std::map<std::string, int>{{"CronJob", 1}, {"Deployment", 1}, {"Rollout", 1}});
  }
  SUBCASE("a template of another uid is not the pods' owner") {
    Inventory inv = load_string(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: w, namespace: shop, uid: other}\n"
        "spec: {template: {metadata: {labels: {app: w}}}}\n" +
            pod("w-0", "StatefulSet", "w", "{app: w}", "node-a", "10.244.0.7"),
        "pods.yaml");
    CHECK_EQ(inv.replaced_kinds.size(), 0);
    CHECK_EQ(names(inv), std::vector<std::string>{"shop/w[StatefulSet]", "shop/w-0"});
  }
}

TEST_CASE("pod_folding::agreement") {
  SUBCASE("pods with other labels stay apart, with the reason") {
    Inventory inv = load_string(
        pod("web-7d9f8c6b5-a", "ReplicaSet", "web-7d9f8c6b5", "{app: web, pod-template-hash: 7d9f8c6b5}",
            "node-a", "10.244.0.5") +
            pod("web-7d9f8c6b5-b", "ReplicaSet", "web-7d9f8c6b5",
                "{app: web, pod-template-hash: 7d9f8c6b5, canary: 'true'}", "node-b", "10.244.1.5"),
        "pods.yaml");
    CHECK_EQ(names(inv), std::vector<std::string>{"shop/web-7d9f8c6b5-a", "shop/web-7d9f8c6b5-b"});
    CHECK_EQ(infos(inv), "pods.yaml:2:1: info: Deployment shop/web: its 2 pods differ in labels (canary), so "
                         "they are not folded into one workload\n");
  }
  SUBCASE("per-pod labels of controllers do not count, unless a policy reads them") {
    const std::string pods =
        pod("db-0", "StatefulSet", "db", "{app: db, statefulset.kubernetes.io/pod-name: db-0}", "node-a",
            "10.244.0.7") +
        pod("db-1", "StatefulSet", "db", "{app: db, statefulset.kubernetes.io/pod-name: db-1}", "node-a",
            "10.244.0.8");
    Inventory folded = load_string(pods, "pods.yaml");
    CHECK_EQ(names(folded), std::vector<std::string>{"shop/db[StatefulSet]"});
    CHECK_EQ(only_workload(folded, "shop/db[StatefulSet]").labels.to_string(), "app=db");
    Inventory apart = load_string(
        pods + "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\n"
               "spec: {podSelector: {matchLabels: {statefulset.kubernetes.io/pod-name: db-0}}}\n",
        "pods.yaml");
    CHECK_EQ(names(apart), std::vector<std::string>{"shop/db-0", "shop/db-1"});
  }
  SUBCASE("an ipBlock that holds one pod's address and not the other's") {
    Inventory inv = load_string(
        k_two_web_pods +
            "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\n"
            "spec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.244.0.0/16, except: [10.244.1.0/24]}}]}]}\n",
        "pods.yaml");
    CHECK_EQ(names(inv).size(), 2);
    CHECK_EQ(infos(inv), "pods.yaml:2:1: info: Deployment shop/web: its 2 pods differ in the ipBlocks their "
                         "addresses are in, so they are not folded into one workload\n");
  }
  SUBCASE("hostNetwork pods, static pods and pods without a controller stay apart") {
    Inventory inv = load_string(
        pod("proxy-a", "DaemonSet", "proxy", "{app: proxy}", "node-a", "172.18.0.2", "  hostNetwork: true\n") +
            pod("proxy-b", "DaemonSet", "proxy", "{app: proxy}", "node-b", "172.18.0.3", "  hostNetwork: true\n") +
            pod("etcd-node-a", "Node", "node-a", "{component: etcd}", "node-a", "172.18.0.2",
                "  hostNetwork: true\n") +
            pod("debug", "", "", "{app: debug}", "node-a", "10.244.0.99"),
        "pods.yaml");
    CHECK_EQ(names(inv), std::vector<std::string>{"shop/debug", "shop/etcd-node-a", "shop/proxy-a", "shop/proxy-b"});
  }
}

TEST_CASE("pod_folding::kept_apart") {
  LoadOptions options;
  SUBCASE("by name, in a namespace or in any") {
    options.kept_apart.names = {{"shop", "web-7d9f8c6b5-abcde"}};
    Inventory inv = load_string(k_two_web_pods, "pods.yaml", options);
    CHECK_EQ(names(inv), std::vector<std::string>{"shop/web[Deployment]", "shop/web-7d9f8c6b5-abcde"});
    CHECK_EQ(only_workload(inv, "shop/web[Deployment]").node_name, "node-b");
    options.kept_apart.names = {{"", "web-7d9f8c6b5-fghij"}};
    CHECK_EQ(names(load_string(k_two_web_pods, "pods.yaml", options)),
             std::vector<std::string>{"shop/web[Deployment]", "shop/web-7d9f8c6b5-fghij"});
  }
  SUBCASE("by address") {
    options.kept_apart.addresses = {*IpAddress::parse("10.244.1.5")};
    CHECK_EQ(names(load_string(k_two_web_pods, "pods.yaml", options)),
             std::vector<std::string>{"shop/web[Deployment]", "shop/web-7d9f8c6b5-fghij"});
  }
  SUBCASE("by a label key an expectation reads") {
    options.kept_apart.label_keys = {"pod-template-hash"};
    Inventory inv = load_string(
        k_two_web_pods + pod("web-5c4b3a2d1-klmno", "ReplicaSet", "web-5c4b3a2d1",
                             "{app: web, pod-template-hash: 5c4b3a2d1}", "node-a", "10.244.0.6"),
        "pods.yaml", options);
    CHECK_EQ(names(inv).size(), 3);
  }
  SUBCASE("--pods folds nothing but still replaces templates") {
    options.fold_pods = false;
    Inventory inv = load_string(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
        "spec: {template: {metadata: {labels: {app: web}}}}\n" +
            k_two_web_pods,
        "pods.yaml", options);
    CHECK_EQ(names(inv), std::vector<std::string>{"shop/web-7d9f8c6b5-abcde", "shop/web-7d9f8c6b5-fghij"});
    CHECK_EQ(inv.replaced_kinds, std::map<std::string, int>{{"Deployment", 1}});
    CHECK(inv.folded_kinds.empty());
  }
}

TEST_SUITE_END();
