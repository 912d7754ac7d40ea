// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/analyzer/address_set.hpp>
#include <npcheck/analyzer/matrix.hpp>
#include <npcheck/analyzer/port_set.hpp>
#include <npcheck/analyzer/partition.hpp>
#include <npcheck/analyzer/program.hpp>

#include <cstddef>
#include <optional>
#include <vector>

namespace npcheck::model {
struct EndpointSpec;
struct Service;
struct Workload;
struct Expectation;
struct PortSpec;
} // namespace npcheck::model

namespace npcheck::analyzer {

// One concrete endpoint an expectation side stands for: a workload, a node
// address, or a range of outside addresses that every policy treats alike
// (then endpoint is its first address and ranges are all of its addresses).
struct CheckEndpoint {
  FlowEndpoint endpoint;
  std::vector<AddressRange> ranges; // only for kind external
};

// A pair that breaks an expectation.
struct Violation {
  std::size_t from = 0; // index into ExpectationResult::sources
  std::size_t to = 0;   // index into ExpectationResult::destinations
  // deny: the listed ports the pair allows; allow: the listed ports it does not.
  ConnectionSet offending;
  // The engine's full answer for the pair, with the explanation.
  FlowResult flow;
};

enum class ExpectationStatus {
  passed,
  failed,       // some pair breaks it
  from_empty,   // from matches no endpoint
  to_empty,     // to matches no endpoint
  no_pairs,     // both match, but only an endpoint paired with itself
};

// An endpoint that many failing pairs of an expectation share, the place to
// look first: a source whose egress lets everything through, a destination
// that no policy isolates.
struct FailureCause {
  bool source = true;    // an index into sources (else into destinations)
  std::size_t index = 0;
  std::size_t pairs = 0; // failing pairs with it at that end
  Violation example;     // one of them, with the explanation
};

// A rule, or a NetworkPolicy isolation, that decides many failing pairs of
// an expectation at one side: a deny that is broken is let through by it (a
// rule that admits), an allow that is broken is refused by it (a rule that
// denies, or isolation).
struct RuleCause {
  Direction side = Direction::ingress; // egress of the source, ingress of the destination
  bool isolation = false;              // NetworkPolicy isolation (else a rule)
  RuleId rule = 0;                     // the rule, when not isolation
  std::vector<PolicyId> isolating;     // the isolating policies, for isolation
  std::size_t pairs = 0;               // of the sampled failing pairs
  Violation example;                   // one of them
};

struct ExpectationResult {
  ExpectationStatus status = ExpectationStatus::passed;
  std::vector<CheckEndpoint> sources;
  std::vector<CheckEndpoint> destinations;
  ConnectionSet ports; // the listed ports
  std::size_t pairs = 0;        // pairs checked
  std::size_t failed_pairs = 0; // pairs that break it
  // The first failing pairs (at most CheckOptions::max_violations), in
  // source then destination order.
  std::vector<Violation> violations;
  // Failing pairs per source and per destination (indices as sources and
  // destinations); empty when nothing fails.
  std::vector<std::size_t> failed_from;
  std::vector<std::size_t> failed_to;
  // When more pairs fail than violations lists: the endpoints at one end of
  // the most failing pairs (at least 2, and not the only source or the only
  // destination), most first, at most CheckOptions::max_causes.
  std::vector<FailureCause> causes;
  // Likewise, the rules and isolations that decide the most failing pairs,
  // read from the explanations of the first sampled_pairs failing pairs (at
  // most CheckOptions::max_sampled_pairs): those deciding at least two and a
  // tenth of them, most first, at most max_causes.
  std::vector<RuleCause> rule_causes;
  std::size_t sampled_pairs = 0;

  bool passed() const { return status == ExpectationStatus::passed; }
};

struct CheckOptions {
  std::size_t max_violations = 5;
  std::size_t max_causes = 3;
  // Failing pairs explained to find the deciding rules (and pairs looked at
  // to find them: a budget, so that a check with few failures among
  // millions of pairs stays fast).
  std::size_t max_sampled_pairs = 400;
  std::size_t max_scanned_pairs = 2'000'000;
  // Pairs of one expectation from which the checker answers them through
  // the bulk Matrix (computed once, on first need, and kept) instead of
  // asking the engine pair by pair. Both give the same answers; the Matrix
  // makes `all -> all` on thousands of workloads cost the matrix plus a pass
  // over its sparse rows. 0: always the Matrix.
  std::size_t matrix_from_pairs = 50'000;
};

// Checks expectations against a policy program. Pods
// and workloads are matched by namespace (name or label selector), name,
// kind and pod label selector; a cidr side is split into the ranges that
// every ipBlock treats alike, plus the pods and nodes whose addresses lie in
// it, so that a deny to a cidr fails if any address in it is reachable. An
// endpoint is paired with itself only when it is a workload other than a Pod
// (two replicas talking). The program must outlive the checker. check() keeps
// the Matrix it computes for later calls, so one checker must not be used
// from several threads at once.
class ExpectationChecker {
public:
  explicit ExpectationChecker(const Program& program);

  // The endpoints spec stands for, workloads in Inventory order, then nodes,
  // then outside ranges by address.
  std::vector<CheckEndpoint> resolve(const model::EndpointSpec& spec) const;

  ExpectationResult check(const model::Expectation& expectation, const CheckOptions& options = {}) const;

private:
  std::vector<CheckEndpoint> resolve_cidr(const model::EndpointSpec& spec) const;
  // The partition and the bulk matrix of the program, computed on first use.
  const Partition& partition() const;
  const Matrix& matrix() const;
  // The matrix endpoint that answers for a check endpoint: a workload's own,
  // or the external endpoint holding an outside piece's address; none for
  // a node address.
  std::optional<std::size_t> matrix_endpoint(const CheckEndpoint& endpoint) const;

  const Program& m_program;
  mutable std::optional<Partition> m_partition;
  mutable std::optional<Matrix> m_matrix;
};

// The listed ports as a set; an empty list is every port of every protocol.
ConnectionSet to_connection_set(const std::vector<model::PortSpec>& ports);

// The ports of service that the listed ports name, by index (every port of
// it when the list is empty).
std::vector<std::size_t> service_ports_listed(const model::Service& service,
                                              const std::vector<model::PortSpec>& ports);

// The connections the listed service ports lead to on workload (their
// targetPorts, named ones resolved on it); empty when it is no endpoint of any.
ConnectionSet service_connections(const model::Service& service, const std::vector<model::PortSpec>& ports,
                                  const model::Workload& workload);

} // namespace npcheck::analyzer
