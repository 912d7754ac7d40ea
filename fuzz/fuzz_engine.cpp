// SPDX-License-Identifier: Apache-2.0
//
// Differential fuzzing of the policy program's evaluators. The input bytes drive a
// generator that builds a small cluster directly as model structs, valid by
// construction and consistent (every address belongs to one pod or one node;
// a pod's hostIP is an address of its node): up to three namespaces plus one
// only implied, nodes with IPv4 and IPv6 addresses (some without a Node
// object), Pods with pod IPs, hostIP, hostNetwork and named container ports,
// workload templates, and policies with matchLabels, matchExpressions of
// every operator, selectors absent vs {}, ipBlocks (host bits, excepts),
// numeric, ranged (endPort) and named ports, and every policyTypes form; and
// admin policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
// ClusterNetworkPolicy) of every tier, action and peer type, with Node labels
// for their nodes peers.
// Then every pair of workloads, every probe address against a workload in
// both directions, and nameless node endpoints are checked against the naive
// evaluator at every port edge (differential.hpp), the matrix against the
// engine, and check's bulk answer to one expectation against its
// pair-by-pair answer.
#include "targets.hpp"

#include "byte_reader.hpp"
#include "differential.hpp"
#include "ip_value.hpp"

#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/inventory.hpp>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

namespace npcheck::fuzz {

namespace {

struct NodeInfo {
  std::string name;
  std::vector<model::IpAddress> addresses;
};

class ClusterGenerator {
public:
  explicit ClusterGenerator(ByteReader& in) : m_in(in) {}

  model::Inventory cluster() {
    model::Inventory inventory;
    for (const char* name : {"default", "prod", "dev"}) {
      if (m_in.below(5) != 0) {
        model::Namespace ns;
        ns.name = name;
        ns.labels = labels();
        ns.labels.set("kubernetes.io/metadata.name", name);
        inventory.namespaces.push_back(std::move(ns));
      }
    }
    const int nodes = m_in.below_int(4);
    for (int i = 1; i <= nodes; ++i) {
      NodeInfo node{"node-" + std::to_string(i), {model::IpAddress::from_v4(0xC0A80000u + static_cast<std::uint32_t>(i))}};
      if (m_in.chance(30)) {
        node.addresses.push_back(model::IpAddress::from_v6(0xfd00000000000000ull, 0xc0a80000ull + static_cast<std::uint64_t>(i)));
      }
      if (m_in.below(4) != 0) {
        inventory.nodes.push_back(model::Node{node.name, {}, node.addresses, {}});
      }
      m_nodes.push_back(std::move(node));
    }
    const int workloads = 1 + m_in.below_int(8);
    for (int i = 0; i < workloads; ++i) {
      inventory.workloads.push_back(workload(i, inventory));
    }
    const int policies = m_in.below_int(7);
    for (int i = 0; i < policies; ++i) {
      inventory.policies.push_back(policy(i));
    }
    // Admin policies of every kind, tier and action (at most one
    // BaselineAdminNetworkPolicy: it is always named "default"), and labels
    // on the Node objects for their nodes peers.
    const int admins = m_in.below_int(4);
    bool banp = false;
    for (int i = 0; i < admins; ++i) {
      model::AdminPolicy admin = admin_policy(i);
      if (admin.kind == model::AdminKind::baseline_admin_network_policy) {
        if (banp) {
          continue;
        }
        banp = true;
      }
      inventory.admin_policies.push_back(std::move(admin));
    }
    for (model::Node& node : inventory.nodes) {
      if (m_in.chance(50)) {
        node.labels.set("zone", m_in.pick(m_values));
      }
    }
    // The order the loader leaves an Inventory in.
    std::sort(inventory.namespaces.begin(), inventory.namespaces.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    std::sort(inventory.workloads.begin(), inventory.workloads.end(), [](const auto& a, const auto& b) {
      return std::tie(a.namespace_name, a.name, a.kind) < std::tie(b.namespace_name, b.name, b.kind);
    });
    std::sort(inventory.policies.begin(), inventory.policies.end(), [](const auto& a, const auto& b) {
      return std::tie(a.namespace_name, a.name) < std::tie(b.namespace_name, b.name);
    });
    return inventory;
  }

private:
  model::Labels labels() {
    model::Labels result;
    for (const std::string& key : m_keys) {
      if (m_in.chance(50)) {
        result.set(key, m_in.pick(m_values));
      }
    }
    return result;
  }

  model::LabelSelector selector(bool for_namespaces) {
    model::LabelSelector result;
    if (for_namespaces && m_in.chance(35)) {
      result.match_labels.set("kubernetes.io/metadata.name", m_in.pick(m_namespaces));
      return result;
    }
    const std::vector<std::string>& keys = for_namespaces ? m_namespace_keys : m_keys;
    for (int i = m_in.below_int(3); i > 0; --i) {
      result.match_labels.set(m_in.pick(keys), m_in.pick(m_values));
    }
    for (int i = m_in.below_int(3); i > 0; --i) {
      model::Requirement requirement;
      requirement.key = m_in.pick(keys);
      requirement.op = static_cast<model::Operator>(m_in.below(4));
      if (requirement.op == model::Operator::in || requirement.op == model::Operator::not_in) {
        for (int v = 1 + m_in.below_int(3); v > 0; --v) {
          requirement.values.push_back(for_namespaces && requirement.key == "kubernetes.io/metadata.name"
                                           ? m_in.pick(m_namespaces)
                                           : m_in.pick(m_values));
        }
        std::sort(requirement.values.begin(), requirement.values.end());
        requirement.values.erase(std::unique(requirement.values.begin(), requirement.values.end()),
                                 requirement.values.end());
      }
      result.match_expressions.push_back(std::move(requirement));
    }
    return result;
  }

  std::uint16_t port_number() {
    if (m_in.chance(15)) {
      return static_cast<std::uint16_t>(1 + m_in.below(65535));
    }
    return m_in.pick(m_ports);
  }

  model::IpAddress pod_address(bool v6) {
    m_next_pod += 1 + static_cast<std::uint32_t>(m_in.below(64));
    // Mostly 10.0.0.0/8, sometimes 172.16.0.0/12; fd00::a00:0/104 for IPv6.
    const model::IpAddress ip =
        v6 ? model::IpAddress::from_v6(0xfd00000000000000ull, 0x0a000000ull + m_next_pod)
           : model::IpAddress::from_v4((m_in.chance(20) ? 0xAC100000u : 0x0A000000u) + m_next_pod);
    m_pod_addresses.push_back(ip);
    return ip;
  }

  model::Workload workload(int index, const model::Inventory& inventory) {
    static const model::WorkloadKind k_kinds[] = {
        model::WorkloadKind::deployment, model::WorkloadKind::daemon_set, model::WorkloadKind::stateful_set,
        model::WorkloadKind::job, model::WorkloadKind::cron_job};
    model::Workload w;
    w.kind = m_in.below(10) < 7 ? model::WorkloadKind::pod : k_kinds[m_in.below(5)];
    w.namespace_name = m_in.pick(m_namespaces);
    w.name = "w" + std::to_string(index);
    w.labels = labels();
    for (int p = m_in.below_int(4); p > 0; --p) {
      model::ContainerPort port;
      if (m_in.below(10) < 7) {
        port.name = m_in.pick(m_port_names);
        if (std::any_of(w.ports.begin(), w.ports.end(), [&](const auto& q) { return q.name == port.name; })) {
          continue; // names are unique within a pod
        }
      }
      port.port = port_number();
      port.protocol = static_cast<model::Protocol>(m_in.below(3));
      w.ports.push_back(std::move(port));
    }
    if (w.kind != model::WorkloadKind::pod) {
      // A template: no addresses, but maybe a fixed node and hostNetwork.
      if (!m_nodes.empty() && m_in.chance(20)) {
        w.node_name = m_in.pick(m_nodes).name;
      }
      w.host_network = m_in.chance(20);
      return w;
    }
    const NodeInfo* node = m_nodes.empty() || m_in.chance(25) ? nullptr : &m_in.pick(m_nodes);
    if (node != nullptr) {
      const bool has_object = std::any_of(inventory.nodes.begin(), inventory.nodes.end(),
                                          [&](const model::Node& n) { return n.name == node->name; });
      // status.hostIP without spec.nodeName only where a Node names the address,
      // so that every address keeps a single node.
      if (!has_object || m_in.below(8) != 0) {
        w.node_name = node->name;
      }
      if (m_in.below(8) != 0 || w.node_name.empty()) {
        w.host_ip = m_in.pick(node->addresses);
      }
      if (m_in.chance(25) && !w.node_name.empty()) {
        w.host_network = true;
        if (w.host_ip) {
          w.pod_ips.push_back(*w.host_ip);
        }
        return w;
      }
    }
    if (node != nullptr || m_in.chance(30)) {
      const int ips = m_in.below_int(3);
      if (ips >= 1) {
        w.pod_ips.push_back(pod_address(false));
      }
      if (ips >= 2) {
        w.pod_ips.push_back(pod_address(true));
      }
    }
    return w;
  }

  model::AdminPods admin_pods() {
    model::AdminPods pods;
    pods.namespace_selector = m_in.chance(40) ? model::LabelSelector{} : selector(true);
    if (m_in.chance(70)) {
      pods.pod_selector = m_in.chance(20) ? model::LabelSelector{} : selector(false);
    }
    return pods;
  }

  model::AdminRule admin_rule(bool egress, bool pass_allowed) {
    model::AdminRule rule;
    const int action = m_in.below_int(pass_allowed ? 3 : 2);
    rule.action = action == 0 ? model::AdminAction::allow
                  : action == 1 ? model::AdminAction::deny
                                : model::AdminAction::pass;
    for (int i = 1 + m_in.below_int(2); i > 0; --i) {
      model::AdminPeer peer;
      switch (egress ? m_in.below(8) : 0) {
      case 0: case 1: case 2: case 3:
        peer.pods = admin_pods();
        break;
      case 4:
        peer.type = model::AdminPeer::Type::nodes;
        peer.node_selector = m_in.chance(50) ? model::LabelSelector{} : selector(false);
        if (m_in.chance(50)) {
          peer.node_selector = model::LabelSelector{};
          peer.node_selector.match_labels.set("zone", m_in.pick(m_values));
        }
        break;
      case 5: case 6:
        peer.type = model::AdminPeer::Type::networks;
        for (int c = 1 + m_in.below_int(2); c > 0; --c) {
          peer.networks.push_back(ip_block().cidr);
        }
        break;
      default:
        peer.type = m_in.chance(50) ? model::AdminPeer::Type::domain_names : model::AdminPeer::Type::unknown;
        peer.domain_names = {"example.com"};
        break;
      }
      rule.peers.push_back(std::move(peer));
    }
    if (m_in.chance(65)) {
      rule.ports.emplace();
      for (int i = 1 + m_in.below_int(2); i > 0; --i) {
        model::AdminPort port;
        port.protocol = static_cast<model::Protocol>(m_in.below(3));
        if (m_in.chance(25)) {
          port.named = m_in.pick(m_port_names);
        } else {
          port.first = port_number();
          port.last = port.first;
          if (m_in.chance(30)) {
            const std::uint16_t other = port_number();
            port.first = std::min(port.first, other);
            port.last = std::max(port.last, other);
          }
        }
        rule.ports->push_back(std::move(port));
      }
    }
    return rule;
  }

  model::AdminPolicy admin_policy(int index) {
    model::AdminPolicy policy;
    const int kind = m_in.below_int(3);
    policy.kind = static_cast<model::AdminKind>(kind);
    policy.name = kind == 1 ? "default" : "admin" + std::to_string(index);
    policy.tier = kind == 0 || (kind == 2 && m_in.chance(60)) ? model::AdminTier::admin
                                                              : model::AdminTier::baseline;
    policy.priority = kind == 1 ? 0 : m_in.below_int(5);
    policy.subject = admin_pods();
    for (int r = m_in.below_int(3); r > 0; --r) {
      policy.ingress.push_back(admin_rule(false, kind != 1));
    }
    for (int r = m_in.below_int(3); r > 0; --r) {
      policy.egress.push_back(admin_rule(true, kind != 1));
    }
    return policy;
  }

  model::IpAddress block_base(model::IpFamily family) {
    std::vector<model::IpAddress> candidates;
    for (const auto& [text, fam] : k_bases) {
      if (fam == family) {
        candidates.push_back(*model::IpAddress::parse(text));
      }
    }
    for (const NodeInfo& node : m_nodes) {
      for (const model::IpAddress& ip : node.addresses) {
        if (ip.family == family) {
          candidates.push_back(ip);
        }
      }
    }
    for (const model::IpAddress& ip : m_pod_addresses) {
      if (ip.family == family) {
        candidates.push_back(ip);
      }
    }
    if (m_in.chance(10)) {
      model::IpAddress random;
      random.family = family;
      for (std::size_t i = 0; i < (family == model::IpFamily::v4 ? 4u : 16u); ++i) {
        random.bytes[i] = static_cast<std::uint8_t>(m_in.below(256));
      }
      return random;
    }
    return m_in.pick(candidates);
  }

  int prefix_for(model::IpFamily family, int min_prefix) {
    const int max = family == model::IpFamily::v4 ? 32 : 128;
    static const std::vector<int> k_v4{0, 8, 12, 16, 24, 25, 30, 31, 32};
    static const std::vector<int> k_v6{0, 16, 64, 96, 120, 126, 127, 128};
    int prefix = m_in.chance(50) ? m_in.pick(family == model::IpFamily::v4 ? k_v4 : k_v6)
                                 : m_in.below_int(max + 1);
    if (prefix < min_prefix) {
      prefix = min_prefix + m_in.below_int(max - min_prefix + 1);
    }
    return prefix;
  }

  model::IpBlock ip_block() {
    model::IpBlock block;
    const model::IpFamily family = m_in.chance(25) ? model::IpFamily::v6 : model::IpFamily::v4;
    block.cidr.address = block_base(family);
    block.cidr.prefix = prefix_for(family, 0);
    if (m_in.chance(50)) {
      block.cidr.address = block.cidr.first(); // else keep the host bits, which are legal
    }
    const int max = family == model::IpFamily::v4 ? 32 : 128;
    for (int i = m_in.below_int(3); i > 0 && block.cidr.prefix < max; --i) {
      model::Cidr except;
      except.prefix = prefix_for(family, block.cidr.prefix + 1);
      model::IpAddress inside = block_base(family);
      if (!block.cidr.contains(inside)) {
        // Some address of the block: its first plus an offset from the input.
        const int host_bits = max - block.cidr.prefix;
        U128 offset = 0;
        for (int b = 0; b < host_bits; b += 8) {
          offset = (offset << 8) | m_in.below(256);
        }
        if (host_bits < 128) {
          offset &= (U128{1} << host_bits) - 1;
        }
        const model::IpAddress first = block.cidr.first();
        U128 value = 0;
        for (std::size_t k = 0; k < (family == model::IpFamily::v4 ? 4u : 16u); ++k) {
          value = (value << 8) | first.bytes[k];
        }
        value |= offset;
        inside.family = family;
        for (std::size_t k = (family == model::IpFamily::v4 ? 4u : 16u); k-- > 0;) {
          inside.bytes[k] = static_cast<std::uint8_t>(value);
          value >>= 8;
        }
      }
      except.address = inside;
      if (m_in.chance(50)) {
        except.address = except.first();
      }
      block.except.push_back(except);
    }
    return block;
  }

  model::Peer peer() {
    model::Peer result;
    switch (m_in.below(6)) {
    case 0: result.pod_selector = selector(false); break;
    case 1: result.namespace_selector = selector(true); break;
    case 2:
      result.pod_selector = selector(false);
      result.namespace_selector = selector(true);
      break;
    case 3:
      result.namespace_selector = model::LabelSelector{}; // all namespaces
      if (m_in.chance(50)) {
        result.pod_selector = m_in.chance(50) ? model::LabelSelector{} : selector(false);
      }
      break;
    default: result.ip_block = ip_block(); break;
    }
    return result;
  }

  model::PolicyPort policy_port() {
    model::PolicyPort result;
    result.protocol = static_cast<model::Protocol>(m_in.below(3));
    const int kind = m_in.below_int(10);
    if (kind == 0) {
      return result; // the whole protocol
    }
    if (kind <= 3) {
      result.port = m_in.chance(15) ? std::string("unused") : m_in.pick(m_port_names);
      return result;
    }
    const std::uint16_t first = port_number();
    result.port = first;
    if (kind >= 7) {
      const std::uint64_t room = 65535u - first;
      result.end_port = static_cast<std::uint16_t>(
          first + (m_in.chance(10) ? room : m_in.below(std::min<std::uint64_t>(room, 20) + 1)));
    }
    return result;
  }

  model::Rule rule() {
    model::Rule result;
    if (!m_in.chance(25)) {
      for (int i = 1 + m_in.below_int(3); i > 0; --i) {
        result.peers.push_back(peer());
      }
    }
    if (!m_in.chance(30)) {
      for (int i = 1 + m_in.below_int(3); i > 0; --i) {
        result.ports.push_back(policy_port());
      }
    }
    return result;
  }

  model::NetworkPolicy policy(int index) {
    model::NetworkPolicy result;
    result.namespace_name = m_in.pick(m_namespaces);
    result.name = "np" + std::to_string(index);
    result.pod_selector = m_in.chance(40) ? model::LabelSelector{} : selector(false);
    for (int r = m_in.below_int(4); r > 0; --r) {
      result.ingress.push_back(rule());
    }
    for (int r = m_in.below_int(4); r > 0; --r) {
      result.egress.push_back(rule());
    }
    switch (m_in.below(4)) {
    case 0: // policyTypes absent: Ingress, plus Egress iff spec.egress is non-empty
      result.policy_types_given = false;
      result.affects_ingress = true;
      result.affects_egress = !result.egress.empty();
      break;
    case 1: result.policy_types_given = true; result.affects_ingress = true; result.affects_egress = false; break;
    case 2: result.policy_types_given = true; result.affects_ingress = false; result.affects_egress = true; break;
    default: result.policy_types_given = true; result.affects_ingress = true; result.affects_egress = true; break;
    }
    return result;
  }

  static constexpr std::pair<const char*, model::IpFamily> k_bases[] = {
      {"0.0.0.0", model::IpFamily::v4},       {"10.0.0.0", model::IpFamily::v4},
      {"10.0.0.64", model::IpFamily::v4},     {"172.16.0.0", model::IpFamily::v4},
      {"192.168.0.0", model::IpFamily::v4},   {"255.255.255.255", model::IpFamily::v4},
      {"::", model::IpFamily::v6},            {"fd00::", model::IpFamily::v6},
      {"fd00::a00:0", model::IpFamily::v6},   {"fd00::c0a8:0", model::IpFamily::v6},
      {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", model::IpFamily::v6},
  };

  ByteReader& m_in;
  std::vector<NodeInfo> m_nodes;
  std::uint32_t m_next_pod = 0;
  std::vector<model::IpAddress> m_pod_addresses;
  std::vector<std::string> m_keys{"app", "tier", "env", "example.com/team"};
  std::vector<std::string> m_namespace_keys{"env", "team", "kubernetes.io/metadata.name"};
  std::vector<std::string> m_values{"a", "b", "c", ""};
  std::vector<std::string> m_namespaces{"default", "prod", "dev", "implied"};
  std::vector<std::string> m_port_names{"http", "dns", "metrics", "web"};
  std::vector<std::uint16_t> m_ports{1, 2, 53, 79, 80, 81, 443, 1000, 8080, 65534, 65535};
};

} // namespace

int fuzz_engine(const std::uint8_t* data, std::size_t size) {
  ByteReader in(data, size);
  const model::Inventory inventory = ClusterGenerator(in).cluster();
  const analyzer::Program engine(inventory);
  const std::vector<std::uint16_t> ports = port_probes(inventory);

  const std::size_t workloads = inventory.workloads.size();
  for (std::size_t a = 0; a < workloads; ++a) {
    for (std::size_t b = 0; b < workloads; ++b) {
      check_flow(inventory, engine, workload_end(inventory, a), workload_end(inventory, b), ports);
    }
  }
  // Each edge address against one workload, both ways.
  const std::vector<model::IpAddress> addresses = address_probes(inventory);
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    const ProbeEnd address = address_end(inventory, engine, addresses[i]);
    const ProbeEnd workload = workload_end(inventory, (i + in.below(workloads)) % workloads);
    check_flow(inventory, engine, workload, address, ports);
    check_flow(inventory, engine, address, workload, ports);
  }
  // A node endpoint made without its name stands for the same node.
  for (const model::Node& node : inventory.nodes) {
    for (const model::IpAddress& ip : node.addresses) {
      const ProbeEnd bare{analyzer::FlowEndpoint::node_ip(ip), testing::naive::End{nullptr, ip, {}}};
      for (std::size_t w = 0; w < workloads; ++w) {
        check_flow(inventory, engine, bare, workload_end(inventory, w), ports);
        check_flow(inventory, engine, workload_end(inventory, w), bare, ports);
      }
    }
  }
  MatrixCheck matrix;
  matrix.threads = in.chance(20) ? 2 : 1;
  check_matrix(inventory, engine, matrix);
  // check's two ways of answering an expectation.
  model::Expectation expectation;
  expectation.expect = in.chance(50) ? model::Verdict::allow : model::Verdict::deny;
  for (model::EndpointSpec* side : {&expectation.from, &expectation.to}) {
    const std::vector<std::string> namespaces{"default", "prod", "dev", "implied"};
    const std::vector<std::string> cidrs{"0.0.0.0/0", "::/0", "10.0.0.0/8", "192.168.0.0/24"};
    switch (in.below_int(4)) {
    case 0: side->all = true; break;
    case 1: side->namespace_name = in.pick(namespaces); break;
    default:
      side->cidr.emplace();
      side->cidr->cidr = *model::Cidr::parse(in.pick(cidrs));
      break;
    }
  }
  const std::vector<std::uint16_t> first_ports{1, 53, 80, 443, 8080, 65535};
  for (int p = 1 + in.below_int(3); p > 0; --p) {
    model::PortSpec port;
    if (!in.chance(20)) {
      port.protocol = static_cast<model::Protocol>(in.below_int(3));
    }
    port.first = in.pick(first_ports);
    port.last = static_cast<std::uint16_t>(std::min<int>(65535, port.first + in.below_int(3) * 100));
    expectation.ports.push_back(port);
  }
  check_expectation(engine, expectation, in.below(4));
  return 0;
}

} // namespace npcheck::fuzz
