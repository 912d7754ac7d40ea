// SPDX-License-Identifier: Apache-2.0
//
// npcheck can-reach: one question, with the why. Both sides of the flow are
// reported separately (the source's egress, the destination's ingress),
// because a user fixing a policy needs to know which side refuses.
#include "commands.hpp"
#include "endpoint_arg.hpp"
#include "json_format.hpp"

#include <npcheck/analyzer/reachability.hpp>
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

struct Query {
  model::Protocol protocol = model::Protocol::tcp;
  std::uint16_t port = 0;
};

// --port as a number, or as a named port that DST declares.
std::optional<Query> parse_query(const CanReachOptions& options, const analyzer::FlowEndpoint& dst,
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
  Query query;
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

std::string query_text(const Query& q) {
  return std::string(model::to_string(q.protocol)) + ' ' + std::to_string(q.port);
}

std::string policy_place(const model::NetworkPolicy& policy) {
  return policy.display_name() + " (" + policy.where.to_string() + ")";
}

std::string rule_name(const model::Inventory& inventory, const analyzer::RuleMatch& match) {
  const model::NetworkPolicy& policy = inventory.policies[match.policy];
  const std::vector<model::Rule>& rules =
      match.direction == analyzer::Direction::ingress ? policy.ingress : policy.egress;
  return policy.display_name() + ' ' + analyzer::to_string(match.direction) + '[' +
         std::to_string(match.rule) + "] (" + rules[match.rule].where.to_string() + ")";
}

bool side_allows(const analyzer::DirectionResult& side, const std::optional<Query>& query) {
  return query ? side.allowed.allows(query->protocol, query->port) : !side.allowed.empty();
}

// One line for the decision: who admits or who refuses.
std::string reason(const analyzer::FlowResult& result, const std::optional<Query>& query,
                   const std::string& src, const std::string& dst, const model::Inventory& inventory) {
  if (result.always != analyzer::AlwaysAllowed::no) {
    return result.always == analyzer::AlwaysAllowed::self
               ? "traffic from a pod to itself is always allowed"
               : "traffic between a pod and the node it runs on is always allowed";
  }
  auto describe = [&](const analyzer::DirectionResult& side, const char* direction,
                      const std::string& who, const std::string& peer) -> std::string {
    std::string head = std::string(direction) + " of " + who + ": ";
    if (!side.isolated) {
      return head + "not isolated";
    }
    std::string isolated_by = side.policies.size() == 1
                                  ? inventory.policies[side.policies.front()].display_name()
                                  : std::to_string(side.policies.size()) + " policies";
    if (!side_allows(side, query)) {
      std::string text = head + "isolated by " + isolated_by + ", no rule admits " +
                         (query ? query_text(*query) : std::string("anything")) +
                         (std::string(direction) == "ingress" ? " from " : " to ") + peer;
      if (query && !side.allowed.empty()) {
        text += " (it allows " + side.allowed.to_string() + ")";
      }
      return text;
    }
    for (const analyzer::RuleMatch& m : side.rules) {
      if (!query || m.allowed.allows(query->protocol, query->port)) {
        return head + "allowed by " + rule_name(inventory, m);
      }
    }
    return head + "allowed";
  };
  bool egress_ok = side_allows(result.egress, query);
  bool ingress_ok = side_allows(result.ingress, query);
  std::string egress = describe(result.egress, "egress", src, dst);
  std::string ingress = describe(result.ingress, "ingress", dst, src);
  if (egress_ok == ingress_ok) {
    return egress + "; " + ingress;
  }
  return egress_ok ? ingress : egress;
}

void explain_side(std::ostream& out, const analyzer::DirectionResult& side, const char* direction,
                  const analyzer::FlowEndpoint& self, const std::string& who,
                  const std::string& peer, const model::Inventory& inventory) {
  out << direction << " of " << who << ": ";
  if (self.kind != analyzer::EndpointKind::workload) {
    out << "not a pod, no NetworkPolicy applies: allows all\n";
    return;
  }
  if (inventory.workloads[self.workload].host_network) {
    out << "hostNetwork pod, never selected by a NetworkPolicy: allows all\n";
    return;
  }
  if (!side.isolated) {
    out << "not isolated (no policy selects it for " << direction << "): allows all\n";
    return;
  }
  out << "isolated\n  selected by:\n";
  for (std::size_t p : side.policies) {
    out << "    " << policy_place(inventory.policies[p]) << '\n';
  }
  if (side.rules.empty()) {
    out << "  no rule admits traffic " << (std::string(direction) == "ingress" ? "from " : "to ")
        << peer << '\n';
  } else {
    out << "  admitted by:\n";
    for (const analyzer::RuleMatch& m : side.rules) {
      out << "    " << rule_name(inventory, m) << ": " << m.allowed.to_string() << '\n';
    }
  }
  out << "  allows: " << side.allowed.to_string() << '\n';
}

nlohmann::json endpoint_json(const analyzer::FlowEndpoint& e, const model::Inventory& inventory) {
  nlohmann::json j;
  switch (e.kind) {
  case analyzer::EndpointKind::workload: {
    const model::Workload& w = inventory.workloads[e.workload];
    j["kind"] = model::to_string(w.kind);
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
    j["ip"] = e.ip.to_string();
    j["id"] = e.ip.to_string();
    break;
  }
  return j;
}

int run_can_reach(const CanReachOptions& options, Output& io) {
  std::optional<model::Inventory> inventory = load_inventory(options.input, io);
  if (!inventory) {
    return static_cast<int>(ExitCode::input_error);
  }
  analyzer::Reachability engine(*inventory);
  analyzer::FlowEndpoint src = parse_endpoint(options.from, "--from", engine);
  analyzer::FlowEndpoint dst = parse_endpoint(options.to, "--to", engine);
  std::optional<Query> query = parse_query(options, dst, *inventory);
  analyzer::FlowResult result = engine.evaluate(src, dst);

  bool yes = query ? result.allows(query->protocol, query->port) : !result.allowed.empty();
  std::string src_name = endpoint_name(src, *inventory);
  std::string dst_name = endpoint_name(dst, *inventory);
  std::string why = reason(result, query, src_name, dst_name, *inventory);

  if (options.format == "json") {
    nlohmann::json j;
    j["from"] = endpoint_json(src, *inventory);
    j["to"] = endpoint_json(dst, *inventory);
    if (query) {
      j["query"] = {{"protocol", model::to_string(query->protocol)}, {"port", query->port}};
    }
    j["allowed"] = yes;
    j["reason"] = why;
    j["connections"] = connections_json(result.allowed);
    switch (result.always) {
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
    j["egress"] = side_json(result.egress, *inventory);
    j["ingress"] = side_json(result.ingress, *inventory);
    io.out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else if (options.explain) {
    io.out << "from: " << src_name << '\n' << "to:   " << dst_name << '\n';
    if (result.always != analyzer::AlwaysAllowed::no) {
      io.out << why << '\n';
    } else {
      explain_side(io.out, result.egress, "egress", src, src_name, dst_name, *inventory);
      explain_side(io.out, result.ingress, "ingress", dst, dst_name, src_name, *inventory);
    }
    io.out << "allowed connections: " << result.allowed.to_string() << '\n';
    if (query) {
      io.out << "verdict: " << (yes ? "allowed" : "denied") << " on " << query_text(*query) << '\n';
    }
  } else if (query) {
    io.out << (yes ? "allowed" : "denied") << ": " << src_name << " -> " << dst_name << " on "
           << query_text(*query) << " (" << why << ")\n";
  } else {
    io.out << result.allowed.to_string() << '\n';
  }
  return static_cast<int>(yes ? ExitCode::ok : ExitCode::negative);
}

} // namespace

Runner setup_can_reach(CLI::App& app) {
  auto options = std::make_shared<CanReachOptions>();
  CLI::App* command = app.add_subcommand("can-reach", "Answer one question: can SRC reach DST, and why");
  add_input_options(*command, options->input);
  command->add_option("--from", options->from, "Source: NAMESPACE/NAME, NAMESPACE/KIND/NAME or an IP address")
      ->required()
      ->type_name("SRC");
  command->add_option("--to", options->to, "Destination: NAMESPACE/NAME, NAMESPACE/KIND/NAME or an IP address")
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
