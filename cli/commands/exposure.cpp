// SPDX-License-Identifier: Apache-2.0
//
// npcheck exposure: for each workload, what its ingress admits and its
// egress allows in general (analyzer/exposure.hpp): the rules in the order
// that decides, whether a pod of a namespace that is not in the inputs gets
// through, and which outside addresses do. A CI gate with --fail-on.

#include "commands.hpp"
#include "endpoint_arg.hpp"
#include "explain.hpp"
#include "json_format.hpp"
#include "matrix_view.hpp"

#include <npcheck/analyzer/address_ranges.hpp>
#include <npcheck/analyzer/exposure.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/error.hpp>
#include <npcheck/model/suggest.hpp>

#include <algorithm>
#include <filesystem>
#include <ostream>

namespace npcheck::cli {

namespace {

using analyzer::ExposureClause;
using analyzer::Program;
using analyzer::SideExposure;

struct ExposureOptions {
  InputOptions input;
  std::vector<std::string> endpoints;
  std::string direction = "both";
  std::vector<std::string> fail_on;
  std::string format = "text";
};

// The workloads the ENDPOINT arguments name, ascending: a workload, a
// Service's workloads, or a glob over workload ids (shop/*).
std::vector<std::size_t> chosen_workloads(const ExposureOptions& options, const model::Inventory& inventory,
                                          const analyzer::AddressBook& addresses) {
  std::vector<std::size_t> chosen;
  for (const std::string& text : options.endpoints) {
    if (text.find_first_of("*?") != std::string::npos) {
      bool any = false;
      std::vector<std::string> ids;
      for (std::size_t w = 0; w < inventory.workloads.size(); ++w) {
        const std::string id = inventory.workloads[w].display_name();
        if (glob_match(text, id)) {
          chosen.push_back(w);
          any = true;
        }
        ids.push_back(id);
      }
      if (!any) {
        const std::optional<std::string> near = model::nearest(text, ids, std::max<std::size_t>(3, text.size() / 3));
        throw model::Error({}, "ENDPOINT: '" + text + "' matches no Pod or workload" +
                                   (near ? " (did you mean " + *near + "?)" : std::string()));
      }
      continue;
    }
    const std::string extension = std::filesystem::path(text).extension().string();
    if (std::filesystem::exists(text) &&
        (text.find('/') == std::string::npos || extension == ".yaml" || extension == ".yml" || extension == ".json")) {
      // "-f a.yaml b.yaml": here -f takes one path, so b.yaml reads as an endpoint.
      if (!std::any_of(inventory.workloads.begin(), inventory.workloads.end(),
                       [&](const model::Workload& w) { return w.name == text; })) {
        throw model::Error({}, "ENDPOINT: '" + text + "' is a file: on exposure -f takes one path per "
                               "occurrence (-f " + options.input.files.front() + " -f " + text + ")");
      }
    }
    const EndpointArg arg = parse_endpoint_arg(text, "ENDPOINT", inventory, addresses, options.input.default_namespace);
    if (arg.service) {
      chosen.insert(chosen.end(), arg.service_workloads.begin(), arg.service_workloads.end());
    } else if (!arg.range && arg.endpoint.kind == analyzer::EndpointKind::workload) {
      chosen.push_back(arg.endpoint.workload);
    } else {
      throw model::Error({}, "ENDPOINT: '" + text + "' is an address; exposure is reported for Pods and "
                             "workloads (their rules say which addresses get through)");
    }
  }
  std::sort(chosen.begin(), chosen.end());
  chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
  return chosen;
}

// "pods app=web in namespace shop", "every pod in namespaces team=a".
std::string selection_text(const analyzer::Selection& s) {
  std::string text = s.pod_selector == nullptr || s.pod_selector->empty()
                         ? std::string("every pod")
                         : "pods " + s.pod_selector->to_string();
  if (s.namespace_name) {
    return text + " in namespace " + *s.namespace_name;
  }
  if (s.namespace_selector == nullptr || s.namespace_selector->empty()) {
    return text + " in every namespace";
  }
  // namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: X}} names one namespace.
  const model::LabelSelector& ns = *s.namespace_selector;
  const std::vector<model::Labels::Entry>& labels = ns.match_labels.entries();
  if (ns.match_expressions.empty() && labels.size() == 1 && labels.front().first == "kubernetes.io/metadata.name") {
    return text + " in namespace " + labels.front().second;
  }
  return text + " in namespaces " + ns.to_string();
}

// What a rule's peers match, in words.
std::string peers_text(const Program& program, analyzer::PeerSetId id) {
  const analyzer::PeerSet& peers = program.peer_set(id);
  if (peers.everything) {
    return "anything";
  }
  std::string text;
  for (analyzer::SelectionId s : peers.selections) {
    text += (text.empty() ? "" : "; ") + selection_text(program.selection(s));
  }
  if (!peers.addresses.empty()) {
    text += (text.empty() ? "" : "; ") + analyzer::addresses_to_string(peers.addresses.ranges());
  }
  return text.empty() ? std::string("nothing that npcheck can evaluate") : text;
}

// What a rule's ports admit, in words. On an ingress side the named ports
// are the workload's own: what they resolve to is said too.
std::string ports_text(const Program& program, analyzer::PortFilterId id, const SideExposure& side,
                       std::size_t workload) {
  const analyzer::PortFilter& filter = program.port_filter(id);
  if (filter.all) {
    return analyzer::ConnectionSet::all().to_string();
  }
  std::string text = filter.numeric.empty() ? std::string() : filter.numeric.to_string();
  for (const analyzer::NamedPort& named : filter.named) {
    text += (text.empty() ? "" : "; ") +
            (named.protocol ? std::string(model::to_string(*named.protocol)) + " port named " : "port named ") +
            named.name;
  }
  if (!filter.named.empty() && side.direction == analyzer::Direction::ingress) {
    const analyzer::ConnectionSet resolved =
        program.admitted(id, analyzer::FlowEndpoint::of_workload(workload)) - filter.numeric;
    text += resolved.empty() ? " (not declared here)" : " (" + resolved.to_string() + " here)";
  }
  return text;
}

const char* action_word(analyzer::Action action) {
  switch (action) {
  case analyzer::Action::allow: return "allow";
  case analyzer::Action::deny: return "deny";
  case analyzer::Action::pass: return "pass";
  }
  return "";
}

// One clause in words: "allow pods app=web in namespace shop on TCP 80"
// (the rule that says so is rule_name()).
std::string clause_text(const Program& program, const SideExposure& side, std::size_t workload,
                        const ExposureClause& clause) {
  switch (clause.kind) {
  case ExposureClause::Kind::rule: {
    const analyzer::CompiledRule& rule = program.rule(clause.rule);
    std::string text = std::string(action_word(clause.action)) + ' ' + peers_text(program, rule.peers) + " on " +
                       ports_text(program, rule.ports, side, workload);
    if (clause.action == analyzer::Action::pass) {
      text += clause.tier == analyzer::TierKind::admin ? ", to the NetworkPolicy tier" : ", to the default (allow)";
    }
    return text;
  }
  case ExposureClause::Kind::isolation: return "deny anything else (NetworkPolicy isolation)";
  case ExposureClause::Kind::no_policy:
    if (side.subject == analyzer::SideResult::Subject::host_network) {
      return "allow anything (a hostNetwork pod: no policy applies to it)";
    }
    return side.clauses.size() == 1 ? "allow anything (no policy applies)"
                                    : "allow anything else (no policy decides)";
  }
  return "";
}

// "a pod with no labels", "a pod labelled app=web".
std::string example_text(const model::Labels& labels) {
  return labels.entries().empty() ? std::string("a pod with no labels") : "a pod labelled " + labels.to_string();
}

std::string side_header(const Program& program, const SideExposure& side) {
  std::string text = analyzer::to_string(side.direction);
  if (side.subject == analyzer::SideResult::Subject::host_network) {
    return text + ": a hostNetwork pod";
  }
  if (side.isolating.empty()) {
    return text + ": not isolated by a NetworkPolicy";
  }
  std::string names;
  for (analyzer::PolicyId p : side.isolating) {
    names += (names.empty() ? "" : ", ") + policy_name(program, p);
  }
  return text + ": isolated by " + names;
}

// "TCP 9090 (e.g. a pod with no labels); TCP 8080 (e.g. a pod labelled
// role=client)": each example with all it gets.
std::string new_namespace_text(const SideExposure& side) {
  if (!side.cluster_wide()) {
    return analyzer::ConnectionSet::none().to_string();
  }
  std::string text;
  for (const SideExposure::Example& example : side.new_namespace_examples) {
    text += (text.empty() ? "" : "; ") + example.connections.to_string() + " (e.g. " +
            example_text(example.labels) + ")";
  }
  return text;
}

// What the new-namespace answer does not evaluate, as notes.
std::vector<std::string> new_namespace_notes(const Program& program, const SideExposure& side) {
  std::vector<std::string> notes;
  if (side.new_namespace_skips_addresses) {
    notes.push_back(std::string("a new pod's address is unknown: the rules on addresses above may ") +
                    (side.direction == analyzer::Direction::ingress ? "admit" : "allow") +
                    " it too, when its address is in them" +
                    (program.options().ipblock_matches_pods ? " (--ipblock-matches-pods)" : ""));
  }
  if (side.new_namespace_skips_named_ports) {
    notes.push_back("the rules on named ports above depend on the ports a new pod declares");
  }
  return notes;
}

std::string outside_text(const SideExposure& side) {
  if (!side.external()) {
    return "nothing";
  }
  std::string text;
  for (const analyzer::OutsideExposure& o : side.outside) {
    text += (text.empty() ? "" : "; ") + analyzer::addresses_to_string(o.ranges) + " on " + o.connections.to_string();
  }
  return text;
}

std::string unordered_text(const Program& program, const SideExposure& side) {
  std::string text;
  for (const auto& [a, b] : side.unordered) {
    text += (text.empty() ? "" : "; ") + policy_name(program, a) + " and " + policy_name(program, b);
  }
  return text;
}

std::vector<SideExposure*> shown_sides(analyzer::WorkloadExposure& w) {
  std::vector<SideExposure*> sides;
  for (SideExposure& side : w.sides) {
    if (!side.clauses.empty()) {
      sides.push_back(&side);
    }
  }
  return sides;
}

void write_text(std::ostream& out, const Program& program, std::vector<analyzer::WorkloadExposure>& result) {
  const model::Inventory& inventory = program.inventory();
  out << "# each side lists its rules in order: the first whose peers and ports match a connection decides it\n";
  for (analyzer::WorkloadExposure& w : result) {
    out << inventory.workloads[w.workload].display_name() << '\n';
    for (SideExposure* side : shown_sides(w)) {
      const bool ingress = side->direction == analyzer::Direction::ingress;
      out << "  " << side_header(program, *side) << '\n';
      for (std::size_t i = 0; i < side->clauses.size(); ++i) {
        const ExposureClause& clause = side->clauses[i];
        out << "    " << i + 1 << ". " << clause_text(program, *side, w.workload, clause) << '\n';
        if (clause.kind == ExposureClause::Kind::rule) {
          out << "       " << std::string(std::to_string(i + 1).size(), ' ') << rule_name(program, clause.rule)
              << '\n';
        }
      }
      if (!side->unordered.empty()) {
        out << "    note: equal priority, order undefined: " << unordered_text(program, *side) << '\n';
      }
      out << "    " << (ingress ? "from" : "to") << " a new namespace: " << new_namespace_text(*side) << '\n';
      for (const std::string& note : new_namespace_notes(program, *side)) {
        out << "      note: " << note << '\n';
      }
      out << "    " << (ingress ? "from" : "to") << " outside addresses: " << outside_text(*side) << '\n';
    }
  }
}

nlohmann::json peers_json(const Program& program, analyzer::PeerSetId id) {
  const analyzer::PeerSet& peers = program.peer_set(id);
  nlohmann::json j;
  j["everything"] = peers.everything;
  j["selections"] = nlohmann::json::array();
  for (analyzer::SelectionId s : peers.selections) {
    const analyzer::Selection& selection = program.selection(s);
    nlohmann::json sj;
    sj["namespace"] = selection.namespace_name ? nlohmann::json(*selection.namespace_name) : nlohmann::json();
    sj["namespace_selector"] = selection.namespace_name ? nlohmann::json()
                               : selection.namespace_selector == nullptr
                                   ? nlohmann::json("{}")
                                   : nlohmann::json(selection.namespace_selector->to_string());
    sj["pod_selector"] = selection.pod_selector == nullptr ? "{}" : selection.pod_selector->to_string();
    sj["text"] = selection_text(selection);
    j["selections"].push_back(std::move(sj));
  }
  const std::vector<analyzer::AddressRange> ranges = peers.addresses.ranges();
  j["cidrs"] = analyzer::addresses_to_cidrs(ranges);
  j["addresses"] = ranges.empty() ? nlohmann::json() : nlohmann::json(analyzer::addresses_to_string(ranges));
  return j;
}

nlohmann::json side_exposure_json(const Program& program, const SideExposure& side, std::size_t workload) {
  nlohmann::json j;
  j["subject"] = side.subject == analyzer::SideResult::Subject::host_network ? "host_network" : "pod";
  j["isolated"] = !side.isolating.empty();
  j["isolating"] = nlohmann::json::array();
  for (analyzer::PolicyId p : side.isolating) {
    j["isolating"].push_back(policy_json(program, p));
  }
  j["clauses"] = nlohmann::json::array();
  for (const ExposureClause& clause : side.clauses) {
    nlohmann::json c;
    c["action"] = action_word(clause.action);
    c["tier"] = analyzer::to_string(clause.tier);
    switch (clause.kind) {
    case ExposureClause::Kind::rule: {
      const analyzer::CompiledRule& rule = program.rule(clause.rule);
      c["by"] = "rule";
      c["rule"] = rule_json(program, clause.rule);
      c["peers"] = peers_json(program, rule.peers);
      const analyzer::PortFilter& filter = program.port_filter(rule.ports);
      nlohmann::json ports;
      ports["all"] = filter.all;
      ports["connections"] = connections_json(filter.all ? analyzer::ConnectionSet::all() : filter.numeric);
      ports["named"] = nlohmann::json::array();
      for (const analyzer::NamedPort& named : filter.named) {
        ports["named"].push_back({{"name", named.name},
                                  {"protocol", named.protocol ? nlohmann::json(model::to_string(*named.protocol))
                                                              : nlohmann::json()}});
      }
      c["ports"] = std::move(ports);
      break;
    }
    case ExposureClause::Kind::isolation: c["by"] = "isolation"; break;
    case ExposureClause::Kind::no_policy: c["by"] = "no_policy"; break;
    }
    c["text"] = clause_text(program, side, workload, clause);
    j["clauses"].push_back(std::move(c));
  }
  j["unordered"] = nlohmann::json::array();
  for (const auto& [a, b] : side.unordered) {
    j["unordered"].push_back({policy_json(program, a), policy_json(program, b)});
  }
  j["cluster_wide"] = side.cluster_wide();
  if (side.cluster_wide()) {
    nlohmann::json examples = nlohmann::json::array();
    for (const SideExposure::Example& example : side.new_namespace_examples) {
      examples.push_back({{"labels", example.labels.to_string()}, {"connections", connections_json(example.connections)}});
    }
    j["new_namespace"] = {{"connections", connections_json(side.new_namespace)}, {"examples", std::move(examples)}};
  } else {
    j["new_namespace"] = nullptr;
  }
  j["new_namespace_notes"] = new_namespace_notes(program, side);
  j["external"] = side.external();
  j["outside"] = nlohmann::json::array();
  for (const analyzer::OutsideExposure& o : side.outside) {
    j["outside"].push_back({{"addresses", analyzer::addresses_to_string(o.ranges)},
                            {"cidrs", analyzer::addresses_to_cidrs(o.ranges)},
                            {"connections", connections_json(o.connections)}});
  }
  return j;
}

std::string new_namespace_md(const Program& program, const SideExposure& side) {
  std::string text = new_namespace_text(side);
  for (const std::string& note : new_namespace_notes(program, side)) {
    text += "<br>note: " + note;
  }
  return text;
}

// Markdown: one table row per side.
void write_markdown(std::ostream& out, const Program& program, std::vector<analyzer::WorkloadExposure>& result) {
  auto cell = [](std::string text) {
    std::string escaped;
    for (char c : text) {
      if (c == '|') {
        escaped += "\\|";
      } else {
        escaped += c;
      }
    }
    return escaped;
  };
  out << "| Workload | Side | Rules, first match decides | A new namespace | Outside addresses |\n"
         "|---|---|---|---|---|\n";
  for (analyzer::WorkloadExposure& w : result) {
    for (SideExposure* side : shown_sides(w)) {
      std::string rules;
      for (std::size_t i = 0; i < side->clauses.size(); ++i) {
        const ExposureClause& clause = side->clauses[i];
        rules += (i == 0 ? "" : "<br>") + std::to_string(i + 1) + ". " +
                 clause_text(program, *side, w.workload, clause) +
                 (clause.kind == ExposureClause::Kind::rule ? " (" + rule_name(program, clause.rule) + ")" : "");
      }
      out << "| " << cell(program.inventory().workloads[w.workload].display_name()) << " | "
          << cell(side_header(program, *side)) << " | " << cell(rules) << " | " << cell(new_namespace_md(program, *side))
          << " | " << cell(outside_text(*side)) << " |\n";
    }
  }
}

int run_exposure(const ExposureOptions& options, Output& io) {
  InputOptions input = options.input;
  for (const std::string& text : options.endpoints) {
    note_named_pod(text, input.default_namespace, input.kept_apart);
  }
  std::optional<model::Inventory> inventory = load_inventory(input, io);
  if (!inventory) {
    return static_cast<int>(ExitCode::input_error);
  }
  const bool fail_cluster_wide =
      std::find(options.fail_on.begin(), options.fail_on.end(), "cluster-wide") != options.fail_on.end();
  const bool fail_external =
      std::find(options.fail_on.begin(), options.fail_on.end(), "external") != options.fail_on.end();

  // The endpoints first: a misspelt one fails before any policy is compiled.
  const analyzer::AddressBook addresses(*inventory);
  analyzer::ExposureOptions exposure_options;
  exposure_options.workloads = chosen_workloads(options, *inventory, addresses);
  exposure_options.ingress = options.direction != "egress";
  exposure_options.egress = options.direction != "ingress";
  const Program program(*inventory, program_options(input));
  std::vector<analyzer::WorkloadExposure> result = analyzer::compute_exposure(program, exposure_options);

  std::size_t cluster_wide = 0;
  std::size_t external = 0;
  for (analyzer::WorkloadExposure& w : result) {
    for (SideExposure* side : shown_sides(w)) {
      cluster_wide += side->cluster_wide() ? 1 : 0;
      external += side->external() ? 1 : 0;
    }
  }
  const bool failed = (fail_cluster_wide && cluster_wide > 0) || (fail_external && external > 0);

  if (options.format == "json") {
    nlohmann::json j;
    j["workloads"] = nlohmann::json::array();
    for (analyzer::WorkloadExposure& w : result) {
      nlohmann::json wj;
      wj["endpoint"] = endpoint_json(analyzer::FlowEndpoint::of_workload(w.workload), *inventory);
      for (SideExposure* side : shown_sides(w)) {
        wj[analyzer::to_string(side->direction)] = side_exposure_json(program, *side, w.workload);
      }
      j["workloads"].push_back(std::move(wj));
    }
    j["summary"] = {{"workloads", result.size()}, {"cluster_wide", cluster_wide}, {"external", external}};
    j["fail_on"] = options.fail_on;
    j["failed"] = failed;
    add_unmodelled_policies(j, *inventory);
    write_json(io.out, j);
  } else if (options.format == "md") {
    write_markdown(io.out, program, result);
  } else {
    write_text(io.out, program, result);
    io.out << result.size() << (result.size() == 1 ? " workload" : " workloads") << ": " << cluster_wide
           << (cluster_wide == 1 ? " side is" : " sides are") << " open to a pod of a new namespace, " << external
           << (external == 1 ? " side is" : " sides are") << " open to outside addresses\n";
  }
  if (failed) {
    std::string what;
    if (fail_cluster_wide && cluster_wide > 0) {
      what = std::to_string(cluster_wide) + (cluster_wide == 1 ? " side is" : " sides are") +
             " open to a pod of a new namespace (--fail-on cluster-wide)";
    }
    if (fail_external && external > 0) {
      what += (what.empty() ? "" : "; ") + std::to_string(external) +
              (external == 1 ? " side is" : " sides are") + " open to outside addresses (--fail-on external)";
    }
    io.err << "npcheck: exposure: " << what << '\n';
    return static_cast<int>(ExitCode::negative);
  }
  return static_cast<int>(ExitCode::ok);
}

} // namespace

Runner setup_exposure(CLI::App& app) {
  auto options = std::make_shared<ExposureOptions>();
  CLI::App* command = app.add_subcommand(
      "exposure", "Show what each workload admits and sends in general, beyond the endpoints of the inputs");
  add_input_options(*command, options->input);
  // One path per -f, as kubectl reads it, so that the ENDPOINT arguments may
  // follow: npcheck exposure -f manifests/ shop/frontend.
  command->get_option("-f")->allow_extra_args(false);
  command->footer("Examples:\n"
                  "  npcheck exposure -f manifests/ shop/frontend\n"
                  "  npcheck exposure -f manifests/ -n shop deploy/api --direction ingress\n"
                  "  npcheck exposure -f manifests/ --direction ingress --fail-on cluster-wide");
  command->add_option("endpoints", options->endpoints,
                      "Pods or workloads to report (NAME, KIND/NAME, NAMESPACE/NAME, svc/NAME, or a glob such as "
                      "'shop/*'); none: every one")
      ->type_name("ENDPOINT");
  command->add_option("--direction", options->direction, "The sides to report")
      ->check(CLI::IsMember({"ingress", "egress", "both"}))
      ->capture_default_str()
      ->type_name("DIR");
  command->add_option("--fail-on", options->fail_on,
                      "Exit 1 when a reported side admits a pod of a new namespace (cluster-wide) or outside "
                      "addresses (external)")
      ->check(CLI::IsMember({"cluster-wide", "external"}))
      ->delimiter(',')
      ->allow_extra_args(false) // the ENDPOINT arguments may follow it
      ->type_name("WHAT");
  command->add_option("-o,--output", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "md"}))
      ->capture_default_str()
      ->type_name("FORMAT");
  return [options](Output& io) { return run_exposure(*options, io); };
}

} // namespace npcheck::cli
