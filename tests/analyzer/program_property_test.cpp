// SPDX-License-Identifier: Apache-2.0
//
// Randomized comparison of the scalar evaluator with the naive reference
// evaluator (support/naive_evaluator.hpp), written straight from
// spec/semantics.md: no interval sets, no index, no precomputation. Seeds
// are fixed, so every run checks the same few hundred small clusters.

#include <npcheck/analyzer/program.hpp>

#include <npcheck/model/inventory.hpp>

#include "cluster_builder.hpp"
#include "support/naive_evaluator.hpp"
#include "support/random_cluster.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace npcheck;
using model::Protocol;

// Shared with the differential fuzzer, fuzz/fuzz_engine.cpp.
namespace naive = testing::naive;
using RefEnd = naive::End;

} // namespace

TEST_SUITE_BEGIN("analyzer");

TEST_CASE("Program::evaluate agrees with the naive evaluator") {
  const std::vector<std::uint16_t> probe_ports = [] {
    std::vector<std::uint16_t> ports;
    for (std::uint16_t p = 1; p <= 30; ++p) {
      ports.push_back(p);
    }
    ports.push_back(1000);
    ports.push_back(65534);
    ports.push_back(65535);
    return ports;
  }();
  int mismatches = 0;
  int checks = 0;
  int allowed_somewhere = 0;
  for (unsigned seed = 1; seed <= testing::property_seeds(1200); ++seed) {
    testing::RandomCluster generate(seed);
    const model::Inventory inventory = generate.cluster();
    const analyzer::Program engine(inventory);
    const int flows = 20;
    for (int f = 0; f < flows; ++f) {
      analyzer::FlowEndpoint src;
      analyzer::FlowEndpoint dst;
      RefEnd ref_src;
      RefEnd ref_dst;
      const auto random_workload = [&] {
        return static_cast<std::size_t>(generate.below(static_cast<int>(inventory.workloads.size())));
      };
      const auto random_ip = [&] {
        // Often a pod's or a node's own address, sometimes anything.
        if (generate.chance(50)) {
          const model::Workload& workload = inventory.workloads[random_workload()];
          if (!workload.pod_ips.empty()) {
            return generate.pick(workload.pod_ips);
          }
        }
        if (generate.chance(20)) {
          return testing::ip(generate.chance(50) ? "192.168.0.1" : "192.168.0.2");
        }
        return generate.address();
      };
      switch (generate.below(3)) {
      case 0: {
        const std::size_t a = random_workload();
        const std::size_t b = generate.chance(10) ? a : random_workload();
        src = analyzer::FlowEndpoint::of_workload(a);
        dst = analyzer::FlowEndpoint::of_workload(b);
        ref_src = {&inventory.workloads[a], {}, {}};
        ref_dst = {&inventory.workloads[b], {}, {}};
        break;
      }
      case 1: {
        const std::size_t a = random_workload();
        const model::IpAddress ip = random_ip();
        src = analyzer::FlowEndpoint::of_workload(a);
        dst = engine.addresses().resolve(ip);
        ref_src = {&inventory.workloads[a], {}, {}};
        ref_dst = naive::resolve(inventory, ip);
        break;
      }
      default: {
        const std::size_t b = random_workload();
        const model::IpAddress ip = random_ip();
        src = engine.addresses().resolve(ip);
        dst = analyzer::FlowEndpoint::of_workload(b);
        ref_src = naive::resolve(inventory, ip);
        ref_dst = {&inventory.workloads[b], {}, {}};
        break;
      }
      }
      const analyzer::FlowResult explained = engine.evaluate(src, dst);
      const analyzer::ConnectionSet fast = engine.allowed(src, dst);
      if (!(explained.allowed == fast)) {
        ++mismatches;
        FAIL_CHECK("seed " << seed << " flow " << f << ": evaluate " << explained.allowed.to_string()
                           << " but allowed " << fast.to_string());
      }
      for (Protocol protocol : model::k_all_protocols) {
        for (std::uint16_t port : probe_ports) {
          ++checks;
          const bool expected = naive::allows(inventory, ref_src, ref_dst, protocol, port);
          allowed_somewhere += expected ? 1 : 0;
          if (fast.allows(protocol, port) != expected && mismatches++ < 10) {
            FAIL_CHECK("seed " << seed << " flow " << f << " " << naive::describe(inventory, ref_src)
                               << " -> " << naive::describe(inventory, ref_dst) << " "
                               << model::to_string(protocol) << "/" << port << ": engine "
                               << fast.to_string() << ", reference " << expected);
          }
        }
      }
    }
  }
  CHECK(mismatches == 0);
  // The generator must produce both outcomes often enough to be meaningful.
  CHECK(allowed_somewhere > checks / 5);
  CHECK(allowed_somewhere < checks * 4 / 5);
  MESSAGE(checks << " checks, " << allowed_somewhere << " allowed");
}

TEST_SUITE_END();
