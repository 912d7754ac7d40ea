// SPDX-License-Identifier: Apache-2.0
//
// The scalar evaluator: one flow at a time, with its explanation. A flow
// from S to D passes iff S's egress and D's ingress both allow it, or it is
// always allowed (AddressBook::always_allowed). Each side is decided by the
// tiers of its direction, in order, over the connections still open:
//  1. admin: the policies selecting the endpoint, by priority, each rule in
//     list order; the first rule whose peers match the other end and whose
//     ports admit a connection decides it: allow, deny, or pass (skip the rest
//     of the admin tier);
//  2. NetworkPolicy: if some NetworkPolicy isolates the endpoint for this
//     direction, it decides everything still open: allowed iff some rule of
//     those policies admits it (rules are additive, order never matters);
//  3. baseline: as admin (pass skips to the default);
//  4. default: allowed.
// An end that is not a pod (an address) or a hostNetwork pod is never
// selected, so its side allows everything.
//
// Families: a flow carries the addresses of one IP family, and an address
// block matches a workload only through the workload's address of that
// family. A flow between two workloads with known addresses is evaluated per
// family they have in common and the answers are united; a workload named by
// an address keeps that address's family; an end without known addresses
// takes the other end's.

#include <npcheck/analyzer/program.hpp>

#include <npcheck/model/inventory.hpp>
#include <npcheck/model/workload.hpp>

#include <cassert>

namespace npcheck::analyzer {

namespace {

// Decides what is still open with the first-match rules of one ordered
// tier. Returns the part passed on by a pass rule.
template <typename RuleMatch>
ConnectionSet first_match(const Program& program, std::span<const PolicyId> policies,
                          Direction direction, TierKind tier, RuleMatch rule_admits,
                          ConnectionSet& remaining, SideResult& side, bool explain) {
  ConnectionSet passed;
  for (PolicyId p : policies) {
    for (RuleId r : program.policy(p).rules[index_of(direction)]) {
      if (remaining.empty()) {
        return passed;
      }
      ConnectionSet taken = rule_admits(r) & remaining;
      if (taken.empty()) {
        continue;
      }
      const Action action = program.rule(r).action;
      remaining.subtract(taken);
      if (action == Action::allow) {
        side.allowed.unite(taken);
      } else if (action == Action::pass) {
        passed.unite(taken);
      }
      if (explain) {
        side.decisions.push_back(Decision{Decision::By::rule, tier, action, r, std::move(taken)});
      }
    }
  }
  return passed;
}

} // namespace

SideResult Program::evaluate_side(const FlowEndpoint& self, const FlowEndpoint& peer,
                                  const FlowEndpoint& destination, Direction direction,
                                  std::optional<model::IpFamily> family, Detail detail,
                                  const OrderedTiers* order) const {
  SideResult side;
  if (self.kind != EndpointKind::workload) {
    side.subject = SideResult::Subject::not_a_pod;
    side.allowed = ConnectionSet::all();
    return side;
  }
  if (m_inventory.workloads[self.workload].host_network) {
    side.subject = SideResult::Subject::host_network;
    side.allowed = ConnectionSet::all();
    return side;
  }
  const bool explain = detail == Detail::explain;
  auto rule_admits = [&](RuleId r) {
    const CompiledRule& rule = m_rules[r];
    return peer_matches(rule.peers, peer, family) ? admitted(rule.ports, destination)
                                                  : ConnectionSet::none();
  };
  ConnectionSet remaining = ConnectionSet::all();
  OrderedTiers selected;
  if (order != nullptr) {
    selected = *order;
  } else {
    for (std::size_t t = 0; t < 2; ++t) {
      const TierKind kind = t == 0 ? TierKind::admin : TierKind::baseline;
      if (!tier(kind, direction).empty()) {
        selected[t] = selecting(self.workload, direction, kind);
      }
    }
  }

  if (!selected[0].empty()) {
    remaining.unite(first_match(*this, selected[0], direction, TierKind::admin, rule_admits,
                                remaining, side, explain));
  }

  side.isolating = selecting(self.workload, direction, TierKind::network_policy);
  if (side.isolated() && !remaining.empty()) {
    ConnectionSet admitted_here;
    for (PolicyId p : side.isolating) {
      for (RuleId r : m_policies[p].rules[index_of(direction)]) {
        ConnectionSet part = rule_admits(r) & remaining;
        if (part.empty()) {
          continue;
        }
        admitted_here.unite(part);
        if (explain) {
          side.decisions.push_back(
              Decision{Decision::By::rule, TierKind::network_policy, Action::allow, r, std::move(part)});
        } else if (admitted_here == remaining) {
          break;
        }
      }
    }
    ConnectionSet refused = remaining - admitted_here;
    side.allowed.unite(admitted_here);
    if (explain && !refused.empty()) {
      side.decisions.push_back(Decision{Decision::By::isolation, TierKind::network_policy,
                                        Action::deny, 0, std::move(refused)});
    }
    remaining = ConnectionSet::none();
  }

  if (!remaining.empty() && !selected[1].empty()) {
    remaining.unite(first_match(*this, selected[1], direction, TierKind::baseline, rule_admits,
                                remaining, side, explain));
  }

  if (!remaining.empty()) {
    side.allowed.unite(remaining);
    if (explain) {
      side.decisions.push_back(Decision{Decision::By::default_allow, TierKind::baseline,
                                        Action::allow, 0, std::move(remaining)});
    }
  }

  // Ties (shared/spec/admin-policies.md §2.4): two policies of one tier with
  // the same priority may be applied in either order. Swap each such pair
  // and see whether the side's answer changes.
  if (explain && order == nullptr) {
    for (std::size_t t = 0; t < 2; ++t) {
      const std::vector<PolicyId>& list = selected[t];
      for (std::size_t i = 0; i < list.size(); ++i) {
        for (std::size_t j = i + 1;
             j < list.size() && m_policies[list[j]].priority == m_policies[list[i]].priority; ++j) {
          OrderedTiers swapped = selected;
          std::swap(swapped[t][i], swapped[t][j]);
          const SideResult other =
              evaluate_side(self, peer, destination, direction, family, Detail::verdict, &swapped);
          if (other.allowed != side.allowed) {
            side.ties.push_back(Tie{list[i], list[j], (other.allowed - side.allowed) | (side.allowed - other.allowed)});
          }
        }
      }
    }
  }
  return side;
}

FlowResult Program::evaluate_family(const FlowEndpoint& src, const FlowEndpoint& dst,
                                    std::optional<model::IpFamily> family, Detail detail) const {
  FlowResult result;
  result.family = family;
  result.egress = evaluate_side(src, dst, dst, Direction::egress, family, detail);
  if (detail == Detail::verdict && result.egress.allowed.empty()) {
    return result;
  }
  result.ingress = evaluate_side(dst, src, dst, Direction::ingress, family, detail);
  result.allowed = result.egress.allowed & result.ingress.allowed;
  return result;
}

FlowResult Program::evaluate(const FlowEndpoint& src, const FlowEndpoint& dst, Detail detail) const {
  assert(src.kind != EndpointKind::workload || src.workload < m_inventory.workloads.size());
  assert(dst.kind != EndpointKind::workload || dst.workload < m_inventory.workloads.size());
  const AlwaysAllowed always = m_addresses.always_allowed(src, dst);
  if (always != AlwaysAllowed::no && detail == Detail::verdict) {
    FlowResult result;
    result.always = always;
    result.allowed = ConnectionSet::all();
    return result;
  }

  const Families from = m_addresses.families(src);
  const Families to = m_addresses.families(dst);
  FlowResult result;
  if (!from.known() && !to.known()) {
    result = evaluate_family(src, dst, std::nullopt, detail);
  } else {
    const Families common = !from.known() ? to
                            : !to.known() ? from
                                          : Families{from.v4 && to.v4, from.v6 && to.v6};
    if (!common.known()) {
      result.no_common_family = true;
    } else if (common.v4 != common.v6) {
      result = evaluate_family(src, dst, common.v4 ? model::IpFamily::v4 : model::IpFamily::v6,
                               detail);
    } else {
      FlowResult v4 = evaluate_family(src, dst, model::IpFamily::v4, detail);
      FlowResult v6 = evaluate_family(src, dst, model::IpFamily::v6, detail);
      if (v4.allowed == v6.allowed && v4.egress.allowed == v6.egress.allowed &&
          v4.ingress.allowed == v6.ingress.allowed) {
        result = std::move(v4);
        result.family.reset();
      } else {
        result.allowed = v4.allowed | v6.allowed;
        result.egress = v4.egress;
        result.ingress = v4.ingress;
        if (detail == Detail::sides) {
          // What each side allows on some family.
          result.egress.allowed.unite(v6.egress.allowed);
          result.ingress.allowed.unite(v6.ingress.allowed);
        }
        if (detail == Detail::explain) {
          result.by_family.push_back(std::move(v4));
          result.by_family.push_back(std::move(v6));
        }
      }
    }
  }
  result.always = always;
  if (always != AlwaysAllowed::no) {
    result.allowed = ConnectionSet::all();
  }
  return result;
}

FlowResult Program::evaluate(const FlowEndpoint& src, const FlowEndpoint& dst) const {
  return evaluate(src, dst, Detail::explain);
}

ConnectionSet Program::allowed(const FlowEndpoint& src, const FlowEndpoint& dst) const {
  return evaluate(src, dst, Detail::verdict).allowed;
}

FlowResult Program::sides(const FlowEndpoint& src, const FlowEndpoint& dst) const {
  FlowResult result = evaluate(src, dst, Detail::sides);
  if (result.always != AlwaysAllowed::no) {
    // The sides' own answers, not the always-allowed case.
    result.allowed = result.egress.allowed & result.ingress.allowed;
  }
  return result;
}

} // namespace npcheck::analyzer
