// SPDX-License-Identifier: Apache-2.0
#pragma once

// Engine against reference: the scalar evaluator, Program (both its explaining and its
// verdict path) against the naive evaluator, and Matrix::compute against the
// engine. Allowed sets are unions of port ranges and address ranges whose
// edges all come from the inventory, so probing every edge (and its
// neighbours) checks each flow completely, not by sampling.

#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/expectations.hpp>
#include <npcheck/model/inventory.hpp>

#include "support/naive_evaluator.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace npcheck::fuzz {

// Every port where some allowed set of inventory can start or end, with
// neighbours, plus 1 and 65535; ascending.
std::vector<std::uint16_t> port_probes(const model::Inventory& inventory);

// Every address where some ipBlock, pod IP, hostIP or node address starts or
// ends a range, with neighbours, plus both ends of each family; ascending.
std::vector<model::IpAddress> address_probes(const model::Inventory& inventory);

// One end of a flow as the engine and as the reference see it.
struct ProbeEnd {
  analyzer::FlowEndpoint engine;
  testing::naive::End reference;
};

ProbeEnd workload_end(const model::Inventory& inventory, std::size_t index);
ProbeEnd address_end(const model::Inventory& inventory, const analyzer::Program& engine,
                     const model::IpAddress& ip);

// Fails unless evaluate() and allowed() agree with each other, the
// explanation is consistent, and both agree with the reference on every
// protocol at every probe port.
void check_flow(const model::Inventory& inventory, const analyzer::Program& engine,
                const ProbeEnd& src, const ProbeEnd& dst, const std::vector<std::uint16_t>& probes);

struct MatrixCheck {
  unsigned threads = 1;
  // At most this many endpoints of each kind are compared pairwise.
  std::size_t max_workloads = 12;
  std::size_t max_external = 8;
};

// Computes Matrix of inventory; fails unless its external ranges partition
// both address families and allowed(a, b) equals the engine's answer for
// every compared pair (external endpoints at both ends of their ranges).
void check_matrix(const model::Inventory& inventory, const analyzer::Program& engine,
                  const MatrixCheck& options);

// Checks expectation twice, answering its pairs through the Matrix and
// through the engine one by one; fails unless status, pair counts and the
// reported pairs (with their offending ports) are the same.
void check_expectation(const analyzer::Program& engine, const model::Expectation& expectation,
                       std::size_t max_violations);

} // namespace npcheck::fuzz
