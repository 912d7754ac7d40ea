// SPDX-License-Identifier: Apache-2.0
//
// The matrix as printed: filters (--namespace, --from, --to), projection
// (--port, --protocol) and folding (--group) on top of analyzer::Matrix, and
// the output formats. Everything is enumerated from the class rows of the
// matrix, so the work is proportional to what is printed, never N² lookups.
// Groups are classes with identical rows and columns (as whole vectors over
// classes, which makes the relation transitive and the intra-group value
// unique); externals and workloads never share a group.
#include "matrix_view.hpp"

#include <npcheck/analyzer/address_ranges.hpp>

#include <npcheck/analyzer/program.hpp>
#include <npcheck/analyzer/service.hpp>
#include <npcheck/analyzer/vector_hash.hpp>
#include <npcheck/model/workload.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <unordered_map>

namespace npcheck::cli {

namespace {

using analyzer::ConnectionSet;
using analyzer::Matrix;
using analyzer::MatrixEndpoint;
using analyzer::MatrixEndpointKind;

bool is_external(const Matrix& matrix, std::size_t endpoint) {
  return matrix.endpoints()[endpoint].kind == MatrixEndpointKind::external;
}

std::string json_string(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// json_format's connections_json as compact text, written directly: a matrix
// view holds one per distinct set of connections.
std::string connections_json_text(const ConnectionSet& set) {
  std::string text = "{";
  bool first = true;
  for (model::Protocol protocol : model::k_all_protocols) {
    const std::vector<analyzer::PortRange> ranges = set.ports(protocol).ranges();
    if (ranges.empty()) {
      continue;
    }
    text += first ? "" : ", ";
    first = false;
    text += '"';
    text += model::to_string(protocol);
    text += "\": [";
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      text += (i == 0 ? "[" : ", [") + std::to_string(ranges[i].first) + ", " +
              std::to_string(ranges[i].last) + "]";
    }
    text += "]";
  }
  return text + "}";
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) {
    return text;
  }
  std::string quoted = "\"";
  for (char c : text) {
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return quoted + "\"";
}

std::string md_cell(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '|') {
      escaped += '\\';
    }
    escaped += c;
  }
  return escaped;
}

// The members of a node as one cell: "a, b, c".
std::string member_list(const MatrixView::Node& node, const Matrix& matrix) {
  std::string text;
  for (std::size_t m : node.members) {
    text += (text.empty() ? "" : ", ") + matrix.endpoints()[m].id;
  }
  return text;
}

// A node as shown in one table cell: its id, or its members for a group.
std::string cell_name(const MatrixView::Node& node, const Matrix& matrix) {
  return node.group ? member_list(node, matrix) : node.id;
}

// --services: an endpoint's id and the Services fronting it,
// "shop/frontend[Deployment] (svc/frontend)"; the id alone without them.
std::string labelled_id(const MatrixView& view, const Matrix& matrix, std::size_t endpoint) {
  return matrix.endpoints()[endpoint].id + services_suffix(view, endpoint);
}

} // namespace

std::string services_suffix(const MatrixView& view, std::size_t endpoint) {
  if (view.services.empty() || view.services[endpoint].empty()) {
    return "";
  }
  std::string text;
  for (std::size_t i = 0; i < view.services[endpoint].size(); ++i) {
    text += (i == 0 ? " (" : ", ") + view.services[endpoint][i];
  }
  return text + ')';
}

namespace {

// A node as text and md name a destination or a group's member: its id,
// or each member's id, with the Services of --services.
std::string labelled_node(const MatrixView& view, const Matrix& matrix, const MatrixView::Node& node) {
  if (node.group) {
    return node.id;
  }
  return labelled_id(view, matrix, node.members.front());
}

std::string labelled_members(const MatrixView& view, const Matrix& matrix, const MatrixView::Node& node) {
  std::string text;
  for (std::size_t m : node.members) {
    text += (text.empty() ? "" : ", ") + labelled_id(view, matrix, m);
  }
  return text;
}

// csv's services column: the Services fronting any member of a node, sorted.
std::string node_services(const MatrixView& view, const MatrixView::Node& node) {
  std::set<std::string> names;
  for (std::size_t m : node.members) {
    names.insert(view.services[m].begin(), view.services[m].end());
  }
  std::string text;
  for (const std::string& name : names) {
    text += (text.empty() ? "" : " ") + name;
  }
  return text;
}

std::string namespace_of(const MatrixEndpoint& endpoint, const model::Inventory& inventory) {
  return endpoint.kind == MatrixEndpointKind::workload
             ? inventory.workloads[endpoint.workload].namespace_name
             : std::string();
}

} // namespace

std::string node_namespace(const MatrixView::Node& node, const Matrix& matrix,
                           const model::Inventory& inventory) {
  std::string result;
  for (std::size_t i = 0; i < node.members.size(); ++i) {
    const std::string ns = namespace_of(matrix.endpoints()[node.members[i]], inventory);
    if (i == 0) {
      result = ns;
    } else if (ns != result) {
      return {};
    }
  }
  return result;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

std::vector<std::vector<std::string>> fronting_services(const Matrix& matrix, const model::Inventory& inventory) {
  std::vector<std::vector<std::string>> of_workload(inventory.workloads.size());
  for (const model::Service& service : inventory.services) {
    for (std::size_t w : analyzer::service_workloads(service, inventory)) {
      of_workload[w].push_back("svc/" + service.name);
    }
  }
  std::vector<std::vector<std::string>> services(matrix.endpoints().size());
  for (std::size_t e = 0; e < services.size(); ++e) {
    const MatrixEndpoint& endpoint = matrix.endpoints()[e];
    if (endpoint.kind == MatrixEndpointKind::workload) {
      services[e] = of_workload[endpoint.workload];
      std::sort(services[e].begin(), services[e].end());
    }
  }
  return services;
}

std::string connection_text(const ConnectionSet& connections) {
  return connections.to_string();
}

const char* const k_no_connections = "no connections between the endpoints shown";

bool EndpointMatch::matches(const MatrixEndpoint& endpoint, const model::Inventory& inventory) const {
  if (!pattern.empty()) {
    return glob_match(pattern, endpoint.id);
  }
  if (workload) {
    return endpoint.kind == MatrixEndpointKind::workload && endpoint.workload == *workload;
  }
  if (!service_workloads.empty()) {
    return endpoint.kind == MatrixEndpointKind::workload &&
           std::binary_search(service_workloads.begin(), service_workloads.end(), endpoint.workload);
  }
  if (!range) {
    return true;
  }
  if (endpoint.kind == MatrixEndpointKind::workload) {
    const model::Workload& w = inventory.workloads[endpoint.workload];
    return std::any_of(w.pod_ips.begin(), w.pod_ips.end(),
                       [&](const model::IpAddress& ip) { return range->contains(ip); });
  }
  const model::IpAddress first = range->first();
  const model::IpAddress last = range->last();
  return std::any_of(endpoint.ranges.begin(), endpoint.ranges.end(), [&](const analyzer::AddressRange& r) {
    return !(r.last < first) && !(last < r.first);
  });
}

bool MatrixFilter::in_namespaces(const MatrixEndpoint& endpoint, const model::Inventory& inventory) const {
  if (namespaces.empty()) {
    return true;
  }
  if (endpoint.kind != MatrixEndpointKind::workload) {
    return false;
  }
  const std::string& ns = inventory.workloads[endpoint.workload].namespace_name;
  return std::find(namespaces.begin(), namespaces.end(), ns) != namespaces.end();
}

bool MatrixFilter::shows_source(const MatrixEndpoint& endpoint, const model::Inventory& inventory) const {
  return !from || from->matches(endpoint, inventory);
}

bool MatrixFilter::shows_destination(const MatrixEndpoint& endpoint,
                                     const model::Inventory& inventory) const {
  return !to || to->matches(endpoint, inventory);
}

MatrixView build_matrix_view(const Matrix& matrix, const model::Inventory& inventory,
                             const MatrixFilter& filter) {
  const std::vector<MatrixEndpoint>& endpoints = matrix.endpoints();
  const std::size_t n = endpoints.size();
  MatrixView view;

  // Visibility per side.
  std::vector<bool> from_ok(n);
  std::vector<bool> to_ok(n);
  std::vector<bool> in_ns(n);
  std::vector<bool> in_focus(n, true);
  for (std::size_t e = 0; e < n; ++e) {
    from_ok[e] = filter.shows_source(endpoints[e], inventory);
    to_ok[e] = filter.shows_destination(endpoints[e], inventory);
    in_ns[e] = filter.in_namespaces(endpoints[e], inventory);
    if (filter.focus) {
      in_focus[e] = filter.focus->matches(endpoints[e], inventory);
    }
  }
  // Whether the pair a -> b is shown: an end in the namespaces, and the
  // focused endpoint at the end the direction names.
  auto pair_ok = [&](std::size_t a, std::size_t b) {
    return (in_ns[a] || in_ns[b]) &&
           (!filter.focus || (filter.focus_egress && in_focus[a]) || (filter.focus_ingress && in_focus[b]));
  };

  // Projection of every connection id onto --port/--protocol, interned; a
  // named port projects per destination, onto the ports it names so (its
  // named set, interned too: 0 is a destination without that name).
  std::map<std::string, std::uint32_t> ids;
  view.connections.push_back(ConnectionSet::none());
  ids.emplace(ConnectionSet::none().to_string(), 0);
  auto intern = [&](ConnectionSet set) {
    const auto [it, inserted] = ids.emplace(set.to_string(), static_cast<std::uint32_t>(view.connections.size()));
    if (inserted) {
      view.connections.push_back(std::move(set));
    }
    return it->second;
  };
  std::vector<std::uint32_t> projected(matrix.connection_count());
  std::vector<std::uint32_t> named_of(n, 0);
  std::vector<ConnectionSet> named_sets(1, ConnectionSet::none());
  if (filter.port_name.empty()) {
    for (std::uint32_t c = 0; c < matrix.connection_count(); ++c) {
      ConnectionSet set = matrix.connection(c);
      if (filter.port) {
        set.intersect(ConnectionSet::of(filter.protocol.value_or(model::Protocol::tcp),
                                        analyzer::PortSet::single(*filter.port)));
      } else if (filter.protocol) {
        set = ConnectionSet::of(*filter.protocol, set.ports(*filter.protocol));
      }
      projected[c] = intern(std::move(set));
    }
  } else {
    std::map<std::string, std::uint32_t> named_ids;
    for (std::size_t e = 0; e < n; ++e) {
      if (endpoints[e].kind != MatrixEndpointKind::workload) {
        continue;
      }
      ConnectionSet set;
      for (const model::ContainerPort& p : inventory.workloads[endpoints[e].workload].ports) {
        if (p.name == filter.port_name && (!filter.protocol || p.protocol == *filter.protocol)) {
          set.add(p.protocol, analyzer::PortSet::single(p.port));
        }
      }
      if (!set.empty()) {
        const auto [it, inserted] =
            named_ids.emplace(set.to_string(), static_cast<std::uint32_t>(named_sets.size()));
        if (inserted) {
          named_sets.push_back(std::move(set));
        }
        named_of[e] = it->second;
      }
    }
  }
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> named_projected;
  // The connection shown for class connection c to endpoint b.
  auto project = [&](std::uint32_t c, std::size_t b) -> std::uint32_t {
    if (filter.port_name.empty()) {
      return projected[c];
    }
    if (named_of[b] == 0) {
      return 0;
    }
    const auto key = std::make_pair(c, named_of[b]);
    auto it = named_projected.find(key);
    if (it == named_projected.end()) {
      ConnectionSet set = matrix.connection(c);
      set.intersect(named_sets[named_of[b]]);
      it = named_projected.emplace(key, intern(std::move(set))).first;
    }
    return it->second;
  };

  // Which endpoints are listed: all that a side may show; with namespaces,
  // those of the namespaces, the external ranges, and the other ends of the
  // pairs that cross into or out of them.
  std::vector<bool> listed(n);
  for (std::size_t e = 0; e < n; ++e) {
    listed[e] = (from_ok[e] || to_ok[e]) && (filter.namespaces.empty() || in_ns[e] || is_external(matrix, e)) &&
                in_focus[e];
  }
  if (!filter.namespaces.empty() || filter.focus) {
    for (std::size_t a = 0; a < n; ++a) {
      if (!from_ok[a]) {
        continue;
      }
      const bool external_a = is_external(matrix, a);
      for (const analyzer::MatrixEntry& entry : matrix.row(matrix.class_of(a))) {
        for (std::uint32_t b : matrix.class_members(entry.to)) {
          if (b != a && to_ok[b] && pair_ok(a, b) && !(external_a && is_external(matrix, b)) &&
              project(entry.connection, b) != 0) {
            listed[a] = true;
            listed[b] = true;
          }
        }
      }
    }
  }

  // Endpoint order: workloads by id, then externals by address.
  std::vector<std::size_t> order;
  for (std::size_t e = 0; e < n; ++e) {
    if (listed[e]) {
      order.push_back(e);
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const bool external_a = is_external(matrix, a);
    const bool external_b = is_external(matrix, b);
    if (external_a != external_b) {
      return external_b;
    }
    return !external_a && endpoints[a].id < endpoints[b].id;
  });
  std::vector<std::size_t> rank(n, 0);
  for (std::size_t i = 0; i < order.size(); ++i) {
    rank[order[i]] = i;
  }

  if (!filter.group) {
    std::vector<std::uint32_t> node_of(n, 0);
    for (std::size_t i = 0; i < order.size(); ++i) {
      node_of[order[i]] = static_cast<std::uint32_t>(i);
      view.nodes.push_back({endpoints[order[i]].id, {order[i]}, false});
    }
    std::vector<MatrixView::Edge> row;
    for (std::size_t a : order) {
      if (!from_ok[a]) {
        continue;
      }
      row.clear();
      const bool external_a = is_external(matrix, a);
      for (const analyzer::MatrixEntry& entry : matrix.row(matrix.class_of(a))) {
        for (std::uint32_t b : matrix.class_members(entry.to)) {
          if (b == a || !to_ok[b] || !pair_ok(a, b) || (external_a && is_external(matrix, b))) {
            continue;
          }
          if (const std::uint32_t connection = project(entry.connection, b); connection != 0) {
            row.push_back({node_of[a], node_of[b], connection});
          }
        }
      }
      std::sort(row.begin(), row.end(),
                [](const MatrixView::Edge& x, const MatrixView::Edge& y) { return x.to < y.to; });
      view.edges.insert(view.edges.end(), row.begin(), row.end());
    }
    return view;
  }

  // --group: classes with identical rows and columns (projected) fold.
  const std::size_t classes = matrix.class_count();
  std::vector<std::vector<std::uint32_t>> keys(classes);
  for (std::size_t c = 0; c < classes; ++c) {
    keys[c].push_back(is_external(matrix, matrix.class_members(c).front()) ? 1u : 0u);
    for (const analyzer::MatrixEntry& entry : matrix.row(c)) {
      if (projected[entry.connection] != 0) {
        keys[c].push_back(entry.to);
        keys[c].push_back(projected[entry.connection]);
      }
    }
    keys[c].push_back(0xffffffffu);
  }
  for (std::size_t c = 0; c < classes; ++c) {
    for (const analyzer::MatrixEntry& entry : matrix.row(c)) {
      if (projected[entry.connection] != 0) {
        keys[entry.to].push_back(static_cast<std::uint32_t>(c));
        keys[entry.to].push_back(projected[entry.connection]);
      }
    }
  }
  std::unordered_map<std::vector<std::uint32_t>, std::uint32_t, analyzer::VectorHash<std::uint32_t>> group_ids;
  std::vector<std::uint32_t> group_of_class(classes);
  for (std::size_t c = 0; c < classes; ++c) {
    group_of_class[c] =
        group_ids.emplace(std::move(keys[c]), static_cast<std::uint32_t>(group_ids.size()))
            .first->second;
  }
  std::vector<std::vector<std::uint32_t>>().swap(keys);

  // Groups become nodes in the order of their first visible member.
  std::vector<std::int64_t> node_of_group(group_ids.size(), -1);
  for (std::size_t e : order) {
    const std::uint32_t g = group_of_class[matrix.class_of(e)];
    if (node_of_group[g] < 0) {
      node_of_group[g] = static_cast<std::int64_t>(view.nodes.size());
      view.nodes.push_back({endpoints[e].id, {}, false});
    }
    view.nodes[static_cast<std::size_t>(node_of_group[g])].members.push_back(e);
  }
  std::size_t group_number = 0;
  for (MatrixView::Node& node : view.nodes) {
    if (node.members.size() > 1) {
      node.group = true;
      node.id = "group" + std::to_string(++group_number);
    }
  }
  // Per node: a class to read its row from, and how many members each side sees.
  std::vector<std::uint32_t> node_class(view.nodes.size());
  std::vector<std::size_t> from_count(view.nodes.size());
  std::vector<std::size_t> to_count(view.nodes.size());
  std::vector<std::size_t> from_ns_count(view.nodes.size());
  std::vector<std::size_t> to_ns_count(view.nodes.size());
  std::vector<bool> one_both(view.nodes.size());
  for (std::size_t i = 0; i < view.nodes.size(); ++i) {
    const MatrixView::Node& node = view.nodes[i];
    node_class[i] = matrix.class_of(node.members.front());
    for (std::size_t e : node.members) {
      from_count[i] += from_ok[e] ? 1 : 0;
      to_count[i] += to_ok[e] ? 1 : 0;
      from_ns_count[i] += from_ok[e] && in_ns[e] ? 1 : 0;
      to_ns_count[i] += to_ok[e] && in_ns[e] ? 1 : 0;
    }
    // The only from-visible member is also the only to-visible one: no pair.
    one_both[i] = from_count[i] == 1 && to_count[i] == 1 &&
                  std::any_of(node.members.begin(), node.members.end(),
                              [&](std::size_t e) { return from_ok[e] && to_ok[e]; });
  }
  std::vector<std::int64_t> node_of_class(classes, -1);
  for (std::size_t c = 0; c < classes; ++c) {
    node_of_class[c] = node_of_group[group_of_class[c]];
  }
  std::vector<MatrixView::Edge> row;
  for (std::size_t i = 0; i < view.nodes.size(); ++i) {
    if (from_count[i] == 0) {
      continue;
    }
    row.clear();
    const bool external_i = is_external(matrix, view.nodes[i].members.front());
    for (const analyzer::MatrixEntry& entry : matrix.row(node_class[i])) {
      const std::uint32_t connection = projected[entry.connection];
      const std::int64_t j = node_of_class[entry.to];
      if (connection == 0 || j < 0) {
        continue;
      }
      const auto to = static_cast<std::size_t>(j);
      if (to_count[to] == 0 || (to == i && one_both[i]) || (from_ns_count[i] == 0 && to_ns_count[to] == 0) ||
          (external_i && is_external(matrix, view.nodes[to].members.front()))) {
        continue;
      }
      row.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(to), connection});
    }
    std::sort(row.begin(), row.end(),
              [](const MatrixView::Edge& x, const MatrixView::Edge& y) { return x.to < y.to; });
    row.erase(std::unique(row.begin(), row.end(),
                          [](const MatrixView::Edge& x, const MatrixView::Edge& y) {
                            return x.to == y.to;
                          }),
              row.end());
    view.edges.insert(view.edges.end(), row.begin(), row.end());
  }
  (void)rank;
  return view;
}

void write_matrix_text(const MatrixView& view, const Matrix& matrix, std::ostream& out) {
  std::string buffer;
  for (const MatrixView::Node& node : view.nodes) {
    if (node.group) {
      buffer += node.id + " = " + labelled_members(view, matrix, node) + '\n';
    }
  }
  std::vector<std::string> destinations;
  for (const MatrixView::Node& node : view.nodes) {
    destinations.push_back(labelled_node(view, matrix, node));
  }
  std::vector<std::string> texts;
  for (const ConnectionSet& set : view.connections) {
    texts.push_back(connection_text(set));
  }
  for (const MatrixView::Edge& edge : view.edges) {
    buffer += view.nodes[edge.from].id;
    buffer += " => ";
    buffer += destinations[edge.to];
    buffer += " : ";
    buffer += texts[edge.connection];
    buffer += '\n';
    if (buffer.size() > (1u << 20)) {
      out << buffer;
      buffer.clear();
    }
  }
  if (view.edges.empty()) {
    buffer += std::string(k_no_connections) + '\n';
  }
  out << buffer;
}

void write_matrix_json(const MatrixView& view, const Matrix& matrix,
                       const model::Inventory& inventory, std::ostream& out) {
  std::string buffer = "{\n  \"endpoints\": [";
  bool first = true;
  for (const MatrixView::Node& node : view.nodes) {
    for (std::size_t e : node.members) {
      const MatrixEndpoint& endpoint = matrix.endpoints()[e];
      buffer += first ? "\n    " : ",\n    ";
      first = false;
      buffer += "{\"id\": " + json_string(endpoint.id);
      if (endpoint.kind == MatrixEndpointKind::workload) {
        const model::Workload& workload = inventory.workloads[endpoint.workload];
        buffer += ", \"kind\": " + json_string(workload.kind_name());
        buffer += ", \"namespace\": " + json_string(workload.namespace_name);
        buffer += ", \"name\": " + json_string(workload.name);
        buffer += ", \"labels\": {";
        bool first_label = true;
        for (const auto& [key, value] : workload.labels.entries()) {
          buffer += (first_label ? "" : ", ") + json_string(key) + ": " + json_string(value);
          first_label = false;
        }
        buffer += '}';
        if (!view.services.empty()) {
          buffer += ", \"services\": [";
          for (std::size_t i = 0; i < view.services[e].size(); ++i) {
            // The names alone: the namespace is the endpoint's.
            buffer += (i == 0 ? "" : ", ") + json_string(view.services[e][i].substr(4));
          }
          buffer += ']';
        }
        buffer += '}';
      } else {
        buffer += ", \"kind\": \"External\", \"ranges\": [";
        for (std::size_t r = 0; r < endpoint.ranges.size(); ++r) {
          buffer += (r == 0 ? "\"" : ", \"") + endpoint.ranges[r].first.to_string() + "-" +
                    endpoint.ranges[r].last.to_string() + "\"";
        }
        buffer += "], \"cidrs\": [";
        const std::vector<std::string> cidrs = analyzer::addresses_to_cidrs(endpoint.ranges);
        for (std::size_t r = 0; r < cidrs.size(); ++r) {
          buffer += (r == 0 ? "\"" : ", \"") + cidrs[r] + "\"";
        }
        buffer += "]}";
      }
    }
  }
  buffer += first ? "],\n" : "\n  ],\n";
  bool any_group = false;
  for (const MatrixView::Node& node : view.nodes) {
    if (!node.group) {
      continue;
    }
    buffer += any_group ? ",\n    " : "  \"groups\": [\n    ";
    any_group = true;
    buffer += "{\"id\": " + json_string(node.id) + ", \"members\": [";
    for (std::size_t i = 0; i < node.members.size(); ++i) {
      buffer += (i == 0 ? "" : ", ") + json_string(matrix.endpoints()[node.members[i]].id);
    }
    buffer += "]}";
  }
  if (any_group) {
    buffer += "\n  ],\n";
  }
  if (!inventory.unmodelled_policies.empty()) {
    // As json_format.hpp's unmodelled_policies_json() writes it.
    buffer += "  \"unmodelled_policies\": [";
    for (const auto& [kind, count] : inventory.unmodelled_policies) {
      buffer += (buffer.back() == '[' ? "" : ", ") + std::string("{\"count\": ") + std::to_string(count) +
                ", \"group\": " + json_string(kind.second) + ", \"kind\": " + json_string(kind.first) + "}";
    }
    buffer += "],\n";
  }
  buffer += "  \"connections\": [";
  std::vector<std::string> ids;
  for (const MatrixView::Node& node : view.nodes) {
    ids.push_back(json_string(node.id));
  }
  std::vector<std::string> allowed;
  for (const ConnectionSet& set : view.connections) {
    allowed.push_back(connections_json_text(set));
  }
  for (std::size_t i = 0; i < view.edges.size(); ++i) {
    const MatrixView::Edge& edge = view.edges[i];
    buffer += i == 0 ? "\n    " : ",\n    ";
    buffer += "{\"from\": ";
    buffer += ids[edge.from];
    buffer += ", \"to\": ";
    buffer += ids[edge.to];
    buffer += ", \"allowed\": ";
    buffer += allowed[edge.connection];
    buffer += '}';
    if (buffer.size() > (1u << 20)) {
      out << buffer;
      buffer.clear();
    }
  }
  buffer += view.edges.empty() ? "]\n}\n" : "\n  ]\n}\n";
  out << buffer;
}

void write_matrix_csv(const MatrixView& view, const Matrix& matrix, std::ostream& out) {
  const bool services = !view.services.empty();
  out << (services ? "from,to,allowed,to_services\n" : "from,to,allowed\n");
  std::vector<std::string> names;
  for (const MatrixView::Node& node : view.nodes) {
    names.push_back(csv_field(cell_name(node, matrix)));
  }
  for (const MatrixView::Edge& edge : view.edges) {
    out << names[edge.from] << ',' << names[edge.to] << ','
        << csv_field(connection_text(view.connections[edge.connection]));
    if (services) {
      out << ',' << csv_field(node_services(view, view.nodes[edge.to]));
    }
    out << '\n';
  }
}

void write_matrix_md(const MatrixView& view, const Matrix& matrix, std::ostream& out) {
  bool any_group = false;
  for (const MatrixView::Node& node : view.nodes) {
    if (node.group) {
      if (!any_group) {
        out << "| group | members |\n|---|---|\n";
      }
      any_group = true;
      out << "| " << node.id << " | " << md_cell(labelled_members(view, matrix, node)) << " |\n";
    }
  }
  if (any_group) {
    out << '\n';
  }
  if (view.edges.empty()) {
    out << k_no_connections << '\n';
    return;
  }
  out << "| from | to | allowed |\n|---|---|---|\n";
  for (const MatrixView::Edge& edge : view.edges) {
    out << "| " << md_cell(view.nodes[edge.from].id) << " | "
        << md_cell(labelled_node(view, matrix, view.nodes[edge.to]))
        << " | " << md_cell(connection_text(view.connections[edge.connection])) << " |\n";
  }
}

} // namespace npcheck::cli
