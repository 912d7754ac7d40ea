// SPDX-License-Identifier: Apache-2.0
#pragma once

// Chains of allowed connections between workloads (can-reach --hops): the
// shortest way from one set of workloads to another through others, each
// hop allowed by the policies as the bulk evaluator decides.

#include <npcheck/analyzer/port_set.hpp>
#include <npcheck/model/network_policy.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace npcheck::analyzer {

class Partition;

// A connection the last hop of a chain must allow on its target.
struct TargetPort {
  model::Protocol protocol = model::Protocol::tcp;
  std::uint16_t port = 0;
};

// Where a chain may end: a workload, and what its last hop must allow
// (nothing in particular: any connection).
struct ChainTarget {
  std::size_t workload = 0; // index into Inventory::workloads
  std::optional<TargetPort> port;
};

struct ChainQuery {
  std::vector<std::size_t> sources; // workloads a chain may start from; not empty
  std::vector<ChainTarget> targets; // workloads it may end at, each at most once; not empty
  std::size_t max_hops = 1;         // at least 1
  unsigned threads = 0;             // for Matrix::compute; 0: one per core
};

// One connection of a chain, and everything its policies allow.
struct Hop {
  std::size_t from = 0; // workload
  std::size_t to = 0;   // workload
  ConnectionSet allowed;
};

struct ChainResult {
  // The chain, source first; empty when there is none of at most max_hops.
  // Among the shortest chains, the first when compared workload by workload
  // from the source, each by namespace, then name, then kind_name() (as
  // bytes), then Inventory order.
  std::vector<Hop> hops;
  // How many chains of that length there are, this one included (saturates
  // at UINT64_MAX); 0 when there is none.
  std::uint64_t shortest_chains = 0;
  // The workloads, other than the sources, that chains of at most
  // max_hops (or of the length found) reach, targets included.
  std::size_t reached = 0;
  // Without a chain: whether the search ran out of workloads to reach, so
  // that no number of hops would find one.
  bool exhausted = false;
};

// The shortest chain source = X0 -> X1 -> ... -> Xk = target (1 <= k <=
// max_hops) where every hop Xi -> Xi+1 has some connection allowed in the
// matrix of the partition's program (Matrix::allowed, both the source's
// egress and the destination's ingress) and the last one allows the
// target's port when it has one. The intermediates X1 .. Xk-1 are workloads
// that are neither sources nor targets, so a chain passes through a target
// only at its end. A source that is a target is reached by a chain of one
// hop when a pod of it may open a connection to another (Matrix::allowed
// from the workload to itself). Breadth-first, one Matrix::compute per
// level over the rows of that level's workloads only.
ChainResult shortest_chain(const Partition& partition, const ChainQuery& query);

} // namespace npcheck::analyzer
