// SPDX-License-Identifier: Apache-2.0
//
// matrix -o dot: the matrix as a Graphviz graph that dot lays out readably.
// A box (cluster) per namespace holds its workloads, labelled by name and
// kind without the namespace; a group of one namespace sits in that box, a
// group spanning namespaces outside them. An external range is drawn twice,
// in a box "from outside the cluster" at the top as a source and in one "to
// outside the cluster" at the bottom as a destination, one CIDR a line, so
// that traffic flows down the page. Edges are merged before they are drawn,
// in this order, each step only for what the ones before did not draw:
//   1. box to box: every node of box A reaches every node of box B with the
//      same connection: one edge between the boxes (compound, lhead/ltail);
//   2. node to box: a node reaches every node of a box alike;
//   3. box to node: every node of a box reaches a node alike;
//   4. inside a box: every workload reaches every other alike: no edge, the
//      box's label says so;
//   5. the rest, node to node.
// When more than k_many_edges remain (a few hundred workloads), no drawing
// of them reads: the picture is summarised instead, each box one node whose
// workloads are the cells of a table, one edge per pair of boxes and
// connection, dashed when only some of their pairs have it (its tooltip
// names them). An edge's colour is its connection (the most frequent ones
// first, "all ports" always grey); the legend names them, and the
// connections beyond the palette are written on their edges. Nodes that no
// edge of their own reaches are gridded by invisible edges (else dot puts
// them all on one rank, a row as wide as the namespace). newrank keeps dot's
// ranking out of the clusters: without it, dot stops with "trouble in
// init_rank" on graphs of a dozen workloads.
#include "matrix_view.hpp"

#include <npcheck/analyzer/address_ranges.hpp>
#include <npcheck/model/workload.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace npcheck::cli {

namespace {

using analyzer::Matrix;
using analyzer::MatrixEndpoint;
using analyzer::MatrixEndpointKind;

// Colours for the connections other than "all ports", most frequent
// first (Tableau 10 without its grey, distinct in print and for most kinds
// of colour blindness).
constexpr const char* k_palette[] = {"#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1",
                                     "#76b7b2", "#edc948", "#ff9da7", "#9c755f"};
constexpr const char* k_all_colour = "#8c8c8c";
constexpr const char* k_other_colour = "#000000";
// Members listed in a group's label; the tooltip lists them all.
constexpr std::size_t k_label_members = 8;
// Above this many merged edges the picture is summarised by box (a grouped
// 500-workload cluster has about 900; dot then needs minutes for a hairball).
constexpr std::size_t k_many_edges = 200;
// Edges a summary draws at most: one per pair of boxes and port set, then
// one per pair of boxes, then none (the boxes alone, and a note).
constexpr std::size_t k_max_drawn = 400;
// Characters of a port set written on an edge.
constexpr std::size_t k_label_chars = 32;
// Port sets listed in a box's title.
constexpr std::size_t k_title_connections = 3;
// Pairs a summarised edge's tooltip lists.
constexpr std::size_t k_tooltip_pairs = 20;
// Lines of an external node's label.
constexpr std::size_t k_label_ranges = 6;

std::string dot_string(const std::string& text) {
  std::string escaped = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      escaped += '\\';
    }
    escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return escaped + "\"";
}

std::string html_text(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    switch (c) {
    case '&': escaped += "&amp;"; break;
    case '<': escaped += "&lt;"; break;
    case '>': escaped += "&gt;"; break;
    case '"': escaped += "&quot;"; break;
    default: escaped += c;
    }
  }
  return escaped;
}

// A port set as written in the picture: its start when long (it would
// stretch the layout), all of it being in the tooltip.
std::string short_text(const std::string& text) {
  return text.size() <= k_label_chars ? text : text.substr(0, k_label_chars - 3) + "...";
}

bool is_external(const Matrix& matrix, const MatrixView::Node& node) {
  return matrix.endpoints()[node.members.front()].kind == MatrixEndpointKind::external;
}

// A workload's line in a label: its name, and its kind smaller.
std::string workload_line(const model::Workload& workload, bool with_namespace) {
  return html_text(with_namespace ? workload.namespace_name + "/" + workload.name : workload.name) +
         " <FONT POINT-SIZE=\"9\" COLOR=\"#666666\">" + html_text(workload.kind_name()) + "</FONT>";
}

// An external range's label lines: one per block, and one per block it
// excepts ("0.0.0.0/0 except 10.0.0.0/8, 192.168.0.0/16; ::/0" is four).
std::vector<std::string> range_lines(const MatrixEndpoint& endpoint) {
  const std::string text = analyzer::addresses_to_string(endpoint.ranges);
  const bool excepts = text.find(" except ") != std::string::npos;
  std::vector<std::string> lines(1);
  bool in_except = false;
  for (std::size_t i = 0; i < text.size();) {
    if (excepts && text.compare(i, 2, "; ") == 0) {
      lines.emplace_back();
      in_except = false;
      i += 2;
    } else if (text.compare(i, 2, ", ") == 0) {
      lines.emplace_back(in_except ? "except " : "");
      i += 2;
    } else if (text.compare(i, 8, " except ") == 0) {
      lines.emplace_back("except ");
      in_except = true;
      i += 8;
    } else {
      lines.back() += text[i++];
    }
  }
  return lines;
}

// An external range is drawn twice, as a source above everything and as a
// destination below, so that traffic flows down the page and no edge
// climbs back over the workloads.
enum class Side { workload, from_outside, to_outside };

struct DrawnView {
  MatrixView view;         // externals split in two
  std::vector<Side> sides; // per node of view
};

DrawnView split_externals(const MatrixView& view, const Matrix& matrix) {
  DrawnView drawn;
  drawn.view.connections = view.connections;
  std::vector<bool> has_out(view.nodes.size(), false);
  std::vector<bool> has_in(view.nodes.size(), false);
  for (const MatrixView::Edge& edge : view.edges) {
    has_out[edge.from] = true;
    has_in[edge.to] = true;
  }
  // New indices: as a source (or the node itself), as a destination.
  std::vector<std::uint32_t> as_source(view.nodes.size());
  std::vector<std::uint32_t> as_destination(view.nodes.size());
  auto add = [&](const MatrixView::Node& node, Side side) {
    drawn.view.nodes.push_back(node);
    drawn.sides.push_back(side);
    return static_cast<std::uint32_t>(drawn.view.nodes.size() - 1);
  };
  for (std::size_t i = 0; i < view.nodes.size(); ++i) {
    if (!is_external(matrix, view.nodes[i])) {
      as_source[i] = as_destination[i] = add(view.nodes[i], Side::workload);
      continue;
    }
    if (has_out[i] || !has_in[i]) {
      as_source[i] = add(view.nodes[i], Side::from_outside);
    }
    if (has_in[i]) {
      as_destination[i] = add(view.nodes[i], Side::to_outside);
    }
  }
  for (const MatrixView::Edge& edge : view.edges) {
    drawn.view.edges.push_back({as_source[edge.from], as_destination[edge.to], edge.connection});
  }
  return drawn;
}

// Where the nodes are drawn: a box per namespace (sorted), then the boxes
// of the external ranges as sources and as destinations; the groups of
// several namespaces in none.
struct Layout {
  struct Box {
    std::string name;  // dot's cluster name
    std::string title; // the namespace, or what the box holds
    Side side = Side::workload;
    std::vector<std::uint32_t> nodes;
    std::size_t workloads = 0; // members in it
  };
  std::vector<Box> boxes;
  std::vector<std::optional<std::uint32_t>> box_of; // per node
  std::vector<std::uint32_t> loose;                  // nodes in no box
};

Layout lay_out(const DrawnView& drawn, const Matrix& matrix, const model::Inventory& inventory) {
  const MatrixView& view = drawn.view;
  Layout layout;
  layout.box_of.resize(view.nodes.size());
  std::map<std::string, std::vector<std::uint32_t>> by_namespace;
  std::vector<std::uint32_t> from_outside;
  std::vector<std::uint32_t> to_outside;
  for (std::uint32_t i = 0; i < view.nodes.size(); ++i) {
    if (drawn.sides[i] == Side::from_outside) {
      from_outside.push_back(i);
    } else if (drawn.sides[i] == Side::to_outside) {
      to_outside.push_back(i);
    } else if (const std::string ns = node_namespace(view.nodes[i], matrix, inventory); !ns.empty()) {
      by_namespace[ns].push_back(i);
    } else {
      layout.loose.push_back(i);
    }
  }
  auto add_box = [&](std::string name, std::string title, Side side, std::vector<std::uint32_t> nodes) {
    if (nodes.empty()) {
      return;
    }
    Layout::Box box{std::move(name), std::move(title), side, std::move(nodes), 0};
    for (std::uint32_t i : box.nodes) {
      layout.box_of[i] = static_cast<std::uint32_t>(layout.boxes.size());
      box.workloads += view.nodes[i].members.size();
    }
    layout.boxes.push_back(std::move(box));
  };
  for (auto& [ns, nodes] : by_namespace) {
    // Namespace names are DNS labels: no "(" to collide with the boxes below.
    add_box("cluster_" + ns, ns, Side::workload, std::move(nodes));
  }
  add_box("cluster_(from-outside)", "from outside the cluster", Side::from_outside, std::move(from_outside));
  add_box("cluster_(to-outside)", "to outside the cluster", Side::to_outside, std::move(to_outside));
  return layout;
}

// One drawn edge: between nodes, or from/to a whole box.
struct DrawnEdge {
  std::uint32_t from = 0; // a node, or a box when from_box
  std::uint32_t to = 0;
  bool from_box = false;
  bool to_box = false;
  std::uint32_t connection = 0;
  // A summary edge between boxes that holds for some of their pairs only.
  bool partial = false;
  std::vector<MatrixView::Edge> pairs; // of a partial edge, or one of several connections (0)
};

DrawnEdge drawn_edge(std::uint32_t from, std::uint32_t to, bool from_box, bool to_box, std::uint32_t connection) {
  DrawnEdge edge;
  edge.from = from;
  edge.to = to;
  edge.from_box = from_box;
  edge.to_box = to_box;
  edge.connection = connection;
  return edge;
}

// The edges merged as the file comment says, and the connection every
// workload of a box reaches every other with (0: none alike).
struct MergedEdges {
  std::vector<DrawnEdge> edges;
  std::vector<std::uint32_t> box_internal; // per box
  // Summarised: per box, the connections some of its pairs have (sorted).
  std::vector<std::vector<std::uint32_t>> box_partial;
  // Summarised and still too dense: the pairs of boxes connected, not drawn.
  std::size_t undrawn = 0;
};

// A sorted list of (box, connection).
using BoxConnections = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

std::uint32_t connection_to(const BoxConnections& list, std::uint32_t box) {
  const auto it = std::lower_bound(list.begin(), list.end(), std::make_pair(box, std::uint32_t{0}));
  return it != list.end() && it->first == box ? it->second : 0;
}

MergedEdges merge_edges(const MatrixView& view, const Layout& layout) {
  const std::size_t node_count = view.nodes.size();
  const std::size_t box_count = layout.boxes.size();
  MergedEdges merged;
  merged.box_internal.assign(box_count, 0);
  merged.box_partial.resize(box_count);
  // Outgoing and incoming edges per node.
  std::vector<std::vector<MatrixView::Edge>> out(node_count);
  std::vector<std::vector<MatrixView::Edge>> in(node_count);
  for (const MatrixView::Edge& edge : view.edges) {
    out[edge.from].push_back(edge);
    in[edge.to].push_back(edge);
  }
  // The boxes whose every node (but self) a row reaches with one connection.
  constexpr std::uint32_t k_mixed = 0xffffffffu;
  std::vector<std::uint32_t> seen(box_count, 0);
  std::vector<std::size_t> count(box_count, 0);
  std::vector<std::uint32_t> touched;
  auto uniform = [&](const std::vector<MatrixView::Edge>& row, bool outgoing, std::uint32_t self) {
    touched.clear();
    for (const MatrixView::Edge& edge : row) {
      const std::uint32_t other = outgoing ? edge.to : edge.from;
      if (other == self || !layout.box_of[other]) {
        continue;
      }
      const std::uint32_t b = *layout.box_of[other];
      if (count[b]++ == 0) {
        touched.push_back(b);
        seen[b] = edge.connection;
      } else if (seen[b] != edge.connection) {
        seen[b] = k_mixed;
      }
    }
    std::sort(touched.begin(), touched.end());
    BoxConnections result;
    for (std::uint32_t b : touched) {
      const std::size_t size = layout.boxes[b].nodes.size() - (layout.box_of[self] == b ? 1 : 0);
      if (seen[b] != k_mixed && count[b] == size) {
        result.emplace_back(b, seen[b]);
      }
      count[b] = 0;
    }
    return result;
  };
  std::vector<BoxConnections> to_box(node_count);   // node -> box
  std::vector<BoxConnections> from_box(node_count); // box -> node
  std::vector<std::uint32_t> self_edge(node_count, 0); // a group's members among themselves
  for (std::uint32_t i = 0; i < node_count; ++i) {
    to_box[i] = uniform(out[i], true, i);
    from_box[i] = uniform(in[i], false, i);
    for (const MatrixView::Edge& edge : out[i]) {
      self_edge[i] = edge.to == i ? edge.connection : self_edge[i];
    }
  }

  // 1. Box to box, and 4. inside a box.
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> box_to_box;
  for (std::uint32_t a = 0; a < box_count; ++a) {
    const Layout::Box& box = layout.boxes[a];
    for (const auto& [b, first] : to_box[box.nodes.front()]) {
      std::uint32_t connection = first;
      for (std::uint32_t i : box.nodes) {
        connection = connection_to(to_box[i], b) == connection ? connection : 0;
      }
      if (a != b && connection != 0 && box.nodes.size() > 1 && layout.boxes[b].nodes.size() > 1) {
        box_to_box.emplace(std::make_pair(a, b), connection);
        merged.edges.push_back(drawn_edge(a, b, true, true, connection));
      }
    }
    // Every workload to every other: every node to the rest of the box, and
    // a group's members among themselves.
    std::uint32_t inside = box.nodes.size() == 1 ? self_edge[box.nodes.front()]
                                                 : connection_to(to_box[box.nodes.front()], a);
    for (std::uint32_t i : box.nodes) {
      if ((box.nodes.size() > 1 && connection_to(to_box[i], a) != inside) ||
          (view.nodes[i].members.size() > 1 && self_edge[i] != inside)) {
        inside = 0;
      }
    }
    merged.box_internal[a] = box.workloads > 1 ? inside : 0;
  }
  auto box_pair = [&](std::optional<std::uint32_t> a, std::optional<std::uint32_t> b) {
    return a && b && box_to_box.count(std::make_pair(*a, *b)) > 0;
  };
  // 2. Node to box.
  std::vector<std::vector<std::uint32_t>> node_to_box(node_count);
  for (std::uint32_t i = 0; i < node_count; ++i) {
    for (const auto& [b, connection] : to_box[i]) {
      if (layout.box_of[i] != b && layout.boxes[b].nodes.size() > 1 && !box_pair(layout.box_of[i], b)) {
        node_to_box[i].push_back(b);
        merged.edges.push_back(drawn_edge(i, b, false, true, connection));
      }
    }
  }
  auto covered = [&](std::uint32_t from, std::uint32_t to) {
    const std::optional<std::uint32_t> a = layout.box_of[from];
    const std::optional<std::uint32_t> b = layout.box_of[to];
    return b && (box_pair(a, b) || std::binary_search(node_to_box[from].begin(), node_to_box[from].end(), *b) ||
                 (a == b && merged.box_internal[*b] != 0));
  };
  // 3. Box to node, unless every pair is drawn already.
  std::vector<std::vector<std::uint32_t>> box_to_node(node_count);
  for (std::uint32_t j = 0; j < node_count; ++j) {
    for (const auto& [a, connection] : from_box[j]) {
      const std::vector<std::uint32_t>& sources = layout.boxes[a].nodes;
      if (layout.box_of[j] == a || sources.size() < 2 ||
          std::all_of(sources.begin(), sources.end(), [&](std::uint32_t i) { return covered(i, j); })) {
        continue;
      }
      box_to_node[j].push_back(a);
      merged.edges.push_back(drawn_edge(a, j, true, false, connection));
    }
  }
  // 5. The rest.
  for (const MatrixView::Edge& edge : view.edges) {
    const std::optional<std::uint32_t> a = layout.box_of[edge.from];
    if (!covered(edge.from, edge.to) &&
        !(a && std::binary_search(box_to_node[edge.to].begin(), box_to_node[edge.to].end(), *a))) {
      merged.edges.push_back(drawn_edge(edge.from, edge.to, false, false, edge.connection));
    }
  }
  std::stable_sort(merged.edges.begin(), merged.edges.end(), [](const DrawnEdge& x, const DrawnEdge& y) {
    return std::tie(x.from_box, x.from, x.to_box, x.to) < std::tie(y.from_box, y.from, y.to_box, y.to);
  });
  return merged;
}

// The edges too many for one picture, summarised: one edge per pair of
// boxes (a group of several namespaces is a box of its own here) and
// connection, partial when only some of the boxes' pairs have it; inside a
// box, the connections of every pair or of some.
MergedEdges summarise_edges(const MatrixView& view, const Layout& layout, const MergedEdges& merged) {
  MergedEdges summary;
  summary.box_internal = merged.box_internal;
  summary.box_partial.resize(layout.boxes.size());
  const auto box_count = static_cast<std::uint32_t>(layout.boxes.size());
  std::vector<std::uint32_t> unit_of(view.nodes.size());
  std::vector<std::size_t> unit_size(box_count + layout.loose.size(), 1);
  for (std::uint32_t b = 0; b < box_count; ++b) {
    unit_size[b] = layout.boxes[b].nodes.size();
  }
  for (std::uint32_t i = 0; i < view.nodes.size(); ++i) {
    unit_of[i] = layout.box_of[i] ? *layout.box_of[i] : 0;
  }
  for (std::size_t l = 0; l < layout.loose.size(); ++l) {
    unit_of[layout.loose[l]] = box_count + static_cast<std::uint32_t>(l);
  }
  std::map<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>, std::vector<MatrixView::Edge>> by_units;
  for (const MatrixView::Edge& edge : view.edges) {
    const std::uint32_t a = unit_of[edge.from];
    const std::uint32_t b = unit_of[edge.to];
    if (a == b && a < box_count) {
      if (summary.box_internal[a] != edge.connection) {
        summary.box_partial[a].push_back(edge.connection);
      }
      continue;
    }
    by_units[{a, b, edge.connection}].push_back(edge);
  }
  for (std::vector<std::uint32_t>& connections : summary.box_partial) {
    std::sort(connections.begin(), connections.end());
    connections.erase(std::unique(connections.begin(), connections.end()), connections.end());
  }
  if (by_units.size() > k_max_drawn) {
    // Too many port sets: one edge per pair of boxes, of several port sets
    // (connection 0) where they differ.
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<MatrixView::Edge>> by_pairs;
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> connection_of;
    for (auto& [key, pairs] : by_units) {
      const auto [a, b, connection] = key;
      std::vector<MatrixView::Edge>& all = by_pairs[{a, b}];
      all.insert(all.end(), pairs.begin(), pairs.end());
      const auto [it, inserted] = connection_of.emplace(std::make_pair(a, b), connection);
      it->second = inserted || it->second == connection ? connection : 0;
    }
    by_units.clear();
    for (auto& [units, pairs] : by_pairs) {
      by_units[{units.first, units.second, connection_of[units]}] = std::move(pairs);
    }
  }
  if (by_units.size() > k_max_drawn) {
    summary.undrawn = by_units.size();
    return summary;
  }
  for (auto& [key, pairs] : by_units) {
    const auto [a, b, connection] = key;
    DrawnEdge edge;
    edge.from_box = a < box_count;
    edge.to_box = b < box_count;
    edge.from = edge.from_box ? a : layout.loose[a - box_count];
    edge.to = edge.to_box ? b : layout.loose[b - box_count];
    edge.connection = connection;
    edge.partial = pairs.size() < unit_size[a] * unit_size[b];
    if (edge.partial || connection == 0) {
      std::sort(pairs.begin(), pairs.end(), [](const MatrixView::Edge& x, const MatrixView::Edge& y) {
        return std::tie(x.from, x.to) < std::tie(y.from, y.to);
      });
      edge.pairs = std::move(pairs);
    }
    summary.edges.push_back(std::move(edge));
  }
  return summary;
}

} // namespace

void write_matrix_dot(const MatrixView& matrix_view, const Matrix& matrix, const model::Inventory& inventory,
                      std::ostream& out) {
  const DrawnView drawn = split_externals(matrix_view, matrix);
  const MatrixView& view = drawn.view;
  const Layout layout = lay_out(drawn, matrix, inventory);
  MergedEdges merged = merge_edges(view, layout);
  const bool summarised = merged.edges.size() > k_many_edges;
  if (summarised) {
    merged = summarise_edges(view, layout, merged);
  }

  // Colours: by how many drawn edges (and boxes) show a connection.
  std::vector<std::size_t> uses(view.connections.size(), 0);
  for (const DrawnEdge& edge : merged.edges) {
    ++uses[edge.connection];
  }
  for (std::uint32_t b = 0; b < layout.boxes.size(); ++b) {
    uses[merged.box_internal[b]] += merged.box_internal[b] != 0 ? 1 : 0;
    for (std::uint32_t connection : merged.box_partial[b]) {
      ++uses[connection];
    }
  }
  std::vector<std::uint32_t> shown;
  for (std::uint32_t c = 1; c < view.connections.size(); ++c) {
    if (uses[c] > 0) {
      shown.push_back(c);
    }
  }
  std::vector<std::string> texts(view.connections.size());
  for (std::uint32_t c = 1; c < view.connections.size(); ++c) {
    texts[c] = connection_text(view.connections[c]);
  }
  // Connection 0, nothing, stands for several on a summarised edge.
  texts[0] = "several port sets";
  std::stable_sort(shown.begin(), shown.end(), [&](std::uint32_t a, std::uint32_t b) {
    return uses[a] != uses[b] ? uses[a] > uses[b] : texts[a] < texts[b];
  });
  std::vector<std::string> colour(view.connections.size(), k_other_colour);
  std::vector<bool> labelled(view.connections.size(), true);
  labelled[0] = false;
  std::size_t next = 0;
  for (std::uint32_t c : shown) {
    if (view.connections[c].is_all()) {
      colour[c] = k_all_colour;
      labelled[c] = false;
    } else if (next < std::size(k_palette)) {
      colour[c] = k_palette[next++];
      labelled[c] = false;
    }
  }

  out << "digraph npcheck {\n"
         "  newrank=true;\n  compound=true;\n  nodesep=0.15;\n  ranksep=0.5;\n"
         "  fontname=\"Helvetica\";\n";
  if (merged.undrawn > 0) {
    out << "  labelloc=t;\n  label=" << dot_string("too dense to draw: " + std::to_string(merged.undrawn) +
                                                   " pairs of boxes are connected, with different ports; "
                                                   "--namespace or --focus draws a part, -o html every pair")
        << ";\n";
  }
  out << "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\", "
         "fontsize=11, margin=\"0.1,0.03\", height=0.3];\n"
         "  edge [fontname=\"Helvetica\", fontsize=9, arrowsize=0.6];\n";

  // The legend: a colour per connection, and what a box's edge means.
  out << "  legend [shape=plaintext, style=\"\", label=<<TABLE BORDER=\"0\" CELLBORDER=\"0\" "
         "CELLSPACING=\"1\" CELLPADDING=\"2\">\n"
         "    <TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\"><B>allowed</B></TD></TR>\n";
  bool any_labelled = false;
  for (std::uint32_t c : shown) {
    if (labelled[c]) {
      any_labelled = true;
      continue;
    }
    out << "    <TR><TD BGCOLOR=\"" << colour[c] << "\" WIDTH=\"24\"> </TD><TD ALIGN=\"LEFT\">"
        << html_text(texts[c]) << "</TD></TR>\n";
  }
  if (uses[0] > 0) {
    out << "    <TR><TD BGCOLOR=\"" << k_other_colour
        << "\" WIDTH=\"24\"> </TD><TD ALIGN=\"LEFT\">several port sets (the tooltip names them)</TD></TR>\n";
  }
  if (any_labelled) {
    out << "    <TR><TD BGCOLOR=\"" << k_other_colour
        << "\" WIDTH=\"24\"> </TD><TD ALIGN=\"LEFT\">as written on the arrow</TD></TR>\n";
  }
  out << "    <TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\">a thick arrow from or to a box: "
         "from or to every workload in it</FONT></TD></TR>\n";
  if (summarised) {
    out << "    <TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\">a dashed arrow: from some "
           "workloads to some (too many pairs to draw: the tooltip names them; --namespace or --focus draws "
           "them)</FONT></TD></TR>\n";
  }
  out << "  </TABLE>>];\n";

  // The nodes that only box edges reach, laid out in a grid of rows by
  // invisible edges (without them dot puts them all on one rank: a row
  // as wide as the box has workloads).
  std::vector<bool> has_node_edge(view.nodes.size(), false);
  std::vector<bool> box_has_edge(layout.boxes.size(), false);
  for (const DrawnEdge& edge : merged.edges) {
    (edge.from_box ? box_has_edge : has_node_edge)[edge.from] = true;
    (edge.to_box ? box_has_edge : has_node_edge)[edge.to] = true;
  }
  std::vector<std::string> node_name(view.nodes.size());
  for (std::size_t i = 0; i < view.nodes.size(); ++i) {
    node_name[i] = dot_string(drawn.sides[i] == Side::from_outside ? "from " + view.nodes[i].id
                              : drawn.sides[i] == Side::to_outside ? "to " + view.nodes[i].id
                                                                   : view.nodes[i].id);
  }
  // A node's label (HTML, its lines left-aligned) and its tooltip (every member).
  auto node_label = [&](std::uint32_t i, bool in_namespace, std::string& tooltip) {
    const MatrixView::Node& node = view.nodes[i];
    std::vector<std::string> lines;
    tooltip.clear();
    for (std::size_t e : node.members) {
      const MatrixEndpoint& endpoint = matrix.endpoints()[e];
      tooltip += (tooltip.empty() ? "" : "\n") + endpoint.id;
      if (endpoint.kind == MatrixEndpointKind::workload) {
        const std::string services = services_suffix(matrix_view, e);
        lines.push_back(workload_line(inventory.workloads[endpoint.workload], !in_namespace) +
                        (services.empty() ? std::string()
                                          : " <FONT POINT-SIZE=\"9\" COLOR=\"#1c7ed6\">" +
                                                html_text(services.substr(1)) + "</FONT>"));
      } else {
        for (const std::string& line : range_lines(endpoint)) {
          lines.push_back(html_text(line));
        }
      }
    }
    const std::size_t limit = is_external(matrix, node) ? k_label_ranges : k_label_members;
    if (lines.size() > limit) {
      const std::size_t more = lines.size() - (limit - 1);
      lines.resize(limit - 1);
      lines.push_back("<I>+" + std::to_string(more) + " more</I>");
    }
    std::string label;
    if (node.group && !in_namespace && !is_external(matrix, node)) {
      std::vector<std::string> namespaces;
      for (std::size_t e : node.members) {
        namespaces.push_back(inventory.workloads[matrix.endpoints()[e].workload].namespace_name);
      }
      std::sort(namespaces.begin(), namespaces.end());
      namespaces.erase(std::unique(namespaces.begin(), namespaces.end()), namespaces.end());
      label = "<B>" + std::to_string(node.members.size()) + " workloads in " +
              std::to_string(namespaces.size()) + " namespaces</B><BR ALIGN=\"LEFT\"/>";
    }
    for (std::size_t l = 0; l < lines.size(); ++l) {
      label += lines[l] + (lines.size() > 1 || !label.empty() ? "<BR ALIGN=\"LEFT\"/>" : "");
    }
    return label;
  };
  auto node_line = [&](std::uint32_t i, bool in_namespace, const std::string& indent) {
    const MatrixView::Node& node = view.nodes[i];
    std::string tooltip;
    const std::string label = node_label(i, in_namespace, tooltip);
    out << indent << node_name[i] << " [label=<" << label << ">, tooltip=" << dot_string(tooltip);
    if (is_external(matrix, node)) {
      out << ", style=\"filled\", fillcolor=\"#fff8e7\"";
    } else if (node.group && !in_namespace) {
      out << ", style=\"rounded,filled,dashed\"";
    }
    out << "];\n";
  };
  std::vector<std::string> anchor(layout.boxes.size());
  for (std::uint32_t b = 0; b < layout.boxes.size(); ++b) {
    const Layout::Box& box = layout.boxes[b];
    const bool external = box.side != Side::workload;
    std::string title = "<B>" + html_text(box.title) + "</B>";
    // The title shortens long port sets; the box's tooltip has them whole.
    std::string box_tooltip;
    if (const std::uint32_t c = merged.box_internal[b]; c != 0) {
      title += "<BR/><FONT POINT-SIZE=\"9\" COLOR=\"" + colour[c] + "\">each to each: " + html_text(short_text(texts[c])) +
               "</FONT>";
      box_tooltip = "each to each: " + texts[c];
    }
    const std::vector<std::uint32_t>& partial = merged.box_partial[b];
    for (std::size_t k = 0; k < partial.size(); ++k) {
      box_tooltip += (box_tooltip.empty() ? "" : "\n") + ("some to some: " + texts[partial[k]]);
    }
    for (std::size_t k = 0; k < partial.size() && k < k_title_connections; ++k) {
      title += "<BR/><FONT POINT-SIZE=\"9\" COLOR=\"" + colour[partial[k]] + "\">some to some: " +
               html_text(short_text(texts[partial[k]])) + "</FONT>";
    }
    if (partial.size() > k_title_connections) {
      title += "<BR/><FONT POINT-SIZE=\"9\">some to some: " +
               std::to_string(partial.size() - k_title_connections) + " more port sets</FONT>";
    }
    const char* fill = external ? "#fdfaf2" : "#f4f6fa";
    if (summarised) {
      // The box is one node, its workloads cells of a table a few columns
      // wide: dot then lays out a few dozen boxes, not hundreds of nodes
      // tied to far-away points.
      std::size_t columns = 1;
      while (columns * columns < box.nodes.size()) {
        ++columns;
      }
      anchor[b] = dot_string("box " + box.name);
      out << "  " << anchor[b] << " [shape=plaintext, style=\"\", margin=0, label=<<TABLE BORDER=\"1\" "
          << "STYLE=\"ROUNDED\" COLOR=\"#b0b0b0\" BGCOLOR=\"" << fill
          << "\" CELLBORDER=\"1\" CELLSPACING=\"4\" CELLPADDING=\"3\">\n    <TR><TD BORDER=\"0\" COLSPAN=\""
          << columns << "\"" << (box_tooltip.empty() ? "" : " TOOLTIP=\"" + html_text(box_tooltip) + "\"") << ">"
          << title << "</TD></TR>\n";
      std::string tooltip;
      for (std::size_t k = 0; k < box.nodes.size(); ++k) {
        const std::string label = node_label(box.nodes[k], !external, tooltip);
        out << (k % columns == 0 ? "    <TR>" : "") << "<TD BGCOLOR=\"" << (external ? "#fff8e7" : "#ffffff")
            << "\" COLOR=\"#000000\" STYLE=\"ROUNDED\" ALIGN=\"LEFT\" TOOLTIP=\"" << html_text(tooltip) << "\">"
            << label << "</TD>" << (k % columns == columns - 1 || k + 1 == box.nodes.size() ? "</TR>\n" : "");
      }
      out << "  </TABLE>>];\n";
      continue;
    }
    out << "  subgraph " << dot_string(box.name) << " {\n    label=<" << title << ">;\n";
    if (!box_tooltip.empty()) {
      out << "    tooltip=" << dot_string(box_tooltip) << ";\n";
    }
    out << "    style=\"rounded,filled\";\n    color=\"#b0b0b0\";\n    fillcolor=\"" << fill << "\";\n";
    if (box_has_edge[b]) {
      // The end of the box's edges: a point, so that no workload seems to be their end.
      anchor[b] = dot_string("box " + box.name);
      out << "    " << anchor[b] << " [shape=point, style=invis, width=0.01, height=0.01, label=\"\"];\n";
      if (!external) {
        out << "    {rank=same; " << anchor[b] << "; " << node_name[box.nodes.front()] << ";}\n";
      }
    }
    std::vector<std::uint32_t> edgeless;
    for (std::uint32_t i : box.nodes) {
      node_line(i, !external, "    ");
      if (!has_node_edge[i]) {
        edgeless.push_back(i);
      }
    }
    // External ranges, many with long labels, are gridded all: in one
    // rank they make a picture dozens of feet wide.
    const std::vector<std::uint32_t>& gridded = box.side == Side::workload ? edgeless : box.nodes;
    std::size_t columns = 1;
    while (columns * columns < 2 * gridded.size()) {
      ++columns;
    }
    for (std::size_t k = 0; k + columns < gridded.size(); ++k) {
      out << "    " << node_name[gridded[k]] << " -> " << node_name[gridded[k + columns]] << " [style=invis];\n";
    }
    if (external) {
      // Traffic from outside enters at the top, and leaves at the bottom.
      const bool top = box.side == Side::from_outside;
      const std::size_t first = top ? 0 : (gridded.size() - 1) / columns * columns;
      out << "    {rank=" << (top ? "min" : "max") << ';' << (anchor[b].empty() ? "" : " " + anchor[b] + ";");
      for (std::size_t k = first; k < std::min(gridded.size(), top ? columns : gridded.size()); ++k) {
        out << ' ' << node_name[gridded[k]] << ';';
      }
      out << "}\n";
    }
    out << "  }\n";
  }
  for (std::uint32_t i : layout.loose) {
    node_line(i, false, "  ");
  }
  if (summarised) {
    // The boxes no edge reaches, in a grid (all of them when too dense).
    std::vector<std::string> edgeless;
    for (std::uint32_t b = 0; b < layout.boxes.size(); ++b) {
      if (!box_has_edge[b]) {
        edgeless.push_back(anchor[b]);
      }
    }
    std::size_t columns = 1;
    while (columns * columns < edgeless.size()) {
      ++columns;
    }
    for (std::size_t k = 0; k + columns < edgeless.size(); ++k) {
      out << "  " << edgeless[k] << " -> " << edgeless[k + columns] << " [style=invis];\n";
    }
  }

  // Edges; one from or to a box is drawn from or to its point, cut at the box.
  for (const DrawnEdge& edge : merged.edges) {
    const std::string& from = edge.from_box ? anchor[edge.from] : node_name[edge.from];
    const std::string& to = edge.to_box ? anchor[edge.to] : node_name[edge.to];
    const std::string from_text =
        edge.from_box ? "every workload of " + layout.boxes[edge.from].title : view.nodes[edge.from].id;
    const std::string to_text =
        edge.to_box ? "every workload of " + layout.boxes[edge.to].title : view.nodes[edge.to].id;
    out << "  " << from << " -> " << to << " [color=\"" << colour[edge.connection] << "\"";
    if (edge.from_box && !summarised) {
      out << ", ltail=" << dot_string(layout.boxes[edge.from].name);
    }
    if (edge.to_box && !summarised) {
      out << ", lhead=" << dot_string(layout.boxes[edge.to].name);
    }
    if (edge.partial) {
      out << ", style=dashed, penwidth=1.5";
    } else if (edge.from_box || edge.to_box) {
      out << ", penwidth=2.5";
    }
    if (labelled[edge.connection]) {
      const std::string& text = texts[edge.connection];
      out << ", label=" << dot_string(short_text(text));
    }
    std::string tooltip = from_text + " -> " + to_text + ": " + texts[edge.connection];
    if (!edge.pairs.empty()) {
      tooltip = (edge.partial ? "some of " + from_text + " -> some of " + to_text : from_text + " -> " + to_text) +
                ": " + texts[edge.connection] + ":";
      for (std::size_t p = 0; p < edge.pairs.size(); ++p) {
        if (p == k_tooltip_pairs) {
          tooltip += "\n+" + std::to_string(edge.pairs.size() - p) + " more";
          break;
        }
        const MatrixView::Edge& pair = edge.pairs[p];
        tooltip += "\n" + view.nodes[pair.from].id + " -> " + view.nodes[pair.to].id +
                   (edge.connection == 0 ? ": " + texts[pair.connection] : std::string());
      }
    }
    out << ", tooltip=" << dot_string(tooltip) << "];\n";
  }
  out << "}\n";
}

} // namespace npcheck::cli
