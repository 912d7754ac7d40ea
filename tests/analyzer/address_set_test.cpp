// SPDX-License-Identifier: Apache-2.0
#include <npcheck/analyzer/address_set.hpp>

#include <npcheck/model/network_policy.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using npcheck::analyzer::AddressSet;
using npcheck::model::Cidr;
using npcheck::model::IpAddress;
using npcheck::model::IpBlock;

namespace {

IpAddress ip(const char* text) {
  const auto parsed = IpAddress::parse(text);
  REQUIRE(parsed);
  return *parsed;
}

Cidr cidr(const char* text) {
  const auto parsed = Cidr::parse(text);
  REQUIRE(parsed);
  return *parsed;
}

IpBlock block(const char* base, std::vector<const char*> excepts = {}) {
  IpBlock result;
  result.cidr = cidr(base);
  for (const char* text : excepts) {
    result.except.push_back(cidr(text));
  }
  return result;
}

// "first-last first-last ..." for compact comparisons.
std::string text(const AddressSet& set) {
  std::string result;
  for (const auto& range : set.ranges()) {
    if (!result.empty()) {
      result += ' ';
    }
    result += range.first.to_string() + '-' + range.last.to_string();
  }
  return result;
}

} // namespace

TEST_SUITE_BEGIN("analyzer");

TEST_CASE("AddressSet::add") {
  SUBCASE("network of a cidr") {
    CHECK(text(AddressSet::of(cidr("10.0.0.0/8"))) == "10.0.0.0-10.255.255.255");
  }
  SUBCASE("host bits are ignored") {
    const AddressSet set = AddressSet::of(cidr("10.244.1.10/4"));
    CHECK(text(set) == "0.0.0.0-15.255.255.255");
    CHECK(set.contains(ip("0.0.0.1")));
    CHECK_FALSE(set.contains(ip("16.0.0.0")));
  }
  SUBCASE("/32 and /0") {
    CHECK(text(AddressSet::of(cidr("1.2.3.4/32"))) == "1.2.3.4-1.2.3.4");
    CHECK(text(AddressSet::of(cidr("1.2.3.4/0"))) == "0.0.0.0-255.255.255.255");
  }
  SUBCASE("v6") {
    const AddressSet set = AddressSet::of(cidr("2001:db8::1/32"));
    CHECK(text(set) == "2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
    CHECK(set.contains(ip("2001:db8::ffff")));
    CHECK_FALSE(set.contains(ip("2001:db9::")));
    CHECK(text(AddressSet::of(cidr("::/0"))) == "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    CHECK(text(AddressSet::of(cidr("fe80::1/128"))) == "fe80::1-fe80::1");
  }
  SUBCASE("families never mix") {
    const AddressSet set = AddressSet::of(cidr("0.0.0.0/0"));
    CHECK_FALSE(set.contains(ip("::")));
    CHECK_FALSE(AddressSet::of(cidr("::/0")).contains(ip("0.0.0.0")));
  }
}

TEST_CASE("AddressSet::from_ip_block") {
  SUBCASE("except in the middle") {
    const AddressSet set = AddressSet::from_ip_block(block("172.17.0.0/16", {"172.17.1.0/24"}));
    CHECK(text(set) == "172.17.0.0-172.17.0.255 172.17.2.0-172.17.255.255");
    CHECK(set.contains(ip("172.17.0.255")));
    CHECK_FALSE(set.contains(ip("172.17.1.0")));
    CHECK_FALSE(set.contains(ip("172.17.1.255")));
    CHECK(set.contains(ip("172.17.2.0")));
  }
  SUBCASE("except at the low edge") {
    const AddressSet set = AddressSet::from_ip_block(block("10.0.0.0/24", {"10.0.0.0/25"}));
    CHECK(text(set) == "10.0.0.128-10.0.0.255");
  }
  SUBCASE("except at the high edge") {
    const AddressSet set = AddressSet::from_ip_block(block("10.0.0.0/24", {"10.0.0.255/32"}));
    CHECK(text(set) == "10.0.0.0-10.0.0.254");
  }
  SUBCASE("overlapping excepts") {
    const AddressSet set =
        AddressSet::from_ip_block(block("10.0.0.0/8", {"10.1.0.0/16", "10.1.2.0/24", "10.2.0.0/16"}));
    CHECK(text(set) == "10.0.0.0-10.0.255.255 10.3.0.0-10.255.255.255");
  }
  SUBCASE("everything but one address") {
    const AddressSet set = AddressSet::from_ip_block(block("0.0.0.0/0", {"255.255.255.255/32"}));
    CHECK(text(set) == "0.0.0.0-255.255.255.254");
  }
  SUBCASE("v6 except at both edges") {
    const AddressSet set = AddressSet::from_ip_block(block("::/0", {"::/128", "ffff::/16"}));
    CHECK(text(set) == "::1-fffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  }
  SUBCASE("except with host bits") {
    const AddressSet set = AddressSet::from_ip_block(block("10.0.0.0/16", {"10.0.1.7/24"}));
    CHECK_FALSE(set.contains(ip("10.0.1.0")));
    CHECK(set.contains(ip("10.0.2.0")));
  }
}

TEST_CASE("AddressSet::intersect") {
  const AddressSet a = AddressSet::of(cidr("10.0.0.0/8")) | AddressSet::of(cidr("fd00::/8"));
  const AddressSet b = AddressSet::of(cidr("10.5.0.0/16")) | AddressSet::of(cidr("192.168.0.0/16"));
  CHECK(text(a & b) == "10.5.0.0-10.5.255.255");
  CHECK((AddressSet::all() & a) == a);
  CHECK((a & AddressSet()).empty());
}

TEST_CASE("AddressSet::subtract") {
  SUBCASE("set difference") {
    const AddressSet rest = AddressSet::all() - AddressSet::of(cidr("::/0"));
    CHECK(text(rest) == "0.0.0.0-255.255.255.255");
  }
  SUBCASE("cidr") {
    AddressSet set = AddressSet::of(cidr("10.0.0.0/30"));
    set.subtract(cidr("10.0.0.1/32"));
    CHECK(text(set) == "10.0.0.0-10.0.0.0 10.0.0.2-10.0.0.3");
  }
  SUBCASE("rejoin after subtract") {
    AddressSet set = AddressSet::all();
    set.subtract(cidr("::1/128"));
    set.add(ip("::1"));
    CHECK(set == AddressSet::all());
  }
}

TEST_SUITE_END();
