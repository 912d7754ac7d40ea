// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/model/admin_policy.hpp>
#include <npcheck/model/error.hpp>
#include <npcheck/model/network_policy.hpp>
#include <npcheck/model/service.hpp>
#include <npcheck/model/workload.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace npcheck::model {

// An npcheck/ignore annotation: the lint checks (ids or names, separated by
// commas or spaces) not to report on the object that carries it.
struct LintIgnore {
  std::string object; // "NetworkPolicy shop/api", "Deployment shop/web", "Namespace shop"
  std::string checks;
  SourceLocation where; // the annotation's value
};

// Everything loaded from the manifests, validated, sorted by (namespace, name)
// so that every consumer iterates deterministically.
struct Inventory {
  std::vector<Namespace> namespaces;
  std::vector<Workload> workloads;
  std::vector<Node> nodes;
  std::vector<NetworkPolicy> policies;
  // AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy,
  // sorted by (kind, name).
  std::vector<AdminPolicy> admin_policies;
  // Services, sorted by (namespace, name): read only to name endpoints and
  // ports in the user's words (svc/web, --port http).
  std::vector<Service> services;

  // Objects read per kind (known kinds, custom workloads by their kind) and
  // skipped per "apiVersion kind" (unknown kinds).
  std::map<std::string, int> loaded_kinds;
  std::map<std::string, int> skipped_kinds;
  // Skipped custom resources (unknown kinds of other API groups) per
  // namespace, as "Kind name", sorted: operators make pods from them that
  // the inputs do not hold.
  std::map<std::string, std::vector<std::string>> custom_resources;
  // npcheck/ignore annotations, in input order.
  std::vector<LintIgnore> lint_ignores;
  // Objects that stand for the same pods as another object of the input and
  // are left out, per kind (kubectl get all; see Workload): ReplicaSets
  // controlled by a Deployment in the input and Jobs by a CronJob (a
  // rollout's old ReplicaSets stand for pods that no longer run), and Pods
  // folded into their workload ("Pod").
  std::map<std::string, int> folded_kinds;
  // Workloads whose pods are in the input too, per kind: the pods replace
  // their template, since they are what runs.
  std::map<std::string, int> replaced_kinds;
  // Policies of other APIs and engines (Calico, Cilium, Antrea,
  // ...) that also decide traffic but that npcheck does not model, per
  // (kind, API group): every answer leaves them out, and says so.
  std::map<std::pair<std::string, std::string>, int> unmodelled_policies;
  // Documents of files found by walking a directory that are not Kubernetes
  // objects (neither apiVersion nor kind: CI workflows, Helm values,
  // package.json), per file.
  std::map<std::string, int> non_objects;
  // What a directory walk left out, for -v: hidden and --exclude'd paths,
  // Helm charts and kustomizations (these also get a warning).
  std::vector<std::string> skipped_paths;
  int files = 0;
  int documents = 0;

  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
  // Facts worth saying that need no action (a custom resource read as a
  // workload, pods folded across nodes).
  std::vector<Diagnostic> infos;

  bool ok() const { return errors.empty(); }
  // The namespace called name, or nullptr.
  const Namespace* find_namespace(std::string_view name) const;
  // The Service ns/name, or nullptr.
  const Service* find_service(std::string_view ns, std::string_view name) const;
};

} // namespace npcheck::model
