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

} // namespace npcheck::cli
