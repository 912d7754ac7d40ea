// SPDX-License-Identifier: Apache-2.0
#pragma once

// What `npcheck matrix` prints, independent of the output format: the
// visible endpoints (or groups of them), sorted, and the connected pairs.
// Private to the cli layer.

#include <npcheck/analyzer/matrix.hpp>
#include <npcheck/analyzer/port_set.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/inventory.hpp>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace npcheck::cli {

// Which endpoints one of matrix --from / --to keeps.
struct EndpointMatch {
  std::string pattern;                 // a glob over endpoint ids (*, ?); empty: not a pattern
  std::optional<std::size_t> workload; // one Pod or workload (index into Inventory::workloads)
  std::vector<std::size_t> service_workloads; // a Service: the workloads it selects
  // Addresses: the workloads with a known address in it and the external
  // endpoints with an address in it.
  std::optional<model::Cidr> range;

  bool matches(const analyzer::MatrixEndpoint& endpoint, const model::Inventory& inventory) const;
};

struct MatrixFilter {
  // Keep the pairs with at least one end in one of these namespaces (empty: all).
  std::vector<std::string> namespaces;
  std::optional<EndpointMatch> from; // absent: every source
  std::optional<EndpointMatch> to;
  // --focus: only the pairs with a focused endpoint as the source (egress)
  // or as the destination (ingress), as focus_egress/focus_ingress say.
  std::optional<EndpointMatch> focus;
  bool focus_egress = true;
  bool focus_ingress = true;
  std::optional<std::uint16_t> port;
  std::string port_name; // a named port, resolved on each destination
  std::optional<model::Protocol> protocol;
  bool group = false;

  // Whether an endpoint may be shown as a source / as a destination (of some pair).
  bool shows_source(const analyzer::MatrixEndpoint& endpoint, const model::Inventory& inventory) const;
  bool shows_destination(const analyzer::MatrixEndpoint& endpoint,
                         const model::Inventory& inventory) const;
  // Whether an endpoint is a workload of one of the namespaces (always, without them).
  bool in_namespaces(const analyzer::MatrixEndpoint& endpoint, const model::Inventory& inventory) const;
};

struct MatrixView {
  // One row/column: an endpoint, or a group of endpoints with identical rows
  // and columns (then id is "groupN").
  struct Node {
    std::string id;
    std::vector<std::size_t> members; // endpoint indices, sorted by id
    bool group = false;
  };
  struct Edge {
    std::uint32_t from = 0; // node
    std::uint32_t to = 0;   // node
    std::uint32_t connection = 0;
  };

  std::vector<Node> nodes;                     // workloads by id, then external by address
  std::vector<Edge> edges;                     // by (from, to)
  std::vector<analyzer::ConnectionSet> connections; // projected onto --port/--protocol
  // --services: per endpoint (index into Matrix::endpoints()), the Services
  // whose selector picks its pods, as "svc/NAME", sorted. Empty without
  // --services.
  std::vector<std::vector<std::string>> services;
};

// Whether text matches a glob with * and ?.
bool glob_match(std::string_view pattern, std::string_view text);

MatrixView build_matrix_view(const analyzer::Matrix& matrix, const model::Inventory& inventory,
                             const MatrixFilter& filter);

// matrix --services: per endpoint of matrix, the Services of its namespace
// whose selector picks its pods ("svc/NAME", sorted); none for externals.
std::vector<std::vector<std::string>> fronting_services(const analyzer::Matrix& matrix,
                                                        const model::Inventory& inventory);
// " (svc/frontend, svc/web)": the Services fronting an endpoint as every
// format appends them to its name; "" without --services or when none does.
std::string services_suffix(const MatrixView& view, std::size_t endpoint);

// The namespace shared by all members of a node, or "" (externals, several).
std::string node_namespace(const MatrixView::Node& node, const analyzer::Matrix& matrix,
                           const model::Inventory& inventory);

// A pair's connections as every format writes them: ConnectionSet::to_string()
// ("all ports", "nothing", "TCP 80; UDP 53").
std::string connection_text(const analyzer::ConnectionSet& connections);

// Text, one line per pair; a line saying so when there is none.
void write_matrix_text(const MatrixView& view, const analyzer::Matrix& matrix, std::ostream& out);
void write_matrix_json(const MatrixView& view, const analyzer::Matrix& matrix,
                       const model::Inventory& inventory, std::ostream& out);
void write_matrix_csv(const MatrixView& view, const analyzer::Matrix& matrix, std::ostream& out);
// Markdown tables; a line saying so when there is no pair.
void write_matrix_md(const MatrixView& view, const analyzer::Matrix& matrix, std::ostream& out);

// The line text and md print for a matrix with no pair.
extern const char* const k_no_connections;
// Graphviz: a box per namespace, edges merged where a node or a box reaches
// a whole box alike, coloured by connection with a legend (matrix_dot.cpp).
void write_matrix_dot(const MatrixView& view, const analyzer::Matrix& matrix,
                      const model::Inventory& inventory, std::ostream& out);
void write_matrix_html(const MatrixView& view, const analyzer::Matrix& matrix,
                       const analyzer::Program& program, std::ostream& out);

} // namespace npcheck::cli
