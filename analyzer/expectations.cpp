// SPDX-License-Identifier: Apache-2.0
//
// Checking expectations. Each side of an expectation is resolved to concrete
// endpoints, then every (source, destination) pair is asked of the
// reachability engine:
//  - allow holds iff every listed (protocol, port) is in what the pair
//    allows, for every pair;
//  - deny holds iff no listed (protocol, port) is allowed, for any pair.
// Pod sides match workloads by namespace (its name, or a label selector over
// the namespace's labels, which always include kubernetes.io/metadata.name),
// name, kind and pod labels; unlike a NetworkPolicy peer, hostNetwork pods
// are included, since they send and receive traffic too.
// A cidr side must be exact for every address in it, without trying them
// one by one. An address outside the cluster is treated by a policy only
// through the ipBlocks that contain it, so the block is cut at every edge of
// every ipBlock into pieces, and pieces contained in the same ipBlocks are
// one endpoint (answered once, through its first address). Addresses that
// are a pod's or a node's are taken out of the pieces and stand for that pod
// (a flow to a pod IP is a flow to the pod) or that node.
#include <npcheck/analyzer/expectations.hpp>

#include <npcheck/analyzer/selector_match.hpp>
#include <npcheck/model/expectations.hpp>
#include <npcheck/model/inventory.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace npcheck::analyzer {

namespace {

bool workload_matches(const model::EndpointSpec& spec, const model::Workload& workload,
                      const EndpointIndex& index) {
  if (spec.all) {
    return true;
  }
  if (spec.namespace_name && workload.namespace_name != *spec.namespace_name) {
    return false;
  }
  if (spec.namespace_selector &&
      !matches(*spec.namespace_selector, index.namespace_labels(workload.namespace_name))) {
    return false;
  }
  if (spec.name && workload.name != *spec.name) {
    return false;
  }
  if (spec.kind && workload.kind != *spec.kind) {
    return false;
  }
  return !spec.pod_selector || matches(*spec.pod_selector, workload.labels);
}

// Pairs of an endpoint with itself are only meaningful between two pods of
// one workload; a Pod to itself, or an address to itself, says nothing.
bool same_single_endpoint(const CheckEndpoint& a, const CheckEndpoint& b,
                          const model::Inventory& inventory) {
  if (a.endpoint.kind != b.endpoint.kind) {
    return false;
  }
  if (a.endpoint.kind == EndpointKind::workload) {
    return a.endpoint.workload == b.endpoint.workload &&
           inventory.workloads[a.endpoint.workload].kind == model::WorkloadKind::pod;
  }
  return a.endpoint.ip == b.endpoint.ip;
}

} // namespace

ConnectionSet to_connection_set(const std::vector<model::PortSpec>& ports) {
  if (ports.empty()) {
    return ConnectionSet::all();
  }
  ConnectionSet set;
  for (const model::PortSpec& port : ports) {
    PortSet range = PortSet::range(port.first, port.last);
    if (port.protocol) {
      set.add(*port.protocol, range);
    } else {
      for (model::Protocol protocol : model::k_all_protocols) {
        set.add(protocol, range);
      }
    }
  }
  return set;
}

ExpectationChecker::ExpectationChecker(const Reachability& engine) : m_engine(engine) {
  for (const model::NetworkPolicy& policy : engine.inventory().policies) {
    for (const std::vector<model::Rule>* rules : {&policy.ingress, &policy.egress}) {
      for (const model::Rule& rule : *rules) {
        for (const model::Peer& peer : rule.peers) {
          if (!peer.ip_block) {
            continue;
          }
          AddressSet block = AddressSet::from_ip_block(*peer.ip_block);
          if (std::find(m_blocks.begin(), m_blocks.end(), block) == m_blocks.end()) {
            m_blocks.push_back(std::move(block));
          }
        }
      }
    }
  }
}

std::vector<CheckEndpoint> ExpectationChecker::resolve(const model::EndpointSpec& spec) const {
  if (spec.cidr) {
    return resolve_cidr(spec);
  }
  std::vector<CheckEndpoint> endpoints;
  const model::Inventory& inventory = m_engine.inventory();
  for (std::size_t w = 0; w < inventory.workloads.size(); ++w) {
    if (workload_matches(spec, inventory.workloads[w], m_engine.index())) {
      endpoints.push_back(CheckEndpoint{FlowEndpoint::of_workload(w), {}});
    }
  }
  return endpoints;
}

std::vector<CheckEndpoint> ExpectationChecker::resolve_cidr(const model::EndpointSpec& spec) const {
  const model::Inventory& inventory = m_engine.inventory();
  const AddressSet wanted = AddressSet::from_ip_block(*spec.cidr);

  // Pods and nodes with an address inside.
  std::set<model::IpAddress> special;
  for (const model::Workload& workload : inventory.workloads) {
    special.insert(workload.pod_ips.begin(), workload.pod_ips.end());
    if (workload.host_ip) {
      special.insert(*workload.host_ip);
    }
  }
  for (const model::Node& node : inventory.nodes) {
    special.insert(node.addresses.begin(), node.addresses.end());
  }
  std::vector<std::size_t> workloads;
  std::map<model::IpAddress, std::string> nodes;
  AddressSet taken;
  for (const model::IpAddress& ip : special) {
    if (!wanted.contains(ip)) {
      continue;
    }
    FlowEndpoint endpoint = m_engine.resolve(ip);
    if (endpoint.kind == EndpointKind::workload) {
      workloads.push_back(endpoint.workload);
    } else if (endpoint.kind == EndpointKind::node) {
      nodes.emplace(ip, endpoint.node_name);
    } else {
      continue;
    }
    taken.add(ip);
  }
  std::sort(workloads.begin(), workloads.end());
  workloads.erase(std::unique(workloads.begin(), workloads.end()), workloads.end());

  // Split the rest into the pieces that every ipBlock treats alike.
  std::vector<AddressSet> pieces{wanted - taken};
  for (const AddressSet& block : m_blocks) {
    std::vector<AddressSet> next;
    for (AddressSet& piece : pieces) {
      AddressSet inside = piece & block;
      AddressSet outside = piece - block;
      if (!inside.empty()) {
        next.push_back(std::move(inside));
      }
      if (!outside.empty()) {
        next.push_back(std::move(outside));
      }
    }
    pieces = std::move(next);
  }

  std::vector<CheckEndpoint> endpoints;
  for (std::size_t w : workloads) {
    endpoints.push_back(CheckEndpoint{FlowEndpoint::of_workload(w), {}});
  }
  for (const auto& [ip, name] : nodes) {
    endpoints.push_back(CheckEndpoint{FlowEndpoint::node_ip(ip, name), {}});
  }
  std::vector<CheckEndpoint> outside;
  for (const AddressSet& piece : pieces) {
    std::vector<AddressRange> ranges = piece.ranges();
    if (ranges.empty()) {
      continue;
    }
    outside.push_back(CheckEndpoint{FlowEndpoint::external_ip(ranges.front().first), std::move(ranges)});
  }
  std::sort(outside.begin(), outside.end(), [](const CheckEndpoint& a, const CheckEndpoint& b) {
    return a.endpoint.ip < b.endpoint.ip;
  });
  endpoints.insert(endpoints.end(), outside.begin(), outside.end());
  return endpoints;
}

ExpectationResult ExpectationChecker::check(const model::Expectation& expectation,
                                            const CheckOptions& options) const {
  ExpectationResult result;
  result.ports = to_connection_set(expectation.ports);
  result.sources = resolve(expectation.from);
  result.destinations = resolve(expectation.to);
  if (result.sources.empty()) {
    result.status = ExpectationStatus::from_empty;
    return result;
  }
  if (result.destinations.empty()) {
    result.status = ExpectationStatus::to_empty;
    return result;
  }
  const model::Inventory& inventory = m_engine.inventory();
  const bool allow = expectation.expect == model::Verdict::allow;
  for (std::size_t s = 0; s < result.sources.size(); ++s) {
    for (std::size_t d = 0; d < result.destinations.size(); ++d) {
      const CheckEndpoint& src = result.sources[s];
      const CheckEndpoint& dst = result.destinations[d];
      if (same_single_endpoint(src, dst, inventory)) {
        continue;
      }
      ++result.pairs;
      ConnectionSet allowed = m_engine.allowed(src.endpoint, dst.endpoint);
      ConnectionSet offending = allow ? result.ports - allowed : result.ports & allowed;
      if (offending.empty()) {
        continue;
      }
      ++result.failed_pairs;
      if (result.violations.size() < options.max_violations) {
        result.violations.push_back(
            Violation{s, d, std::move(offending), m_engine.evaluate(src.endpoint, dst.endpoint)});
      }
    }
  }
  if (result.pairs == 0) {
    result.status = ExpectationStatus::no_pairs;
  } else if (result.failed_pairs > 0) {
    result.status = ExpectationStatus::failed;
  }
  return result;
}

} // namespace npcheck::analyzer
