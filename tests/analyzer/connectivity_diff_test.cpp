// SPDX-License-Identifier: Apache-2.0
//
// diff_connectivity must agree with asking the scalar evaluator of each
// version about every pair of matched endpoints, one by one.
#include <npcheck/analyzer/connectivity_diff.hpp>

#include <npcheck/analyzer/matrix.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/load.hpp>

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

namespace {

using namespace npcheck;
using analyzer::ConnectionSet;
using analyzer::DiffEndpoint;
using analyzer::FlowEndpoint;

model::Inventory load(const std::vector<std::string>& files) {
  std::vector<std::string> paths;
  for (const std::string& f : files) {
    paths.push_back(std::string(NPCHECK_TESTDATA_DIR) + '/' + f);
  }
  model::Inventory inventory = model::load_paths(paths);
  REQUIRE(inventory.ok());
  return inventory;
}

FlowEndpoint flow_endpoint(const DiffEndpoint& d, const analyzer::Matrix& matrix, std::size_t index) {
  const analyzer::MatrixEndpoint& e = matrix.endpoints()[index];
  if (e.kind == analyzer::MatrixEndpointKind::workload) {
    return FlowEndpoint::of_workload(e.workload);
  }
  return FlowEndpoint::external_ip(d.ranges.front().first);
}

// Brute force: every ordered pair of endpoints, asked of both engines.
void check_against_engines(const std::vector<std::string>& base_files,
                           const std::vector<std::string>& head_files) {
  model::Inventory base = load(base_files);
  model::Inventory head = load(head_files);
  const analyzer::Program base_engine(base);
  const analyzer::Program head_engine(head);
  analyzer::Matrix base_matrix = analyzer::Matrix::compute(base_engine);
  analyzer::Matrix head_matrix = analyzer::Matrix::compute(head_engine);
  analyzer::ConnectivityDiff diff = analyzer::diff_connectivity(base, base_matrix, head, head_matrix);

  std::map<std::pair<std::size_t, std::size_t>, const analyzer::ConnectionChange*> reported;
  for (const analyzer::ConnectionChange& c : diff.changes) {
    reported[{c.from, c.to}] = &c;
  }
  std::size_t expected_changes = 0;
  for (std::size_t i = 0; i < diff.endpoints.size(); ++i) {
    for (std::size_t j = 0; j < diff.endpoints.size(); ++j) {
      const DiffEndpoint& a = diff.endpoints[i];
      const DiffEndpoint& b = diff.endpoints[j];
      if (a.kind == analyzer::MatrixEndpointKind::external && b.kind == analyzer::MatrixEndpointKind::external) {
        continue;
      }
      auto answer = [](const analyzer::Program& engine, const analyzer::Matrix& matrix,
                       const DiffEndpoint& x, std::size_t xi, const DiffEndpoint& y, std::size_t yi) {
        if (xi == DiffEndpoint::k_absent || yi == DiffEndpoint::k_absent) {
          return ConnectionSet::none();
        }
        return engine.allowed(flow_endpoint(x, matrix, xi), flow_endpoint(y, matrix, yi));
      };
      ConnectionSet before = answer(base_engine, base_matrix, a, a.base, b, b.base);
      ConnectionSet after = answer(head_engine, head_matrix, a, a.head, b, b.head);
      CAPTURE(a.id);
      CAPTURE(b.id);
      auto it = reported.find({i, j});
      if (before == after) {
        CHECK(it == reported.end());
        continue;
      }
      ++expected_changes;
      REQUIRE(it != reported.end());
      CHECK_EQ(it->second->before, before);
      CHECK_EQ(it->second->after, after);
    }
  }
  CHECK_EQ(expected_changes, diff.changes.size());
}

} // namespace

TEST_SUITE_BEGIN("analyzer");

TEST_CASE("diff_connectivity::agrees_with_engine") {
  SUBCASE("policy added") {
    check_against_engines({"diff-add-policy/workloads.yaml"},
                          {"diff-add-policy/workloads.yaml", "diff-add-policy/db-ingress.yaml"});
  }
  SUBCASE("policy removed, endpoint added") {
    check_against_engines({"diff-add-policy/workloads.yaml", "diff-add-policy/db-ingress.yaml"},
                          {"diff-add-policy/workloads.yaml", "diff-remove-policy/batch.yaml"});
  }
  SUBCASE("ports and ipBlock widened") {
    check_against_engines({"diff-widen-ports/base.yaml"}, {"diff-widen-ports/head.yaml"});
  }
  SUBCASE("example shop against the widened case") {
    check_against_engines({"example-shop/manifests"}, {"diff-widen-ports/head.yaml"});
  }
}

TEST_CASE("diff_connectivity::self") {
  model::Inventory shop = load({"example-shop/manifests"});
  const analyzer::Program program(shop);
  analyzer::Matrix matrix = analyzer::Matrix::compute(program);
  analyzer::ConnectivityDiff diff = analyzer::diff_connectivity(shop, matrix, shop, matrix);
  CHECK(diff.empty());
  CHECK_EQ(diff.endpoints.size(), matrix.endpoints().size());
}

TEST_SUITE_END();
