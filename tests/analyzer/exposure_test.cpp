// SPDX-License-Identifier: Apache-2.0

#include <npcheck/analyzer/exposure.hpp>

#include <npcheck/analyzer/address_ranges.hpp>
#include <npcheck/analyzer/matrix.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/inventory.hpp>

#include "cluster_builder.hpp"
#include "support/random_cluster.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

namespace {

using namespace npcheck;
using namespace npcheck::testing;
using analyzer::ConnectionSet;
using analyzer::Direction;
using analyzer::ExposureClause;
using analyzer::FlowEndpoint;
using analyzer::Program;
using analyzer::SideExposure;
using analyzer::TierKind;
using analyzer::WorkloadExposure;
using model::Protocol;

const SideExposure& side(const std::vector<WorkloadExposure>& result, std::size_t workload, Direction d) {
  for (const WorkloadExposure& w : result) {
    if (w.workload == workload) {
      return w.sides[analyzer::index_of(d)];
    }
  }
  FAIL("workload not reported");
  return result.front().sides[0];
}

// Reads a side's first-match list for one peer, as the exposure's reader
// would: each clause decides the connections of what is still open that
// its peers and ports match; pass leaves its tier (the admin tier for the
// NetworkPolicy tier, the baseline tier for the default).
ConnectionSet read_clauses(const Program& program, const SideExposure& s, const FlowEndpoint& peer,
                           const FlowEndpoint& destination, std::optional<model::IpFamily> family) {
  ConnectionSet remaining = ConnectionSet::all();
  ConnectionSet passed;
  ConnectionSet allowed;
  bool in_admin = true;
  for (const ExposureClause& clause : s.clauses) {
    if (in_admin && !(clause.kind == ExposureClause::Kind::rule && clause.tier == TierKind::admin)) {
      in_admin = false;
      remaining.unite(passed);
      passed = ConnectionSet::none();
    }
    switch (clause.kind) {
    case ExposureClause::Kind::isolation: return allowed;
    case ExposureClause::Kind::no_policy: return allowed | remaining | passed;
    case ExposureClause::Kind::rule: {
      const analyzer::CompiledRule& rule = program.rule(clause.rule);
      if (!program.peer_matches(rule.peers, peer, family)) {
        break;
      }
      const ConnectionSet take = program.admitted(rule.ports, destination) & remaining;
      remaining.subtract(take);
      if (clause.action == analyzer::Action::allow) {
        allowed.unite(take);
      } else if (clause.action == analyzer::Action::pass) {
        passed.unite(take);
      }
      break;
    }
    }
  }
  FAIL("a side's list ends with isolation or no_policy");
  return allowed;
}

} // namespace

TEST_SUITE_BEGIN("analyzer");

TEST_CASE("compute_exposure") {
  ClusterBuilder c;
  c.ns("shop", {{"team", "shop"}}).ns("other");
  const std::size_t api = c.pod("shop", "api", {{"app", "api"}}, {{{"http", 8080, Protocol::tcp}}});
  const std::size_t web = c.pod("shop", "web", {{"app", "web"}});
  const std::size_t host = c.pod("shop", "host", {{"app", "host"}}, {.node = "n1", .host_ip = "192.168.0.1", .host_network = true});

  SUBCASE("a NetworkPolicy peer of every namespace admits a pod of a new namespace") {
    c.add(policy("shop", "api", selector({{"app", "api"}}), Types::ingress,
                 {rule({pods_in({}, {{"role", "client"}})}, {named_port("http")}),
                  rule({ip_block("0.0.0.0/0", {"10.0.0.0/8"})}, {tcp(443)})}));
    const Program program(c.inventory);
    const auto result = analyzer::compute_exposure(program, {{api}, true, false});
    REQUIRE(result.size() == 1);
    const SideExposure& s = side(result, api, Direction::ingress);
    CHECK(s.isolating.size() == 1);
    REQUIRE(s.clauses.size() == 3);
    CHECK(s.clauses[2].kind == ExposureClause::Kind::isolation);
    CHECK(s.cluster_wide());
    CHECK(s.new_namespace == ConnectionSet::of(Protocol::tcp, analyzer::PortSet::single(8080)));
    REQUIRE(s.new_namespace_examples.size() == 1);
    CHECK(s.new_namespace_examples[0].labels == model::Labels{{"role", "client"}});
    // The ipBlock rule may admit a new pod by its address, which is unknown.
    CHECK(s.new_namespace_skips_addresses);
    CHECK_FALSE(s.new_namespace_skips_named_ports);
    REQUIRE(s.outside.size() == 1);
    CHECK(analyzer::addresses_to_string(s.outside[0].ranges) == "0.0.0.0/0 except 10.0.0.0/8");
    CHECK(s.outside[0].connections == ConnectionSet::of(Protocol::tcp, analyzer::PortSet::single(443)));
    // The egress side was not asked for.
    CHECK(side(result, api, Direction::egress).clauses.empty());
  }

  SUBCASE("a peer of the policy's own namespace does not") {
    c.add(policy("shop", "api", selector({{"app", "api"}}), Types::ingress, {rule({pods({})})}));
    const Program program(c.inventory);
    const auto result = analyzer::compute_exposure(program, {{api}, true, true});
    const SideExposure& s = side(result, api, Direction::ingress);
    CHECK_FALSE(s.cluster_wide());
    CHECK_FALSE(s.external());
  }

  SUBCASE("an admin deny of every other namespace before it is proven by the evaluator") {
    c.add(policy("shop", "api", selector({{"app", "api"}}), Types::ingress, {rule({namespaces({})})}));
    model::AdminPolicy anp;
    anp.kind = model::AdminKind::admin_network_policy;
    anp.name = "isolate-shop";
    anp.priority = 5;
    anp.subject.namespace_selector = selector({{"team", "shop"}});
    model::AdminRule deny;
    deny.action = model::AdminAction::deny;
    model::AdminPeer others;
    others.pods.namespace_selector.match_expressions.push_back(
        {"kubernetes.io/metadata.name", model::Operator::not_in, {"shop"}});
    deny.peers.push_back(others);
    anp.ingress.push_back(deny);
    c.inventory.admin_policies.push_back(anp);
    const Program program(c.inventory);
    const auto result = analyzer::compute_exposure(program, {{api}, true, true});
    const SideExposure& s = side(result, api, Direction::ingress);
    REQUIRE(s.clauses.size() == 3);
    CHECK(s.clauses[0].tier == TierKind::admin);
    CHECK(s.clauses[0].action == analyzer::Action::deny);
    CHECK_FALSE(s.cluster_wide());
    // Outside addresses are not pods: the deny does not cover them, but the
    // NetworkPolicy (namespaces only) does not admit them.
    CHECK_FALSE(s.external());
  }

  SUBCASE("each value of an In requirement is a candidate") {
    // An admin deny of role=backend before an allow of role in (backend,
    // frontend): only a frontend pod of a new namespace gets in.
    model::AdminPolicy anp;
    anp.kind = model::AdminKind::admin_network_policy;
    anp.name = "roles";
    anp.priority = 1;
    anp.subject.namespace_selector = selector({{"team", "shop"}});
    anp.subject.pod_selector = selector({{"app", "api"}});
    auto rule_for = [](model::AdminAction action, std::vector<std::string> roles) {
      model::AdminRule rule;
      rule.action = action;
      model::AdminPeer peer;
      peer.pods.pod_selector.emplace();
      peer.pods.pod_selector->match_expressions.push_back({"role", model::Operator::in, std::move(roles)});
      rule.peers.push_back(peer);
      return rule;
    };
    anp.ingress.push_back(rule_for(model::AdminAction::deny, {"backend"}));
    anp.ingress.push_back(rule_for(model::AdminAction::allow, {"backend", "frontend"}));
    c.inventory.admin_policies.push_back(anp);
    // Isolated otherwise: what the admin tier does not decide is refused.
    c.add(policy("shop", "deny-in", selector({{"app", "api"}}), Types::ingress));
    const Program program(c.inventory);
    const auto result = analyzer::compute_exposure(program, {{api}, true, false});
    const SideExposure& s = side(result, api, Direction::ingress);
    REQUIRE(s.cluster_wide());
    CHECK(s.new_namespace.is_all());
    bool frontend = false;
    for (const SideExposure::Example& example : s.new_namespace_examples) {
      frontend = frontend || example.labels == model::Labels{{"role", "frontend"}};
    }
    CHECK(frontend);
  }

  SUBCASE("a side without policies, and a hostNetwork pod") {
    const Program program(c.inventory);
    const auto result = analyzer::compute_exposure(program, {});
    REQUIRE(result.size() == 3);
    const SideExposure& s = side(result, web, Direction::egress);
    REQUIRE(s.clauses.size() == 1);
    CHECK(s.clauses[0].kind == ExposureClause::Kind::no_policy);
    CHECK(s.new_namespace.is_all());
    REQUIRE(s.new_namespace_examples.size() == 1);
    CHECK(s.new_namespace_examples[0].labels.entries().empty());
    CHECK_FALSE(s.new_namespace_skips_addresses);
    REQUIRE(s.outside.size() == 1);
    CHECK(analyzer::addresses_to_string(s.outside[0].ranges) == "0.0.0.0/0, ::/0");
    CHECK(side(result, host, Direction::ingress).subject == analyzer::SideResult::Subject::host_network);
  }
}

// The property: a pod added to the inputs connects to a workload
// exactly as the two exposures (the workload's side and the pod's side)
// read for it say, and a pod of a new namespace as the exposure's example
// says.
TEST_CASE("compute_exposure agrees with the matrix when a pod is added") {
  int checked = 0;
  for (unsigned seed = 1; seed <= 160; ++seed) {
    CAPTURE(seed);
    RandomCluster random(seed);
    const model::Inventory base = random.cluster();
    const Program base_program(base);
    const std::vector<WorkloadExposure> before = analyzer::compute_exposure(base_program, {});

    // The new pod: in a namespace of the inputs or a new one, random labels
    // and named ports, no address (a new workload's template).
    model::Inventory grown = base;
    model::Workload pod;
    const bool fresh = random.chance(40);
    pod.namespace_name = fresh ? "zz-new" : random.pick(std::vector<std::string>{"default", "prod", "implied"});
    if (fresh) {
      model::Labels labels = random.labels();
      labels.set("kubernetes.io/metadata.name", "zz-new");
      grown.namespaces.push_back({"zz-new", labels, false, {}});
    }
    pod.name = "added";
    pod.labels = random.labels();
    if (random.chance(50)) {
      pod.ports.push_back({"http", static_cast<std::uint16_t>(1 + random.below(20)), Protocol::tcp});
    }
    grown.workloads.push_back(pod);
    const std::size_t added = grown.workloads.size() - 1;
    const Program program(grown);
    REQUIRE(program.rules().size() == base_program.rules().size());
    const analyzer::Matrix matrix = analyzer::Matrix::compute(program);
    const std::vector<WorkloadExposure> after = analyzer::compute_exposure(program, {{added}, true, true});
    const FlowEndpoint p = FlowEndpoint::of_workload(added);

    for (const WorkloadExposure& w : before) {
      CAPTURE(base.workloads[w.workload].display_name());
      const FlowEndpoint e = FlowEndpoint::of_workload(w.workload);
      // The rule ids of both programs agree (same policies, same order).
      // The added pod has no address: a flow carries the workload's
      // families, each read on its own (as Program::evaluate does).
      std::vector<std::optional<model::IpFamily>> families;
      const analyzer::Families known = program.addresses().families(e);
      if (known.v4) {
        families.emplace_back(model::IpFamily::v4);
      }
      if (known.v6) {
        families.emplace_back(model::IpFamily::v6);
      }
      if (families.empty()) {
        families.emplace_back(std::nullopt);
      }
      ConnectionSet in;
      ConnectionSet out;
      for (const std::optional<model::IpFamily>& f : families) {
        in.unite(read_clauses(program, w.sides[0], p, e, f) & read_clauses(program, after[0].sides[1], e, e, f));
        out.unite(read_clauses(program, w.sides[1], p, p, f) & read_clauses(program, after[0].sides[0], e, p, f));
      }
      CHECK_MESSAGE(matrix.allowed(added, w.workload) == in,
                    matrix.allowed(added, w.workload).to_string() << " vs " << in.to_string());
      CHECK_MESSAGE(matrix.allowed(w.workload, added) == out,
                    matrix.allowed(w.workload, added).to_string() << " vs " << out.to_string());
      ++checked;
    }

    // A pod of a new namespace with an example's labels gets exactly what
    // the example says; one with no labels gets something within the union.
    for (const WorkloadExposure& w : before) {
      for (const SideExposure& s : w.sides) {
        model::Inventory probe = base;
        probe.namespaces.push_back({"zz-probe", {{"kubernetes.io/metadata.name", "zz-probe"}}, false, {}});
        std::vector<model::Labels> tried;
        for (const SideExposure::Example& example : s.new_namespace_examples) {
          tried.push_back(example.labels);
        }
        tried.push_back(model::Labels{});
        for (const model::Labels& labels : tried) {
          model::Workload example;
          example.namespace_name = "zz-probe";
          example.name = "example" + std::to_string(probe.workloads.size());
          example.labels = labels;
          probe.workloads.push_back(example);
        }
        const Program probe_program(probe);
        const FlowEndpoint e = FlowEndpoint::of_workload(w.workload);
        ConnectionSet united;
        for (std::size_t t = 0; t < tried.size(); ++t) {
          const FlowEndpoint x = FlowEndpoint::of_workload(base.workloads.size() + t);
          const bool ingress = s.direction == Direction::ingress;
          const analyzer::FlowResult flow = ingress ? probe_program.sides(x, e) : probe_program.sides(e, x);
          const ConnectionSet got = ingress ? flow.ingress.allowed : flow.egress.allowed;
          CHECK((got - s.new_namespace).empty());
          if (t + 1 < tried.size()) {
            CHECK(got == s.new_namespace_examples[t].connections);
            united.unite(got);
          }
        }
        CHECK(united == s.new_namespace);
      }
    }
  }
  CHECK(checked > 500);
}

TEST_SUITE_END();
