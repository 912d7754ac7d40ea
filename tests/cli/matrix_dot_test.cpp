// SPDX-License-Identifier: Apache-2.0
//
// cli/matrix_dot.cpp: the merged edges of a picture say exactly what the
// matrix says. The dot text is read back (its boxes, its edges with their
// ltail/lhead, the "each to each" titles), every merged edge is expanded
// into the pairs it stands for, and the result must be the view's pairs,
// each with its port set (a pair may be drawn by two merged edges, a node's
// to a box and its box's to a node, never with two port sets), on random
// clusters, grouped and not.
#include "matrix_view.hpp"

#include <npcheck/analyzer/matrix.hpp>
#include <npcheck/analyzer/program.hpp>

#include "support/random_cluster.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

namespace {

using namespace npcheck;
using Pair = std::tuple<std::string, std::string, std::string>; // from, to, port set

// A dot string's text ("a\"b" -> a"b).
std::string unquote(const std::string& text) {
  std::string result;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] == '\\' && i + 2 < text.size()) {
      ++i;
      result += text[i] == 'n' ? '\n' : text[i];
    } else {
      result += text[i];
    }
  }
  return result;
}

// The pairs a picture draws, expanded.
std::set<Pair> drawn_pairs(const std::string& dot) {
  std::map<std::string, std::vector<std::string>> box_nodes; // cluster name -> node names
  std::map<std::string, std::string> box_inside;             // cluster name -> "each to each" port set
  std::map<std::string, std::size_t> members;                // node name -> members (tooltip lines)
  std::vector<std::tuple<std::string, std::string, std::string, std::string, std::string>> edges;
  const std::regex box_line(R"(^  subgraph ("(?:[^"\\]|\\.)*") \{$)");
  const std::regex inside(R"(each to each: ([^<]*)</FONT>)");
  const std::regex node_line(R"(^ +("(?:[^"\\]|\\.)*") \[label=<.*tooltip=("(?:[^"\\]|\\.)*"))");
  const std::regex edge_line(R"(^  ("(?:[^"\\]|\\.)*") -> ("(?:[^"\\]|\\.)*") \[(.*)\];$)");
  const std::regex ltail(R"(ltail=("(?:[^"\\]|\\.)*"))");
  const std::regex lhead(R"(lhead=("(?:[^"\\]|\\.)*"))");
  const std::regex tooltip(R"(tooltip=("(?:[^"\\]|\\.)*"))");
  std::istringstream lines(dot);
  std::string box;
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_match(line, m, box_line)) {
      box = unquote(m[1]);
    } else if (line == "  }") {
      box.clear();
    } else if (line.rfind("    label=<", 0) == 0 && std::regex_search(line, m, inside)) {
      box_inside[box] = m[1];
    } else if (line.rfind("    tooltip=", 0) == 0 && !box.empty()) {
      // The title may shorten a long port set: the tooltip has it whole.
      const std::string text = unquote(line.substr(12, line.size() - 13));
      if (text.rfind("each to each: ", 0) == 0) {
        box_inside[box] = text.substr(14, text.find('\n') == std::string::npos ? std::string::npos : text.find('\n') - 14);
      }
    } else if (std::regex_search(line, m, node_line) && line.find("[style=invis]") == std::string::npos) {
      const std::string name = unquote(m[1]);
      const std::string members_text = unquote(m[2]);
      members[name] = static_cast<std::size_t>(std::count(members_text.begin(), members_text.end(), '\n')) + 1;
      if (!box.empty()) {
        box_nodes[box].push_back(name);
      }
    } else if (std::regex_match(line, m, edge_line) && m[3].str() != "style=invis") {
      const std::string attributes = m[3];
      std::smatch a;
      std::string tail_box;
      std::string head_box;
      if (std::regex_search(attributes, a, ltail)) {
        tail_box = unquote(a[1]);
      }
      if (std::regex_search(attributes, a, lhead)) {
        head_box = unquote(a[1]);
      }
      REQUIRE(std::regex_search(attributes, a, tooltip));
      const std::string text = unquote(a[1]);
      edges.emplace_back(unquote(m[1]), unquote(m[2]), tail_box, head_box, text.substr(text.rfind(": ") + 2));
    }
  }
  std::set<Pair> pairs;
  for (const auto& [from, to, tail_box, head_box, ports] : edges) {
    const std::vector<std::string> sources = tail_box.empty() ? std::vector<std::string>{from} : box_nodes[tail_box];
    const std::vector<std::string> destinations =
        head_box.empty() ? std::vector<std::string>{to} : box_nodes[head_box];
    for (const std::string& a : sources) {
      for (const std::string& b : destinations) {
        pairs.emplace(a, b, ports);
      }
    }
  }
  for (const auto& [name, ports] : box_inside) {
    for (const std::string& a : box_nodes[name]) {
      for (const std::string& b : box_nodes[name]) {
        if (a != b || members[a] > 1) {
          pairs.emplace(a, b, ports);
        }
      }
    }
  }
  return pairs;
}

// The pairs of a view, named as the picture names its nodes.
std::set<Pair> view_pairs(const cli::MatrixView& view, const analyzer::Matrix& matrix) {
  auto external = [&](std::uint32_t node) {
    return matrix.endpoints()[view.nodes[node].members.front()].kind == analyzer::MatrixEndpointKind::external;
  };
  std::set<Pair> pairs;
  for (const cli::MatrixView::Edge& edge : view.edges) {
    pairs.emplace((external(edge.from) ? "from " : "") + view.nodes[edge.from].id,
                  (external(edge.to) ? "to " : "") + view.nodes[edge.to].id,
                  cli::connection_text(view.connections[edge.connection]));
  }
  return pairs;
}

} // namespace

TEST_SUITE_BEGIN("cli");

TEST_CASE("write_matrix_dot: merged edges stand for exactly the matrix's pairs") {
  // How many pictures merged edges each way: the clusters must exercise them.
  std::map<std::string, int> merged;
  int compared = 0;
  for (unsigned seed = 1; seed <= testing::property_seeds(160); ++seed) {
    CAPTURE(seed);
    testing::RandomCluster random(seed);
    const model::Inventory inventory = random.cluster();
    const analyzer::Program program(inventory);
    const analyzer::Matrix matrix = analyzer::Matrix::compute(program);
    for (bool group : {false, true}) {
      CAPTURE(group);
      cli::MatrixFilter filter;
      filter.group = group;
      const cli::MatrixView view = cli::build_matrix_view(matrix, inventory, filter);
      std::ostringstream dot;
      cli::write_matrix_dot(view, matrix, inventory, dot);
      if (dot.str().find("style=dashed") != std::string::npos) {
        continue; // summarised: not every pair is drawn
      }
      CHECK(drawn_pairs(dot.str()) == view_pairs(view, matrix));
      ++compared;
      for (const char* kind : {"ltail=", "lhead=", "each to each: "}) {
        merged[kind] += dot.str().find(kind) != std::string::npos ? 1 : 0;
      }
    }
  }
  CHECK(compared >= 60);
  CHECK(merged["ltail="] >= 10);
  CHECK(merged["lhead="] >= 10);
  CHECK(merged["each to each: "] >= 10);
}

TEST_SUITE_END();
