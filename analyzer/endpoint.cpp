// SPDX-License-Identifier: Apache-2.0
//
// Flow ends and the traffic that passes whatever the policies say. A Pod may
// always reach itself, and a pod and the node it runs on may always reach
// each other (the node's addresses: its Node status.addresses, the pod's
// status.hostIP; hostNetwork pods on that node share them). This is the one
// place that decides it: the scalar evaluator asks it per flow, the bulk
// evaluator per pair of endpoint classes.

#include <npcheck/analyzer/endpoint.hpp>

#include <npcheck/model/inventory.hpp>
#include <npcheck/model/workload.hpp>

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

AddressBook::AddressBook(const model::Inventory& inventory) : m_inventory(inventory) {
  for (const model::Node& node : m_inventory.nodes) {
    for (const model::IpAddress& address : node.addresses) {
      m_node_by_ip.emplace(address, node.name);
    }
  }
  const std::vector<model::Workload>& workloads = m_inventory.workloads;
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
}

FlowEndpoint AddressBook::resolve(const model::IpAddress& ip) const {
  if (const auto pod = m_pod_by_ip.find(ip); pod != m_pod_by_ip.end()) {
    FlowEndpoint endpoint = FlowEndpoint::of_workload(pod->second);
    endpoint.family = ip.family;
    return endpoint;
  }
  if (const auto node = m_node_by_ip.find(ip); node != m_node_by_ip.end()) {
    return FlowEndpoint::node_ip(ip, node->second);
  }
  return FlowEndpoint::external_ip(ip);
}

const std::string* AddressBook::node_at(const model::IpAddress& ip) const {
  const auto node = m_node_by_ip.find(ip);
  return node == m_node_by_ip.end() ? nullptr : &node->second;
}

Families AddressBook::families(const FlowEndpoint& endpoint) const {
  Families result;
  auto add = [&result](model::IpFamily family) {
    (family == model::IpFamily::v4 ? result.v4 : result.v6) = true;
  };
  if (endpoint.kind != EndpointKind::workload) {
    add(endpoint.ip.family);
    return result;
  }
  if (endpoint.family) {
    add(*endpoint.family);
    return result;
  }
  const model::Workload& workload = m_inventory.workloads[endpoint.workload];
  for (const model::IpAddress& ip : workload.pod_ips) {
    add(ip.family);
  }
  // A hostNetwork pod has its node's address: status.hostIP when podIPs is
  // not given (what address blocks match it by, Program::peer_matches).
  if (workload.pod_ips.empty() && workload.host_network && workload.host_ip) {
    add(workload.host_ip->family);
  }
  return result;
}

bool AddressBook::on_node_of(const model::Workload& pod, const FlowEndpoint& other) const {
  if (other.kind == EndpointKind::node) {
    if (pod.host_ip && *pod.host_ip == other.ip) {
      return true;
    }
    // A node endpoint made without a name still names its node by address.
    const std::string* node_name = &other.node_name;
    if (node_name->empty()) {
      const std::string* found = node_at(other.ip);
      node_name = found != nullptr ? found : node_name;
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

bool AddressBook::node_local(std::size_t a, std::size_t b) const {
  const std::vector<model::Workload>& workloads = m_inventory.workloads;
  return on_node_of(workloads[a], FlowEndpoint::of_workload(b)) ||
         on_node_of(workloads[b], FlowEndpoint::of_workload(a));
}

AlwaysAllowed AddressBook::always_allowed(const FlowEndpoint& src, const FlowEndpoint& dst) const {
  const std::vector<model::Workload>& workloads = m_inventory.workloads;
  if (src.kind == EndpointKind::workload && dst.kind == EndpointKind::workload &&
      src.workload == dst.workload && workloads[src.workload].kind == model::WorkloadKind::pod) {
    return AlwaysAllowed::self;
  }
  if (src.kind == EndpointKind::workload && on_node_of(workloads[src.workload], dst)) {
    return AlwaysAllowed::node_local;
  }
  if (dst.kind == EndpointKind::workload && on_node_of(workloads[dst.workload], src)) {
    return AlwaysAllowed::node_local;
  }
  return AlwaysAllowed::no;
}

} // namespace npcheck::analyzer
