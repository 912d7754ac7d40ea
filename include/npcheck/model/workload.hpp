// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/model/ip_address.hpp>
#include <npcheck/model/labels.hpp>
#include <npcheck/model/network_policy.hpp>
#include <npcheck/model/source_location.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace npcheck::model {

enum class WorkloadKind {
  pod,
  deployment,
  replica_set,
  stateful_set,
  daemon_set,
  job,
  cron_job,
  replication_controller,
  // Any other kind whose spec.template is a pod template (Argo Rollouts'
  // Rollout, OpenShift's DeploymentConfig, ...): Workload::custom_kind names it.
  custom,
};

// The API kind name, e.g. "Deployment" ("custom" for WorkloadKind::custom).
const char* to_string(WorkloadKind kind);
// Parses a kind name case-insensitively ("deployment", "Deployment", "deploy" is not accepted).
std::optional<WorkloadKind> parse_workload_kind(std::string_view text);

struct ContainerPort {
  std::string name; // empty when unnamed
  std::uint16_t port = 0;
  Protocol protocol = Protocol::tcp;
};

// The controller an object names in metadata.ownerReferences (the entry
// with controller: true).
struct Controller {
  std::string kind; // as written, e.g. "ReplicaSet" or "Rollout"
  std::string name; // in the object's namespace
  std::string uid;  // empty when not given
};

// A Pod that a workload stands for in a live snapshot (see Workload::pods):
// what it keeps of its own beyond what it shares with the workload.
struct PodMember {
  std::string name;
  std::vector<IpAddress> pod_ips;
  std::string node_name;             // empty when unknown
  std::optional<IpAddress> host_ip;
  SourceLocation where;
};

// A Pod, or a workload standing for the pods of its template.
//
// In a live snapshot (kubectl get -o yaml), the Pods of one controller are
// folded into one Workload (load.hpp, LoadOptions::fold_pods): its kind and
// name are the controller's at the top of the owner chain (Deployment shop/web
// for the pods of ReplicaSet web-7d9f8), its labels and ports those its pods
// share, pod_ips the union of theirs, node_name and host_ip set only when
// every pod shares them; pods lists the member pods. The controller's own
// template, when it is in the input too, is replaced by the folded pods,
// which are what runs.
struct Workload {
  WorkloadKind kind = WorkloadKind::pod;
  std::string custom_kind; // the kind as written, for WorkloadKind::custom
  std::string namespace_name;
  // The manifest has no metadata.namespace (namespace_name is -n's or default).
  bool namespace_defaulted = false;
  std::string name;
  Labels labels;
  std::vector<ContainerPort> ports;
  std::string node_name; // empty when unknown
  bool host_network = false;
  std::vector<IpAddress> pod_ips;
  std::optional<IpAddress> host_ip;
  std::string uid; // metadata.uid; empty when not given
  std::optional<Controller> controller;
  // Named by metadata.generateName only: name is "<generateName>*".
  bool generated_name = false;
  // The pods folded into this workload, by name (empty unless folded).
  std::vector<PodMember> pods;
  SourceLocation where;

  // The kind as the API names it: to_string(kind), or custom_kind.
  std::string kind_name() const;
  // "ns/name" for a Pod, "ns/name[Deployment]" for a workload.
  std::string display_name() const;
};

struct Namespace {
  std::string name;
  Labels labels; // always includes kubernetes.io/metadata.name
  bool implied = false; // referenced but not defined by any manifest
  SourceLocation where;
};

struct Node {
  std::string name;
  Labels labels; // for the nodes peers of admin policies
  std::vector<IpAddress> addresses;
  SourceLocation where;
};

} // namespace npcheck::model
