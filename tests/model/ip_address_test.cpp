// SPDX-License-Identifier: Apache-2.0
#include <npcheck/model/ip_address.hpp>

#include <doctest/doctest.h>

#include <string>

using npcheck::model::Cidr;
using npcheck::model::IpAddress;
using npcheck::model::IpFamily;

namespace {

std::string text_of(std::string_view s) {
  std::optional<IpAddress> ip = IpAddress::parse(s);
  return ip ? ip->to_string() : "<invalid>";
}

Cidr parsed_cidr(std::string_view s) {
  std::optional<Cidr> c = Cidr::parse(s);
  REQUIRE(c);
  return *c;
}

} // namespace

TEST_SUITE_BEGIN("model");

TEST_CASE("IpAddress::parse") {
  SUBCASE("IPv4") {
    CHECK_EQ(text_of("10.0.0.1"), "10.0.0.1");
    CHECK_EQ(text_of("0.0.0.0"), "0.0.0.0");
    CHECK_EQ(text_of("255.255.255.255"), "255.255.255.255");
    CHECK_EQ(IpAddress::parse("10.0.0.1")->family, IpFamily::v4);
    CHECK_EQ(IpAddress::parse("10.1.2.3")->v4(), 0x0a010203u);
  }
  SUBCASE("IPv6 in canonical form") {
    CHECK_EQ(text_of("FD00:0:0::1"), "fd00::1");
    CHECK_EQ(text_of("::"), "::");
    CHECK_EQ(text_of("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
    CHECK_EQ(text_of("::ffff:10.0.0.1"), "::ffff:10.0.0.1");
    CHECK_EQ(IpAddress::parse("fd00::1")->family, IpFamily::v6);
  }
  SUBCASE("invalid") {
    for (const char* bad : {"", "10.0.0", "10.0.0.256", "10.0.0.01", "01.0.0.0", "1.2.3.4.5",
                            " 10.0.0.1", "10.0.0.1/8", "fd00::1%eth0", "[fd00::1]", ":::", "g::1",
                            "1:2:3:4:5:6:7:8:9", "0000000000000000000000000000000000000000000000000"}) {
      CAPTURE(bad);
      CHECK_FALSE(IpAddress::parse(bad).has_value());
    }
  }
  SUBCASE("from_v4 and from_v6 round-trip") {
    CHECK_EQ(IpAddress::from_v4(0xc0a80101u).to_string(), "192.168.1.1");
    IpAddress v6 = *IpAddress::parse("fd00:1:2:3:4:5:6:7");
    CHECK_EQ(IpAddress::from_v6(v6.v6().first, v6.v6().second), v6);
  }
  SUBCASE("ordering puts IPv4 before IPv6") {
    CHECK(*IpAddress::parse("255.255.255.255") < *IpAddress::parse("::"));
    CHECK(*IpAddress::parse("10.0.0.1") < *IpAddress::parse("10.0.0.2"));
  }
}

TEST_CASE("Cidr::parse") {
  SUBCASE("valid") {
    CHECK_EQ(parsed_cidr("10.0.0.0/8").to_string(), "10.0.0.0/8");
    CHECK_EQ(parsed_cidr("0.0.0.0/0").prefix, 0);
    CHECK_EQ(parsed_cidr("10.0.0.1/32").prefix, 32);
    CHECK_EQ(parsed_cidr("FD00::/8").to_string(), "fd00::/8");
    CHECK_EQ(parsed_cidr("::/128").prefix, 128);
  }
  SUBCASE("invalid") {
    for (const char* bad : {"10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8",
                            "10.0.0.0/08", "10.0.0.0/8/8", "10.0.0.0 /8", "fd00::/129",
                            "/8", "10.0.0.0/1000", "abc/8"}) {
      CAPTURE(bad);
      CHECK_FALSE(Cidr::parse(bad).has_value());
    }
  }
}

TEST_CASE("Cidr::first_last") {
  SUBCASE("IPv4") {
    Cidr c = parsed_cidr("10.1.2.3/16");
    CHECK_EQ(c.first().to_string(), "10.1.0.0");
    CHECK_EQ(c.last().to_string(), "10.1.255.255");
    CHECK_EQ(parsed_cidr("10.1.2.3/32").first(), parsed_cidr("10.1.2.3/32").last());
    CHECK_EQ(parsed_cidr("0.0.0.0/0").last().to_string(), "255.255.255.255");
    CHECK_EQ(parsed_cidr("10.0.0.0/9").last().to_string(), "10.127.255.255");
  }
  SUBCASE("IPv6") {
    Cidr c = parsed_cidr("fd00:1::5/33");
    CHECK_EQ(c.first().to_string(), "fd00:1::");
    CHECK_EQ(c.last().to_string(), "fd00:1:7fff:ffff:ffff:ffff:ffff:ffff");
    CHECK_EQ(parsed_cidr("::/0").last().to_string(), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  }
}

TEST_CASE("Cidr::has_host_bits") {
  CHECK(parsed_cidr("10.244.1.10/4").has_host_bits());
  CHECK_EQ(parsed_cidr("10.244.1.10/4").first().to_string(), "0.0.0.0");
  CHECK_EQ(parsed_cidr("10.244.1.10/4").last().to_string(), "15.255.255.255");
  CHECK_FALSE(parsed_cidr("10.0.0.0/8").has_host_bits());
  CHECK_FALSE(parsed_cidr("10.0.0.1/32").has_host_bits());
  CHECK(parsed_cidr("fd00::1/64").has_host_bits());
  CHECK_FALSE(parsed_cidr("fd00::/64").has_host_bits());
}

TEST_CASE("Cidr::contains") {
  Cidr c = parsed_cidr("10.0.0.0/8");
  SUBCASE("addresses") {
    CHECK(c.contains(*IpAddress::parse("10.0.0.0")));
    CHECK(c.contains(*IpAddress::parse("10.255.255.255")));
    CHECK_FALSE(c.contains(*IpAddress::parse("11.0.0.0")));
    CHECK_FALSE(c.contains(*IpAddress::parse("9.255.255.255")));
    CHECK_FALSE(c.contains(*IpAddress::parse("::a00:1")));
    CHECK(parsed_cidr("::/0").contains(*IpAddress::parse("fd00::1")));
    CHECK_FALSE(parsed_cidr("::/0").contains(*IpAddress::parse("10.0.0.1")));
  }
  SUBCASE("blocks") {
    CHECK(c.contains(parsed_cidr("10.1.0.0/16")));
    CHECK(c.contains(parsed_cidr("10.0.0.0/8")));
    CHECK(c.contains(parsed_cidr("10.255.255.255/32")));
    CHECK_FALSE(c.contains(parsed_cidr("10.0.0.0/7")));
    CHECK_FALSE(c.contains(parsed_cidr("11.0.0.0/16")));
    CHECK_FALSE(c.contains(parsed_cidr("fd00::/16")));
    CHECK(parsed_cidr("10.244.1.10/4").contains(parsed_cidr("12.0.0.0/8")));
  }
}
