// SPDX-License-Identifier: Apache-2.0
//
// Exhaustive comparison at the edges. Per protocol, what a flow allows is a
// union of port ranges whose ends are policy port numbers, endPort + 1 and
// container port numbers (+ 1), so every maximal range of constant answer
// starts at one of those points or at 1: probing all of them (and their
// neighbours, for good measure) decides equality of two allowed sets
// completely. Addresses work alike with the ends of every cidr and except
// and the single addresses of pods and nodes.
#include "differential.hpp"

#include "check.hpp"
#include "ip_value.hpp"

#include <npcheck/analyzer/expectations.hpp>
#include <npcheck/analyzer/matrix.hpp>

#include <algorithm>
#include <optional>
#include <string>

namespace npcheck::fuzz {

namespace {

namespace naive = testing::naive;

void add_with_neighbours(std::vector<model::IpAddress>& out, const model::IpAddress& ip) {
  const U128 value = value_of(ip);
  out.push_back(ip);
  if (value > 0) {
    out.push_back(address_of(ip.family, value - 1));
  }
  if (value < family_max(ip.family)) {
    out.push_back(address_of(ip.family, value + 1));
  }
}

void add_port(std::vector<std::uint16_t>& out, long port) {
  for (long p = port - 1; p <= port + 1; ++p) {
    if (p >= 1 && p <= 65535) {
      out.push_back(static_cast<std::uint16_t>(p));
    }
  }
}

std::string describe_end(const model::Inventory& inventory, const ProbeEnd& end) {
  std::string text = naive::describe(inventory, end.reference);
  switch (end.engine.kind) {
  case analyzer::EndpointKind::workload:
    return text + " (engine: workload #" + std::to_string(end.engine.workload) + ")";
  case analyzer::EndpointKind::node:
    return text + " (engine: node " + end.engine.ip.to_string() + " '" + end.engine.node_name + "')";
  case analyzer::EndpointKind::external:
    break;
  }
  return text + " (engine: external " + end.engine.ip.to_string() + ")";
}

// The explanation of a side must account for exactly what it allows: the
// decisions are non-empty, disjoint for first-match (but pass) and isolation parts, the
// allowing ones unite to the side's answer, and NetworkPolicy rules belong to
// the policies that isolate the endpoint.
template <typename Flow>
void check_side(const analyzer::Program& program, const analyzer::SideResult& side, const char* name,
                const Flow& flow) {
  using analyzer::Decision;
  if (side.subject != analyzer::SideResult::Subject::pod) {
    if (!side.allowed.is_all() || !side.decisions.empty() || side.isolated()) {
      fail(flow() + ": " + name + " is no pod but is explained or restricted");
    }
    return;
  }
  analyzer::ConnectionSet allowed;
  analyzer::ConnectionSet decided;
  for (const Decision& d : side.decisions) {
    if (d.connections.empty()) {
      fail(flow() + ": " + name + " explains with a decision that decides nothing");
    }
    const bool network_policy_rule = d.by == Decision::By::rule && d.tier == analyzer::TierKind::network_policy;
    if (network_policy_rule &&
        std::find(side.isolating.begin(), side.isolating.end(), program.rule(d.rule).policy) ==
            side.isolating.end()) {
      fail(flow() + ": " + name + " rule of a policy that does not select the endpoint");
    }
    // A pass hands what it takes on to the next tier, where it is decided
    // again; every other first-match or isolation decision is final.
    const bool pass = d.by == Decision::By::rule && d.action == analyzer::Action::pass;
    if (!network_policy_rule && !pass) {
      if (!(decided & d.connections).empty()) {
        fail(flow() + ": " + name + " decides some connections twice");
      }
      decided.unite(d.connections);
    }
    if (d.action == analyzer::Action::allow) {
      allowed.unite(d.connections);
    }
  }
  if (!(allowed == side.allowed)) {
    fail(flow() + ": " + name + " allows " + side.allowed.to_string() + " but its decisions admit " +
         allowed.to_string());
  }
  if (!side.isolated() && !program.has_ordered_tiers() && !side.allowed.is_all()) {
    fail(flow() + ": " + name + " not isolated but not all allowed");
  }
}

} // namespace

std::vector<std::uint16_t> port_probes(const model::Inventory& inventory) {
  std::vector<std::uint16_t> probes{1, 2, 65534, 65535};
  for (const model::NetworkPolicy& policy : inventory.policies) {
    for (const auto* rules : {&policy.ingress, &policy.egress}) {
      for (const model::Rule& rule : *rules) {
        for (const model::PolicyPort& port : rule.ports) {
          if (port.port) {
            if (const auto* number = std::get_if<std::uint16_t>(&*port.port)) {
              add_port(probes, *number);
            }
          }
          if (port.end_port) {
            add_port(probes, *port.end_port);
          }
        }
      }
    }
  }
  for (const model::Workload& workload : inventory.workloads) {
    for (const model::ContainerPort& port : workload.ports) {
      add_port(probes, port.port);
    }
  }
  std::sort(probes.begin(), probes.end());
  probes.erase(std::unique(probes.begin(), probes.end()), probes.end());
  return probes;
}

std::vector<model::IpAddress> address_probes(const model::Inventory& inventory) {
  std::vector<model::IpAddress> probes;
  for (model::IpFamily family : {model::IpFamily::v4, model::IpFamily::v6}) {
    probes.push_back(address_of(family, 0));
    probes.push_back(address_of(family, family_max(family)));
  }
  auto add_cidr = [&probes](const model::Cidr& cidr) {
    add_with_neighbours(probes, cidr.first());
    add_with_neighbours(probes, cidr.last());
  };
  for (const model::NetworkPolicy& policy : inventory.policies) {
    for (const auto* rules : {&policy.ingress, &policy.egress}) {
      for (const model::Rule& rule : *rules) {
        for (const model::Peer& peer : rule.peers) {
          if (peer.ip_block) {
            add_cidr(peer.ip_block->cidr);
            for (const model::Cidr& except : peer.ip_block->except) {
              add_cidr(except);
            }
          }
        }
      }
    }
  }
  for (const model::Workload& workload : inventory.workloads) {
    for (const model::IpAddress& ip : workload.pod_ips) {
      add_with_neighbours(probes, ip);
    }
    if (workload.host_ip) {
      add_with_neighbours(probes, *workload.host_ip);
    }
  }
  for (const model::Node& node : inventory.nodes) {
    for (const model::IpAddress& ip : node.addresses) {
      add_with_neighbours(probes, ip);
    }
  }
  std::sort(probes.begin(), probes.end());
  probes.erase(std::unique(probes.begin(), probes.end()), probes.end());
  return probes;
}

ProbeEnd workload_end(const model::Inventory& inventory, std::size_t index) {
  return ProbeEnd{analyzer::FlowEndpoint::of_workload(index), naive::End{&inventory.workloads[index], {}, {}}};
}

ProbeEnd address_end(const model::Inventory& inventory, const analyzer::Program& engine,
                     const model::IpAddress& ip) {
  return ProbeEnd{engine.addresses().resolve(ip), naive::resolve(inventory, ip)};
}

void check_flow(const model::Inventory& inventory, const analyzer::Program& engine,
                const ProbeEnd& src, const ProbeEnd& dst, const std::vector<std::uint16_t>& probes) {
  const analyzer::FlowResult explained = engine.evaluate(src.engine, dst.engine);
  const analyzer::ConnectionSet fast = engine.allowed(src.engine, dst.engine);
  auto flow = [&] { return describe_end(inventory, src) + " -> " + describe_end(inventory, dst); };
  if (!(explained.allowed == fast)) {
    fail(flow() + ": evaluate() allows " + explained.allowed.to_string() + " but allowed() " +
         fast.to_string());
  }
  if (explained.by_family.empty() && !explained.no_common_family) {
    check_side(engine, explained.egress, "egress", flow);
    check_side(engine, explained.ingress, "ingress", flow);
  }
  for (const analyzer::FlowResult& part : explained.by_family) {
    check_side(engine, part.egress, "egress", flow);
    check_side(engine, part.ingress, "ingress", flow);
  }
  analyzer::ConnectionSet combined = explained.egress.allowed & explained.ingress.allowed;
  if (explained.always != analyzer::AlwaysAllowed::no) {
    combined = analyzer::ConnectionSet::all();
  } else if (explained.no_common_family) {
    combined = analyzer::ConnectionSet::none();
  } else if (!explained.by_family.empty()) {
    combined = explained.by_family[0].allowed | explained.by_family[1].allowed;
  }
  if (!(combined == explained.allowed)) {
    fail(flow() + ": allowed is not egress & ingress");
  }
  const bool always = naive::always_allowed(inventory, src.reference, dst.reference);
  if (always != (explained.always != analyzer::AlwaysAllowed::no)) {
    fail(flow() + ": engine says " + (always ? "not " : "") + "always allowed, the reference the opposite");
  }
  for (model::Protocol protocol : model::k_all_protocols) {
    for (std::uint16_t port : probes) {
      const bool expected =
          always || naive::policies_allow(inventory, src.reference, dst.reference, protocol, port);
      if (fast.allows(protocol, port) != expected) {
        fail(flow() + " " + model::to_string(protocol) + "/" + std::to_string(port) + ": engine allows " +
             fast.to_string() + ", reference says " + (expected ? "allowed" : "denied"));
      }
    }
  }
}

void check_matrix(const model::Inventory& inventory, const analyzer::Program& engine,
                  const MatrixCheck& options) {
  analyzer::MatrixOptions matrix_options;
  matrix_options.threads = options.threads;
  const analyzer::Matrix matrix = analyzer::Matrix::compute(engine, matrix_options);
  const std::vector<analyzer::MatrixEndpoint>& endpoints = matrix.endpoints();

  // Workloads first, in Inventory order; external ranges partition each family.
  std::vector<std::size_t> compared;
  std::vector<analyzer::AddressRange> ranges;
  std::size_t externals = 0;
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    const analyzer::MatrixEndpoint& endpoint = endpoints[i];
    if (endpoint.kind == analyzer::MatrixEndpointKind::workload) {
      if (i >= inventory.workloads.size() || endpoint.workload != i) {
        fail("matrix endpoint " + std::to_string(i) + " is not workload " + std::to_string(i));
      }
      if (i < options.max_workloads) {
        compared.push_back(i);
      }
      continue;
    }
    if (i < inventory.workloads.size() || endpoint.ranges.empty()) {
      fail("matrix external endpoint " + std::to_string(i) + " misplaced or without ranges");
    }
    ranges.insert(ranges.end(), endpoint.ranges.begin(), endpoint.ranges.end());
    if (externals++ < options.max_external) {
      compared.push_back(i);
    }
  }
  if (endpoints.size() - externals != inventory.workloads.size()) {
    fail("matrix has " + std::to_string(endpoints.size() - externals) + " workload endpoints for " +
         std::to_string(inventory.workloads.size()) + " workloads");
  }
  std::sort(ranges.begin(), ranges.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (model::IpFamily family : {model::IpFamily::v4, model::IpFamily::v6}) {
    std::optional<U128> next = U128{0};
    for (const analyzer::AddressRange& range : ranges) {
      if (range.first.family != family) {
        continue;
      }
      if (range.last.family != family || range.last < range.first || !next ||
          value_of(range.first) != *next) {
        fail("matrix external ranges do not partition the address space at " + range.first.to_string());
      }
      next = range.last == address_of(family, family_max(family)) ? std::nullopt
                                                                   : std::optional<U128>(value_of(range.last) + 1);
    }
    if (next) {
      fail("matrix external ranges leave addresses out");
    }
  }

  auto flow_endpoints = [&](std::size_t i) {
    std::vector<analyzer::FlowEndpoint> result;
    const analyzer::MatrixEndpoint& endpoint = endpoints[i];
    if (endpoint.kind == analyzer::MatrixEndpointKind::workload) {
      result.push_back(analyzer::FlowEndpoint::of_workload(endpoint.workload));
      return result;
    }
    // The ends of its first and last range (the engine was checked on the
    // edges already; this checks the matrix's grouping).
    for (const analyzer::AddressRange* range : {&endpoint.ranges.front(), &endpoint.ranges.back()}) {
      result.push_back(analyzer::FlowEndpoint::external_ip(range->first));
      result.push_back(analyzer::FlowEndpoint::external_ip(range->last));
    }
    return result;
  };
  for (std::size_t a : compared) {
    for (std::size_t b : compared) {
      if (endpoints[a].kind == analyzer::MatrixEndpointKind::external &&
          endpoints[b].kind == analyzer::MatrixEndpointKind::external) {
        continue; // no policy governs traffic between two outside addresses
      }
      const analyzer::ConnectionSet& got = matrix.allowed(a, b);
      for (const analyzer::FlowEndpoint& src : flow_endpoints(a)) {
        for (const analyzer::FlowEndpoint& dst : flow_endpoints(b)) {
          const analyzer::ConnectionSet want = engine.allowed(src, dst);
          if (!(got == want)) {
            fail("matrix " + endpoints[a].id + " -> " + endpoints[b].id + " allows " + got.to_string() +
                 ", engine (" + (src.kind == analyzer::EndpointKind::workload ? "workload" : src.ip.to_string()) +
                 " -> " + (dst.kind == analyzer::EndpointKind::workload ? "workload" : dst.ip.to_string()) +
                 ") " + want.to_string());
          }
        }
      }
      if (a == b) {
        continue;
      }
      // The sparse class rows say the same as allowed().
      const std::uint32_t to = matrix.class_of(b);
      const analyzer::ConnectionSet* row_says = &matrix.connection(0);
      for (const analyzer::MatrixEntry& entry : matrix.row(matrix.class_of(a))) {
        if (entry.to == to) {
          row_says = &matrix.connection(entry.connection);
        }
      }
      if (!(*row_says == got)) {
        fail("matrix row of " + endpoints[a].id + " says " + row_says->to_string() + " for " +
             endpoints[b].id + " but allowed() " + got.to_string());
      }
    }
  }
}

void check_expectation(const analyzer::Program& engine, const model::Expectation& expectation,
                       std::size_t max_violations) {
  const analyzer::ExpectationChecker checker(engine);
  analyzer::CheckOptions bulk;
  bulk.max_violations = max_violations;
  bulk.matrix_from_pairs = 0;
  analyzer::CheckOptions single = bulk;
  single.matrix_from_pairs = static_cast<std::size_t>(-1);
  const analyzer::ExpectationResult a = checker.check(expectation, bulk);
  const analyzer::ExpectationResult b = checker.check(expectation, single);
  const std::string what = "check '" + expectation.from.to_string() + "' -> '" +
                           expectation.to.to_string() + "' " + model::to_string(expectation.expect) +
                           ": ";
  if (a.status != b.status || a.pairs != b.pairs || a.failed_pairs != b.failed_pairs) {
    fail(what + "through the Matrix " + std::to_string(a.failed_pairs) + " of " +
         std::to_string(a.pairs) + " pairs fail, one by one " + std::to_string(b.failed_pairs) +
         " of " + std::to_string(b.pairs));
  }
  if (a.violations.size() != b.violations.size()) {
    fail(what + "reported pairs differ in number");
  }
  for (std::size_t v = 0; v < a.violations.size(); ++v) {
    const analyzer::Violation& x = a.violations[v];
    const analyzer::Violation& y = b.violations[v];
    if (x.from != y.from || x.to != y.to || !(x.offending == y.offending)) {
      fail(what + "reported pair " + std::to_string(v) + " differs: " + x.offending.to_string() +
           " vs " + y.offending.to_string());
    }
  }
}

} // namespace npcheck::fuzz
