// SPDX-License-Identifier: Apache-2.0
//
// shortest_chain: hand-written chains, then a property test on random
// clusters (tests/support's, and sparse ones for long chains) against a
// breadth-first search written here over the whole matrix (Matrix::compute
// without filters): every hop is allowed there with the connections it
// shows, the length is the true shortest, the count of shortest chains, the
// choice among them (the first by name, found greedily here), the workloads
// reached and "no chain" (only when there is none) are right.

#include <npcheck/analyzer/paths.hpp>

#include <npcheck/analyzer/matrix.hpp>
#include <npcheck/analyzer/partition.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/load.hpp>

#include "support/random_cluster.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace npcheck;
using analyzer::ChainQuery;
using analyzer::ChainResult;
using analyzer::ChainTarget;
using analyzer::TargetPort;
using model::Protocol;

// Pods in namespace t labelled app: NAME ("NAME") or app: GROUP
// ("NAME=GROUP": pods of one group are treated alike), every one isolated
// for ingress; each entry of allow ("a>b:80") admits the pods labelled a to
// those labelled b on TCP 80 (or on every port without ":").
model::Inventory chain_cluster(const std::vector<std::string>& pods, const std::vector<std::string>& allow) {
  std::string yaml = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
                     "metadata: {name: deny, namespace: t}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n";
  for (const std::string& pod : pods) {
    const std::size_t equals = pod.find('=');
    const std::string name = pod.substr(0, equals);
    const std::string app = equals == std::string::npos ? pod : pod.substr(equals + 1);
    yaml += "---\napiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: t, labels: {app: " + app +
            "}}\n";
  }
  for (std::size_t i = 0; i < allow.size(); ++i) {
    const std::string& rule = allow[i];
    const std::size_t arrow = rule.find('>');
    const std::size_t colon = rule.find(':');
    const std::string from = rule.substr(0, arrow);
    const std::string to = rule.substr(arrow + 1, colon == std::string::npos ? std::string::npos : colon - arrow - 1);
    yaml += "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow" +
            std::to_string(i) + ", namespace: t}\nspec:\n  podSelector: {matchLabels: {app: " + to +
            "}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: " + from + "}}}]" +
            (colon == std::string::npos ? "" : ", ports: [{port: " + rule.substr(colon + 1) + "}]") + "}]\n";
  }
  model::Inventory inventory = model::load_string(yaml, "chain.yaml");
  REQUIRE(inventory.ok());
  return inventory;
}

std::size_t workload(const model::Inventory& inventory, const std::string& name) {
  for (std::size_t w = 0; w < inventory.workloads.size(); ++w) {
    if (inventory.workloads[w].name == name) {
      return w;
    }
  }
  FAIL("no workload " << name);
  return 0;
}

// "a -> b -> c", or "none".
std::string chain_text(const model::Inventory& inventory, const ChainResult& result) {
  if (result.hops.empty()) {
    return "none";
  }
  std::string text = inventory.workloads[result.hops.front().from].name;
  for (const analyzer::Hop& hop : result.hops) {
    text += " -> " + inventory.workloads[hop.to].name;
  }
  return text;
}

ChainResult ask(const model::Inventory& inventory, const std::string& from, const std::string& to,
                std::size_t max_hops, std::optional<TargetPort> port = std::nullopt) {
  const analyzer::Program program(inventory);
  const analyzer::Partition partition(program);
  ChainQuery query;
  query.sources = {workload(inventory, from)};
  query.targets = {ChainTarget{workload(inventory, to), port}};
  query.max_hops = max_hops;
  return analyzer::shortest_chain(partition, query);
}

} // namespace

TEST_SUITE_BEGIN("analyzer");

TEST_CASE("shortest_chain") {
  SUBCASE("a chain through another workload, with each hop's connections") {
    const model::Inventory inventory = chain_cluster({"a", "b", "c"}, {"a>b:80", "b>c:5432"});
    ChainResult direct = ask(inventory, "a", "c", 1);
    CHECK_EQ(chain_text(inventory, direct), "none");
    CHECK_EQ(direct.reached, 1); // b
    CHECK_FALSE(direct.exhausted);
    CHECK_EQ(direct.shortest_chains, 0);

    const ChainResult two = ask(inventory, "a", "c", 2);
    CHECK_EQ(chain_text(inventory, two), "a -> b -> c");
    REQUIRE_EQ(two.hops.size(), 2);
    CHECK_EQ(two.hops[0].allowed.to_string(), "TCP 80");
    CHECK_EQ(two.hops[1].allowed.to_string(), "TCP 5432");
    CHECK_EQ(two.shortest_chains, 1);
    CHECK_EQ(chain_text(inventory, ask(inventory, "a", "c", 5)), "a -> b -> c");
  }
  SUBCASE("a port restricts the last hop only") {
    const model::Inventory inventory = chain_cluster({"a", "b", "c"}, {"a>b:80", "b>c:5432"});
    CHECK_EQ(chain_text(inventory, ask(inventory, "a", "c", 2, TargetPort{Protocol::tcp, 5432})), "a -> b -> c");
    const ChainResult other = ask(inventory, "a", "c", 2, TargetPort{Protocol::tcp, 80});
    CHECK_EQ(chain_text(inventory, other), "none");
    CHECK_EQ(other.reached, 2); // c is reached, on another port
    CHECK(other.exhausted);
    CHECK_EQ(chain_text(inventory, ask(inventory, "a", "c", 2, TargetPort{Protocol::udp, 5432})), "none");
  }
  SUBCASE("no chain at all: exhausted") {
    const model::Inventory inventory = chain_cluster({"a", "b", "c"}, {"a>b"});
    const ChainResult none = ask(inventory, "a", "c", 10);
    CHECK_EQ(chain_text(inventory, none), "none");
    CHECK_EQ(none.reached, 1);
    CHECK(none.exhausted);
    CHECK_EQ(chain_text(inventory, ask(inventory, "c", "a", 10)), "none");
  }
  SUBCASE("the first chain by name among the shortest, whatever the input order") {
    const model::Inventory inventory =
        chain_cluster({"a", "w", "v", "z"}, {"a>w", "a>v", "w>z", "v>z", "a>z:1", "v>w"});
    const ChainResult result = ask(inventory, "a", "z", 3, TargetPort{Protocol::tcp, 9});
    CHECK_EQ(chain_text(inventory, result), "a -> v -> z");
    CHECK_EQ(result.shortest_chains, 2); // through v and through w
    CHECK_EQ(chain_text(inventory, ask(inventory, "a", "z", 3, TargetPort{Protocol::tcp, 1})), "a -> z");
  }
  SUBCASE("the choice is by name from the source, not by the last intermediate") {
    // a -> b -> w -> z and a -> c -> v -> z: b < c decides, though v < w.
    const model::Inventory inventory =
        chain_cluster({"a", "b", "c", "v", "w", "z"}, {"a>c", "a>b", "c>v", "b>w", "v>z", "w>z"});
    const ChainResult result = ask(inventory, "a", "z", 3);
    CHECK_EQ(chain_text(inventory, result), "a -> b -> w -> z");
    CHECK_EQ(result.shortest_chains, 2);
  }
  SUBCASE("a target is never an intermediate") {
    // c is reached on 80 only; c -> d -> c would reach it on 5432.
    const model::Inventory inventory = chain_cluster({"a", "c", "d"}, {"a>c:80", "c>d", "d>c:5432"});
    CHECK_EQ(chain_text(inventory, ask(inventory, "a", "c", 5, TargetPort{Protocol::tcp, 5432})), "none");
  }
  SUBCASE("a workload to itself") {
    const model::Inventory inventory = chain_cluster({"a", "b"}, {"a>b", "b>a"});
    const ChainResult self = ask(inventory, "a", "a", 1);
    CHECK_EQ(chain_text(inventory, self), "a -> a"); // a Pod always reaches itself
    CHECK(self.hops.front().allowed.is_all());
  }
  SUBCASE("workloads treated alike") {
    const model::Inventory inventory = chain_cluster({"a", "b2=b", "b1=b", "c"}, {"a>b", "b>c", "b>b"});
    const ChainResult result = ask(inventory, "a", "c", 2);
    CHECK_EQ(chain_text(inventory, result), "a -> b1 -> c");
    CHECK_EQ(result.shortest_chains, 2);
    CHECK_EQ(chain_text(inventory, ask(inventory, "b2", "b1", 2)), "b2 -> b1");
    const analyzer::Program program(inventory);
    const analyzer::Partition partition(program);
    ChainQuery query;
    query.sources = {workload(inventory, "b1"), workload(inventory, "b2")};
    query.targets = {ChainTarget{workload(inventory, "b2"), TargetPort{Protocol::udp, 7}}};
    const ChainResult among = analyzer::shortest_chain(partition, query);
    CHECK_EQ(chain_text(inventory, among), "b1 -> b2"); // before b2 -> b2, itself
    CHECK_EQ(among.shortest_chains, 2);
  }
  SUBCASE("several sources and targets") {
    const model::Inventory inventory = chain_cluster({"a", "b", "c", "d", "e"}, {"a>c", "c>d", "b>e"});
    const analyzer::Program program(inventory);
    const analyzer::Partition partition(program);
    ChainQuery query;
    query.sources = {workload(inventory, "a"), workload(inventory, "b")};
    query.targets = {ChainTarget{workload(inventory, "d"), std::nullopt},
                     ChainTarget{workload(inventory, "e"), std::nullopt}};
    query.max_hops = 3;
    const ChainResult result = analyzer::shortest_chain(partition, query);
    CHECK_EQ(chain_text(inventory, result), "b -> e");
  }
}

namespace {

// The reference: a breadth-first search over the whole matrix.
struct Reference {
  std::optional<std::size_t> length;
  std::uint64_t count = 0;
  std::vector<std::size_t> first; // the first shortest chain by name (namespace, name, kind)
  std::size_t reached = 0;
  bool exhausted = false;
};

bool admits(const ChainTarget* target, const analyzer::ConnectionSet& allowed) {
  return target->port ? allowed.allows(target->port->protocol, target->port->port) : !allowed.empty();
}

Reference reference(const model::Inventory& inventory, const analyzer::Matrix& whole, const ChainQuery& query) {
  const std::size_t n = inventory.workloads.size();
  constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
  std::vector<const ChainTarget*> target(n, nullptr);
  for (const ChainTarget& t : query.targets) {
    target[t.workload] = &t;
  }
  std::vector<bool> source(n, false);
  for (std::size_t s : query.sources) {
    source[s] = true;
  }
  // Distances over the workloads a chain may pass: the sources, and the
  // others that are not targets.
  auto passes = [&](std::size_t w) { return source[w] || !target[w]; };
  auto edge = [&](std::size_t u, std::size_t v) { return !whole.allowed(u, v).empty(); };
  std::vector<std::size_t> distance(n, none);
  std::vector<std::uint64_t> paths(n, 0);
  for (std::size_t s : query.sources) {
    distance[s] = 0;
    paths[s] = 1;
  }
  for (std::size_t d = 0; d < n; ++d) {
    for (std::size_t u = 0; u < n; ++u) {
      if (distance[u] != d || !passes(u)) {
        continue;
      }
      for (std::size_t v = 0; v < n; ++v) {
        if (v != u && passes(v) && !source[v] && edge(u, v) && (distance[v] == none || distance[v] == d + 1)) {
          distance[v] = d + 1;
          paths[v] += paths[u];
        }
      }
    }
  }
  Reference result;
  for (std::size_t u = 0; u < n; ++u) {
    for (std::size_t t = 0; t < n; ++t) {
      if (distance[u] != none && passes(u) && target[t] && (t != u || source[u]) && admits(target[t], whole.allowed(u, t))) {
        result.length = std::min(result.length.value_or(none), distance[u] + 1);
      }
    }
  }
  if (result.length && *result.length > query.max_hops) {
    result.length.reset();
  }
  const std::size_t horizon = result.length.value_or(query.max_hops);
  std::vector<bool> reached(n, false);
  for (std::size_t u = 0; u < n; ++u) {
    for (std::size_t v = 0; v < n; ++v) {
      if (distance[u] != none && distance[u] < horizon && passes(u) && v != u && !source[v] && edge(u, v)) {
        reached[v] = true;
      }
    }
  }
  result.reached = static_cast<std::size_t>(std::count(reached.begin(), reached.end(), true));
  if (!result.length) {
    result.exhausted = std::none_of(distance.begin(), distance.end(), [&](std::size_t d) { return d == query.max_hops; });
    return result;
  }
  const std::size_t length = *result.length;
  // Which workloads at their distance lead on to a target in the remaining hops.
  std::vector<bool> leads(n, false);
  for (std::size_t d = length; d-- > 0;) {
    for (std::size_t u = 0; u < n; ++u) {
      if (distance[u] != d || !passes(u)) {
        continue;
      }
      for (std::size_t v = 0; v < n; ++v) {
        if (d + 1 == length ? target[v] && (v != u || source[u]) && admits(target[v], whole.allowed(u, v))
                            : v != u && leads[v] && distance[v] == d + 1 && edge(u, v)) {
          leads[u] = true;
        }
      }
    }
  }
  for (std::size_t u = 0; u < n; ++u) {
    for (std::size_t t = 0; t < n; ++t) {
      if (distance[u] + 1 == length && passes(u) && target[t] && (t != u || source[u]) &&
          admits(target[t], whole.allowed(u, t))) {
        result.count += paths[u];
      }
    }
  }
  // The first chain by name: greedily the smallest name that still leads on.
  auto name_less = [&](std::size_t a, std::size_t b) {
    const model::Workload& x = inventory.workloads[a];
    const model::Workload& y = inventory.workloads[b];
    if (x.namespace_name != y.namespace_name) {
      return x.namespace_name < y.namespace_name;
    }
    if (x.name != y.name) {
      return x.name < y.name;
    }
    return x.kind_name() != y.kind_name() ? x.kind_name() < y.kind_name() : a < b;
  };
  std::size_t at = none;
  for (std::size_t s : query.sources) {
    if (leads[s] && (at == none || name_less(s, at))) {
      at = s;
    }
  }
  result.first.push_back(at);
  for (std::size_t d = 1; d <= length; ++d) {
    std::size_t best = none;
    for (std::size_t v = 0; v < n; ++v) {
      const bool ok = d == length ? target[v] && (v != at || source[at]) && admits(target[v], whole.allowed(at, v))
                                  : v != at && leads[v] && distance[v] == d && edge(at, v);
      if (ok && (best == none || name_less(v, best))) {
        best = v;
      }
    }
    at = best;
    result.first.push_back(at);
  }
  return result;
}

// Pods with few connections between them (chain_cluster), for long chains,
// some of them treated alike (one endpoint class, one row of the matrix).
model::Inventory sparse_cluster(unsigned seed) {
  std::mt19937 random(seed);
  auto below = [&](std::size_t k) { return std::uniform_int_distribution<std::size_t>(0, k - 1)(random); };
  const std::size_t n = 5 + below(8);
  // Groups of pods treated alike, a third of them shared.
  const std::size_t groups = n - n / 3;
  std::vector<std::string> pods;
  for (std::size_t i = 0; i < n; ++i) {
    pods.push_back("p" + std::to_string(i) + "=g" + std::to_string(i < groups ? i : below(groups)));
  }
  std::vector<std::string> allow;
  for (std::size_t a = 0; a < groups; ++a) {
    for (std::size_t b = 0; b < groups; ++b) {
      if (below(100) < (a == b ? 30 : 15)) {
        allow.push_back("g" + std::to_string(a) + ">g" + std::to_string(b) +
                        (below(2) == 0 ? ":" + std::to_string(1 + below(3)) : ""));
      }
    }
  }
  return chain_cluster(pods, allow);
}

} // namespace

TEST_CASE("shortest_chain agrees with a search over the whole matrix") {
  int mismatches = 0;
  std::size_t found = 0;
  std::size_t longer = 0; // chains of 2 hops or more
  std::size_t several = 0; // with more than one shortest chain
  std::size_t missing = 0;
  std::size_t longest = 0;
  std::size_t shared_classes = 0; // clusters with workloads treated alike
  for (unsigned seed = 1; seed <= 600; ++seed) {
    const model::Inventory inventory = seed <= 300 ? testing::RandomCluster(seed).cluster() : sparse_cluster(seed);
    const analyzer::Program program(inventory);
    const analyzer::Partition partition(program);
    const analyzer::Matrix whole = analyzer::Matrix::compute(partition);
    const std::size_t n = inventory.workloads.size();
    bool shared = false;
    for (std::size_t c = 0; c < whole.class_count(); ++c) {
      shared = shared || (whole.class_members(c).size() > 1 && whole.class_members(c).front() < n);
    }
    shared_classes += shared ? 1 : 0;
    std::mt19937 pick(seed);
    auto below = [&](std::size_t k) { return std::uniform_int_distribution<std::size_t>(0, k - 1)(pick); };
    for (int question = 0; question < 4; ++question) {
      ChainQuery query;
      query.threads = 1 + seed % 2;
      query.max_hops = 1 + below(6);
      query.sources.push_back(below(n));
      if (below(4) == 0) {
        query.sources.push_back(below(n)); // possibly the same one
      }
      std::vector<bool> chosen(n, false);
      const std::size_t targets = 1 + (below(4) == 0 ? 1 : 0);
      // Half the questions to a workload that the first source cannot reach
      // directly (when there is one), for longer chains.
      std::vector<std::size_t> far;
      for (std::size_t w = 0; w < n; ++w) {
        if (whole.allowed(query.sources.front(), w).empty()) {
          far.push_back(w);
        }
      }
      for (std::size_t i = 0; i < targets; ++i) {
        const std::size_t t = i == 0 && !far.empty() && below(2) == 0 ? far[below(far.size())] : below(n);
        if (chosen[t]) {
          continue;
        }
        chosen[t] = true;
        ChainTarget target{t, std::nullopt};
        if (below(3) == 0) {
          target.port = TargetPort{static_cast<Protocol>(below(3)), static_cast<std::uint16_t>(1 + below(20))};
        }
        query.targets.push_back(target);
      }
      const ChainResult got = analyzer::shortest_chain(partition, query);
      const Reference want = reference(inventory, whole, query);
      const std::string what = "seed " + std::to_string(seed) + " question " + std::to_string(question);

      std::vector<std::size_t> chain;
      bool valid = true;
      for (std::size_t i = 0; i < got.hops.size(); ++i) {
        const analyzer::Hop& hop = got.hops[i];
        if (i == 0) {
          chain.push_back(hop.from);
        }
        valid = valid && hop.from == chain.back() && !hop.allowed.empty() &&
                hop.allowed == whole.allowed(hop.from, hop.to);
        chain.push_back(hop.to);
      }
      const bool agrees = valid && got.hops.size() == want.length.value_or(0) && chain == want.first &&
                          got.shortest_chains == want.count && got.reached == want.reached &&
                          got.exhausted == want.exhausted;
      if (!agrees && mismatches++ < 5) {
        FAIL_CHECK(what << ": got " << got.hops.size() << " hops (" << got.shortest_chains << " shortest, reached "
                        << got.reached << ", exhausted " << got.exhausted << "), want "
                        << want.length.value_or(0) << " (" << want.count << ", reached " << want.reached
                        << ", exhausted " << want.exhausted << "); valid " << valid << " sources "
                        << query.sources.front() << "/" << query.sources.back() << " target " << query.targets.front().workload << " max " << query.max_hops << " chain " << chain.size());
      }
      found += want.length ? 1 : 0;
      longer += want.length.value_or(0) >= 2 ? 1 : 0;
      longest = std::max(longest, want.length.value_or(0));
      several += want.count > 1 ? 1 : 0;
      missing += want.length ? 0 : 1;
    }
  }
  CHECK(mismatches == 0);
  // Every outcome must be common for the comparison to mean something.
  CHECK(found > 400);
  CHECK(longer > 150);
  CHECK(several > 100);
  CHECK(missing > 200);
  CHECK(longest >= 4);
  CHECK(shared_classes > 100);
  MESSAGE("found " << found << ", of 2 hops or more " << longer << ", several shortest " << several
                   << ", none " << missing << ", longest " << longest
                   << ", clusters with shared classes " << shared_classes);
}

TEST_SUITE_END();
