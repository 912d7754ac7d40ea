// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/analyzer/address_set.hpp>
#include <npcheck/analyzer/port_set.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace npcheck::model {
struct Inventory;
} // namespace npcheck::model

namespace npcheck::analyzer {

enum class MatrixEndpointKind {
  workload, // a Pod, or the pods of a workload's template
  external, // the addresses outside the cluster in ranges
};

// One row/column of the matrix.
struct MatrixEndpoint {
  MatrixEndpointKind kind = MatrixEndpointKind::workload;
  std::size_t workload = 0; // index into Inventory::workloads; only for kind workload
  // Only for kind external: the maximal ranges, IPv4 first, ascending. They
  // are the atomic ranges of the ipBlocks that every policy treats alike.
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
};

// The full connectivity matrix of an Inventory: every workload and every
// external address range against every other, with the allowed protocols and
// ports. Endpoints that every policy treats alike share a class, and the
// matrix is stored per class pair, sparse (pairs with nothing allowed are
// absent). allowed(a, b) agrees with Reachability::evaluate for every pair
// (an external endpoint stands for any address of its ranges that is neither
// a pod's nor a node's).
class Matrix {
public:
  // Computes the matrix; the Inventory must be valid (Inventory::ok()). Does
  // not keep a reference to it.
  static Matrix compute(const model::Inventory& inventory, const MatrixOptions& options = {});

  // Workloads in Inventory order, then external endpoints by first range.
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
