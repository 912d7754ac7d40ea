// SPDX-License-Identifier: Apache-2.0
//
// Address sets. An ipBlock peer (networking.k8s.io/v1 IPBlock) admits the
// addresses in spec.*.ipBlock.cidr minus every range in ipBlock.except. The
// API server accepts a cidr with host bits set ("10.244.1.10/4", as the
// upstream e2e tests write it) and the block is then the network the prefix
// names (0.0.0.0/4), so we always clear the host bits. AddressSet keeps IPv4
// addresses as a Boost.ICL interval_set over 32-bit integers and IPv6 as one
// over 128-bit integers, which keeps cidr-minus-except exact, including
// excepts that touch either end of the block and the /0 and /32 (/128) edges.
// The two families never mix: an IPv4 address is never in an IPv6 block.

#include <npcheck/analyzer/address_set.hpp>

#include <npcheck/model/network_policy.hpp>

#include <cassert>

namespace npcheck::analyzer {

namespace icl = boost::icl;

namespace {

using V4Interval = icl::discrete_interval<std::uint32_t>;
using V6Interval = icl::discrete_interval<AddressSet::V6Value>;

AddressSet::V6Value v6_value(const model::IpAddress& ip) {
  const auto [high, low] = ip.v6();
  return (static_cast<AddressSet::V6Value>(high) << 64) | low;
}

model::IpAddress v6_address(AddressSet::V6Value value) {
  return model::IpAddress::from_v6(static_cast<std::uint64_t>(value >> 64),
                                   static_cast<std::uint64_t>(value));
}

V4Interval v4_interval(const model::Cidr& cidr) {
  assert(cidr.prefix >= 0 && cidr.prefix <= 32);
  const std::uint32_t host_mask =
      cidr.prefix == 0 ? ~std::uint32_t{0} : (std::uint32_t{1} << (32 - cidr.prefix)) - 1U;
  const std::uint32_t first = cidr.address.v4() & ~host_mask;
  return V4Interval::closed(first, first | host_mask);
}

V6Interval v6_interval(const model::Cidr& cidr) {
  assert(cidr.prefix >= 0 && cidr.prefix <= 128);
  const AddressSet::V6Value one = 1;
  const AddressSet::V6Value host_mask =
      cidr.prefix == 0 ? ~AddressSet::V6Value{0} : (one << (128 - cidr.prefix)) - one;
  const AddressSet::V6Value first = v6_value(cidr.address) & ~host_mask;
  return V6Interval::closed(first, first | host_mask);
}

} // namespace

AddressSet AddressSet::all() {
  AddressSet set;
  set.m_v4.add(V4Interval::closed(0, ~std::uint32_t{0}));
  set.m_v6.add(V6Interval::closed(0, ~V6Value{0}));
  return set;
}

AddressSet AddressSet::from_ip_block(const model::IpBlock& block) {
  AddressSet set = of(block.cidr);
  for (const model::Cidr& except : block.except) {
    set.subtract(except);
  }
  return set;
}

AddressSet AddressSet::of(const model::Cidr& cidr) {
  AddressSet set;
  set.add(cidr);
  return set;
}

AddressSet AddressSet::single(const model::IpAddress& ip) {
  AddressSet set;
  set.add(ip);
  return set;
}

AddressSet& AddressSet::add(const model::Cidr& cidr) {
  if (cidr.address.family == model::IpFamily::v4) {
    m_v4.add(v4_interval(cidr));
  } else {
    m_v6.add(v6_interval(cidr));
  }
  return *this;
}

AddressSet& AddressSet::subtract(const model::Cidr& cidr) {
  if (cidr.address.family == model::IpFamily::v4) {
    m_v4.subtract(v4_interval(cidr));
  } else {
    m_v6.subtract(v6_interval(cidr));
  }
  return *this;
}

AddressSet& AddressSet::add(const model::IpAddress& ip) {
  if (ip.family == model::IpFamily::v4) {
    m_v4.add(ip.v4());
  } else {
    m_v6.add(v6_value(ip));
  }
  return *this;
}

AddressSet& AddressSet::unite(const AddressSet& other) {
  m_v4 += other.m_v4;
  m_v6 += other.m_v6;
  return *this;
}

AddressSet& AddressSet::intersect(const AddressSet& other) {
  m_v4 &= other.m_v4;
  m_v6 &= other.m_v6;
  return *this;
}

AddressSet& AddressSet::subtract(const AddressSet& other) {
  m_v4 -= other.m_v4;
  m_v6 -= other.m_v6;
  return *this;
}

bool AddressSet::contains(const model::IpAddress& ip) const {
  if (ip.family == model::IpFamily::v4) {
    return icl::contains(m_v4, ip.v4());
  }
  return icl::contains(m_v6, v6_value(ip));
}

bool AddressSet::empty() const {
  return m_v4.empty() && m_v6.empty();
}

std::vector<AddressRange> AddressSet::ranges() const {
  std::vector<AddressRange> result;
  result.reserve(m_v4.iterative_size() + m_v6.iterative_size());
  for (const auto& interval : m_v4) {
    result.push_back({model::IpAddress::from_v4(icl::first(interval)),
                      model::IpAddress::from_v4(icl::last(interval))});
  }
  for (const auto& interval : m_v6) {
    result.push_back({v6_address(icl::first(interval)), v6_address(icl::last(interval))});
  }
  return result;
}

} // namespace npcheck::analyzer
