// SPDX-License-Identifier: Apache-2.0
//
// The check report. A failed expectation shows its first offending pairs and
// the policies responsible for each, from the engine's explanation:
//  - for a deny that is broken, each side that lets the ports through says
//    why (not isolated, or which rules of which policies admit them);
//  - for an allow that is broken, each side that refuses some of the ports
//    names the policies that isolate it and what their rules admit instead.
#include "check_report.hpp"
#include "json_format.hpp"

#include <npcheck/analyzer/address_ranges.hpp>


#include <map>
#include <ostream>
#include <sstream>

namespace npcheck::cli {

namespace {

using analyzer::CheckEndpoint;
using analyzer::ConnectionSet;
using analyzer::DirectionResult;
using analyzer::EndpointKind;
using analyzer::ExpectationResult;
using analyzer::ExpectationStatus;
using analyzer::Violation;

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + ' ' + word + (n == 1 ? "" : "s");
}

std::string endpoint_text(const CheckEndpoint& e, const model::Inventory& inventory) {
  switch (e.endpoint.kind) {
  case EndpointKind::workload:
    return inventory.workloads[e.endpoint.workload].display_name();
  case EndpointKind::node:
    return "node " + e.endpoint.ip.to_string() +
           (e.endpoint.node_name.empty() ? std::string() : " (" + e.endpoint.node_name + ")");
  case EndpointKind::external:
    break;
  }
  return analyzer::addresses_to_string(e.ranges);
}

std::string ports_text(const ConnectionSet& ports) {
  return ports.is_all() ? "any port" : ports.to_string();
}

std::string policy_text(const model::Inventory& inventory, std::size_t p) {
  const model::NetworkPolicy& policy = inventory.policies[p];
  return policy.namespace_name + '/' + policy.name + " (" + policy.where.to_string() + ")";
}

std::string rule_text(const model::Inventory& inventory, const analyzer::RuleMatch& match) {
  const model::NetworkPolicy& policy = inventory.policies[match.policy];
  const std::vector<model::Rule>& rules =
      match.direction == analyzer::Direction::ingress ? policy.ingress : policy.egress;
  return policy.display_name() + ' ' + analyzer::to_string(match.direction) + '[' +
         std::to_string(match.rule) + "] (" + rules[match.rule].where.to_string() + ")";
}

std::string status_text(const CheckedExpectation& c) {
  const ExpectationResult& r = c.result;
  switch (r.status) {
  case ExpectationStatus::passed:
    return "";
  case ExpectationStatus::from_empty:
    return "from matches no endpoint: " + c.expectation->from.to_string() +
           " (an expectation that matches nothing protects nothing)";
  case ExpectationStatus::to_empty:
    return "to matches no endpoint: " + c.expectation->to.to_string() +
           " (an expectation that matches nothing protects nothing)";
  case ExpectationStatus::no_pairs:
    return "from and to match only the same endpoint, which is not paired with itself";
  case ExpectationStatus::failed:
    break;
  }
  const bool one = r.failed_pairs == 1;
  return std::to_string(r.failed_pairs) + " of " + plural(r.pairs, "pair") +
         (c.expectation->expect == model::Verdict::deny
              ? (one ? " allows a listed port" : " allow a listed port")
              : (one ? " does not allow every listed port" : " do not allow every listed port"));
}

// One line per side of a violating pair that is to blame.
std::vector<std::string> blame(const CheckedExpectation& c, const Violation& v,
                               const model::Inventory& inventory) {
  const CheckEndpoint& src = c.result.sources[v.from];
  const CheckEndpoint& dst = c.result.destinations[v.to];
  std::vector<std::string> lines;
  if (v.flow.always == analyzer::AlwaysAllowed::self) {
    lines.push_back("traffic from a pod to itself is always allowed");
    return lines;
  }
  if (v.flow.always == analyzer::AlwaysAllowed::node_local) {
    lines.push_back("traffic between a pod and the node it runs on is always allowed");
    return lines;
  }
  const bool deny = c.expectation->expect == model::Verdict::deny;
  auto side = [&](const DirectionResult& result, analyzer::Direction direction, const CheckEndpoint& self,
                  const CheckEndpoint& peer) {
    if (self.endpoint.kind != EndpointKind::workload) {
      return; // not a pod: no NetworkPolicy applies, never to blame
    }
    const model::Workload& workload = inventory.workloads[self.endpoint.workload];
    const char* dir = analyzer::to_string(direction);
    std::string head = std::string(dir) + " of " + workload.display_name() + ": ";
    const char* toward = direction == analyzer::Direction::ingress ? " from " : " to ";
    if (deny) {
      if (workload.host_network) {
        lines.push_back(head + "hostNetwork pod, never selected by a NetworkPolicy: allows everything");
      } else if (!result.isolated) {
        lines.push_back(head + "not isolated (no NetworkPolicy selects it for " + dir +
                        "): allows everything");
      } else {
        for (const analyzer::RuleMatch& m : result.rules) {
          ConnectionSet admitted = m.allowed & v.offending;
          if (!admitted.empty()) {
            lines.push_back(head + rule_text(inventory, m) + " admits " + admitted.to_string());
          }
        }
      }
      return;
    }
    ConnectionSet refused = v.offending - result.allowed;
    if (refused.empty()) {
      return;
    }
    std::string text = head + "refuses " + refused.to_string() + "; isolated by " +
                       (result.policies.size() == 1 ? "NetworkPolicy " : "NetworkPolicies ");
    for (std::size_t i = 0; i < result.policies.size(); ++i) {
      text += (i == 0 ? "" : ", ") + policy_text(inventory, result.policies[i]);
    }
    text += "; their rules admit " +
            (result.allowed.empty() ? std::string("nothing") : result.allowed.to_string()) + toward +
            endpoint_text(peer, inventory);
    lines.push_back(text);
  };
  side(v.flow.egress, analyzer::Direction::egress, src, dst);
  side(v.flow.ingress, analyzer::Direction::ingress, dst, src);
  return lines;
}

std::string violation_head(const CheckedExpectation& c, const Violation& v,
                           const model::Inventory& inventory) {
  std::string text = endpoint_text(c.result.sources[v.from], inventory) + " -> " +
                     endpoint_text(c.result.destinations[v.to], inventory) + ": ";
  if (c.expectation->expect == model::Verdict::deny) {
    return text + "allows " + v.offending.to_string();
  }
  return text + "does not allow " + v.offending.to_string() + " (allows " +
         v.flow.allowed.to_string() + ")";
}

std::string expected_text(const CheckedExpectation& c) {
  const model::Expectation& e = *c.expectation;
  return std::string(model::to_string(e.expect)) + ' ' + ports_text(c.result.ports) + " from " +
         e.from.to_string() + " to " + e.to.to_string();
}

// The failure details of one expectation, lines indented by indent.
void write_details(std::ostream& out, const CheckedExpectation& c, const model::Inventory& inventory,
                   const std::string& indent) {
  out << indent << "expected: " << expected_text(c) << '\n';
  out << indent << status_text(c) << (c.result.status == ExpectationStatus::failed ? ":" : "") << '\n';
  for (const Violation& v : c.result.violations) {
    out << indent << "  " << violation_head(c, v, inventory) << '\n';
    for (const std::string& line : blame(c, v, inventory)) {
      out << indent << "    " << line << '\n';
    }
  }
  std::size_t more = c.result.failed_pairs - c.result.violations.size();
  if (more > 0) {
    out << indent << "  ... and " << plural(more, "more pair") << '\n';
  }
}

// ---- JSON -----------------------------------------------------------------

nlohmann::json endpoint_json(const CheckEndpoint& e, const model::Inventory& inventory) {
  nlohmann::json j;
  switch (e.endpoint.kind) {
  case EndpointKind::workload: {
    const model::Workload& w = inventory.workloads[e.endpoint.workload];
    j["kind"] = model::to_string(w.kind);
    j["namespace"] = w.namespace_name;
    j["name"] = w.name;
    break;
  }
  case EndpointKind::node:
    j["kind"] = "Node";
    j["ip"] = e.endpoint.ip.to_string();
    if (!e.endpoint.node_name.empty()) {
      j["name"] = e.endpoint.node_name;
    }
    break;
  case EndpointKind::external: {
    j["kind"] = "External";
    nlohmann::json cidrs = nlohmann::json::array();
    for (const analyzer::AddressRange& range : e.ranges) {
      for (const model::Cidr& cidr : analyzer::to_cidrs(range)) {
        cidrs.push_back(cidr.to_string());
      }
    }
    j["cidrs"] = cidrs;
    break;
  }
  }
  j["id"] = endpoint_text(e, inventory);
  return j;
}

const char* status_name(ExpectationStatus status) {
  switch (status) {
  case ExpectationStatus::passed:
    return "passed";
  case ExpectationStatus::failed:
    return "failed";
  case ExpectationStatus::from_empty:
    return "from-matches-nothing";
  case ExpectationStatus::to_empty:
    return "to-matches-nothing";
  case ExpectationStatus::no_pairs:
    return "no-pairs";
  }
  return "failed";
}

// ---- XML ------------------------------------------------------------------

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    default:
      // XML 1.0 allows no control characters but tab and newlines.
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        out += ' ';
      } else {
        out += c;
      }
    }
  }
  return out;
}

} // namespace

void write_check_text(std::ostream& out, const CheckReport& report) {
  const model::Inventory& inventory = *report.inventory;
  for (const CheckedExpectation& c : report.checked) {
    const ExpectationResult& r = c.result;
    if (r.passed()) {
      out << "PASS " << model::escape_control(c.expectation->name) << " (" << plural(r.pairs, "pair")
          << ")\n";
      continue;
    }
    out << "FAIL " << model::escape_control(c.expectation->name) << " ("
        << c.expectation->where.to_string() << ")\n";
    write_details(out, c, inventory, "  ");
  }
  out << report.passed << " passed, " << report.failed << " failed\n";
}

void write_check_json(std::ostream& out, const CheckReport& report) {
  const model::Inventory& inventory = *report.inventory;
  nlohmann::json list = nlohmann::json::array();
  for (const CheckedExpectation& c : report.checked) {
    const model::Expectation& e = *c.expectation;
    const ExpectationResult& r = c.result;
    nlohmann::json j;
    j["name"] = e.name;
    j["location"] = e.where.to_string();
    j["expect"] = model::to_string(e.expect);
    j["ports"] = connections_json(r.ports);
    j["from"] = e.from.to_string();
    j["to"] = e.to.to_string();
    j["status"] = status_name(r.status);
    j["passed"] = r.passed();
    if (!r.passed()) {
      j["message"] = status_text(c);
    }
    j["sources"] = r.sources.size();
    j["destinations"] = r.destinations.size();
    j["pairs"] = r.pairs;
    j["failed_pairs"] = r.failed_pairs;
    nlohmann::json violations = nlohmann::json::array();
    for (const Violation& v : r.violations) {
      nlohmann::json vj;
      vj["from"] = endpoint_json(r.sources[v.from], inventory);
      vj["to"] = endpoint_json(r.destinations[v.to], inventory);
      vj["allowed"] = connections_json(v.flow.allowed);
      vj[e.expect == model::Verdict::deny ? "offending" : "missing"] = connections_json(v.offending);
      switch (v.flow.always) {
      case analyzer::AlwaysAllowed::self:
        vj["always_allowed"] = "self";
        break;
      case analyzer::AlwaysAllowed::node_local:
        vj["always_allowed"] = "node";
        break;
      case analyzer::AlwaysAllowed::no:
        vj["always_allowed"] = nullptr;
        break;
      }
      vj["egress"] = side_json(v.flow.egress, inventory);
      vj["ingress"] = side_json(v.flow.ingress, inventory);
      vj["reasons"] = blame(c, v, inventory);
      violations.push_back(std::move(vj));
    }
    j["violations"] = std::move(violations);
    list.push_back(std::move(j));
  }
  nlohmann::json doc;
  doc["expectations"] = std::move(list);
  doc["passed"] = report.passed;
  doc["failed"] = report.failed;
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void write_check_junit(std::ostream& out, const CheckReport& report) {
  const model::Inventory& inventory = *report.inventory;
  // One testsuite per expectations file, in argument order.
  std::vector<std::string> files;
  std::map<std::string, std::vector<const CheckedExpectation*>> by_file;
  for (const CheckedExpectation& c : report.checked) {
    if (by_file.find(*c.file) == by_file.end()) {
      files.push_back(*c.file);
    }
    by_file[*c.file].push_back(&c);
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"npcheck check\" tests=\"" << report.checked.size() << "\" failures=\""
      << report.failed << "\" errors=\"0\">\n";
  for (const std::string& file : files) {
    const std::vector<const CheckedExpectation*>& cases = by_file[file];
    std::size_t failures = 0;
    for (const CheckedExpectation* c : cases) {
      failures += c->result.passed() ? 0 : 1;
    }
    out << "  <testsuite name=\"" << xml_escape(file) << "\" tests=\"" << cases.size()
        << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"0\">\n";
    for (const CheckedExpectation* c : cases) {
      out << "    <testcase classname=\"" << xml_escape(file) << "\" name=\""
          << xml_escape(c->expectation->name) << "\" file=\"" << xml_escape(file) << "\" line=\""
          << c->expectation->where.line << "\"";
      if (c->result.passed()) {
        out << "/>\n";
        continue;
      }
      out << ">\n      <failure type=\"" << status_name(c->result.status) << "\" message=\""
          << xml_escape(status_text(*c)) << "\">";
      std::ostringstream details;
      details << c->expectation->where.to_string() << ": " << c->expectation->name << '\n';
      write_details(details, *c, inventory, "");
      out << xml_escape(details.str()) << "</failure>\n    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

} // namespace npcheck::cli
