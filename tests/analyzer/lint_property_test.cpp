// SPDX-License-Identifier: Apache-2.0
//
// NP301 and NP302 claim exactness: deleting every rule and every policy they
// call redundant changes no connection. Checked on random clusters (fixed
// seeds) by diffing the connectivity of the cluster with and without them.

#include <npcheck/analyzer/connectivity_diff.hpp>
#include <npcheck/analyzer/lint.hpp>
#include <npcheck/analyzer/matrix.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/inventory.hpp>

#include "support/random_cluster.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace npcheck;

// The rule a finding's message names: ("ingress" or "egress", index).
std::pair<std::string, std::size_t> rule_of(const analyzer::Finding& finding) {
  const std::string& m = finding.message; // "spec.ingress[2]: redundant: ..."
  const std::size_t open = m.find('[');
  const std::string direction = m.substr(5, open - 5);
  return {direction, std::stoul(m.substr(open + 1))};
}

} // namespace

TEST_SUITE_BEGIN("analyzer");

TEST_CASE("lint::redundancy removing what NP301 and NP302 report changes no connection") {
  std::size_t rules_removed = 0;
  std::size_t policies_removed = 0;
  for (unsigned seed = 1; seed <= testing::property_seeds(1600); ++seed) {
    testing::RandomCluster random(seed);
    const model::Inventory before = random.cluster();
    const analyzer::Program program(before);
    const std::vector<analyzer::Finding> findings = analyzer::lint(program);

    model::Inventory after = before;
    std::set<std::string> dropped_policies;
    std::set<std::pair<std::string, std::pair<std::string, std::size_t>>> dropped_rules;
    for (const analyzer::Finding& finding : findings) {
      if (finding.check->id == "NP302") {
        dropped_policies.insert(finding.object);
      } else if (finding.check->id == "NP301") {
        dropped_rules.insert({finding.object, rule_of(finding)});
      }
    }
    std::vector<model::NetworkPolicy> kept;
    for (model::NetworkPolicy policy : after.policies) {
      if (dropped_policies.count(policy.display_name()) != 0) {
        ++policies_removed;
        continue;
      }
      for (const char* direction : {"ingress", "egress"}) {
        std::vector<model::Rule>& rules = std::string(direction) == "ingress" ? policy.ingress : policy.egress;
        for (std::size_t r = rules.size(); r-- > 0;) {
          if (dropped_rules.count({policy.display_name(), {direction, r}}) != 0) {
            rules.erase(rules.begin() + static_cast<std::ptrdiff_t>(r));
            ++rules_removed;
          }
        }
      }
      kept.push_back(std::move(policy));
    }
    after.policies = std::move(kept);

    const analyzer::Program after_program(after);
    const analyzer::Matrix base = analyzer::Matrix::compute(program);
    const analyzer::Matrix head = analyzer::Matrix::compute(after_program);
    const analyzer::ConnectivityDiff diff = analyzer::diff_connectivity(before, base, after, head);
    CAPTURE(seed);
    CHECK(diff.changes.empty());
  }
  // The clusters must give the checks something to find.
  CHECK(rules_removed > 20);
  CHECK(policies_removed > 5);
  MESSAGE(rules_removed << " redundant rules and " << policies_removed << " redundant policies removed");
}

TEST_SUITE_END();
