// SPDX-License-Identifier: Apache-2.0
//
// Small random clusters for the property tests (engine against the naive
// evaluator, Matrix against the engine, check's bulk path against its
// pair-by-pair path): a few namespaces (one only implied), Pods with IPv4
// and IPv6 addresses, hostNetwork pods, pods without addresses,
// Deployments and DaemonSets, two nodes, and policies with random
// selectors, ipBlocks with excepts, named ports, endPort ranges and every
// policyTypes form; half of them with admin policies of every kind, tier,
// action and peer type. A seed always gives the same cluster.
#pragma once

#include "analyzer/cluster_builder.hpp"

#include <npcheck/model/inventory.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace npcheck::testing {

// How many random clusters a property test draws: all of them, or a quarter
// under the sanitizers (each check there costs several times as much, and
// the point of that run is memory errors, not more clusters).
constexpr unsigned property_seeds(unsigned count) {
#if defined(__SANITIZE_ADDRESS__)
  return count / 4;
#else
  return count;
#endif
}

class RandomCluster {
public:
  // admin: whether clusters may have admin policies as well.
  explicit RandomCluster(unsigned seed, bool admin = true) : m_random(seed), m_admin(admin) {}

  // Wider clusters: ten namespaces and 300 to 499 pods, so that a matrix row
  // spans several 64-bit words of destination classes and a source's egress
  // rules may reach only some of them (the bulk evaluator's row lanes).
  RandomCluster& widen() {
    m_namespaces = {"implied"};
    for (int i = 0; i < 10; ++i) {
      m_namespaces.push_back("ns" + std::to_string(i));
    }
    m_min_pods = 300;
    m_more_pods = 200;
    return *this;
  }

  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(m_random); }
  bool chance(int percent) { return below(100) < percent; }
  template <typename T>
  const T& pick(const std::vector<T>& values) {
    return values[static_cast<std::size_t>(below(static_cast<int>(values.size())))];
  }

  model::Labels labels() {
    model::Labels result;
    for (const std::string& key : m_keys) {
      if (chance(55)) {
        result.set(key, pick(m_values));
      }
    }
    return result;
  }

  model::LabelSelector selector() {
    model::LabelSelector result;
    const int labels = below(3);
    for (int i = 0; i < labels; ++i) {
      result.match_labels.set(pick(m_keys), pick(m_values));
    }
    const int expressions = below(3);
    for (int i = 0; i < expressions; ++i) {
      model::Requirement requirement;
      requirement.key = pick(m_keys);
      requirement.op = static_cast<model::Operator>(below(4));
      if (requirement.op == model::Operator::in || requirement.op == model::Operator::not_in) {
        const int count = 1 + below(2);
        for (int v = 0; v < count; ++v) {
          requirement.values.push_back(pick(m_values));
        }
      }
      result.match_expressions.push_back(std::move(requirement));
    }
    return result;
  }

  model::Labels namespace_selector_labels() {
    model::Labels result;
    if (chance(50)) {
      result.set("kubernetes.io/metadata.name", pick(m_namespaces));
    }
    return result;
  }

  model::LabelSelector namespace_selector() {
    if (chance(40)) {
      return testing::selector(namespace_selector_labels());
    }
    return selector();
  }

  model::IpAddress address() {
    switch (below(4)) {
    case 0: return model::IpAddress::from_v4(0x0A000000u | static_cast<std::uint32_t>(below(512)));
    case 1: return model::IpAddress::from_v4(0xC0A80000u | static_cast<std::uint32_t>(below(8)));
    case 2: return model::IpAddress::from_v4(static_cast<std::uint32_t>(below(1 << 30)) * 4u);
    default: return model::IpAddress::from_v6(0xfd00000000000000ull, static_cast<std::uint64_t>(below(512)));
    }
  }

  model::Cidr cidr_near(const model::IpAddress& base, int min_prefix) {
    const int max_prefix = base.family == model::IpFamily::v4 ? 32 : 128;
    static const int k_v4[] = {0, 8, 16, 22, 23, 24, 25, 28, 31, 32};
    static const int k_v6[] = {0, 8, 64, 118, 119, 120, 121, 126, 127, 128};
    int prefix = (base.family == model::IpFamily::v4 ? k_v4 : k_v6)[below(10)];
    if (prefix < min_prefix) {
      prefix = min_prefix + below(max_prefix - min_prefix + 1);
    }
    model::Cidr result{base, prefix};
    return result;
  }

  model::Peer peer() {
    model::Peer result;
    switch (below(4)) {
    case 0: result.pod_selector = selector(); break;
    case 1: result.namespace_selector = namespace_selector(); break;
    case 2:
      result.pod_selector = selector();
      result.namespace_selector = namespace_selector();
      break;
    default: {
      result.ip_block.emplace();
      result.ip_block->cidr = cidr_near(address(), 0);
      const int excepts = below(3);
      const int max_prefix = result.ip_block->cidr.address.family == model::IpFamily::v4 ? 32 : 128;
      for (int i = 0; i < excepts && result.ip_block->cidr.prefix < max_prefix; ++i) {
        // An except strictly inside: an address of the block, longer prefix.
        model::IpAddress inside = address();
        if (inside.family != result.ip_block->cidr.address.family ||
            !result.ip_block->cidr.contains(inside)) {
          inside = result.ip_block->cidr.address;
        }
        result.ip_block->except.push_back(cidr_near(inside, result.ip_block->cidr.prefix + 1));
      }
      break;
    }
    }
    return result;
  }

  std::uint16_t port_number() {
    return chance(5) ? std::uint16_t{65535} : static_cast<std::uint16_t>(1 + below(20));
  }

  model::PolicyPort policy_port() {
    model::PolicyPort result;
    result.protocol = static_cast<model::Protocol>(below(3));
    const int kind = below(10);
    if (kind == 0) {
      return result; // whole protocol
    }
    if (kind <= 3) {
      result.port = pick(m_port_names);
      return result;
    }
    const std::uint16_t first = port_number();
    result.port = first;
    if (kind >= 8 && first < 65535) {
      result.end_port = static_cast<std::uint16_t>(first + below(8));
    }
    return result;
  }

  model::Rule rule() {
    model::Rule result;
    if (!chance(20)) {
      const int peers = 1 + below(3);
      for (int i = 0; i < peers; ++i) {
        result.peers.push_back(peer());
      }
    }
    if (!chance(25)) {
      const int ports = 1 + below(3);
      for (int i = 0; i < ports; ++i) {
        result.ports.push_back(policy_port());
      }
    }
    return result;
  }

  // ---- admin policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
  // ClusterNetworkPolicy) ----

  model::AdminPods admin_pods() {
    model::AdminPods pods;
    pods.namespace_selector = chance(40) ? model::LabelSelector{} : namespace_selector();
    if (chance(70)) {
      pods.pod_selector = chance(20) ? model::LabelSelector{} : selector();
    }
    return pods;
  }

  model::AdminPeer admin_peer(bool egress) {
    model::AdminPeer peer;
    const int kind = egress ? below(10) : below(4);
    if (kind < 4) {
      peer.pods = admin_pods();
    } else if (kind < 6) {
      peer.type = model::AdminPeer::Type::nodes;
      peer.node_selector = chance(50) ? model::LabelSelector{} : selector();
    } else if (kind < 9) {
      peer.type = model::AdminPeer::Type::networks;
      const int count = 1 + below(2);
      for (int i = 0; i < count; ++i) {
        peer.networks.push_back(cidr_near(address(), 0));
      }
    } else {
      peer.type = chance(50) ? model::AdminPeer::Type::domain_names : model::AdminPeer::Type::unknown;
      peer.domain_names = {"example.com"};
    }
    return peer;
  }

  model::AdminRule admin_rule(bool egress, bool pass_allowed) {
    model::AdminRule rule;
    const int action = below(pass_allowed ? 3 : 2);
    rule.action = action == 0 ? model::AdminAction::allow
                  : action == 1 ? model::AdminAction::deny
                                : model::AdminAction::pass;
    const int peers = 1 + below(2);
    for (int i = 0; i < peers; ++i) {
      rule.peers.push_back(admin_peer(egress));
    }
    if (chance(65)) {
      rule.ports.emplace();
      const int ports = 1 + below(2);
      for (int i = 0; i < ports; ++i) {
        model::AdminPort port;
        port.protocol = static_cast<model::Protocol>(below(3));
        if (chance(25)) {
          port.named = pick(m_port_names);
        } else {
          port.first = port_number();
          port.last = chance(30) && port.first < 65535 ? static_cast<std::uint16_t>(port.first + below(8))
                                                        : port.first;
        }
        rule.ports->push_back(std::move(port));
      }
    }
    return rule;
  }

  model::AdminPolicy admin_policy(int i) {
    model::AdminPolicy policy;
    const int kind = below(3);
    policy.kind = static_cast<model::AdminKind>(kind);
    policy.name = kind == 1 ? "default" : "admin" + std::to_string(i);
    policy.tier = kind == 0 || (kind == 2 && chance(60)) ? model::AdminTier::admin
                                                         : model::AdminTier::baseline;
    policy.priority = kind == 1 ? 0 : below(6);
    policy.subject = admin_pods();
    const bool pass_allowed = kind != 1;
    const int ingress = below(3);
    const int egress = below(3);
    for (int r = 0; r < ingress; ++r) {
      policy.ingress.push_back(admin_rule(false, pass_allowed));
    }
    for (int r = 0; r < egress; ++r) {
      policy.egress.push_back(admin_rule(true, pass_allowed));
    }
    return policy;
  }

  model::Inventory cluster() {
    ClusterBuilder c;
    for (const std::string& name : m_namespaces) {
      if (name != "implied") {
        c.ns(name, labels());
      }
    }
    c.node("n1", {"192.168.0.1"}).node("n2", {"192.168.0.2", "fd00::c0a8:2"});
    const int pods = m_min_pods + below(m_more_pods);
    std::uint32_t next_ip = 0;
    for (int i = 0; i < pods; ++i) {
      PodSpec spec;
      const int ports = below(4);
      for (int p = 0; p < ports; ++p) {
        spec.ports.push_back({pick(m_port_names), port_number(), static_cast<model::Protocol>(below(3))});
      }
      const int role = below(10);
      if (role == 0) {
        spec.kind = chance(70) ? model::WorkloadKind::deployment : model::WorkloadKind::daemon_set;
      } else {
        const int node = below(3);
        if (node > 0) {
          spec.node = "n" + std::to_string(node);
          spec.host_ip = "192.168.0." + std::to_string(node);
        }
        if (role == 1 && node > 0) {
          spec.host_network = true;
          spec.ips.push_back(*spec.host_ip);
        } else if (role != 2) {
          next_ip += 1 + static_cast<std::uint32_t>(below(100));
          // IPv4, dual-stack, or (rarely) IPv6 only.
          const int stack = below(10);
          if (stack != 0) {
            spec.ips.push_back(model::IpAddress::from_v4(0x0A000000u + next_ip).to_string());
          }
          if (stack <= 3) {
            spec.ips.push_back(model::IpAddress::from_v6(0xfd00000000000000ull, next_ip).to_string());
          }
        }
      }
      // Wide clusters put pods in their namespaces in order, as real ones
      // read (a namespace's pods, then the next's): peers of one namespace
      // and address blocks then reach some words of a row, not all.
      // (The labels are drawn before the namespace: the order the seeds of
      // every property test were written with.)
      const model::Labels pod_labels = labels();
      const std::string& ns = m_min_pods > 100 ? m_namespaces[static_cast<std::size_t>(i) * m_namespaces.size() /
                                                              static_cast<std::size_t>(pods)]
                                               : pick(m_namespaces);
      c.pod(ns, "pod" + std::to_string(i), pod_labels, spec);
    }
    const int policies = 1 + below(6);
    for (int i = 0; i < policies; ++i) {
      model::NetworkPolicy policy;
      policy.namespace_name = pick(m_namespaces);
      policy.name = "np" + std::to_string(i);
      policy.pod_selector = chance(45) ? model::LabelSelector{} : selector();
      const int ingress = below(3);
      const int egress = below(3);
      for (int r = 0; r < ingress; ++r) {
        policy.ingress.push_back(rule());
      }
      for (int r = 0; r < egress; ++r) {
        policy.egress.push_back(rule());
      }
      switch (below(4)) {
      case 0: // policyTypes absent: Ingress, plus Egress iff an egress section
        policy.affects_ingress = true;
        policy.affects_egress = egress > 0 || chance(30);
        break;
      case 1: policy.affects_ingress = true; policy.affects_egress = false; break;
      case 2: policy.affects_ingress = false; policy.affects_egress = true; break;
      default: policy.affects_ingress = true; policy.affects_egress = true; break;
      }
      c.add(std::move(policy));
    }
    // Half of the clusters have admin policies too (one
    // BaselineAdminNetworkPolicy at most, as its name is always "default").
    if (m_admin && chance(50)) {
      c.inventory.nodes[0].labels.set("tier", "a");
      const int admins = 1 + below(4);
      bool banp = false;
      for (int i = 0; i < admins; ++i) {
        model::AdminPolicy policy = admin_policy(i);
        if (policy.kind == model::AdminKind::baseline_admin_network_policy) {
          if (banp) {
            continue;
          }
          banp = true;
        }
        c.inventory.admin_policies.push_back(std::move(policy));
      }
    }
    return std::move(c.inventory);
  }

private:
  std::mt19937 m_random;
  bool m_admin = true;
  int m_min_pods = 2;
  int m_more_pods = 8;
  std::vector<std::string> m_keys{"app", "tier", "env"};
  std::vector<std::string> m_values{"a", "b", "c"};
  std::vector<std::string> m_namespaces{"default", "prod", "implied"};
  std::vector<std::string> m_port_names{"http", "dns", "metrics"};
};

} // namespace npcheck::testing
