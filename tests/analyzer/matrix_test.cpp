// SPDX-License-Identifier: Apache-2.0
//
// Matrix::compute must agree with Reachability::evaluate on every pair of
// endpoints. Small random clusters (fixed seeds) exercise ipBlocks with
// excepts (IPv4 and IPv6), named ports, endPort, pod IPs, hostNetwork pods and
// nodes; a few hand-written cases pin down the partition itself.

#include <npcheck/analyzer/matrix.hpp>

#include <npcheck/analyzer/reachability.hpp>
#include <npcheck/model/inventory.hpp>

#include "cluster_builder.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace npcheck;
using analyzer::FlowEndpoint;
using analyzer::Matrix;
using analyzer::MatrixEndpoint;
using analyzer::MatrixEndpointKind;
using model::Protocol;
using testing::ClusterBuilder;

class RandomCluster {
public:
  explicit RandomCluster(unsigned seed) : m_random(seed) {}

  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(m_random); }
  bool chance(int percent) { return below(100) < percent; }
  template <typename T>
  const T& pick(const std::vector<T>& values) {
    return values[static_cast<std::size_t>(below(static_cast<int>(values.size())))];
  }

  model::Labels labels() {
    model::Labels result;
    for (const std::string& key : m_keys) {
      if (chance(55)) {
        result.set(key, pick(m_values));
      }
    }
    return result;
  }

  model::LabelSelector selector() {
    model::LabelSelector result;
    for (int i = below(3); i > 0; --i) {
      result.match_labels.set(pick(m_keys), pick(m_values));
    }
    for (int i = below(2); i > 0; --i) {
      model::Requirement requirement;
      requirement.key = pick(m_keys);
      requirement.op = static_cast<model::Operator>(below(4));
      if (requirement.op == model::Operator::in || requirement.op == model::Operator::not_in) {
        requirement.values.push_back(pick(m_values));
      }
      result.match_expressions.push_back(std::move(requirement));
    }
    return result;
  }

  model::Cidr block() {
    static const std::vector<std::string> k_blocks{
        "10.0.0.0/8",     "10.0.0.0/24",    "10.0.0.0/26",     "10.0.1.0/24", "0.0.0.0/0",
        "192.168.0.0/16", "192.168.0.1/32", "203.0.113.0/24", "fd00::/16",   "fd00::/120",
        "::/0",           "10.0.0.64/27"};
    return testing::cidr(pick(k_blocks));
  }

  model::Peer peer() {
    model::Peer result;
    switch (below(5)) {
    case 0: result.pod_selector = selector(); break;
    case 1: result.namespace_selector = selector(); break;
    case 2:
      result.pod_selector = selector();
      result.namespace_selector = chance(50) ? testing::selector(
                                                   {{"kubernetes.io/metadata.name", pick(m_namespaces)}})
                                             : selector();
      break;
    default: {
      result.ip_block.emplace();
      result.ip_block->cidr = block();
      const model::Cidr& base = result.ip_block->cidr;
      const int max_prefix = base.address.family == model::IpFamily::v4 ? 32 : 128;
      for (int i = below(3); i > 0 && base.prefix < max_prefix; --i) {
        // An except strictly inside the block.
        model::Cidr inside = base;
        inside.prefix = base.prefix + 1 + below(std::min(8, max_prefix - base.prefix));
        if (base.address.family == model::IpFamily::v4) {
          const std::uint32_t span = inside.prefix == 32 ? 1u : (1u << (32 - inside.prefix));
          const std::uint32_t offset = static_cast<std::uint32_t>(below(4)) * span;
          inside.address = model::IpAddress::from_v4(base.first().v4() + offset);
        } else {
          inside.address = base.first();
        }
        if (base.contains(inside)) {
          result.ip_block->except.push_back(inside);
        }
      }
      break;
    }
    }
    return result;
  }

  model::PolicyPort policy_port() {
    model::PolicyPort result;
    result.protocol = static_cast<Protocol>(below(3));
    const int kind = below(10);
    if (kind == 0) {
      return result;
    }
    if (kind <= 3) {
      result.port = pick(m_port_names);
      return result;
    }
    const std::uint16_t first = chance(5) ? std::uint16_t{65535} : static_cast<std::uint16_t>(1 + below(20));
    result.port = first;
    if (kind >= 8 && first < 65535) {
      result.end_port = static_cast<std::uint16_t>(first + below(8));
    }
    return result;
  }

  model::Rule rule() {
    model::Rule result;
    if (!chance(20)) {
      for (int i = 1 + below(2); i > 0; --i) {
        result.peers.push_back(peer());
      }
    }
    if (!chance(25)) {
      for (int i = 1 + below(3); i > 0; --i) {
        result.ports.push_back(policy_port());
      }
    }
    return result;
  }

  model::Inventory cluster() {
    ClusterBuilder c;
    for (const std::string& name : m_namespaces) {
      if (name != "implied") {
        c.ns(name, labels());
      }
    }
    c.node("n1", {"192.168.0.1"}).node("n2", {"192.168.0.2", "fd00::c0a8:2"});
    const int pods = 2 + below(10);
    for (int i = 0; i < pods; ++i) {
      testing::PodSpec spec;
      for (int p = below(4); p > 0; --p) {
        spec.ports.push_back({pick(m_port_names), static_cast<std::uint16_t>(1 + below(20)),
                              static_cast<Protocol>(below(3))});
      }
      const int role = below(10);
      if (role <= 1) {
        spec.kind = role == 0 ? model::WorkloadKind::deployment : model::WorkloadKind::daemon_set;
      } else {
        const int node = below(3);
        if (node > 0) {
          spec.node = "n" + std::to_string(node);
          spec.host_ip = "192.168.0." + std::to_string(node);
        }
        if (role == 2 && node > 0) {
          spec.host_network = true;
          spec.ips.push_back(*spec.host_ip);
        } else if (role != 3) {
          spec.ips.push_back("10.0." + std::to_string(below(2)) + "." + std::to_string(below(128)));
          if (chance(30)) {
            spec.ips.push_back("fd00::" + std::to_string(1 + below(200)));
          }
        }
      }
      c.pod(pick(m_namespaces), "pod" + std::to_string(i), labels(), spec);
    }
    for (int i = 1 + below(6); i > 0; --i) {
      model::NetworkPolicy policy;
      policy.namespace_name = pick(m_namespaces);
      policy.name = "np" + std::to_string(i);
      policy.pod_selector = chance(45) ? model::LabelSelector{} : selector();
      const int ingress = below(3);
      const int egress = below(3);
      for (int r = 0; r < ingress; ++r) {
        policy.ingress.push_back(rule());
      }
      for (int r = 0; r < egress; ++r) {
        policy.egress.push_back(rule());
      }
      const int types = below(3);
      policy.affects_ingress = types != 1;
      policy.affects_egress = types != 0;
      c.add(std::move(policy));
    }
    return std::move(c.inventory);
  }

private:
  std::mt19937 m_random;
  std::vector<std::string> m_keys{"app", "tier"};
  std::vector<std::string> m_values{"a", "b", "c"};
  std::vector<std::string> m_namespaces{"default", "prod", "implied"};
  std::vector<std::string> m_port_names{"http", "dns", "metrics"};
};

// The flow endpoints an endpoint of the matrix stands for.
std::vector<FlowEndpoint> flow_endpoints(const MatrixEndpoint& endpoint) {
  if (endpoint.kind == MatrixEndpointKind::workload) {
    return {FlowEndpoint::of_workload(endpoint.workload)};
  }
  std::vector<FlowEndpoint> result;
  for (const analyzer::AddressRange& range : endpoint.ranges) {
    result.push_back(FlowEndpoint::external_ip(range.first));
    result.push_back(FlowEndpoint::external_ip(range.last));
  }
  return result;
}

// Checks every pair; returns the number of mismatches (reports the first few).
int compare_all(const model::Inventory& inventory, const Matrix& matrix, const std::string& what) {
  const analyzer::Reachability engine(inventory);
  const std::vector<MatrixEndpoint>& endpoints = matrix.endpoints();
  int mismatches = 0;
  for (std::size_t a = 0; a < endpoints.size(); ++a) {
    for (std::size_t b = 0; b < endpoints.size(); ++b) {
      const analyzer::ConnectionSet& got = matrix.allowed(a, b);
      for (const FlowEndpoint& src : flow_endpoints(endpoints[a])) {
        for (const FlowEndpoint& dst : flow_endpoints(endpoints[b])) {
          const analyzer::ConnectionSet want = engine.evaluate(src, dst).allowed;
          if (!(got == want) && mismatches++ < 5) {
            FAIL_CHECK(what << ": " << endpoints[a].id << " -> " << endpoints[b].id << ": matrix "
                            << got.to_string() << ", evaluate " << want.to_string());
          }
        }
      }
    }
  }
  return mismatches;
}

// The external endpoints cover each address family exactly once.
void check_partition(const Matrix& matrix) {
  std::vector<analyzer::AddressRange> ranges;
  for (const MatrixEndpoint& endpoint : matrix.endpoints()) {
    if (endpoint.kind == MatrixEndpointKind::external) {
      ranges.insert(ranges.end(), endpoint.ranges.begin(), endpoint.ranges.end());
    }
  }
  std::sort(ranges.begin(), ranges.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  REQUIRE(!ranges.empty());
  CHECK(ranges.front().first == testing::ip("0.0.0.0"));
  CHECK(ranges.back().last == testing::ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].first.family == ranges[i - 1].first.family) {
      CHECK(ranges[i - 1].last < ranges[i].first);
    } else {
      CHECK(ranges[i - 1].last == testing::ip("255.255.255.255"));
      CHECK(ranges[i].first == testing::ip("::"));
    }
  }
}

} // namespace

TEST_SUITE_BEGIN("analyzer");

TEST_CASE("Matrix::compute agrees with Reachability::evaluate") {
  int mismatches = 0;
  std::size_t allowed_pairs = 0;
  std::size_t pairs = 0;
  for (unsigned seed = 1; seed <= 250; ++seed) {
    RandomCluster random(seed);
    const model::Inventory inventory = random.cluster();
    analyzer::MatrixOptions options;
    options.threads = 1 + seed % 2; // both the single and the merged-threads path
    const Matrix matrix = Matrix::compute(inventory, options);
    check_partition(matrix);
    mismatches += compare_all(inventory, matrix, "seed " + std::to_string(seed));
    for (std::size_t a = 0; a < matrix.endpoints().size(); ++a) {
      for (std::size_t b = 0; b < matrix.endpoints().size(); ++b) {
        ++pairs;
        allowed_pairs += matrix.allowed(a, b).empty() ? 0 : 1;
      }
    }
  }
  CHECK(mismatches == 0);
  // Both outcomes must be common for the comparison to mean something.
  CHECK(allowed_pairs > pairs / 10);
  CHECK(allowed_pairs < pairs * 9 / 10);
}

TEST_CASE("Matrix::compute") {
  using testing::ip_block;
  using testing::pods;
  using testing::policy;
  using testing::rule;
  using testing::selector;
  using testing::Types;

  SUBCASE("no policies: one class of workloads, one external endpoint, all allowed") {
    ClusterBuilder c;
    c.ns("shop");
    c.pod("shop", "a", {{"app", "a"}});
    c.pod("shop", "b", {{"app", "b"}});
    const Matrix matrix = Matrix::compute(c.inventory);
    REQUIRE(matrix.endpoints().size() == 3);
    CHECK(matrix.endpoints()[2].id == "0.0.0.0-255.255.255.255,::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    CHECK(matrix.class_count() == 2);
    CHECK(matrix.allowed(0, 1).is_all());
    CHECK(matrix.allowed(2, 0).is_all());
  }

  SUBCASE("ipBlock with except splits the address space") {
    ClusterBuilder c;
    c.ns("pay");
    c.pod("pay", "api", {{"app", "api"}});
    c.add(policy("pay", "psp", selector(), Types::egress, {},
                 {rule({ip_block("203.0.113.0/24", {"203.0.113.128/25"})}, {testing::tcp(443)})}));
    const Matrix matrix = Matrix::compute(c.inventory);
    std::vector<std::string> ids;
    for (const MatrixEndpoint& endpoint : matrix.endpoints()) {
      ids.push_back(endpoint.id);
    }
    CHECK(ids == std::vector<std::string>{
                     "pay/api",
                     "0.0.0.0-203.0.112.255,203.0.113.128-255.255.255.255,::-ffff:ffff:ffff:ffff:ffff:"
                     "ffff:ffff:ffff",
                     "203.0.113.0-203.0.113.127"});
    CHECK(matrix.allowed(0, 2).to_string() == "TCP 443");
    CHECK(matrix.allowed(0, 1).empty());
    CHECK(matrix.allowed(1, 0).is_all());
    CHECK(matrix.address_atom_count() == 4);
  }

  SUBCASE("a Pod reaches itself; a workload's pods follow the policies") {
    ClusterBuilder c;
    c.ns("shop");
    c.pod("shop", "solo", {{"app", "x"}});
    testing::PodSpec deployment;
    deployment.kind = model::WorkloadKind::deployment;
    c.pod("shop", "web", {{"app", "x"}}, deployment);
    c.add(policy("shop", "deny", selector(), Types::both));
    const Matrix matrix = Matrix::compute(c.inventory);
    CHECK(matrix.class_of(0) == matrix.class_of(1));
    CHECK(matrix.allowed(0, 0).is_all());
    CHECK(matrix.allowed(1, 1).empty());
    CHECK(matrix.allowed(0, 1).empty());
  }

  SUBCASE("named ports split the port space per destination") {
    ClusterBuilder c;
    c.ns("shop");
    testing::PodSpec a;
    a.ports = {{"http", 8080, Protocol::tcp}};
    testing::PodSpec b;
    b.ports = {{"http", 8081, Protocol::tcp}};
    c.pod("shop", "a", {{"app", "web"}}, a);
    c.pod("shop", "b", {{"app", "web"}}, b);
    c.pod("shop", "client", {{"app", "client"}});
    c.add(policy("shop", "web", selector({{"app", "web"}}), Types::ingress,
                 {rule({pods({{"app", "client"}})}, {testing::named_port("http")})}));
    const Matrix matrix = Matrix::compute(c.inventory);
    CHECK(matrix.class_of(0) != matrix.class_of(1));
    CHECK(matrix.allowed(2, 0).to_string() == "TCP 8080");
    CHECK(matrix.allowed(2, 1).to_string() == "TCP 8081");
    CHECK(matrix.allowed(0, 1).empty());
  }
}

TEST_SUITE_END();
