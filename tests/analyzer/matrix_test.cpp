// SPDX-License-Identifier: Apache-2.0
//
// The bulk evaluator (Matrix::compute) must agree with the scalar one
// (Program::evaluate) on every pair of
// endpoints. Small random clusters (fixed seeds) exercise ipBlocks with
// excepts (IPv4 and IPv6), named ports, endPort, pod IPs, hostNetwork pods and
// nodes; a few hand-written cases pin down the partition itself.

#include <npcheck/analyzer/matrix.hpp>

#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/inventory.hpp>

#include "cluster_builder.hpp"
#include "support/random_cluster.hpp"

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
using testing::RandomCluster;

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

// Checks every pair (or, with a stride, the rows of every stride-th source
// from first); returns the number of mismatches (reports the first few).
int compare_all(const model::Inventory& inventory, const Matrix& matrix, const std::string& what,
                analyzer::ProgramOptions program_options = {}, std::size_t stride = 1, std::size_t first = 0) {
  const analyzer::Program engine(inventory, program_options);
  const std::vector<MatrixEndpoint>& endpoints = matrix.endpoints();
  int mismatches = 0;
  for (std::size_t a = first; a < endpoints.size(); a += stride) {
    for (std::size_t b = 0; b < endpoints.size(); ++b) {
      if (endpoints[a].kind == MatrixEndpointKind::external &&
          endpoints[b].kind == MatrixEndpointKind::external) {
        continue; // no policy governs traffic between two outside addresses
      }
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

TEST_CASE("Matrix::compute agrees with Program::evaluate") {
  int mismatches = 0;
  std::size_t allowed_pairs = 0;
  std::size_t pairs = 0;
  for (unsigned seed = 1; seed <= testing::property_seeds(1000); ++seed) {
    RandomCluster random(seed);
    const model::Inventory inventory = random.cluster();
    analyzer::MatrixOptions options;
    options.threads = 1 + seed % 2; // both the single and the merged-threads path
    const Matrix matrix = Matrix::compute(analyzer::Program(inventory), options);
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

TEST_CASE("Matrix::compute agrees with Program::evaluate on wider clusters") {
  // Rows of several words of destination classes: a source isolated for
  // egress computes only the words its rules reach, and its rules on every
  // port leave the decision to the destinations' ingress.
  int mismatches = 0;
  std::size_t classes = 0;
  // Seeds above 16 may add admin tiers: their rows hold every word, and the
  // port classes with equal bitsets fold into the keys over several words.
  for (unsigned seed = 1; seed <= 22; ++seed) {
    RandomCluster random(seed, /*admin=*/seed > 16);
    const model::Inventory inventory = random.widen().cluster();
    const Matrix matrix = Matrix::compute(analyzer::Program(inventory));
    check_partition(matrix);
    classes += matrix.class_count();
    // Every 7th source's row (from a place that moves with the seed) against
    // every destination: the scalar evaluator over all 400² pairs would take
    // minutes under the sanitizers.
    mismatches += compare_all(inventory, matrix, "wide seed " + std::to_string(seed), {}, 7, seed % 7);
  }
  CHECK(mismatches == 0);
  CHECK(classes > 22 * 100); // rows of two words and more
}

TEST_CASE("Matrix::compute agrees with Program::evaluate when ipBlocks do not match pods") {
  int mismatches = 0;
  analyzer::ProgramOptions program_options;
  program_options.ipblock_matches_pods = false;
  std::size_t differ = 0; // clusters where the choice changes some pair
  for (unsigned seed = 1; seed <= testing::property_seeds(480); ++seed) {
    RandomCluster random(seed);
    const model::Inventory inventory = random.cluster();
    const Matrix matrix = Matrix::compute(analyzer::Program(inventory, program_options));
    const Matrix usual = Matrix::compute(analyzer::Program(inventory));
    check_partition(matrix);
    mismatches += compare_all(inventory, matrix, "seed " + std::to_string(seed), program_options);
    bool changed = false;
    for (std::size_t a = 0; a < matrix.endpoints().size() && !changed; ++a) {
      for (std::size_t b = 0; b < matrix.endpoints().size() && !changed; ++b) {
        changed = matrix.endpoints()[a].kind == MatrixEndpointKind::workload &&
                  matrix.endpoints()[b].kind == MatrixEndpointKind::workload &&
                  !(matrix.allowed(a, b) == usual.allowed(a, b));
      }
    }
    differ += changed ? 1 : 0;
  }
  CHECK(mismatches == 0);
  CHECK(differ > 0); // the option matters on some of these clusters
}

TEST_CASE("Matrix::compute with a focus agrees with the whole matrix on the focused pairs") {
  using Direction = analyzer::MatrixOptions::FocusDirection;
  using Classes = analyzer::MatrixOptions::Classes;
  int mismatches = 0;
  std::size_t compared = 0;
  std::size_t whole_classes = 0;
  std::size_t scoped_classes = 0;
  for (unsigned seed = 1; seed <= testing::property_seeds(480); ++seed) {
    RandomCluster random(seed);
    const model::Inventory inventory = random.cluster();
    const analyzer::Program program(inventory);
    const Matrix whole = Matrix::compute(program);
    const std::size_t n = whole.endpoints().size();
    const std::size_t focus = seed % n;
    const Direction direction = seed % 3 == 0 ? Direction::ingress : seed % 3 == 1 ? Direction::egress
                                                                                   : Direction::both;
    analyzer::MatrixOptions options;
    options.focus = [&](const MatrixEndpoint& e) { return e.id == whole.endpoints()[focus].id; };
    options.focus_direction = direction;
    // Classes of the whole partition, and a partition of the focused pairs
    // only (selections matched against fewer workloads).
    for (const Classes classes : {Classes::whole, Classes::whole_sources, Classes::scoped}) {
      options.classes = classes;
      const Matrix focused = Matrix::compute(program, options);
      if (classes == Classes::scoped) {
        scoped_classes += focused.class_count();
      }
      for (std::size_t a = 0; a < n; ++a) {
        for (std::size_t b = 0; b < n; ++b) {
          const bool shown = (direction != Direction::ingress && a == focus) ||
                             (direction != Direction::egress && b == focus);
          if (!shown) {
            continue;
          }
          ++compared;
          if (!(focused.allowed(a, b) == whole.allowed(a, b)) && mismatches++ < 5) {
            FAIL_CHECK("seed " << seed << " (classes " << static_cast<int>(classes) << "): "
                               << whole.endpoints()[a].id << " -> " << whole.endpoints()[b].id << ": focused "
                               << focused.allowed(a, b).to_string() << ", whole "
                               << whole.allowed(a, b).to_string());
          }
        }
      }
    }
    whole_classes += whole.class_count();
  }
  CHECK(mismatches == 0);
  CHECK(compared > 3000);
  // The scoped partitions tell fewer workloads apart.
  CHECK(scoped_classes < whole_classes);
}

TEST_CASE("Matrix::compute with chosen sources and destinations") {
  // Rows and columns computed for a subset are the full matrix's entries.
  using Classes = analyzer::MatrixOptions::Classes;
  int mismatches = 0;
  std::size_t full_classes = 0;
  std::size_t whole_classes = 0;
  std::size_t whole_sources_classes = 0;
  std::size_t scoped_classes = 0;
  for (unsigned seed = 1; seed <= testing::property_seeds(320); ++seed) {
    RandomCluster random(seed);
    const model::Inventory inventory = random.cluster();
    const analyzer::Program program(inventory);
    const Matrix full = Matrix::compute(program);
    std::mt19937 pick(seed);
    std::vector<bool> source(full.endpoints().size());
    std::vector<bool> destination(full.endpoints().size());
    for (std::size_t e = 0; e < source.size(); ++e) {
      source[e] = pick() % 3 == 0;
      destination[e] = pick() % 2 == 0;
    }
    analyzer::MatrixOptions options;
    auto index_of = [&](const MatrixEndpoint& endpoint) {
      return static_cast<std::size_t>(&endpoint - full.endpoints().data());
    };
    // Endpoints are identified by id (the partition is the same).
    auto find = [&](const MatrixEndpoint& endpoint) {
      for (const MatrixEndpoint& e : full.endpoints()) {
        if (e.id == endpoint.id) {
          return index_of(e);
        }
      }
      return std::size_t{0};
    };
    options.sources = [&](const MatrixEndpoint& e) { return source[find(e)]; };
    options.destinations = [&](const MatrixEndpoint& e) { return destination[find(e)]; };
    for (const Classes classes : {Classes::whole, Classes::whole_sources, Classes::scoped}) {
      options.classes = classes;
      const Matrix part = Matrix::compute(program, options);
      REQUIRE(part.endpoints().size() == full.endpoints().size());
      for (std::size_t a = 0; a < source.size(); ++a) {
        for (std::size_t b = 0; b < source.size(); ++b) {
          if (a == b || !source[a] || !destination[b]) {
            continue;
          }
          if (!(part.allowed(a, b) == full.allowed(a, b)) && mismatches++ < 5) {
            FAIL_CHECK("seed " << seed << " (classes " << static_cast<int>(classes) << "): "
                               << full.endpoints()[a].id << " -> " << full.endpoints()[b].id << ": part "
                               << part.allowed(a, b).to_string() << ", full " << full.allowed(a, b).to_string());
          }
        }
      }
      // A class holding a source is the whole partition's class, members and all.
      for (std::size_t a = 0; classes != Classes::scoped && a < source.size(); ++a) {
        if (source[a] && full.class_members(full.class_of(a)) != part.class_members(part.class_of(a)) &&
            mismatches++ < 5) {
          FAIL_CHECK("seed " << seed << ": the class of source " << full.endpoints()[a].id
                             << " is not the whole partition's");
        }
      }
      (classes == Classes::whole_sources ? whole_sources_classes : classes == Classes::scoped ? scoped_classes
                                                                                              : whole_classes) +=
          part.class_count();
    }
    full_classes += full.class_count();
  }
  CHECK(mismatches == 0);
  // Only the chosen pairs' ends are told apart: fewer classes, and never more
  // with the sources' classes whole.
  CHECK(whole_classes == full_classes);
  CHECK(whole_sources_classes <= full_classes);
  CHECK(scoped_classes < whole_sources_classes);
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
    const Matrix matrix = Matrix::compute(analyzer::Program(c.inventory));
    REQUIRE(matrix.endpoints().size() == 3);
    CHECK(matrix.endpoints()[2].id == "0.0.0.0/0, ::/0");
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
    const Matrix matrix = Matrix::compute(analyzer::Program(c.inventory));
    std::vector<std::string> ids;
    for (const MatrixEndpoint& endpoint : matrix.endpoints()) {
      ids.push_back(endpoint.id);
    }
    CHECK(ids == std::vector<std::string>{
                     "pay/api",
                     "0.0.0.0/0 except 203.0.113.0/25; ::/0", "203.0.113.0/25"});
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
    const Matrix matrix = Matrix::compute(analyzer::Program(c.inventory));
    CHECK(matrix.class_of(0) == matrix.class_of(1));
    CHECK(matrix.allowed(0, 0).is_all());
    CHECK(matrix.allowed(1, 1).empty());
    CHECK(matrix.allowed(0, 1).empty());
  }

  SUBCASE("with known pod addresses, each external endpoint has one family") {
    ClusterBuilder c;
    c.ns("shop");
    c.pod("shop", "v4", {{"app", "a"}}, {.ips = {"10.0.0.1"}});
    c.pod("shop", "v6", {{"app", "a"}}, {.ips = {"fd00::1"}});
    const Matrix matrix = Matrix::compute(analyzer::Program(c.inventory));
    REQUIRE(matrix.endpoints().size() == 4);
    CHECK(matrix.endpoints()[2].id == "0.0.0.0/0");
    CHECK(matrix.endpoints()[3].id == "::/0");
    // An IPv4-only pod and an IPv6-only pod have no family in common.
    CHECK(matrix.allowed(0, 1).empty());
    CHECK(matrix.allowed(0, 2).is_all());
    CHECK(matrix.allowed(0, 3).empty());
    CHECK(matrix.allowed(3, 1).is_all());
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
    const Matrix matrix = Matrix::compute(analyzer::Program(c.inventory));
    CHECK(matrix.class_of(0) != matrix.class_of(1));
    CHECK(matrix.allowed(2, 0).to_string() == "TCP 8080");
    CHECK(matrix.allowed(2, 1).to_string() == "TCP 8081");
    CHECK(matrix.allowed(0, 1).empty());
  }
}

TEST_SUITE_END();
