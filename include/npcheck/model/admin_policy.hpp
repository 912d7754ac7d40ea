// SPDX-License-Identifier: Apache-2.0
#pragma once

// The cluster-scoped admin policies of SIG-Network's network-policy-api:
// AdminNetworkPolicy and BaselineAdminNetworkPolicy
// (policy.networking.k8s.io/v1alpha1) and ClusterNetworkPolicy (v1alpha2),
// read into one form (shared/spec/admin-policies.md §6: a v1alpha1 object is
// a ClusterNetworkPolicy of the Admin or Baseline tier with other spellings).

#include <npcheck/model/ip_address.hpp>
#include <npcheck/model/label_selector.hpp>
#include <npcheck/model/network_policy.hpp>
#include <npcheck/model/source_location.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace npcheck::model {

enum class AdminKind { admin_network_policy, baseline_admin_network_policy, cluster_network_policy };
// "AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy".
const char* to_string(AdminKind kind);

enum class AdminTier { admin, baseline };

// Allow (v1alpha1) and Accept (v1alpha2) are both allow.
enum class AdminAction { allow, deny, pass };

// A set of pods: those matching pod_selector (absent: every pod) in the
// namespaces matching namespace_selector (empty: every namespace).
// hostNetwork pods are never members.
struct AdminPods {
  LabelSelector namespace_selector;
  std::optional<LabelSelector> pod_selector;
};

// One element of a rule's from/to: exactly one field is set.
struct AdminPeer {
  enum class Type {
    pods,         // `namespaces` (pods.pod_selector absent) or `pods`
    nodes,        // the addresses of the Nodes matching node_selector
    networks,     // CIDRs
    domain_names, // FQDNs: not evaluated offline
    unknown,      // a field npcheck does not know (a newer CRD): fails closed
  };
  Type type = Type::pods;
  AdminPods pods;
  LabelSelector node_selector;
  std::vector<Cidr> networks;
  std::vector<std::string> domain_names;
  std::string unknown_field;
  SourceLocation where;
};

// One entry of ports (v1alpha1) or protocols (v1alpha2): a numeric range
// (a single port has first == last) of one protocol, or a named port
// resolved on the destination pod's container ports.
struct AdminPort {
  Protocol protocol = Protocol::tcp;
  std::uint16_t first = 0;
  std::uint16_t last = 0;
  std::optional<std::string> named;
  // A v1alpha1 protocol the CRD accepts but no traffic has ("tcp", "ICMP").
  bool matches_nothing = false;
  SourceLocation where;
};

struct AdminRule {
  std::string name; // may be empty
  AdminAction action = AdminAction::allow;
  std::vector<AdminPeer> peers;
  // Absent: every port of every protocol.
  std::optional<std::vector<AdminPort>> ports;
  SourceLocation where;
};

// An AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy
// after validation.
struct AdminPolicy {
  AdminKind kind = AdminKind::admin_network_policy;
  std::string name;
  AdminTier tier = AdminTier::admin;
  std::int32_t priority = 0; // BaselineAdminNetworkPolicy: 0 (it has none)
  AdminPods subject;
  std::vector<AdminRule> ingress;
  std::vector<AdminRule> egress;
  SourceLocation where;

  bool v1alpha1() const { return kind != AdminKind::cluster_network_policy; }
  // "AdminNetworkPolicy deny-metadata", "ClusterNetworkPolicy default (Baseline)".
  std::string display_name() const;
};

// "Allow"/"Accept", "Deny", "Pass" as the policy's API spells it.
const char* api_spelling(AdminAction action, AdminKind kind);

} // namespace npcheck::model
