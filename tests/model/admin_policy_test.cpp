// SPDX-License-Identifier: Apache-2.0
//
// Reading AdminNetworkPolicy, BaselineAdminNetworkPolicy (v1alpha1) and
// ClusterNetworkPolicy (v1alpha2): the fields, the defaults, and the CRDs'
// validation (shared/spec/admin-policies.md §7), each error located.
#include <npcheck/model/load.hpp>

#include <doctest/doctest.h>

#include <string>

using npcheck::model::AdminAction;
using npcheck::model::AdminKind;
using npcheck::model::AdminPeer;
using npcheck::model::AdminPolicy;
using npcheck::model::AdminTier;
using npcheck::model::Inventory;
using npcheck::model::load_string;
using npcheck::model::Protocol;

namespace {

// An AdminNetworkPolicy named anp whose spec is the given YAML (spec lines
// start at line 5).
std::string anp(const std::string& spec) {
  return "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n"
         "metadata: {name: anp}\nspec:\n" +
         spec;
}
std::string banp(const std::string& spec, const std::string& name = "default") {
  return "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\n"
         "metadata: {name: " + name + "}\nspec:\n" + spec;
}
std::string cnp(const std::string& spec) {
  return "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n"
         "metadata: {name: cnp}\nspec:\n" +
         spec;
}

std::string inventory_messages(const Inventory& inv) {
  std::string out;
  for (const auto& d : inv.errors) {
    out += d.to_string() + '\n';
  }
  for (const auto& d : inv.warnings) {
    out += d.to_string() + '\n';
  }
  return out;
}

// The errors and warnings of loading text.
std::string problems(const std::string& text) {
  return inventory_messages(load_string(text, "admin.yaml"));
}

const char* const k_subject = "  subject: {namespaces: {}}\n";

} // namespace

TEST_SUITE_BEGIN("model");

TEST_CASE("admin::v1alpha1_fields") {
  const Inventory inv = load_string(anp(R"(  priority: 10
  subject:
    pods:
      namespaceSelector: {matchLabels: {team: a}}
      podSelector: {matchLabels: {app: web}}
  ingress:
  - name: from-monitoring
    action: Allow
    from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]
    ports:
    - portNumber: {port: 80}
    - portRange: {protocol: UDP, start: 1000, end: 2000}
    - namedPort: metrics
  egress:
  - action: Deny
    to:
    - networks: [169.254.169.254/32, "fd00::/8"]
    - nodes: {matchLabels: {kubernetes.io/os: linux}}
  - action: Pass
    to: [{pods: {namespaceSelector: {}, podSelector: {}}}]
)"),
                                    "anp.yaml");
  REQUIRE_MESSAGE(inv.ok(), inventory_messages(inv));
  REQUIRE_EQ(inv.admin_policies.size(), 1);
  const AdminPolicy& p = inv.admin_policies[0];
  CHECK(p.kind == AdminKind::admin_network_policy);
  CHECK(p.tier == AdminTier::admin);
  CHECK_EQ(p.priority, 10);
  CHECK_EQ(p.display_name(), "AdminNetworkPolicy anp");
  CHECK_EQ(p.subject.namespace_selector.to_string(), "team=a");
  REQUIRE(p.subject.pod_selector);
  REQUIRE_EQ(p.ingress.size(), 1);
  CHECK_EQ(p.ingress[0].name, "from-monitoring");
  CHECK(p.ingress[0].action == AdminAction::allow);
  REQUIRE(p.ingress[0].ports);
  REQUIRE_EQ(p.ingress[0].ports->size(), 3);
  // portNumber's protocol defaults to TCP (A3:74).
  CHECK(p.ingress[0].ports->at(0).protocol == Protocol::tcp);
  CHECK_EQ(p.ingress[0].ports->at(0).first, 80);
  CHECK_EQ(p.ingress[0].ports->at(0).last, 80);
  CHECK(p.ingress[0].ports->at(1).protocol == Protocol::udp);
  CHECK_EQ(p.ingress[0].ports->at(1).last, 2000);
  CHECK_EQ(p.ingress[0].ports->at(2).named.value_or(""), "metrics");
  REQUIRE_EQ(p.egress.size(), 2);
  CHECK(p.egress[0].action == AdminAction::deny);
  CHECK_FALSE(p.egress[0].ports);
  REQUIRE_EQ(p.egress[0].peers.size(), 2);
  CHECK(p.egress[0].peers[0].type == AdminPeer::Type::networks);
  CHECK_EQ(p.egress[0].peers[0].networks.size(), 2);
  CHECK(p.egress[0].peers[1].type == AdminPeer::Type::nodes);
  CHECK(p.egress[1].action == AdminAction::pass);
  CHECK_EQ(inv.loaded_kinds.at("AdminNetworkPolicy"), 1);
  // nodes peers without Node objects in the input: a warning.
  CHECK_EQ(inventory_messages(inv), "anp.yaml:1:1: warning: AdminNetworkPolicy anp: nodes peers match the addresses of "
                          "Node objects, and the inputs have none: they match nothing here (add the nodes, "
                          "e.g. kubectl get nodes -o yaml)\n");
  // The experimental-channel fields are said as facts.
  std::string infos;
  for (const auto& d : inv.infos) {
    infos += d.to_string() + '\n';
  }
  CHECK_EQ(infos, "anp.yaml:17:7: info: the admin policies use fields of the experimental channel of the CRDs "
                 "only (1 namedPort ports, 1 nodes peers): a cluster with the standard-channel CRDs drops them\n");
}

TEST_CASE("admin::v1alpha2_fields") {
  const Inventory inv = load_string(cnp(R"(  tier: Baseline
  priority: 3
  subject:
    pods:
      podSelector: {matchLabels: {app: web}}
  egress:
  - action: Accept
    to: [{namespaces: {}}]
    protocols:
    - tcp: {destinationPort: {number: 443}}
    - sctp: {destinationPort: {range: {start: 100, end: 200}}}
    - destinationNamedPort: dns
)"),
                                    "cnp.yaml");
  REQUIRE_MESSAGE(inv.ok(), inventory_messages(inv));
  REQUIRE_EQ(inv.admin_policies.size(), 1);
  const AdminPolicy& p = inv.admin_policies[0];
  CHECK(p.tier == AdminTier::baseline);
  CHECK_EQ(p.priority, 3);
  // pods.namespaceSelector omitted: every namespace (B1:413-426).
  CHECK(p.subject.namespace_selector.empty());
  REQUIRE_EQ(p.egress.size(), 1);
  CHECK(p.egress[0].action == AdminAction::allow);
  const auto& ports = *p.egress[0].ports;
  REQUIRE_EQ(ports.size(), 3);
  CHECK(ports[0].protocol == Protocol::tcp);
  CHECK_EQ(ports[0].first, 443);
  CHECK(ports[1].protocol == Protocol::sctp);
  CHECK_EQ(ports[1].first, 100);
  CHECK_EQ(ports[1].last, 200);
  CHECK_EQ(ports[2].named.value_or(""), "dns");
}

TEST_CASE("admin::required_fields") {
  CHECK_EQ(problems(anp(k_subject)), "admin.yaml:5:3: error: AdminNetworkPolicy anp: spec.priority: required field is missing\n");
  CHECK_EQ(problems(anp("  priority: 1\n")),
           "admin.yaml:5:3: error: AdminNetworkPolicy anp: spec.subject: required field is missing\n");
  CHECK_EQ(problems(cnp(std::string("  priority: 1\n") + k_subject)),
           "admin.yaml:5:3: error: ClusterNetworkPolicy cnp: spec.tier: required field is missing\n");
  CHECK_EQ(problems(anp(std::string("  priority: 1\n") + k_subject + "  ingress:\n  - from: [{namespaces: {}}]\n")),
           "admin.yaml:8:5: error: AdminNetworkPolicy anp: spec.ingress[0].action: required field is missing\n");
  CHECK_EQ(problems(anp(std::string("  priority: 1\n") + k_subject + "  egress:\n  - action: Deny\n")),
           "admin.yaml:8:5: error: AdminNetworkPolicy anp: spec.egress[0].to: required field is missing\n");
  CHECK_EQ(problems(anp(std::string("  priority: 1\n") + k_subject + "  egress:\n  - {action: Deny, to: []}\n")),
           "admin.yaml:8:24: error: AdminNetworkPolicy anp: spec.egress[0].to: must have at least 1 item\n");
}

TEST_CASE("admin::priority_and_tier") {
  CHECK_EQ(problems(anp(std::string("  priority: 1001\n") + k_subject)),
           "admin.yaml:5:13: error: AdminNetworkPolicy anp: spec.priority: 1001 is out of range (expected 0..1000)\n");
  CHECK_EQ(problems(anp(std::string("  priority: \"5\"\n") + k_subject)),
           "admin.yaml:5:13: error: AdminNetworkPolicy anp: spec.priority: expected an integer, found a string '5' "
           "(remove the quotes)\n");
  CHECK_EQ(problems(cnp(std::string("  tier: admin\n  priority: 1\n") + k_subject)),
           "admin.yaml:5:9: error: ClusterNetworkPolicy cnp: spec.tier: unknown tier 'admin' (expected Admin or "
           "Baseline)\n");
}

TEST_CASE("admin::baseline_name") {
  // CEL self.metadata.name == 'default' (A2:29).
  CHECK_EQ(problems(banp(k_subject, "mine")),
           "admin.yaml:3:18: error: BaselineAdminNetworkPolicy mine: metadata.name: a BaselineAdminNetworkPolicy "
           "must be named 'default' (found 'mine')\n");
  // Two of them: a duplicate object.
  const std::string two = banp(k_subject) + "---\n" + banp(k_subject);
  CHECK_EQ(problems(two), "admin.yaml:7:1: error: BaselineAdminNetworkPolicy default: duplicate object (first "
                          "defined at admin.yaml:1:1)\n");
}

TEST_CASE("admin::actions_per_kind") {
  auto rule = [](const char* action) {
    return std::string("  priority: 1\n") + k_subject + "  ingress:\n  - {action: " + action +
           ", from: [{namespaces: {}}]}\n";
  };
  CHECK_EQ(problems(anp(rule("Accept"))),
           "admin.yaml:8:14: error: AdminNetworkPolicy anp: spec.ingress[0].action: unknown action 'Accept' "
           "(expected Allow, Deny or Pass; v1alpha1 spells it Allow)\n");
  CHECK_EQ(problems(cnp(std::string("  tier: Admin\n") + rule("Allow"))),
           "admin.yaml:9:14: error: ClusterNetworkPolicy cnp: spec.ingress[0].action: unknown action 'Allow' "
           "(expected Accept, Deny or Pass; v1alpha2 spells it Accept)\n");
  CHECK_EQ(problems(banp(std::string(k_subject) + "  ingress:\n  - {action: Pass, from: [{namespaces: {}}]}\n")),
           "admin.yaml:7:14: error: BaselineAdminNetworkPolicy default: spec.ingress[0].action: unknown action "
           "'Pass' (expected Allow or Deny; Pass is for AdminNetworkPolicy only)\n");
  CHECK_EQ(problems(cnp(std::string("  tier: Baseline\n") + rule("Pass"))), "");
}

TEST_CASE("admin::subject") {
  CHECK_EQ(problems(anp("  priority: 1\n  subject: {}\n")),
           "admin.yaml:6:12: error: AdminNetworkPolicy anp: spec.subject: must set field: namespaces or pods\n");
  CHECK_EQ(problems(anp("  priority: 1\n  subject: {namespaces: {}, pods: {namespaceSelector: {}, podSelector: {}}}\n")),
           "admin.yaml:6:12: error: AdminNetworkPolicy anp: spec.subject: must set exactly one field, found 2 "
           "(namespaces, pods)\n");
  // v1alpha1 requires both selectors of pods; v1alpha2 only podSelector.
  CHECK_EQ(problems(anp("  priority: 1\n  subject: {pods: {podSelector: {}}}\n")),
           "admin.yaml:6:19: error: AdminNetworkPolicy anp: spec.subject.pods.namespaceSelector: required field "
           "is missing\n");
  CHECK_EQ(problems(cnp("  tier: Admin\n  priority: 1\n  subject: {pods: {podSelector: {}}}\n")), "");
  CHECK_EQ(problems(cnp("  tier: Admin\n  priority: 1\n  subject: {pods: {namespaceSelector: {}}}\n")),
           "admin.yaml:7:19: error: ClusterNetworkPolicy cnp: spec.subject.pods.podSelector: required field is "
           "missing\n");
}

TEST_CASE("admin::peers") {
  auto egress = [](const std::string& peer) {
    return problems(anp(std::string("  priority: 1\n") + k_subject + "  egress:\n  - action: Deny\n    to:\n    - " +
                        peer + "\n"));
  };
  auto ingress = [](const std::string& peer) {
    return problems(anp(std::string("  priority: 1\n") + k_subject + "  ingress:\n  - action: Deny\n    from:\n    - " +
                        peer + "\n"));
  };
  CHECK_EQ(ingress("{networks: [10.0.0.0/8]}"),
           "admin.yaml:10:18: error: AdminNetworkPolicy anp: spec.ingress[0].from[0].networks: is an egress peer "
           "only (ingress peers: namespaces, pods)\n");
  CHECK_EQ(egress("{namespaces: {}, networks: [10.0.0.0/8]}"),
           "admin.yaml:10:7: error: AdminNetworkPolicy anp: spec.egress[0].to[0]: must set exactly one peer field, "
           "found 2 (namespaces, networks)\n");
  CHECK_EQ(egress("{networks: [10.0.0.0/33]}"),
           "admin.yaml:10:19: error: AdminNetworkPolicy anp: spec.egress[0].to[0].networks[0]: invalid CIDR "
           "'10.0.0.0/33' (expected e.g. 10.0.0.0/16 or fd00::/64)\n");
  CHECK_EQ(egress("{networks: [10.0.0.0/8, 10.0.0.0/8]}"),
           "admin.yaml:10:31: error: AdminNetworkPolicy anp: spec.egress[0].to[0].networks[1]: duplicate entry "
           "'10.0.0.0/8' (networks is a set)\n");
  CHECK_EQ(egress("{networks: []}"),
           "admin.yaml:10:18: error: AdminNetworkPolicy anp: spec.egress[0].to[0].networks: must have at least 1 "
           "item\n");
  CHECK_EQ(egress("{domainNames: ['*.example.com', 'bad_']}"),
           "admin.yaml:10:39: error: AdminNetworkPolicy anp: spec.egress[0].to[0].domainNames[1]: invalid domain "
           "name 'bad_' (expected a DNS name, optionally starting with '*.')\n");
  // The CRD's pattern [a-zA-z0-9] lets a label start with '_'.
  CHECK_EQ(egress("{domainNames: [_dmarc.example.com, '*._tcp.example.com']}").find("error"), std::string::npos);
  CHECK_EQ(egress("{domainNames: [a.example.com, a.example.com]}"),
           "admin.yaml:10:37: error: AdminNetworkPolicy anp: spec.egress[0].to[0].domainNames[1]: duplicate entry "
           "'a.example.com' (domainNames is a set)\n");
  // The API server prunes a custom resource's null map entries: the label
  // is not required at all.
  {
    const Inventory inv = load_string(anp(std::string("  priority: 1\n") + k_subject +
                                          "  egress:\n  - action: Deny\n    to: [{nodes: {matchLabels: {role: }}}]\n"),
                                      "admin.yaml");
    REQUIRE(inv.ok());
    CHECK(inv.admin_policies.at(0).egress.at(0).peers.at(0).node_selector.empty());
  }
  // A null peer decodes to an empty one, which sets no field.
  CHECK_EQ(egress("null"),
           "admin.yaml:10:7: error: AdminNetworkPolicy anp: spec.egress[0].to[0]: must set peer field: namespaces, "
           "pods, nodes, networks or domainNames\n");
  // A field of a newer CRD: fails closed, with a warning.
  const Inventory inv = load_string(anp(std::string("  priority: 1\n") + k_subject +
                                        "  egress:\n  - action: Deny\n    to:\n    - {services: [a]}\n"),
                                    "admin.yaml");
  REQUIRE(inv.ok());
  CHECK(inv.admin_policies.at(0).egress.at(0).peers.at(0).type == AdminPeer::Type::unknown);
  CHECK_EQ(inventory_messages(inv), "admin.yaml:10:7: warning: AdminNetworkPolicy anp: spec.egress[0].to[0]: unknown peer "
                          "field 'services' (from a newer CRD?): read as failing closed, an allow rule matches "
                          "nothing and a deny or pass rule matches everything\n");
}

TEST_CASE("admin::ports_v1alpha1") {
  auto port = [](const std::string& entry) {
    return problems(anp(std::string("  priority: 1\n") + k_subject +
                        "  egress:\n  - action: Deny\n    to: [{namespaces: {}}]\n    ports:\n    - " + entry + "\n"));
  };
  CHECK_EQ(port("{portNumber: {port: 0}}"),
           "admin.yaml:11:27: error: AdminNetworkPolicy anp: spec.egress[0].ports[0].portNumber.port: 0 is out of "
           "range (expected 1..65535)\n");
  // The v1alpha1 CRD has no enum for protocol: accepted, matching no traffic.
  CHECK_EQ(port("{portNumber: {protocol: tcp, port: 1}}"),
           "admin.yaml:11:31: warning: AdminNetworkPolicy anp: spec.egress[0].ports[0].portNumber.protocol: protocol "
           "'tcp' is not TCP, UDP or SCTP (protocols are case-sensitive: did you mean 'TCP'?): the CRD accepts it, "
           "and the entry matches no traffic\n");
  {
    const Inventory inv = load_string(anp(std::string("  priority: 1\n") + k_subject +
                                          "  egress:\n  - action: Deny\n    to: [{namespaces: {}}]\n    ports: "
                                          "[{portNumber: {protocol: ICMP, port: 1}}]\n"),
                                      "admin.yaml");
    REQUIRE(inv.ok());
    CHECK(inv.admin_policies.at(0).egress.at(0).ports->at(0).matches_nothing);
  }
  // Named ports: any string for the CRD; one that is no IANA name never matches.
  CHECK_EQ(port("{namedPort: HTTP}"),
           "admin.yaml:11:19: warning: AdminNetworkPolicy anp: spec.egress[0].ports[0].namedPort: 'HTTP' is not a "
           "valid container port name (contains 'H' (expected an IANA service name: 1-15 characters of a-z, 0-9 "
           "and '-', with at least one letter, no leading, trailing or double '-')): the CRD accepts it, and it "
           "never matches a port\n");
  CHECK_EQ(port("{portRange: {start: 90, end: 80}}"),
           "admin.yaml:11:36: error: AdminNetworkPolicy anp: spec.egress[0].ports[0].portRange.end: end 80 is less "
           "than start 90\n");
  CHECK_EQ(port("{portNumber: {port: 80}, namedPort: http}"),
           "admin.yaml:11:7: error: AdminNetworkPolicy anp: spec.egress[0].ports[0]: must set exactly one field, "
           "found 2 (portNumber, namedPort)\n");
  // A named port beside a networks peer: the experimental CRD rejects it
  // (and v1alpha1 named ports exist only there).
  CHECK_EQ(problems(anp(std::string("  priority: 1\n") + k_subject +
                        "  egress:\n  - action: Deny\n    to: [{networks: [10.0.0.0/8]}]\n    ports: [{namedPort: "
                        "http}]\n")),
           "admin.yaml:10:12: error: AdminNetworkPolicy anp: spec.egress[0].ports: a named port cannot be used in a "
           "rule with networks, nodes or domainNames peers\n");
}

TEST_CASE("admin::protocols_v1alpha2") {
  auto protocol = [](const std::string& entry) {
    return problems(cnp(std::string("  tier: Admin\n  priority: 1\n") + k_subject +
                        "  egress:\n  - action: Deny\n    to: [{namespaces: {}}]\n    protocols:\n    - " + entry +
                        "\n"));
  };
  CHECK_EQ(protocol("{tcp: {}}"),
           "admin.yaml:12:13: error: ClusterNetworkPolicy cnp: spec.egress[0].protocols[0].tcp: must not be empty "
           "(set destinationPort)\n");
  // CEL: start < end (B1:509); a v1alpha2 range of one port is an error.
  CHECK_EQ(protocol("{udp: {destinationPort: {range: {start: 80, end: 80}}}}"),
           "admin.yaml:12:56: error: ClusterNetworkPolicy cnp: spec.egress[0].protocols[0].udp.destinationPort.range: "
           "start must be less than end (found 80 and 80)\n");
  CHECK_EQ(protocol("{tcp: {destinationPort: {number: 80, range: {start: 1, end: 2}}}}"),
           "admin.yaml:12:31: error: ClusterNetworkPolicy cnp: spec.egress[0].protocols[0].tcp.destinationPort: "
           "must set exactly one field, found 2 (number, range)\n");
  // v1alpha1 spellings in v1alpha2: unknown fields, then nothing is set.
  CHECK_EQ(protocol("{portNumber: {port: 80}}"),
           "admin.yaml:12:7: error: ClusterNetworkPolicy cnp: spec.egress[0].protocols[0]: must set field: tcp, udp, "
           "sctp or destinationNamedPort\n"
           "admin.yaml:12:8: warning: ClusterNetworkPolicy cnp: spec.egress[0].protocols[0].portNumber: unknown "
           "field\n");
  // The standard CRD accepts a named port beside networks; the experimental one does not.
  CHECK_EQ(problems(cnp(std::string("  tier: Admin\n  priority: 1\n") + k_subject +
                        "  egress:\n  - action: Deny\n    to: [{networks: [10.0.0.0/8]}]\n    protocols: "
                        "[{destinationNamedPort: http}]\n")),
           "admin.yaml:11:16: warning: ClusterNetworkPolicy cnp: spec.egress[0].protocols: a named port next to a "
           "networks peer is rejected by the experimental CRD (the standard CRD accepts it; the named port never "
           "matches an address)\n");
}

TEST_CASE("admin::other_version_spelling") {
  // v1alpha1's ports in a v1alpha2 rule: dropped by the API server, so the
  // rule applies to every port; the warning says so.
  const std::string text = problems(cnp(std::string("  tier: Admin\n  priority: 1\n") + k_subject +
                                        "  egress:\n  - action: Deny\n    to: [{namespaces: {}}]\n    ports: "
                                        "[{portNumber: {port: 80}}]\n"));
  CHECK_NE(text.find("spec.egress[0].ports: is the v1alpha1 field (v1alpha2: protocols); the API server drops it, "
                     "and the rule applies to every port"),
           std::string::npos);
  // A selector with only unknown fields is empty after pruning.
  const std::string old_shape = problems(anp("  priority: 1\n  subject: {namespaces: {namespaceSelector: {}}}\n"));
  CHECK_NE(old_shape.find("spec.subject.namespaces: has only unknown fields, which the API server drops: the "
                          "selector is empty and matches everything"),
           std::string::npos);
}

TEST_CASE("admin::limits") {
  // v1alpha2: at most 25 rules per direction (B1:125,140).
  std::string rules;
  for (int i = 0; i < 26; ++i) {
    rules += "  - {action: Deny, to: [{namespaces: {}}]}\n";
  }
  const std::string text = problems(cnp(std::string("  tier: Admin\n  priority: 1\n") + k_subject + "  egress:\n" + rules));
  CHECK_EQ(text, "admin.yaml:9:3: error: ClusterNetworkPolicy cnp: spec.egress: has 26 items, at most 25 are "
                 "allowed\n");
  // v1alpha1 allows 100.
  CHECK_EQ(problems(anp(std::string("  priority: 1\n") + k_subject + "  egress:\n" + rules)), "");
}

TEST_CASE("admin::api_versions") {
  CHECK_EQ(problems("apiVersion: policy.networking.k8s.io/v1alpha2\nkind: AdminNetworkPolicy\nmetadata: {name: a}\n"),
           "admin.yaml:1:13: error: AdminNetworkPolicy a: apiVersion: 'policy.networking.k8s.io/v1alpha2' is not "
           "served for AdminNetworkPolicy (expected policy.networking.k8s.io/v1alpha1)\n");
  CHECK_EQ(problems("apiVersion: policy.networking.k8s.io/v1alpha1\nkind: ClusterNetworkPolicy\nmetadata: {name: a}\n"),
           "admin.yaml:1:13: error: ClusterNetworkPolicy a: apiVersion: 'policy.networking.k8s.io/v1alpha1' is not "
           "served for ClusterNetworkPolicy (expected policy.networking.k8s.io/v1alpha2)\n");
  // Antrea's ClusterNetworkPolicy is another API: left out, with the warning of every command.
  const Inventory inv = load_string("apiVersion: crd.antrea.io/v1beta1\nkind: ClusterNetworkPolicy\nmetadata: {name: a}\n",
                                    "admin.yaml");
  CHECK(inv.ok());
  CHECK(inv.admin_policies.empty());
  CHECK_EQ(inv.unmodelled_policies.size(), 1);
}

TEST_CASE("admin::mixed_versions") {
  const Inventory inv = load_string(anp(std::string("  priority: 1\n") + k_subject) + "---\n" +
                                        cnp(std::string("  tier: Admin\n  priority: 1\n") + k_subject),
                                    "admin.yaml");
  REQUIRE(inv.ok());
  REQUIRE_EQ(inv.warnings.size(), 1);
  CHECK_NE(inv.warnings[0].to_string().find("the API defines no order between them"), std::string::npos);
}

TEST_SUITE_END();
