// SPDX-License-Identifier: Apache-2.0
#pragma once

// How the program's answers read, in text and in JSON: endpoints, policies,
// rules and the decisions of each side of a flow. The one place that renders
// an explanation; can-reach, check, diff and the matrix views call it, so
// that the same thing reads the same everywhere. The JSON schema is in the
// man page (JSON OUTPUT).

#include <npcheck/analyzer/address_set.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/inventory.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace npcheck::cli {

// One (protocol, port) a question is about.
struct PortQuery {
  model::Protocol protocol = model::Protocol::tcp;
  std::uint16_t port = 0;
};

// "TCP 8080"
std::string query_text(const PortQuery& query);

// How an endpoint is shown: "ns/name", "ns/name[Deployment]", "10.0.0.1",
// "node 10.0.0.1 (node-1)".
std::string endpoint_name(const analyzer::FlowEndpoint& endpoint, const model::Inventory& inventory);

// {"kind", "namespace", "name", "id", "location"} for a workload;
// {"kind": "Node", "ip", "name"?, "id"}; {"kind": "External", "ip", "id"}.
// With ranges (an external piece standing for addresses), "cidrs" replaces "ip".
nlohmann::json endpoint_json(const analyzer::FlowEndpoint& endpoint, const model::Inventory& inventory,
                             const std::vector<analyzer::AddressRange>* ranges = nullptr);

// "NetworkPolicy shop/api"
std::string policy_name(const analyzer::Program& program, analyzer::PolicyId policy);
// "NetworkPolicy shop/api (policies.yaml:3:1)"
std::string policy_place(const analyzer::Program& program, analyzer::PolicyId policy);
// "NetworkPolicy shop/api ingress[0] (policies.yaml:9:5)"
std::string rule_name(const analyzer::Program& program, analyzer::RuleId rule);

// {"kind", "namespace"?, "name", "location"}
nlohmann::json policy_json(const analyzer::Program& program, analyzer::PolicyId policy);
// {"policy": policy_json, "direction", "index", "location"}
nlohmann::json rule_json(const analyzer::Program& program, analyzer::RuleId rule);

// One side: {"subject", "isolated", "policies": [policy_json], "decisions":
// [{"tier", "by", "action", "rule"?, "connections"}], "allowed"}.
nlohmann::json side_json(const analyzer::Program& program, const analyzer::SideResult& side);
// {"allowed", "always_allowed", "family", "egress", "ingress", "by_family"?}
nlohmann::json flow_json(const analyzer::Program& program, const analyzer::FlowResult& flow);

// One line for a verdict: who admits or who refuses (the query, or anything).
std::string flow_reason(const analyzer::Program& program, const analyzer::FlowResult& flow,
                        const std::string& src, const std::string& dst,
                        const std::optional<PortQuery>& query);

// When the answer (to the query, or on some connection) depends on the
// order of two policies of one tier with the same priority (which the API
// leaves undefined): a sentence naming them; "" otherwise.
std::string tie_note(const analyzer::Program& program, const analyzer::FlowResult& flow,
                     const std::optional<PortQuery>& query);

// When src's egress is decided by admin tiers with domainNames peers (which
// npcheck cannot resolve) and dst is an address: a sentence naming those
// rules; "" otherwise.
std::string domain_names_note(const analyzer::Program& program, const analyzer::FlowEndpoint& src,
                              const analyzer::FlowEndpoint& dst);

// The full explanation of a flow, both sides (can-reach --explain).
void write_explanation(std::ostream& out, const analyzer::Program& program,
                       const analyzer::FlowResult& flow, const analyzer::FlowEndpoint& src,
                       const analyzer::FlowEndpoint& dst);

// Why a flow lets ports through (allowed: true) or refuses them (false):
// one line per side to blame, naming the policies and rules.
std::vector<std::string> blame(const analyzer::Program& program, const analyzer::FlowResult& flow,
                               const analyzer::FlowEndpoint& src, const analyzer::FlowEndpoint& dst,
                               const analyzer::ConnectionSet& ports, bool allowed);

} // namespace npcheck::cli
