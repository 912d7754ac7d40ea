// SPDX-License-Identifier: Apache-2.0
#pragma once

// The policy program: every policy of an Inventory compiled once into one
// form that every command reads. It holds
//  - selections: sets of pods (a namespace part and a pod part), interned, so
//    that each distinct selector is matched once;
//  - peer sets (what a from/to list matches: selections plus addresses) and
//    port filters (numbers, ranges and named ports), interned;
//  - rules (peer set, port filter, action) and policies (subject selection,
//    tier, priority, the directions they isolate), each keeping where it came
//    from;
//  - per direction, the ordered tiers: admin (first match by priority, then
//    rule order: allow, deny or pass), NetworkPolicy (isolation, then the
//    union of the rules), baseline (first match again), default allow.
// Two evaluators read it: the scalar one below (one flow, with its
// explanation: can-reach, check, lint) and the bulk one in matrix.hpp (every
// pair at once). Nothing else interprets a policy.
//
// Adding a policy kind means: a model type, a compiler in program.cpp that
// turns it into policies of a tier, and a PolicyOrigin kind. The evaluators
// do not change.

#include <npcheck/analyzer/address_set.hpp>
#include <npcheck/analyzer/endpoint.hpp>
#include <npcheck/analyzer/port_set.hpp>
#include <npcheck/analyzer/selector_match.hpp>
#include <npcheck/model/ip_address.hpp>
#include <npcheck/model/network_policy.hpp>
#include <npcheck/model/source_location.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace npcheck::model {
struct Inventory;
struct LabelSelector;
} // namespace npcheck::model

namespace npcheck::analyzer {

using PolicyId = std::uint32_t;
using RuleId = std::uint32_t;
using SelectionId = std::uint32_t;
using PeerSetId = std::uint32_t;
using PortFilterId = std::uint32_t;

// The tiers of a direction, in evaluation order.
enum class TierKind { admin, network_policy, baseline };
inline constexpr std::array<TierKind, 3> k_tiers = {TierKind::admin, TierKind::network_policy,
                                                    TierKind::baseline};
// "admin", "NetworkPolicy", "baseline".
const char* to_string(TierKind tier);

enum class Action { allow, deny, pass };
// "allow", "deny", "pass".
const char* to_string(Action action);

// The kind of object a compiled policy comes from.
enum class PolicyKind {
  network_policy, // Inventory::policies
  admin_policy,   // Inventory::admin_policies (AdminNetworkPolicy,
                  // BaselineAdminNetworkPolicy, ClusterNetworkPolicy)
};

struct PolicyOrigin {
  PolicyKind kind = PolicyKind::network_policy;
  std::size_t index = 0; // into the Inventory's list of that kind
};

// A set of pods: those matching pod_selector (nullptr: every pod) in one
// namespace, or in every namespace namespace_selector matches (nullptr: every
// namespace). hostNetwork pods are never members.
struct Selection {
  std::optional<std::string> namespace_name;
  const model::LabelSelector* namespace_selector = nullptr;
  const model::LabelSelector* pod_selector = nullptr;
};

// A named port: matched on the destination pod's container ports by name,
// and by protocol when one is given.
struct NamedPort {
  std::string name;
  std::optional<model::Protocol> protocol;

  friend bool operator==(const NamedPort&, const NamedPort&) = default;
};

// What ports a rule admits: all of them, or numeric ports plus named ports
// resolved on the destination pod.
struct PortFilter {
  bool all = false;
  ConnectionSet numeric;
  std::vector<NamedPort> named; // sorted by (name, protocol), unique
};

// What a from/to list matches: everything (an absent or empty list of a
// NetworkPolicy rule), or the pods of its selections plus the addresses of
// its address blocks (which also match the pods whose IP lies inside).
struct PeerSet {
  bool everything = false;
  std::vector<SelectionId> selections; // sorted, unique
  AddressSet addresses;
  // Whether the addresses match pods (and hostNetwork pods by their node's
  // address) even when ProgramOptions::ipblock_matches_pods is off: the
  // networks and nodes peers of admin policies always do.
  bool addresses_always_match_pods = false;
  // Whether the peer set also matches pods whose address is not known (a
  // workload template, a pod without status.podIPs): an admin networks peer
  // whose CIDRs cover all of IPv4 or all of IPv6 contains every pod's
  // address, whatever it is.
  bool matches_unaddressed_pods = false;
};

struct CompiledRule {
  PolicyId policy = 0;
  Direction direction = Direction::ingress;
  std::uint32_t index = 0; // in the policy's ingress or egress list
  Action action = Action::allow;
  PeerSetId peers = 0;
  PortFilterId ports = 0;
  model::SourceLocation where;
};

struct CompiledPolicy {
  PolicyOrigin origin;
  TierKind tier = TierKind::network_policy;
  std::int32_t priority = 0; // admin and baseline tiers: lower first
  SelectionId subject = 0;
  // NetworkPolicy: the directions of its effective policyTypes (a selected
  // pod is isolated in them). Other tiers never isolate.
  std::array<bool, 2> isolates{};
  // Rules per direction (index_of(Direction)), in list order; only the
  // directions where they take effect.
  std::array<std::vector<RuleId>, 2> rules;
  std::string name; // e.g. "NetworkPolicy shop/api", "AdminNetworkPolicy deny-metadata"
  std::string namespace_name; // NetworkPolicy: its namespace; empty for cluster-scoped kinds
  model::SourceLocation where;
};

struct ProgramOptions {
  // Whether an address block (ipBlock) also matches the pods whose IP lies
  // inside it.
  bool ipblock_matches_pods = true;
};

// ---- the scalar evaluator's answer ----------------------------------------

// What decided one part of one side of a flow.
struct Decision {
  enum class By {
    rule,          // a rule of a policy (admin/baseline: first match; NetworkPolicy: admits)
    isolation,     // NetworkPolicy isolation: no rule of the selecting policies admits it
    default_allow, // no tier decided
  };
  By by = By::rule;
  TierKind tier = TierKind::network_policy;
  Action action = Action::allow; // isolation: deny; default_allow: allow
  RuleId rule = 0;               // only for By::rule
  // The part of the flow this decided: for a first-match rule what it took
  // of what was still open; for a NetworkPolicy rule all it admits of that.
  ConnectionSet connections;
};

// Two policies of one tier with the same priority that both decide part of
// a side, in an order the API leaves undefined, where swapping them changes
// what the side allows.
struct Tie {
  PolicyId first = 0;
  PolicyId second = 0;
  // The connections the side's answer differs on between the two orders.
  ConnectionSet differs;
};

// One side of a flow: the source's egress or the destination's ingress.
struct SideResult {
  enum class Subject {
    pod,          // a pod that policies can select
    not_a_pod,    // an address: no policy applies
    host_network, // a hostNetwork pod: never selected
  };
  Subject subject = Subject::pod;
  // NetworkPolicies selecting the endpoint for this direction, ascending.
  std::vector<PolicyId> isolating;
  // In evaluation order.
  std::vector<Decision> decisions;
  ConnectionSet allowed;
  std::vector<Tie> ties;

  bool isolated() const { return !isolating.empty(); }
};

struct FlowResult {
  // egress.allowed & ingress.allowed (every family), or all when always allowed.
  ConnectionSet allowed;
  AlwaysAllowed always = AlwaysAllowed::no;
  SideResult egress;  // of the source
  SideResult ingress; // of the destination
  // The family the sides were evaluated for, when the flow has exactly one.
  std::optional<model::IpFamily> family;
  // Both ends have known addresses but no family in common.
  bool no_common_family = false;
  // A dual-stack pair whose families get different answers: one result per
  // family (egress/ingress above are then the IPv4 ones).
  std::vector<FlowResult> by_family;

  bool allows(model::Protocol protocol, std::uint16_t port) const {
    return allowed.allows(protocol, port);
  }
};

// ---- membership, for the bulk consumers --------------------------------------

// The members of every selection and peer set, ascending.
struct Membership {
  std::vector<std::vector<std::uint32_t>> selections; // per selection
  // Per peer set: the workloads it matches through its selections (every
  // selectable workload when it matches everything), and per family (v4,
  // v6) the workloads whose address of that family lies in its addresses.
  std::vector<std::vector<std::uint32_t>> peer_selectors;
  std::vector<std::array<std::vector<std::uint32_t>, 2>> peer_addresses;
};

// Where a consumer needs members found: per selection and per peer set, the
// workloads to look among (ascending), or nullptr for every workload.
struct MembershipScope {
  std::vector<const std::vector<std::uint32_t>*> selections;
  std::vector<const std::vector<std::uint32_t>*> peer_sets;
};

// ---- the program -----------------------------------------------------------

class Program {
public:
  // Compiles every policy of inventory; the Inventory must outlive the
  // Program and stay unchanged. Cheap: selections are not matched against
  // every pod until a bulk consumer asks (members()).
  explicit Program(const model::Inventory& inventory, ProgramOptions options = {});
  ~Program();
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  const model::Inventory& inventory() const { return m_inventory; }
  const ProgramOptions& options() const { return m_options; }
  const AddressBook& addresses() const { return m_addresses; }
  const EndpointIndex& index() const { return m_index; }

  // NetworkPolicies are compiled first: PolicyId p is Inventory::policies[p].
  std::span<const CompiledPolicy> policies() const { return m_policies; }
  const CompiledPolicy& policy(PolicyId id) const { return m_policies[id]; }
  std::span<const CompiledRule> rules() const { return m_rules; }
  const CompiledRule& rule(RuleId id) const { return m_rules[id]; }
  std::size_t selection_count() const;
  const Selection& selection(SelectionId id) const;
  std::size_t peer_set_count() const { return m_peer_sets.size(); }
  const PeerSet& peer_set(PeerSetId id) const { return m_peer_sets[id]; }
  std::size_t port_filter_count() const { return m_port_filters.size(); }
  const PortFilter& port_filter(PortFilterId id) const { return m_port_filters[id]; }

  // The policies of a tier that take effect in direction, in evaluation
  // order (admin, baseline: by priority, then kind and name; NetworkPolicy:
  // inventory order).
  std::span<const PolicyId> tier(TierKind tier, Direction direction) const;
  // Whether any admin or baseline policy takes effect in some direction.
  bool has_ordered_tiers() const;

  // ---- one endpoint at a time (no materialization) ----

  // Whether workload is a member of selection.
  bool selects(SelectionId selection, std::size_t workload) const;
  // The policies of a tier whose subject selects workload and that take
  // effect in direction, in evaluation order.
  std::vector<PolicyId> selecting(std::size_t workload, Direction direction, TierKind tier) const;
  // Whether peer set matches the endpoint on a flow of family (absent:
  // the workload's addresses never count).
  bool peer_matches(PeerSetId peers, const FlowEndpoint& endpoint,
                    std::optional<model::IpFamily> family) const;
  // The connections a port filter admits towards destination (named ports
  // resolve on a workload destination's container ports, never on an address).
  ConnectionSet admitted(PortFilterId ports, const FlowEndpoint& destination) const;

  // ---- the scalar evaluator (evaluate.cpp) ----

  // Everything src may open to dst, with the explanation.
  FlowResult evaluate(const FlowEndpoint& src, const FlowEndpoint& dst) const;
  // Just the allowed connections of evaluate(), without the explanation.
  ConnectionSet allowed(const FlowEndpoint& src, const FlowEndpoint& dst) const;
  // What each side allows (egress.allowed, ingress.allowed, allowed), both
  // sides always, without the explanation (no decisions, no ties) and
  // without the always-allowed cases.
  FlowResult sides(const FlowEndpoint& src, const FlowEndpoint& dst) const;

  // ---- every pod at once (computed on first call, thread-safe) ----

  // The members of a selection, ascending.
  const std::vector<std::uint32_t>& members(SelectionId selection) const;
  // The workloads a peer set matches through its selections (not through
  // addresses), ascending; every selectable workload when it matches everything.
  const std::vector<std::uint32_t>& selector_members(PeerSetId peers) const;
  // The workloads whose address of family lies in the peer set's addresses
  // (empty unless ProgramOptions::ipblock_matches_pods), ascending.
  const std::vector<std::uint32_t>& address_members(PeerSetId peers, model::IpFamily family) const;
  // All of the above at once.
  const Membership& membership() const;
  // The members among a scope's candidates (computed on each call): a list
  // holds every candidate that is a member, and other members only where
  // finding them all costs less than testing the candidates. The cost grows
  // with the candidates, not with the cluster.
  Membership membership(const MembershipScope& scope) const;

private:
  struct Compiler;
  struct Selectors;
  // verdict: what passes, stopping early; sides: what each side allows;
  // explain: that and why.
  enum class Detail { verdict, sides, explain };

  FlowResult evaluate(const FlowEndpoint& src, const FlowEndpoint& dst, Detail detail) const;
  FlowResult evaluate_family(const FlowEndpoint& src, const FlowEndpoint& dst,
                             std::optional<model::IpFamily> family, Detail detail) const;
  // The admin and baseline policies selecting an endpoint, in the order
  // to evaluate them.
  using OrderedTiers = std::array<std::vector<PolicyId>, 2>;
  SideResult evaluate_side(const FlowEndpoint& self, const FlowEndpoint& peer,
                           const FlowEndpoint& destination, Direction direction,
                           std::optional<model::IpFamily> family, Detail detail,
                           const OrderedTiers* order = nullptr) const;
  Membership find_members(const MembershipScope* scope) const;

  const model::Inventory& m_inventory;
  ProgramOptions m_options;
  AddressBook m_addresses;
  EndpointIndex m_index;
  std::unique_ptr<Selectors> m_selectors;
  std::vector<CompiledPolicy> m_policies;
  std::vector<CompiledRule> m_rules;
  std::vector<PeerSet> m_peer_sets;
  std::vector<PortFilter> m_port_filters;
  // [index_of(direction)][tier]: policies in evaluation order.
  std::array<std::array<std::vector<PolicyId>, 3>, 2> m_tiers;
  // NetworkPolicies per namespace (EndpointIndex order), for selecting().
  std::vector<std::vector<PolicyId>> m_policies_by_namespace;
  mutable std::unique_ptr<Membership> m_membership;
  mutable std::once_flag m_materialize_once;
};

} // namespace npcheck::analyzer
