// SPDX-License-Identifier: Apache-2.0
//
// The check report. A failed expectation shows its first offending pairs and
// the policies responsible for each, from the engine's explanation:
//  - for a deny that is broken, each side that lets the ports through says
//    why (not isolated, or which rules of which policies admit them);
//  - for an allow that is broken, each side that refuses some of the ports
//    names the policies that isolate it and what their rules admit instead.
#include "check_report.hpp"
#include "explain.hpp"
#include "json_format.hpp"

#include <npcheck/analyzer/address_ranges.hpp>


#include <cstdio>
#include <map>
#include <ostream>
#include <sstream>

namespace npcheck::cli {

namespace {

using analyzer::CheckEndpoint;
using analyzer::ConnectionSet;
using analyzer::EndpointKind;
using analyzer::ExpectationResult;
using analyzer::ExpectationStatus;
using analyzer::Violation;

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
  return std::to_string(r.failed_pairs) + " of " + model::plural(r.pairs, "pair") +
         (c.expectation->expect == model::Verdict::deny
              ? (one ? " allows a listed port" : " allow a listed port")
              : (one ? " does not allow every listed port" : " do not allow every listed port"));
}

// One line per side of a violating pair that is to blame.
std::vector<std::string> violation_blame(const CheckedExpectation& c, const Violation& v,
                                         const analyzer::Program& program) {
  return blame(program, v.flow, c.result.sources[v.from].endpoint, c.result.destinations[v.to].endpoint,
               v.offending, c.expectation->expect == model::Verdict::deny);
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

// What a cause's side says about its example pair: the blame lines of the
// cause's endpoint at its end of the pair (all of them when that side is
// not to blame).
std::vector<std::string> cause_lines(const CheckedExpectation& c, const analyzer::FailureCause& cause,
                                     const analyzer::Program& program) {
  const std::vector<std::string> all = violation_blame(c, cause.example, program);
  const CheckEndpoint& e = cause.source ? c.result.sources[cause.index] : c.result.destinations[cause.index];
  const std::string prefix =
      std::string(cause.source ? "egress of " : "ingress of ") + endpoint_text(e, program.inventory()) + ": ";
  std::vector<std::string> lines;
  for (const std::string& line : all) {
    if (line.rfind(prefix, 0) == 0) {
      lines.push_back(line);
    }
  }
  return lines.empty() ? all : lines;
}

// "shop/debug[Pod] is the source of 2993 of them"
std::string cause_head(const CheckedExpectation& c, const analyzer::FailureCause& cause,
                       const model::Inventory& inventory) {
  const CheckEndpoint& e = cause.source ? c.result.sources[cause.index] : c.result.destinations[cause.index];
  return endpoint_text(e, inventory) + " is the " + (cause.source ? "source" : "destination") + " of " +
         (cause.pairs == c.result.failed_pairs ? "all " : "") + std::to_string(cause.pairs) + " of them";
}

// "the ingress isolation by NetworkPolicy iso/deny-in (b.yaml:3:1) refuses 120
// of them", "NetworkPolicy shop/api ingress[0] (p.yaml:9:5) admits 50 of them
// (of the first 400)".
std::string rule_cause_head(const CheckedExpectation& c, const analyzer::RuleCause& cause,
                            const analyzer::Program& program) {
  std::string text;
  if (cause.isolation) {
    std::string names;
    for (analyzer::PolicyId p : cause.isolating) {
      names += (names.empty() ? "" : ", ") + policy_place(program, p);
    }
    text = std::string("the ") + analyzer::to_string(cause.side) + " isolation by " + names + " refuses ";
  } else {
    const analyzer::Action action = program.rule(cause.rule).action;
    text = rule_name(program, cause.rule) + (action == analyzer::Action::allow ? " admits " : " denies ");
  }
  const std::size_t failed = c.result.failed_pairs;
  const std::size_t sampled = c.result.sampled_pairs;
  text += (cause.pairs == failed ? "all " : "") + std::to_string(cause.pairs) + " of them";
  if (sampled < failed) {
    text += " (of the first " + std::to_string(sampled) + ")";
  }
  return text;
}

std::string expected_text(const CheckedExpectation& c) {
  const model::Expectation& e = *c.expectation;
  return std::string(model::to_string(e.expect)) + ' ' + c.result.ports.to_string() + " from " +
         e.from.to_string() + " to " + e.to.to_string();
}

// The failure details of one expectation, lines indented by indent.
void write_details(std::ostream& out, const CheckedExpectation& c, const analyzer::Program& program,
                   const std::string& indent) {
  const model::Inventory& inventory = program.inventory();
  out << indent << "expected: " << expected_text(c) << '\n';
  out << indent << status_text(c) << (c.result.status == ExpectationStatus::failed ? ":" : "") << '\n';
  for (const std::string& hint : c.hints) {
    out << indent << "hint: " << hint << '\n';
  }
  // The endpoints most failing pairs share first, with what their side says
  // (for example: e.g.: ...), then the first pairs.
  for (const analyzer::FailureCause& cause : c.result.causes) {
    out << indent << "  " << cause_head(c, cause, inventory) << ", e.g. "
        << violation_head(c, cause.example, inventory) << '\n';
    for (const std::string& line : cause_lines(c, cause, program)) {
      out << indent << "    " << line << '\n';
    }
  }
  for (const analyzer::RuleCause& cause : c.result.rule_causes) {
    out << indent << "  " << rule_cause_head(c, cause, program) << ", e.g. "
        << violation_head(c, cause.example, inventory) << '\n';
  }
  if ((!c.result.causes.empty() || !c.result.rule_causes.empty()) && !c.result.violations.empty()) {
    out << indent << "first pairs:\n";
  }
  for (const Violation& v : c.result.violations) {
    out << indent << "  " << violation_head(c, v, inventory) << '\n';
    for (const std::string& line : violation_blame(c, v, program)) {
      out << indent << "    " << line << '\n';
    }
  }
  std::size_t more = c.result.failed_pairs - c.result.violations.size();
  if (more > 0) {
    out << indent << "  ... and " << model::plural(more, "more pair") << '\n';
  }
}

// ---- JSON -----------------------------------------------------------------

nlohmann::json check_endpoint_json(const CheckEndpoint& e, const model::Inventory& inventory) {
  return endpoint_json(e.endpoint, inventory, e.endpoint.kind == EndpointKind::external ? &e.ranges : nullptr);
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

// Seconds with millisecond precision, as JUnit's time attribute.
std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", seconds);
  return text;
}

// {"from", "to", "offending" (deny) | "missing" (allow)}: a failing pair, briefly.
nlohmann::json pair_json(const CheckedExpectation& c, const Violation& v, const model::Inventory& inventory) {
  return {{"from", check_endpoint_json(c.result.sources[v.from], inventory)},
          {"to", check_endpoint_json(c.result.destinations[v.to], inventory)},
          {c.expectation->expect == model::Verdict::deny ? "offending" : "missing", connections_json(v.offending)}};
}

} // namespace

void write_check_text(std::ostream& out, const CheckReport& report) {
  const analyzer::Program& program = *report.program;
  for (const CheckedExpectation& c : report.checked) {
    const ExpectationResult& r = c.result;
    if (r.passed()) {
      out << "PASS " << model::escape_control(c.expectation->name) << " (" << model::plural(r.pairs, "pair")
          << ")\n";
      continue;
    }
    out << "FAIL " << model::escape_control(c.expectation->name) << " ("
        << c.expectation->where.to_string() << ")\n";
    write_details(out, c, program, "  ");
  }
  out << report.passed << " passed, " << report.failed << " failed\n";
}

void write_check_json(std::ostream& out, const CheckReport& report) {
  const analyzer::Program& program = *report.program;
  const model::Inventory& inventory = program.inventory();
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
    j["hints"] = c.hints;
    j["sources"] = r.sources.size();
    j["destinations"] = r.destinations.size();
    j["pairs"] = r.pairs;
    j["failed_pairs"] = r.failed_pairs;
    nlohmann::json violations = nlohmann::json::array();
    for (const Violation& v : r.violations) {
      nlohmann::json vj;
      vj["from"] = check_endpoint_json(r.sources[v.from], inventory);
      vj["to"] = check_endpoint_json(r.destinations[v.to], inventory);
      vj[e.expect == model::Verdict::deny ? "offending" : "missing"] = connections_json(v.offending);
      vj["flow"] = flow_json(program, v.flow);
      vj["reasons"] = violation_blame(c, v, program);
      violations.push_back(std::move(vj));
    }
    j["violations"] = std::move(violations);
    nlohmann::json causes = nlohmann::json::array();
    for (const analyzer::FailureCause& cause : r.causes) {
      nlohmann::json cj;
      cj["side"] = cause.source ? "source" : "destination";
      cj["endpoint"] = check_endpoint_json(cause.source ? r.sources[cause.index] : r.destinations[cause.index],
                                           inventory);
      cj["failed_pairs"] = cause.pairs;
      cj["reasons"] = cause_lines(c, cause, program);
      cj["example"] = pair_json(c, cause.example, inventory);
      causes.push_back(std::move(cj));
    }
    j["causes"] = std::move(causes);
    nlohmann::json rule_causes = nlohmann::json::array();
    for (const analyzer::RuleCause& cause : r.rule_causes) {
      nlohmann::json cj;
      cj["side"] = analyzer::to_string(cause.side);
      cj["by"] = cause.isolation ? "isolation" : "rule";
      if (cause.isolation) {
        cj["policies"] = nlohmann::json::array();
        for (analyzer::PolicyId p : cause.isolating) {
          cj["policies"].push_back(policy_json(program, p));
        }
      } else {
        cj["rule"] = rule_json(program, cause.rule);
      }
      cj["failed_pairs"] = cause.pairs;
      cj["text"] = rule_cause_head(c, cause, program);
      cj["example"] = pair_json(c, cause.example, inventory);
      rule_causes.push_back(std::move(cj));
    }
    j["rule_causes"] = std::move(rule_causes);
    j["sampled_pairs"] = r.sampled_pairs;
    list.push_back(std::move(j));
  }
  nlohmann::json doc;
  doc["expectations"] = std::move(list);
  doc["passed"] = report.passed;
  doc["failed"] = report.failed;
  add_unmodelled_policies(doc, inventory);
  write_json(out, doc);
}

// JUnit XML as the common schema (Jenkins' junit-10.xsd, Ant's) defines it:
// testcase has name, classname and time only, so the location of a failed
// expectation goes into its failure message; tests/junit.xsd checks it.
void write_check_junit(std::ostream& out, const CheckReport& report) {
  const analyzer::Program& program = *report.program;
  // One testsuite per expectations file, in argument order.
  std::vector<std::string> files;
  std::map<std::string, std::vector<const CheckedExpectation*>> by_file;
  double total = 0;
  for (const CheckedExpectation& c : report.checked) {
    if (by_file.find(*c.file) == by_file.end()) {
      files.push_back(*c.file);
    }
    by_file[*c.file].push_back(&c);
    total += c.seconds;
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"npcheck check\" tests=\"" << report.checked.size() << "\" failures=\""
      << report.failed << "\" errors=\"0\" time=\"" << seconds_text(total) << "\">\n";
  for (const std::string& file : files) {
    const std::vector<const CheckedExpectation*>& cases = by_file[file];
    std::size_t failures = 0;
    double time = 0;
    for (const CheckedExpectation* c : cases) {
      failures += c->result.passed() ? 0 : 1;
      time += c->seconds;
    }
    out << "  <testsuite name=\"" << xml_escape(file) << "\" tests=\"" << cases.size()
        << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"0\" time=\"" << seconds_text(time)
        << "\">\n";
    for (const CheckedExpectation* c : cases) {
      out << "    <testcase classname=\"" << xml_escape(file) << "\" name=\""
          << xml_escape(c->expectation->name) << "\" time=\"" << seconds_text(c->seconds) << "\"";
      if (c->result.passed()) {
        out << "/>\n";
        continue;
      }
      out << ">\n      <failure type=\"" << status_name(c->result.status) << "\" message=\""
          << xml_escape(c->expectation->where.to_string() + ": " + status_text(*c)) << "\">";
      std::ostringstream details;
      details << c->expectation->where.to_string() << ": " << c->expectation->name << '\n';
      write_details(details, *c, program, "");
      out << xml_escape(details.str()) << "</failure>\n    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

void write_check_junit_error(std::ostream& out, const std::string& summary, const std::string& details,
                             double seconds) {
  const std::string time = seconds_text(seconds);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"npcheck check\" tests=\"1\" failures=\"0\" errors=\"1\" time=\"" << time
      << "\">\n"
      << "  <testsuite name=\"npcheck check\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\""
      << time << "\">\n"
      << "    <testcase classname=\"npcheck check\" name=\"read the manifests and expectations\" time=\""
      << time << "\">\n"
      << "      <error type=\"input-error\" message=\"" << xml_escape(summary) << "\">" << xml_escape(details)
      << "</error>\n"
      << "    </testcase>\n"
      << "  </testsuite>\n"
      << "</testsuites>\n";
}

} // namespace npcheck::cli
