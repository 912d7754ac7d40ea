// SPDX-License-Identifier: Apache-2.0
//
// matrix -o html: one self-contained page, a grid of sources (rows) by
// destinations (columns), grouped by namespace (then the groups of several
// namespaces, then the external ranges), with a details panel beside it and
// a filter for each side. The page carries data, not markup: the nodes (each
// with its hover texts), the distinct port sets, the allowed pairs as
// [from, to, port set] numbers, and why each other pair is denied, so that
// it grows with the number of distinct answers rather than of cells.
//
// Why a pair is denied comes from the scalar evaluator (the explanation of
// can-reach --explain, as flow_reason words it), once per pair of endpoint
// classes: the classes of a matrix are endpoints that every policy treats
// alike, so the reason is the same sentence for every pair of their
// members, the names apart. The sentence is kept with "{src}" and "{dst}"
// in place of the names (no Kubernetes name holds a brace) and each row of
// reasons is run-length encoded. Past k_max_explained class pairs the page
// falls back to what isolates each side.
#include "explain.hpp"
#include "matrix_view.hpp"

#include <npcheck/analyzer/endpoint.hpp>
#include <npcheck/analyzer/matrix.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/workload.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <ostream>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace npcheck::cli {

namespace {

using analyzer::Matrix;
using analyzer::MatrixEndpoint;
using analyzer::MatrixEndpointKind;

// Pairs of endpoint classes explained at most (about a second of the
// evaluator: 500 generated workloads, 278,000 pairs, take 0.3 s in all);
// past them no denied pair is explained, and the hover shows what isolates
// each side.
constexpr std::size_t k_max_explained = 1000000;
// Members named in a group's label; its hover names them all.
constexpr std::size_t k_html_label_members = 3;

// What isolates a node's first member in a direction, for the hover text:
// "egress: isolated by shop/a, shop/b" or "egress: not isolated", and the
// admin-tier policies selecting it ("; admin tiers: AdminNetworkPolicy x").
std::string isolation_summary(const analyzer::Program& program, const Matrix& matrix,
                              const MatrixView::Node& node, analyzer::Direction direction) {
  const MatrixEndpoint& endpoint = matrix.endpoints()[node.members.front()];
  std::string text = std::string(analyzer::to_string(direction)) + ": ";
  if (endpoint.kind != MatrixEndpointKind::workload ||
      program.inventory().workloads[endpoint.workload].host_network) {
    return text + "no policy applies";
  }
  const std::vector<analyzer::PolicyId> policies =
      program.selecting(endpoint.workload, direction, analyzer::TierKind::network_policy);
  if (policies.empty()) {
    text += "not isolated";
  } else {
    std::string list;
    for (analyzer::PolicyId p : policies) {
      const analyzer::CompiledPolicy& policy = program.policy(p);
      list += (list.empty() ? "" : ", ") + policy.namespace_name + "/" +
              program.inventory().policies[policy.origin.index].name;
    }
    text += "isolated by " + list;
  }
  // The admin and baseline policies that also decide it, in order.
  std::string admin;
  for (analyzer::TierKind tier : {analyzer::TierKind::admin, analyzer::TierKind::baseline}) {
    if (program.tier(tier, direction).empty()) {
      continue;
    }
    for (analyzer::PolicyId p : program.selecting(endpoint.workload, direction, tier)) {
      admin += (admin.empty() ? "" : ", ") + program.policy(p).name;
    }
  }
  return admin.empty() ? text : text + "; admin tiers: " + admin;
}

// Where a node is listed: its namespace's rows and columns, those of the
// groups of several namespaces, or those of the outside.
struct Placement {
  int section = 0;        // 0 a namespace, 1 several, 2 outside
  std::string heading;    // the namespace, "several namespaces", "outside the cluster"
  std::string label;      // in the row and column headers: without the namespace
  std::string name;       // in hovers: the id, or the members
};

Placement place(const MatrixView& view, const MatrixView::Node& node, const Matrix& matrix,
                const model::Inventory& inventory) {
  Placement placement;
  const MatrixEndpoint& first = matrix.endpoints()[node.members.front()];
  if (first.kind == MatrixEndpointKind::external) {
    placement.section = 2;
    placement.heading = "outside the cluster";
    placement.label = node.id;
    placement.name = node.id;
    return placement;
  }
  const std::string ns = node_namespace(node, matrix, inventory);
  placement.section = ns.empty() ? 1 : 0;
  placement.heading = ns.empty() ? "several namespaces" : ns;
  std::string label;
  std::string name;
  for (std::size_t k = 0; k < node.members.size(); ++k) {
    const MatrixEndpoint& endpoint = matrix.endpoints()[node.members[k]];
    // With --services, each member's Services after it.
    const std::string services = services_suffix(view, node.members[k]);
    const std::string shown = (ns.empty() ? endpoint.id : endpoint.id.substr(ns.size() + 1)) + services;
    name += (k == 0 ? "" : ", ") + endpoint.id + services;
    if (k < k_html_label_members) {
      label += (k == 0 ? "" : ", ") + shown;
    }
  }
  if (node.members.size() > k_html_label_members) {
    label += " +" + std::to_string(node.members.size() - k_html_label_members);
  }
  placement.label = label;
  placement.name = name;
  return placement;
}

analyzer::FlowEndpoint flow_endpoint(const MatrixEndpoint& endpoint) {
  // Any address of an external class stands for all of it.
  return endpoint.kind == MatrixEndpointKind::workload ? analyzer::FlowEndpoint::of_workload(endpoint.workload)
                                                       : analyzer::FlowEndpoint::external_ip(endpoint.ranges.front().first);
}

constexpr const char* k_html_head = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>npcheck connectivity matrix</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 16px; color: #222; }
h1 { font-size: 20px; margin: 0 0 8px 0; }
.filters input { width: 260px; padding: 4px; margin: 0 16px 8px 4px; }
#main { display: flex; align-items: flex-start; gap: 16px; }
#grid { overflow: auto; max-height: calc(100vh - 130px); flex: 0 1 auto; }
#info { position: sticky; top: 8px; flex: 0 0 380px; min-height: 6em; max-height: calc(100vh - 40px); overflow: auto;
  white-space: pre-wrap; font-family: monospace; font-size: 12px; border: 1px solid #ccc; background: #fafafa;
  padding: 8px; }
#info.pinned { border-color: #555; }
table { border-collapse: collapse; font-size: 11px; table-layout: fixed; }
th, td { border: 1px solid #ddd; padding: 0; overflow: hidden; }
th.row { text-align: right; padding: 0 6px; white-space: nowrap; font-weight: normal; text-overflow: ellipsis;
  height: 14px; }
th.col { writing-mode: vertical-rl; transform: rotate(180deg); padding: 6px 0; white-space: nowrap; font-weight: normal;
  height: 200px; text-overflow: ellipsis; }
th.ns { background: #eef; font-weight: bold; white-space: nowrap; text-overflow: ellipsis; }
th.nsrow { background: #eef; font-weight: bold; text-align: left; padding: 1px 6px; white-space: nowrap;
  text-overflow: ellipsis; }
td.section { background: #f6f6fb; }
td.cell { height: 14px; }
td.all { background: #2b8a3e; }
td.some { background: #8ce99a; }
td.self { background: #ccc; }
td.first, th.first { border-left: 2px solid #888; }
td.cell:hover { outline: 2px solid #f59f00; }
.legend span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: middle; }
.legend { margin: 0 0 8px 0; }
</style>
</head>
<body>
<h1>npcheck connectivity matrix</h1>
<p class="legend">rows: from, columns: to
<span style="background:#2b8a3e"></span>all ports
<span style="background:#8ce99a"></span>some ports
<span style="background:#fff; border: 1px solid #ddd"></span>denied (hover: why)
<span style="background:#ccc"></span>self</p>
<div class="filters"><label>from <input id="from-filter" placeholder="filter sources (substring)"></label>
<label>to <input id="to-filter" placeholder="filter destinations (substring)"></label></div>
<div id="main"><div id="grid"></div><div id="info">hover a cell for details, click to keep them</div></div>
<script type="application/json" id="data">)html";

constexpr const char* k_html_tail = R"html(</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById('data').textContent);
  var nodes = data.nodes, n = nodes.length;
  var edges = new Map();
  data.edges.forEach(function (e) { edges.set(e[0] * n + e[1], e[2]); });
  var reasonRows = [];
  // The reason ids of a row, run-length encoded as [id, count, ...].
  function reasonOf(i, j) {
    if (!data.denied.length) return 0;
    if (!reasonRows[i]) {
      var row = [], rle = data.denied[i];
      for (var r = 0; r < rle.length; r += 2) for (var c = 0; c < rle[r + 1]; ++c) row.push(rle[r]);
      reasonRows[i] = row;
    }
    return reasonRows[i][j];
  }
  function fill(text, i, j) {
    return text.split('{src}').join(nodes[i].name).split('{dst}').join(nodes[j].name);
  }
  function details(i, j) {
    var head = nodes[i].name + ' => ' + nodes[j].name + '\n';
    var c = edges.get(i * n + j);
    if (c !== undefined) {
      return head + 'allowed: ' + data.connections[c] + '\n' + nodes[i].egress + '\n' + nodes[j].ingress;
    }
    if (i === j && nodes[i].members.length === 1) return head + 'itself';
    var reason = reasonOf(i, j);
    return head + 'denied' + (reason ? ': ' + fill(data.reasons[reason], i, j) : '') + '\n' +
           'source ' + nodes[i].egress + '\ndestination ' + nodes[j].ingress;
  }
  var grid = document.getElementById('grid');
  var info = document.getElementById('info');
  var pinned = false;
  function show(text, pin) {
    info.textContent = text;
    pinned = pin;
    info.className = pin ? 'pinned' : '';
  }
  function matches(node, filter) {
    return !filter || node.name.indexOf(filter) >= 0 || node.heading.indexOf(filter) >= 0;
  }
  // Runs of consecutive nodes under one heading.
  function sections(list) {
    var out = [];
    list.forEach(function (i) {
      if (!out.length || out[out.length - 1].heading !== nodes[i].heading) out.push({heading: nodes[i].heading, items: []});
      out[out.length - 1].items.push(i);
    });
    return out;
  }
  function render() {
    var fromFilter = document.getElementById('from-filter').value;
    var toFilter = document.getElementById('to-filter').value;
    var rows = [], cols = [];
    nodes.forEach(function (node, i) {
      if (matches(node, fromFilter)) rows.push(i);
      if (matches(node, toFilter)) cols.push(i);
    });
    var colSections = sections(cols), firstCol = {};
    colSections.forEach(function (s) { firstCol[s.items[0]] = true; });
    // Fixed widths: every cell as wide as the others, whatever its heading.
    var table = document.createElement('table');
    var labelWidth = 220, cellWidth = 15;
    table.style.width = (labelWidth + cellWidth * cols.length) + 'px';
    var colgroup = document.createElement('colgroup');
    var labelCol = document.createElement('col');
    labelCol.style.width = labelWidth + 'px';
    colgroup.appendChild(labelCol);
    cols.forEach(function () {
      var col = document.createElement('col');
      col.style.width = cellWidth + 'px';
      colgroup.appendChild(col);
    });
    table.appendChild(colgroup);
    var nsRow = document.createElement('tr');
    nsRow.appendChild(document.createElement('th'));
    colSections.forEach(function (s) {
      var th = document.createElement('th');
      th.className = 'ns'; th.colSpan = s.items.length; th.textContent = s.heading;
      th.title = s.heading;
      nsRow.appendChild(th);
    });
    table.appendChild(nsRow);
    var head = document.createElement('tr');
    head.appendChild(document.createElement('th'));
    cols.forEach(function (j) {
      var th = document.createElement('th');
      th.className = firstCol[j] ? 'col first' : 'col'; th.textContent = nodes[j].label; th.title = nodes[j].name;
      head.appendChild(th);
    });
    table.appendChild(head);
    sections(rows).forEach(function (s) {
      // A heading row per namespace, then its rows.
      var heading = document.createElement('tr');
      var ns = document.createElement('th');
      ns.className = 'nsrow'; ns.textContent = s.heading; ns.title = s.heading;
      heading.appendChild(ns);
      if (cols.length) {
        var band = document.createElement('td');
        band.className = 'section'; band.colSpan = cols.length;
        heading.appendChild(band);
      }
      table.appendChild(heading);
      s.items.forEach(function (i) {
        var tr = document.createElement('tr');
        var th = document.createElement('th');
        th.className = 'row'; th.textContent = nodes[i].label; th.title = nodes[i].name;
        tr.appendChild(th);
        cols.forEach(function (j) {
          var td = document.createElement('td');
          var c = edges.get(i * n + j);
          var cls = 'cell';
          if (c !== undefined) cls += data.connections[c] === 'all ports' ? ' all' : ' some';
          else if (i === j && nodes[i].members.length === 1) cls += ' self';
          if (firstCol[j]) cls += ' first';
          td.className = cls;
          td.dataset.i = i; td.dataset.j = j;
          tr.appendChild(td);
        });
        table.appendChild(tr);
      });
    });
    grid.innerHTML = '';
    grid.appendChild(table);
  }
  // One handler for every cell: the details, as a tooltip and beside the grid.
  grid.addEventListener('mouseover', function (ev) {
    var td = ev.target;
    if (td.tagName !== 'TD') return;
    var text = details(+td.dataset.i, +td.dataset.j);
    td.title = text;
    if (!pinned) show(text, false);
  });
  grid.addEventListener('click', function (ev) {
    var td = ev.target;
    if (td.tagName !== 'TD') return;
    show(details(+td.dataset.i, +td.dataset.j), !pinned || info.textContent !== td.title);
  });
  document.getElementById('from-filter').addEventListener('input', render);
  document.getElementById('to-filter').addEventListener('input', render);
  render();
  // #from=ID&to=ID opens with that pair's details kept.
  var wanted = {};
  location.hash.replace(/^#/, '').split('&').forEach(function (part) {
    var kv = part.split('=');
    if (kv.length === 2) wanted[kv[0]] = decodeURIComponent(kv[1]);
  });
  if (wanted.from && wanted.to) {
    var from = -1, to = -1;
    nodes.forEach(function (node, i) {
      if (node.id === wanted.from || node.members.indexOf(wanted.from) >= 0) from = i;
      if (node.id === wanted.to || node.members.indexOf(wanted.to) >= 0) to = i;
    });
    if (from >= 0 && to >= 0) show(details(from, to), true);
  }
})();
</script>
</body>
</html>
)html";

} // namespace

void write_matrix_html(const MatrixView& view, const Matrix& matrix, const analyzer::Program& program,
                       std::ostream& out) {
  const model::Inventory& inventory = program.inventory();
  const std::size_t count = view.nodes.size();
  // Display order: namespaces (sorted), the groups of several, the outside;
  // within each, the view's order.
  std::vector<Placement> placements;
  for (const MatrixView::Node& node : view.nodes) {
    placements.push_back(place(view, node, matrix, inventory));
  }
  std::vector<std::uint32_t> order(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::tie(placements[a].section, placements[a].heading) <
           std::tie(placements[b].section, placements[b].heading);
  });
  std::vector<std::uint32_t> position(count);
  for (std::uint32_t k = 0; k < count; ++k) {
    position[order[k]] = k;
  }

  nlohmann::json head;
  head["nodes"] = nlohmann::json::array();
  for (std::uint32_t i : order) {
    const MatrixView::Node& node = view.nodes[i];
    nlohmann::json members = nlohmann::json::array();
    for (std::size_t e : node.members) {
      members.push_back(matrix.endpoints()[e].id);
    }
    head["nodes"].push_back({{"id", node.id},
                             {"heading", placements[i].heading},
                             {"label", placements[i].label},
                             {"name", placements[i].name},
                             {"members", std::move(members)},
                             {"egress", isolation_summary(program, matrix, node, analyzer::Direction::egress)},
                             {"ingress", isolation_summary(program, matrix, node, analyzer::Direction::ingress)}});
  }
  head["connections"] = nlohmann::json::array();
  for (const analyzer::ConnectionSet& connection : view.connections) {
    head["connections"].push_back(connection_text(connection));
  }

  // The allowed pairs in display positions, by (from, to).
  std::vector<MatrixView::Edge> edges = view.edges;
  for (MatrixView::Edge& edge : edges) {
    edge.from = position[edge.from];
    edge.to = position[edge.to];
  }
  std::sort(edges.begin(), edges.end(), [](const MatrixView::Edge& x, const MatrixView::Edge& y) {
    return std::tie(x.from, x.to) < std::tie(y.from, y.to);
  });

  // Why the other pairs are denied, per pair of classes of the members the
  // evaluator is asked about (two distinct ones inside a group; none for an
  // endpoint and itself).
  auto is_external = [&](std::uint32_t i) {
    return matrix.endpoints()[view.nodes[i].members.front()].kind == MatrixEndpointKind::external;
  };
  nlohmann::json reasons = nlohmann::json::array({""});
  std::map<std::string, std::uint32_t> reason_ids;
  auto reason_id = [&](const std::string& text) {
    const auto [it, inserted] = reason_ids.emplace(text, static_cast<std::uint32_t>(reasons.size()));
    if (inserted) {
      reasons.push_back(text);
    }
    return it->second;
  };
  const std::uint32_t outside = reason_id("no policy governs traffic between two outside addresses");
  std::unordered_map<std::uint64_t, std::uint32_t> reason_of_classes;
  std::string denied = "[";
  bool explained = true;
  std::size_t next_edge = 0;
  for (std::uint32_t k = 0; k < count && explained; ++k) {
    const std::uint32_t a = order[k];
    denied += k == 0 ? "[" : ",[";
    std::uint32_t run_id = 0;
    std::size_t run = 0;
    bool first = true;
    auto flush = [&]() {
      if (run > 0) {
        denied += (first ? "" : ",") + std::to_string(run_id) + "," + std::to_string(run);
        first = false;
      }
    };
    for (std::uint32_t l = 0; l < count; ++l) {
      const std::uint32_t b = order[l];
      const bool allowed = next_edge < edges.size() && edges[next_edge].from == k && edges[next_edge].to == l;
      next_edge += allowed ? 1 : 0;
      const std::vector<std::size_t>& from = view.nodes[a].members;
      const std::vector<std::size_t>& to = view.nodes[b].members;
      std::uint32_t id = 0;
      if (allowed || (a == b && from.size() < 2)) {
        id = 0;
      } else if (is_external(a) && is_external(b)) {
        id = outside;
      } else {
        const std::size_t src = from.front();
        const std::size_t dst = a == b ? from[1] : to.front();
        std::uint32_t& known =
            reason_of_classes[(std::uint64_t{matrix.class_of(src)} << 32) | matrix.class_of(dst)];
        if (known == 0) {
          const analyzer::FlowResult flow =
              program.evaluate(flow_endpoint(matrix.endpoints()[src]), flow_endpoint(matrix.endpoints()[dst]));
          // Allowed but not shown: the filters (--port, --namespace, ...) left it out.
          known = reason_id(flow.allowed.empty() ? flow_reason(program, flow, "{src}", "{dst}", std::nullopt)
                                                 : "not shown: the filters leave it out (allowed: " +
                                                       connection_text(flow.allowed) + ")");
        }
        id = known;
        if (reason_of_classes.size() > k_max_explained) {
          explained = false;
          break;
        }
      }
      if (id != run_id) {
        flush();
        run_id = id;
        run = 0;
      }
      ++run;
    }
    flush();
    denied += "]";
  }
  denied += "]";
  head["reasons"] = explained ? std::move(reasons) : nlohmann::json::array();

  std::string json = head.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // Keep "</script>" inside strings from closing the element.
  std::string safe;
  safe.reserve(json.size() + edges.size() * 16 + denied.size());
  for (std::size_t i = 0; i + 1 < json.size(); ++i) { // without the closing '}'
    if (json[i] == '<') {
      safe += "\\u003c";
    } else {
      safe += json[i];
    }
  }
  safe += ",\"denied\":";
  safe += explained ? denied : std::string("[]");
  safe += ",\"edges\":[";
  for (std::size_t i = 0; i < edges.size(); ++i) {
    safe += (i == 0 ? "[" : ",[") + std::to_string(edges[i].from) + ',' + std::to_string(edges[i].to) + ',' +
            std::to_string(edges[i].connection) + ']';
  }
  safe += "]}";
  out << k_html_head << safe << k_html_tail;
}

} // namespace npcheck::cli
