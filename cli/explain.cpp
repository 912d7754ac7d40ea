// SPDX-License-Identifier: Apache-2.0
//
// Rendering the scalar evaluator's answer (analyzer::FlowResult). A side of
// a flow is a list of decisions in evaluation order; each is shown by what
// made it: a rule (with its policy, tier, priority and file:line),
// NetworkPolicy isolation (the selecting policies, and what their rules admit
// instead), or the default. With NetworkPolicies only, a side is either "not
// isolated" (allows all) or "isolated" by some policies whose rules admit
// some connections.
#include "explain.hpp"
#include "json_format.hpp"

#include <npcheck/analyzer/address_ranges.hpp>
#include <npcheck/model/workload.hpp>

#include <algorithm>
#include <ostream>

namespace npcheck::cli {

namespace {

using analyzer::ConnectionSet;
using analyzer::Decision;
using analyzer::Direction;
using analyzer::FlowResult;
using analyzer::Program;
using analyzer::SideResult;

const char* family_name(model::IpFamily family) {
  return family == model::IpFamily::v4 ? "IPv4" : "IPv6";
}

bool contains(const ConnectionSet& set, const std::optional<PortQuery>& query) {
  return query ? set.allows(query->protocol, query->port) : !set.empty();
}

std::string what(const std::optional<PortQuery>& query) {
  return query ? query_text(*query) : std::string("anything");
}

// Whether a side was decided by NetworkPolicy alone (no ordered tier took part).
bool network_policy_only(const SideResult& side) {
  for (const Decision& d : side.decisions) {
    if (d.tier != analyzer::TierKind::network_policy && d.by != Decision::By::default_allow) {
      return false;
    }
  }
  return true;
}

// "ns/name (file:line)" for each isolating policy, as the sentence already
// says NetworkPolicy.
std::string isolating_list(const Program& program, const SideResult& side) {
  std::string text;
  for (std::size_t i = 0; i < side.isolating.size(); ++i) {
    const analyzer::CompiledPolicy& policy = program.policy(side.isolating[i]);
    const model::NetworkPolicy& source = program.inventory().policies[policy.origin.index];
    text += (i == 0 ? "" : ", ") + source.namespace_name + '/' + source.name + " (" +
            policy.where.to_string() + ")";
  }
  return text;
}

const char* toward(Direction direction) {
  return direction == Direction::ingress ? " from " : " to ";
}

// The decision that decided the query (or the first of those that decided
// anything of the wanted outcome).
const Decision* deciding(const SideResult& side, const std::optional<PortQuery>& query, bool allowed) {
  for (const Decision& d : side.decisions) {
    const bool allows = d.action == analyzer::Action::allow;
    if (query ? contains(d.connections, query) && (d.action != analyzer::Action::pass)
              : allows == allowed && !d.connections.empty()) {
      return &d;
    }
  }
  return nullptr;
}

// One line for one side: "egress of X: ...".
std::string side_reason(const Program& program, const SideResult& side, Direction direction,
                        const std::string& who, const std::string& peer,
                        const std::optional<PortQuery>& query) {
  const std::string head = std::string(analyzer::to_string(direction)) + " of " + who + ": ";
  const bool allows = contains(side.allowed, query);
  const Decision* d = deciding(side, query, allows);
  if (side.subject == SideResult::Subject::not_a_pod) {
    return head + "no policy applies (an address)";
  }
  if (side.subject == SideResult::Subject::host_network) {
    return head + "no policy applies (a hostNetwork pod)";
  }
  if (d == nullptr || (d->by == Decision::By::default_allow && network_policy_only(side))) {
    return head + "not isolated";
  }
  switch (d->by) {
  case Decision::By::rule:
    return head + (d->action == analyzer::Action::allow ? "allowed by " : "denied by ") +
           rule_name(program, d->rule);
  case Decision::By::isolation: {
    // Named with their places, so that a diff or a check names the file
    // and line to change.
    std::string text = head + "isolated by " +
                       (side.isolating.size() == 1 ? "NetworkPolicy " : "NetworkPolicies ") +
                       isolating_list(program, side) + ", no rule admits " + what(query) +
                       toward(direction) + peer;
    if (query && !side.allowed.empty()) {
      text += " (it allows " + side.allowed.to_string() + ")";
    }
    return text;
  }
  case Decision::By::default_allow:
    break;
  }
  return head + "no policy decides " + what(query) + ": allowed by default";
}

std::string decision_line(const Program& program, const Decision& d) {
  switch (d.by) {
  case Decision::By::rule:
    // A pass hands what it takes to the next tier: NetworkPolicy (then the
    // baseline) from the admin tier, the default from the baseline.
    return rule_name(program, d.rule) + ": " + analyzer::to_string(d.action) + ' ' +
           d.connections.to_string() +
           (d.action != analyzer::Action::pass         ? ""
            : d.tier == analyzer::TierKind::admin ? " (on to NetworkPolicy, then the baseline tier)"
                                                  : " (on to the default: allow)");
  case Decision::By::isolation:
    return "NetworkPolicy isolation: deny " + d.connections.to_string();
  case Decision::By::default_allow:
    break;
  }
  return "default: allow " + d.connections.to_string();
}

void write_side(std::ostream& out, const Program& program, const SideResult& side,
                Direction direction, const std::string& who, const std::string& peer,
                const std::string& indent) {
  const char* dir = analyzer::to_string(direction);
  out << indent << dir << " of " << who << ": ";
  if (side.subject == SideResult::Subject::not_a_pod) {
    out << "not a pod, no policy applies: allows " << analyzer::k_all_ports_text << '\n';
    return;
  }
  if (side.subject == SideResult::Subject::host_network) {
    out << "hostNetwork pod, never selected by a policy: allows " << analyzer::k_all_ports_text << '\n';
    return;
  }
  if (network_policy_only(side)) {
    if (!side.isolated()) {
      if (program.has_ordered_tiers()) {
        out << "not isolated by NetworkPolicy, and no admin or baseline rule matches: allows "
            << analyzer::k_all_ports_text << '\n';
      } else {
        out << "not isolated (no policy selects it for " << dir << "): allows " << analyzer::k_all_ports_text
            << '\n';
      }
      return;
    }
    out << "isolated\n" << indent << "  selected by:\n";
    for (analyzer::PolicyId p : side.isolating) {
      out << indent << "    " << policy_place(program, p) << '\n';
    }
    bool any = false;
    for (const Decision& d : side.decisions) {
      if (d.by == Decision::By::rule) {
        if (!any) {
          out << indent << "  admitted by:\n";
        }
        out << indent << "    " << rule_name(program, d.rule) << ": " << d.connections.to_string() << '\n';
        any = true;
      }
    }
    if (!any) {
      out << indent << "  no rule admits traffic" << toward(direction) << peer << '\n';
    }
    out << indent << "  allows: " << side.allowed.to_string() << '\n';
    return;
  }
  // Ordered tiers took part: every decision in evaluation order.
  out << (side.isolated() ? "isolated by NetworkPolicy" : "not isolated by NetworkPolicy") << '\n';
  for (analyzer::PolicyId p : side.isolating) {
    out << indent << "  selected by: " << policy_place(program, p) << '\n';
  }
  out << indent << "  decided by, in order:\n";
  for (const Decision& d : side.decisions) {
    out << indent << "    " << decision_line(program, d) << '\n';
  }
  for (const analyzer::Tie& tie : side.ties) {
    out << indent << "  note: " << policy_name(program, tie.first) << " and "
        << policy_name(program, tie.second)
        << " have the same priority; their order is undefined and changes what this side allows ("
        << tie.differs.to_string() << ")\n";
  }
  out << indent << "  allows: " << side.allowed.to_string() << '\n';
}

const char* subject_name(SideResult::Subject subject) {
  switch (subject) {
  case SideResult::Subject::pod:
    return "pod";
  case SideResult::Subject::not_a_pod:
    return "not_a_pod";
  case SideResult::Subject::host_network:
    return "host_network";
  }
  return "pod";
}

const char* decision_by(Decision::By by) {
  switch (by) {
  case Decision::By::rule:
    return "rule";
  case Decision::By::isolation:
    return "isolation";
  case Decision::By::default_allow:
    return "default";
  }
  return "rule";
}

} // namespace

std::string tie_note(const Program& program, const analyzer::FlowResult& flow,
                     const std::optional<PortQuery>& query) {
  if (flow.always != analyzer::AlwaysAllowed::no) {
    return {};
  }
  std::vector<std::string> pairs;
  // A tie of one side matters where the other side allows (and the query asks).
  auto add = [&](const SideResult& side, const SideResult& other) {
    for (const analyzer::Tie& tie : side.ties) {
      const analyzer::ConnectionSet relevant = tie.differs & other.allowed;
      if (query ? !relevant.allows(query->protocol, query->port) : relevant.empty()) {
        continue;
      }
      std::string pair = policy_name(program, tie.first) + " and " + policy_name(program, tie.second);
      if (std::find(pairs.begin(), pairs.end(), pair) == pairs.end()) {
        pairs.push_back(std::move(pair));
      }
    }
  };
  add(flow.egress, flow.ingress);
  add(flow.ingress, flow.egress);
  for (const analyzer::FlowResult& family : flow.by_family) {
    add(family.egress, family.ingress);
    add(family.ingress, family.egress);
  }
  if (pairs.empty()) {
    return {};
  }
  std::string text = "the answer depends on the order of ";
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    text += (i == 0 ? "" : "; of ") + pairs[i];
  }
  return text + ", which have the same priority (the API leaves their order undefined)";
}

std::string domain_names_note(const Program& program, const analyzer::FlowEndpoint& src,
                              const analyzer::FlowEndpoint& dst) {
  if (src.kind != analyzer::EndpointKind::workload || dst.kind == analyzer::EndpointKind::workload) {
    return {};
  }
  std::vector<std::string> rules;
  for (analyzer::TierKind tier : {analyzer::TierKind::admin, analyzer::TierKind::baseline}) {
    if (program.tier(tier, Direction::egress).empty()) {
      continue;
    }
    for (analyzer::PolicyId p : program.selecting(src.workload, Direction::egress, tier)) {
      const analyzer::CompiledPolicy& policy = program.policy(p);
      const model::AdminPolicy& source = program.inventory().admin_policies[policy.origin.index];
      for (analyzer::RuleId r : policy.rules[analyzer::index_of(Direction::egress)]) {
        const model::AdminRule& rule = source.egress[program.rule(r).index];
        std::string names;
        for (const model::AdminPeer& peer : rule.peers) {
          for (const std::string& name : peer.domain_names) {
            names += (names.empty() ? "" : ", ") + name;
          }
        }
        if (!names.empty()) {
          rules.push_back(rule_name(program, r) + " (" + names + ")");
        }
      }
    }
  }
  if (rules.empty()) {
    return {};
  }
  std::string text = "domainNames are not resolved offline: if " + dst.ip.to_string() +
                     " is an address of a name in ";
  for (std::size_t i = 0; i < rules.size(); ++i) {
    text += (i == 0 ? "" : "; or of ") + rules[i];
  }
  return text + ", that rule may decide this flow instead of the ones shown";
}

std::string query_text(const PortQuery& query) {
  return std::string(model::to_string(query.protocol)) + ' ' + std::to_string(query.port);
}

std::string endpoint_name(const analyzer::FlowEndpoint& endpoint, const model::Inventory& inventory) {
  switch (endpoint.kind) {
  case analyzer::EndpointKind::workload:
    return inventory.workloads[endpoint.workload].display_name();
  case analyzer::EndpointKind::node:
    return "node " + endpoint.ip.to_string() +
           (endpoint.node_name.empty() ? std::string() : " (" + endpoint.node_name + ")");
  case analyzer::EndpointKind::external:
    break;
  }
  return endpoint.ip.to_string();
}

nlohmann::json endpoint_json(const analyzer::FlowEndpoint& e, const model::Inventory& inventory,
                             const std::vector<analyzer::AddressRange>* ranges) {
  nlohmann::json j;
  switch (e.kind) {
  case analyzer::EndpointKind::workload: {
    const model::Workload& w = inventory.workloads[e.workload];
    j["kind"] = w.kind_name();
    j["namespace"] = w.namespace_name;
    j["name"] = w.name;
    j["id"] = w.display_name();
    j["location"] = w.where.to_string();
    break;
  }
  case analyzer::EndpointKind::node:
    j["kind"] = "Node";
    j["ip"] = e.ip.to_string();
    if (!e.node_name.empty()) {
      j["name"] = e.node_name;
    }
    j["id"] = e.ip.to_string();
    break;
  case analyzer::EndpointKind::external:
    j["kind"] = "External";
    if (ranges != nullptr) {
      nlohmann::json cidrs = nlohmann::json::array();
      for (const analyzer::AddressRange& range : *ranges) {
        for (const model::Cidr& cidr : analyzer::to_cidrs(range)) {
          cidrs.push_back(cidr.to_string());
        }
      }
      nlohmann::json exact = nlohmann::json::array();
      for (const analyzer::AddressRange& range : *ranges) {
        exact.push_back(range.first.to_string() + '-' + range.last.to_string());
      }
      j["ranges"] = std::move(exact);
      j["cidrs"] = std::move(cidrs);
      j["id"] = analyzer::addresses_to_string(*ranges);
    } else {
      j["ip"] = e.ip.to_string();
      j["id"] = e.ip.to_string();
    }
    break;
  }
  return j;
}

std::string policy_name(const Program& program, analyzer::PolicyId policy) {
  return program.policy(policy).name;
}

std::string policy_place(const Program& program, analyzer::PolicyId policy) {
  return program.policy(policy).name + " (" + program.policy(policy).where.to_string() + ")";
}

std::string rule_name(const Program& program, analyzer::RuleId id) {
  const analyzer::CompiledRule& rule = program.rule(id);
  const analyzer::CompiledPolicy& policy = program.policy(rule.policy);
  std::string text = policy.name;
  std::string rule_label;
  if (policy.origin.kind == analyzer::PolicyKind::admin_policy) {
    const model::AdminPolicy& source = program.inventory().admin_policies[policy.origin.index];
    // A BaselineAdminNetworkPolicy has no priority.
    text += " (" + std::string(analyzer::to_string(policy.tier)) + " tier" +
            (source.kind == model::AdminKind::baseline_admin_network_policy
                 ? std::string()
                 : ", priority " + std::to_string(policy.priority)) +
            ")";
    const std::vector<model::AdminRule>& rules =
        rule.direction == Direction::ingress ? source.ingress : source.egress;
    if (!rules[rule.index].name.empty()) {
      rule_label = " \"" + rules[rule.index].name + '"';
    }
  }
  return text + ' ' + analyzer::to_string(rule.direction) + '[' + std::to_string(rule.index) + ']' +
         rule_label + " (" + rule.where.to_string() + ")";
}

nlohmann::json policy_json(const Program& program, analyzer::PolicyId id) {
  const analyzer::CompiledPolicy& policy = program.policy(id);
  nlohmann::json j;
  if (policy.origin.kind == analyzer::PolicyKind::admin_policy) {
    const model::AdminPolicy& source = program.inventory().admin_policies[policy.origin.index];
    j["kind"] = model::to_string(source.kind);
    j["name"] = source.name;
    j["tier"] = analyzer::to_string(policy.tier);
    j["priority"] = policy.priority;
  } else {
    const model::NetworkPolicy& source = program.inventory().policies[policy.origin.index];
    j["kind"] = "NetworkPolicy";
    j["namespace"] = source.namespace_name;
    j["name"] = source.name;
    j["tier"] = analyzer::to_string(policy.tier);
  }
  j["location"] = policy.where.to_string();
  return j;
}

nlohmann::json rule_json(const Program& program, analyzer::RuleId id) {
  const analyzer::CompiledRule& rule = program.rule(id);
  nlohmann::json j = {{"policy", policy_json(program, rule.policy)},
                      {"direction", analyzer::to_string(rule.direction)},
                      {"index", rule.index},
                      {"action", analyzer::to_string(rule.action)},
                      {"location", rule.where.to_string()}};
  const analyzer::CompiledPolicy& policy = program.policy(rule.policy);
  if (policy.origin.kind == analyzer::PolicyKind::admin_policy) {
    const model::AdminPolicy& source = program.inventory().admin_policies[policy.origin.index];
    const std::vector<model::AdminRule>& rules =
        rule.direction == Direction::ingress ? source.ingress : source.egress;
    j["name"] = rules[rule.index].name;
  }
  return j;
}

nlohmann::json side_json(const Program& program, const SideResult& side) {
  nlohmann::json j;
  j["subject"] = subject_name(side.subject);
  j["isolated"] = side.isolated();
  j["policies"] = nlohmann::json::array();
  for (analyzer::PolicyId p : side.isolating) {
    j["policies"].push_back(policy_json(program, p));
  }
  j["decisions"] = nlohmann::json::array();
  for (const Decision& d : side.decisions) {
    nlohmann::json dj;
    dj["tier"] = analyzer::to_string(d.tier);
    dj["by"] = decision_by(d.by);
    dj["action"] = analyzer::to_string(d.action);
    if (d.by == Decision::By::rule) {
      dj["rule"] = rule_json(program, d.rule);
    }
    dj["connections"] = connections_json(d.connections);
    j["decisions"].push_back(std::move(dj));
  }
  j["ties"] = nlohmann::json::array();
  j["tie_connections"] = nlohmann::json::array();
  for (const analyzer::Tie& tie : side.ties) {
    j["ties"].push_back({policy_json(program, tie.first), policy_json(program, tie.second)});
    j["tie_connections"].push_back(connections_json(tie.differs));
  }
  j["allowed"] = connections_json(side.allowed);
  return j;
}

nlohmann::json flow_json(const Program& program, const FlowResult& flow) {
  nlohmann::json j;
  j["allowed"] = connections_json(flow.allowed);
  switch (flow.always) {
  case analyzer::AlwaysAllowed::self:
    j["always_allowed"] = "self";
    break;
  case analyzer::AlwaysAllowed::node_local:
    j["always_allowed"] = "node";
    break;
  case analyzer::AlwaysAllowed::no:
    j["always_allowed"] = nullptr;
    break;
  }
  j["family"] = flow.no_common_family ? nlohmann::json("none")
                : flow.family         ? nlohmann::json(family_name(*flow.family))
                                      : nlohmann::json(nullptr);
  j["egress"] = side_json(program, flow.egress);
  j["ingress"] = side_json(program, flow.ingress);
  if (!flow.by_family.empty()) {
    j["by_family"] = nlohmann::json::array();
    for (const FlowResult& part : flow.by_family) {
      j["by_family"].push_back(flow_json(program, part));
    }
  }
  return j;
}

std::string flow_reason(const Program& program, const FlowResult& flow, const std::string& src,
                        const std::string& dst, const std::optional<PortQuery>& query) {
  if (flow.always != analyzer::AlwaysAllowed::no) {
    return flow.always == analyzer::AlwaysAllowed::self
               ? "traffic from a pod to itself is always allowed"
               : "traffic between a pod and the node it runs on is always allowed";
  }
  if (flow.no_common_family) {
    return "the two ends have no IP family in common";
  }
  if (!flow.by_family.empty()) {
    std::string text;
    for (const FlowResult& part : flow.by_family) {
      text += (text.empty() ? "" : "; ") + std::string("over ") + family_name(*part.family) + ": " +
              flow_reason(program, part, src, dst, query);
    }
    return text;
  }
  const bool egress_ok = contains(flow.egress.allowed, query);
  const bool ingress_ok = contains(flow.ingress.allowed, query);
  std::string egress = side_reason(program, flow.egress, Direction::egress, src, dst, query);
  std::string ingress = side_reason(program, flow.ingress, Direction::ingress, dst, src, query);
  if (egress_ok == ingress_ok) {
    return egress + "; " + ingress;
  }
  return egress_ok ? ingress : egress;
}

void write_explanation(std::ostream& out, const Program& program, const FlowResult& flow,
                       const analyzer::FlowEndpoint& src, const analyzer::FlowEndpoint& dst) {
  const model::Inventory& inventory = program.inventory();
  const std::string src_name = endpoint_name(src, inventory);
  const std::string dst_name = endpoint_name(dst, inventory);
  if (flow.always != analyzer::AlwaysAllowed::no) {
    out << flow_reason(program, flow, src_name, dst_name, std::nullopt) << '\n';
    return;
  }
  if (flow.no_common_family) {
    out << "no IP family in common: " << src_name << " and " << dst_name
        << " have addresses of different families only\n";
    return;
  }
  if (!flow.by_family.empty()) {
    for (const FlowResult& part : flow.by_family) {
      out << "over " << family_name(*part.family) << ":\n";
      write_side(out, program, part.egress, Direction::egress, src_name, dst_name, "  ");
      write_side(out, program, part.ingress, Direction::ingress, dst_name, src_name, "  ");
    }
    return;
  }
  if (flow.family && (src.family || dst.family)) {
    out << "family: " << family_name(*flow.family) << '\n';
  }
  write_side(out, program, flow.egress, Direction::egress, src_name, dst_name, "");
  write_side(out, program, flow.ingress, Direction::ingress, dst_name, src_name, "");
}

std::vector<std::string> blame(const Program& program, const FlowResult& flow,
                               const analyzer::FlowEndpoint& src, const analyzer::FlowEndpoint& dst,
                               const ConnectionSet& ports, bool allowed) {
  std::vector<std::string> lines;
  if (flow.always == analyzer::AlwaysAllowed::self) {
    lines.push_back("traffic from a pod to itself is always allowed");
    return lines;
  }
  if (flow.always == analyzer::AlwaysAllowed::node_local) {
    lines.push_back("traffic between a pod and the node it runs on is always allowed");
    return lines;
  }
  if (flow.no_common_family) {
    lines.push_back("the two ends have no IP family in common");
    return lines;
  }
  const model::Inventory& inventory = program.inventory();
  auto side = [&](const SideResult& result, Direction direction, const analyzer::FlowEndpoint& self,
                  const analyzer::FlowEndpoint& peer) {
    if (self.kind != analyzer::EndpointKind::workload) {
      return; // not a pod: no policy applies, never to blame
    }
    const char* dir = analyzer::to_string(direction);
    const std::string head = std::string(dir) + " of " + endpoint_name(self, inventory) + ": ";
    if (allowed) {
      if (result.subject == SideResult::Subject::host_network) {
        lines.push_back(head + "hostNetwork pod, never selected by a policy: allows everything");
        return;
      }
      for (const Decision& d : result.decisions) {
        const ConnectionSet part = d.connections & ports;
        if (part.empty() || d.action != analyzer::Action::allow) {
          continue;
        }
        if (d.by == Decision::By::rule) {
          lines.push_back(head + rule_name(program, d.rule) + " admits " + part.to_string());
        } else if (network_policy_only(result)) {
          lines.push_back(head + "not isolated (no NetworkPolicy selects it for " + dir +
                          "): allows everything");
        } else {
          lines.push_back(head + "no policy decides " + part.to_string() + ": allowed by default");
        }
      }
      return;
    }
    const ConnectionSet refused = ports - result.allowed;
    if (refused.empty()) {
      return;
    }
    for (const Decision& d : result.decisions) {
      const ConnectionSet part = d.connections & refused;
      if (part.empty() || d.action == analyzer::Action::allow) {
        continue;
      }
      if (d.by == Decision::By::rule) {
        if (d.action == analyzer::Action::deny) {
          lines.push_back(head + rule_name(program, d.rule) + " denies " + part.to_string());
        }
        continue;
      }
      lines.push_back(head + "refuses " + part.to_string() + "; isolated by " +
                      (result.isolating.size() == 1 ? "NetworkPolicy " : "NetworkPolicies ") +
                      isolating_list(program, result) + "; their rules admit " + result.allowed.to_string() +
                      toward(direction) + endpoint_name(peer, inventory));
    }
  };
  side(flow.egress, Direction::egress, src, dst);
  side(flow.ingress, Direction::ingress, dst, src);
  return lines;
}

} // namespace npcheck::cli
