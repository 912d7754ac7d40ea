// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/model/error.hpp>
#include <npcheck/model/network_policy.hpp>
#include <npcheck/model/workload.hpp>

#include <map>
#include <string>
#include <vector>

namespace npcheck::model {

// Everything loaded from the manifests, validated, sorted by (namespace, name)
// so that every consumer iterates deterministically.
struct Inventory {
  std::vector<Namespace> namespaces;
  std::vector<Workload> workloads;
  std::vector<Node> nodes;
  std::vector<NetworkPolicy> policies;

  // Objects read per kind (known kinds) and skipped per kind (unknown kinds).
  std::map<std::string, int> loaded_kinds;
  std::map<std::string, int> skipped_kinds;
  // ReplicaSets and Jobs left out because the Deployment or CronJob that
  // controls them is in the input too (kubectl get all): per kind. They stand
  // for the same pods as their controller (a rollout's old ReplicaSets for
  // pods that no longer run).
  std::map<std::string, int> folded_kinds;
  int files = 0;
  int documents = 0;

  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;

  bool ok() const { return errors.empty(); }
  // The namespace called name, or nullptr.
  const Namespace* find_namespace(std::string_view name) const;
};

} // namespace npcheck::model
