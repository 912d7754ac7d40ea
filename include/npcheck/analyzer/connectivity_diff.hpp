// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/analyzer/address_set.hpp>
#include <npcheck/analyzer/matrix.hpp>
#include <npcheck/analyzer/port_set.hpp>

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace npcheck::model {
struct Inventory;
} // namespace npcheck::model

namespace npcheck::analyzer {

// An endpoint of either version, matched across versions by identity.
struct DiffEndpoint {
  static constexpr std::size_t k_absent = std::numeric_limits<std::size_t>::max();

  MatrixEndpointKind kind = MatrixEndpointKind::workload;
  // Workloads: "ns/name" (Pod) or "ns/name[Kind]"; outside addresses: empty.
  std::string id;
  std::string namespace_name; // workloads only
  std::string name;           // workloads only
  std::string kind_name;      // workloads only: "Deployment", "Pod", ...
  // Outside addresses: the addresses that both versions treat alike.
  std::vector<AddressRange> ranges;
  // Indices into the base and head Matrix::endpoints(), or k_absent.
  std::size_t base = k_absent;
  std::size_t head = k_absent;
};

enum class ChangeKind {
  added,   // nothing was allowed, now something is
  removed, // something was allowed, now nothing is
  changed, // allowed both times, but not the same ports
};

struct ConnectionChange {
  ChangeKind kind = ChangeKind::changed;
  std::size_t from = 0; // index into ConnectivityDiff::endpoints
  std::size_t to = 0;
  ConnectionSet before; // what base allows
  ConnectionSet after;  // what head allows
};

// The difference in connectivity between two versions of the manifests.
struct ConnectivityDiff {
  // Workloads by (namespace, name, kind), then outside ranges by address.
  std::vector<DiffEndpoint> endpoints;
  std::vector<std::size_t> added_endpoints;   // only in head, ascending
  std::vector<std::size_t> removed_endpoints; // only in base, ascending
  // Ordered by (from, to).
  std::vector<ConnectionChange> changes;

  std::size_t count(ChangeKind kind) const;
  bool empty() const { return changes.empty() && added_endpoints.empty() && removed_endpoints.empty(); }
};

// Compares the matrices of two versions. Workloads are matched by namespace,
// kind and name; outside addresses are compared per range after cutting both
// versions' ranges to common pieces. A pair involving an endpoint that exists
// in one version only counts as added or removed when it allows anything.
ConnectivityDiff diff_connectivity(const model::Inventory& base_inventory, const Matrix& base,
                                   const model::Inventory& head_inventory, const Matrix& head);

} // namespace npcheck::analyzer
