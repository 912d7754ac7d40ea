// SPDX-License-Identifier: Apache-2.0
#pragma once

// Exposure: what a workload's ingress admits and its egress allows in
// general, not only between the endpoints of the inputs.
//
// For each side (the workload's ingress or egress) it reads the program's
// rules that apply to the workload, in evaluation order, as one first-match
// list: the admin tier's rules (allow, deny, or pass: leave the admin tier),
// then either the rules of the NetworkPolicies that isolate it followed by
// "deny everything else", or the baseline tier's rules followed by "allow
// everything else". Read against any peer, the first clause whose peers and
// ports match decides that connection; this is exactly what the evaluators
// do, and the list is the symbolic answer ("pods app=x in namespaces
// team=y on TCP 8080").
//
// Two questions are then answered by the evaluators themselves, not by
// reading the list:
//  - a new namespace: what a pod of a namespace that is not in the inputs
//    (labelled with its name only) may open to the workload (ingress) or
//    receive from it (egress). Candidate pods carry the labels that each
//    clause's pod selector asks for (and none); each is added to a copy of
//    the inputs and evaluated. An answer is proven by its example pod; a
//    labelling that no clause suggests is not tried.
//  - outside addresses: what every address outside the pods and nodes of
//    the inputs may open (ingress) or receive (egress), from the bulk
//    evaluator's external classes, grouped by what they get.

#include <npcheck/analyzer/address_set.hpp>
#include <npcheck/analyzer/endpoint.hpp>
#include <npcheck/analyzer/port_set.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/labels.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace npcheck::analyzer {

// One entry of a side's first-match list.
struct ExposureClause {
  enum class Kind {
    rule,      // a policy's rule: its peers and ports
    isolation, // NetworkPolicy isolation: deny everything not admitted above
    no_policy, // no tier decided: allow everything not decided above
  };
  Kind kind = Kind::rule;
  TierKind tier = TierKind::network_policy;
  // pass: leave the tier (admin: for the NetworkPolicy tier; baseline: for
  // the default, allow)
  Action action = Action::allow;
  RuleId rule = 0;               // only for Kind::rule
};

// What one group of outside addresses gets.
struct OutsideExposure {
  std::vector<AddressRange> ranges; // maximal, IPv4 first, ascending
  ConnectionSet connections;
};

struct SideExposure {
  Direction direction = Direction::ingress;
  // pod, or host_network (no policy applies: everything is allowed).
  SideResult::Subject subject = SideResult::Subject::pod;
  // NetworkPolicies isolating the workload in this direction, ascending.
  std::vector<PolicyId> isolating;
  // The first-match list; always ends with an isolation or no_policy
  // clause.
  std::vector<ExposureClause> clauses;
  // Pairs of policies of one tier with the same priority among those that
  // apply, whose order the API leaves undefined (the list holds them in
  // npcheck's order).
  std::vector<std::pair<PolicyId, PolicyId>> unordered;
  // What a pod of a new namespace (labelled with its name only) gets: the
  // union over the candidate pods, and the candidates that prove it, each
  // with all it gets (in candidate order, each adding something to those
  // before it).
  struct Example {
    model::Labels labels;
    ConnectionSet connections;
  };
  ConnectionSet new_namespace;
  std::vector<Example> new_namespace_examples;
  // Why the new-namespace answer may be short of what such a pod could get:
  // the side has rules on addresses (a new pod's address is unknown, so they
  // never admit it here), or, on egress, rules on named ports (the
  // candidates declare no ports).
  bool new_namespace_skips_addresses = false;
  bool new_namespace_skips_named_ports = false;
  // Outside addresses that get something, grouped by what they get, by
  // first address.
  std::vector<OutsideExposure> outside;

  bool cluster_wide() const { return !new_namespace.empty(); }
  bool external() const { return !outside.empty(); }
};

struct WorkloadExposure {
  std::size_t workload = 0;
  // Indexed by index_of(Direction); a side not asked for has no clauses.
  std::array<SideExposure, 2> sides;
};

struct ExposureOptions {
  std::vector<std::size_t> workloads; // ascending; empty: every workload
  bool ingress = true;
  bool egress = true;
};

// The exposure of each chosen workload, in Inventory order.
std::vector<WorkloadExposure> compute_exposure(const Program& program, const ExposureOptions& options);

} // namespace npcheck::analyzer
