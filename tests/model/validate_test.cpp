// SPDX-License-Identifier: Apache-2.0
#include <npcheck/model/load.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using npcheck::model::Inventory;
using npcheck::model::load_string;

namespace {

// A NetworkPolicy "ns/np" whose spec is the given YAML; spec lines start at line 7.
std::string policy(const std::string& spec) {
  return "apiVersion: networking.k8s.io/v1\n"
         "kind: NetworkPolicy\n"
         "metadata:\n"
         "  name: np\n"
         "  namespace: ns\n"
         "spec:\n" +
         spec;
}

// The only error of loading text, or "" when it loads cleanly; fails the
// test when there is more than one error.
std::string error_of(const std::string& text) {
  Inventory inv = load_string(text, "input.yaml");
  if (inv.errors.empty()) {
    return "";
  }
  CHECK_EQ(inv.errors.size(), 1);
  return inv.errors[0].to_string();
}

std::string policy_error(const std::string& spec) { return error_of(policy(spec)); }

// A single ingress port entry written as the flow mapping port.
std::string port_error(const std::string& port) {
  return policy_error("  podSelector: {}\n  ingress:\n  - ports:\n    - " + port + "\n");
}

// A single ingress peer written as the flow mapping peer.
std::string peer_error(const std::string& peer) {
  return policy_error("  podSelector: {}\n  ingress:\n  - from:\n    - " + peer + "\n");
}

// A pod with the given labels block (lines from 5 on).
std::string pod_error(const std::string& labels) {
  return error_of("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n" + labels);
}

// Errors then warnings, one a line, so that a failing CHECK_EQ shows them.
std::string all_messages(const Inventory& inv) {
  std::string out;
  for (const auto& d : inv.errors) {
    out += d.to_string() + '\n';
  }
  for (const auto& d : inv.warnings) {
    out += d.to_string() + '\n';
  }
  return out;
}

const std::string k_np = "input.yaml:";
const std::string k_port_name_rule =
    " (expected an IANA service name: 1-15 characters of a-z, 0-9 and '-', with at least one "
    "letter, no leading, trailing or double '-')";

} // namespace

TEST_SUITE_BEGIN("model");

TEST_CASE("validate::port") {
  SUBCASE("valid") {
    CHECK_EQ(port_error("{port: 1}"), "");
    CHECK_EQ(port_error("{port: 65535, protocol: UDP}"), "");
    CHECK_EQ(port_error("{port: http-alt}"), "");
    CHECK_EQ(port_error("{protocol: SCTP}"), "");
  }
  SUBCASE("0") {
    CHECK_EQ(port_error("{port: 0}"),
             "input.yaml:10:14: error: NetworkPolicy ns/np: spec.ingress[0].ports[0].port: 0 is "
             "out of range (expected 1..65535)");
  }
  SUBCASE("65536") {
    CHECK_EQ(port_error("{port: 65536}"),
             "input.yaml:10:14: error: NetworkPolicy ns/np: spec.ingress[0].ports[0].port: 65536 "
             "is out of range (expected 1..65535)");
  }
  SUBCASE("named port too long") {
    CHECK_EQ(port_error("{port: abcdefghijklmnop}"),
             "input.yaml:10:14: error: NetworkPolicy ns/np: spec.ingress[0].ports[0].port: invalid "
             "port name 'abcdefghijklmnop': must be 1-15 characters" +
                 k_port_name_rule);
  }
  SUBCASE("named port without a letter") {
    CHECK_EQ(port_error("{port: \"80\"}"),
             "input.yaml:10:14: error: NetworkPolicy ns/np: spec.ingress[0].ports[0].port: invalid "
             "port name '80': must contain at least one letter" +
                 k_port_name_rule);
  }
  SUBCASE("named port in uppercase") {
    CHECK_EQ(port_error("{port: Http}"),
             "input.yaml:10:14: error: NetworkPolicy ns/np: spec.ingress[0].ports[0].port: invalid "
             "port name 'Http': contains 'H'" +
                 k_port_name_rule);
  }
  SUBCASE("named port with a double dash") {
    CHECK_EQ(port_error("{port: web--alt}"),
             "input.yaml:10:14: error: NetworkPolicy ns/np: spec.ingress[0].ports[0].port: invalid "
             "port name 'web--alt': has a leading, trailing or double '-'" +
                 k_port_name_rule);
  }
}

TEST_CASE("validate::end_port") {
  SUBCASE("valid") {
    CHECK_EQ(port_error("{port: 32000, endPort: 32768}"), "");
    CHECK_EQ(port_error("{port: 80, endPort: 80}"), "");
    CHECK_EQ(port_error("{port: 1, endPort: 65535}"), "");
  }
  SUBCASE("with a named port") {
    CHECK_EQ(port_error("{port: http, endPort: 90}"),
             "input.yaml:10:29: error: NetworkPolicy ns/np: spec.ingress[0].ports[0].endPort: "
             "endPort requires a numeric port, not a named port");
  }
  SUBCASE("without port") {
    CHECK_EQ(port_error("{endPort: 90}"),
             "input.yaml:10:17: error: NetworkPolicy ns/np: spec.ingress[0].ports[0].endPort: "
             "endPort requires port to be set");
  }
  SUBCASE("less than port") {
    CHECK_EQ(port_error("{port: 90, endPort: 80}"),
             "input.yaml:10:27: error: NetworkPolicy ns/np: spec.ingress[0].ports[0].endPort: "
             "endPort 80 is less than port 90");
  }
  SUBCASE("above 65535") {
    CHECK_EQ(port_error("{port: 90, endPort: 65536}"),
             "input.yaml:10:27: error: NetworkPolicy ns/np: spec.ingress[0].ports[0].endPort: "
             "65536 is out of range (expected at most 65535)");
  }
}

TEST_CASE("validate::protocol") {
  SUBCASE("valid") {
    CHECK_EQ(port_error("{protocol: TCP, port: 80}"), "");
  }
  SUBCASE("HTTP") {
    CHECK_EQ(port_error("{protocol: HTTP, port: 80}"),
             "input.yaml:10:18: error: NetworkPolicy ns/np: spec.ingress[0].ports[0].protocol: "
             "unknown protocol 'HTTP' (expected TCP, UDP or SCTP)");
  }
  SUBCASE("lowercase tcp") {
    CHECK_EQ(port_error("{protocol: tcp}"),
             "input.yaml:10:18: error: NetworkPolicy ns/np: spec.ingress[0].ports[0].protocol: "
             "unknown protocol 'tcp' (expected TCP, UDP or SCTP)");
  }
}

TEST_CASE("validate::ip_block") {
  SUBCASE("valid") {
    CHECK_EQ(peer_error("{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16, 10.2.3.4/32]}}"), "");
    CHECK_EQ(peer_error("{ipBlock: {cidr: 'fd00::/8', except: ['fd00:1::/32']}}"), "");
    CHECK_EQ(peer_error("{ipBlock: {cidr: 0.0.0.0/0}}"), "");
  }
  SUBCASE("host bits are allowed") {
    Inventory inv = load_string(
        policy("  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10.244.1.10/4}\n"),
        "input.yaml");
    CHECK(inv.ok());
    REQUIRE_EQ(inv.policies.size(), 1);
    REQUIRE_EQ(inv.policies[0].ingress.size(), 1);
    REQUIRE_EQ(inv.policies[0].ingress[0].peers.size(), 1);
    const auto& block = inv.policies[0].ingress[0].peers[0].ip_block;
    REQUIRE(block);
    CHECK_EQ(block->cidr.first().to_string(), "0.0.0.0");
    CHECK_EQ(block->cidr.last().to_string(), "15.255.255.255");
  }
  SUBCASE("invalid CIDRs") {
    for (const char* bad : {"10.0.0.0", "10.0.0.0/33", "10.0.0/8", "300.0.0.0/8", "10.0.0.0/-1",
                            "fd00::/129", "10.0.0.0/08", "010.0.0.0/8", "abc"}) {
      CAPTURE(bad);
      CHECK_EQ(peer_error(std::string("{ipBlock: {cidr: '") + bad + "'}}"),
               "input.yaml:10:24: error: NetworkPolicy ns/np: spec.ingress[0].from[0].ipBlock.cidr: "
               "invalid CIDR '" +
                   std::string(bad) + "' (expected e.g. 10.0.0.0/16 or fd00::/64)");
    }
  }
  SUBCASE("invalid except") {
    CHECK_EQ(peer_error("{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0]}}"),
             "input.yaml:10:45: error: NetworkPolicy ns/np: "
             "spec.ingress[0].from[0].ipBlock.except[0]: invalid CIDR '10.1.0.0' (expected e.g. "
             "10.0.0.0/16 or fd00::/64)");
  }
  SUBCASE("except of another family") {
    CHECK_EQ(peer_error("{ipBlock: {cidr: 10.0.0.0/8, except: ['fd00::/16']}}"),
             "input.yaml:10:45: error: NetworkPolicy ns/np: "
             "spec.ingress[0].from[0].ipBlock.except[0]: 'fd00::/16' is not the same IP family as "
             "cidr '10.0.0.0/8'");
  }
  SUBCASE("except equal to cidr") {
    CHECK_EQ(peer_error("{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}}"),
             "input.yaml:10:45: error: NetworkPolicy ns/np: "
             "spec.ingress[0].from[0].ipBlock.except[0]: '10.0.0.0/8' is not strictly inside cidr "
             "'10.0.0.0/8'");
  }
  SUBCASE("except outside cidr") {
    CHECK_EQ(peer_error("{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16]}}"),
             "input.yaml:10:45: error: NetworkPolicy ns/np: "
             "spec.ingress[0].from[0].ipBlock.except[0]: '11.0.0.0/16' is not strictly inside "
             "cidr '10.0.0.0/8'");
  }
  SUBCASE("missing cidr") {
    CHECK_EQ(peer_error("{ipBlock: {except: [10.0.0.0/16]}}"),
             "input.yaml:10:17: error: NetworkPolicy ns/np: spec.ingress[0].from[0].ipBlock.cidr: "
             "required field is missing");
  }
  SUBCASE("IPv4-mapped IPv6 CIDRs, as strict API server validation rejects them") {
    CHECK_EQ(peer_error("{ipBlock: {cidr: '::ffff:10.0.0.0/104'}}"),
             "input.yaml:10:24: error: NetworkPolicy ns/np: spec.ingress[0].from[0].ipBlock.cidr: "
             "invalid CIDR '::ffff:10.0.0.0/104': must not have an IPv4-mapped IPv6 address (it "
             "means 10.0.0.0/8 to some implementations and no IPv4 address to others: write that)");
    CHECK_EQ(peer_error("{ipBlock: {cidr: 'fd00::/8', except: ['::ffff:0:0/80']}}"),
             "input.yaml:10:45: error: NetworkPolicy ns/np: spec.ingress[0].from[0].ipBlock.except[0]: "
             "invalid CIDR '::ffff:0:0/80': must not have an IPv4-mapped IPv6 address");
    // A block that merely contains ::ffff:0:0/96 is an ordinary IPv6 block.
    CHECK_EQ(peer_error("{ipBlock: {cidr: '::/64'}}"), "");
  }
}

TEST_CASE("validate::peer") {
  SUBCASE("valid") {
    CHECK_EQ(peer_error("{podSelector: {}, namespaceSelector: {matchLabels: {team: a}}}"), "");
    CHECK_EQ(peer_error("{namespaceSelector: {}}"), "");
  }
  SUBCASE("ipBlock with a selector") {
    CHECK_EQ(peer_error("{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}"),
             "input.yaml:10:7: error: NetworkPolicy ns/np: spec.ingress[0].from[0]: a peer may "
             "not combine ipBlock with podSelector or namespaceSelector");
  }
  SUBCASE("empty peer") {
    CHECK_EQ(peer_error("{}"),
             "input.yaml:10:7: error: NetworkPolicy ns/np: spec.ingress[0].from[0]: must specify "
             "a peer: podSelector, namespaceSelector or ipBlock");
  }
  SUBCASE("null selectors are absent, as in the API") {
    CHECK_EQ(peer_error("{podSelector: null}"),
             "input.yaml:10:7: error: NetworkPolicy ns/np: spec.ingress[0].from[0]: must specify "
             "a peer: podSelector, namespaceSelector or ipBlock");
    CHECK_EQ(peer_error("{ipBlock: null}"),
             "input.yaml:10:7: error: NetworkPolicy ns/np: spec.ingress[0].from[0]: must specify "
             "a peer: podSelector, namespaceSelector or ipBlock");
    Inventory inv = load_string(
        policy("  podSelector: {}\n  ingress:\n  - from:\n    - {podSelector: {}, namespaceSelector: null}\n"),
        "input.yaml");
    REQUIRE_EQ(inv.policies.size(), 1);
    CHECK_FALSE(inv.policies[0].ingress[0].peers[0].namespace_selector.has_value());
  }
}

TEST_CASE("validate::policy_types") {
  SUBCASE("valid") {
    CHECK_EQ(policy_error("  podSelector: {}\n  policyTypes: [Ingress, Egress]\n"), "");
  }
  SUBCASE("unknown") {
    CHECK_EQ(policy_error("  podSelector: {}\n  policyTypes: [Ingress, Egres]\n"),
             "input.yaml:8:26: error: NetworkPolicy ns/np: spec.policyTypes[1]: unknown policy "
             "type 'Egres' (expected Ingress or Egress)");
  }
  SUBCASE("duplicate") {
    CHECK_EQ(policy_error("  podSelector: {}\n  policyTypes: [Egress, Egress]\n"),
             "input.yaml:8:25: error: NetworkPolicy ns/np: spec.policyTypes[1]: duplicate policy "
             "type 'Egress'");
  }
  SUBCASE("defaults follow the API server") {
    Inventory inv = load_string(policy("  podSelector: {}\n  policyTypes: []\n  egress: []\n"),
                                "input.yaml");
    REQUIRE_EQ(inv.policies.size(), 1);
    CHECK(inv.policies[0].affects_ingress);
    CHECK_FALSE(inv.policies[0].affects_egress);
    CHECK_FALSE(inv.policies[0].policy_types_given);
    inv = load_string(policy("  podSelector: {}\n  egress: [{}]\n"), "input.yaml");
    REQUIRE_EQ(inv.policies.size(), 1);
    CHECK(inv.policies[0].affects_ingress);
    CHECK(inv.policies[0].affects_egress);
  }
}

TEST_CASE("validate::labels") {
  SUBCASE("valid") {
    CHECK_EQ(pod_error("    app.kubernetes.io/name: web\n    empty: \"\"\n    v: 1.2-rc_3\n"), "");
  }
  SUBCASE("key too long") {
    std::string key(64, 'k');
    CHECK_EQ(pod_error("    " + key + ": x\n"),
             "input.yaml:6:5: error: Pod default/p: metadata.labels." + key + ": invalid label key '" +
                 key + "': name part must be no more than 63 characters");
  }
  SUBCASE("key with a bad character") {
    CHECK_EQ(pod_error("    app*: x\n"),
             "input.yaml:6:5: error: Pod default/p: metadata.labels.app*: invalid label key "
             "'app*': name part must consist of alphanumeric characters, '-', '_' or '.', and "
             "must start and end with an alphanumeric character");
  }
  SUBCASE("key with a bad prefix") {
    CHECK_EQ(pod_error("    Example.com/app: x\n"),
             "input.yaml:6:5: error: Pod default/p: metadata.labels.Example.com/app: invalid label "
             "key 'Example.com/app': prefix part must be a lowercase RFC 1123 subdomain: a-z, 0-9, "
             "'-' and '.', starting and ending with an alphanumeric character");
  }
  SUBCASE("value too long") {
    std::string value(64, 'v');
    CHECK_EQ(pod_error("    app: " + value + "\n"),
             "input.yaml:6:10: error: Pod default/p: metadata.labels.app: invalid label value '" +
                 value + "': must be no more than 63 characters");
  }
  SUBCASE("value with bad characters") {
    CHECK_EQ(pod_error("    app: -web\n"),
             "input.yaml:6:10: error: Pod default/p: metadata.labels.app: invalid label value "
             "'-web': must be empty or consist of alphanumeric characters, '-', '_' or '.', and "
             "must start and end with an alphanumeric character");
  }
  SUBCASE("unquoted number") {
    CHECK_EQ(pod_error("    version: 1\n"),
             "input.yaml:6:14: error: Pod default/p: metadata.labels.version: expected a string, "
             "found a number '1' (quote it)");
  }
  SUBCASE("unquoted yes") {
    CHECK_EQ(pod_error("    enabled: yes\n"),
             "input.yaml:6:14: error: Pod default/p: metadata.labels.enabled: expected a string, "
             "found a boolean 'yes' (quote it)");
  }
}

TEST_CASE("validate::match_expressions") {
  auto expr_error = [](const std::string& expr) {
    return policy_error("  podSelector:\n    matchExpressions:\n    - " + expr + "\n");
  };
  SUBCASE("valid") {
    CHECK_EQ(expr_error("{key: app, operator: In, values: [a, b]}"), "");
    CHECK_EQ(expr_error("{key: app, operator: NotIn, values: [a]}"), "");
    CHECK_EQ(expr_error("{key: app, operator: Exists}"), "");
    CHECK_EQ(expr_error("{key: app, operator: DoesNotExist, values: []}"), "");
  }
  SUBCASE("unknown operator") {
    CHECK_EQ(expr_error("{key: app, operator: Equals, values: [a]}"),
             "input.yaml:9:28: error: NetworkPolicy ns/np: "
             "spec.podSelector.matchExpressions[0].operator: unknown operator 'Equals' (expected "
             "In, NotIn, Exists or DoesNotExist)");
  }
  SUBCASE("In without values") {
    CHECK_EQ(expr_error("{key: app, operator: In}"),
             "input.yaml:9:28: error: NetworkPolicy ns/np: "
             "spec.podSelector.matchExpressions[0].values: must be non-empty when operator is In");
  }
  SUBCASE("Exists with values") {
    CHECK_EQ(expr_error("{key: app, operator: Exists, values: [a]}"),
             "input.yaml:9:44: error: NetworkPolicy ns/np: "
             "spec.podSelector.matchExpressions[0].values: must be empty when operator is Exists");
  }
  SUBCASE("bad key") {
    CHECK_EQ(expr_error("{key: 'a b', operator: Exists}"),
             "input.yaml:9:13: error: NetworkPolicy ns/np: "
             "spec.podSelector.matchExpressions[0].key: invalid label key 'a b': name part must "
             "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
             "alphanumeric character");
  }
}

TEST_CASE("validate::null_entries") {
  // A null list entry is decoded as Go decodes it (the zero value: an empty
  // object, or "" for a string) and then validated: never silently dropped.
  auto errors_of = [](const Inventory& inv) {
    std::string out;
    for (const auto& d : inv.errors) {
      out += d.to_string() + '\n';
    }
    return out;
  };
  SUBCASE("ports: [null] is every TCP port") {
    Inventory inv = load_string(policy("  podSelector: {}\n  ingress:\n  - ports: [null]\n"), "input.yaml");
    REQUIRE_EQ(errors_of(inv), "");
    REQUIRE_EQ(inv.policies.size(), 1);
    REQUIRE_EQ(inv.policies[0].ingress.size(), 1);
    REQUIRE_EQ(inv.policies[0].ingress[0].ports.size(), 1);
    const auto& port = inv.policies[0].ingress[0].ports[0];
    CHECK(port.protocol == npcheck::model::Protocol::tcp);
    CHECK_FALSE(port.port.has_value());
    CHECK_EQ(port.where.to_string(), "input.yaml:9:13");
  }
  SUBCASE("egress ports: [null] as a block entry") {
    Inventory inv =
        load_string(policy("  podSelector: {}\n  egress:\n  - ports:\n    -\n"), "input.yaml");
    REQUIRE_EQ(errors_of(inv), "");
    REQUIRE_EQ(inv.policies.size(), 1);
    CHECK_EQ(inv.policies[0].egress[0].ports.size(), 1);
  }
  SUBCASE("values: [null] is the empty value") {
    Inventory inv = load_string(
        policy("  podSelector:\n    matchExpressions:\n    - {key: app, operator: In, values: [null]}\n"),
        "input.yaml");
    REQUIRE_EQ(errors_of(inv), "");
    REQUIRE_EQ(inv.policies.size(), 1);
    const auto& exprs = inv.policies[0].pod_selector.match_expressions;
    REQUIRE_EQ(exprs.size(), 1);
    CHECK_EQ(exprs[0].values, std::vector<std::string>{""});
  }
  SUBCASE("values: [null] with Exists is a value") {
    CHECK_EQ(policy_error("  podSelector:\n    matchExpressions:\n    - {key: app, operator: Exists, values: [null]}\n"),
             "input.yaml:9:44: error: NetworkPolicy ns/np: "
             "spec.podSelector.matchExpressions[0].values: must be empty when operator is Exists");
  }
  SUBCASE("from: [null] names no peer") {
    CHECK_EQ(peer_error("null"), "input.yaml:10:7: error: NetworkPolicy ns/np: spec.ingress[0].from[0]: "
                                 "must specify a peer: podSelector, namespaceSelector or ipBlock");
    CHECK_EQ(policy_error("  podSelector: {}\n  egress:\n  - to: [null]\n"),
             "input.yaml:9:10: error: NetworkPolicy ns/np: spec.egress[0].to[0]: "
             "must specify a peer: podSelector, namespaceSelector or ipBlock");
  }
  SUBCASE("policyTypes: [null] is the empty type") {
    CHECK_EQ(policy_error("  podSelector: {}\n  policyTypes: [null]\n"),
             "input.yaml:8:17: error: NetworkPolicy ns/np: spec.policyTypes[0]: unknown policy type "
             "'' (expected Ingress or Egress)");
  }
  SUBCASE("matchExpressions: [null] has neither key nor operator") {
    Inventory inv =
        load_string(policy("  podSelector:\n    matchExpressions: [null]\n"), "input.yaml");
    CHECK_EQ(errors_of(inv),
             "input.yaml:8:24: error: NetworkPolicy ns/np: spec.podSelector.matchExpressions[0].key: "
             "required field is missing\n"
             "input.yaml:8:24: error: NetworkPolicy ns/np: "
             "spec.podSelector.matchExpressions[0].operator: required field is missing\n");
    CHECK(inv.policies.empty());
  }
  SUBCASE("except: [null] and cidr: null are not CIDRs") {
    CHECK_EQ(peer_error("{ipBlock: {cidr: 10.0.0.0/8, except: [null]}}"),
             "input.yaml:10:45: error: NetworkPolicy ns/np: spec.ingress[0].from[0].ipBlock.except[0]: "
             "invalid CIDR '' (expected e.g. 10.0.0.0/16 or fd00::/64)");
    CHECK_EQ(peer_error("{ipBlock: {cidr: null}}"),
             "input.yaml:10:17: error: NetworkPolicy ns/np: spec.ingress[0].from[0].ipBlock.cidr: "
             "required field is missing");
  }
  SUBCASE("a null container or container port is an empty one") {
    Inventory inv = load_string("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
                                "  containers:\n  - null\n  - name: c\n    ports: [null]\n",
                                "input.yaml");
    CHECK_EQ(errors_of(inv),
             "input.yaml:7:5: error: Pod default/p: spec.containers[0].name: required field is missing\n"
             "input.yaml:9:13: error: Pod default/p: spec.containers[1].ports[0].containerPort: "
             "required field is missing\n");
  }
  SUBCASE("a null owner reference names nothing") {
    CHECK_EQ(error_of("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  ownerReferences: [null]\n"),
             "input.yaml:5:21: error: Pod default/p: metadata.ownerReferences[0]: an owner reference "
             "needs kind and name");
  }
}

TEST_CASE("validate::types") {
  SUBCASE("a string where a list belongs") {
    CHECK_EQ(policy_error("  podSelector: {}\n  policyTypes: Ingress\n"),
             "input.yaml:8:16: error: NetworkPolicy ns/np: spec.policyTypes: expected a list, "
             "found a scalar");
  }
  SUBCASE("a list where a mapping belongs") {
    CHECK_EQ(policy_error("  podSelector: [app]\n"),
             "input.yaml:7:16: error: NetworkPolicy ns/np: spec.podSelector: expected a mapping, "
             "found a list");
  }
  SUBCASE("a quoted containerPort") {
    CHECK_EQ(error_of(R"(apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - ports:
    - containerPort: "80"
)"),
             "input.yaml:8:22: error: Pod default/p: spec.containers[0].ports[0].containerPort: "
             "expected an integer, found a string '80' (remove the quotes)");
  }
  SUBCASE("an unquoted containerPort is fine") {
    CHECK_EQ(error_of("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
                      "  - ports:\n    - containerPort: 80\n"),
             "");
  }
}

TEST_CASE("validate::metadata") {
  SUBCASE("missing name") {
    CHECK_EQ(error_of("apiVersion: v1\nkind: Pod\nmetadata:\n  namespace: x\n"),
             "input.yaml:4:3: error: Pod x/<unnamed>: metadata.name: required field is missing");
  }
  SUBCASE("missing metadata") {
    CHECK_EQ(error_of("apiVersion: v1\nkind: Namespace\n"),
             "input.yaml:1:1: error: Namespace <unnamed>: metadata.name: required field is missing");
  }
  SUBCASE("invalid object name") {
    CHECK_EQ(error_of("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web_1\n"),
             "input.yaml:4:9: error: Pod default/web_1: metadata.name: invalid name 'web_1': must "
             "be a lowercase RFC 1123 subdomain: a-z, 0-9, '-' and '.', starting and ending with "
             "an alphanumeric character");
  }
  SUBCASE("invalid namespace name") {
    CHECK_EQ(error_of("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a.b\n"),
             "input.yaml:4:9: error: Namespace a.b: metadata.name: invalid name 'a.b': must be a "
             "lowercase RFC 1123 label: a-z, 0-9 and '-', starting and ending with an "
             "alphanumeric character");
    CHECK_EQ(error_of("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: Shop\n"),
             "input.yaml:5:14: error: Pod Shop/p: metadata.namespace: invalid namespace 'Shop': "
             "must be a lowercase RFC 1123 label: a-z, 0-9 and '-', starting and ending with an "
             "alphanumeric character");
  }
  SUBCASE("valid names") {
    CHECK_EQ(error_of("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1.example\n"), "");
  }
}

TEST_CASE("validate::unknown_field") {
  Inventory inv = load_string(policy("  podSelecter: {}\n  ingress:\n  - fromm: []\n"), "input.yaml");
  CHECK(inv.ok());
  CHECK_EQ(all_messages(inv),
               "input.yaml:7:3: warning: NetworkPolicy ns/np: spec.podSelecter: unknown field "
               "(did you mean 'podSelector'?)\n"
               "input.yaml:9:5: warning: NetworkPolicy ns/np: spec.ingress[0].fromm: unknown field "
               "(did you mean 'from'?)\n");
  inv = load_string(policy("  podSelector: {}\n  something: 1\n"), "input.yaml");
  REQUIRE_EQ(inv.warnings.size(), 1);
  CHECK_EQ(inv.warnings[0].to_string(),
           "input.yaml:8:3: warning: NetworkPolicy ns/np: spec.something: unknown field");
}

TEST_CASE("validate::all_errors_reported") {
  Inventory inv = load_string(policy(R"(  podSelector:
    matchLabels:
      app: -bad
  policyTypes: [Ingress, Sideways]
  ingress:
  - from:
    - {}
    ports:
    - {port: 0}
    - {protocol: HTTP}
---
apiVersion: v1
kind: Pod
metadata:
  name: Bad
)"),
                              "input.yaml");
  CHECK_EQ(all_messages(inv),
               "input.yaml:9:12: error: NetworkPolicy ns/np: spec.podSelector.matchLabels.app: "
               "invalid label value '-bad': must be empty or consist of alphanumeric characters, "
               "'-', '_' or '.', and must start and end with an alphanumeric character\n"
               "input.yaml:13:7: error: NetworkPolicy ns/np: spec.ingress[0].from[0]: must specify "
               "a peer: podSelector, namespaceSelector or ipBlock\n"
               "input.yaml:15:14: error: NetworkPolicy ns/np: spec.ingress[0].ports[0].port: 0 is "
               "out of range (expected 1..65535)\n"
               "input.yaml:16:18: error: NetworkPolicy ns/np: spec.ingress[0].ports[1].protocol: "
               "unknown protocol 'HTTP' (expected TCP, UDP or SCTP)\n"
               "input.yaml:10:26: error: NetworkPolicy ns/np: spec.policyTypes[1]: unknown policy "
               "type 'Sideways' (expected Ingress or Egress)\n"
               "input.yaml:21:9: error: Pod default/Bad: metadata.name: invalid name 'Bad': must be "
               "a lowercase RFC 1123 subdomain: a-z, 0-9, '-' and '.', starting and ending with an "
               "alphanumeric character\n");
  CHECK(inv.policies.empty());
  CHECK(inv.workloads.empty());
}

TEST_CASE("validate::yaml11_integers") {
  // kubectl reads plain scalars as YAML 1.1 (sigs.k8s.io/yaml): a leading 0
  // is octal, 0x hex, 0o octal, 0b binary, and underscores are dropped.
  auto ports_of = [](const std::string& port) {
    Inventory inv = load_string(policy("  podSelector: {}\n  ingress:\n  - ports:\n    - " + port + "\n"),
                                "input.yaml");
    REQUIRE(inv.errors.empty());
    REQUIRE(inv.policies.size() == 1);
    const auto& p = inv.policies[0].ingress[0].ports[0];
    return std::make_pair(std::get<std::uint16_t>(*p.port), p.end_port.value_or(0));
  };
  SUBCASE("octal") { CHECK_EQ(ports_of("{port: 0120}").first, 80); }
  SUBCASE("hex") { CHECK_EQ(ports_of("{port: 0x51}").first, 81); }
  SUBCASE("0o and underscores") {
    CHECK_EQ(ports_of("{port: 8_082, endPort: 0o17624}"), std::make_pair(std::uint16_t{8082}, std::uint16_t{8084}));
  }
  SUBCASE("a leading 0 that is not octal is decimal") { CHECK_EQ(ports_of("{port: 080}").first, 80); }
  SUBCASE("a hex label value is a number") {
    CHECK_EQ(pod_error("    version: 0x50\n"),
             "input.yaml:6:14: error: Pod default/p: metadata.labels.version: expected a string, "
             "found a number '0x50' (quote it)");
  }
}
