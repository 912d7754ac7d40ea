// SPDX-License-Identifier: Apache-2.0
//
// Services as endpoints. A Service's spec.selector is a plain label map: the
// endpoints controller lists the pods of the Service's namespace whose labels
// include every pair of it (labels.SelectorFromSet), and none when the
// Service has no selector. A connection to a service port reaches a pod on
// its targetPort: a number as it is, or a name that each pod resolves on its
// own among its containers' ports, matching both the name and the service
// port's protocol (FindPort, kubernetes/kubernetes pkg/api/v1/pod/util.go).
// A pod that declares no such port is left out of that port's endpoints
// (the EndpointSlice controller skips it), so it gets no connection on it.
#include <npcheck/analyzer/service.hpp>

namespace npcheck::analyzer {

std::vector<std::size_t> service_workloads(const model::Service& service, const model::Inventory& inventory) {
  std::vector<std::size_t> found;
  if (!service.selector) {
    return found;
  }
  for (std::size_t i = 0; i < inventory.workloads.size(); ++i) {
    const model::Workload& w = inventory.workloads[i];
    if (w.namespace_name != service.namespace_name) {
      continue;
    }
    bool all = true;
    for (const auto& [key, value] : service.selector->entries()) {
      const std::string* have = w.labels.find(key);
      if (!have || *have != value) {
        all = false;
        break;
      }
    }
    if (all) {
      found.push_back(i);
    }
  }
  return found;
}

std::optional<ServiceTarget> service_target(const model::ServicePort& port, const model::Workload& workload) {
  if (const std::uint16_t* number = std::get_if<std::uint16_t>(&port.target_port)) {
    return ServiceTarget{port.protocol, *number};
  }
  const std::string& name = std::get<std::string>(port.target_port);
  for (const model::ContainerPort& p : workload.ports) {
    if (p.name == name && p.protocol == port.protocol) {
      return ServiceTarget{p.protocol, p.port};
    }
  }
  return std::nullopt;
}

} // namespace npcheck::analyzer
