// SPDX-License-Identifier: Apache-2.0
//
// Lint checks of isolation: rules that policyTypes ignores (NP403), a
// direction isolated with nothing allowed (NP401), egress isolation without
// DNS (NP402), workloads no policy selects beside isolated ones (NP601) and
// namespaces without any policy (NP602).

#include "lint_context.hpp"

#include <npcheck/analyzer/selector_match.hpp>

#include <algorithm>
#include <cassert>
#include <map>
#include <optional>
#include <set>

namespace npcheck::analyzer::lint_detail {

// NP403: spec.policyTypes is given and leaves out a direction that has rules.
void check_ignored_rules(Context& context) {
  for (const model::NetworkPolicy& pol : context.inventory().policies) {
    for (Direction direction : {Direction::ingress, Direction::egress}) {
      const std::vector<model::Rule>& list = rules(pol, direction);
      if (affects(pol, direction) || list.empty()) {
        continue;
      }
      const std::string type = direction == Direction::ingress ? "Ingress" : "Egress";
      context.add("NP403", LintSeverity::warning, list.front().where, pol.display_name(),
          "spec." + direction_field(direction) + ": " + plural(list.size(), "rule") +
              " ignored because spec.policyTypes does not list " + type,
          "add " + type + " to spec.policyTypes, or delete spec." + direction_field(direction));
    }
  }
}

// NP401: the policy isolates a direction in which it has no rule, and some
// pod it selects gets no rule of that direction from any policy (so all its
// traffic that way is blocked). Info instead of warning for a deliberate
// deny: the podSelector is {} (the documented default-deny idiom, with or
// without spec.policyTypes) or the name contains "deny". Nothing when every selected pod is allowed
// something by another policy (the usual default-deny plus allow rules).
void check_blocked_directions(Context& context) {
  for (std::size_t p = 0; p < context.policy_count(); ++p) {
    const model::NetworkPolicy& pol = context.policy(p);
    for (Direction direction : {Direction::ingress, Direction::egress}) {
      if (!affects(pol, direction) || !rules(pol, direction).empty()) {
        continue;
      }
      std::vector<std::size_t> blocked;
      for (std::size_t s : context.selected(p)) {
        if (!context.has_rules(s, direction)) {
          blocked.push_back(s);
        }
      }
      if (blocked.empty()) {
        continue;
      }
      const bool deliberate =
          pol.pod_selector.empty() || lower(pol.name).find("deny") != std::string::npos;
      const bool ingress = direction == Direction::ingress;
      std::string message = std::string("isolates ") + (ingress ? "ingress" : "egress") +
                            " without " + (ingress ? "ingress" : "egress") + " rules, and no " +
                            "other policy allows any for " + list(context.workload_names(blocked)) +
                            ": all " + (blocked.size() == 1 ? "its " : "their ") +
                            (ingress ? "incoming" : "outgoing") +
                            " traffic is blocked";
      if (!ingress) {
        message += ", DNS included";
      }
      std::string hint =
          deliberate ? "fine for a deliberate deny; add policies that allow what is needed"
                     : std::string("add ") + (ingress ? "ingress" : "egress") +
                           " rules, or list only the intended directions in spec.policyTypes";
      context.add("NP401", deliberate ? LintSeverity::info : LintSeverity::warning, pol.where,
          pol.display_name(), std::move(message), std::move(hint));
    }
  }
}

namespace {

// The pods that serve cluster DNS: kube-system pods labelled
// k8s-app=kube-dns, else every kube-system pod.
std::vector<std::size_t> dns_servers(const Context& context) {
  const EndpointIndex& index = context.program().index();
  const model::LabelSelector kube_dns = [] {
    model::LabelSelector selector;
    selector.match_labels.set("k8s-app", "kube-dns");
    return selector;
  }();
  std::vector<std::size_t> servers = index.select_workloads("kube-system", kube_dns);
  if (servers.empty()) {
    servers = index.select_workloads("kube-system", model::LabelSelector{});
  }
  return servers;
}

bool dns_ports(const ConnectionSet& ports) {
  return ports.allows(model::Protocol::udp, 53) || ports.allows(model::Protocol::tcp, 53);
}

// Whether rule opens UDP or TCP 53 towards DNS: to a DNS server pod of the
// inputs; when the inputs have none, to a peer in kube-system (a port
// number 53, or a named port whose name contains "dns"); or to an ipBlock
// (a node-local cache or an outside resolver).
bool allows_dns(const Context& context, RuleId r, const std::vector<std::size_t>& servers) {
  const Program& program = context.program();
  const CompiledRule& compiled = program.rule(r);
  const PortFilter& filter = program.port_filter(compiled.ports);
  const model::Rule& rule = context.rule_of(r);
  const bool has_ip_block = std::any_of(rule.peers.begin(), rule.peers.end(),
                                        [](const model::Peer& peer) { return peer.ip_block.has_value(); });
  if (has_ip_block && dns_ports(filter.all ? ConnectionSet::all() : filter.numeric)) {
    return true;
  }
  if (!servers.empty()) {
    return std::any_of(servers.begin(), servers.end(), [&](std::size_t t) {
      const FlowEndpoint server = FlowEndpoint::of_workload(t);
      const bool matched = program.peer_matches(compiled.peers, server, model::IpFamily::v4) ||
                           program.peer_matches(compiled.peers, server, model::IpFamily::v6);
      return matched && dns_ports(program.admitted(compiled.ports, server));
    });
  }
  bool ports_ok = filter.all || dns_ports(filter.numeric);
  for (const NamedPort& named : filter.named) {
    ports_ok = ports_ok || (lower(named.name).find("dns") != std::string::npos &&
                            named.protocol != model::Protocol::sctp);
  }
  if (!ports_ok) {
    return false;
  }
  if (program.peer_set(compiled.peers).everything) {
    return true;
  }
  const model::Labels kube_system = program.index().namespace_labels("kube-system");
  const model::NetworkPolicy& policy = context.policy(program.policy(compiled.policy).origin.index);
  return std::any_of(rule.peers.begin(), rule.peers.end(), [&](const model::Peer& peer) {
    return peer.namespace_selector ? matches(*peer.namespace_selector, kube_system)
                                   : policy.namespace_name == "kube-system" && peer.pod_selector;
  });
}

} // namespace

// NP402: per namespace, the egress-isolated pods that have some egress rule
// (pods without any are NP401's) but none that allows DNS (allows_dns);
// DNS server pods themselves are exempt. Reported once per namespace at the
// first (by file and line) policy that isolates one of them.
void check_dns(Context& context) {
  const Program& program = context.program();
  const std::vector<std::size_t> servers = dns_servers(context);
  std::map<std::string, std::vector<std::size_t>> by_namespace;
  for (std::size_t w = 0; w < context.workloads().size(); ++w) {
    if (context.selecting(w, Direction::egress).empty() || !context.has_rules(w, Direction::egress) ||
        std::find(servers.begin(), servers.end(), w) != servers.end()) {
      continue;
    }
    bool dns = false;
    for (std::size_t q : context.selecting(w, Direction::egress)) {
      for (RuleId r : program.policy(static_cast<PolicyId>(q)).rules[index_of(Direction::egress)]) {
        dns = dns || allows_dns(context, r, servers);
      }
    }
    if (!dns) {
      by_namespace[context.workloads()[w].namespace_name].push_back(w);
    }
  }
  for (const auto& [name, pods] : by_namespace) {
    std::optional<std::size_t> first;
    for (std::size_t w : pods) {
      for (std::size_t q : context.selecting(w, Direction::egress)) {
        if (!first || location_less(context.policy(q).where, context.policy(*first).where)) {
          first = q;
        }
      }
    }
    assert(first);
    const model::NetworkPolicy& pol = context.policy(*first);
    context.add("NP402", LintSeverity::warning, pol.where, pol.display_name(),
        "egress-isolated " + list(context.workload_names(pods)) +
            " may not reach DNS: no egress rule allows UDP or TCP 53 to kube-system",
        "add an egress rule to namespaceSelector kubernetes.io/metadata.name: kube-system, "
        "podSelector k8s-app: kube-dns, on UDP and TCP 53");
  }
}

// NP601: a selectable workload that no policy selects (in either direction)
// in a namespace where some workload is isolated. NP602 (info): a namespace
// with selectable workloads in the inputs and no NetworkPolicy.
void check_coverage(Context& context) {
  const EndpointIndex& index = context.program().index();
  std::set<std::string> with_policy;
  for (const model::NetworkPolicy& pol : context.inventory().policies) {
    with_policy.insert(pol.namespace_name);
  }
  for (const EndpointIndex::NamespaceEntry& entry : index.namespaces()) {
    if (entry.workloads.empty()) {
      continue;
    }
    if (with_policy.count(entry.name) == 0) {
      const model::Namespace* ns = context.inventory().find_namespace(entry.name);
      const model::SourceLocation where =
          ns != nullptr ? ns->where : context.workloads()[entry.workloads.front()].where;
      const std::size_t by_admin = static_cast<std::size_t>(
          std::count_if(entry.workloads.begin(), entry.workloads.end(),
                        [&](std::size_t w) { return admin_covered(context, w); }));
      const std::size_t open = entry.workloads.size() - by_admin;
      std::string message = "namespace " + entry.name + " has no NetworkPolicy: ";
      if (by_admin == 0) {
        message += "its " + plural(open, "workload") + (open == 1 ? " accepts and sends" : " accept and send") +
                   " all traffic";
      } else if (open == 0) {
        message += "only admin policies decide the traffic of its " + plural(by_admin, "workload");
      } else {
        message += "admin policies decide the traffic of " + plural(by_admin, "workload") + ", and " +
                   plural(open, "other") + (open == 1 ? " accepts and sends" : " accept and send") +
                   " all traffic";
      }
      context.add("NP602", LintSeverity::info, where, "Namespace " + entry.name, std::move(message),
          "add a default-deny policy (podSelector: {}) if the namespace should be isolated");
      continue;
    }
    std::vector<std::size_t> isolated;
    std::vector<std::size_t> open;
    for (std::size_t w : entry.workloads) {
      (context.selecting(w, Direction::ingress).empty() && context.selecting(w, Direction::egress).empty()
         ? open
         : isolated)
        .push_back(w);
    }
    if (isolated.empty()) {
      continue;
    }
    // One finding per workload: the pods of one controller that stay apart
    // (--pods, or pods that differ) are one finding with their count.
    std::vector<std::pair<std::string, std::vector<std::size_t>>> groups;
    for (std::size_t w : open) {
      const model::Workload& workload = context.workloads()[w];
      const std::string key = workload.kind == model::WorkloadKind::pod && workload.controller
                                  ? workload.controller->kind + ' ' + workload.namespace_name + '/' +
                                        workload.controller->name
                                  : std::string();
      auto same = std::find_if(groups.begin(), groups.end(), [&key](const auto& g) {
        return !key.empty() && g.first == key;
      });
      if (same == groups.end()) {
        groups.emplace_back(key, std::vector<std::size_t>{w});
      } else {
        same->second.push_back(w);
      }
    }
    for (const auto& [controller, members] : groups) {
      const model::Workload& first = context.workloads()[members.front()];
      std::string subject = "this workload";
      if (members.size() > 1) {
        subject = "these " + std::to_string(members.size()) + " pods of " + controller + " (" +
                  list(context.workload_names(members)) + ")";
      } else if (first.pods.size() > 1) {
        subject += " (its " + std::to_string(first.pods.size()) + " pods)";
      }
      const bool admin = std::any_of(members.begin(), members.end(),
                                     [&context](std::size_t w) { return admin_covered(context, w); });
      context.add("NP601", LintSeverity::warning, first.where,
                  members.size() > 1 ? controller : workload_object(first),
          "no NetworkPolicy selects " + subject + ", while " +
              plural(isolated.size(), "other workload") + " of namespace " + entry.name +
              " (" + list(context.workload_names(isolated)) + ") " +
              (isolated.size() == 1 ? "is" : "are") +
              " isolated: " +
              (admin ? std::string(members.size() > 1 ? "only admin policies decide their traffic"
                                                      : "only admin policies decide its traffic")
                     : std::string(members.size() > 1 ? "they accept and send all traffic"
                                                      : "it accepts and sends all traffic")),
          "add its labels to a policy's podSelector, or add a default-deny policy "
          "(podSelector: {}) to namespace " + entry.name);
    }
  }
}

} // namespace npcheck::analyzer::lint_detail
