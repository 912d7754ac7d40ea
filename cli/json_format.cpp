// SPDX-License-Identifier: Apache-2.0
#include "json_format.hpp"

namespace npcheck::cli {

nlohmann::json connections_json(const analyzer::ConnectionSet& set) {
  nlohmann::json j = nlohmann::json::object();
  for (model::Protocol protocol : model::k_all_protocols) {
    std::vector<analyzer::PortRange> ranges = set.ports(protocol).ranges();
    if (ranges.empty()) {
      continue;
    }
    nlohmann::json list = nlohmann::json::array();
    for (const analyzer::PortRange& r : ranges) {
      list.push_back({r.first, r.last});
    }
    j[model::to_string(protocol)] = list;
  }
  return j;
}

nlohmann::json unmodelled_policies_json(const model::Inventory& inventory) {
  if (inventory.unmodelled_policies.empty()) {
    return nullptr;
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [kind, count] : inventory.unmodelled_policies) {
    list.push_back({{"kind", kind.first}, {"group", kind.second}, {"count", count}});
  }
  return list;
}

void add_unmodelled_policies(nlohmann::json& doc, const model::Inventory& inventory) {
  if (!inventory.unmodelled_policies.empty()) {
    doc["unmodelled_policies"] = unmodelled_policies_json(inventory);
  }
}

nlohmann::json side_json(const analyzer::DirectionResult& side, const model::Inventory& inventory) {
  nlohmann::json j;
  j["isolated"] = side.isolated;
  j["policies"] = nlohmann::json::array();
  for (std::size_t p : side.policies) {
    const model::NetworkPolicy& policy = inventory.policies[p];
    j["policies"].push_back({{"namespace", policy.namespace_name},
                             {"name", policy.name},
                             {"location", policy.where.to_string()}});
  }
  j["rules"] = nlohmann::json::array();
  for (const analyzer::RuleMatch& m : side.rules) {
    const model::NetworkPolicy& policy = inventory.policies[m.policy];
    const std::vector<model::Rule>& rules =
        m.direction == analyzer::Direction::ingress ? policy.ingress : policy.egress;
    j["rules"].push_back({{"policy", policy.namespace_name + '/' + policy.name},
                          {"direction", analyzer::to_string(m.direction)},
                          {"index", m.rule},
                          {"location", rules[m.rule].where.to_string()},
                          {"allowed", connections_json(m.allowed)}});
  }
  j["allowed"] = connections_json(side.allowed);
  return j;
}

} // namespace npcheck::cli
