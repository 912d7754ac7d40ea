// SPDX-License-Identifier: Apache-2.0
#include <npcheck/analyzer/program.hpp>

#include <npcheck/model/inventory.hpp>

#include "cluster_builder.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace npcheck::testing;
using npcheck::analyzer::AlwaysAllowed;
using npcheck::analyzer::ConnectionSet;
using npcheck::analyzer::Direction;
using npcheck::analyzer::EndpointKind;
using npcheck::analyzer::FlowEndpoint;
using npcheck::analyzer::PortSet;
using npcheck::analyzer::Decision;
using npcheck::analyzer::Program;
using npcheck::analyzer::TierKind;
using npcheck::model::ContainerPort;
using npcheck::model::Labels;
using npcheck::model::Protocol;
using npcheck::model::WorkloadKind;

namespace {

FlowEndpoint w(std::size_t index) {
  return FlowEndpoint::of_workload(index);
}

FlowEndpoint ext(const char* text) {
  return FlowEndpoint::external_ip(ip(text));
}

std::string allowed(const ClusterBuilder& cluster, const FlowEndpoint& src, const FlowEndpoint& dst) {
  const Program engine(cluster.inventory);
  const auto result = engine.evaluate(src, dst);
  // The fast path must agree with the explained one.
  CHECK(engine.allowed(src, dst) == result.allowed);
  return result.allowed.to_string();
}

} // namespace

TEST_SUITE_BEGIN("analyzer");

TEST_CASE("Program::isolation") {
  ClusterBuilder c;
  c.ns("a").ns("b");
  const auto web = c.pod("a", "web", {{"app", "web"}});
  const auto other = c.pod("b", "other", {{"app", "web"}});

  SUBCASE("no policy allows everything") {
    CHECK(allowed(c, w(web), w(other)) == "all ports");
    CHECK(allowed(c, w(other), w(web)) == "all ports");
  }
  SUBCASE("policy without ingress rules denies all ingress") {
    c.add(policy("a", "deny", selector(), Types::ingress));
    CHECK(allowed(c, w(other), w(web)) == "nothing");
    SUBCASE("but not egress") { CHECK(allowed(c, w(web), w(other)) == "all ports"); }
  }
  SUBCASE("spec.podSelector selects only in the policy's namespace") {
    c.add(policy("a", "deny", selector(), Types::ingress));
    CHECK(allowed(c, w(web), w(other)) == "all ports");
    const Program engine(c.inventory);
    CHECK(!engine.selecting(web, Direction::ingress, TierKind::network_policy).empty());
    CHECK_FALSE(!engine.selecting(other, Direction::ingress, TierKind::network_policy).empty());
  }
  SUBCASE("spec.podSelector labels") {
    c.add(policy("a", "deny-db", selector({{"app", "db"}}), Types::ingress));
    CHECK(allowed(c, w(other), w(web)) == "all ports");
  }
  SUBCASE("egress isolation") {
    c.add(policy("a", "deny-out", selector(), Types::egress));
    CHECK(allowed(c, w(web), w(other)) == "nothing");
    CHECK(allowed(c, w(other), w(web)) == "all ports");
    CHECK(allowed(c, w(web), ext("8.8.8.8")) == "nothing");
  }
  SUBCASE("egress rules are inert without Egress in policyTypes") {
    c.add(policy("a", "ingress-only", selector(), Types::ingress, {rule({})},
                 {rule({pods({{"app", "nothing"}})})}));
    CHECK(allowed(c, w(web), w(other)) == "all ports");
  }
  SUBCASE("both directions") {
    c.add(policy("a", "deny-all", selector(), Types::both));
    CHECK(allowed(c, w(web), w(other)) == "nothing");
    CHECK(allowed(c, w(other), w(web)) == "nothing");
  }
}

TEST_CASE("Program::rules") {
  ClusterBuilder c;
  c.ns("a").ns("b");
  const auto web = c.pod("a", "web", {{"app", "web"}});
  const auto client = c.pod("a", "client", {{"app", "client"}});
  const auto other = c.pod("b", "other", {{"app", "client"}});

  SUBCASE("ingress [{}] allows all") {
    c.add(policy("a", "allow-all", selector(), Types::ingress, {rule({})}));
    CHECK(allowed(c, w(other), w(web)) == "all ports");
    CHECK(allowed(c, ext("1.2.3.4"), w(web)) == "all ports");
  }
  SUBCASE("empty peers with ports means all peers on those ports") {
    c.add(policy("a", "p", selector(), Types::ingress, {rule({}, {tcp(80)})}));
    CHECK(allowed(c, w(other), w(web)) == "TCP 80");
    CHECK(allowed(c, ext("1.2.3.4"), w(web)) == "TCP 80");
  }
  SUBCASE("empty ports means every protocol") {
    c.add(policy("a", "p", selector({{"app", "web"}}), Types::ingress,
                 {rule({pods({{"app", "client"}})})}));
    CHECK(allowed(c, w(client), w(web)) == "all ports");
  }
  SUBCASE("a rule needs both its peers and its ports") {
    c.add(policy("a", "p", selector({{"app", "web"}}), Types::ingress,
                 {rule({pods({{"app", "client"}})}, {tcp(80)})}));
    CHECK(allowed(c, w(client), w(web)) == "TCP 80");
    CHECK(allowed(c, w(other), w(web)) == "nothing");
  }
  SUBCASE("policies and rules are additive") {
    c.add(policy("a", "p1", selector({{"app", "web"}}), Types::ingress,
                 {rule({pods({{"app", "client"}})}, {tcp(80)})}));
    c.add(policy("a", "p2", selector(), Types::ingress,
                 {rule({pods({{"app", "client"}})}, {tcp(443)}),
                  rule({namespaces({{"kubernetes.io/metadata.name", "b"}})}, {tcp(8080)})}));
    CHECK(allowed(c, w(client), w(web)) == "TCP 80,443");
    CHECK(allowed(c, w(other), w(web)) == "TCP 8080");
  }
  SUBCASE("a flow needs egress of the source and ingress of the destination") {
    c.add(policy("a", "in", selector({{"app", "web"}}), Types::ingress, {rule({}, {tcp(80), tcp(81)})}));
    c.add(policy("b", "out", selector(), Types::egress, {}, {rule({}, {tcp(81), tcp(82)})}));
    CHECK(allowed(c, w(other), w(web)) == "TCP 81");
  }
}

TEST_CASE("Program::peers") {
  ClusterBuilder c;
  c.ns("a", {{"team", "x"}}).ns("b", {{"team", "y"}}).ns("c", {{"team", "y"}});
  const auto web = c.pod("a", "web", {{"app", "web"}});
  const auto alice_a = c.pod("a", "alice", {{"user", "alice"}});
  const auto alice_b = c.pod("b", "alice", {{"user", "alice"}});
  const auto bob_b = c.pod("b", "bob", {{"user", "bob"}});
  const auto alice_c = c.pod("c", "alice", {{"user", "alice"}});

  SUBCASE("podSelector only: the policy's namespace") {
    c.add(policy("a", "p", selector({{"app", "web"}}), Types::ingress,
                 {rule({pods({{"user", "alice"}})})}));
    CHECK(allowed(c, w(alice_a), w(web)) == "all ports");
    CHECK(allowed(c, w(alice_b), w(web)) == "nothing");
  }
  SUBCASE("namespaceSelector only: all pods of matching namespaces") {
    c.add(policy("a", "p", selector({{"app", "web"}}), Types::ingress,
                 {rule({namespaces({{"team", "y"}})})}));
    CHECK(allowed(c, w(alice_b), w(web)) == "all ports");
    CHECK(allowed(c, w(bob_b), w(web)) == "all ports");
    CHECK(allowed(c, w(alice_c), w(web)) == "all ports");
    CHECK(allowed(c, w(alice_a), w(web)) == "nothing");
  }
  SUBCASE("namespaceSelector {} means every namespace") {
    c.add(policy("a", "p", selector({{"app", "web"}}), Types::ingress,
                 {rule({pods_in({}, {{"user", "alice"}})})}));
    CHECK(allowed(c, w(alice_a), w(web)) == "all ports");
    CHECK(allowed(c, w(alice_c), w(web)) == "all ports");
    CHECK(allowed(c, w(bob_b), w(web)) == "nothing");
  }
  SUBCASE("both selectors in one element: AND") {
    c.add(policy("a", "p", selector({{"app", "web"}}), Types::ingress,
                 {rule({pods_in({{"team", "y"}}, {{"user", "alice"}})})}));
    CHECK(allowed(c, w(alice_b), w(web)) == "all ports");
    CHECK(allowed(c, w(alice_c), w(web)) == "all ports");
    CHECK(allowed(c, w(bob_b), w(web)) == "nothing");
    CHECK(allowed(c, w(alice_a), w(web)) == "nothing");
  }
  SUBCASE("two elements: OR") {
    c.add(policy("a", "p", selector({{"app", "web"}}), Types::ingress,
                 {rule({namespaces({{"team", "y"}}), pods({{"user", "alice"}})})}));
    CHECK(allowed(c, w(alice_b), w(web)) == "all ports");
    CHECK(allowed(c, w(bob_b), w(web)) == "all ports");
    CHECK(allowed(c, w(alice_a), w(web)) == "all ports");
  }
  SUBCASE("selectors never match external addresses") {
    c.add(policy("a", "p", selector({{"app", "web"}}), Types::ingress,
                 {rule({namespaces({}), pods({})})}));
    CHECK(allowed(c, ext("10.0.0.1"), w(web)) == "nothing");
  }
  SUBCASE("egress peers") {
    c.add(policy("a", "p", selector({{"app", "web"}}), Types::egress, {},
                 {rule({pods_in({{"team", "y"}}, {{"user", "bob"}})}, {tcp(5432)})}));
    CHECK(allowed(c, w(web), w(bob_b)) == "TCP 5432");
    CHECK(allowed(c, w(web), w(alice_b)) == "nothing");
  }
}

TEST_CASE("Program::ip_block") {
  ClusterBuilder c;
  c.ns("a");
  const auto web = c.pod("a", "web", {{"app", "web"}}, {.ips = {"10.0.0.5"}});
  const auto near = c.pod("a", "near", {{"app", "near"}}, {.ips = {"10.0.1.7"}});
  const auto ipless = c.pod("a", "ipless", {{"app", "x"}});
  c.add(policy("a", "p", selector({{"app", "web"}}), Types::both,
               {rule({ip_block("10.0.0.0/16", {"10.0.2.0/24"})})},
               {rule({ip_block("192.168.0.0/16", {"192.168.1.0/24"})}, {tcp(443)})}));

  SUBCASE("cidr minus except for external addresses") {
    CHECK(allowed(c, ext("10.0.3.1"), w(web)) == "all ports");
    CHECK(allowed(c, ext("10.0.2.1"), w(web)) == "nothing");
    CHECK(allowed(c, ext("10.0.1.255"), w(web)) == "all ports");
    CHECK(allowed(c, ext("10.1.0.0"), w(web)) == "nothing");
    CHECK(allowed(c, w(web), ext("192.168.0.1")) == "TCP 443");
    CHECK(allowed(c, w(web), ext("192.168.1.1")) == "nothing");
  }
  SUBCASE("pods whose IP lies in the block") {
    CHECK(allowed(c, w(near), w(web)) == "all ports");
    CHECK(allowed(c, w(ipless), w(web)) == "nothing");
  }
  SUBCASE("host bits in cidr name the network") {
    ClusterBuilder d;
    d.ns("a");
    const auto pod = d.pod("a", "web", {});
    d.add(policy("a", "p", selector(), Types::ingress, {rule({ip_block("10.244.1.10/4")})}));
    CHECK(allowed(d, ext("0.0.0.1"), w(pod)) == "all ports");
    CHECK(allowed(d, ext("16.0.0.0"), w(pod)) == "nothing");
  }
  SUBCASE("v6") {
    ClusterBuilder d;
    d.ns("a");
    const auto pod = d.pod("a", "web", {});
    d.add(policy("a", "p", selector(), Types::ingress,
                 {rule({ip_block("fd00::/8", {"fd00:1::/32"})})}));
    CHECK(allowed(d, ext("fd00::1"), w(pod)) == "all ports");
    CHECK(allowed(d, ext("fd00:1::1"), w(pod)) == "nothing");
    CHECK(allowed(d, ext("10.0.0.1"), w(pod)) == "nothing");
  }
}

TEST_CASE("Program::ports") {
  ClusterBuilder c;
  c.ns("a");
  const auto web = c.pod("a", "web", {{"app", "web"}},
                         {.ports = {{"http", 8080, Protocol::tcp},
                                    {"dns", 53, Protocol::udp},
                                    {"metrics", 9090, Protocol::tcp}}});
  const auto client = c.pod("a", "client", {{"app", "client"}},
                            {.ports = {{"http", 9000, Protocol::tcp}}});

  SUBCASE("named port resolved on the ingress-selected pod") {
    c.add(policy("a", "p", selector({{"app", "web"}}), Types::ingress,
                 {rule({}, {named_port("http"), named_port("dns", Protocol::udp)})}));
    CHECK(allowed(c, w(client), w(web)) == "TCP 8080; UDP 53");
  }
  SUBCASE("named port must match the protocol") {
    c.add(policy("a", "p", selector({{"app", "web"}}), Types::ingress,
                 {rule({}, {named_port("dns", Protocol::tcp), named_port("http", Protocol::sctp)})}));
    CHECK(allowed(c, w(client), w(web)) == "nothing");
  }
  SUBCASE("named port in egress resolved on the peer pod") {
    c.add(policy("a", "p", selector({{"app", "client"}}), Types::egress, {},
                 {rule({}, {named_port("http")})}));
    CHECK(allowed(c, w(client), w(web)) == "TCP 8080");
    SUBCASE("never on an IP-only destination") {
      CHECK(allowed(c, w(client), ext("1.1.1.1")) == "nothing");
    }
  }
  SUBCASE("port..endPort") {
    c.add(policy("a", "p", selector({{"app", "web"}}), Types::ingress,
                 {rule({}, {port(Protocol::tcp, 8000, 8080), port(Protocol::udp, 53)})}));
    const Program engine(c.inventory);
    const ConnectionSet set = engine.allowed(w(client), w(web));
    CHECK(set.to_string() == "TCP 8000-8080; UDP 53");
    CHECK(set.allows(Protocol::tcp, 8000));
    CHECK(set.allows(Protocol::tcp, 8080));
    CHECK_FALSE(set.allows(Protocol::tcp, 7999));
    CHECK_FALSE(set.allows(Protocol::tcp, 8081));
    CHECK_FALSE(set.allows(Protocol::udp, 54));
  }
  SUBCASE("SCTP and protocol-only ports") {
    c.add(policy("a", "p", selector({{"app", "web"}}), Types::ingress,
                 {rule({}, {port(Protocol::sctp, 132), whole(Protocol::udp)})}));
    CHECK(allowed(c, w(client), w(web)) == "UDP 1-65535; SCTP 132");
  }
}

TEST_CASE("Program::always_allowed") {
  ClusterBuilder c;
  c.ns("a");
  c.node("n1", {"192.168.0.1"}).node("n2", {"192.168.0.2"});
  const auto web = c.pod("a", "web", {{"app", "web"}},
                         {.ips = {"10.0.0.5"}, .node = "n1", .host_ip = "192.168.0.1"});
  const auto agent = c.pod("a", "agent", {{"app", "web"}},
                           {.ips = {"192.168.0.1"}, .node = "n1", .host_ip = "192.168.0.1",
                            .host_network = true});
  const auto far_agent = c.pod("a", "far-agent", {{"app", "web"}},
                               {.ips = {"192.168.0.2"}, .node = "n2", .host_ip = "192.168.0.2",
                                .host_network = true});
  const auto deploy = c.pod("a", "deploy", {{"app", "web"}}, {.kind = WorkloadKind::deployment});
  const auto hostip_only = c.pod("a", "h", {{"app", "web"}}, {.host_ip = "192.168.0.9"});
  c.add(policy("a", "deny-all", selector(), Types::both));
  const Program engine(c.inventory);

  SUBCASE("a pod to itself") {
    const auto result = engine.evaluate(w(web), w(web));
    CHECK(result.always == AlwaysAllowed::self);
    CHECK(result.allowed.is_all());
    CHECK(result.ingress.isolated());
  }
  SUBCASE("a workload's replicas are not self traffic") {
    CHECK(engine.evaluate(w(deploy), w(deploy)).allowed.empty());
  }
  SUBCASE("pod and its node") {
    const FlowEndpoint node = engine.addresses().resolve(ip("192.168.0.1"));
    CHECK(node.kind == EndpointKind::node);
    CHECK(node.node_name == "n1");
    CHECK(engine.evaluate(w(web), node).always == AlwaysAllowed::node_local);
    CHECK(engine.allowed(node, w(web)).is_all());
    CHECK(engine.allowed(engine.addresses().resolve(ip("192.168.0.2")), w(web)).empty());
  }
  SUBCASE("hostIP makes a node endpoint") {
    const FlowEndpoint node = engine.addresses().resolve(ip("192.168.0.9"));
    CHECK(node.kind == EndpointKind::node);
    CHECK(engine.allowed(node, w(hostip_only)).is_all());
    CHECK(engine.allowed(node, w(web)).empty());
  }
  SUBCASE("hostNetwork pods on the same node") {
    CHECK(engine.evaluate(w(agent), w(web)).always == AlwaysAllowed::node_local);
    CHECK(engine.allowed(w(web), w(agent)).is_all());
    CHECK(engine.allowed(w(far_agent), w(web)).empty());
  }
  SUBCASE("hostNetwork pods are never isolated") {
    CHECK_FALSE(!engine.selecting(agent, Direction::ingress, TierKind::network_policy).empty());
    CHECK(engine.allowed(w(far_agent), w(agent)).is_all());
  }
}

TEST_CASE("Program::endpoints") {
  ClusterBuilder c;
  c.ns("a");
  const auto web = c.pod("a", "web", {{"app", "web"}}, {.ips = {"10.0.0.5", "fd00::5"}});
  const auto deploy = c.pod("a", "api", {{"app", "api"}},
                            {.ports = {{"grpc", 9000, Protocol::tcp}},
                             .kind = WorkloadKind::deployment});
  c.add(policy("a", "api", selector({{"app", "api"}}), Types::ingress,
               {rule({pods({{"app", "web"}})}, {named_port("grpc")})}));
  const Program engine(c.inventory);

  SUBCASE("resolve: a pod named by an address keeps its family") {
    FlowEndpoint v4 = w(web);
    v4.family = npcheck::model::IpFamily::v4;
    FlowEndpoint v6 = w(web);
    v6.family = npcheck::model::IpFamily::v6;
    CHECK(engine.addresses().resolve(ip("10.0.0.5")) == v4);
    CHECK(engine.addresses().resolve(ip("fd00::5")) == v6);
    CHECK(engine.addresses().resolve(ip("8.8.8.8")) == ext("8.8.8.8"));
  }
  SUBCASE("workloads behave like their template's pods") {
    CHECK(engine.allowed(w(web), w(deploy)).to_string() == "TCP 9000");
    CHECK(engine.allowed(ext("10.0.0.5"), w(deploy)).empty());
  }
  SUBCASE("external addresses are never isolated") {
    CHECK(engine.allowed(w(deploy), ext("8.8.8.8")).is_all());
    CHECK(engine.allowed(ext("8.8.8.8"), w(web)).is_all());
  }
}

TEST_CASE("Program::families") {
  // A flow carries one IP family; an ipBlock matches a pod only through its
  // address of that family.
  ClusterBuilder c;
  c.ns("a");
  const auto dual = c.pod("a", "dual", {{"app", "dual"}}, {.ips = {"10.0.0.5", "fd00::5"}});
  const auto v4 = c.pod("a", "v4", {{"app", "v4"}}, {.ips = {"10.0.0.6"}});
  const auto v6 = c.pod("a", "v6", {{"app", "v6"}}, {.ips = {"fd00::7"}});
  const auto dual_db = c.pod("a", "db", {{"app", "db"}}, {.ips = {"10.0.0.9", "fd00::9"}});
  const auto tmpl = c.pod("a", "tmpl", {{"app", "t"}}, {.kind = WorkloadKind::deployment});
  c.add(policy("a", "db", selector({{"app", "db"}}), Types::ingress,
               {rule({ip_block("fd00::/64")}, {tcp(5432)})}));
  const Program engine(c.inventory);

  SUBCASE("an IPv4 flow never carries the IPv6 address") {
    const FlowEndpoint from_v4 = engine.addresses().resolve(ip("10.0.0.5"));
    CHECK(engine.allowed(from_v4, w(dual_db)).empty());
    const FlowEndpoint from_v6 = engine.addresses().resolve(ip("fd00::5"));
    CHECK(engine.allowed(from_v6, w(dual_db)).to_string() == "TCP 5432");
  }
  SUBCASE("pod to pod: the union over the families both have") {
    const auto result = engine.evaluate(w(dual), w(dual_db));
    CHECK(result.allowed.to_string() == "TCP 5432");
    REQUIRE(result.by_family.size() == 2);
    CHECK(result.by_family[0].family == npcheck::model::IpFamily::v4);
    CHECK(result.by_family[0].allowed.empty());
    CHECK(result.by_family[1].allowed.to_string() == "TCP 5432");
    // IPv4 only: no IPv6 flow exists.
    CHECK(engine.allowed(w(v4), w(dual_db)).empty());
    CHECK(engine.allowed(w(v6), w(dual_db)).to_string() == "TCP 5432");
  }
  SUBCASE("no family in common: nothing passes") {
    const auto result = engine.evaluate(w(v4), w(v6));
    CHECK(result.no_common_family);
    CHECK(result.allowed.empty());
  }
  SUBCASE("a template without addresses takes the other end's families") {
    CHECK(engine.allowed(w(tmpl), w(v6)).is_all());
    CHECK(engine.allowed(w(tmpl), w(dual_db)).empty()); // its address matches no block
    CHECK(engine.allowed(ext("fd00::1"), w(tmpl)).is_all());
  }
}

TEST_CASE("Program::sides") {
  ClusterBuilder c;
  c.ns("a");
  const auto src = c.pod("a", "src", {{"app", "src"}}, {.ips = {"10.0.0.5", "fd00::5"}});
  const auto db = c.pod("a", "db", {{"app", "db"}}, {.ips = {"10.0.0.9", "fd00::9"}});
  c.add(policy("a", "src", selector({{"app", "src"}}), Types::egress));
  c.add(policy("a", "db", selector({{"app", "db"}}), Types::ingress,
               {rule({ip_block("fd00::/64")}, {tcp(5432)})}));
  const Program engine(c.inventory);

  SUBCASE("both sides even when the egress refuses everything") {
    const auto result = engine.sides(w(src), w(db));
    CHECK(result.egress.allowed.empty());
    CHECK(result.allowed.empty());
    // The ingress side on some family: IPv6.
    CHECK(result.ingress.allowed.to_string() == "TCP 5432");
    CHECK(result.ingress.decisions.empty());
  }
  SUBCASE("a pod to itself: the sides, not the always-allowed case") {
    const auto result = engine.sides(w(src), w(src));
    CHECK(result.always == AlwaysAllowed::self);
    CHECK(result.allowed.empty());
  }
}

TEST_CASE("Program::evaluate") {
  ClusterBuilder c;
  c.ns("a").ns("b");
  const auto web = c.pod("a", "web", {{"app", "web"}});
  const auto client = c.pod("b", "client", {{"app", "client"}});
  c.add(policy("a", "deny", selector(), Types::ingress));
  c.add(policy("a", "web", selector({{"app", "web"}}), Types::ingress,
               {rule({pods({{"app", "nobody"}})}), rule({namespaces({})}, {tcp(80)}),
                rule({}, {tcp(80), tcp(443)})}));
  c.add(policy("b", "out", selector(), Types::egress, {}, {rule({}, {port(Protocol::tcp, 1, 100)})}));
  const Program engine(c.inventory);
  const auto result = engine.evaluate(w(client), w(web));

  CHECK(result.allowed.to_string() == "TCP 80");
  CHECK(result.always == AlwaysAllowed::no);
  CHECK(result.ingress.isolated());
  CHECK(result.ingress.isolating == std::vector<npcheck::analyzer::PolicyId>{0, 1});
  // The rules that admit something, in policy then rule order, then what
  // isolation refuses.
  REQUIRE(result.ingress.decisions.size() == 3);
  const Decision& first = result.ingress.decisions[0];
  CHECK(first.by == Decision::By::rule);
  CHECK(engine.rule(first.rule).policy == 1);
  CHECK(engine.rule(first.rule).direction == Direction::ingress);
  CHECK(engine.rule(first.rule).index == 1);
  CHECK(first.connections.to_string() == "TCP 80");
  CHECK(engine.rule(result.ingress.decisions[1].rule).index == 2);
  CHECK(result.ingress.decisions[1].connections.to_string() == "TCP 80,443");
  CHECK(result.ingress.decisions[2].by == Decision::By::isolation);
  CHECK(result.ingress.decisions[2].connections ==
        (ConnectionSet::all() - result.ingress.allowed));
  CHECK(result.ingress.allowed.to_string() == "TCP 80,443");
  CHECK(result.egress.isolated());
  CHECK(result.egress.isolating == std::vector<npcheck::analyzer::PolicyId>{2});
  REQUIRE(result.egress.decisions.size() == 2);
  CHECK(engine.rule(result.egress.decisions[0].rule).direction == Direction::egress);
  CHECK(result.egress.allowed.to_string() == "TCP 1-100");

  SUBCASE("non-isolated side") {
    const auto back = engine.evaluate(w(web), w(client));
    CHECK_FALSE(back.egress.isolated());
    CHECK(back.egress.isolating.empty());
    REQUIRE(back.egress.decisions.size() == 1);
    CHECK(back.egress.decisions[0].by == Decision::By::default_allow);
    CHECK(back.egress.allowed.is_all());
    CHECK(back.allowed.is_all());
  }
}

TEST_SUITE_END();
