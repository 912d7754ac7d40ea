// SPDX-License-Identifier: Apache-2.0
#include <npcheck/model/expectations.hpp>

#include <npcheck/model/load.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using npcheck::model::Diagnostic;
using npcheck::model::Expectation;
using npcheck::model::ExpectationFile;
using npcheck::model::Operator;
using npcheck::model::Protocol;
using npcheck::model::Verdict;
using npcheck::model::WorkloadKind;
using npcheck::model::check_names;
using npcheck::model::Inventory;
using npcheck::model::load_expectations_string;
using npcheck::model::load_string;

namespace {

std::string diagnostic_text(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    out += d.to_string() + '\n';
  }
  return out;
}

// The errors of one expectation whose body is yaml (indented by 4).
std::string errors_of(const std::string& body) {
  ExpectationFile file = load_expectations_string("expectations:\n  - name: e\n" + body, "e.yaml");
  CHECK(file.expectations.empty());
  return diagnostic_text(file.errors);
}

} // namespace

TEST_SUITE_BEGIN("model");

TEST_CASE("load_expectations::schema") {
  SUBCASE("every endpoint form") {
    ExpectationFile file = load_expectations_string(R"(expectations:
  - name: pods
    description: a reviewer's note
    from: {namespace: shop, kind: deployment, name: frontend, selector: {app: web, canary: true}}
    to:
      namespaceSelector:
        matchLabels: {team: data}
        matchExpressions:
          - {key: env, operator: NotIn, values: [dev, dev, staging]}
      podSelector: {matchExpressions: [{key: legacy, operator: DoesNotExist}]}
    ports: ["TCP/5432", 8080, UDP, "SCTP/100-200", any, "9000-9999"]
    expect: allow
  - name: addresses
    from: {all: true}
    to: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    expect: deny
)",
                                                    "e.yaml");
    REQUIRE_MESSAGE(file.ok(), diagnostic_text(file.errors));
    CHECK(file.warnings.empty());
    REQUIRE_EQ(file.expectations.size(), 2u);
    const Expectation& pods = file.expectations[0];
    CHECK_EQ(pods.name, "pods");
    CHECK_EQ(pods.expect, Verdict::allow);
    CHECK_EQ(pods.where.to_string(), "e.yaml:2:5");
    CHECK_EQ(*pods.from.namespace_name, "shop");
    CHECK_EQ(*pods.from.kind, WorkloadKind::deployment);
    CHECK_EQ(*pods.from.name, "frontend");
    CHECK_EQ(pods.from.pod_selector->to_string(), "app=web,canary=true");
    CHECK_EQ(pods.from.to_string(),
             "namespace shop, kind Deployment, name frontend, selector app=web,canary=true");
    CHECK_FALSE(pods.to.namespace_name);
    REQUIRE(pods.to.namespace_selector);
    CHECK_EQ(pods.to.namespace_selector->match_expressions[0].op, Operator::not_in);
    CHECK_EQ(pods.to.namespace_selector->match_expressions[0].values,
             std::vector<std::string>{"dev", "staging"});
    CHECK_EQ(pods.to.pod_selector->to_string(), "!legacy");
    REQUIRE_EQ(pods.ports.size(), 6u);
    CHECK_EQ(*pods.ports[0].protocol, Protocol::tcp);
    CHECK_EQ(pods.ports[0].first, 5432);
    CHECK_EQ(pods.ports[0].last, 5432);
    CHECK_EQ(*pods.ports[1].protocol, Protocol::tcp); // a bare number is TCP, as in a policy
    CHECK_EQ(pods.ports[1].first, 8080);
    CHECK_EQ(*pods.ports[2].protocol, Protocol::udp);
    CHECK_EQ(pods.ports[2].first, 1);
    CHECK_EQ(pods.ports[2].last, 65535);
    CHECK_EQ(pods.ports[3].first, 100);
    CHECK_EQ(pods.ports[3].last, 200);
    CHECK_FALSE(pods.ports[4].protocol); // any
    CHECK_EQ(pods.ports[5].last, 9999);
    const Expectation& addresses = file.expectations[1];
    CHECK(addresses.from.all);
    CHECK_EQ(addresses.expect, Verdict::deny);
    CHECK(addresses.ports.empty());
    CHECK_EQ(addresses.to.to_string(), "cidr 10.0.0.0/8 except 10.1.0.0/16");
  }

  SUBCASE("several documents, host bits warned about") {
    ExpectationFile file = load_expectations_string(R"(expectations:
  - {name: a, from: {all: true}, to: {cidr: 10.0.0.1/8}, expect: deny}
---
expectations:
  - {name: b, from: {namespace: x}, to: {namespace: y}, expect: deny}
)",
                                                    "e.yaml");
    CHECK(file.ok());
    CHECK_EQ(file.expectations.size(), 2u);
    CHECK_EQ(diagnostic_text(file.warnings),
             "e.yaml:2:45: warning: expectation 'a': expectations[0].to.cidr: '10.0.0.1/8' has host "
             "bits set; read as '10.0.0.0/8'\n");
  }
}

TEST_CASE("load_expectations::endpoint_strings") {
  SUBCASE("the command line's forms") {
    ExpectationFile file = load_expectations_string(R"(expectations:
  - name: strings
    from: shop/deploy/frontend
    to: data/postgres
    ports: [tcp/5432, Udp/53]
    expect: allow
  - name: addresses
    from: shop/StatefulSets/db
    to: 169.254.169.254
    expect: deny
  - name: range
    from: 10.0.0.0/8
    to: shop/po/web
    expect: deny
)",
                                                    "e.yaml");
    REQUIRE_MESSAGE(file.ok(), diagnostic_text(file.errors));
    REQUIRE_EQ(file.expectations.size(), 3u);
    const Expectation& strings = file.expectations[0];
    CHECK_EQ(strings.from.to_string(), "namespace shop, kind Deployment, name frontend");
    CHECK_EQ(strings.from.where.to_string(), "e.yaml:3:11");
    CHECK_EQ(strings.to.to_string(), "namespace data, name postgres");
    REQUIRE_EQ(strings.ports.size(), 2u);
    CHECK_EQ(*strings.ports[0].protocol, Protocol::tcp);
    CHECK_EQ(*strings.ports[1].protocol, Protocol::udp);
    CHECK_EQ(file.expectations[1].from.to_string(), "namespace shop, kind StatefulSet, name db");
    CHECK_EQ(file.expectations[1].to.to_string(), "cidr 169.254.169.254/32");
    CHECK_EQ(file.expectations[2].from.to_string(), "cidr 10.0.0.0/8");
    CHECK_EQ(file.expectations[2].to.to_string(), "namespace shop, kind Pod, name web");
  }
  SUBCASE("errors") {
    auto errors = [](const std::string& to) {
      return errors_of("    from: {all: true}\n    to: " + to + "\n    expect: deny\n");
    };
    CHECK_EQ(errors("web"), "e.yaml:4:9: error: expectation 'e': expectations[0].to: 'web' names no "
                            "namespace (write NAMESPACE/NAME or NAMESPACE/KIND/NAME: an expectations file "
                            "reads the same whatever -n says)\n");
    CHECK_EQ(errors("deploy/web"), "e.yaml:4:9: error: expectation 'e': expectations[0].to: 'deploy/web' "
                                   "names no namespace (write NAMESPACE/deploy/web: an expectations file "
                                   "reads the same whatever -n says)\n");
    {
      ExpectationFile file = load_expectations_string(
          "expectations:\n  - name: e\n    from: {all: true}\n    to: shop/svc/web\n    expect: deny\n", "e.yaml");
      REQUIRE_EQ(file.expectations.size(), 1);
      CHECK_EQ(file.expectations[0].to.to_string(), "service shop/web");
      CHECK_EQ(file.expectations[0].to.service, std::optional<std::string>("web"));
    }
    CHECK_EQ(errors("svc/web"), "e.yaml:4:9: error: expectation 'e': expectations[0].to: 'svc/web' "
                                "names no namespace (write NAMESPACE/svc/web: an expectations file "
                                "reads the same whatever -n says)\n");
    CHECK_EQ(errors("shop/widget/web"),
             "e.yaml:4:9: error: expectation 'e': expectations[0].to: unknown kind 'widget' in "
             "'shop/widget/web' (expected Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob "
             "or ReplicationController, as kubectl spells them: po, deploy, rs, sts, ds, job, cj, rc, or "
             "plural)\n");
    CHECK_EQ(errors("10.0.0.1/8"), "e.yaml:4:9: error: expectation 'e': expectations[0].to: '10.0.0.1/8' "
                                   "has host bits set (did you mean 10.0.0.0/8?)\n");
    CHECK_EQ(errors("Shop/web"), "e.yaml:4:9: error: expectation 'e': expectations[0].to: invalid "
                                 "namespace 'Shop' in 'Shop/web': must be a lowercase RFC 1123 label: a-z, "
                                 "0-9 and '-', starting and ending with an alphanumeric character\n");
  }
}

TEST_CASE("load_expectations::service_mapping") {
  SUBCASE("{namespace, service} reads as NAMESPACE/svc/NAME") {
    ExpectationFile file = load_expectations_string(R"(expectations:
  - name: e
    from: shop/svc/web
    to: {namespace: shop, service: web}
    expect: deny
)",
                                                    "e.yaml");
    REQUIRE_MESSAGE(file.ok(), diagnostic_text(file.errors));
    REQUIRE_EQ(file.expectations.size(), 1u);
    const Expectation& e = file.expectations[0];
    CHECK_EQ(e.to.to_string(), e.from.to_string());
    CHECK_EQ(e.to.service, e.from.service);
    CHECK_EQ(e.to.namespace_name, e.from.namespace_name);
    CHECK_EQ(e.to.where.to_string(), "e.yaml:4:36");
  }
  SUBCASE("errors") {
    auto errors = [](const std::string& to) {
      return errors_of("    from: {all: true}\n    to: " + to + "\n    expect: deny\n");
    };
    CHECK_EQ(errors("{service: web}"), "e.yaml:4:19: error: expectation 'e': expectations[0].to.service: "
                                       "service needs namespace (an expectations file reads the same "
                                       "whatever -n says)\n");
    CHECK_EQ(errors("{namespace: shop, service: web, name: web}"),
             "e.yaml:4:9: error: expectation 'e': expectations[0].to: service may be combined with namespace "
             "only (the Service stands for the pods it selects)\n");
    CHECK_EQ(errors("{namespace: shop, service: Web}"),
             "e.yaml:4:36: error: expectation 'e': expectations[0].to.service: invalid name 'Web': must "
             "be a lowercase RFC 1123 subdomain: a-z, 0-9, '-' and '.', starting and ending with an "
             "alphanumeric character\n");
  }
}

TEST_CASE("load_expectations::errors") {
  SUBCASE("file shape") {
    CHECK_EQ(diagnostic_text(load_expectations_string("", "e.yaml").errors),
             "e.yaml: error: no expectations (expected a mapping with 'expectations')\n");
    CHECK_EQ(diagnostic_text(load_expectations_string("- a\n", "e.yaml").errors),
             "e.yaml:1:1: error: expected a mapping with 'expectations', found a list\n");
    CHECK_EQ(diagnostic_text(load_expectations_string("expectation: []\n", "e.yaml").errors),
             "e.yaml:1:1: error: expectation: unknown field (did you mean 'expectations'?)\n"
             "e.yaml:1:1: error: expectations: required field is missing\n");
    CHECK_EQ(diagnostic_text(load_expectations_string("expectations: []\n", "e.yaml").errors),
             "e.yaml:1:15: error: expectations: must list at least one expectation\n");
    CHECK_EQ(diagnostic_text(load_expectations_string("expectations: [a: b: c]\n", "e.yaml").errors),
             "e.yaml:1:20: error: invalid YAML: end of sequence flow not found\n");
  }

  SUBCASE("expectation fields") {
    CHECK_EQ(diagnostic_text(load_expectations_string(
                 "expectations:\n  - {from: {all: true}, to: {namespace: a}, expect: deny}\n", "e.yaml")
                          .errors),
             "e.yaml:2:5: error: expectations[0].name: required field is missing\n");
    CHECK_EQ(errors_of("    from: {all: true}\n    to: {namespace: a}\n"),
             "e.yaml:2:5: error: expectation 'e': expectations[0].expect: required field is missing "
             "(expected allow or deny)\n");
    CHECK_EQ(errors_of("    from: {all: true}\n    to: {namespace: a}\n    expect: permit\n"),
             "e.yaml:5:13: error: expectation 'e': expectations[0].expect: unknown verdict 'permit' "
             "(expected allow or deny)\n");
    CHECK_EQ(errors_of("    to: {namespace: a}\n    expect: deny\n    port: [80]\n"),
             "e.yaml:2:5: error: expectation 'e': expectations[0].from: required field is missing\n"
             "e.yaml:5:5: error: expectation 'e': expectations[0].port: unknown field (did you mean "
             "'ports'?)\n");
    // No known field is near: the message lists them.
    CHECK_EQ(errors_of("    from: {all: true}\n    to: {namespace: a}\n    expect: deny\n    verdict: x\n"),
             "e.yaml:6:5: error: expectation 'e': expectations[0].verdict: unknown field (expected "
             "name, description, from, to, ports, expect)\n");
    CHECK_EQ(errors_of("    from: {all: true}\n    to: {namespace: a}\n    expect: allow\n"),
             "e.yaml:2:5: error: expectation 'e': expectations[0].ports: required when expect is "
             "allow (list the ports the application needs, or write [any])\n");
    CHECK_EQ(errors_of("    from: {cidr: 10.0.0.0/8}\n    to: {cidr: 0.0.0.0/0}\n    expect: deny\n"),
             "e.yaml:4:9: error: expectation 'e': expectations[0].to: from and to may not both be "
             "cidr (NetworkPolicy does not govern traffic between addresses outside the cluster)\n");
    ExpectationFile twice = load_expectations_string(R"(expectations:
  - {name: same, from: {all: true}, to: {namespace: a}, expect: deny}
  - {name: same, from: {all: true}, to: {namespace: b}, expect: deny}
)",
                                                     "e.yaml");
    CHECK_EQ(diagnostic_text(twice.errors), "e.yaml:3:12: error: expectation 'same': expectations[1].name: "
                                     "duplicate expectation name (first used at e.yaml:2:12)\n");
  }

  SUBCASE("endpoints") {
    auto endpoint_errors = [](const std::string& to) {
      return errors_of("    from: {all: true}\n    to: " + to + "\n    expect: deny\n");
    };
    CHECK_EQ(endpoint_errors("{}"),
             "e.yaml:4:9: error: expectation 'e': expectations[0].to: must specify an endpoint: all: "
             "true, cidr, service, or at least one of namespace, namespaceSelector, name, kind and selector\n");
    CHECK_EQ(endpoint_errors("{namepsace: shop}"),
             "e.yaml:4:10: error: expectation 'e': expectations[0].to.namepsace: unknown field "
             "(did you mean 'namespace'?)\n");
    CHECK_EQ(endpoint_errors("{pod: web}"),
             "e.yaml:4:10: error: expectation 'e': expectations[0].to.pod: unknown field (expected "
             "all, cidr, except, namespace, namespaceSelector, name, kind, selector, podSelector, service)\n");
    CHECK_EQ(endpoint_errors("{all: false}"),
             "e.yaml:4:15: error: expectation 'e': expectations[0].to.all: expected true (omit the "
             "field to select fewer pods)\n");
    CHECK_EQ(endpoint_errors("{all: true, name: x}"),
             "e.yaml:4:9: error: expectation 'e': expectations[0].to: all: true may not be combined "
             "with other fields\n");
    CHECK_EQ(endpoint_errors("{cidr: 10.0.0.0/8, namespace: x}"),
             "e.yaml:4:9: error: expectation 'e': expectations[0].to: cidr may not be combined with "
             "namespace, namespaceSelector, name, kind or selector\n");
    CHECK_EQ(endpoint_errors("{namespace: x, except: [10.0.0.0/9]}"),
             "e.yaml:4:32: error: expectation 'e': expectations[0].to.except: except needs cidr\n");
    CHECK_EQ(endpoint_errors("{cidr: 10.0.0.0/8, except: [11.0.0.0/16]}"),
             "e.yaml:4:37: error: expectation 'e': expectations[0].to.except[0]: '11.0.0.0/16' is not "
             "strictly inside cidr '10.0.0.0/8'\n");
    // The manifests' words for the same mistake (one rule, model/names.cpp).
    CHECK_EQ(endpoint_errors("{cidr: 10.0.0.0/8, except: ['fd00::/64']}"),
             "e.yaml:4:37: error: expectation 'e': expectations[0].to.except[0]: 'fd00::/64' is not "
             "the same IP family as cidr '10.0.0.0/8'\n");
    CHECK_EQ(endpoint_errors("{cidr: '::ffff:10.0.0.0/104'}"),
             "e.yaml:4:16: error: expectation 'e': expectations[0].to.cidr: invalid CIDR "
             "'::ffff:10.0.0.0/104': must not have an IPv4-mapped IPv6 address (it means 10.0.0.0/8 "
             "to some implementations and no IPv4 address to others: write that)\n");
    CHECK_EQ(endpoint_errors("{cidr: 10.0.0.0/33}"),
             "e.yaml:4:16: error: expectation 'e': expectations[0].to.cidr: invalid CIDR '10.0.0.0/33' "
             "(expected e.g. 10.0.0.0/16 or fd00::/64)\n");
    CHECK_EQ(endpoint_errors("{namespace: Shop}"),
             "e.yaml:4:21: error: expectation 'e': expectations[0].to.namespace: invalid namespace "
             "'Shop': must be a lowercase RFC 1123 label: a-z, 0-9 and '-', starting and ending with "
             "an alphanumeric character\n");
    CHECK_EQ(endpoint_errors("{namespace: a, namespaceSelector: {}}"),
             "e.yaml:4:43: error: expectation 'e': expectations[0].to.namespaceSelector: namespace and "
             "namespaceSelector may not both be given\n");
    CHECK_EQ(endpoint_errors("{kind: Service}"),
             "e.yaml:4:16: error: expectation 'e': expectations[0].to.kind: unknown kind 'Service' "
             "(expected Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob or "
             "ReplicationController)\n");
    CHECK_EQ(endpoint_errors("{selector: {app: a}, podSelector: {app: b}}"),
             "e.yaml:4:43: error: expectation 'e': expectations[0].to.podSelector: selector and "
             "podSelector are the same field; give one\n");
    CHECK_EQ(endpoint_errors("[shop]"),
             "e.yaml:4:9: error: expectation 'e': expectations[0].to: expected a mapping, found a list\n");
  }

  SUBCASE("label selectors") {
    auto selector_errors = [](const std::string& selector) {
      return errors_of("    from: {all: true}\n    to: {selector: " + selector + "}\n    expect: deny\n");
    };
    CHECK_EQ(selector_errors("{matchLabels: {app: a}, matchLabel: {}}"),
             "e.yaml:4:44: error: expectation 'e': expectations[0].to.selector.matchLabel: unknown "
             "field (did you mean 'matchLabels'?)\n");
    CHECK_EQ(selector_errors("{matchExpressions: [{key: a, operator: in, values: [x]}]}"),
             "e.yaml:4:59: error: expectation 'e': expectations[0].to.selector.matchExpressions[0]"
             ".operator: unknown operator 'in' (expected In, NotIn, Exists or DoesNotExist)\n");
    CHECK_EQ(selector_errors("{matchExpressions: [{key: a, operator: In}]}"),
             "e.yaml:4:40: error: expectation 'e': expectations[0].to.selector.matchExpressions[0]"
             ".values: must be non-empty when operator is In\n");
    CHECK_EQ(selector_errors("{matchExpressions: [{key: a, operator: Exists, values: [x]}]}"),
             "e.yaml:4:75: error: expectation 'e': expectations[0].to.selector.matchExpressions[0]"
             ".values: must be empty when operator is Exists\n");
    CHECK_EQ(selector_errors("{matchExpressions: [{operator: Exists}]}"),
             "e.yaml:4:40: error: expectation 'e': expectations[0].to.selector.matchExpressions[0]"
             ".key: required field is missing\n");
    CHECK_EQ(selector_errors("{\"-bad\": x}"),
             "e.yaml:4:21: error: expectation 'e': expectations[0].to.selector.-bad: invalid label key "
             "'-bad': name part must consist of alphanumeric characters, '-', '_' or '.', and must "
             "start and end with an alphanumeric character\n");
    CHECK_EQ(selector_errors("{app: \"a b\"}"),
             "e.yaml:4:26: error: expectation 'e': expectations[0].to.selector.app: invalid label "
             "value 'a b': must be empty or consist of alphanumeric "
             "characters, '-', '_' or '.', and must start and end with an alphanumeric character\n");
  }

  SUBCASE("ports") {
    auto port_errors = [](const std::string& ports) {
      return errors_of("    from: {all: true}\n    to: {namespace: a}\n    ports: " + ports +
                       "\n    expect: deny\n");
    };
    CHECK_EQ(port_errors("[]"), "e.yaml:5:12: error: expectation 'e': expectations[0].ports: must not "
                                "be empty (omit it for every port, or write [any])\n");
    CHECK_EQ(port_errors("TCP/80"), "e.yaml:5:12: error: expectation 'e': expectations[0].ports: "
                                    "expected a list, found a scalar\n");
    CHECK_EQ(port_errors("[htp/80]"),
             "e.yaml:5:13: error: expectation 'e': expectations[0].ports[0]: unknown protocol 'htp' "
             "in 'htp/80' (expected TCP, UDP or SCTP)\n");
    CHECK_EQ(port_errors("[TCP/http]"),
             "e.yaml:5:13: error: expectation 'e': expectations[0].ports[0]: named port 'http' in "
             "'TCP/http': expectations take port numbers (a name can resolve differently per pod)\n");
    CHECK_EQ(port_errors("[http]"),
             "e.yaml:5:13: error: expectation 'e': expectations[0].ports[0]: named port 'http': "
             "expectations take port numbers (a name can resolve differently per pod)\n");
    CHECK_EQ(port_errors("[0]"), "e.yaml:5:13: error: expectation 'e': expectations[0].ports[0]: port 0 "
                                 "in '0' is out of range (expected 1..65535)\n");
    CHECK_EQ(port_errors("[UDP/9-8]"), "e.yaml:5:13: error: expectation 'e': expectations[0].ports[0]: "
                                       "empty range 'UDP/9-8' (the end is below the start)\n");
    CHECK_EQ(port_errors("[TCP/8080-]"),
             "e.yaml:5:13: error: expectation 'e': expectations[0].ports[0]: invalid port 'TCP/8080-' "
             "(expected any, a protocol (TCP, UDP, SCTP), PORT, PORT-END, PROTOCOL/PORT or "
             "PROTOCOL/PORT-END)\n");
    CHECK_EQ(port_errors("[{port: 80}]"), "e.yaml:5:13: error: expectation 'e': expectations[0].ports[0]: "
                                          "expected a string, found a mapping\n");
  }

  SUBCASE("every error of a file is reported, in file order") {
    ExpectationFile file = load_expectations_string(R"(expectations:
  - name: one
    expect: nope
    from: {kind: Nope}
    to: {namespace: a}
  - name: two
    from: {all: true}
    to: {cidr: bad}
    expect: deny
)",
                                                    "e.yaml");
    CHECK(file.expectations.empty());
    CHECK_EQ(diagnostic_text(file.errors),
             "e.yaml:3:13: error: expectation 'one': expectations[0].expect: unknown verdict 'nope' "
             "(expected allow or deny)\n"
             "e.yaml:4:18: error: expectation 'one': expectations[0].from.kind: unknown kind 'Nope' "
             "(expected Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob or "
             "ReplicationController)\n"
             "e.yaml:8:16: error: expectation 'two': expectations[1].to.cidr: invalid CIDR 'bad' "
             "(expected e.g. 10.0.0.0/16 or fd00::/64)\n");
  }
}

TEST_CASE("check_names") {
  const Inventory inventory = load_string(R"(apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: web}}
---
apiVersion: v1
kind: Namespace
metadata: {name: data}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: shop}
spec:
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend, tier: web}}
    spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: postgres, namespace: data, labels: {app: postgres}}
spec: {containers: [{name: c, image: i}]}
)",
                                          "m.yaml");
  REQUIRE(inventory.errors.empty());
  // The warnings for one expectation whose from is the YAML flow mapping from.
  auto warnings = [&inventory](const std::string& from) {
    ExpectationFile file = load_expectations_string(
        "expectations:\n  - name: e\n    from: " + from + "\n    to: {all: true}\n    expect: deny\n",
        "e.yaml");
    REQUIRE(file.errors.empty());
    return diagnostic_text(check_names(file.expectations.front(), inventory));
  };

  SUBCASE("names that exist") {
    CHECK_EQ(warnings("{namespace: shop, name: frontend, selector: {app: frontend}}"), "");
    CHECK_EQ(warnings("{namespaceSelector: {team: web}}"), "");
    CHECK_EQ(warnings("{selector: {matchExpressions: [{key: tier, operator: NotIn, values: [db]}]}}"), "");
  }
  SUBCASE("namespace") {
    CHECK_EQ(warnings("{namespace: shpo}"),
             "e.yaml:3:11: warning: expectation 'e': from.namespace: no namespace 'shpo' in the "
             "manifests (did you mean 'shop'?)\n");
    CHECK_EQ(warnings("{namespace: billing}"),
             "e.yaml:3:11: warning: expectation 'e': from.namespace: no namespace 'billing' in the "
             "manifests\n");
  }
  SUBCASE("name, in the namespace given") {
    CHECK_EQ(warnings("{namespace: shop, name: fronted}"),
             "e.yaml:3:11: warning: expectation 'e': from.name: no Pod or workload named 'fronted' in "
             "namespace shop (did you mean 'frontend'?)\n");
    CHECK_EQ(warnings("{namespace: data, name: frontend}"),
             "e.yaml:3:11: warning: expectation 'e': from.name: no Pod or workload named 'frontend' in "
             "namespace data\n");
  }
  SUBCASE("label keys and values") {
    CHECK_EQ(warnings("{selector: {ap: frontend}}"),
             "e.yaml:3:22: warning: expectation 'e': from.selector: no pod has the label 'ap' (did you "
             "mean 'app'?)\n");
    CHECK_EQ(warnings("{namespace: shop, selector: {app: fronted}}"),
             "e.yaml:3:39: warning: expectation 'e': from.selector: no pod in namespace shop has the "
             "label app=fronted (did you mean 'frontend'?)\n");
    CHECK_EQ(warnings("{namespace: shop, selector: {app: postgres}}"),
             "e.yaml:3:39: warning: expectation 'e': from.selector: no pod in namespace shop has the "
             "label app=postgres\n");
    CHECK_EQ(warnings("{selector: {matchExpressions: [{key: app, operator: In, values: [frontend, "
                      "postgre]}]}}"),
             "e.yaml:3:22: warning: expectation 'e': from.selector: no pod has the label app=postgre "
             "(did you mean 'postgres'?)\n");
    // A misspelt key under DoesNotExist matches every pod: still reported.
    CHECK_EQ(warnings("{selector: {matchExpressions: [{key: teir, operator: DoesNotExist}]}}"),
             "e.yaml:3:22: warning: expectation 'e': from.selector: no pod has the label 'teir' (did "
             "you mean 'tier'?)\n");
    CHECK_EQ(warnings("{namespaceSelector: {team: wbe}}"),
             "e.yaml:3:31: warning: expectation 'e': from.namespaceSelector: no namespace has the label "
             "team=wbe (did you mean 'web'?)\n");
  }
  SUBCASE("all and cidr name nothing") {
    CHECK_EQ(warnings("{all: true}"), "");
    CHECK_EQ(warnings("{cidr: 10.0.0.0/8}"), "");
  }
}

TEST_CASE("load_expectations::file") {
  CHECK_THROWS_WITH_AS(npcheck::model::load_expectations("/nonexistent/e.yaml"),
                       "/nonexistent/e.yaml: no such file or directory", npcheck::model::Error);
}

TEST_SUITE_END();
