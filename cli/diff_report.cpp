// SPDX-License-Identifier: Apache-2.0
//
// The diff report: endpoints added and removed, then connections added,
// removed and changed (with what was gained and lost), then one summary
// line. Every format lists the same things in the same order.
#include "diff_report.hpp"
#include "json_format.hpp"

#include <npcheck/analyzer/address_ranges.hpp>


#include <ostream>

namespace npcheck::cli {

namespace {

using analyzer::ChangeKind;
using analyzer::ConnectionChange;
using analyzer::ConnectionSet;
using analyzer::ConnectivityDiff;
using analyzer::DiffEndpoint;

std::string summary(const ConnectivityDiff& diff) {
  return model::plural(diff.count(ChangeKind::added), "connection") + " added, " +
         std::to_string(diff.count(ChangeKind::removed)) + " removed, " +
         std::to_string(diff.count(ChangeKind::changed)) + " changed; " +
         model::plural(diff.added_endpoints.size(), "endpoint") + " added, " +
         std::to_string(diff.removed_endpoints.size()) + " removed";
}

std::string delta(const ConnectionChange& c) {
  ConnectionSet gained = c.after - c.before;
  ConnectionSet lost = c.before - c.after;
  std::string text;
  if (!gained.empty()) {
    text += "gained " + gained.to_string();
  }
  if (!lost.empty()) {
    text += (text.empty() ? "" : "; ") + std::string("lost ") + lost.to_string();
  }
  return text;
}

nlohmann::json endpoint_json(const DiffEndpoint& e) {
  nlohmann::json j;
  if (e.kind == analyzer::MatrixEndpointKind::workload) {
    j["kind"] = e.kind_name;
    j["namespace"] = e.namespace_name;
    j["name"] = e.name;
  } else {
    j["kind"] = "External";
    nlohmann::json cidrs = nlohmann::json::array();
    for (const analyzer::AddressRange& range : e.ranges) {
      for (const model::Cidr& cidr : analyzer::to_cidrs(range)) {
        cidrs.push_back(cidr.to_string());
      }
    }
    j["cidrs"] = std::move(cidrs);
  }
  j["id"] = diff_endpoint_name(e);
  return j;
}

std::string code(const std::string& text) { return '`' + text + '`'; }

// Text in a table cell: a '|' would end the cell.
std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' '; // a line break would end the row
    } else {
      out += c;
    }
  }
  return out;
}

} // namespace

std::string diff_endpoint_name(const DiffEndpoint& endpoint) {
  if (endpoint.kind == analyzer::MatrixEndpointKind::workload) {
    return endpoint.id;
  }
  return analyzer::addresses_to_string(endpoint.ranges);
}

void write_diff_text(std::ostream& out, const ConnectivityDiff& diff,
                     const std::vector<std::string>& causes) {
  auto endpoints = [&](const char* title, const std::vector<std::size_t>& list, char mark) {
    if (list.empty()) {
      return;
    }
    out << title << " (" << list.size() << "):\n";
    for (std::size_t e : list) {
      out << "  " << mark << ' ' << diff_endpoint_name(diff.endpoints[e]) << '\n';
    }
  };
  auto connections = [&](const char* title, ChangeKind kind, char mark) {
    std::size_t n = diff.count(kind);
    if (n == 0) {
      return;
    }
    out << title << " (" << n << "):\n";
    for (std::size_t i = 0; i < diff.changes.size(); ++i) {
      const ConnectionChange& c = diff.changes[i];
      if (c.kind != kind) {
        continue;
      }
      out << "  " << mark << ' ' << diff_endpoint_name(diff.endpoints[c.from]) << " -> "
          << diff_endpoint_name(diff.endpoints[c.to]) << ": ";
      switch (kind) {
      case ChangeKind::added:
        out << c.after.to_string();
        break;
      case ChangeKind::removed:
        out << c.before.to_string();
        break;
      case ChangeKind::changed:
        out << c.before.to_string() << " => " << c.after.to_string() << " (" << delta(c) << ')';
        break;
      }
      out << '\n';
      if (!causes[i].empty()) {
        out << "      why: " << causes[i] << '\n';
      }
    }
  };
  if (diff.empty()) {
    out << "no connectivity changes\n";
    return;
  }
  endpoints("endpoints added", diff.added_endpoints, '+');
  endpoints("endpoints removed", diff.removed_endpoints, '-');
  connections("connections added", ChangeKind::added, '+');
  connections("connections removed", ChangeKind::removed, '-');
  connections("connections changed", ChangeKind::changed, '~');
  out << summary(diff) << '\n';
}

void write_diff_json(std::ostream& out, const ConnectivityDiff& diff,
                     const std::vector<std::string>& causes, const model::Inventory& base,
                     const model::Inventory& head) {
  nlohmann::json doc;
  auto endpoint_list = [&](const std::vector<std::size_t>& list) {
    nlohmann::json j = nlohmann::json::array();
    for (std::size_t e : list) {
      j.push_back(endpoint_json(diff.endpoints[e]));
    }
    return j;
  };
  doc["endpoints_added"] = endpoint_list(diff.added_endpoints);
  doc["endpoints_removed"] = endpoint_list(diff.removed_endpoints);
  nlohmann::json added = nlohmann::json::array();
  nlohmann::json removed = nlohmann::json::array();
  nlohmann::json changed = nlohmann::json::array();
  for (std::size_t i = 0; i < diff.changes.size(); ++i) {
    const ConnectionChange& c = diff.changes[i];
    nlohmann::json j;
    j["from"] = diff_endpoint_name(diff.endpoints[c.from]);
    j["to"] = diff_endpoint_name(diff.endpoints[c.to]);
    if (!causes[i].empty()) {
      j["why"] = causes[i];
    }
    switch (c.kind) {
    case ChangeKind::added:
      j["allowed"] = connections_json(c.after);
      added.push_back(std::move(j));
      break;
    case ChangeKind::removed:
      j["allowed"] = connections_json(c.before);
      removed.push_back(std::move(j));
      break;
    case ChangeKind::changed:
      j["before"] = connections_json(c.before);
      j["after"] = connections_json(c.after);
      j["gained"] = connections_json(c.after - c.before);
      j["lost"] = connections_json(c.before - c.after);
      changed.push_back(std::move(j));
      break;
    }
  }
  doc["connections_added"] = std::move(added);
  doc["connections_removed"] = std::move(removed);
  doc["connections_changed"] = std::move(changed);
  doc["summary"] = {{"connections_added", diff.count(ChangeKind::added)},
                    {"connections_removed", diff.count(ChangeKind::removed)},
                    {"connections_changed", diff.count(ChangeKind::changed)},
                    {"endpoints_added", diff.added_endpoints.size()},
                    {"endpoints_removed", diff.removed_endpoints.size()}};
  if (!base.unmodelled_policies.empty() || !head.unmodelled_policies.empty()) {
    auto list = [](const model::Inventory& inventory) {
      nlohmann::json j = unmodelled_policies_json(inventory);
      return j.is_null() ? nlohmann::json::array() : j;
    };
    doc["unmodelled_policies"] = {{"base", list(base)}, {"head", list(head)}};
  }
  write_json(out, doc);
}

void write_diff_markdown(std::ostream& out, const ConnectivityDiff& diff,
                         const std::vector<std::string>& causes, std::size_t max_rows) {
  out << "### npcheck: network connectivity changes\n\n";
  if (diff.empty()) {
    out << "No connectivity changes.\n";
    return;
  }
  out << "**" << summary(diff) << "**\n";
  auto more = [&](std::size_t total) {
    if (max_rows != 0 && total > max_rows) {
      out << "\n… and " << total - max_rows << " more (run `npcheck diff` for the full list)\n";
    }
  };
  auto endpoints = [&](const char* title, const std::vector<std::size_t>& list) {
    if (list.empty()) {
      return;
    }
    out << "\n#### " << title << " (" << list.size() << ")\n\n";
    for (std::size_t i = 0; i < list.size() && (max_rows == 0 || i < max_rows); ++i) {
      out << "- " << code(diff_endpoint_name(diff.endpoints[list[i]])) << '\n';
    }
    more(list.size());
  };
  auto connections = [&](const char* title, ChangeKind kind) {
    std::size_t total = diff.count(kind);
    if (total == 0) {
      return;
    }
    out << "\n#### " << title << " (" << total << ")\n\n";
    if (kind == ChangeKind::changed) {
      out << "| from | to | before | after | gained | lost | why |\n|---|---|---|---|---|---|---|\n";
    } else {
      out << "| from | to | " << (kind == ChangeKind::added ? "now allowed" : "was allowed")
          << " | why |\n|---|---|---|---|\n";
    }
    std::size_t shown = 0;
    for (std::size_t i = 0; i < diff.changes.size(); ++i) {
      const ConnectionChange& c = diff.changes[i];
      if (c.kind != kind || (max_rows != 0 && shown == max_rows)) {
        continue;
      }
      ++shown;
      out << "| " << code(diff_endpoint_name(diff.endpoints[c.from])) << " | "
          << code(diff_endpoint_name(diff.endpoints[c.to])) << " | ";
      switch (kind) {
      case ChangeKind::added:
        out << c.after.to_string();
        break;
      case ChangeKind::removed:
        out << c.before.to_string();
        break;
      case ChangeKind::changed: {
        ConnectionSet gained = c.after - c.before;
        ConnectionSet lost = c.before - c.after;
        out << c.before.to_string() << " | " << c.after.to_string() << " | "
            << (gained.empty() ? "" : gained.to_string()) << " | " << (lost.empty() ? "" : lost.to_string());
        break;
      }
      }
      out << " | " << markdown_cell(causes[i]) << " |\n";
    }
    more(total);
  };
  connections("Connections added", ChangeKind::added);
  connections("Connections removed", ChangeKind::removed);
  connections("Connections changed", ChangeKind::changed);
  endpoints("Endpoints added", diff.added_endpoints);
  endpoints("Endpoints removed", diff.removed_endpoints);
}

} // namespace npcheck::cli
