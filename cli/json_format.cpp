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

} // namespace npcheck::cli
