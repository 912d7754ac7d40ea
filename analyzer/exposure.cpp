// SPDX-License-Identifier: Apache-2.0
//
// Exposure (see the header): the first-match list of each side is read off
// the program's tiers in the order the scalar evaluator walks them
// (evaluate.cpp); the new-namespace answer comes from the scalar evaluator
// on a copy of the inputs with candidate pods added, and the outside answer
// from the bulk evaluator's external classes. No policy is interpreted here.

#include <npcheck/analyzer/exposure.hpp>

#include <npcheck/analyzer/address_ranges.hpp>
#include <npcheck/analyzer/matrix.hpp>
#include <npcheck/model/inventory.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <utility>

namespace npcheck::analyzer {
namespace {

// The label every namespace carries (set by the API server).
constexpr const char* k_name_label = "kubernetes.io/metadata.name";
// The values of one In requirement tried as candidates: a list this long is
// rare, and each value costs one evaluation per workload.
constexpr std::size_t k_max_in_values = 16;

// The first-match list of one side of workload w.
SideExposure side_clauses(const Program& program, std::size_t w, Direction direction) {
  SideExposure side;
  side.direction = direction;
  if (program.inventory().workloads[w].host_network) {
    side.subject = SideResult::Subject::host_network;
    side.clauses.push_back({ExposureClause::Kind::no_policy, TierKind::baseline, Action::allow, 0});
    return side;
  }
  const std::size_t d = index_of(direction);
  auto add_ordered_tier = [&](TierKind tier) {
    if (program.tier(tier, direction).empty()) {
      return;
    }
    const std::vector<PolicyId> order = program.selecting(w, direction, tier);
    for (std::size_t i = 0; i < order.size(); ++i) {
      for (std::size_t j = i + 1;
           j < order.size() && program.policy(order[j]).priority == program.policy(order[i]).priority; ++j) {
        side.unordered.emplace_back(order[i], order[j]);
      }
      for (RuleId r : program.policy(order[i]).rules[d]) {
        side.clauses.push_back({ExposureClause::Kind::rule, tier, program.rule(r).action, r});
      }
    }
  };
  add_ordered_tier(TierKind::admin);
  side.isolating = program.selecting(w, direction, TierKind::network_policy);
  if (!side.isolating.empty()) {
    for (PolicyId p : side.isolating) {
      for (RuleId r : program.policy(p).rules[d]) {
        side.clauses.push_back({ExposureClause::Kind::rule, TierKind::network_policy, Action::allow, r});
      }
    }
    side.clauses.push_back({ExposureClause::Kind::isolation, TierKind::network_policy, Action::deny, 0});
    return side;
  }
  add_ordered_tier(TierKind::baseline);
  side.clauses.push_back({ExposureClause::Kind::no_policy, TierKind::baseline, Action::allow, 0});
  return side;
}

// What the new-namespace answer leaves to the rules: rules that allow or pass
// on addresses that may be pods' (a candidate has no address), and egress
// rules that allow or pass on named ports (a candidate declares none).
void note_skips(const Program& program, SideExposure& side) {
  for (const ExposureClause& clause : side.clauses) {
    if (clause.kind != ExposureClause::Kind::rule || clause.action == Action::deny) {
      continue;
    }
    const CompiledRule& rule = program.rule(clause.rule);
    const PeerSet& peers = program.peer_set(rule.peers);
    if (!peers.addresses.empty() &&
        (program.options().ipblock_matches_pods || peers.addresses_always_match_pods)) {
      side.new_namespace_skips_addresses = true;
    }
    if (side.direction == Direction::egress && !program.port_filter(rule.ports).named.empty()) {
      side.new_namespace_skips_named_ports = true;
    }
  }
}

// Labels that a pod selector asks for: matchLabels, the first value of each
// In, and an empty value (a valid label value) for Exists. The selector may
// still refuse them (a NotIn or DoesNotExist on the same key): candidates
// are only proposals, the evaluator decides.
model::Labels labels_asked_by(const model::LabelSelector* selector) {
  model::Labels labels;
  if (selector == nullptr) {
    return labels;
  }
  for (const auto& [key, value] : selector->match_labels.entries()) {
    labels.set(key, value);
  }
  for (const model::Requirement& r : selector->match_expressions) {
    if (labels.contains(r.key)) {
      continue;
    }
    if (r.op == model::Operator::in && !r.values.empty()) {
      labels.set(r.key, r.values.front());
    } else if (r.op == model::Operator::exists) {
      labels.set(r.key, "");
    }
  }
  return labels;
}

// The candidate pods for a new namespace that a side's clauses suggest: no
// labels, and the labels of every selection that may reach namespaces
// beyond one named namespace.
std::vector<model::Labels> candidates(const Program& program, const SideExposure& side) {
  std::vector<model::Labels> result{model::Labels{}};
  for (const ExposureClause& clause : side.clauses) {
    if (clause.kind != ExposureClause::Kind::rule) {
      continue;
    }
    const PeerSet& peers = program.peer_set(program.rule(clause.rule).peers);
    for (SelectionId s : peers.selections) {
      const Selection& selection = program.selection(s);
      if (selection.namespace_name) {
        continue;
      }
      const model::Labels asked = labels_asked_by(selection.pod_selector);
      result.push_back(asked);
      // Each other value of an In requirement too (an earlier rule may catch
      // the first one and not the others): one candidate per value, not
      // their combinations.
      if (selection.pod_selector == nullptr) {
        continue;
      }
      for (const model::Requirement& r : selection.pod_selector->match_expressions) {
        if (r.op != model::Operator::in || selection.pod_selector->match_labels.contains(r.key)) {
          continue;
        }
        for (std::size_t v = 1; v < r.values.size() && v <= k_max_in_values; ++v) {
          model::Labels variant = asked;
          variant.set(r.key, r.values[v]);
          result.push_back(std::move(variant));
        }
      }
    }
  }
  return result;
}

// A namespace name that sorts after every namespace of the inputs (the
// Inventory stays sorted) and is none of them.
std::string new_namespace_name(const model::Inventory& inventory) {
  std::string name = "npcheck-new-namespace";
  auto taken = [&](const std::string& candidate) {
    return std::any_of(inventory.namespaces.begin(), inventory.namespaces.end(),
                       [&](const model::Namespace& ns) { return ns.name >= candidate; }) ||
           std::any_of(inventory.workloads.begin(), inventory.workloads.end(),
                       [&](const model::Workload& wl) { return wl.namespace_name >= candidate; });
  };
  while (taken(name)) {
    name.insert(0, "z");
  }
  return name;
}

// What a pod of a new namespace gets on each side, by the scalar evaluator
// on a copy of the inputs with the candidate pods added.
void expose_to_new_namespace(const Program& program, std::vector<WorkloadExposure>& result) {
  // Candidate labels, deduplicated, and per side the candidates to try.
  std::vector<model::Labels> distinct;
  std::vector<std::array<std::vector<std::size_t>, 2>> tries(result.size());
  for (std::size_t i = 0; i < result.size(); ++i) {
    for (const SideExposure& side : result[i].sides) {
      if (side.clauses.empty()) {
        continue;
      }
      std::vector<std::size_t>& list = tries[i][index_of(side.direction)];
      for (model::Labels& labels : candidates(program, side)) {
        auto at = std::find(distinct.begin(), distinct.end(), labels);
        if (at == distinct.end()) {
          distinct.push_back(std::move(labels));
          at = distinct.end() - 1;
        }
        const std::size_t c = static_cast<std::size_t>(at - distinct.begin());
        if (std::find(list.begin(), list.end(), c) == list.end()) {
          list.push_back(c);
        }
      }
      std::sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) {
        return distinct[a].entries() < distinct[b].entries();
      });
    }
  }
  if (distinct.empty()) {
    return;
  }

  model::Inventory copy = program.inventory();
  const std::size_t first = copy.workloads.size();
  model::Namespace ns;
  ns.name = new_namespace_name(copy);
  ns.labels.set(k_name_label, ns.name);
  for (std::size_t c = 0; c < distinct.size(); ++c) {
    model::Workload pod;
    pod.kind = model::WorkloadKind::pod;
    pod.namespace_name = ns.name;
    // Zero-padded, so that the names sort in candidate order.
    std::string number = std::to_string(c);
    pod.name = "candidate-" + std::string(6 - std::min<std::size_t>(6, number.size()), '0') + number;
    pod.labels = distinct[c];
    copy.workloads.push_back(std::move(pod));
  }
  copy.namespaces.push_back(std::move(ns));
  const Program with_candidates(copy, program.options());

  for (std::size_t i = 0; i < result.size(); ++i) {
    const FlowEndpoint workload = FlowEndpoint::of_workload(result[i].workload);
    for (SideExposure& side : result[i].sides) {
      for (std::size_t c : tries[i][index_of(side.direction)]) {
        const FlowEndpoint candidate = FlowEndpoint::of_workload(first + c);
        const bool ingress = side.direction == Direction::ingress;
        const FlowResult flow =
            ingress ? with_candidates.sides(candidate, workload) : with_candidates.sides(workload, candidate);
        const ConnectionSet& got = ingress ? flow.ingress.allowed : flow.egress.allowed;
        if (!(got - side.new_namespace).empty()) {
          side.new_namespace_examples.push_back(SideExposure::Example{distinct[c], got});
        }
        side.new_namespace.unite(got);
      }
    }
  }
}

// What outside addresses get on each side, from the bulk evaluator's
// external classes.
void expose_to_outside(const Program& program, const ExposureOptions& options,
                       std::vector<WorkloadExposure>& result) {
  std::vector<bool> chosen(program.inventory().workloads.size(), false);
  for (const WorkloadExposure& w : result) {
    chosen[w.workload] = true;
  }
  auto kept = [&](const MatrixEndpoint& e) {
    return e.kind == MatrixEndpointKind::external || chosen[e.workload];
  };
  MatrixOptions matrix_options;
  matrix_options.sources = kept;
  matrix_options.destinations = kept;
  matrix_options.focus = [&](const MatrixEndpoint& e) {
    return e.kind == MatrixEndpointKind::workload && chosen[e.workload];
  };
  matrix_options.focus_direction = !options.egress    ? MatrixOptions::FocusDirection::ingress
                                   : !options.ingress ? MatrixOptions::FocusDirection::egress
                                                      : MatrixOptions::FocusDirection::both;
  matrix_options.classes = MatrixOptions::Classes::scoped; // only the chosen pairs are read
  const Matrix matrix = Matrix::compute(program, matrix_options);
  const std::vector<MatrixEndpoint>& endpoints = matrix.endpoints();

  for (WorkloadExposure& w : result) {
    for (SideExposure& side : w.sides) {
      if (side.clauses.empty()) {
        continue;
      }
      // Grouped by what they get, in order of first address.
      std::vector<std::pair<ConnectionSet, std::vector<AddressRange>>> groups;
      for (std::size_t e = 0; e < endpoints.size(); ++e) {
        if (endpoints[e].kind != MatrixEndpointKind::external) {
          continue;
        }
        const ConnectionSet& got = side.direction == Direction::ingress ? matrix.allowed(e, w.workload)
                                                                        : matrix.allowed(w.workload, e);
        if (got.empty()) {
          continue;
        }
        auto group = std::find_if(groups.begin(), groups.end(),
                                  [&](const auto& g) { return g.first == got; });
        if (group == groups.end()) {
          groups.emplace_back(got, std::vector<AddressRange>{});
          group = groups.end() - 1;
        }
        group->second.insert(group->second.end(), endpoints[e].ranges.begin(), endpoints[e].ranges.end());
      }
      for (auto& [connections, ranges] : groups) {
        // Adjacent classes merge into maximal ranges.
        side.outside.push_back(OutsideExposure{to_address_set(ranges).ranges(), std::move(connections)});
      }
    }
  }
}

} // namespace

std::vector<WorkloadExposure> compute_exposure(const Program& program, const ExposureOptions& options) {
  std::vector<WorkloadExposure> result;
  auto add = [&](std::size_t w) {
    WorkloadExposure exposure;
    exposure.workload = w;
    for (Direction direction : k_directions) {
      if (direction == Direction::ingress ? options.ingress : options.egress) {
        exposure.sides[index_of(direction)] = side_clauses(program, w, direction);
        note_skips(program, exposure.sides[index_of(direction)]);
      } else {
        exposure.sides[index_of(direction)].direction = direction;
      }
    }
    result.push_back(std::move(exposure));
  };
  if (options.workloads.empty()) {
    for (std::size_t w = 0; w < program.inventory().workloads.size(); ++w) {
      add(w);
    }
  } else {
    for (std::size_t w : options.workloads) {
      add(w);
    }
  }
  if (result.empty()) {
    return result;
  }
  expose_to_new_namespace(program, result);
  expose_to_outside(program, options, result);
  return result;
}

} // namespace npcheck::analyzer
