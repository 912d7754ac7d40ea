// SPDX-License-Identifier: Apache-2.0
#pragma once

// Services as endpoints: the pods a Service's selector picks, and where each
// of its ports leads on each of them.

#include <npcheck/model/inventory.hpp>
#include <npcheck/model/service.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace npcheck::analyzer {

// The workloads service selects, in Inventory order: those of its namespace
// that carry every label of spec.selector. Empty for a Service without a
// selector.
std::vector<std::size_t> service_workloads(const model::Service& service, const model::Inventory& inventory);

// A connection a service port leads to on one pod.
struct ServiceTarget {
  model::Protocol protocol = model::Protocol::tcp;
  std::uint16_t port = 0;
};

// Where port leads on workload: a numeric targetPort as it is; a named one,
// the container port of that name and of the service port's protocol, or
// nullopt when the workload declares none (the pod is then no endpoint of
// that service port).
std::optional<ServiceTarget> service_target(const model::ServicePort& port, const model::Workload& workload);

} // namespace npcheck::analyzer
