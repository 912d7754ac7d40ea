// SPDX-License-Identifier: Apache-2.0
//
// Chains of allowed connections: a breadth-first search over the workloads,
// where a hop u -> v exists when the policy program allows some connection
// from u to v (the source's egress and the destination's ingress, with the
// admin tiers, exactly as Matrix::allowed says). Nothing here reads a
// policy: each level asks the bulk evaluator for the rows of that level's
// workloads only (MatrixOptions::sources), over the columns of the workloads
// not reached yet and of the targets (MatrixOptions::destinations), so the
// work is one bulk pass per level over the rows the search needs.
//
// Level 0 is the sources. Level L holds the workloads first reached by a
// chain of L hops; each remembers the first workload of level L - 1 that
// reached it. The levels are kept in the order of their chains compared
// workload by workload from the source, by namespace, name and kind (a
// workload's position is its parent's position, then its own), so the first chain found to a target, and
// every parent pointer, is the first by name among the shortest ones. Each
// workload also counts the shortest chains that reach it (the sum over its
// parents of theirs), for "one of N". A target ends a chain and is never an
// intermediate; a target reached on another port than the one asked still
// counts as reached.

#include <npcheck/analyzer/paths.hpp>

#include <npcheck/analyzer/matrix.hpp>
#include <npcheck/analyzer/partition.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/inventory.hpp>

#include <algorithm>
#include <cassert>
#include <limits>
#include <numeric>
#include <string>
#include <tuple>
#include <utility>

namespace npcheck::analyzer {

namespace {

constexpr std::size_t k_unset = std::numeric_limits<std::size_t>::max();

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return a > std::numeric_limits<std::uint64_t>::max() - b ? std::numeric_limits<std::uint64_t>::max() : a + b;
}

bool admits(const ChainTarget& target, const ConnectionSet& allowed) {
  return target.port ? allowed.allows(target.port->protocol, target.port->port) : !allowed.empty();
}

} // namespace

ChainResult shortest_chain(const Partition& partition, const ChainQuery& query) {
  assert(!query.sources.empty() && !query.targets.empty() && query.max_hops >= 1);
  const std::vector<model::Workload>& workloads = partition.program().inventory().workloads;
  const std::size_t n = workloads.size();

  // The order chains are compared in: by namespace, name and kind, then
  // Inventory order.
  std::vector<std::string> kinds(n);
  for (std::size_t w = 0; w < n; ++w) {
    kinds[w] = workloads[w].kind_name();
  }
  std::vector<std::size_t> by_name(n);
  std::iota(by_name.begin(), by_name.end(), std::size_t{0});
  std::stable_sort(by_name.begin(), by_name.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(workloads[a].namespace_name, workloads[a].name, kinds[a]) <
           std::tie(workloads[b].namespace_name, workloads[b].name, kinds[b]);
  });
  std::vector<std::size_t> rank(n);
  for (std::size_t i = 0; i < n; ++i) {
    rank[by_name[i]] = i;
  }

  std::vector<const ChainTarget*> target(n, nullptr);
  for (const ChainTarget& t : query.targets) {
    assert(t.workload < n && !target[t.workload]);
    target[t.workload] = &t;
  }
  std::vector<bool> visited(n, false);
  std::vector<std::size_t> level_of(n, k_unset);
  std::vector<std::size_t> parent(n, k_unset);
  std::vector<std::uint64_t> count(n, 0);
  std::vector<ConnectionSet> hop_to(n); // from parent

  std::vector<std::size_t> frontier = query.sources;
  std::sort(frontier.begin(), frontier.end(), [&](std::size_t a, std::size_t b) { return rank[a] < rank[b]; });
  frontier.erase(std::unique(frontier.begin(), frontier.end()), frontier.end());
  for (std::size_t s : frontier) {
    assert(s < n);
    visited[s] = true;
    level_of[s] = 0;
    count[s] = 1;
  }

  ChainResult result;
  for (std::size_t level = 1; level <= query.max_hops && !frontier.empty(); ++level) {
    std::vector<bool> in_frontier(n, false);
    for (std::size_t u : frontier) {
      in_frontier[u] = true;
    }
    MatrixOptions options;
    options.threads = query.threads;
    options.sources = [&](const MatrixEndpoint& e) {
      return e.kind == MatrixEndpointKind::workload && in_frontier[e.workload];
    };
    options.destinations = [&](const MatrixEndpoint& e) {
      return e.kind == MatrixEndpointKind::workload && (!visited[e.workload] || target[e.workload]);
    };
    const Matrix matrix = Matrix::compute(partition, options);

    // The frontier by class, since the endpoints of a class share their row:
    // classes in order of their first position in the frontier, and the
    // chains that reach their members there.
    std::vector<std::size_t> first_position(matrix.class_count(), k_unset);
    std::vector<std::uint64_t> class_chains(matrix.class_count(), 0);
    std::vector<std::uint32_t> classes;
    for (std::size_t position = 0; position < frontier.size(); ++position) {
      const std::uint32_t c = matrix.class_of(frontier[position]);
      if (first_position[c] == k_unset) {
        first_position[c] = position;
        classes.push_back(c);
      }
      class_chains[c] = saturating_add(class_chains[c], count[frontier[position]]);
    }

    // The first chain's last hop (its source's position in the frontier,
    // its target), and the number of chains of this length.
    std::size_t best_position = k_unset;
    std::size_t best_target = k_unset;
    std::uint64_t chains = 0;
    auto arrive = [&](std::size_t position, std::uint64_t through, std::size_t v, const ConnectionSet& allowed) {
      if (!admits(*target[v], allowed)) {
        return;
      }
      chains = saturating_add(chains, through);
      if (position < best_position || (position == best_position && rank[v] < rank[best_target])) {
        best_position = position;
        best_target = v;
      }
    };
    // Sources that are targets: from themselves, and from the other
    // frontier members of class c (v's own class: the members but v).
    for (std::size_t position = 0; position < frontier.size(); ++position) {
      if (target[frontier[position]]) {
        arrive(position, count[frontier[position]], frontier[position],
               matrix.allowed(frontier[position], frontier[position]));
      }
    }
    auto arrive_at_source = [&](std::uint32_t c, std::size_t v, const ConnectionSet& allowed) {
      std::size_t position = first_position[c];
      while (position < frontier.size() && (frontier[position] == v || matrix.class_of(frontier[position]) != c)) {
        ++position;
      }
      if (position == frontier.size()) {
        return;
      }
      const bool saturated = class_chains[c] == std::numeric_limits<std::uint64_t>::max();
      const std::uint64_t through =
          saturated || matrix.class_of(v) != c ? class_chains[c] : class_chains[c] - count[v];
      arrive(position, through, v, allowed);
    };

    // The next level, with the position of each one's parent.
    std::vector<std::pair<std::size_t, std::size_t>> next;
    for (std::uint32_t c : classes) {
      const std::size_t position = first_position[c];
      const std::size_t u = frontier[position];
      for (const MatrixEntry& entry : matrix.row(c)) {
        const ConnectionSet& allowed = matrix.connection(entry.connection);
        if (allowed.empty()) {
          continue; // rows may list a pair with nothing allowed
        }
        for (std::uint32_t v : matrix.class_members(entry.to)) {
          if (in_frontier[v]) {
            if (target[v]) {
              arrive_at_source(c, v, allowed);
            }
            continue;
          }
          if (target[v]) {
            arrive(position, class_chains[c], v, allowed);
          }
          if (!visited[v]) {
            visited[v] = true;
            level_of[v] = level;
            ++result.reached;
            if (!target[v]) {
              parent[v] = u;
              count[v] = class_chains[c];
              hop_to[v] = allowed;
              next.emplace_back(position, v);
            }
          } else if (level_of[v] == level && !target[v]) {
            count[v] = saturating_add(count[v], class_chains[c]);
          }
        }
      }
    }

    if (best_target != k_unset) {
      const std::size_t last_from = frontier[best_position];
      result.hops.push_back(Hop{last_from, best_target, matrix.allowed(last_from, best_target)});
      for (std::size_t w = last_from; parent[w] != k_unset; w = parent[w]) {
        result.hops.push_back(Hop{parent[w], w, hop_to[w]});
      }
      std::reverse(result.hops.begin(), result.hops.end());
      result.shortest_chains = chains;
      return result;
    }
    std::sort(next.begin(), next.end(), [&](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : rank[a.second] < rank[b.second];
    });
    frontier.clear();
    for (const auto& [position, v] : next) {
      frontier.push_back(v);
    }
  }
  result.exhausted = frontier.empty();
  return result;
}

} // namespace npcheck::analyzer
