// SPDX-License-Identifier: Apache-2.0
// npcheck matrix: who can talk to whom, for every pair at once.
#include "commands.hpp"
#include "endpoint_arg.hpp"
#include "graphviz.hpp"
#include "matrix_view.hpp"

#include <npcheck/analyzer/matrix.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/error.hpp>
#include <npcheck/model/suggest.hpp>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <iostream>
#include <ostream>
#include <sstream>

namespace npcheck::cli {

namespace {

struct MatrixOptions {
  InputOptions input;
  std::string format = "text";
  bool group = false;
  bool services = false; // --services
  std::vector<std::string> namespaces;
  std::string from;
  std::string focus;              // --focus ENDPOINT
  std::string direction = "both"; // --direction
  std::string to;
  std::string port;
  std::string protocol;
};

bool is_pattern(const std::string& text) {
  return text.find_first_of("*?[") != std::string::npos;
}

// --port (NUMBER, NAME, PROTOCOL/NUMBER or PROTOCOL/NAME) and --protocol into the filter.
void parse_port_options(const MatrixOptions& options, MatrixFilter& filter) {
  if (!options.protocol.empty()) {
    filter.protocol = model::parse_user_protocol(options.protocol);
    if (!filter.protocol) {
      throw model::Error({}, "--protocol: unknown protocol '" + options.protocol +
                                 "' (expected TCP, UDP or SCTP, in any case)");
    }
  }
  if (options.port.empty()) {
    return;
  }
  std::string text = options.port;
  if (const std::size_t slash = text.find('/'); slash != std::string::npos) {
    const std::optional<model::Protocol> prefix = model::parse_user_protocol(text.substr(0, slash));
    if (!prefix) {
      throw model::Error({}, "--port: unknown protocol '" + text.substr(0, slash) + "' in '" + text +
                                 "' (expected PORT or PROTOCOL/PORT, PROTOCOL TCP, UDP or SCTP)");
    }
    if (filter.protocol && *filter.protocol != *prefix) {
      throw model::Error({}, "--port: '" + text + "' contradicts --protocol " + options.protocol);
    }
    filter.protocol = prefix;
    text = text.substr(slash + 1);
  }
  unsigned long number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc{} && end == text.data() + text.size()) {
    if (number < 1 || number > 65535) {
      throw model::Error({}, "--port: " + text + " is out of range (expected 1..65535)");
    }
    filter.port = static_cast<std::uint16_t>(number);
    return;
  }
  if (text.empty()) {
    throw model::Error({}, "--port: '" + options.port + "' is not a port (expected a number or a port name)");
  }
  if (options.group) {
    throw model::Error({}, "--port: a named port ('" + text +
                               "') is resolved on each destination, which --group folds: give the number");
  }
  filter.port_name = text;
}

// --from / --to: a glob over endpoint ids, or an endpoint (a range keeps the
// endpoints with an address in it).
EndpointMatch parse_match(const std::string& text, const char* option, const model::Inventory& inventory,
                          const analyzer::AddressBook& addresses, const std::string& default_namespace) {
  EndpointMatch match;
  if (is_pattern(text)) {
    match.pattern = text;
    return match;
  }
  const EndpointArg arg = parse_endpoint_arg(text, option, inventory, addresses, default_namespace);
  if (arg.range) {
    match.range = arg.range;
  } else if (arg.service) {
    match.service_workloads = arg.service_workloads; // in Inventory order, so sorted
  } else if (arg.endpoint.kind == analyzer::EndpointKind::workload) {
    match.workload = arg.endpoint.workload;
  } else {
    // A node or outside address: the external range holding it.
    match.range = model::Cidr{arg.endpoint.ip, arg.endpoint.ip.family == model::IpFamily::v4 ? 32 : 128};
  }
  return match;
}

// The error of a filter that keeps no endpoint, with the nearest workload id
// (a workload's endpoint id is its display name).
model::Error no_match_error(const std::string& text, const char* option, const model::Inventory& inventory) {
  std::string bare = text;
  bare.erase(std::remove_if(bare.begin(), bare.end(), [](char c) { return c == '*' || c == '?'; }), bare.end());
  const std::size_t limit = std::max<std::size_t>(3, bare.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const model::Workload& w : inventory.workloads) {
    const std::string id = w.display_name();
    std::size_t d = std::min(model::edit_distance(bare, id), model::edit_distance(bare, w.namespace_name + '/' + w.name));
    if (bare.size() != text.size()) {
      // A pattern: its fixed text against the start of the id.
      d = std::min(d, model::edit_distance(bare, id.substr(0, bare.size())));
    }
    if (d < best_distance) {
      best_distance = d;
      best = id;
    }
  }
  return model::Error({}, std::string(option) + ": '" + text + "' matches no endpoint" +
                              (best ? " (did you mean " + *best + "?)" : std::string()));
}

// Exit 2 when a filter keeps no endpoint, with the nearest id.
void require_match(const std::optional<EndpointMatch>& match, const std::string& text, const char* option,
                   const analyzer::Matrix& matrix, const model::Inventory& inventory) {
  if (!match) {
    return;
  }
  const std::vector<analyzer::MatrixEndpoint>& endpoints = matrix.endpoints();
  if (std::any_of(endpoints.begin(), endpoints.end(),
                  [&](const analyzer::MatrixEndpoint& e) { return match->matches(e, inventory); })) {
    return;
  }
  throw no_match_error(text, option, inventory);
}

// Whether a glob can match the id of an outside endpoint: those are address
// texts (analyzer::addresses_to_string: "10.0.0.0/8, 192.168.0.0/16",
// "0.0.0.0/0 except 10.0.0.0/8", "fd00::/8"), whose only letters are hex
// digits and those of "except".
bool may_match_addresses(std::string_view pattern) {
  return std::all_of(pattern.begin(), pattern.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == 'x' || c == 'p' || c == 't' ||
           c == '.' || c == ':' || c == '/' || c == ',' || c == ';' || c == ' ' || c == '*' || c == '?';
  });
}

// Exit 2 at once, before any policy is compiled, when a pattern matches no
// workload and cannot match an outside endpoint (whose ids need the policies'
// addresses); require_match decides the others once the matrix is computed.
void require_early_match(const std::optional<EndpointMatch>& match, const std::string& text, const char* option,
                         const model::Inventory& inventory) {
  if (!match || match->pattern.empty() || may_match_addresses(match->pattern)) {
    return;
  }
  if (std::none_of(inventory.workloads.begin(), inventory.workloads.end(), [&](const model::Workload& w) {
        return glob_match(match->pattern, w.display_name());
      })) {
    throw no_match_error(text, option, inventory);
  }
}

// Exit 2 when --namespace names a namespace without workloads.
void require_namespaces(const std::vector<std::string>& namespaces, const model::Inventory& inventory) {
  for (const std::string& ns : namespaces) {
    if (std::any_of(inventory.workloads.begin(), inventory.workloads.end(),
                    [&](const model::Workload& w) { return w.namespace_name == ns; })) {
      continue;
    }
    std::vector<std::string> known;
    for (const model::Workload& w : inventory.workloads) {
      if (std::find(known.begin(), known.end(), w.namespace_name) == known.end()) {
        known.push_back(w.namespace_name);
      }
    }
    std::sort(known.begin(), known.end());
    const std::optional<std::string> near = model::nearest(ns, known, std::max<std::size_t>(2, ns.size() / 3));
    throw model::Error({}, "--namespace: no Pod or workload in namespace '" + ns + "'" +
                               (near ? " (did you mean '" + *near + "'?)" : std::string()));
  }
}

// Exit 2 when no destination the filters keep declares the named port.
void require_port_name(const MatrixFilter& filter, const model::Inventory& inventory) {
  if (filter.port_name.empty()) {
    return;
  }
  std::vector<std::string> names;
  for (const model::Workload& w : inventory.workloads) {
    for (const model::ContainerPort& p : w.ports) {
      if (p.name == filter.port_name && (!filter.protocol || p.protocol == *filter.protocol)) {
        return;
      }
      if (!p.name.empty()) {
        names.push_back(p.name);
      }
    }
  }
  std::sort(names.begin(), names.end());
  const std::optional<std::string> near = model::nearest(filter.port_name, names, 2);
  throw model::Error({}, "--port: no Pod or workload declares a port named '" + filter.port_name + "'" +
                             (filter.protocol ? std::string(" for ") + model::to_string(*filter.protocol) : "") +
                             (near ? " (did you mean '" + *near + "'?)" : std::string()));
}

int run_matrix(const MatrixOptions& options, Output& io) {
  MatrixFilter filter;
  filter.namespaces = options.namespaces;
  filter.group = options.group;
  parse_port_options(options, filter);
  // A pod named by --from or --to stays itself when a snapshot's pods fold.
  InputOptions input = options.input;
  if (!options.focus.empty() && options.group) {
    throw model::Error({}, "--focus and --group: a focused matrix is not grouped (its rows are the "
                           "focused endpoint's only)");
  }
  for (const std::string* text : {&options.from, &options.to, &options.focus}) {
    if (!text->empty() && !is_pattern(*text)) {
      note_named_pod(*text, input.default_namespace, input.kept_apart);
    }
  }
  // Only an interactive terminal sees progress; pipes and files never do.
  const bool progress = &io.err == &std::cerr && isatty(STDERR_FILENO) != 0;
  if (progress) {
    io.err << "npcheck: loading manifests..." << std::flush;
  }
  std::optional<model::Inventory> inventory = load_inventory(input, io);
  if (!inventory) {
    if (progress) {
      io.err << "\r\033[K" << std::flush;
    }
    return static_cast<int>(ExitCode::input_error);
  }
  // The filters first: one that names nothing fails before any policy is compiled.
  require_namespaces(filter.namespaces, *inventory);
  require_port_name(filter, *inventory);
  {
    const analyzer::AddressBook addresses(*inventory);
    if (!options.from.empty()) {
      filter.from = parse_match(options.from, "--from", *inventory, addresses, input.default_namespace);
    }
    if (!options.to.empty()) {
      filter.to = parse_match(options.to, "--to", *inventory, addresses, input.default_namespace);
    }
    if (!options.focus.empty()) {
      filter.focus = parse_match(options.focus, "--focus", *inventory, addresses, input.default_namespace);
      filter.focus_egress = options.direction != "ingress";
      filter.focus_ingress = options.direction != "egress";
    }
  }
  require_early_match(filter.from, options.from, "--from", *inventory);
  require_early_match(filter.to, options.to, "--to", *inventory);
  require_early_match(filter.focus, options.focus, "--focus", *inventory);
  if (progress) {
    io.err << "\r\033[Knpcheck: computing the matrix of " << inventory->workloads.size()
           << " workloads..." << std::flush;
  }
  // Only the rows and columns the filters show are computed; --namespace
  // (the pairs crossing into or out of its namespaces too) and --focus
  // compute the focused rows, and the other rows over the focused columns.
  const analyzer::Program program(*inventory, program_options(input));
  analyzer::MatrixOptions matrix_options;
  const model::Inventory& loaded = *inventory;
  if (filter.from) {
    matrix_options.sources = [&](const analyzer::MatrixEndpoint& e) { return filter.shows_source(e, loaded); };
  }
  if (filter.to) {
    matrix_options.destinations = [&](const analyzer::MatrixEndpoint& e) {
      return filter.shows_destination(e, loaded);
    };
  }
  if (!filter.namespaces.empty() && !filter.focus && !filter.group) {
    // The pairs with an end in the namespaces are the namespaces' focus, both
    // ways: their rows, and the other rows over their columns only. (--group
    // folds classes by whole rows and columns, so it computes them all.)
    matrix_options.focus = [&](const analyzer::MatrixEndpoint& e) { return filter.in_namespaces(e, loaded); };
  }
  if (filter.focus) {
    matrix_options.focus = [&](const analyzer::MatrixEndpoint& e) { return filter.focus->matches(e, loaded); };
    matrix_options.focus_direction = options.direction == "ingress" ? analyzer::MatrixOptions::FocusDirection::ingress
                                     : options.direction == "egress"
                                         ? analyzer::MatrixOptions::FocusDirection::egress
                                         : analyzer::MatrixOptions::FocusDirection::both;
  }
  // The html page explains any cell by its classes; --group folds classes
  // by their rows and columns; other views read the computed pairs only.
  matrix_options.classes = options.format == "html" ? analyzer::MatrixOptions::Classes::whole
                           : filter.group           ? analyzer::MatrixOptions::Classes::whole_sources
                                                    : analyzer::MatrixOptions::Classes::scoped;
  const analyzer::Matrix matrix = analyzer::Matrix::compute(program, matrix_options);
  if (progress) {
    io.err << "\r\033[K" << std::flush;
  }
  require_match(filter.from, options.from, "--from", matrix, loaded);
  require_match(filter.to, options.to, "--to", matrix, loaded);
  require_match(filter.focus, options.focus, "--focus", matrix, loaded);
  if (progress) {
    io.err << "\r\033[Knpcheck: writing " << options.format << "..." << std::flush;
  }
  MatrixView view = build_matrix_view(matrix, *inventory, filter);
  if (options.services) {
    view.services = fronting_services(matrix, *inventory);
  }

  std::ostream& out = io.out;
  if (options.format == "text") {
    write_matrix_text(view, matrix, out);
  } else if (options.format == "json") {
    write_matrix_json(view, matrix, *inventory, out);
  } else if (options.format == "csv") {
    write_matrix_csv(view, matrix, out);
  } else if (options.format == "md") {
    write_matrix_md(view, matrix, out);
  } else if (options.format == "dot") {
    write_matrix_dot(view, matrix, *inventory, out);
  } else if (options.format == "svg") {
    std::ostringstream graph;
    write_matrix_dot(view, matrix, *inventory, graph);
    const GraphvizResult svg = run_dot(graph.str(), "svg", "-o svg");
    std::istringstream warnings(svg.warnings);
    for (std::string line; std::getline(warnings, line);) {
      io.err << "npcheck: warning: dot: " << line << '\n';
    }
    out << svg.output;
  } else {
    write_matrix_html(view, matrix, program, out);
  }
  out.flush();
  if (progress) {
    io.err << "\r\033[K" << std::flush;
  }
  return static_cast<int>(ExitCode::ok);
}

} // namespace

Runner setup_matrix(CLI::App& app) {
  auto options = std::make_shared<MatrixOptions>();
  CLI::App* command = app.add_subcommand(
      "matrix", "Print the connectivity of every pair of workloads and external address ranges");
  // --namespace filters here; -n and --default-namespace set the default namespace.
  add_input_options(*command, options->input, NamespaceOption::short_only);
  command->footer("Examples:\n"
                  "  npcheck matrix -f manifests/ --namespace shop\n"
                  "  npcheck matrix -f manifests/ --group -o svg --output-file matrix.svg\n"
                  "  npcheck matrix -f manifests/ -o html --output-file matrix.html");
  command->add_option("-o,--output", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "csv", "md", "dot", "svg", "html"}))
      ->capture_default_str();
  command->add_flag("--group", options->group,
                    "Fold endpoints with identical rows and columns into groups");
  command->add_flag("--services", options->services,
                    "Name the Services whose selector picks each destination's pods (text, md, csv, json)");
  command->add_option("--namespace", options->namespaces,
                      "Only pairs with an end in namespace NS (crossing into or out of it too); repeatable")
      ->type_name("NS");
  command->add_option("--from", options->from,
                      "Only sources matching SRC: an endpoint as can-reach takes it (a CIDR keeps the "
                      "endpoints with an address in it) or a glob over ids (* and ?)")
      ->type_name("SRC");
  command->add_option("--to", options->to,
                      "Only destinations matching DST: an endpoint as can-reach takes it (a CIDR keeps the "
                      "endpoints with an address in it) or a glob over ids (* and ?)")
      ->type_name("DST");
  command->add_option("--focus", options->focus,
                      "Only the connections of ENDPOINT (a workload, Service, namespace ns/* or CIDR, as "
                      "--from takes it), computed without the rest of the matrix")
      ->type_name("ENDPOINT");
  command->add_option("--direction", options->direction,
                      "With --focus: its outgoing (egress), incoming (ingress) or both")
      ->check(CLI::IsMember({"ingress", "egress", "both"}))
      ->capture_default_str()
      ->type_name("DIR");
  command->add_option("--port", options->port,
                      "Project onto one port: a number, or a name each destination resolves; "
                      "optionally PROTOCOL/PORT (tcp/8080)")
      ->type_name("PORT");
  command->add_option("--protocol", options->protocol,
                      "Project onto one protocol, in any case (with --port: that port's protocol, default TCP)")
      ->type_name("TCP|UDP|SCTP");
  return [options](Output& io) { return run_matrix(*options, io); };
}

} // namespace npcheck::cli
