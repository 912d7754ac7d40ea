// SPDX-License-Identifier: Apache-2.0
//
// npcheck can-reach: one question, with the why. Both sides of the flow are
// reported separately (the source's egress, the destination's ingress),
// because a user fixing a policy needs to know which side refuses.
#include "commands.hpp"
#include "endpoint_arg.hpp"
#include "explain.hpp"
#include "json_format.hpp"

#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/error.hpp>

#include <charconv>
#include <ostream>

namespace npcheck::cli {

namespace {

struct CanReachOptions {
  InputOptions input;
  std::string from;
  std::string to;
  std::string port;
  std::string protocol;
  bool explain = false;
  std::string format = "text";
};

// --port as a number, or as a named port that DST declares.
std::optional<PortQuery> parse_query(const CanReachOptions& options, const analyzer::FlowEndpoint& dst,
                                     const model::Inventory& inventory) {
  std::optional<model::Protocol> protocol;
  if (!options.protocol.empty()) {
    protocol = model::parse_protocol(options.protocol);
    if (!protocol) {
      throw model::Error({}, "--protocol: unknown protocol '" + options.protocol +
                                 "' (expected TCP, UDP or SCTP)");
    }
  }
  if (options.port.empty()) {
    if (protocol) {
      throw model::Error({}, "--protocol needs --port");
    }
    return std::nullopt;
  }
  PortQuery query;
  query.protocol = protocol.value_or(model::Protocol::tcp);
  unsigned long number = 0;
  const std::string& text = options.port;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc{} && end == text.data() + text.size()) {
    if (number < 1 || number > 65535) {
      throw model::Error({}, "--port: " + text + " is out of range (expected 1..65535)");
    }
    query.port = static_cast<std::uint16_t>(number);
    return query;
  }
  if (dst.kind != analyzer::EndpointKind::workload) {
    throw model::Error({}, "--port: a named port ('" + text +
                               "') needs a Pod or workload destination that declares it");
  }
  const model::Workload& w = inventory.workloads[dst.workload];
  for (const model::ContainerPort& p : w.ports) {
    if (p.name == text && (!protocol || p.protocol == *protocol)) {
      query.port = p.port;
      query.protocol = p.protocol;
      return query;
    }
  }
  throw model::Error({}, "--port: " + w.display_name() + " declares no port named '" + text + "'" +
                             (protocol ? std::string(" for ") + model::to_string(*protocol) : ""));
}

int run_can_reach(const CanReachOptions& options, Output& io) {
  // A pod named by --from or --to stays itself when a snapshot's pods fold.
  InputOptions input = options.input;
  note_named_pod(options.from, input.default_namespace, input.kept_apart);
  note_named_pod(options.to, input.default_namespace, input.kept_apart);
  std::optional<model::Inventory> inventory = load_inventory(input, io);
  if (!inventory) {
    return static_cast<int>(ExitCode::input_error);
  }
  // The question first: a misspelt endpoint or port fails before any policy
  // is compiled.
  const analyzer::AddressBook addresses(*inventory);
  const analyzer::FlowEndpoint src = parse_endpoint(options.from, "--from", *inventory, addresses, input.default_namespace);
  const analyzer::FlowEndpoint dst = parse_endpoint(options.to, "--to", *inventory, addresses, input.default_namespace);
  const std::optional<PortQuery> query = parse_query(options, dst, *inventory);

  const analyzer::Program program(*inventory);
  const analyzer::FlowResult result = program.evaluate(src, dst);
  const bool yes = query ? result.allows(query->protocol, query->port) : !result.allowed.empty();
  const std::string src_name = endpoint_name(src, *inventory);
  const std::string dst_name = endpoint_name(dst, *inventory);
  const std::string why = flow_reason(program, result, src_name, dst_name, query);
  const std::string tie = tie_note(program, result, query);
  const std::string domains = domain_names_note(program, src, dst);
  const std::string note = tie.empty() ? domains : domains.empty() ? tie : tie + "; " + domains;

  if (options.format == "json") {
    nlohmann::json j;
    j["from"] = endpoint_json(src, *inventory);
    j["to"] = endpoint_json(dst, *inventory);
    if (query) {
      j["query"] = {{"protocol", model::to_string(query->protocol)}, {"port", query->port}};
    }
    j["allowed"] = yes;
    j["reason"] = why;
    j["order_dependent"] = !tie.empty();
    if (!note.empty()) {
      j["note"] = note;
    }
    j["connections"] = connections_json(result.allowed);
    j["flow"] = flow_json(program, result);
    add_unmodelled_policies(j, *inventory);
    io.out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else if (options.explain) {
    io.out << "from: " << src_name << '\n' << "to:   " << dst_name << '\n';
    write_explanation(io.out, program, result, src, dst);
    io.out << "allowed connections: " << result.allowed.to_string() << '\n';
    if (query) {
      io.out << "verdict: " << (yes ? "allowed" : "denied") << " on " << query_text(*query) << '\n';
    }
    if (!note.empty()) {
      io.out << "note: " << note << '\n';
    }
  } else if (query) {
    io.out << (yes ? "allowed" : "denied") << ": " << src_name << " -> " << dst_name << " on "
           << query_text(*query) << " (" << why << ")\n";
  } else {
    io.out << result.allowed.to_string() << '\n';
  }
  if (!note.empty() && options.format != "json" && !options.explain) {
    io.out << "note: " << note << '\n';
  }
  return static_cast<int>(yes ? ExitCode::ok : ExitCode::negative);
}

} // namespace

Runner setup_can_reach(CLI::App& app) {
  auto options = std::make_shared<CanReachOptions>();
  CLI::App* command = app.add_subcommand("can-reach", "Answer one question: can SRC reach DST, and why");
  add_input_options(*command, options->input);
  command->footer("Examples:\n"
                  "  npcheck can-reach -f manifests/ --from shop/frontend --to shop/backend --port 8081\n"
                  "  npcheck can-reach -f manifests/ --from shop/frontend --to shop/backend --port http --explain\n"
                  "  npcheck can-reach -f manifests/ --from monitoring/prometheus --to kube-system/coredns");
  command->add_option("--from", options->from,
                      "Source: NAME (in the -n namespace), NAMESPACE/NAME, NAMESPACE/KIND/NAME or an IP address")
      ->required()
      ->type_name("SRC");
  command->add_option("--to", options->to,
                      "Destination: NAME (in the -n namespace), NAMESPACE/NAME, NAMESPACE/KIND/NAME or an IP address")
      ->required()
      ->type_name("DST");
  command->add_option("--port", options->port,
                      "Port number, or a named port that DST declares; without it, print every allowed connection")
      ->type_name("PORT");
  command->add_option("--protocol", options->protocol, "TCP (default with --port), UDP or SCTP")
      ->type_name("PROTO");
  command->add_flag("--explain", options->explain, "Explain both sides: isolation, selecting policies, admitting rules");
  command->add_option("-o,--output", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str()
      ->type_name("FORMAT");
  return [options](Output& io) { return run_can_reach(*options, io); };
}

} // namespace npcheck::cli
