// SPDX-License-Identifier: Apache-2.0
//
// npcheck can-reach: one question, with the why. Both sides of the flow are
// reported separately (the source's egress, the destination's ingress),
// because a user fixing a policy needs to know which side refuses.
#include "commands.hpp"
#include "endpoint_arg.hpp"
#include "explain.hpp"
#include "json_format.hpp"

#include <npcheck/analyzer/address_ranges.hpp>
#include <npcheck/analyzer/expectations.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/expectations.hpp>
#include <npcheck/model/error.hpp>

#include <algorithm>
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

// --protocol in any case; nullopt when not given.
std::optional<model::Protocol> parse_protocol_option(const std::string& text) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::optional<model::Protocol> protocol = model::parse_user_protocol(text);
  if (!protocol) {
    throw model::Error({}, "--protocol: unknown protocol '" + text + "' (expected TCP, UDP or SCTP, in any case)");
  }
  return protocol;
}

// --port as NUMBER, NAME, PROTOCOL/NUMBER or PROTOCOL/NAME (a named port
// that DST declares), with --protocol.
std::optional<PortQuery> parse_query(const CanReachOptions& options, const EndpointArg& dst,
                                     const model::Inventory& inventory) {
  std::optional<model::Protocol> protocol = parse_protocol_option(options.protocol);
  if (options.port.empty()) {
    if (protocol) {
      throw model::Error({}, "--protocol needs --port");
    }
    return std::nullopt;
  }
  std::string text = options.port;
  if (const std::size_t slash = text.find('/'); slash != std::string::npos) {
    const std::optional<model::Protocol> prefix = model::parse_user_protocol(text.substr(0, slash));
    if (!prefix) {
      throw model::Error({}, "--port: unknown protocol '" + text.substr(0, slash) + "' in '" + text +
                                 "' (expected PORT or PROTOCOL/PORT, PROTOCOL TCP, UDP or SCTP)");
    }
    if (protocol && *protocol != *prefix) {
      throw model::Error({}, "--port: '" + text + "' contradicts --protocol " + options.protocol);
    }
    protocol = prefix;
    text = text.substr(slash + 1);
  }
  PortQuery query;
  query.protocol = protocol.value_or(model::Protocol::tcp);
  unsigned long number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc{} && end == text.data() + text.size()) {
    if (number < 1 || number > 65535) {
      throw model::Error({}, "--port: " + text + " is out of range (expected 1..65535)");
    }
    query.port = static_cast<std::uint16_t>(number);
    return query;
  }
  if (dst.range || dst.endpoint.kind != analyzer::EndpointKind::workload) {
    throw model::Error({}, "--port: a named port ('" + text +
                               "') needs a Pod or workload destination that declares it");
  }
  const model::Workload& w = inventory.workloads[dst.endpoint.workload];
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

// One part of a range (a pod or node address in it, or addresses every
// policy treats alike) and the answer for it.
struct RangePart {
  analyzer::CheckEndpoint piece;
  analyzer::FlowResult result;
  std::string name;
  bool yes = false;
  std::string answer; // reason with a query, the allowed connections without
};

// can-reach with a CIDR on one side: the range is cut as check cuts it (the
// pods and nodes with an address in it, and the pieces every policy treats
// alike), each part is asked once, and the range is allowed only when every
// part is: with --port, every address reaches (is reached) on that port;
// without, the answer is what every address has. Parts with the same answer
// are listed together.
int run_can_reach_range(const CanReachOptions& options, Output& io, const analyzer::Program& program,
                        const EndpointArg& src, const EndpointArg& dst, const std::optional<PortQuery>& query) {
  const model::Inventory& inventory = program.inventory();
  const bool from_range = src.range.has_value();
  const model::Cidr& range = from_range ? *src.range : *dst.range;
  const std::string range_text = range.to_string();
  const analyzer::FlowEndpoint& other = from_range ? dst.endpoint : src.endpoint;
  const std::string other_name = endpoint_name(other, inventory);

  model::EndpointSpec spec;
  spec.cidr = model::IpBlock{range, {}, {}};
  const analyzer::ExpectationChecker checker(program);
  std::vector<RangePart> parts;
  analyzer::ConnectionSet common = analyzer::ConnectionSet::all();
  bool every = true;
  for (analyzer::CheckEndpoint& piece : checker.resolve(spec)) {
    RangePart part;
    part.name = piece.endpoint.kind == analyzer::EndpointKind::external
                    ? analyzer::addresses_to_string(piece.ranges)
                    : endpoint_name(piece.endpoint, inventory);
    part.result = from_range ? program.evaluate(piece.endpoint, other) : program.evaluate(other, piece.endpoint);
    common.intersect(part.result.allowed);
    if (query) {
      part.yes = part.result.allows(query->protocol, query->port);
      // Outside pieces read alike whatever their addresses, so that equal answers group.
      const std::string said = piece.endpoint.kind == analyzer::EndpointKind::external ? "these addresses" : part.name;
      part.answer = flow_reason(program, part.result, from_range ? said : other_name,
                                from_range ? other_name : said, query);
    } else {
      part.answer = part.result.allowed.to_string();
    }
    every = every && part.yes;
    part.piece = std::move(piece);
    parts.push_back(std::move(part));
  }
  const bool yes = query ? every : !common.empty();
  const std::string src_name = from_range ? range_text : other_name;
  const std::string dst_name = from_range ? other_name : range_text;

  // Parts with the same answer, in the order of their first part.
  struct Group {
    bool yes = false;
    std::string answer;
    std::vector<std::size_t> parts;
  };
  std::vector<Group> groups;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
      return g.yes == parts[i].yes && g.answer == parts[i].answer;
    });
    if (it == groups.end()) {
      groups.push_back(Group{parts[i].yes, parts[i].answer, {}});
      it = std::prev(groups.end());
    }
    it->parts.push_back(i);
  }
  // The group's pods by name, then its outside addresses as one set, so
  // that a range reads as one CIDR name ("0.0.0.0/0 except 10.0.0.0/8").
  auto part_names = [&](const Group& g) {
    std::string text;
    std::vector<analyzer::AddressRange> outside;
    for (std::size_t i : g.parts) {
      if (parts[i].piece.endpoint.kind == analyzer::EndpointKind::external) {
        outside.insert(outside.end(), parts[i].piece.ranges.begin(), parts[i].piece.ranges.end());
      } else {
        text += (text.empty() ? "" : "; ") + parts[i].name;
      }
    }
    if (!outside.empty()) {
      text += (text.empty() ? "" : "; ") + analyzer::addresses_to_string(outside);
    }
    return text;
  };

  if (options.format == "json") {
    nlohmann::json j;
    j[from_range ? "from" : "to"] = {{"kind", "Range"}, {"cidr", range_text}, {"id", range_text}};
    j[from_range ? "to" : "from"] = endpoint_json(other, inventory);
    if (query) {
      j["query"] = {{"protocol", model::to_string(query->protocol)}, {"port", query->port}};
    }
    j["allowed"] = yes;
    j["connections"] = connections_json(common);
    nlohmann::json list = nlohmann::json::array();
    for (const RangePart& part : parts) {
      nlohmann::json p;
      p["endpoint"] = endpoint_json(part.piece.endpoint, inventory,
                                    part.piece.ranges.empty() ? nullptr : &part.piece.ranges);
      if (query) {
        p["allowed"] = part.yes;
        p["reason"] = part.answer;
      }
      p["connections"] = connections_json(part.result.allowed);
      p["flow"] = flow_json(program, part.result);
      list.push_back(std::move(p));
    }
    j["parts"] = std::move(list);
    add_unmodelled_policies(j, inventory);
    io.out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return static_cast<int>(yes ? ExitCode::ok : ExitCode::negative);
  }
  if (query) {
    io.out << (yes ? "allowed" : "denied") << ": " << src_name << " -> " << dst_name << " on "
           << query_text(*query) << " (" << (yes ? "for every address of " + range_text
                                                 : "not for every address of " + range_text)
           << ")\n";
  } else {
    io.out << common.to_string() << " (for every address of " << range_text << ")\n";
  }
  for (const Group& g : groups) {
    if (query) {
      io.out << "  " << (g.yes ? "allowed" : "denied") << " for " << part_names(g) << ": " << g.answer << '\n';
    } else {
      io.out << "  " << part_names(g) << ": " << g.answer << '\n';
    }
    if (options.explain) {
      const RangePart& first = parts[g.parts.front()];
      const analyzer::FlowEndpoint& s = from_range ? first.piece.endpoint : other;
      const analyzer::FlowEndpoint& d = from_range ? other : first.piece.endpoint;
      write_explanation(io.out, program, first.result, s, d);
    }
  }
  return static_cast<int>(yes ? ExitCode::ok : ExitCode::negative);
}

// Whether the answer for a pod with a known address would change if
// ipBlocks matched pods the other way (--ipblock-matches-pods): network
// plugins differ there, so the answer names the choice it depends on.
std::string ipblock_note(const model::Inventory& inventory, const analyzer::Program& program,
                         const analyzer::FlowEndpoint& src, const analyzer::FlowEndpoint& dst,
                         const analyzer::FlowResult& result, const std::optional<PortQuery>& query) {
  auto addressed = [&inventory](const analyzer::FlowEndpoint& e) {
    if (e.kind != analyzer::EndpointKind::workload) {
      return false;
    }
    const model::Workload& w = inventory.workloads[e.workload];
    return !w.pod_ips.empty() || (w.host_network && w.host_ip);
  };
  const bool any_ip_block = std::any_of(inventory.policies.begin(), inventory.policies.end(),
                                        [](const model::NetworkPolicy& p) {
                                          for (const auto* rules : {&p.ingress, &p.egress}) {
                                            for (const model::Rule& rule : *rules) {
                                              for (const model::Peer& peer : rule.peers) {
                                                if (peer.ip_block) {
                                                  return true;
                                                }
                                              }
                                            }
                                          }
                                          return false;
                                        });
  if (!any_ip_block || (!addressed(src) && !addressed(dst))) {
    return {};
  }
  analyzer::ProgramOptions other_options = program.options();
  other_options.ipblock_matches_pods = !other_options.ipblock_matches_pods;
  const analyzer::Program other(inventory, other_options);
  const analyzer::FlowResult alternative = other.evaluate(src, dst);
  const std::string setting = other_options.ipblock_matches_pods ? "yes" : "no";
  if (query) {
    const bool yes = result.allows(query->protocol, query->port);
    if (alternative.allows(query->protocol, query->port) == yes) {
      return {};
    }
    return std::string("the answer depends on whether ipBlocks match pod addresses, which network "
                       "plugins differ on: with --ipblock-matches-pods ") +
           setting + " it is " + (yes ? "denied" : "allowed");
  }
  if (alternative.allowed == result.allowed) {
    return {};
  }
  return "the answer depends on whether ipBlocks match pod addresses, which network plugins differ "
         "on: with --ipblock-matches-pods " + setting + " the allowed connections are " +
         (alternative.allowed.empty() ? std::string("none") : alternative.allowed.to_string());
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
  const EndpointArg from = parse_endpoint_arg(options.from, "--from", *inventory, addresses, input.default_namespace);
  const EndpointArg to = parse_endpoint_arg(options.to, "--to", *inventory, addresses, input.default_namespace);
  if (from.range && to.range) {
    throw model::Error({}, "--from and --to are both ranges ('" + options.from + "', '" + options.to +
                               "'): NetworkPolicy does not govern traffic between addresses outside the "
                               "cluster; name a Pod or workload on one side");
  }
  const std::optional<PortQuery> query = parse_query(options, to, *inventory);

  const analyzer::Program program(*inventory, program_options(input));
  if (from.range || to.range) {
    return run_can_reach_range(options, io, program, from, to, query);
  }
  const analyzer::FlowEndpoint& src = from.endpoint;
  const analyzer::FlowEndpoint& dst = to.endpoint;
  const analyzer::FlowResult result = program.evaluate(src, dst);
  const bool yes = query ? result.allows(query->protocol, query->port) : !result.allowed.empty();
  const std::string src_name = endpoint_name(src, *inventory);
  const std::string dst_name = endpoint_name(dst, *inventory);
  const std::string why = flow_reason(program, result, src_name, dst_name, query);
  const std::string tie = tie_note(program, result, query);
  const std::string domains = domain_names_note(program, src, dst);
  std::string note = tie.empty() ? domains : domains.empty() ? tie : tie + "; " + domains;
  const std::string ipblock = ipblock_note(*inventory, program, src, dst, result, query);
  if (!ipblock.empty()) {
    note += (note.empty() ? "" : "; ") + ipblock;
  }

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
                      "Source: NAME or KIND/NAME (in the -n namespace), NAMESPACE/NAME, NAMESPACE/KIND/NAME, an IP address or a CIDR")
      ->required()
      ->type_name("SRC");
  command->add_option("--to", options->to,
                      "Destination: NAME or KIND/NAME (in the -n namespace), NAMESPACE/NAME, NAMESPACE/KIND/NAME, an IP address or a CIDR")
      ->required()
      ->type_name("DST");
  command->add_option("--port", options->port,
                      "Port number or a named port that DST declares, optionally PROTOCOL/PORT (tcp/8080); without it, print every allowed connection")
      ->type_name("PORT");
  command->add_option("--protocol", options->protocol, "TCP (default with --port), UDP or SCTP, in any case")
      ->type_name("PROTO");
  command->add_flag("--explain", options->explain, "Explain both sides: isolation, selecting policies, admitting rules");
  command->add_option("-o,--output", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str()
      ->type_name("FORMAT");
  return [options](Output& io) { return run_can_reach(*options, io); };
}

} // namespace npcheck::cli
