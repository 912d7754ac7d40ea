// SPDX-License-Identifier: Apache-2.0
//
// The reachability engine (networking.k8s.io/v1 NetworkPolicy). A pod is
// isolated for ingress iff some policy of its namespace selects it with its
// spec.podSelector and has Ingress among its effective spec.policyTypes
// (Ingress always when policyTypes is absent, Egress iff spec.egress is
// present); likewise for egress. hostNetwork pods are never selected, and
// bare addresses (nodes, external hosts) are never isolated. A non-isolated
// side allows everything; an isolated side allows the union of the rules of
// every policy that selects it. A rule admits a flow when its peers (from/to)
// match the other side and its ports match: an empty peer list means every
// peer, external addresses included; an empty ports list means every port of
// every protocol. A peer with a podSelector only means pods of the policy's
// namespace, with a namespaceSelector only all pods of the matching
// namespaces, with both the matching pods of the matching namespaces; an
// ipBlock means cidr minus its excepts, matching addresses and pods whose
// known IP lies inside. Ports are protocol plus a number, number..endPort, a
// named port (resolved on the destination's container ports: the selected pod
// for ingress, the peer pod for egress; never on a bare address) or nothing
// (the whole protocol). A flow from A to B is allowed iff A's egress and B's
// ingress both allow it. A Pod may always reach itself, and a pod and the node
// it runs on (its hostIP, the node's addresses, hostNetwork pods on that node)
// may always reach each other.
//
// Everything that does not depend on the flow is computed once: which
// policies select which workload, each rule's peers as a workload bitmap plus
// an AddressSet, and each rule's numeric ports as a ConnectionSet. A flow
// then costs a walk over the few policies selecting its two ends.

#include <npcheck/analyzer/reachability.hpp>

#include <npcheck/model/inventory.hpp>
#include <npcheck/model/workload.hpp>

#include <algorithm>
#include <cassert>
#include <utility>
#include <variant>

namespace npcheck::analyzer {

const char* to_string(Direction direction) {
  return direction == Direction::ingress ? "ingress" : "egress";
}

FlowEndpoint FlowEndpoint::of_workload(std::size_t index) {
  FlowEndpoint endpoint;
  endpoint.kind = EndpointKind::workload;
  endpoint.workload = index;
  return endpoint;
}

FlowEndpoint FlowEndpoint::external_ip(const model::IpAddress& ip) {
  FlowEndpoint endpoint;
  endpoint.kind = EndpointKind::external;
  endpoint.ip = ip;
  return endpoint;
}

FlowEndpoint FlowEndpoint::node_ip(const model::IpAddress& ip, std::string node_name) {
  FlowEndpoint endpoint;
  endpoint.kind = EndpointKind::node;
  endpoint.ip = ip;
  endpoint.node_name = std::move(node_name);
  return endpoint;
}

Reachability::Reachability(const model::Inventory& inventory)
    : m_inventory(inventory), m_index(inventory) {
  const std::vector<model::Workload>& workloads = m_inventory.workloads;

  for (const model::Node& node : m_inventory.nodes) {
    for (const model::IpAddress& address : node.addresses) {
      m_node_by_ip.emplace(address, node.name);
    }
  }
  for (std::size_t i = 0; i < workloads.size(); ++i) {
    const model::Workload& workload = workloads[i];
    for (const model::IpAddress& ip : workload.pod_ips) {
      // A hostNetwork pod's IP is its node's; its traffic is node traffic.
      if (workload.host_network) {
        m_node_by_ip.emplace(ip, workload.node_name);
      } else {
        m_pod_by_ip.emplace(ip, i);
      }
    }
    if (workload.host_ip) {
      m_node_by_ip.emplace(*workload.host_ip, workload.node_name);
    }
  }

  m_ingress_policies.resize(workloads.size());
  m_egress_policies.resize(workloads.size());
  m_policies.reserve(m_inventory.policies.size());
  for (std::size_t p = 0; p < m_inventory.policies.size(); ++p) {
    const model::NetworkPolicy& policy = m_inventory.policies[p];
    for (std::size_t w : m_index.select_workloads(policy.namespace_name, policy.pod_selector)) {
      if (policy.affects_ingress) {
        m_ingress_policies[w].push_back(p);
      }
      if (policy.affects_egress) {
        m_egress_policies[w].push_back(p);
      }
    }
    CompiledPolicy compiled;
    // Rules of a direction the policy does not affect are inert.
    if (policy.affects_ingress) {
      for (const model::Rule& rule : policy.ingress) {
        compiled.ingress.push_back(compile_rule(policy, rule));
      }
    }
    if (policy.affects_egress) {
      for (const model::Rule& rule : policy.egress) {
        compiled.egress.push_back(compile_rule(policy, rule));
      }
    }
    m_policies.push_back(std::move(compiled));
  }
}

Reachability::CompiledRule Reachability::compile_rule(const model::NetworkPolicy& policy,
                                                      const model::Rule& rule) const {
  CompiledRule compiled;
  compiled.all_peers = rule.peers.empty();
  if (!compiled.all_peers) {
    compiled.peer_workloads.assign(m_inventory.workloads.size(), false);
  }
  for (const model::Peer& peer : rule.peers) {
    if (peer.ip_block) {
      compiled.peer_addresses.unite(AddressSet::from_ip_block(*peer.ip_block));
    }
    for (std::size_t w : m_index.select_peer(policy.namespace_name, peer)) {
      compiled.peer_workloads[w] = true;
    }
  }

  compiled.all_ports = rule.ports.empty();
  for (const model::PolicyPort& port : rule.ports) {
    if (!port.port) {
      compiled.numeric_ports.add(port.protocol, PortSet::all());
    } else if (const auto* number = std::get_if<std::uint16_t>(&*port.port)) {
      compiled.numeric_ports.add(port.protocol,
                                 PortSet::range(*number, port.end_port.value_or(*number)));
    } else {
      compiled.named_ports.emplace_back(std::get<std::string>(*port.port), port.protocol);
    }
  }
  return compiled;
}

bool Reachability::peer_matches(const CompiledRule& rule, const FlowEndpoint& peer) const {
  if (rule.all_peers) {
    return true;
  }
  if (peer.kind == EndpointKind::workload) {
    assert(peer.workload < rule.peer_workloads.size());
    return rule.peer_workloads[peer.workload];
  }
  return rule.peer_addresses.contains(peer.ip);
}

ConnectionSet Reachability::rule_ports(const CompiledRule& rule,
                                       const FlowEndpoint& destination) const {
  if (rule.all_ports) {
    return ConnectionSet::all();
  }
  ConnectionSet ports = rule.numeric_ports;
  if (destination.kind != EndpointKind::workload || rule.named_ports.empty()) {
    return ports;
  }
  const model::Workload& workload = m_inventory.workloads[destination.workload];
  for (const auto& [name, protocol] : rule.named_ports) {
    for (const model::ContainerPort& container_port : workload.ports) {
      if (container_port.name == name && container_port.protocol == protocol) {
        ports.add(protocol, PortSet::single(container_port.port));
      }
    }
  }
  return ports;
}

const std::vector<std::size_t>& Reachability::policies_selecting(std::size_t workload,
                                                                 Direction direction) const {
  assert(workload < m_inventory.workloads.size());
  return direction == Direction::ingress ? m_ingress_policies[workload]
                                         : m_egress_policies[workload];
}

DirectionResult Reachability::evaluate_side(const FlowEndpoint& self, const FlowEndpoint& peer,
                                            const FlowEndpoint& destination, Direction direction,
                                            Detail detail) const {
  DirectionResult result;
  if (self.kind != EndpointKind::workload) {
    result.allowed = ConnectionSet::all();
    return result;
  }
  const std::vector<std::size_t>& selecting = policies_selecting(self.workload, direction);
  result.isolated = !selecting.empty();
  if (!result.isolated) {
    result.allowed = ConnectionSet::all();
    return result;
  }
  if (detail == Detail::explain) {
    result.policies = selecting;
  }
  for (std::size_t p : selecting) {
    const CompiledPolicy& policy = m_policies[p];
    const std::vector<CompiledRule>& rules =
        direction == Direction::ingress ? policy.ingress : policy.egress;
    for (std::size_t r = 0; r < rules.size(); ++r) {
      if (!peer_matches(rules[r], peer)) {
        continue;
      }
      ConnectionSet ports = rule_ports(rules[r], destination);
      if (ports.empty()) {
        continue;
      }
      result.allowed.unite(ports);
      if (detail == Detail::explain) {
        result.rules.push_back({p, direction, r, std::move(ports)});
      } else if (result.allowed.is_all()) {
        return result;
      }
    }
  }
  return result;
}

bool Reachability::on_node_of(const model::Workload& pod, const FlowEndpoint& other) const {
  if (other.kind == EndpointKind::node) {
    if (pod.host_ip && *pod.host_ip == other.ip) {
      return true;
    }
    // A node endpoint made without a name still names its node by address.
    const std::string* node_name = &other.node_name;
    if (node_name->empty()) {
      const auto node = m_node_by_ip.find(other.ip);
      node_name = node != m_node_by_ip.end() ? &node->second : node_name;
    }
    return !pod.node_name.empty() && pod.node_name == *node_name;
  }
  if (other.kind != EndpointKind::workload) {
    return false;
  }
  const model::Workload& peer = m_inventory.workloads[other.workload];
  if (!peer.host_network) {
    return false;
  }
  return (!pod.node_name.empty() && pod.node_name == peer.node_name) ||
         (pod.host_ip && peer.host_ip && *pod.host_ip == *peer.host_ip);
}

AlwaysAllowed Reachability::always_allowed(const FlowEndpoint& src, const FlowEndpoint& dst) const {
  if (src.kind == EndpointKind::workload && dst.kind == EndpointKind::workload &&
      src.workload == dst.workload &&
      m_inventory.workloads[src.workload].kind == model::WorkloadKind::pod) {
    return AlwaysAllowed::self;
  }
  if (src.kind == EndpointKind::workload && on_node_of(m_inventory.workloads[src.workload], dst)) {
    return AlwaysAllowed::node_local;
  }
  if (dst.kind == EndpointKind::workload && on_node_of(m_inventory.workloads[dst.workload], src)) {
    return AlwaysAllowed::node_local;
  }
  return AlwaysAllowed::no;
}

FlowResult Reachability::evaluate(const FlowEndpoint& src, const FlowEndpoint& dst,
                                  Detail detail) const {
  assert(src.kind != EndpointKind::workload || src.workload < m_inventory.workloads.size());
  assert(dst.kind != EndpointKind::workload || dst.workload < m_inventory.workloads.size());
  FlowResult result;
  result.always = always_allowed(src, dst);
  if (result.always != AlwaysAllowed::no && detail == Detail::verdict) {
    result.allowed = ConnectionSet::all();
    return result;
  }
  result.egress = evaluate_side(src, dst, dst, Direction::egress, detail);
  if (detail == Detail::verdict && result.egress.allowed.empty()) {
    return result;
  }
  result.ingress = evaluate_side(dst, src, dst, Direction::ingress, detail);
  result.allowed = result.always != AlwaysAllowed::no
                       ? ConnectionSet::all()
                       : result.egress.allowed & result.ingress.allowed;
  return result;
}

FlowResult Reachability::evaluate(const FlowEndpoint& src, const FlowEndpoint& dst) const {
  return evaluate(src, dst, Detail::explain);
}

ConnectionSet Reachability::allowed(const FlowEndpoint& src, const FlowEndpoint& dst) const {
  return evaluate(src, dst, Detail::verdict).allowed;
}

FlowEndpoint Reachability::resolve(const model::IpAddress& ip) const {
  if (const auto pod = m_pod_by_ip.find(ip); pod != m_pod_by_ip.end()) {
    return FlowEndpoint::of_workload(pod->second);
  }
  if (const auto node = m_node_by_ip.find(ip); node != m_node_by_ip.end()) {
    return FlowEndpoint::node_ip(ip, node->second);
  }
  return FlowEndpoint::external_ip(ip);
}

} // namespace npcheck::analyzer
