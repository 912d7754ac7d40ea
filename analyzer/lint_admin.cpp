// SPDX-License-Identifier: Apache-2.0
//
// Lint checks of the admin tiers (AdminNetworkPolicy,
// BaselineAdminNetworkPolicy, ClusterNetworkPolicy), read from the program's
// ordered tiers (shared/spec/admin-policies.md §2.3, §2.4, §4, §9):
//  NP801 two policies of one tier with the same priority select common pods:
//        their order is undefined (§2.4);
//  NP802 a rule can never decide: an earlier rule of the same policy, or of a
//        policy of the same tier evaluated before it for all of its pods,
//        already matches every peer and port it matches;
//  NP803 a Pass hands its traffic to nothing: no NetworkPolicy isolates its
//        pods in that direction and no baseline rule applies, so it allows
//        (and a Baseline-tier Pass always goes to the default);
//  NP804 a networks CIDR of a Deny or Pass covers pod or node addresses (0.0.0.0/0
//        and ::/0 cover every pod), with no earlier rule of the policy taking
//        pod traffic first: pod-to-pod traffic is caught too (§4);
//  NP805 a policy whose subject matches only hostNetwork pods, which admin
//        policies never select (§2.1).
// nodes peers without Node objects are a loader warning (NP001), said by
// every command.

#include "lint_context.hpp"

#include <npcheck/analyzer/selector_match.hpp>
#include <npcheck/model/workload.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace npcheck::analyzer::lint_detail {

namespace {

const model::AdminPolicy& source_of(const Program& program, PolicyId id) {
  return program.inventory().admin_policies[program.policy(id).origin.index];
}

const model::AdminRule& rule_source(const Program& program, RuleId id) {
  const CompiledRule& rule = program.rule(id);
  const model::AdminPolicy& policy = source_of(program, rule.policy);
  return (rule.direction == Direction::ingress ? policy.ingress : policy.egress)[rule.index];
}

std::string admin_rule_name(const Program& program, RuleId id) {
  const CompiledRule& rule = program.rule(id);
  const model::AdminRule& source = rule_source(program, id);
  return program.policy(rule.policy).name + ' ' + rule_path(rule.direction, rule.index) +
         (source.name.empty() ? std::string() : " \"" + source.name + '"') + " (" +
         rule.where.to_string() + ')';
}

bool is_subset(const std::vector<std::uint32_t>& small, const std::vector<std::uint32_t>& big) {
  return std::includes(big.begin(), big.end(), small.begin(), small.end());
}

bool intersects(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i == *j) {
      return true;
    }
    *i < *j ? ++i : ++j;
  }
  return false;
}

// Whether every endpoint peer set `inner` matches, `outer` matches too
// (selection by selection, and address by address).
bool peers_cover(const Program& program, PeerSetId outer, PeerSetId inner) {
  const PeerSet& o = program.peer_set(outer);
  const PeerSet& i = program.peer_set(inner);
  if (o.everything) {
    return true;
  }
  if (i.everything) {
    return false;
  }
  if (!(i.addresses - o.addresses).empty()) {
    return false;
  }
  // A peer set that matches nothing npcheck knows (domainNames only, nodes
  // without Node objects) may match what it cannot see: never covered.
  if (i.selections.empty() && i.addresses.empty() && !i.matches_unaddressed_pods) {
    return false;
  }
  // With the pods of the inputs: every pod inner's selectors match, outer's
  // match too (inner matching some pod: one matching none is another
  // mistake).
  const std::vector<std::uint32_t>& inner_pods = program.selector_members(inner);
  if (!inner_pods.empty() && is_subset(inner_pods, program.selector_members(outer))) {
    return true;
  }
  for (SelectionId s : i.selections) {
    if (std::binary_search(o.selections.begin(), o.selections.end(), s)) {
      continue;
    }
    // A selection matching every pod (no selectors) covers any other.
    bool covered = false;
    for (SelectionId t : o.selections) {
      const Selection& sel = program.selection(t);
      covered = covered || (!sel.namespace_name && sel.namespace_selector == nullptr &&
                            sel.pod_selector == nullptr);
    }
    if (!covered) {
      return false;
    }
  }
  return true;
}

// Whether every connection filter `inner` admits, `outer` admits too, towards
// any destination.
bool ports_cover(const Program& program, PortFilterId outer, PortFilterId inner) {
  const PortFilter& o = program.port_filter(outer);
  const PortFilter& i = program.port_filter(inner);
  if (o.all) {
    return true;
  }
  if (i.all || !(i.numeric - o.numeric).empty()) {
    return false;
  }
  return std::all_of(i.named.begin(), i.named.end(), [&](const NamedPort& named) {
    return std::find(o.named.begin(), o.named.end(), named) != o.named.end();
  });
}

// NP801
void check_ties(Context& context) {
  const Program& program = context.program();
  std::set<std::pair<PolicyId, PolicyId>> reported;
  for (TierKind tier : {TierKind::admin, TierKind::baseline}) {
    std::vector<PolicyId> policies;
    for (Direction direction : k_directions) {
      for (PolicyId p : program.tier(tier, direction)) {
        policies.push_back(p);
      }
    }
    std::sort(policies.begin(), policies.end());
    policies.erase(std::unique(policies.begin(), policies.end()), policies.end());
    for (std::size_t a = 0; a < policies.size(); ++a) {
      for (std::size_t b = a + 1; b < policies.size(); ++b) {
        const CompiledPolicy& x = program.policy(policies[a]);
        const CompiledPolicy& y = program.policy(policies[b]);
        if (x.priority != y.priority) {
          continue;
        }
        // Only a direction both have rules in can be decided in either order.
        const bool shared_direction = (!x.rules[0].empty() && !y.rules[0].empty()) ||
                                      (!x.rules[1].empty() && !y.rules[1].empty());
        const std::vector<std::uint32_t>& xs = program.members(x.subject);
        const std::vector<std::uint32_t>& ys = program.members(y.subject);
        if (!shared_direction || !intersects(xs, ys)) {
          continue;
        }
        std::vector<std::size_t> common;
        std::set_intersection(xs.begin(), xs.end(), ys.begin(), ys.end(), std::back_inserter(common));
        const CompiledPolicy& later = location_less(x.where, y.where) ? y : x;
        const CompiledPolicy& earlier = &later == &x ? y : x;
        context.add("NP801", LintSeverity::warning, later.where, later.name,
                    "has the same priority (" + std::to_string(later.priority) + ") in the " +
                        to_string(tier) + " tier as " + earlier.name + " (" + earlier.where.to_string() +
                        "), and both select " + plural(common.size(), "workload") + " (" +
                        list(context.workload_names(common)) +
                        "): which one applies first is undefined and may differ between "
                        "implementations",
                    "give one of them another priority");
      }
    }
  }
}

// NP802: rules never reached. Returns them.
std::set<RuleId> check_shadowed(Context& context) {
  std::set<RuleId> shadowed;
  const Program& program = context.program();
  for (TierKind tier : {TierKind::admin, TierKind::baseline}) {
    for (Direction direction : k_directions) {
      const std::span<const PolicyId> order = program.tier(tier, direction);
      const std::size_t d = index_of(direction);
      for (std::size_t pi = 0; pi < order.size(); ++pi) {
        const CompiledPolicy& policy = program.policy(order[pi]);
        const std::vector<std::uint32_t>& subjects = program.members(policy.subject);
        const std::vector<RuleId>& rules = policy.rules[d];
        for (std::size_t ri = 0; ri < rules.size(); ++ri) {
          const CompiledRule& rule = program.rule(rules[ri]);
          // Names and peers of a newer CRD match what npcheck cannot see:
          // such a rule is never reported.
          const model::AdminRule& source = rule_source(program, rules[ri]);
          if (std::any_of(source.peers.begin(), source.peers.end(), [](const model::AdminPeer& peer) {
                return peer.type == model::AdminPeer::Type::domain_names ||
                       peer.type == model::AdminPeer::Type::unknown;
              })) {
            continue;
          }
          std::optional<RuleId> shadow;
          // Earlier rules of the same policy.
          for (std::size_t q = 0; q < ri && !shadow; ++q) {
            const CompiledRule& earlier = program.rule(rules[q]);
            if (peers_cover(program, earlier.peers, rule.peers) &&
                ports_cover(program, earlier.ports, rule.ports)) {
              shadow = rules[q];
            }
          }
          // Rules of policies evaluated before it for every pod it selects
          // (a lower priority, or an equal one the program orders first: an
          // NP801 tie, said there).
          for (std::size_t qi = 0; qi < pi && !shadow && !subjects.empty(); ++qi) {
            const CompiledPolicy& before = program.policy(order[qi]);
            if (before.priority == policy.priority ||
                !is_subset(subjects, program.members(before.subject))) {
              continue;
            }
            for (RuleId q : before.rules[d]) {
              const CompiledRule& earlier = program.rule(q);
              if (peers_cover(program, earlier.peers, rule.peers) &&
                  ports_cover(program, earlier.ports, rule.ports)) {
                shadow = q;
                break;
              }
            }
          }
          if (!shadow) {
            continue;
          }
          shadowed.insert(rules[ri]);
          const CompiledRule& by = program.rule(*shadow);
          context.add("NP802", LintSeverity::warning, rule.where, policy.name,
                      rule_path(direction, rule.index) + ": never applies: " +
                          admin_rule_name(program, *shadow) + " comes first and matches every peer and "
                          "port it matches (" + to_string(by.action) + ")",
                      "move the rule before the one that shadows it, or remove it");
        }
      }
    }
  }
  return shadowed;
}

// NP803: a Pass that hands over to nothing (but not one NP802 reports).
void check_pass_to_nothing(Context& context, const std::set<RuleId>& shadowed) {
  const Program& program = context.program();
  for (Direction direction : k_directions) {
    const std::size_t d = index_of(direction);
    for (TierKind tier : {TierKind::admin, TierKind::baseline}) {
      for (PolicyId p : program.tier(tier, direction)) {
        const CompiledPolicy& policy = program.policy(p);
        const std::vector<std::uint32_t>& subjects = program.members(policy.subject);
        bool handed = tier == TierKind::baseline ? false : subjects.empty();
        if (tier == TierKind::admin) {
          for (std::uint32_t w : subjects) {
            handed = handed || !context.selecting(w, direction).empty() ||
                     !program.selecting(w, direction, TierKind::baseline).empty();
          }
        }
        if (handed) {
          continue;
        }
        for (RuleId r : policy.rules[d]) {
          const CompiledRule& rule = program.rule(r);
          if (rule.action != Action::pass || shadowed.count(r) != 0) {
            continue;
          }
          const std::string allow = source_of(program, p).v1alpha1() ? "Allow" : "Accept";
          context.add("NP803", LintSeverity::warning, rule.where, policy.name,
                      rule_path(direction, rule.index) + ": Pass hands the traffic to nothing: " +
                          (tier == TierKind::baseline
                               ? std::string("a Baseline-tier Pass goes to the default, which allows")
                               : "no NetworkPolicy isolates its pods for " + direction_field(direction) +
                                     " and no baseline policy selects them, so it allows"),
                      "write action: " + allow + " if allowing is meant, or add the NetworkPolicy "
                      "the Pass is meant to hand over to");
        }
      }
    }
  }
}

// NP804: networks CIDRs catching pod or node traffic.
void check_networks_cover_pods(Context& context) {
  const Program& program = context.program();
  const model::Inventory& inventory = context.inventory();
  for (PolicyId p = 0; p < program.policies().size(); ++p) {
    const CompiledPolicy& policy = program.policy(p);
    if (policy.origin.kind != PolicyKind::admin_policy) {
      continue;
    }
    const std::vector<RuleId>& rules = policy.rules[index_of(Direction::egress)];
    bool pods_taken = false; // an earlier Allow/Pass matching every pod
    for (RuleId r : rules) {
      const CompiledRule& rule = program.rule(r);
      const model::AdminRule& source = rule_source(program, r);
      if (rule.action != Action::deny) {
        const PeerSet& peers = program.peer_set(rule.peers);
        bool all_pods = peers.everything;
        for (SelectionId s : peers.selections) {
          const Selection& sel = program.selection(s);
          all_pods = all_pods || (!sel.namespace_name && sel.namespace_selector == nullptr &&
                                  sel.pod_selector == nullptr);
        }
        pods_taken = pods_taken || (all_pods && program.port_filter(rule.ports).all);
        if (rule.action == Action::allow) {
          continue;
        }
      }
      if (pods_taken) {
        continue;
      }
      for (std::size_t k = 0; k < source.peers.size(); ++k) {
        const model::AdminPeer& peer = source.peers[k];
        if (peer.type != model::AdminPeer::Type::networks) {
          continue;
        }
        for (std::size_t c = 0; c < peer.networks.size(); ++c) {
          const model::Cidr& cidr = peer.networks[c];
          std::vector<std::string> covered;
          std::size_t count = 0;
          for (const model::Workload& w : inventory.workloads) {
            const bool inside = std::any_of(w.pod_ips.begin(), w.pod_ips.end(),
                                            [&](const model::IpAddress& ip) { return cidr.contains(ip); });
            if (inside && !w.host_network) {
              ++count;
              if (covered.size() < k_listed) {
                covered.push_back(w.display_name());
              }
            }
          }
          std::size_t nodes = 0;
          for (const model::Node& node : inventory.nodes) {
            nodes += std::any_of(node.addresses.begin(), node.addresses.end(),
                                 [&](const model::IpAddress& ip) { return cidr.contains(ip); })
                         ? 1
                         : 0;
          }
          // A /0 also covers the pods whose address the inputs do not give.
          const bool everything =
              cidr.prefix == 0 &&
              std::any_of(inventory.workloads.begin(), inventory.workloads.end(), [](const model::Workload& w) {
                return !w.host_network && w.pod_ips.empty();
              });
          if (count == 0 && nodes == 0 && !everything) {
            continue;
          }
          std::string what;
          if (everything && count == 0) {
            what = "every pod's " + std::string(cidr.address.family == model::IpFamily::v4 ? "IPv4" : "IPv6") +
                   " address (the inputs do not give all of them)";
          } else {
            what = count > 0 ? "the addresses of " + plural(count, "pod") + " (" + list(covered) +
                                   (count > covered.size() ? ", ..." : "") + ")"
                             : std::string();
            if (nodes > 0) {
              what += (what.empty() ? "" : " and ") + plural(nodes, "node");
            }
          }
          context.add("NP804", LintSeverity::warning, rule.where, policy.name,
                      rule_path(Direction::egress, rule.index) + ".to[" + std::to_string(k) + "].networks[" +
                          std::to_string(c) + "]: " + cidr.to_string() + " covers " + what + ": the " +
                          to_string(rule.action) + " applies to that cluster traffic too, not only to "
                          "outside addresses",
                      "put a rule for pod traffic first (" +
                          std::string(source_of(program, p).v1alpha1() ? "Allow" : "Accept") +
                          " to namespaces: {}, or Pass if NetworkPolicies or a baseline policy "
                          "decide it), or narrow the CIDR");
        }
      }
    }
  }
}

// NP805: subjects that are hostNetwork pods only.
void check_host_network_subjects(Context& context) {
  const Program& program = context.program();
  const model::Inventory& inventory = context.inventory();
  for (PolicyId p = 0; p < program.policies().size(); ++p) {
    const CompiledPolicy& policy = program.policy(p);
    if (policy.origin.kind != PolicyKind::admin_policy || !program.members(policy.subject).empty()) {
      continue;
    }
    const model::AdminPolicy& source = source_of(program, p);
    std::vector<std::string> host;
    for (const model::Workload& w : inventory.workloads) {
      if (!w.host_network) {
        continue;
      }
      const model::Labels ns_labels = program.index().namespace_labels(w.namespace_name);
      if (matches(source.subject.namespace_selector, ns_labels) &&
          (!source.subject.pod_selector || matches(*source.subject.pod_selector, w.labels))) {
        host.push_back(w.display_name());
      }
    }
    if (host.empty()) {
      continue;
    }
    context.add("NP805", LintSeverity::warning, policy.where, policy.name,
                "spec.subject matches only hostNetwork pods (" + list(host) +
                    "), which admin policies never select: the policy has no effect",
                "select the pods by another label; a hostNetwork pod is reached at its node's "
                "address, which only the node's firewall (or a nodes peer, which lint then "
                "reports as covering a node) restricts");
  }
}

} // namespace

void check_admin_tiers(Context& context) {
  if (context.inventory().admin_policies.empty()) {
    return;
  }
  check_ties(context);
  const std::set<RuleId> shadowed = check_shadowed(context);
  check_pass_to_nothing(context, shadowed);
  check_networks_cover_pods(context);
  check_host_network_subjects(context);
}

bool admin_covered(const Context& context, std::size_t workload) {
  const Program& program = context.program();
  for (Direction direction : k_directions) {
    for (TierKind tier : {TierKind::admin, TierKind::baseline}) {
      if (!program.tier(tier, direction).empty() &&
          !program.selecting(workload, direction, tier).empty()) {
        return true;
      }
    }
  }
  return false;
}

} // namespace npcheck::analyzer::lint_detail
