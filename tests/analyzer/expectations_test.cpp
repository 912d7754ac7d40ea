// SPDX-License-Identifier: Apache-2.0
#include <npcheck/analyzer/expectations.hpp>

#include <npcheck/analyzer/address_ranges.hpp>
#include <npcheck/model/expectations.hpp>
#include <npcheck/model/load.hpp>

#include "support/random_cluster.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace {

using namespace npcheck;
using analyzer::ExpectationStatus;

// A web pod with a known IP, a db Deployment, and a web egress policy to
// 10.0.0.0/8 except 10.1.0.0/16 on TCP 443 plus the db on TCP 5432.
constexpr const char* k_cluster = R"(
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: app, labels: {app: web}}
status: {podIP: 10.9.0.5}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: app}
spec:
  template:
    metadata: {labels: {app: db}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: app}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
      ports: [{port: 443}]
    - to: [{podSelector: {matchLabels: {app: db}}}]
      ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress, namespace: app}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
    - from: [{podSelector: {matchLabels: {app: web}}}]
)";

struct Fixture {
  model::Inventory inventory = model::load_string(k_cluster, "cluster.yaml");
  analyzer::Program engine{inventory};
  analyzer::ExpectationChecker checker{engine};

  analyzer::ExpectationResult check(const std::string& expectation) {
    model::ExpectationFile file =
        model::load_expectations_string("expectations:\n  - " + expectation + "\n", "e.yaml");
    REQUIRE(file.ok());
    REQUIRE_EQ(file.expectations.size(), 1u);
    return checker.check(file.expectations.front());
  }
};

std::string ranges_text(const analyzer::CheckEndpoint& e) { return analyzer::addresses_to_string(e.ranges); }

} // namespace

TEST_SUITE_BEGIN("analyzer");

TEST_CASE("ExpectationChecker::cidr") {
  Fixture f;
  REQUIRE(f.inventory.ok());
  SUBCASE("a deny fails when any address of the block is reachable") {
    analyzer::ExpectationResult r =
        f.check("{name: x, from: {name: web}, to: {cidr: 10.0.0.0/8}, ports: [TCP/443], expect: deny}");
    CHECK_EQ(r.status, ExpectationStatus::failed);
    // 10.0.0.0/8 minus the except, split around the pod IP 10.9.0.5 (the pod itself).
    REQUIRE_EQ(r.destinations.size(), 3u);
    CHECK_EQ(r.destinations[0].endpoint.kind, analyzer::EndpointKind::workload);
    CHECK_EQ(ranges_text(r.destinations[1]), "10.0.0.0/8 except 10.1.0.0/16, 10.9.0.5/32");
    CHECK_EQ(ranges_text(r.destinations[2]), "10.1.0.0/16");
    CHECK_EQ(r.pairs, 2u); // the web Pod is not paired with itself
    CHECK_EQ(r.failed_pairs, 1u);
    REQUIRE_EQ(r.violations.size(), 1u);
    CHECK_EQ(r.violations[0].offending.to_string(), "TCP 443");
  }
  SUBCASE("a deny inside the except holds") {
    CHECK(f.check("{name: x, from: {name: web}, to: {cidr: 10.1.2.0/24}, expect: deny}").passed());
  }
  SUBCASE("an allow over the except fails on the excepted range only") {
    analyzer::ExpectationResult r = f.check(
        "{name: x, from: {name: web}, to: {cidr: 10.0.0.0/14}, ports: [TCP/443], expect: allow}");
    CHECK_EQ(r.status, ExpectationStatus::failed);
    REQUIRE_EQ(r.violations.size(), 1u);
    CHECK_EQ(ranges_text(r.destinations[r.violations[0].to]), "10.1.0.0/16");
    CHECK(f.check("{name: x, from: {name: web}, to: {cidr: 10.2.0.0/15}, ports: [TCP/443], expect: allow}")
              .passed());
  }
  SUBCASE("outside addresses to a pod") {
    CHECK(f.check("{name: x, from: {cidr: 192.168.0.0/16}, to: {name: db}, expect: deny}").passed());
    // 0.0.0.0/0 holds the web pod's IP: a flow from it is a flow from the pod.
    analyzer::ExpectationResult all =
        f.check("{name: x, from: {cidr: 0.0.0.0/0}, to: {name: db}, expect: deny}");
    REQUIRE_EQ(all.violations.size(), 1u);
    CHECK_EQ(all.sources[all.violations[0].from].endpoint, analyzer::FlowEndpoint::of_workload(1));
    analyzer::ExpectationResult r =
        f.check("{name: x, from: {cidr: 10.9.0.0/24}, to: {name: db}, ports: [TCP/5432], expect: allow}");
    // 10.9.0.5 is the web pod, which the db admits; the rest of the /24 is refused.
    CHECK_EQ(r.status, ExpectationStatus::failed);
    CHECK_EQ(r.pairs, 2u);
    CHECK_EQ(r.failed_pairs, 1u);
  }
}

TEST_CASE("ExpectationChecker::pods") {
  Fixture f;
  SUBCASE("allow and deny") {
    CHECK(f.check("{name: x, from: {selector: {app: web}}, to: {namespace: app, kind: Deployment}, "
                  "ports: [TCP/5432], expect: allow}")
              .passed());
    analyzer::ExpectationResult r =
        f.check("{name: x, from: {name: web}, to: {name: db}, ports: [TCP/5432-5433], expect: allow}");
    CHECK_EQ(r.status, ExpectationStatus::failed);
    CHECK_EQ(r.violations[0].offending.to_string(), "TCP 5433");
  }
  SUBCASE("a workload is paired with itself, a Pod is not") {
    analyzer::ExpectationResult r = f.check("{name: x, from: {all: true}, to: {all: true}, expect: deny}");
    CHECK_EQ(r.pairs, 3u); // web->db, db->web, db->db
    CHECK_EQ(r.status, ExpectationStatus::failed);
    CHECK_EQ(r.failed_pairs, 2u); // web->db, db->web (web is not isolated for ingress)
    CHECK_EQ(f.check("{name: x, from: {name: web}, to: {name: web}, expect: deny}").status,
             ExpectationStatus::no_pairs);
  }
  SUBCASE("an expectation that matches nothing fails") {
    CHECK_EQ(f.check("{name: x, from: {namespace: nope}, to: {all: true}, expect: deny}").status,
             ExpectationStatus::from_empty);
    CHECK_EQ(f.check("{name: x, from: {all: true}, to: {selector: {app: nope}}, expect: deny}").status,
             ExpectationStatus::to_empty);
  }
  SUBCASE("namespace selectors see the implied name label") {
    analyzer::ExpectationResult r = f.check(
        "{name: x, from: {namespaceSelector: {kubernetes.io/metadata.name: app}}, to: {name: db}, "
        "expect: deny}");
    CHECK_EQ(r.sources.size(), 2u);
  }
}

TEST_CASE("to_cidrs") {
  auto cidrs = [](const char* first, const char* last) {
    analyzer::AddressRange range{*model::IpAddress::parse(first), *model::IpAddress::parse(last)};
    std::string text;
    for (const model::Cidr& c : analyzer::to_cidrs(range)) {
      if (!text.empty()) {
        text += ' ';
      }
      text += c.to_string();
    }
    return text;
  };
  CHECK_EQ(cidrs("10.0.0.0", "10.0.0.255"), "10.0.0.0/24");
  CHECK_EQ(cidrs("10.0.0.1", "10.0.0.6"), "10.0.0.1/32 10.0.0.2/31 10.0.0.4/31 10.0.0.6/32");
  CHECK_EQ(cidrs("0.0.0.0", "255.255.255.255"), "0.0.0.0/0");
  CHECK_EQ(cidrs("255.255.255.255", "255.255.255.255"), "255.255.255.255/32");
  CHECK_EQ(cidrs("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), "::/0");
  CHECK_EQ(cidrs("::", "7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), "::/1");
  CHECK_EQ(cidrs("fd00::", "fd00::1"), "fd00::/127");
}

// The bulk path (through Matrix) and the pair-by-pair path (through the
// engine) must agree on every count and on the reported pairs, in order.
TEST_CASE("ExpectationChecker::causes of rare failures") {
  // Many sources that pass, then two that fail (they sort last): the
  // deciding isolation is still found with a small scanning budget, as only
  // endpoints that fail somewhere are scanned.
  testing::ClusterBuilder c;
  c.ns("a").ns("z").ns("target");
  for (int i = 0; i < 40; ++i) {
    c.pod("a", "good" + std::to_string(i), {{"role", "good"}});
  }
  c.pod("z", "bad0", {{"role", "bad"}});
  c.pod("z", "bad1", {{"role", "bad"}});
  c.pod("target", "t", {{"app", "t"}});
  c.add(testing::policy("target", "only-good", testing::selector({{"app", "t"}}), testing::Types::ingress,
                        {testing::rule({testing::pods_in({}, {{"role", "good"}})})}));
  const analyzer::Program program(c.inventory);
  const analyzer::ExpectationChecker checker(program);
  model::Expectation expectation;
  expectation.name = "all reach the target";
  expectation.expect = model::Verdict::allow;
  expectation.from.all = true;
  expectation.to.namespace_name = "target";
  for (std::size_t budget : {std::size_t{3}, std::size_t{1000}}) {
    CAPTURE(budget);
    analyzer::CheckOptions options;
    options.max_violations = 1;
    options.max_scanned_pairs = budget;
    const analyzer::ExpectationResult r = checker.check(expectation, options);
    CHECK_EQ(r.failed_pairs, 2);
    CHECK_EQ(r.sampled_pairs, 2);
    REQUIRE_EQ(r.rule_causes.size(), 1);
    CHECK(r.rule_causes[0].isolation);
    CHECK_EQ(r.rule_causes[0].pairs, 2);
  }
}

TEST_CASE("ExpectationChecker::bulk path agrees with pair by pair") {
  const std::vector<std::string> namespaces{"default", "prod", "implied"};
  const std::vector<std::string> cidrs{"0.0.0.0/0", "10.0.0.0/23", "192.168.0.0/30", "fd00::/16"};
  std::size_t failed = 0;
  std::size_t pairs = 0;
  std::size_t causes = 0;
  std::size_t rule_causes = 0;
  for (unsigned seed = 1; seed <= testing::property_seeds(600); ++seed) {
    testing::RandomCluster random(seed);
    const model::Inventory inventory = random.cluster();
    const analyzer::Program engine(inventory);
    const analyzer::ExpectationChecker checker(engine);
    for (int e = 0; e < 6; ++e) {
      model::Expectation expectation;
      expectation.name = std::to_string(e);
      expectation.expect = random.chance(50) ? model::Verdict::allow : model::Verdict::deny;
      for (model::EndpointSpec* side : {&expectation.from, &expectation.to}) {
        switch (random.below(4)) {
        case 0: side->all = true; break;
        case 1: side->pod_selector = random.selector(); break;
        case 2: side->namespace_name = random.pick(namespaces); break;
        default:
          side->cidr.emplace();
          side->cidr->cidr = testing::cidr(random.pick(cidrs));
          break;
        }
      }
      if (expectation.expect == model::Verdict::allow || random.chance(70)) {
        for (int p = 1 + random.below(3); p > 0; --p) {
          model::PortSpec port;
          port.protocol = static_cast<model::Protocol>(random.below(3));
          port.first = static_cast<std::uint16_t>(1 + random.below(20));
          port.last = static_cast<std::uint16_t>(port.first + random.below(4));
          expectation.ports.push_back(port);
        }
      }
      analyzer::CheckOptions bulk;
      bulk.matrix_from_pairs = 0;
      bulk.max_violations = static_cast<std::size_t>(random.below(4));
      analyzer::CheckOptions single = bulk;
      single.matrix_from_pairs = std::numeric_limits<std::size_t>::max();
      const analyzer::ExpectationResult a = checker.check(expectation, bulk);
      const analyzer::ExpectationResult b = checker.check(expectation, single);
      INFO("seed " << seed << ", expectation " << e);
      CHECK_EQ(a.status, b.status);
      CHECK_EQ(a.pairs, b.pairs);
      CHECK_EQ(a.failed_pairs, b.failed_pairs);
      REQUIRE_EQ(a.violations.size(), b.violations.size());
      for (std::size_t v = 0; v < a.violations.size(); ++v) {
        CHECK_EQ(a.violations[v].from, b.violations[v].from);
        CHECK_EQ(a.violations[v].to, b.violations[v].to);
        CHECK(a.violations[v].offending == b.violations[v].offending);
      }
      // Failing pairs per endpoint: the same both ways, and adding up.
      CHECK(a.failed_from == b.failed_from);
      CHECK(a.failed_to == b.failed_to);
      if (b.failed_pairs > 0) {
        CHECK_EQ(std::accumulate(b.failed_from.begin(), b.failed_from.end(), std::size_t{0}), b.failed_pairs);
        CHECK_EQ(std::accumulate(a.failed_to.begin(), a.failed_to.end(), std::size_t{0}), a.failed_pairs);
      }
      REQUIRE_EQ(a.causes.size(), b.causes.size());
      for (std::size_t c = 0; c < a.causes.size(); ++c) {
        CHECK_EQ(a.causes[c].source, b.causes[c].source);
        CHECK_EQ(a.causes[c].index, b.causes[c].index);
        CHECK_EQ(a.causes[c].pairs, b.causes[c].pairs);
        // The example is a failing pair of that endpoint.
        CHECK_EQ(a.causes[c].source ? a.causes[c].example.from : a.causes[c].example.to, a.causes[c].index);
        CHECK_FALSE(a.causes[c].example.offending.empty());
        causes += 1;
      }
      // The deciding rules: the same both ways, each seen in its example.
      CHECK_EQ(a.sampled_pairs, b.sampled_pairs);
      REQUIRE_EQ(a.rule_causes.size(), b.rule_causes.size());
      for (std::size_t c = 0; c < a.rule_causes.size(); ++c) {
        const analyzer::RuleCause& cause = a.rule_causes[c];
        CHECK_EQ(cause.side, b.rule_causes[c].side);
        CHECK_EQ(cause.isolation, b.rule_causes[c].isolation);
        CHECK_EQ(cause.rule, b.rule_causes[c].rule);
        CHECK_EQ(cause.pairs, b.rule_causes[c].pairs);
        CHECK_LE(cause.pairs, a.sampled_pairs);
        // (In the flow, or in one family of a dual-stack pair whose families differ.)
        std::vector<const analyzer::FlowResult*> flows{&cause.example.flow};
        for (const analyzer::FlowResult& family : cause.example.flow.by_family) {
          flows.push_back(&family);
        }
        CHECK(std::any_of(flows.begin(), flows.end(), [&](const analyzer::FlowResult* flow) {
          const analyzer::SideResult& side = cause.side == analyzer::Direction::egress ? flow->egress : flow->ingress;
          return std::any_of(side.decisions.begin(), side.decisions.end(), [&](const analyzer::Decision& d) {
            return cause.isolation ? d.by == analyzer::Decision::By::isolation
                                   : d.by == analyzer::Decision::By::rule && d.rule == cause.rule;
          });
        }));
        rule_causes += 1;
      }
      pairs += b.pairs;
      failed += b.failed_pairs;
    }
  }
  // Both outcomes must be common for the comparison to mean something.
  CHECK(failed > pairs / 20);
  CHECK(failed < pairs * 19 / 20);
  CHECK(causes > 50);
  CHECK(rule_causes > 50);
}

TEST_SUITE_END();
