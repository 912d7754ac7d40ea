// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/model/ip_address.hpp>

#include <boost/icl/interval_set.hpp>

#include <cstdint>
#include <vector>

namespace npcheck::model {
struct IpBlock;
} // namespace npcheck::model

namespace npcheck::analyzer {

// A closed range of addresses of one family, first <= last.
struct AddressRange {
  model::IpAddress first;
  model::IpAddress last;

  friend bool operator==(const AddressRange&, const AddressRange&) = default;
};

// An exact set of IPv4 and IPv6 addresses.
class AddressSet {
public:
  // A 128-bit address as one integer (GCC/Clang extension, exact and ordered).
  __extension__ using V6Value = unsigned __int128;

  AddressSet() = default;

  // Every IPv4 and every IPv6 address.
  static AddressSet all();
  // The addresses of an ipBlock: cidr minus every except.
  static AddressSet from_ip_block(const model::IpBlock& block);
  // The network the CIDR names (host bits ignored).
  static AddressSet of(const model::Cidr& cidr);
  static AddressSet single(const model::IpAddress& ip);

  // Adds or removes the network the CIDR names; host bits are ignored.
  AddressSet& add(const model::Cidr& cidr);
  AddressSet& subtract(const model::Cidr& cidr);
  AddressSet& add(const model::IpAddress& ip);

  AddressSet& unite(const AddressSet& other);
  AddressSet& intersect(const AddressSet& other);
  AddressSet& subtract(const AddressSet& other);
  friend AddressSet operator|(AddressSet a, const AddressSet& b) { return a.unite(b); }
  friend AddressSet operator&(AddressSet a, const AddressSet& b) { return a.intersect(b); }
  friend AddressSet operator-(AddressSet a, const AddressSet& b) { return a.subtract(b); }

  bool contains(const model::IpAddress& ip) const;
  bool empty() const;
  // The maximal ranges, IPv4 first, each family ascending.
  std::vector<AddressRange> ranges() const;

  friend bool operator==(const AddressSet& a, const AddressSet& b) {
    return a.m_v4 == b.m_v4 && a.m_v6 == b.m_v6;
  }

private:
  boost::icl::interval_set<std::uint32_t> m_v4;
  boost::icl::interval_set<V6Value> m_v6;
};

} // namespace npcheck::analyzer
