// SPDX-License-Identifier: Apache-2.0
//
// npcheck can-reach: one question, with the why. Both sides of the flow are
// reported separately (the source's egress, the destination's ingress),
// because a user fixing a policy needs to know which side refuses. With
// --hops, the question is a chain through other workloads
// (analyzer::shortest_chain), printed hop by hop.
#include "commands.hpp"
#include "endpoint_arg.hpp"
#include "explain.hpp"
#include "json_format.hpp"

#include <npcheck/analyzer/address_ranges.hpp>
#include <npcheck/analyzer/expectations.hpp>
#include <npcheck/analyzer/partition.hpp>
#include <npcheck/analyzer/paths.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/analyzer/service.hpp>
#include <npcheck/model/expectations.hpp>
#include <npcheck/model/error.hpp>
#include <npcheck/model/suggest.hpp>

#include <algorithm>
#include <charconv>
#include <limits>
#include <ostream>
#include <sstream>
#include <tuple>

namespace npcheck::cli {

namespace {

struct CanReachOptions {
  InputOptions input;
  std::string from;
  std::string to;
  std::string port;
  std::string protocol;
  bool explain = false;
  std::size_t hops = 0; // 0: no --hops, the direct question
  std::string format = "text";
};

// --hops: a whole number, 1 or more.
const CLI::Validator& hop_count() {
  static const CLI::Validator validator(
      [](std::string& value) -> std::string {
        unsigned long long number = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
        if (ec != std::errc{} || end != value.data() + value.size() || number < 1 ||
            number > std::numeric_limits<std::size_t>::max()) {
          return "'" + value + "' is not a number of hops (expected 1 or more)";
        }
        return {};
      },
      "");
  return validator;
}

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

// "80 (http) -> targetPort http, 443 (https) -> targetPort 8443".
std::string service_ports_text(const model::Service& service) {
  std::string text;
  for (const model::ServicePort& p : service.ports) {
    text += (text.empty() ? "" : ", ") + p.to_string() + " -> targetPort " + p.target_text();
  }
  return text.empty() ? std::string("none") : text;
}

// The service port of dst's Service that --port names: a number (the TCP
// one, or the only one of that number, without a protocol) or a port name.
// Throws, with the nearest name, or with the service port that leads to a
// number given that is a target port (the classic mistake).
std::size_t find_service_port(const std::string& text, std::optional<model::Protocol> protocol,
                              std::optional<std::uint16_t> number, const EndpointArg& dst,
                              const model::Inventory& inventory) {
  const model::Service& service = inventory.services[*dst.service];
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < service.ports.size(); ++i) {
    const model::ServicePort& p = service.ports[i];
    if ((number ? p.port == *number : p.name == text) && (!protocol || p.protocol == *protocol)) {
      found.push_back(i);
    }
  }
  if (found.size() > 1) {
    auto tcp = std::find_if(found.begin(), found.end(),
                            [&](std::size_t i) { return service.ports[i].protocol == model::Protocol::tcp; });
    return tcp != found.end() ? *tcp : found.front();
  }
  if (found.size() == 1) {
    return found.front();
  }
  const std::string what = (number ? "no port " : "no port named '") + text + (number ? "" : "'") +
                           (protocol ? std::string(" for ") + model::to_string(*protocol) : "");
  std::string message = "--port: Service " + service.display_name() + " has " + what + " (its ports: " +
                        service_ports_text(service) + ")";
  if (number) {
    // A container port given for a service port: name the service port that leads there.
    for (const model::ServicePort& p : service.ports) {
      for (std::size_t w : dst.service_workloads) {
        std::optional<analyzer::ServiceTarget> target = analyzer::service_target(p, inventory.workloads[w]);
        if (target && target->port == *number && (!protocol || target->protocol == *protocol)) {
          throw model::Error({}, message + "; " + text + " is the target port of service port " + p.to_string() +
                                     " on " + inventory.workloads[w].display_name() + ": ask for --port " +
                                     std::to_string(p.port) + ", or name the Pod or workload to ask for " +
                                     "its container port");
        }
      }
    }
    throw model::Error({}, message);
  }
  std::vector<std::string> names;
  for (const model::ServicePort& p : service.ports) {
    if (!p.name.empty()) {
      names.push_back(p.name);
    }
  }
  if (std::optional<std::string> near = model::nearest(text, names, 2)) {
    message += " (did you mean '" + *near + "'?)";
  }
  throw model::Error({}, message);
}

// --port as NUMBER, NAME, PROTOCOL/NUMBER or PROTOCOL/NAME (a named port
// that DST declares, or a port of DST's Service), with --protocol. For a
// Service, service_port is set and the query is the service port's own.
std::optional<PortQuery> parse_query(const CanReachOptions& options, const EndpointArg& dst,
                                     const model::Inventory& inventory, std::optional<std::size_t>& service_port) {
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
  const bool numeric = ec == std::errc{} && end == text.data() + text.size();
  if (numeric && (number < 1 || number > 65535)) {
    throw model::Error({}, "--port: " + text + " is out of range (expected 1..65535)");
  }
  if (dst.service) {
    service_port = find_service_port(text, protocol,
                                     numeric ? std::optional<std::uint16_t>(static_cast<std::uint16_t>(number))
                                             : std::nullopt,
                                     dst, inventory);
    const model::ServicePort& p = inventory.services[*dst.service].ports[*service_port];
    return PortQuery{p.protocol, p.port};
  }
  if (numeric) {
    query.port = static_cast<std::uint16_t>(number);
    return query;
  }
  if (dst.range || dst.endpoint.kind != analyzer::EndpointKind::workload) {
    throw model::Error({}, "--port: a named port ('" + text +
                               "') needs a Pod or workload destination that declares it, or a Service");
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

// {"protocol", "port", "service_port"?: {"name", "port", "protocol", "target_port"}}
nlohmann::json query_json(const PortQuery& query, const model::ServicePort* sp) {
  nlohmann::json j = {{"protocol", model::to_string(query.protocol)}, {"port", query.port}};
  if (sp) {
    j["service_port"] = {{"name", sp->name},
                         {"port", sp->port},
                         {"protocol", model::to_string(sp->protocol)},
                         {"target_port", sp->target_text()}};
  }
  return j;
}

// The parts of a multi-part answer (a range's pieces, a Service's pods) with
// the same answer, as key() gives it: groups of part indices, in the order
// of their first part.
template <typename Part, typename Key>
std::vector<std::vector<std::size_t>> group_parts(const std::vector<Part>& parts, Key key) {
  std::vector<std::vector<std::size_t>> groups;
  std::vector<decltype(key(parts.front()))> keys;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto k = key(parts[i]);
    const auto at = std::find(keys.begin(), keys.end(), k);
    if (at == keys.end()) {
      keys.push_back(std::move(k));
      groups.push_back({i});
    } else {
      groups[static_cast<std::size_t>(at - keys.begin())].push_back(i);
    }
  }
  return groups;
}

// The fields of one part of a multi-part answer (a range's pieces, a
// Service's pods), after its endpoints.
void add_part_answer(nlohmann::json& part, const analyzer::Program& program, const analyzer::FlowResult& result,
                     bool queried, bool yes, const std::string& answer) {
  if (queried) {
    part["allowed"] = yes;
    part["reason"] = answer;
  }
  part["connections"] = connections_json(result.allowed);
  part["flow"] = flow_json(program, result);
}

// Prints a multi-part answer's JSON and returns its exit status.
int write_parts_json(nlohmann::json answer, nlohmann::json parts, const model::Inventory& inventory, bool yes,
                     std::ostream& out) {
  answer["parts"] = std::move(parts);
  add_unmodelled_policies(answer, inventory);
  write_json(out, answer);
  return static_cast<int>(yes ? ExitCode::ok : ExitCode::negative);
}

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

  const std::vector<std::vector<std::size_t>> groups =
      group_parts(parts, [](const RangePart& p) { return std::tie(p.yes, p.answer); });
  // The group's pods by name, then its outside addresses as one set, so
  // that a range reads as one CIDR name ("0.0.0.0/0 except 10.0.0.0/8").
  auto part_names = [&](const std::vector<std::size_t>& group) {
    std::string text;
    std::vector<analyzer::AddressRange> outside;
    for (std::size_t i : group) {
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
      j["query"] = query_json(*query, nullptr);
    }
    j["allowed"] = yes;
    j["connections"] = connections_json(common);
    nlohmann::json list = nlohmann::json::array();
    for (const RangePart& part : parts) {
      nlohmann::json p;
      p["endpoint"] = endpoint_json(part.piece.endpoint, inventory,
                                    part.piece.ranges.empty() ? nullptr : &part.piece.ranges);
      add_part_answer(p, program, part.result, query.has_value(), part.yes, part.answer);
      list.push_back(std::move(p));
    }
    return write_parts_json(std::move(j), std::move(list), inventory, yes, io.out);
  }
  if (query) {
    io.out << (yes ? "allowed" : "denied") << ": " << src_name << " -> " << dst_name << " on "
           << query_text(*query) << " (" << (yes ? "for every address of " + range_text
                                                 : "not for every address of " + range_text)
           << ")\n";
  } else {
    io.out << common.to_string() << " (for every address of " << range_text << ")\n";
  }
  for (const std::vector<std::size_t>& group : groups) {
    const RangePart& first = parts[group.front()];
    if (query) {
      io.out << "  " << (first.yes ? "allowed" : "denied") << " for " << part_names(group) << ": " << first.answer
             << '\n';
    } else {
      io.out << "  " << part_names(group) << ": " << first.answer << '\n';
    }
    if (options.explain) {
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
         alternative.allowed.to_string();
}

// One side of a question about Services: the Service's workloads, or the
// one endpoint given.
std::vector<analyzer::FlowEndpoint> side_endpoints(const EndpointArg& arg) {
  if (!arg.service) {
    return {arg.endpoint};
  }
  std::vector<analyzer::FlowEndpoint> endpoints;
  for (std::size_t w : arg.service_workloads) {
    endpoints.push_back(analyzer::FlowEndpoint::of_workload(w));
  }
  return endpoints;
}

std::string side_name(const EndpointArg& arg, const model::Inventory& inventory) {
  return arg.service ? "Service " + inventory.services[*arg.service].display_name()
                     : endpoint_name(arg.endpoint, inventory);
}

nlohmann::json side_json(const EndpointArg& arg, const model::Inventory& inventory) {
  if (!arg.service) {
    return endpoint_json(arg.endpoint, inventory);
  }
  const model::Service& service = inventory.services[*arg.service];
  nlohmann::json workloads = nlohmann::json::array();
  for (std::size_t w : arg.service_workloads) {
    workloads.push_back(endpoint_json(analyzer::FlowEndpoint::of_workload(w), inventory));
  }
  return {{"kind", "Service"},
          {"namespace", service.namespace_name},
          {"name", service.name},
          {"id", service.display_name()},
          {"workloads", std::move(workloads)}};
}

// One (source, destination) pair of a question about Services, and its answer.
struct ServicePart {
  analyzer::FlowEndpoint src;
  analyzer::FlowEndpoint dst;
  std::string name;
  analyzer::FlowResult result;
  // With a service port: the connection it leads to on dst, absent when dst
  // declares no port of the targetPort's name (then the pair is no answer).
  std::optional<PortQuery> target;
  bool yes = false;
  std::string answer; // reason with a query, the allowed connections without
  std::string mapping; // "service port 80 (http) -> targetPort http -> TCP 8080 on ..."
};

// can-reach with a Service on one side or both: every pair of a source and a
// destination (the Service's workloads) is asked once; the question is
// allowed only when every pair is. A port with a destination Service is a
// service port, mapped per destination workload to its targetPort (a named
// one resolved on each); a workload that does not declare a named targetPort
// is no endpoint of that port and is reported apart, and the question is
// denied when no workload is one. Pairs with the same answer are listed
// together, as run_can_reach_range does.
int run_can_reach_service(const CanReachOptions& options, Output& io, const analyzer::Program& program,
                          const EndpointArg& from, const EndpointArg& to, const std::optional<PortQuery>& query,
                          const std::optional<std::size_t>& service_port) {
  const model::Inventory& inventory = program.inventory();
  const std::string src_name = side_name(from, inventory);
  const std::string dst_name = side_name(to, inventory);
  const model::ServicePort* sp = service_port ? &inventory.services[*to.service].ports[*service_port] : nullptr;
  std::vector<ServicePart> parts;
  analyzer::ConnectionSet common = analyzer::ConnectionSet::all();
  bool every = true;
  bool any_endpoint = false;
  for (const analyzer::FlowEndpoint& s : side_endpoints(from)) {
    for (const analyzer::FlowEndpoint& d : side_endpoints(to)) {
      ServicePart part;
      part.src = s;
      part.dst = d;
      const std::string s_name = endpoint_name(s, inventory);
      const std::string d_name = endpoint_name(d, inventory);
      part.name = from.service && to.service ? s_name + " -> " + d_name : from.service ? s_name : d_name;
      part.result = program.evaluate(s, d);
      common.intersect(part.result.allowed);
      part.target = query;
      if (sp) {
        const std::optional<analyzer::ServiceTarget> target =
            analyzer::service_target(*sp, inventory.workloads[d.workload]);
        const std::string head = "service port " + sp->to_string() + " -> targetPort " + sp->target_text();
        if (target) {
          part.target = PortQuery{target->protocol, target->port};
          part.mapping = head + " -> " + query_text(*part.target) + " on " + d_name;
        } else {
          part.target.reset();
          part.mapping = head + ": " + d_name + " declares no " + model::to_string(sp->protocol) +
                         " port named '" + sp->target_text() + "', so it is no endpoint of this port";
        }
      }
      if (part.target) {
        any_endpoint = true;
        part.yes = part.result.allows(part.target->protocol, part.target->port);
        part.answer = (sp ? "on " + query_text(*part.target) + ": " : std::string()) +
                      flow_reason(program, part.result, s_name, d_name, part.target);
        every = every && part.yes;
      } else if (query) {
        part.answer = "no connection: declares no " + std::string(model::to_string(sp->protocol)) +
                      " port named '" + sp->target_text() + "' (not an endpoint of service port " +
                      sp->to_string() + ")";
      } else {
        part.answer = part.result.allowed.to_string();
      }
      parts.push_back(std::move(part));
    }
  }
  const bool yes = query ? every && any_endpoint : !common.empty();
  const std::string asked = sp ? "service port " + sp->to_string() : query ? query_text(*query) : std::string();

  if (options.format == "json") {
    nlohmann::json j;
    j["from"] = side_json(from, inventory);
    j["to"] = side_json(to, inventory);
    if (query) {
      j["query"] = query_json(*query, sp);
    }
    j["allowed"] = yes;
    j["connections"] = connections_json(common);
    nlohmann::json list = nlohmann::json::array();
    for (const ServicePart& part : parts) {
      nlohmann::json p;
      p["from"] = endpoint_json(part.src, inventory);
      p["to"] = endpoint_json(part.dst, inventory);
      if (sp) {
        p["target"] = part.target ? nlohmann::json{{"protocol", model::to_string(part.target->protocol)},
                                                   {"port", part.target->port}}
                                  : nlohmann::json(nullptr);
      }
      add_part_answer(p, program, part.result, query.has_value(), part.yes, part.answer);
      list.push_back(std::move(p));
    }
    return write_parts_json(std::move(j), std::move(list), inventory, yes, io.out);
  }

  // Whether a part is an endpoint of the question (with a service port: its
  // pod declares the targetPort).
  auto is_endpoint = [&](const ServicePart& p) { return !query || p.target.has_value(); };
  const std::vector<std::vector<std::size_t>> groups = group_parts(
      parts, [&](const ServicePart& p) { return std::make_tuple(p.yes, is_endpoint(p), p.answer); });
  const std::string every_text = from.service && to.service ? "every pair of their pods"
                                 : from.service             ? "every pod of " + src_name
                                                            : "every pod of " + dst_name;
  const std::size_t no_endpoint = static_cast<std::size_t>(
      std::count_if(parts.begin(), parts.end(), [&](const ServicePart& p) { return query && !p.target; }));
  if (query) {
    io.out << (yes ? "allowed" : "denied") << ": " << src_name << " -> " << dst_name << " on " << asked << " ("
           << (!any_endpoint ? "no pod is an endpoint of it: " : yes ? "for " : "not for ") << every_text
           << (no_endpoint > 0 && any_endpoint
                   ? "; " + std::to_string(no_endpoint) + " of " + std::to_string(parts.size()) +
                         " are no endpoint of it"
                   : std::string())
           << ")\n";
  } else {
    io.out << common.to_string() << " (for " << every_text << ")\n";
  }
  for (const std::vector<std::size_t>& group : groups) {
    const ServicePart& first = parts[group.front()];
    std::string names;
    for (std::size_t i : group) {
      names += (names.empty() ? "" : "; ") + parts[i].name;
    }
    if (query) {
      io.out << "  " << (!is_endpoint(first) ? "none" : first.yes ? "allowed" : "denied") << " for " << names
             << ": " << first.answer << '\n';
    } else {
      io.out << "  " << names << ": " << first.answer << '\n';
    }
    if (options.explain) {
      for (std::size_t i : group) {
        if (!parts[i].mapping.empty()) {
          io.out << parts[i].mapping << '\n';
        }
      }
      if (is_endpoint(first)) {
        write_explanation(io.out, program, first.result, first.src, first.dst);
      }
    }
  }
  return static_cast<int>(yes ? ExitCode::ok : ExitCode::negative);
}

// The workloads one side of a chain stands for: the one Pod or workload,
// or the Service's. Anything else (an address, a node, a range) is an error.
std::vector<std::size_t> chain_side(const EndpointArg& arg, const std::string& text, const std::string& option) {
  if (arg.service) {
    return arg.service_workloads;
  }
  if (arg.range || arg.endpoint.kind != analyzer::EndpointKind::workload) {
    throw model::Error({}, option + ": '" + text + "' is not a workload: with --hops a chain runs between " +
                               "workloads of the manifests (name a Pod, a workload or a Service)");
  }
  return {arg.endpoint.workload};
}

// "1 hop", "3 hops"
std::string count_text(std::uint64_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

// can-reach --hops: the shortest chain of allowed connections from a
// source workload to a destination one through others (a Service: any of
// its workloads, at either end), of at most N hops, found by
// analyzer::shortest_chain. A --port restricts the last hop only (a
// service port: mapped to its targetPort on each workload of the Service,
// those without one are no end of a chain); the hops before it may use any
// connection. Prints the chain hop by hop with what each hop allows, or how
// far the source gets.
int run_can_reach_chain(const CanReachOptions& options, Output& io, const model::Inventory& inventory,
                        const analyzer::ProgramOptions& program_options, const EndpointArg& from,
                        const EndpointArg& to) {
  analyzer::ChainQuery chain_query;
  chain_query.sources = chain_side(from, options.from, "--from");
  const std::vector<std::size_t> destinations = chain_side(to, options.to, "--to");
  chain_query.max_hops = options.hops;
  std::optional<std::size_t> service_port;
  const std::optional<PortQuery> query = parse_query(options, to, inventory, service_port);
  const model::ServicePort* sp = service_port ? &inventory.services[*to.service].ports[*service_port] : nullptr;
  for (std::size_t w : destinations) {
    analyzer::ChainTarget target{w, std::nullopt};
    if (sp) {
      const std::optional<analyzer::ServiceTarget> mapped = analyzer::service_target(*sp, inventory.workloads[w]);
      if (!mapped) {
        continue; // no endpoint of the service port
      }
      target.port = analyzer::TargetPort{mapped->protocol, mapped->port};
    } else if (query) {
      target.port = analyzer::TargetPort{query->protocol, query->port};
    }
    chain_query.targets.push_back(target);
  }

  const analyzer::Program program(inventory, program_options);
  analyzer::ChainResult chain;
  if (!chain_query.targets.empty()) {
    const analyzer::Partition partition(program);
    chain = analyzer::shortest_chain(partition, chain_query);
  }
  const bool yes = !chain.hops.empty();
  const std::string src_name = side_name(from, inventory);
  const std::string dst_name = side_name(to, inventory);
  const std::string asked = sp ? "service port " + sp->to_string() : query ? query_text(*query) : std::string();
  auto name = [&](std::size_t w) { return endpoint_name(analyzer::FlowEndpoint::of_workload(w), inventory); };
  // The connection the last hop was asked for, on its workload.
  auto last_port = [&](std::size_t w) -> std::optional<PortQuery> {
    for (const analyzer::ChainTarget& t : chain_query.targets) {
      if (t.workload == w && t.port) {
        return PortQuery{t.port->protocol, t.port->port};
      }
    }
    return std::nullopt;
  };

  if (options.format == "json") {
    nlohmann::json j;
    j["from"] = side_json(from, inventory);
    j["to"] = side_json(to, inventory);
    j["max_hops"] = options.hops;
    if (query) {
      j["query"] = query_json(*query, sp);
    }
    j["allowed"] = yes;
    nlohmann::json hops = nlohmann::json::array();
    for (std::size_t i = 0; i < chain.hops.size(); ++i) {
      const analyzer::Hop& hop = chain.hops[i];
      const analyzer::FlowEndpoint src = analyzer::FlowEndpoint::of_workload(hop.from);
      const analyzer::FlowEndpoint dst = analyzer::FlowEndpoint::of_workload(hop.to);
      nlohmann::json h;
      h["from"] = endpoint_json(src, inventory);
      h["to"] = endpoint_json(dst, inventory);
      h["connections"] = connections_json(hop.allowed);
      if (i + 1 == chain.hops.size() && query) {
        const std::optional<PortQuery> target = last_port(hop.to);
        h["target"] = {{"protocol", model::to_string(target->protocol)}, {"port", target->port}};
      }
      if (options.explain) {
        h["flow"] = flow_json(program, program.evaluate(src, dst));
      }
      hops.push_back(std::move(h));
    }
    j["hops"] = std::move(hops);
    j["shortest_chains"] = chain.shortest_chains;
    j["reached"] = chain.reached;
    j["exhausted"] = chain.exhausted;
    add_unmodelled_policies(j, inventory);
    write_json(io.out, j);
    return static_cast<int>(yes ? ExitCode::ok : ExitCode::negative);
  }

  const std::string on = asked.empty() ? std::string() : " on " + asked;
  if (chain_query.targets.empty()) {
    io.out << "no chain to " << dst_name << on << ": no pod of it is an endpoint of the service port (its "
           << "workloads declare no " << model::to_string(sp->protocol) << " port named '" << sp->target_text()
           << "')\n";
    return static_cast<int>(ExitCode::negative);
  }
  if (!yes) {
    io.out << "no chain of at most " << count_text(options.hops, "hop") << " from " << src_name << " to "
           << dst_name << on << "; " << src_name << " reaches " << count_text(chain.reached, "other workload");
    if (chain.exhausted) {
      io.out << " in all, and no more with more hops\n";
    } else {
      io.out << " within " << count_text(options.hops, "hop") << "\n";
    }
    return static_cast<int>(ExitCode::negative);
  }
  io.out << "reachable" << on << " in " << count_text(chain.hops.size(), "hop") << ": " << name(chain.hops.front().from);
  for (const analyzer::Hop& hop : chain.hops) {
    io.out << " -> " << name(hop.to);
  }
  io.out << '\n';
  for (std::size_t i = 0; i < chain.hops.size(); ++i) {
    const analyzer::Hop& hop = chain.hops[i];
    io.out << "  " << i + 1 << ". " << name(hop.from) << " -> " << name(hop.to) << ": " << hop.allowed.to_string();
    if (i + 1 == chain.hops.size() && sp) {
      io.out << " (service port " << sp->to_string() << " -> targetPort " << sp->target_text() << " -> "
             << query_text(*last_port(hop.to)) << ")";
    }
    io.out << '\n';
    if (options.explain) {
      const analyzer::FlowEndpoint src = analyzer::FlowEndpoint::of_workload(hop.from);
      const analyzer::FlowEndpoint dst = analyzer::FlowEndpoint::of_workload(hop.to);
      // Indented under its hop, so that the chain still reads down the page.
      std::ostringstream explanation;
      write_explanation(explanation, program, program.evaluate(src, dst), src, dst);
      std::istringstream lines(explanation.str());
      for (std::string line; std::getline(lines, line);) {
        io.out << "       " << line << '\n';
      }
    }
  }
  if (chain.shortest_chains > 1) {
    const std::uint64_t others = chain.shortest_chains - 1;
    io.out << "note: " << (chain.shortest_chains == std::numeric_limits<std::uint64_t>::max() ? "at least " : "")
           << others << " other " << (others == 1 ? "chain" : "chains") << " of " << count_text(chain.hops.size(), "hop")
           << "; this one comes first by name\n";
  }
  return static_cast<int>(ExitCode::ok);
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
  if (options.hops > 0) {
    return run_can_reach_chain(options, io, *inventory, program_options(input), from, to);
  }
  if (from.range && to.range) {
    throw model::Error({}, "--from and --to are both ranges ('" + options.from + "', '" + options.to +
                               "'): NetworkPolicy does not govern traffic between addresses outside the "
                               "cluster; name a Pod or workload on one side");
  }
  if ((from.range && to.service) || (from.service && to.range)) {
    throw model::Error({}, "--from and --to: a range and a Service together are not supported ('" + options.from +
                               "', '" + options.to + "'); name a Pod or workload on one side");
  }
  std::optional<std::size_t> service_port;
  const std::optional<PortQuery> query = parse_query(options, to, *inventory, service_port);

  const analyzer::Program program(*inventory, program_options(input));
  if (from.service || to.service) {
    return run_can_reach_service(options, io, program, from, to, query, service_port);
  }
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
    write_json(io.out, j);
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
                  "  npcheck can-reach -f manifests/ --from shop/frontend --to shop/backend --port http --explain\n"
                  "  npcheck can-reach -f manifests/ --from monitoring/prometheus --to kube-system/coredns\n"
                  "  npcheck can-reach -f manifests/ --from shop/frontend --to data/postgres --port 5432 --hops 3");
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
  command->add_option("--hops", options->hops,
                      "Find the shortest chain of at most N allowed connections from SRC to DST through other "
                      "workloads; --port then applies to the last hop")
      ->check(hop_count())
      ->type_name("N");
  command->add_flag("--explain", options->explain, "Explain both sides: isolation, selecting policies, admitting rules");
  command->add_option("-o,--output", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str()
      ->type_name("FORMAT");
  return [options](Output& io) { return run_can_reach(*options, io); };
}

} // namespace npcheck::cli
