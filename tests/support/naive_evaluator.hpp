// SPDX-License-Identifier: Apache-2.0
#pragma once

// A naive reference evaluator written straight from spec/semantics.md: no
// interval sets, no index, no precomputation; loops over policies, rules,
// peers and ports with plain integer comparisons. It answers one (protocol,
// port) at a time. Shared by the property test
// (tests/analyzer/program_property_test.cpp) and the differential fuzzer
// (fuzz/fuzz_engine.cpp), so it must not depend on doctest.
//
// Node-local traffic: an address belongs to a node when a Node lists it, when
// it is the status.hostIP of a pod on that node, or the IP of a hostNetwork
// pod there. A pod and the node it runs on (its hostIP, the addresses of its
// spec.nodeName, hostNetwork pods on the same node) may always talk.

#include <npcheck/model/inventory.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace npcheck::testing::naive {

inline bool has(const std::vector<std::string>& values, const std::string& value) {
  for (const std::string& candidate : values) {
    if (candidate == value) {
      return true;
    }
  }
  return false;
}

inline const std::string* label(const model::Labels& labels, const std::string& key) {
  for (const auto& entry : labels.entries()) {
    if (entry.first == key) {
      return &entry.second;
    }
  }
  return nullptr;
}

inline bool selects(const model::LabelSelector& selector, const model::Labels& labels) {
  for (const auto& [key, value] : selector.match_labels.entries()) {
    const std::string* actual = label(labels, key);
    if (actual == nullptr || *actual != value) {
      return false;
    }
  }
  for (const model::Requirement& requirement : selector.match_expressions) {
    const std::string* actual = label(labels, requirement.key);
    bool ok = false;
    switch (requirement.op) {
    case model::Operator::in: ok = actual != nullptr && has(requirement.values, *actual); break;
    case model::Operator::not_in: ok = actual == nullptr || !has(requirement.values, *actual); break;
    case model::Operator::exists: ok = actual != nullptr; break;
    case model::Operator::does_not_exist: ok = actual == nullptr; break;
    }
    if (!ok) {
      return false;
    }
  }
  return true;
}

// Whether the first prefix bits of a and b agree (same family assumed).
inline bool same_prefix(const model::IpAddress& a, const model::IpAddress& b, int prefix) {
  for (int bit = 0; bit < prefix; ++bit) {
    const auto byte = static_cast<std::size_t>(bit / 8);
    const int shift = 7 - bit % 8;
    if (((a.bytes[byte] >> shift) & 1) != ((b.bytes[byte] >> shift) & 1)) {
      return false;
    }
  }
  return true;
}

inline bool in_cidr(const model::IpAddress& ip, const model::Cidr& cidr) {
  return ip.family == cidr.address.family && same_prefix(ip, cidr.address, cidr.prefix);
}

inline bool in_block(const model::IpAddress& ip, const model::IpBlock& block) {
  if (!in_cidr(ip, block.cidr)) {
    return false;
  }
  for (const model::Cidr& except : block.except) {
    if (in_cidr(ip, except)) {
      return false;
    }
  }
  return true;
}

// A flow end as the reference sees it: a workload, or else a bare address.
// A workload reached through one of its addresses keeps that family.
struct End {
  const model::Workload* workload = nullptr;
  model::IpAddress ip;
  std::optional<model::IpFamily> family;
};

inline model::Labels namespace_labels(const model::Inventory& inventory, const std::string& name) {
  for (const model::Namespace& ns : inventory.namespaces) {
    if (ns.name == name) {
      return ns.labels;
    }
  }
  return model::Labels{{"kubernetes.io/metadata.name", name}};
}

// An ipBlock matches a workload only through its address of the flow's
// family (none: the ends have no known address, so no block matches).
inline bool peer_matches(const model::Inventory& inventory, const model::NetworkPolicy& policy,
                         const model::Rule& rule, const End& other,
                         std::optional<model::IpFamily> family) {
  if (rule.peers.empty()) {
    return true;
  }
  for (const model::Peer& peer : rule.peers) {
    if (peer.ip_block) {
      if (other.workload == nullptr) {
        if (in_block(other.ip, *peer.ip_block)) {
          return true;
        }
        continue;
      }
      std::vector<model::IpAddress> addresses = other.workload->pod_ips;
      if (other.workload->host_network && other.workload->host_ip) {
        addresses.push_back(*other.workload->host_ip);
      }
      for (const model::IpAddress& address : addresses) {
        if (family && address.family == *family && in_block(address, *peer.ip_block)) {
          return true;
        }
      }
      continue;
    }
    if (other.workload == nullptr || other.workload->host_network) {
      continue;
    }
    const bool namespace_ok =
        peer.namespace_selector
            ? selects(*peer.namespace_selector, namespace_labels(inventory, other.workload->namespace_name))
            : other.workload->namespace_name == policy.namespace_name;
    const bool pod_ok = !peer.pod_selector || selects(*peer.pod_selector, other.workload->labels);
    if (namespace_ok && pod_ok) {
      return true;
    }
  }
  return false;
}

inline bool port_matches(const model::Rule& rule, const End& destination, model::Protocol protocol,
                         std::uint16_t number) {
  if (rule.ports.empty()) {
    return true;
  }
  for (const model::PolicyPort& port : rule.ports) {
    if (port.protocol != protocol) {
      continue;
    }
    if (!port.port) {
      return true;
    }
    if (const auto* value = std::get_if<std::uint16_t>(&*port.port)) {
      const int last = port.end_port ? *port.end_port : *value;
      if (*value <= number && number <= last) {
        return true;
      }
      continue;
    }
    if (destination.workload == nullptr) {
      continue;
    }
    for (const model::ContainerPort& container : destination.workload->ports) {
      if (container.name == std::get<std::string>(*port.port) && container.protocol == protocol &&
          container.port == number) {
        return true;
      }
    }
  }
  return false;
}

// ---- admin tiers (shared/spec/admin-policies.md §2.3) ----

// The addresses a workload can be matched by on a flow of family: its pod
// IPs, and a hostNetwork pod's node address.
inline std::vector<model::IpAddress> addresses_of(const model::Workload& workload,
                                                  std::optional<model::IpFamily> family) {
  std::vector<model::IpAddress> result;
  std::vector<model::IpAddress> all = workload.pod_ips;
  if (workload.host_network && workload.host_ip) {
    all.push_back(*workload.host_ip);
  }
  for (const model::IpAddress& address : all) {
    if (family && address.family == *family) {
      result.push_back(address);
    }
  }
  return result;
}

inline bool admin_pods_select(const model::Inventory& inventory, const model::AdminPods& pods,
                              const model::Workload& workload) {
  return !workload.host_network &&
         selects(pods.namespace_selector, namespace_labels(inventory, workload.namespace_name)) &&
         (!pods.pod_selector || selects(*pods.pod_selector, workload.labels));
}

// Whether an address set (a predicate on one address) matches the other end.
template <typename Contains>
bool address_peer_matches(const End& other, std::optional<model::IpFamily> family, Contains contains) {
  if (other.workload == nullptr) {
    return contains(other.ip);
  }
  for (const model::IpAddress& address : addresses_of(*other.workload, family)) {
    if (contains(address)) {
      return true;
    }
  }
  return false;
}

// Whether the CIDRs cover every address of family: sorted as integer
// intervals, with no gap from the first address to the last.
inline bool covers_family(const std::vector<model::Cidr>& cidrs, model::IpFamily family) {
  __extension__ typedef unsigned __int128 U128;
  const int bits = family == model::IpFamily::v4 ? 32 : 128;
  std::vector<std::pair<U128, U128>> ranges;
  for (const model::Cidr& cidr : cidrs) {
    if (cidr.address.family != family) {
      continue;
    }
    U128 value = 0;
    for (int i = 0; i < bits / 8; ++i) {
      value = (value << 8) | cidr.address.bytes[static_cast<std::size_t>(i)];
    }
    const int host = bits - cidr.prefix;
    const U128 size_minus_one = host == 128 ? ~U128{0} : (U128{1} << host) - 1;
    const U128 first = value & ~size_minus_one;
    ranges.emplace_back(first, first + size_minus_one);
  }
  std::sort(ranges.begin(), ranges.end());
  const U128 last = bits == 128 ? ~U128{0} : (U128{1} << bits) - 1;
  U128 next = 0; // the first address not covered yet
  for (const auto& [lo, hi] : ranges) {
    if (lo > next) {
      return false;
    }
    if (hi >= next) {
      if (hi == last) {
        return true;
      }
      next = hi + 1;
    }
  }
  return false;
}

inline bool admin_peer_matches(const model::Inventory& inventory, const model::AdminRule& rule,
                               const End& other, std::optional<model::IpFamily> family) {
  // A pod whose address is not known: a rule whose networks cover all of a
  // family contains its address, whatever it is.
  if (other.workload != nullptr && other.workload->pod_ips.empty() &&
      !(other.workload->host_network && other.workload->host_ip)) {
    std::vector<model::Cidr> networks;
    for (const model::AdminPeer& peer : rule.peers) {
      if (peer.type == model::AdminPeer::Type::networks) {
        networks.insert(networks.end(), peer.networks.begin(), peer.networks.end());
      }
    }
    if (covers_family(networks, model::IpFamily::v4) || covers_family(networks, model::IpFamily::v6)) {
      return true;
    }
  }
  for (const model::AdminPeer& peer : rule.peers) {
    switch (peer.type) {
    case model::AdminPeer::Type::pods:
      if (other.workload != nullptr && admin_pods_select(inventory, peer.pods, *other.workload)) {
        return true;
      }
      break;
    case model::AdminPeer::Type::nodes:
      for (const model::Node& node : inventory.nodes) {
        if (selects(peer.node_selector, node.labels) &&
            address_peer_matches(other, family, [&](const model::IpAddress& ip) {
              return std::find(node.addresses.begin(), node.addresses.end(), ip) != node.addresses.end();
            })) {
          return true;
        }
      }
      break;
    case model::AdminPeer::Type::networks:
      for (const model::Cidr& cidr : peer.networks) {
        if (address_peer_matches(other, family, [&](const model::IpAddress& ip) { return in_cidr(ip, cidr); })) {
          return true;
        }
      }
      break;
    case model::AdminPeer::Type::domain_names:
      break;
    case model::AdminPeer::Type::unknown:
      if (rule.action != model::AdminAction::allow) {
        return true; // fails closed
      }
      break;
    }
  }
  return false;
}

inline bool admin_port_matches(const model::AdminRule& rule, const End& destination,
                               model::Protocol protocol, std::uint16_t number) {
  if (!rule.ports) {
    return true;
  }
  for (const model::AdminPort& port : *rule.ports) {
    if (port.matches_nothing) {
      continue;
    }
    if (!port.named) {
      if (port.protocol == protocol && port.first <= number && number <= port.last) {
        return true;
      }
      continue;
    }
    if (destination.workload == nullptr) {
      continue;
    }
    for (const model::ContainerPort& container : destination.workload->ports) {
      if (container.name == *port.named && container.protocol == protocol && container.port == number) {
        return true;
      }
    }
  }
  return false;
}

enum class TierVerdict { none, allow, deny, pass };

// The first matching rule of the policies of one tier selecting self, by
// priority (equal priorities: v1alpha1 first, then by name, as npcheck
// documents its choice), then rule order.
inline TierVerdict admin_tier(const model::Inventory& inventory, model::AdminTier tier,
                              const End& self, const End& other, const End& destination,
                              bool ingress, model::Protocol protocol, std::uint16_t number,
                              std::optional<model::IpFamily> family) {
  std::vector<const model::AdminPolicy*> policies;
  for (const model::AdminPolicy& policy : inventory.admin_policies) {
    if (policy.tier == tier && admin_pods_select(inventory, policy.subject, *self.workload)) {
      policies.push_back(&policy);
    }
  }
  std::sort(policies.begin(), policies.end(), [](const model::AdminPolicy* a, const model::AdminPolicy* b) {
    if (a->priority != b->priority) {
      return a->priority < b->priority;
    }
    if (a->v1alpha1() != b->v1alpha1()) {
      return a->v1alpha1();
    }
    return a->name < b->name;
  });
  for (const model::AdminPolicy* policy : policies) {
    for (const model::AdminRule& rule : ingress ? policy->ingress : policy->egress) {
      if (admin_peer_matches(inventory, rule, other, family) &&
          admin_port_matches(rule, destination, protocol, number)) {
        switch (rule.action) {
        case model::AdminAction::allow: return TierVerdict::allow;
        case model::AdminAction::deny: return TierVerdict::deny;
        case model::AdminAction::pass: return TierVerdict::pass;
        }
      }
    }
  }
  return TierVerdict::none;
}

// Whether self's side (its egress when ingress is false) admits the flow:
// the admin tier, then NetworkPolicy, then the baseline tier, then allow.
inline bool side_allows(const model::Inventory& inventory, const End& self, const End& other,
                        const End& destination, bool ingress, model::Protocol protocol,
                        std::uint16_t number, std::optional<model::IpFamily> family) {
  if (self.workload == nullptr || self.workload->host_network) {
    return true;
  }
  switch (admin_tier(inventory, model::AdminTier::admin, self, other, destination, ingress, protocol,
                     number, family)) {
  case TierVerdict::allow: return true;
  case TierVerdict::deny: return false;
  case TierVerdict::pass:
  case TierVerdict::none: break;
  }
  bool isolated = false;
  for (const model::NetworkPolicy& policy : inventory.policies) {
    if (policy.namespace_name != self.workload->namespace_name ||
        !selects(policy.pod_selector, self.workload->labels)) {
      continue;
    }
    if (!(ingress ? policy.affects_ingress : policy.affects_egress)) {
      continue;
    }
    isolated = true;
    for (const model::Rule& rule : ingress ? policy.ingress : policy.egress) {
      if (peer_matches(inventory, policy, rule, other, family) &&
          port_matches(rule, destination, protocol, number)) {
        return true;
      }
    }
  }
  if (isolated) {
    return false;
  }
  switch (admin_tier(inventory, model::AdminTier::baseline, self, other, destination, ingress,
                     protocol, number, family)) {
  case TierVerdict::deny: return false;
  default: return true;
  }
}

// The node a bare address belongs to ("" when none).
inline std::string node_of(const model::Inventory& inventory, const model::IpAddress& ip) {
  for (const model::Node& node : inventory.nodes) {
    for (const model::IpAddress& address : node.addresses) {
      if (address == ip) {
        return node.name;
      }
    }
  }
  for (const model::Workload& workload : inventory.workloads) {
    if (workload.host_ip && *workload.host_ip == ip) {
      return workload.node_name;
    }
  }
  for (const model::Workload& workload : inventory.workloads) {
    if (!workload.host_network) {
      continue;
    }
    for (const model::IpAddress& address : workload.pod_ips) {
      if (address == ip) {
        return workload.node_name;
      }
    }
  }
  return {};
}

// Whether pod and other are a pod and its own node.
inline bool node_local(const model::Inventory& inventory, const End& pod, const End& other) {
  if (pod.workload == nullptr) {
    return false;
  }
  const model::Workload& self = *pod.workload;
  if (other.workload == nullptr) {
    if (self.host_ip && *self.host_ip == other.ip) {
      return true;
    }
    return !self.node_name.empty() && node_of(inventory, other.ip) == self.node_name;
  }
  const model::Workload& peer = *other.workload;
  if (!peer.host_network) {
    return false;
  }
  return (!self.node_name.empty() && peer.node_name == self.node_name) ||
         (self.host_ip && peer.host_ip && *self.host_ip == *peer.host_ip);
}

// Whether src may reach dst whatever the policies: a Pod to itself, a pod
// and its own node.
inline bool always_allowed(const model::Inventory& inventory, const End& src, const End& dst) {
  if (src.workload != nullptr && src.workload == dst.workload &&
      src.workload->kind == model::WorkloadKind::pod) {
    return true;
  }
  return node_local(inventory, src, dst) || node_local(inventory, dst, src);
}

// The families an end can use: a bare address's own, the family a workload
// was reached by, else those of the workload's pod IPs (none known: empty).
inline std::vector<model::IpFamily> families(const End& end) {
  if (end.workload == nullptr) {
    return {end.ip.family};
  }
  if (end.family) {
    return {*end.family};
  }
  std::vector<model::IpAddress> known = end.workload->pod_ips;
  if (known.empty() && end.workload->host_network && end.workload->host_ip) {
    known.push_back(*end.workload->host_ip); // a hostNetwork pod has its node's address
  }
  std::vector<model::IpFamily> result;
  for (model::IpFamily family : {model::IpFamily::v4, model::IpFamily::v6}) {
    for (const model::IpAddress& address : known) {
      if (address.family == family) {
        result.push_back(family);
        break;
      }
    }
  }
  return result;
}

// Whether src's egress and dst's ingress both admit (protocol, number) on
// some family the flow can have: one both ends have (an end without known
// addresses has any); none at all when neither has known addresses.
inline bool policies_allow(const model::Inventory& inventory, const End& src, const End& dst,
                           model::Protocol protocol, std::uint16_t number) {
  const std::vector<model::IpFamily> from = families(src);
  const std::vector<model::IpFamily> to = families(dst);
  std::vector<std::optional<model::IpFamily>> flows;
  if (from.empty() && to.empty()) {
    flows.push_back(std::nullopt);
  }
  for (model::IpFamily family : {model::IpFamily::v4, model::IpFamily::v6}) {
    const bool in_from = from.empty() || std::find(from.begin(), from.end(), family) != from.end();
    const bool in_to = to.empty() || std::find(to.begin(), to.end(), family) != to.end();
    if (in_from && in_to && !(from.empty() && to.empty())) {
      flows.push_back(family);
    }
  }
  for (const std::optional<model::IpFamily>& family : flows) {
    if (side_allows(inventory, src, dst, dst, false, protocol, number, family) &&
        side_allows(inventory, dst, src, dst, true, protocol, number, family)) {
      return true;
    }
  }
  return false;
}

// Whether src may open (protocol, number) to dst.
inline bool allows(const model::Inventory& inventory, const End& src, const End& dst,
                   model::Protocol protocol, std::uint16_t number) {
  return always_allowed(inventory, src, dst) || policies_allow(inventory, src, dst, protocol, number);
}

// The end an address stands for: the non-hostNetwork pod with that IP, else
// the bare address.
inline End resolve(const model::Inventory& inventory, const model::IpAddress& ip) {
  for (const model::Workload& workload : inventory.workloads) {
    if (workload.host_network) {
      continue;
    }
    for (const model::IpAddress& address : workload.pod_ips) {
      if (address == ip) {
        return End{&workload, {}, ip.family};
      }
    }
  }
  return End{nullptr, ip, {}};
}

// "ns/name#index" or the address, for failure messages.
inline std::string describe(const model::Inventory& inventory, const End& end) {
  return end.workload != nullptr
             ? end.workload->display_name() + "#" + std::to_string(end.workload - inventory.workloads.data())
             : end.ip.to_string();
}

} // namespace npcheck::testing::naive
