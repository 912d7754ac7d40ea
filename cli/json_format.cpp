// SPDX-License-Identifier: Apache-2.0
#include "json_format.hpp"

#include <ostream>
#include <string>

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

namespace {

// An object on one line reads well up to about this many characters.
constexpr std::size_t k_inline_object_width = 72;

std::string scalar_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Whether j is a scalar, or an array whose elements all are this.
bool flat(const nlohmann::json& j) {
  if (j.is_array()) {
    for (const nlohmann::json& e : j) {
      if (!flat(e)) {
        return false;
      }
    }
    return true;
  }
  return !j.is_object();
}

std::string flat_text(const nlohmann::json& j) {
  if (!j.is_array()) {
    return scalar_text(j);
  }
  std::string text = "[";
  for (std::size_t i = 0; i < j.size(); ++i) {
    text += (i == 0 ? "" : ", ") + flat_text(j[i]);
  }
  return text + ']';
}

// A non-empty object whose members are all flat, on one line if short.
bool inline_object(const nlohmann::json& j, std::string& text) {
  if (!j.is_object() || j.empty()) {
    return false;
  }
  text = "{";
  bool first = true;
  for (const auto& [key, value] : j.items()) {
    if (!flat(value)) {
      return false;
    }
    text += (first ? "" : ", ") + scalar_text(key) + ": " + flat_text(value);
    first = false;
    if (text.size() > k_inline_object_width) {
      return false;
    }
  }
  text += '}';
  return true;
}

void write_value(std::ostream& out, const nlohmann::json& j, std::size_t depth) {
  std::string text;
  if (flat(j)) {
    out << flat_text(j);
    return;
  }
  if (depth > 0 && inline_object(j, text)) {
    out << text;
    return;
  }
  const std::string indent(2 * (depth + 1), ' ');
  if (j.is_object()) {
    if (j.empty()) {
      out << "{}";
      return;
    }
    out << "{\n";
    bool first = true;
    for (const auto& [key, value] : j.items()) {
      out << (first ? "" : ",\n") << indent << scalar_text(key) << ": ";
      write_value(out, value, depth + 1);
      first = false;
    }
    out << '\n' << std::string(2 * depth, ' ') << '}';
    return;
  }
  out << "[\n";
  for (std::size_t i = 0; i < j.size(); ++i) {
    out << (i == 0 ? "" : ",\n") << indent;
    write_value(out, j[i], depth + 1);
  }
  out << '\n' << std::string(2 * depth, ' ') << ']';
}

} // namespace

void write_json(std::ostream& out, const nlohmann::json& doc) {
  write_value(out, doc, 0);
  out << '\n';
}

void add_unmodelled_policies(nlohmann::json& doc, const model::Inventory& inventory) {
  if (!inventory.unmodelled_policies.empty()) {
    doc["unmodelled_policies"] = unmodelled_policies_json(inventory);
  }
}

} // namespace npcheck::cli
