// SPDX-License-Identifier: Apache-2.0
//
// Port sets. A NetworkPolicyPort names a protocol (TCP, UDP or SCTP; TCP when
// absent) and either no port (every port of that protocol), one port, or the
// range port..endPort. A rule's ports list is a union of such entries, and
// policies combine by union, while a flow needs both the source's egress and
// the destination's ingress, an intersection. PortSet keeps the ports of one
// protocol as a Boost.ICL interval_set of closed intervals within 1..65535,
// and ConnectionSet holds one PortSet per protocol, so that every operation is
// exact and proportional to the number of ranges, never to the number of
// ports. The domain is 32-bit so that the ICL's successor arithmetic at 65535
// never wraps.

#include <npcheck/analyzer/port_set.hpp>

#include <cassert>
#include <cstddef>

namespace npcheck::analyzer {

namespace icl = boost::icl;

namespace {

constexpr std::uint32_t k_min_port = 1;
constexpr std::uint32_t k_max_port = 65535;

std::size_t index_of(model::Protocol protocol) {
  return static_cast<std::size_t>(protocol);
}

} // namespace

PortSet PortSet::all() {
  return range(static_cast<std::uint16_t>(k_min_port), static_cast<std::uint16_t>(k_max_port));
}

PortSet PortSet::single(std::uint16_t port) {
  return range(port, port);
}

PortSet PortSet::range(std::uint16_t lo, std::uint16_t hi) {
  PortSet set;
  const std::uint32_t first = lo < k_min_port ? k_min_port : lo;
  if (first <= hi) {
    set.m_ports.add(icl::discrete_interval<std::uint32_t>::closed(first, hi));
  }
  return set;
}

PortSet& PortSet::unite(const PortSet& other) {
  m_ports += other.m_ports;
  return *this;
}

PortSet& PortSet::intersect(const PortSet& other) {
  m_ports &= other.m_ports;
  return *this;
}

PortSet& PortSet::subtract(const PortSet& other) {
  m_ports -= other.m_ports;
  return *this;
}

bool PortSet::contains(std::uint16_t port) const {
  return icl::contains(m_ports, static_cast<std::uint32_t>(port));
}

bool PortSet::empty() const {
  return m_ports.empty();
}

bool PortSet::is_all() const {
  if (m_ports.iterative_size() != 1) {
    return false;
  }
  const auto& interval = *m_ports.begin();
  return icl::first(interval) == k_min_port && icl::last(interval) == k_max_port;
}

std::vector<PortRange> PortSet::ranges() const {
  std::vector<PortRange> result;
  result.reserve(m_ports.iterative_size());
  for (const auto& interval : m_ports) {
    assert(icl::last(interval) <= k_max_port);
    result.push_back({static_cast<std::uint16_t>(icl::first(interval)),
                      static_cast<std::uint16_t>(icl::last(interval))});
  }
  return result;
}

std::string PortSet::to_string() const {
  std::string text;
  for (const PortRange& range : ranges()) {
    if (!text.empty()) {
      text += ',';
    }
    text += std::to_string(range.first);
    if (range.last != range.first) {
      text += '-';
      text += std::to_string(range.last);
    }
  }
  return text;
}

ConnectionSet ConnectionSet::all() {
  ConnectionSet set;
  for (PortSet& ports : set.m_by_protocol) {
    ports = PortSet::all();
  }
  return set;
}

ConnectionSet ConnectionSet::of(model::Protocol protocol, PortSet ports) {
  ConnectionSet set;
  set.m_by_protocol[index_of(protocol)] = std::move(ports);
  return set;
}

ConnectionSet& ConnectionSet::unite(const ConnectionSet& other) {
  for (std::size_t i = 0; i < m_by_protocol.size(); ++i) {
    m_by_protocol[i].unite(other.m_by_protocol[i]);
  }
  return *this;
}

ConnectionSet& ConnectionSet::intersect(const ConnectionSet& other) {
  for (std::size_t i = 0; i < m_by_protocol.size(); ++i) {
    m_by_protocol[i].intersect(other.m_by_protocol[i]);
  }
  return *this;
}

ConnectionSet& ConnectionSet::subtract(const ConnectionSet& other) {
  for (std::size_t i = 0; i < m_by_protocol.size(); ++i) {
    m_by_protocol[i].subtract(other.m_by_protocol[i]);
  }
  return *this;
}

ConnectionSet& ConnectionSet::add(model::Protocol protocol, const PortSet& ports) {
  m_by_protocol[index_of(protocol)].unite(ports);
  return *this;
}

bool ConnectionSet::allows(model::Protocol protocol, std::uint16_t port) const {
  return m_by_protocol[index_of(protocol)].contains(port);
}

const PortSet& ConnectionSet::ports(model::Protocol protocol) const {
  return m_by_protocol[index_of(protocol)];
}

bool ConnectionSet::empty() const {
  for (const PortSet& ports : m_by_protocol) {
    if (!ports.empty()) {
      return false;
    }
  }
  return true;
}

bool ConnectionSet::is_all() const {
  for (const PortSet& ports : m_by_protocol) {
    if (!ports.is_all()) {
      return false;
    }
  }
  return true;
}

std::string ConnectionSet::to_string() const {
  if (is_all()) {
    return k_all_ports_text;
  }
  if (empty()) {
    return k_nothing_text;
  }
  std::string text;
  for (model::Protocol protocol : model::k_all_protocols) {
    const PortSet& ports = m_by_protocol[index_of(protocol)];
    if (ports.empty()) {
      continue;
    }
    if (!text.empty()) {
      text += "; ";
    }
    text += model::to_string(protocol);
    text += ' ';
    text += ports.to_string();
  }
  return text;
}

} // namespace npcheck::analyzer
