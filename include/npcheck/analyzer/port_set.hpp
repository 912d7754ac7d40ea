// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/model/network_policy.hpp>

#include <boost/icl/interval_set.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace npcheck::analyzer {

// A closed range of ports, first <= last.
struct PortRange {
  std::uint16_t first = 0;
  std::uint16_t last = 0;

  friend bool operator==(const PortRange&, const PortRange&) = default;
};

// A set of ports 1..65535 of one protocol.
class PortSet {
public:
  PortSet() = default;

  // Every port 1..65535.
  static PortSet all();
  // No port.
  static PortSet none() { return PortSet(); }
  static PortSet single(std::uint16_t port);
  // Ports lo..hi; empty when lo > hi. Port 0 is never a member.
  static PortSet range(std::uint16_t lo, std::uint16_t hi);

  PortSet& unite(const PortSet& other);
  PortSet& intersect(const PortSet& other);
  PortSet& subtract(const PortSet& other);
  friend PortSet operator|(PortSet a, const PortSet& b) { return a.unite(b); }
  friend PortSet operator&(PortSet a, const PortSet& b) { return a.intersect(b); }
  friend PortSet operator-(PortSet a, const PortSet& b) { return a.subtract(b); }

  bool contains(std::uint16_t port) const;
  bool empty() const;
  bool is_all() const;
  // The maximal ranges of the set, ascending.
  std::vector<PortRange> ranges() const;
  // "80,443,8000-8080"; "1-65535" for all; "" when empty.
  std::string to_string() const;

  friend bool operator==(const PortSet& a, const PortSet& b) { return a.m_ports == b.m_ports; }

private:
  boost::icl::interval_set<std::uint32_t> m_ports;
};

// The words every command and format uses for the whole set (every port of
// every protocol: the API's words for a rule without ports) and for the
// empty set.
inline constexpr const char* k_all_ports_text = "all ports";
inline constexpr const char* k_nothing_text = "nothing";

// A set of (protocol, port) pairs: one PortSet per protocol.
class ConnectionSet {
public:
  ConnectionSet() = default;

  // Every port of every protocol.
  static ConnectionSet all();
  static ConnectionSet none() { return ConnectionSet(); }
  // The given ports of one protocol.
  static ConnectionSet of(model::Protocol protocol, PortSet ports);

  ConnectionSet& unite(const ConnectionSet& other);
  ConnectionSet& intersect(const ConnectionSet& other);
  ConnectionSet& subtract(const ConnectionSet& other);
  // Adds ports of one protocol.
  ConnectionSet& add(model::Protocol protocol, const PortSet& ports);
  friend ConnectionSet operator|(ConnectionSet a, const ConnectionSet& b) { return a.unite(b); }
  friend ConnectionSet operator&(ConnectionSet a, const ConnectionSet& b) { return a.intersect(b); }
  friend ConnectionSet operator-(ConnectionSet a, const ConnectionSet& b) { return a.subtract(b); }

  bool allows(model::Protocol protocol, std::uint16_t port) const;
  // The ports allowed for one protocol.
  const PortSet& ports(model::Protocol protocol) const;
  bool empty() const;
  bool is_all() const;
  // k_all_ports_text ("all ports"), k_nothing_text ("nothing"), or e.g.
  // "TCP 80,443,8000-8080; UDP 53" (TCP, UDP, SCTP order).
  std::string to_string() const;

  friend bool operator==(const ConnectionSet&, const ConnectionSet&) = default;

private:
  std::array<PortSet, 3> m_by_protocol;
};

} // namespace npcheck::analyzer
