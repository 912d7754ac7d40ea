// SPDX-License-Identifier: Apache-2.0
#include "endpoint_arg.hpp"

#include <npcheck/model/error.hpp>

#include <algorithm>
#include <vector>

namespace npcheck::cli {

namespace {

[[noreturn]] void fail(std::string_view option, std::string message) {
  throw model::Error(model::SourceLocation{}, std::string(option) + ": " + message);
}

std::string candidates_text(const model::Inventory& inventory, const std::vector<std::size_t>& found) {
  std::string text;
  for (std::size_t i : found) {
    text += (text.empty() ? "" : ", ") + inventory.workloads[i].namespace_name + '/' +
            model::to_string(inventory.workloads[i].kind) + '/' + inventory.workloads[i].name;
  }
  return text;
}

} // namespace

analyzer::FlowEndpoint parse_endpoint(std::string_view text, std::string_view option,
                                      const model::Inventory& inventory,
                                      const analyzer::AddressBook& addresses) {
  if (std::optional<model::IpAddress> ip = model::IpAddress::parse(text)) {
    return addresses.resolve(*ip);
  }
  std::size_t first = text.find('/');
  std::size_t last = text.rfind('/');
  if (first == std::string_view::npos || first == 0 || last + 1 == text.size()) {
    fail(option, "'" + std::string(text) +
                     "' is not an endpoint (expected NAMESPACE/NAME, NAMESPACE/KIND/NAME or an IP address)");
  }
  std::string_view ns = text.substr(0, first);
  std::string_view name = text.substr(last + 1);
  std::optional<model::WorkloadKind> kind;
  if (first != last) {
    std::string_view kind_text = text.substr(first + 1, last - first - 1);
    kind = model::parse_workload_kind(kind_text);
    if (!kind || kind_text.find('/') != std::string_view::npos) {
      fail(option, "unknown kind '" + std::string(kind_text) +
                       "' (expected Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, "
                       "CronJob or ReplicationController)");
    }
  }
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < inventory.workloads.size(); ++i) {
    const model::Workload& w = inventory.workloads[i];
    if (w.namespace_name == ns && w.name == name && (!kind || w.kind == *kind)) {
      found.push_back(i);
    }
  }
  if (!kind && found.size() > 1) {
    // A Pod wins over workloads of the same name.
    auto pod = std::find_if(found.begin(), found.end(), [&](std::size_t i) {
      return inventory.workloads[i].kind == model::WorkloadKind::pod;
    });
    if (pod != found.end()) {
      return analyzer::FlowEndpoint::of_workload(*pod);
    }
    fail(option, "'" + std::string(text) + "' is ambiguous: " + candidates_text(inventory, found) +
                     " (name one as NAMESPACE/KIND/NAME)");
  }
  if (found.empty()) {
    std::vector<std::size_t> in_namespace;
    for (std::size_t i = 0; i < inventory.workloads.size(); ++i) {
      if (inventory.workloads[i].namespace_name == ns) {
        in_namespace.push_back(i);
      }
    }
    std::string message = "no Pod or workload '" + std::string(text) + "' in the manifests";
    if (in_namespace.empty()) {
      message += " (namespace '" + std::string(ns) + "' has none)";
    } else if (in_namespace.size() <= 10) {
      message += " (namespace '" + std::string(ns) + "' has " + candidates_text(inventory, in_namespace) + ")";
    }
    fail(option, message);
  }
  return analyzer::FlowEndpoint::of_workload(found.front());
}

} // namespace npcheck::cli
