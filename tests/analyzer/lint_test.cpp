// SPDX-License-Identifier: Apache-2.0
#include <npcheck/analyzer/lint.hpp>

#include <npcheck/analyzer/program.hpp>

#include <npcheck/model/load.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using npcheck::analyzer::Finding;
using npcheck::analyzer::LintOptions;
using npcheck::analyzer::LintSeverity;
using npcheck::analyzer::find_lint_check;
using npcheck::analyzer::lint;
using npcheck::analyzer::lint_checks;
using npcheck::model::load_string;

namespace {

// Namespaces app (team=a) and other (team=b), pods app/web (app=web, named
// port http 8080) and app/api (app=api, named port http 9000).
const std::string k_base = R"(
apiVersion: v1
kind: Namespace
metadata: {name: app, labels: {team: a}}
---
apiVersion: v1
kind: Namespace
metadata: {name: other, labels: {team: b}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: app, labels: {app: web}}
spec:
  containers:
    - name: c
      image: x
      ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: app, labels: {app: api}}
spec:
  containers:
    - name: c
      image: x
      ports: [{name: http, containerPort: 9000}]
)";

std::vector<Finding> lint_yaml(const std::string& policies, const LintOptions& options = {}) {
  const npcheck::model::Inventory inventory =
      load_string(k_base + "---\n" + policies, "input.yaml");
  return lint(npcheck::analyzer::Program(inventory), options);
}

// "line:col id severity" per finding, one a line, for readable failures.
std::string summary(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) {
    out += std::to_string(f.where.line) + ':' + std::to_string(f.where.column) + ' ' +
           std::string(f.check->id) + ' ' + to_string(f.severity) + '\n';
  }
  return out;
}

// Only the findings of one check.
std::vector<Finding> only(const std::vector<Finding>& findings, std::string_view id) {
  std::vector<Finding> result;
  for (const Finding& f : findings) {
    if (f.check->id == id) {
      result.push_back(f);
    }
  }
  return result;
}

// A policy selecting both pods that allows all ingress, so that NP601 is quiet.
const std::string k_allow_all = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: app}
spec:
  podSelector: {}
  ingress: [{}]
)";

} // namespace

TEST_SUITE_BEGIN("analyzer");

TEST_CASE("lint::catalogue") {
  SUBCASE("ids are unique and sorted") {
    std::string_view previous;
    for (const auto& c : lint_checks()) {
      CHECK(previous < c.id);
      previous = c.id;
    }
  }
  SUBCASE("lookup by id, any case, or by name") {
    REQUIRE(find_lint_check("np503") != nullptr);
    CHECK(find_lint_check("np503")->name == "cidr-host-bits");
    CHECK(find_lint_check("split-peer")->id == "NP702");
    CHECK(find_lint_check("NP999") == nullptr);
  }
}

TEST_CASE("lint::clean") {
  CHECK(summary(lint_yaml(k_allow_all)) == "");
}

TEST_CASE("lint::validation") {
  const auto findings = lint_yaml(k_allow_all + R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad, namespace: app}
spec:
  podSelector: {}
  ingress:
    - ports: [{protocol: HTTP}]
)");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].check->id == "NP000");
  CHECK(findings[0].severity == LintSeverity::error);
  CHECK(findings[0].object == "NetworkPolicy app/bad");
  CHECK(findings[0].message ==
        "spec.ingress[0].ports[0].protocol: unknown protocol 'HTTP' (expected TCP, UDP or SCTP)");
}

TEST_CASE("lint::selectors") {
  SUBCASE("policy selecting nothing") {
    const auto findings = only(lint_yaml(k_allow_all + R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {matchLabels: {app: web}, matchExpressions: [{key: app, operator: NotIn, values: [web]}]}
)"),
                               "NP101");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == LintSeverity::warning);
    CHECK(findings[0].message == "spec.podSelector app=web,app notin (web) selects no pod of "
                                 "namespace app: the policy has no effect");
  }
  SUBCASE("typo in a value suggests the nearest value, and NP101 stays quiet") {
    const auto findings = lint_yaml(k_allow_all + R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {matchLabels: {app: wbe}}
)");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].check->id == "NP103");
    CHECK(findings[0].message == "spec.podSelector: no pod has label app=wbe");
    CHECK(findings[0].hint == "did you mean 'web'?");
  }
  SUBCASE("peer in a named namespace without workloads") {
    const auto findings = only(lint_yaml(k_allow_all + R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}, podSelector: {matchLabels: {app: web}}}]
)"),
                               "NP102");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message ==
          "spec.ingress[0].from[0]: namespace other has no workload in the inputs, so the peers "
          "of this policy there cannot be checked");
    CHECK(findings[0].severity == LintSeverity::info);
  }
  SUBCASE("a peer whose namespaces may be outside the inputs is not checked (the DNS peer)") {
    const auto findings = lint_yaml(k_allow_all + R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns, namespace: app}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
      ports: [{port: 53, protocol: UDP}]
    - to: [{namespaceSelector: {matchLabels: {team: b}}, podSelector: {matchLabels: {app: web}}}]
)");
    CHECK(only(findings, "NP102").empty());
    CHECK(only(findings, "NP103").empty());
  }
  SUBCASE("a label without a near miss is unknown, not wrong") {
    const auto findings = lint_yaml(k_allow_all + R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}
)");
    CHECK(only(findings, "NP103").empty());
    const auto np101 = only(findings, "NP101");
    REQUIRE(np101.size() == 1); // the namespace's pods are all in the inputs
    CHECK(np101[0].severity == LintSeverity::warning);
  }
  SUBCASE("pods an operator makes from a custom resource") {
    const auto findings = only(lint_yaml(k_allow_all + R"(---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: app}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}
)"),
                               "NP101");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == LintSeverity::info);
    CHECK(findings[0].message ==
          "spec.podSelector app.kubernetes.io/name=prometheus matches no pod in the inputs; "
          "namespace app holds custom resources (Prometheus k8s) from which an operator may make "
          "such pods");
  }
  SUBCASE("a policy for host-network pods") {
    const auto findings = lint_yaml(k_allow_all + R"(---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter, namespace: app}
spec:
  selector: {matchLabels: {app: node-exporter}}
  template:
    metadata: {labels: {app: node-exporter}}
    spec:
      hostNetwork: true
      containers: [{name: c, image: x}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {matchLabels: {app: node-exporter}}
  ingress:
    - from: [{podSelector: {matchLabels: {app: node-exporter}}}]
)");
    const auto np101 = only(findings, "NP101");
    REQUIRE(np101.size() == 1);
    CHECK(np101[0].severity == LintSeverity::info);
    CHECK(np101[0].message ==
          "spec.podSelector app=node-exporter matches only host-network pods "
          "(app/node-exporter[DaemonSet]): no NetworkPolicy applies to pods with hostNetwork: "
          "true, so the policy has no effect on them");
    const auto np102 = only(findings, "NP102");
    REQUIRE(np102.size() == 1);
    CHECK(np102[0].severity == LintSeverity::info);
    CHECK(np102[0].hint == "admit their nodes' addresses with an ipBlock");
  }
  SUBCASE("a key one edit from a known key") {
    const auto findings = only(lint_yaml(k_allow_all + R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {matchLabels: {ap: web}}
)"),
                               "NP103");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message == "spec.podSelector: label key 'ap' is on no pod");
    CHECK(findings[0].hint == "did you mean 'app'?");
  }
}

TEST_CASE("lint::label_prefixes") {
  // app.kubernetes.io/instance is not a typo of app.kubernetes.io/name: the
  // names after the common prefix differ entirely.
  const auto findings = only(lint_yaml(k_allow_all + R"(---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: app, labels: {app.kubernetes.io/name: prometheus}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/instance: k8s}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: q, namespace: app}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/nmae: prometheus}}
)"),
                             "NP103");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].object == "NetworkPolicy app/q");
  CHECK(findings[0].hint == "did you mean 'app.kubernetes.io/name'?");
}

TEST_CASE("lint::ignored_rules_are_not_judged") {
  const auto findings = lint_yaml(k_allow_all + R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  egress:
    - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
)");
  CHECK(only(findings, "NP403").size() == 1);
  CHECK(only(findings, "NP502").empty());
}

TEST_CASE("lint::empty_input") {
  const npcheck::model::Inventory inventory = load_string("", "input.yaml");
  const auto findings = lint(npcheck::analyzer::Program(inventory));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].check->id == "NP001");
  CHECK(findings[0].severity == LintSeverity::warning);
}

TEST_CASE("lint::ignore_annotation_values") {
  const auto findings = lint_yaml(k_allow_all + R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: p
  namespace: app
  annotations: {npcheck/ignore: [NP101]}
spec:
  podSelector: {matchLabels: {app: nothing-here}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: q
  namespace: app
  annotations: {npcheck/ignore: ALL}
spec:
  podSelector: {matchLabels: {app: nothing-here}}
)");
  const auto np101 = only(findings, "NP101");
  REQUIRE(np101.size() == 1); // q's is accepted by ALL, p's annotation is no string
  CHECK(np101[0].object == "NetworkPolicy app/p");
  const auto np001 = only(findings, "NP001");
  REQUIRE(np001.size() == 1);
  CHECK(np001[0].message.find("expected a string of check ids") != std::string::npos);
}

TEST_CASE("lint::namespaces") {
  SUBCASE("objects without metadata.namespace: one info at no file") {
    const npcheck::model::Inventory inventory = load_string(R"(apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec:
  podSelector: {}
)",
                                                            "input.yaml");
    const auto findings = only(lint(npcheck::analyzer::Program(inventory)), "NP001");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == LintSeverity::info);
    CHECK(findings[0].where.file_name().empty());
  }
}

TEST_CASE("lint::named_ports") {
  SUBCASE("egress resolves on the peer") {
    const auto findings = only(lint_yaml(k_allow_all + R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
    - to: [{podSelector: {matchLabels: {app: api}}}]
      ports: [{port: http}, {port: http, protocol: UDP}]
)"),
                               "NP201");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message == "spec.egress[0].ports[1]: named port 'http' (UDP) matches "
                                 "nothing: no destination pod declares it (destinations: app/api)");
    CHECK(findings[0].hint == "set the protocol: app/api declares it as TCP");
  }
}

TEST_CASE("lint::redundancy") {
  SUBCASE("identical rules: only the later one") {
    const auto findings = lint_yaml(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {}
  ingress:
    - from: [{podSelector: {matchLabels: {app: web}}}]
    - from: [{podSelector: {matchLabels: {app: web}}}]
)");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].check->id == "NP301");
    CHECK(findings[0].message.starts_with("spec.ingress[1]: redundant"));
  }
  SUBCASE("pods of other address families are not covered for them") {
    // a-v4 has only an IPv4 address, b-unknown none (either family), and a
    // dual-stack pod elsewhere makes flows one family each. Rule 1 covers
    // rule 0 for a-v4 (no IPv6 flow), not for b-unknown: no finding.
    const auto findings = npcheck::analyzer::lint(npcheck::analyzer::Program(load_string(R"(
apiVersion: v1
kind: Namespace
metadata: {name: app}
---
apiVersion: v1
kind: Pod
metadata: {name: a-v4, namespace: app}
spec: {containers: [{name: c, image: x}]}
status: {podIPs: [{ip: 10.0.0.1}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b-unknown, namespace: app}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: dual, namespace: other}
spec: {containers: [{name: c, image: x}]}
status: {podIPs: [{ip: 10.0.0.2}, {ip: "fd00::2"}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: "fd00:1::/64"}}, {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: app}}}]
      ports: [{port: 443}]
    - to: [{namespaceSelector: {}}]
)",
                                                                                                "input.yaml")));
    CHECK(summary(only(findings, "NP301")) == "");
  }
  SUBCASE("named port resolved per destination pod") {
    // http is 8080 on web and 9000 on api: port 8080 covers it only for web.
    const std::string policy = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {matchLabels: {app: SELECTED}}
  ingress:
    - ports: [{port: http}]
    - ports: [{port: 8080}]
)";
    std::string for_web = policy;
    for_web.replace(for_web.find("SELECTED"), 8, "web");
    std::string for_api = policy;
    for_api.replace(for_api.find("SELECTED"), 8, "api");
    // Equal for web: the later rule is the one reported.
    const auto web = only(lint_yaml(for_web), "NP301");
    REQUIRE(web.size() == 1);
    CHECK(web[0].message.starts_with("spec.ingress[1]: redundant"));
    CHECK(summary(only(lint_yaml(for_api), "NP301")) == "");
  }
  SUBCASE("rules of other policies count, isolation too") {
    const auto findings = lint_yaml(k_allow_all + R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
    - from: [{ipBlock: {cidr: 10.0.0.0/8}}]
)");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].check->id == "NP302");
    CHECK(findings[0].object == "NetworkPolicy app/p");
  }
  SUBCASE("an except leaves a hole") {
    const auto findings = lint_yaml(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {}
  ingress:
    - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
    - from: [{ipBlock: {cidr: 10.0.0.0/9}}]
)");
    CHECK(summary(findings) == "");
  }
}

TEST_CASE("lint::isolation") {
  SUBCASE("Egress without egress rules on a specific policy") {
    const auto findings = lint_yaml(k_allow_all + R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: app}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress, Egress]
  ingress: [{}]
)");
    CHECK(summary(only(findings, "NP401")) == "36:1 NP401 warning\n");
  }
  SUBCASE("default-deny alone is info, with allow policies quiet") {
    const std::string deny = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: app}
spec:
  podSelector: {}
  policyTypes: [Ingress]
)";
    CHECK(summary(lint_yaml(deny)) == "29:1 NP401 info\n");
    CHECK(summary(lint_yaml(deny + "---\n" + k_allow_all)) == "");
  }
  SUBCASE("egress without DNS, and with it") {
    const std::string egress = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: app}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
    - to: [{podSelector: {matchLabels: {app: api}}}]
)";
    const std::string dns = R"(
    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]
      ports: [{port: 53, protocol: UDP}]
)";
    CHECK(summary(only(lint_yaml(k_allow_all + "---\n" + egress), "NP402")) == "37:1 NP402 warning\n");
    CHECK(summary(lint_yaml(k_allow_all + "---\n" + egress + dns)) == "");
  }
}

TEST_CASE("lint::ip_blocks") {
  const auto findings = lint_yaml(k_allow_all + R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
    - from:
        - ipBlock: {cidr: 0.0.0.0/0}
        - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}
        - ipBlock: {cidr: 192.168.1.1/16}
)");
  // NP302 too: allow-all already admits everything from anywhere.
  CHECK(summary(findings) == "36:1 NP302 warning\n43:20 NP502 warning\n45:20 NP503 warning\n");
  CHECK(findings[2].hint == "write 192.168.0.0/16, or 192.168.1.1/32 for the single address");
}

TEST_CASE("lint::split_peer") {
  // The seed's alice/client example: role=client pods live only in namespace other.
  const std::string yaml = R"(
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: other, labels: {role: client}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: all, namespace: other}
spec: {podSelector: {}, ingress: [{}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: app}
spec:
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {team: b}}
        - podSelector: {matchLabels: {role: client}}
)";
  SUBCASE("two elements") {
    const auto findings = lint_yaml(yaml);
    CHECK(summary(findings) == "47:11 NP702 warning\n");
  }
  SUBCASE("disabled") {
    LintOptions options;
    options.disabled = {"NP702"};
    // NP702 no longer explains the dead podSelector, so NP102 does.
    CHECK(summary(lint_yaml(yaml, options)) == "47:24 NP102 warning\n");
  }
}

TEST_CASE("lint::coverage") {
  const auto findings = lint_yaml(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: app}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{}]
)");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].check->id == "NP601");
  CHECK(findings[0].object == "Pod app/api");
}

TEST_SUITE_END();
