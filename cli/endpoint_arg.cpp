// SPDX-License-Identifier: Apache-2.0
#include "endpoint_arg.hpp"

#include <npcheck/model/error.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
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
            inventory.workloads[i].kind_name() + '/' + inventory.workloads[i].name;
  }
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// NS and NAME of NAME, NS/NAME or NS/KIND/NAME, with KIND (empty if none);
// nullopt when text has none of these shapes.
struct EndpointName {
  std::string_view ns;
  std::optional<std::string_view> kind;
  std::string_view name;
};

std::optional<EndpointName> split_name(std::string_view text, std::string_view default_namespace) {
  const std::size_t first = text.find('/');
  const std::size_t last = text.rfind('/');
  if (text.empty() || first == 0 || (first != std::string_view::npos && last + 1 == text.size())) {
    return std::nullopt;
  }
  if (first == std::string_view::npos) {
    return EndpointName{default_namespace, {}, text};
  }
  std::optional<std::string_view> kind;
  if (first != last) {
    kind = text.substr(first + 1, last - first - 1);
  }
  return EndpointName{text.substr(0, first), kind, text.substr(last + 1)};
}

} // namespace

void note_named_pod(std::string_view text, std::string_view default_namespace,
                    model::PodsKeptApart& kept_apart) {
  if (std::optional<model::IpAddress> ip = model::IpAddress::parse(text)) {
    kept_apart.addresses.push_back(*ip);
    return;
  }
  std::optional<EndpointName> name = split_name(text, default_namespace);
  if (name && (!name->kind || iequals(*name->kind, "pod"))) {
    kept_apart.names.emplace_back(std::string(name->ns), std::string(name->name));
  }
}

analyzer::FlowEndpoint parse_endpoint(std::string_view text, std::string_view option,
                                      const model::Inventory& inventory,
                                      const analyzer::AddressBook& addresses,
                                      std::string_view default_namespace) {
  if (std::optional<model::IpAddress> ip = model::IpAddress::parse(text)) {
    return addresses.resolve(*ip);
  }
  std::optional<EndpointName> parts = split_name(text, default_namespace);
  if (!parts) {
    fail(option, "'" + std::string(text) +
                     "' is not an endpoint (expected NAME, NAMESPACE/NAME, NAMESPACE/KIND/NAME or an IP address)");
  }
  const std::string_view ns = parts->ns;
  const std::string_view name = parts->name;
  std::optional<model::WorkloadKind> kind;
  std::string custom_kind;
  if (parts->kind) {
    const std::string_view kind_text = *parts->kind;
    kind = model::parse_workload_kind(kind_text);
    if (!kind && kind_text.find('/') == std::string_view::npos) {
      // A custom workload kind of the inventory (Rollout, ...), as written.
      for (const model::Workload& w : inventory.workloads) {
        if (w.kind == model::WorkloadKind::custom && iequals(w.custom_kind, kind_text)) {
          kind = model::WorkloadKind::custom;
          custom_kind = w.custom_kind;
          break;
        }
      }
    }
    if (!kind || kind_text.find('/') != std::string_view::npos) {
      fail(option, "unknown kind '" + std::string(kind_text) +
                       "' (expected Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, "
                       "CronJob, ReplicationController or the kind of a custom workload)");
    }
  }
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < inventory.workloads.size(); ++i) {
    const model::Workload& w = inventory.workloads[i];
    if (w.namespace_name == ns && w.name == name && (!kind || w.kind == *kind) &&
        (custom_kind.empty() || w.custom_kind == custom_kind)) {
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
    std::string shown = std::string(ns) + '/' + std::string(name);
    if (parts->kind) {
      shown = std::string(ns) + '/' + std::string(*parts->kind) + '/' + std::string(name);
    }
    std::string message = "no Pod or workload '" + shown + "' in the manifests";
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
