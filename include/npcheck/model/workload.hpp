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
};

// The API kind name, e.g. "Deployment".
const char* to_string(WorkloadKind kind);
// Parses a kind name case-insensitively ("deployment", "Deployment", "deploy" is not accepted).
std::optional<WorkloadKind> parse_workload_kind(std::string_view text);

struct ContainerPort {
  std::string name; // empty when unnamed
  std::uint16_t port = 0;
  Protocol protocol = Protocol::tcp;
};

// The controller an object names in metadata.ownerReferences (the entry
// with controller: true), when it is a workload kind.
struct Controller {
  WorkloadKind kind = WorkloadKind::deployment;
  std::string name; // in the object's namespace
  std::string uid;  // empty when not given
};

// A Pod, or a workload standing for the pods of its template.
struct Workload {
  WorkloadKind kind = WorkloadKind::pod;
  std::string namespace_name;
  std::string name;
  Labels labels;
  std::vector<ContainerPort> ports;
  std::string node_name; // empty when unknown
  bool host_network = false;
  std::vector<IpAddress> pod_ips;
  std::optional<IpAddress> host_ip;
  std::string uid; // metadata.uid; empty when not given
  std::optional<Controller> controller;
  SourceLocation where;

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
  std::vector<IpAddress> addresses;
  SourceLocation where;
};

} // namespace npcheck::model
