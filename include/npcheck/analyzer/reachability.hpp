// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/analyzer/address_set.hpp>
#include <npcheck/analyzer/port_set.hpp>
#include <npcheck/analyzer/selector_match.hpp>
#include <npcheck/model/ip_address.hpp>
#include <npcheck/model/network_policy.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace npcheck::model {
struct Inventory;
struct Workload;
} // namespace npcheck::model

namespace npcheck::analyzer {

enum class Direction { ingress, egress };

const char* to_string(Direction direction);

enum class EndpointKind {
  workload, // a Pod, or the pods of a workload's template
  node,     // a node address (Node status.addresses or a pod's status.hostIP)
  external, // any other address
};

// One end of a flow: a workload of the Inventory or a bare IP address.
struct FlowEndpoint {
  EndpointKind kind = EndpointKind::external;
  std::size_t workload = 0; // index into Inventory::workloads; only for kind workload
  model::IpAddress ip;      // only for kinds node and external
  std::string node_name;    // the node's name when known; only for kind node

  static FlowEndpoint of_workload(std::size_t index);
  static FlowEndpoint external_ip(const model::IpAddress& ip);
  static FlowEndpoint node_ip(const model::IpAddress& ip, std::string node_name = {});

  friend bool operator==(const FlowEndpoint&, const FlowEndpoint&) = default;
};

// Why a flow is allowed whatever the policies say.
enum class AlwaysAllowed {
  no,
  self,       // a Pod to itself
  node_local, // a pod and the node it runs on (node IPs, hostNetwork pods there)
};

// A rule that admits the flow, and what it admits.
struct RuleMatch {
  std::size_t policy = 0; // index into Inventory::policies
  Direction direction = Direction::ingress;
  std::size_t rule = 0; // index into NetworkPolicy::ingress or ::egress
  ConnectionSet allowed;
};

// One side of a flow: the source's egress or the destination's ingress.
struct DirectionResult {
  // Whether some policy selects the endpoint for this direction.
  bool isolated = false;
  // Indices into Inventory::policies of the policies that select it, ascending.
  std::vector<std::size_t> policies;
  // The rules of those policies that admit the flow, in policy then rule order.
  std::vector<RuleMatch> rules;
  // What this side allows: all when not isolated, else the union of rules.
  ConnectionSet allowed;
};

struct FlowResult {
  // egress.allowed & ingress.allowed, or all when always allowed.
  ConnectionSet allowed;
  DirectionResult egress;  // of the source
  DirectionResult ingress; // of the destination
  AlwaysAllowed always = AlwaysAllowed::no;

  bool allows(model::Protocol protocol, std::uint16_t port) const {
    return allowed.allows(protocol, port);
  }
};

// The reachability engine: compiles every policy of an Inventory once and
// answers flows. The Inventory must outlive the engine and stay unchanged.
class Reachability {
public:
  explicit Reachability(const model::Inventory& inventory);

  // The endpoint an address stands for: the (non-hostNetwork) workload with
  // that pod IP, else a node when a Node lists it or it is some pod's hostIP,
  // else an external address.
  FlowEndpoint resolve(const model::IpAddress& ip) const;

  // Everything src may open to dst, with the explanation.
  FlowResult evaluate(const FlowEndpoint& src, const FlowEndpoint& dst) const;
  // Just the allowed connections of evaluate().
  ConnectionSet allowed(const FlowEndpoint& src, const FlowEndpoint& dst) const;

  // Indices of the policies selecting workload for direction, ascending.
  const std::vector<std::size_t>& policies_selecting(std::size_t workload,
                                                     Direction direction) const;
  bool isolated(std::size_t workload, Direction direction) const {
    return !policies_selecting(workload, direction).empty();
  }

  const model::Inventory& inventory() const { return m_inventory; }
  const EndpointIndex& index() const { return m_index; }

private:
  // A rule compiled once: its peers as workload membership plus addresses,
  // its ports as a numeric part plus named ports left for the destination.
  struct CompiledRule {
    bool all_peers = false;
    std::vector<bool> peer_workloads; // by workload index
    AddressSet peer_addresses;        // union of the ipBlocks
    bool all_ports = false;
    ConnectionSet numeric_ports;
    std::vector<std::pair<std::string, model::Protocol>> named_ports;
  };
  struct CompiledPolicy {
    std::vector<CompiledRule> ingress;
    std::vector<CompiledRule> egress;
  };

  enum class Detail { verdict, explain };

  CompiledRule compile_rule(const model::NetworkPolicy& policy, const model::Rule& rule) const;
  bool peer_matches(const CompiledRule& rule, const FlowEndpoint& peer) const;
  ConnectionSet rule_ports(const CompiledRule& rule, const FlowEndpoint& destination) const;
  DirectionResult evaluate_side(const FlowEndpoint& self, const FlowEndpoint& peer,
                                const FlowEndpoint& destination, Direction direction,
                                Detail detail) const;
  FlowResult evaluate(const FlowEndpoint& src, const FlowEndpoint& dst, Detail detail) const;
  AlwaysAllowed always_allowed(const FlowEndpoint& src, const FlowEndpoint& dst) const;
  bool on_node_of(const model::Workload& pod, const FlowEndpoint& other) const;

  const model::Inventory& m_inventory;
  EndpointIndex m_index;
  std::vector<CompiledPolicy> m_policies;
  // Per workload, the policies selecting it for ingress / egress.
  std::vector<std::vector<std::size_t>> m_ingress_policies;
  std::vector<std::vector<std::size_t>> m_egress_policies;
  std::map<model::IpAddress, std::size_t> m_pod_by_ip;
  std::map<model::IpAddress, std::string> m_node_by_ip;
};

} // namespace npcheck::analyzer
