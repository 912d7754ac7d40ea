// SPDX-License-Identifier: Apache-2.0
#pragma once

// The ends of a flow, and the address book that turns an IP address into one.

#include <npcheck/model/ip_address.hpp>

#include <array>
#include <cstddef>
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
inline constexpr std::array<Direction, 2> k_directions = {Direction::ingress, Direction::egress};

// "ingress" or "egress".
const char* to_string(Direction direction);
inline std::size_t index_of(Direction direction) {
  return direction == Direction::ingress ? 0 : 1;
}

enum class EndpointKind {
  workload, // a Pod, or the pods of a workload's template
  node,     // a node address (Node status.addresses or a pod's status.hostIP)
  external, // any other address
};

// One end of a flow: a workload of the Inventory or a bare IP address. A
// workload reached through one of its addresses keeps that address's family:
// the flow then carries only addresses of that family.
struct FlowEndpoint {
  EndpointKind kind = EndpointKind::external;
  std::size_t workload = 0; // index into Inventory::workloads; only for kind workload
  model::IpAddress ip;      // only for kinds node and external
  std::string node_name;    // the node's name when known; only for kind node
  std::optional<model::IpFamily> family; // workloads named by an address: its family

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

// Which IP families an endpoint can send or receive on.
struct Families {
  bool v4 = false;
  bool v6 = false;
  bool known() const { return v4 || v6; }
  bool has(model::IpFamily family) const { return family == model::IpFamily::v4 ? v4 : v6; }
  // Bit 0: IPv4, bit 1: IPv6 (0: unknown).
  unsigned code() const { return (v4 ? 1u : 0u) | (v6 ? 2u : 0u); }
};

// The known addresses of the inputs: pod IPs (status.podIPs), nodes
// (Node status.addresses, pods' status.hostIP) and what they stand for.
class AddressBook {
public:
  explicit AddressBook(const model::Inventory& inventory);

  // The endpoint an address stands for: the (non-hostNetwork) workload with
  // that pod IP (with the address's family), else a node when a Node lists it
  // or it is some pod's hostIP or a hostNetwork pod's IP, else an external
  // address.
  FlowEndpoint resolve(const model::IpAddress& ip) const;
  // The node name of a node address, or nullptr.
  const std::string* node_at(const model::IpAddress& ip) const;

  // The families a flow end can use: the address's for addresses and for
  // workloads named by an address, else those of the workload's known IPs
  // (its pod IPs; a hostNetwork pod's hostIP when it has none; none known:
  // any family).
  Families families(const FlowEndpoint& endpoint) const;

  // Whether a flow between src and dst passes whatever the policies say: a
  // Pod to itself, or a pod and the node it runs on (its hostIP, the node's
  // addresses, hostNetwork pods on that node).
  AlwaysAllowed always_allowed(const FlowEndpoint& src, const FlowEndpoint& dst) const;
  // Whether two workloads' traffic is node-local: one is a hostNetwork pod
  // on the other's node (always allowed in both directions).
  bool node_local(std::size_t a, std::size_t b) const;

private:
  bool on_node_of(const model::Workload& pod, const FlowEndpoint& other) const;

  const model::Inventory& m_inventory;
  std::map<model::IpAddress, std::size_t> m_pod_by_ip;
  std::map<model::IpAddress, std::string> m_node_by_ip;
};

} // namespace npcheck::analyzer
