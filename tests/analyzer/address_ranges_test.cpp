// SPDX-License-Identifier: Apache-2.0
#include <npcheck/analyzer/address_ranges.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using npcheck::analyzer::AddressRange;
using npcheck::analyzer::addresses_to_cidrs;
using npcheck::analyzer::addresses_to_string;
using npcheck::model::IpAddress;

namespace {

AddressRange range(const char* first, const char* last) {
  return AddressRange{*IpAddress::parse(first), *IpAddress::parse(last)};
}

} // namespace

TEST_SUITE_BEGIN("analyzer");

TEST_CASE("addresses_to_string") {
  SUBCASE("a single address and a block") {
    CHECK(addresses_to_string({range("169.254.169.254", "169.254.169.254")}) == "169.254.169.254/32");
    CHECK(addresses_to_string({range("198.51.100.0", "198.51.100.255")}) == "198.51.100.0/24");
  }
  SUBCASE("a whole family") {
    CHECK(addresses_to_string({range("0.0.0.0", "255.255.255.255")}) == "0.0.0.0/0");
    CHECK(addresses_to_string({range("0.0.0.0", "255.255.255.255"),
                               range("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")}) ==
          "0.0.0.0/0, ::/0");
  }
  SUBCASE("everything but a few blocks: the except form") {
    CHECK(addresses_to_string({range("0.0.0.0", "9.255.255.255"), range("11.0.0.0", "35.190.255.255"),
                               range("35.192.0.0", "255.255.255.255")}) ==
          "0.0.0.0/0 except 10.0.0.0/8, 35.191.0.0/16");
    CHECK(addresses_to_string({range("0.0.0.0", "9.255.255.255"), range("11.0.0.0", "255.255.255.255"),
                               range("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")}) ==
          "0.0.0.0/0 except 10.0.0.0/8; ::/0");
    CHECK(addresses_to_string({range("10.0.0.0", "10.0.255.255"), range("10.2.0.0", "10.9.0.4"),
                               range("10.9.0.6", "10.255.255.255")}) ==
          "10.0.0.0/8 except 10.1.0.0/16, 10.9.0.5/32");
    CHECK(addresses_to_string({range("::", "fcff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
                               range("fe00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")}) ==
          "::/0 except fd00::/8");
  }
  SUBCASE("few blocks stay blocks") {
    CHECK(addresses_to_string({range("10.0.0.0", "10.0.0.255"), range("10.0.2.0", "10.0.2.255")}) ==
          "10.0.0.0/24, 10.0.2.0/24");
  }
  SUBCASE("touching and unordered ranges are one set") {
    CHECK(addresses_to_string({range("10.0.1.0", "10.0.1.255"), range("10.0.0.0", "10.0.0.255")}) ==
          "10.0.0.0/23");
  }
}

TEST_CASE("addresses_to_cidrs") {
  CHECK(addresses_to_cidrs({range("10.0.0.0", "10.0.2.255")}) ==
        std::vector<std::string>{"10.0.0.0/23", "10.0.2.0/24"});
}
