// SPDX-License-Identifier: Apache-2.0
#pragma once

// The bulk evaluator: the connectivity of every pair of endpoints at once,
// read from the policy program over its partition.

#include <npcheck/analyzer/address_set.hpp>
#include <npcheck/analyzer/partition.hpp>
#include <npcheck/analyzer/port_set.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace npcheck::analyzer {

class Program;

enum class MatrixEndpointKind {
  workload, // a Pod, or the pods of a workload's template
  external, // the addresses outside the cluster in ranges
};

// One row/column of the matrix.
struct MatrixEndpoint {
  MatrixEndpointKind kind = MatrixEndpointKind::workload;
  std::size_t workload = 0; // index into Inventory::workloads; only for kind workload
  // Only for kind external: the maximal ranges, IPv4 first, ascending. They
  // are address atoms that every policy treats alike (of one family when
  // some workload has known addresses).
  std::vector<AddressRange> ranges;
  // "ns/name" (Pod), "ns/name[Deployment]", or the ranges "a-b,c-d".
  std::string id;
};

// One non-empty entry of a class row: the destination class and what is allowed.
struct MatrixEntry {
  std::uint32_t to = 0;         // destination class
  std::uint32_t connection = 0; // index for Matrix::connection()
};

struct MatrixOptions {
  unsigned threads = 0; // 0: one per core
  // The endpoints to compute as sources and as destinations (empty: all).
  // Only the rows of classes with a chosen source and the columns of classes
  // with a chosen destination are computed; other entries read as nothing.
  std::function<bool(const MatrixEndpoint&)> sources;
  std::function<bool(const MatrixEndpoint&)> destinations;
  // With focus: only the pairs with a focused endpoint at the end that
  // focus_direction names are computed (egress: as the source; ingress: as
  // the destination; both: either), within the sources and destinations
  // above; other pairs read as nothing. The work grows with the focused rows
  // and columns, not with the whole matrix.
  enum class FocusDirection { ingress, egress, both };
  std::function<bool(const MatrixEndpoint&)> focus;
  FocusDirection focus_direction = FocusDirection::both;
  // What the endpoints of a class have in common, when the options leave
  // pairs out (compute() from a program):
  //  - whole: every policy treats them alike, as in a matrix of every pair
  //    (a reader of any pair by its classes needs it);
  //  - whole_sources: so for a class with a computed row (a view that folds
  //    classes by their rows and columns needs it), and a class without
  //    one is alike on the computed pairs;
  //  - scoped: alike on the computed pairs only. The partition then matches
  //    selections only against the workloads of those pairs: the cheapest.
  enum class Classes { whole, whole_sources, scoped };
  Classes classes = Classes::whole;
};

// The connectivity matrix of a program: every workload and every external
// address class against every other, with the allowed protocols and ports.
// Endpoints of one class share their row; the matrix is stored per class
// pair, sparse (pairs with nothing allowed are absent). allowed(a, b) agrees
// with Program::evaluate for every computed pair with a workload at one end
// at least (an external endpoint stands for any address of its ranges that is
// neither a pod's nor a node's); no policy governs traffic between two
// outside addresses, and their entries mean nothing.
class Matrix {
public:
  // Computes the matrix; the program's Inventory must be valid. Does not
  // keep a reference to the program or the partition. From a program, the
  // partition is the one options.classes asks for.
  static Matrix compute(const Program& program, const MatrixOptions& options = {});
  static Matrix compute(const Partition& partition, const MatrixOptions& options = {});

  // Workloads in Inventory order, then external classes by first range.
  const std::vector<MatrixEndpoint>& endpoints() const { return m_endpoints; }

  // What endpoint from may open to endpoint to. For from == to: everything
  // for a Pod (itself) and for a hostNetwork pod on a node; otherwise what
  // one pod of a workload allows another pod of the same workload.
  const ConnectionSet& allowed(std::size_t from, std::size_t to) const;

  std::size_t class_count() const { return m_class_members.size(); }
  std::uint32_t class_of(std::size_t endpoint) const { return m_class_of[endpoint]; }
  // The endpoints of a class, ascending.
  const std::vector<std::uint32_t>& class_members(std::size_t cls) const {
    return m_class_members[cls];
  }
  // Whether the row (as a source) / column (as a destination) of a class was computed.
  bool row_computed(std::size_t cls) const { return m_row_computed[cls]; }
  bool column_computed(std::size_t cls) const { return m_column_computed[cls]; }
  // The non-empty entries of a class row (between distinct members), by class.
  std::span<const MatrixEntry> row(std::size_t cls) const;
  // The connection id of the entry from class from to class to in row(from)
  // (between distinct members), or 0 (none) when the row has no such entry.
  std::uint32_t connection_between(std::uint32_t from, std::uint32_t to) const;
  // The allowed connections of an entry; connection(0) is always none.
  const ConnectionSet& connection(std::uint32_t id) const { return m_connections[id]; }
  std::size_t connection_count() const { return m_connections.size(); }

  // Sizes of the partition, for diagnostics: atomic port classes and
  // atomic address ranges that the policies distinguish.
  std::size_t port_class_count() const { return m_port_classes; }
  std::size_t address_atom_count() const { return m_address_atoms; }

private:
  std::vector<MatrixEndpoint> m_endpoints;
  std::vector<std::uint32_t> m_class_of;
  std::vector<std::vector<std::uint32_t>> m_class_members;
  std::vector<bool> m_row_computed;
  std::vector<bool> m_column_computed;
  // Row of class c: m_entries[m_row_start[c] .. m_row_start[c + 1]).
  std::vector<std::size_t> m_row_start;
  std::vector<MatrixEntry> m_entries;
  std::vector<ConnectionSet> m_connections;
  // Endpoints that may always reach themselves (Pods, node-local pods).
  std::vector<bool> m_self_all;
  ConnectionSet m_all;
  std::size_t m_port_classes = 0;
  std::size_t m_address_atoms = 0;
};

} // namespace npcheck::analyzer
