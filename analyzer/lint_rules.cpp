// SPDX-License-Identifier: Apache-2.0
//
// Lint checks of the shape of NetworkPolicy rules, for the mistakes that
// widen a rule without anyone meaning it (issue 14):
//  NP203 a ports list where one entry has a protocol but no port, next to
//        entries with ports: that entry admits every port of its protocol,
//        so the numbered entries protect nothing (a shipped GitOps-tool bug:
//        `ports: [{port: 5558}, {protocol: TCP}]`);
//  NP703 two adjacent rules, one with peers and no ports, the next with
//        ports and no peers (or the other way round): a stray '-' splits one
//        rule in two, and together they admit the peers on every port and
//        every source or destination on the ports.

#include "lint_context.hpp"

#include <algorithm>
#include <iterator>
#include <string>

namespace npcheck::analyzer::lint_detail {

namespace {

std::string ports_text(const std::vector<model::PolicyPort>& ports) {
  std::string text;
  for (const model::PolicyPort& port : ports) {
    if (!port.port) {
      continue;
    }
    text += (text.empty() ? "" : ", ") + std::string(model::to_string(port.protocol)) + ' ';
    if (const auto* number = std::get_if<std::uint16_t>(&*port.port)) {
      text += std::to_string(*number);
      if (port.end_port) {
        text += '-' + std::to_string(*port.end_port);
      }
    } else {
      text += std::get<std::string>(*port.port);
    }
  }
  return text;
}

} // namespace

bool has_portless_entry(const model::Rule& rule) {
  const auto numbered = [](const model::PolicyPort& port) { return port.port.has_value(); };
  return std::any_of(rule.ports.begin(), rule.ports.end(), numbered) &&
         !std::all_of(rule.ports.begin(), rule.ports.end(), numbered);
}

void check_rule_shapes(Context& context) {
  for (const model::NetworkPolicy& pol : context.inventory().policies) {
    for (Direction direction : k_directions) {
      if (!affects(pol, direction)) {
        continue; // NP403 reports rules that are ignored
      }
      const std::vector<model::Rule>& list = rules(pol, direction);
      for (std::size_t r = 0; r < list.size(); ++r) {
        const model::Rule& rule = list[r];
        // NP203
        const std::string numbered = ports_text(rule.ports);
        for (std::size_t i = 0; i < rule.ports.size() && !numbered.empty(); ++i) {
          const model::PolicyPort& port = rule.ports[i];
          if (port.port) {
            continue;
          }
          const std::string protocol = model::to_string(port.protocol);
          // The numbered entries of the same protocol restrict nothing; those
          // of other protocols still do.
          std::vector<model::PolicyPort> same;
          std::copy_if(rule.ports.begin(), rule.ports.end(), std::back_inserter(same),
                       [&port](const model::PolicyPort& p) { return p.protocol == port.protocol; });
          const std::string same_numbered = ports_text(same);
          context.add("NP203", LintSeverity::warning, port.where, pol.display_name(),
                      rule_path(direction, r) + ".ports[" + std::to_string(i) + "]: has protocol " +
                          protocol + " but no port, so the rule admits every " + protocol + " port" +
                          (same_numbered.empty()
                               ? " next to its numbered entries (" + numbered + ")"
                               : " and its other " + protocol + " entries (" + same_numbered +
                                     ") restrict nothing"),
                      "add the port this entry was meant to have; remove the entry only if every " +
                          protocol + " port is meant");
        }
        // NP703
        if (r == 0) {
          continue;
        }
        const model::Rule& before = list[r - 1];
        const bool peers_then_ports = !before.peers.empty() && before.ports.empty() &&
                                      rule.peers.empty() && !rule.ports.empty();
        const bool ports_then_peers = before.peers.empty() && !before.ports.empty() &&
                                      !rule.peers.empty() && rule.ports.empty();
        if (!peers_then_ports && !ports_then_peers) {
          continue;
        }
        const model::Rule& ports_rule = peers_then_ports ? rule : before;
        const std::size_t peers_index = peers_then_ports ? r - 1 : r;
        const std::string everyone = direction == Direction::ingress ? "every source" : "every destination";
        const std::string peers_key = direction == Direction::ingress ? "from" : "to";
        context.add("NP703", LintSeverity::warning, rule.where, pol.display_name(),
                    rule_path(direction, r - 1) + " and " + rule_path(direction, r) +
                        ": one rule has only " + peers_key + ", the other only ports; as two rules "
                        "they admit " + everyone + " on " + ports_text(ports_rule.ports) + ", and the peers of " +
                        rule_path(direction, peers_index) + " on every port",
                    "if one rule was meant, remove the '-' before ports: (or before " + peers_key +
                        ":) so that both keys belong to the same list item");
      }
    }
  }
}

} // namespace npcheck::analyzer::lint_detail
