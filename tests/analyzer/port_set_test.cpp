// SPDX-License-Identifier: Apache-2.0
#include <npcheck/analyzer/port_set.hpp>

#include <doctest/doctest.h>

#include <vector>

using npcheck::analyzer::ConnectionSet;
using npcheck::analyzer::PortRange;
using npcheck::analyzer::PortSet;
using npcheck::model::Protocol;

TEST_SUITE_BEGIN("analyzer");

TEST_CASE("PortSet::range") {
  SUBCASE("single") {
    CHECK(PortSet::single(80).ranges() == std::vector<PortRange>{{80, 80}});
    CHECK(PortSet::single(80).contains(80));
    CHECK_FALSE(PortSet::single(80).contains(81));
  }
  SUBCASE("inverted is empty") { CHECK(PortSet::range(90, 80).empty()); }
  SUBCASE("port 0 is never a member") {
    CHECK(PortSet::range(0, 5).ranges() == std::vector<PortRange>{{1, 5}});
    CHECK(PortSet::single(0).empty());
  }
  SUBCASE("upper edge") {
    const PortSet set = PortSet::range(65530, 65535);
    CHECK(set.contains(65535));
    CHECK_FALSE(set.contains(65529));
  }
  SUBCASE("all") {
    CHECK(PortSet::all().is_all());
    CHECK(PortSet::range(1, 65535).is_all());
    CHECK_FALSE(PortSet::range(2, 65535).is_all());
    CHECK(PortSet::none().empty());
  }
}

TEST_CASE("PortSet::unite") {
  SUBCASE("adjacent ranges join") {
    const PortSet set = PortSet::range(1, 10) | PortSet::range(11, 20);
    CHECK(set.ranges() == std::vector<PortRange>{{1, 20}});
  }
  SUBCASE("disjoint ranges stay sorted") {
    const PortSet set = PortSet::single(443) | PortSet::single(80) | PortSet::range(8000, 8080);
    CHECK(set.ranges() == std::vector<PortRange>{{80, 80}, {443, 443}, {8000, 8080}});
  }
  SUBCASE("to all") { CHECK((PortSet::range(1, 100) | PortSet::range(50, 65535)).is_all()); }
}

TEST_CASE("PortSet::intersect") {
  SUBCASE("overlap") {
    CHECK((PortSet::range(1, 100) & PortSet::range(50, 200)) == PortSet::range(50, 100));
  }
  SUBCASE("touching ends") {
    CHECK((PortSet::range(1, 100) & PortSet::range(100, 200)) == PortSet::single(100));
  }
  SUBCASE("disjoint") { CHECK((PortSet::range(1, 99) & PortSet::range(100, 200)).empty()); }
  SUBCASE("with all") {
    CHECK((PortSet::all() & PortSet::range(5, 6)) == PortSet::range(5, 6));
  }
}

TEST_CASE("PortSet::subtract") {
  SUBCASE("middle") {
    const PortSet set = PortSet::range(1, 100) - PortSet::range(10, 20);
    CHECK(set.ranges() == std::vector<PortRange>{{1, 9}, {21, 100}});
    CHECK(set.to_string() == "1-9,21-100");
  }
  SUBCASE("ends of all") {
    const PortSet set = PortSet::all() - PortSet::single(1) - PortSet::single(65535);
    CHECK(set.ranges() == std::vector<PortRange>{{2, 65534}});
  }
  SUBCASE("everything") { CHECK((PortSet::range(5, 9) - PortSet::all()).empty()); }
}

TEST_CASE("PortSet::to_string") {
  CHECK(PortSet::all().to_string() == "1-65535");
  CHECK(PortSet::none().to_string() == "");
  CHECK((PortSet::single(80) | PortSet::single(443) | PortSet::range(8000, 8080)).to_string() ==
        "80,443,8000-8080");
}

TEST_CASE("ConnectionSet::to_string") {
  SUBCASE("all and none") {
    CHECK(ConnectionSet::all().to_string() == "all ports");
    CHECK(ConnectionSet::none().to_string() == "nothing");
  }
  SUBCASE("protocols in TCP, UDP, SCTP order") {
    ConnectionSet set = ConnectionSet::of(Protocol::udp, PortSet::single(53));
    set.add(Protocol::tcp, PortSet::single(80) | PortSet::single(443) | PortSet::range(8000, 8080));
    CHECK(set.to_string() == "TCP 80,443,8000-8080; UDP 53");
    set.add(Protocol::sctp, PortSet::all());
    CHECK(set.to_string() == "TCP 80,443,8000-8080; UDP 53; SCTP 1-65535");
  }
  SUBCASE("one protocol fully open is not all") {
    CHECK(ConnectionSet::of(Protocol::tcp, PortSet::all()).to_string() == "TCP 1-65535");
  }
}

TEST_CASE("ConnectionSet::intersect") {
  const ConnectionSet web = ConnectionSet::of(Protocol::tcp, PortSet::range(80, 90));
  const ConnectionSet dns = ConnectionSet::of(Protocol::udp, PortSet::single(53));
  SUBCASE("protocols never mix") { CHECK((web & dns).empty()); }
  SUBCASE("with all") { CHECK(((web | dns) & ConnectionSet::all()) == (web | dns)); }
  SUBCASE("per protocol") {
    const ConnectionSet both = (web | dns) & ConnectionSet::of(Protocol::tcp, PortSet::single(85));
    CHECK(both.allows(Protocol::tcp, 85));
    CHECK_FALSE(both.allows(Protocol::tcp, 80));
    CHECK_FALSE(both.allows(Protocol::udp, 53));
  }
}

TEST_CASE("ConnectionSet::subtract") {
  const ConnectionSet rest =
      ConnectionSet::all() - ConnectionSet::of(Protocol::sctp, PortSet::all());
  CHECK_FALSE(rest.is_all());
  CHECK(rest.allows(Protocol::tcp, 1));
  CHECK_FALSE(rest.allows(Protocol::sctp, 1));
  CHECK(rest.ports(Protocol::sctp).empty());
  CHECK(rest.to_string() == "TCP 1-65535; UDP 1-65535");
}

TEST_SUITE_END();
