// SPDX-License-Identifier: Apache-2.0
#include <npcheck/model/inventory.hpp>
#include <npcheck/model/network_policy.hpp>
#include <npcheck/model/service.hpp>
#include <npcheck/model/suggest.hpp>
#include <npcheck/model/workload.hpp>

#include <algorithm>
#include <cctype>

namespace npcheck::model {

const char* to_string(Protocol protocol) {
  switch (protocol) {
  case Protocol::tcp:
    return "TCP";
  case Protocol::udp:
    return "UDP";
  case Protocol::sctp:
    return "SCTP";
  }
  return "?";
}

std::optional<Protocol> parse_protocol(std::string_view text) {
  if (text == "TCP") {
    return Protocol::tcp;
  }
  if (text == "UDP") {
    return Protocol::udp;
  }
  if (text == "SCTP") {
    return Protocol::sctp;
  }
  return std::nullopt;
}

std::optional<Protocol> parse_user_protocol(std::string_view text) {
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return parse_protocol(upper);
}

std::string NetworkPolicy::display_name() const {
  return "NetworkPolicy " + namespace_name + '/' + name;
}

const char* to_string(AdminKind kind) {
  switch (kind) {
  case AdminKind::admin_network_policy:
    return "AdminNetworkPolicy";
  case AdminKind::baseline_admin_network_policy:
    return "BaselineAdminNetworkPolicy";
  case AdminKind::cluster_network_policy:
    return "ClusterNetworkPolicy";
  }
  return "?";
}

std::string AdminPolicy::display_name() const {
  return std::string(to_string(kind)) + ' ' + name;
}

const char* api_spelling(AdminAction action, AdminKind kind) {
  switch (action) {
  case AdminAction::allow:
    return kind == AdminKind::cluster_network_policy ? "Accept" : "Allow";
  case AdminAction::deny:
    return "Deny";
  case AdminAction::pass:
    return "Pass";
  }
  return "?";
}

namespace {

struct KindName {
  WorkloadKind kind;
  const char* name;
};

constexpr KindName k_kind_names[] = {
    {WorkloadKind::pod, "Pod"},
    {WorkloadKind::deployment, "Deployment"},
    {WorkloadKind::replica_set, "ReplicaSet"},
    {WorkloadKind::stateful_set, "StatefulSet"},
    {WorkloadKind::daemon_set, "DaemonSet"},
    {WorkloadKind::job, "Job"},
    {WorkloadKind::cron_job, "CronJob"},
    {WorkloadKind::replication_controller, "ReplicationController"},
    {WorkloadKind::custom, "custom"},
};

} // namespace

const char* to_string(WorkloadKind kind) {
  for (const KindName& entry : k_kind_names) {
    if (entry.kind == kind) {
      return entry.name;
    }
  }
  return "?";
}

std::optional<WorkloadKind> parse_workload_kind(std::string_view text) {
  for (const KindName& entry : k_kind_names) {
    if (entry.kind != WorkloadKind::custom && iequals(text, entry.name)) {
      return entry.kind;
    }
  }
  return std::nullopt;
}

std::string Workload::kind_name() const {
  return kind == WorkloadKind::custom ? custom_kind : std::string(to_string(kind));
}

std::string Workload::display_name() const {
  std::string text = namespace_name + '/' + name;
  if (kind != WorkloadKind::pod) {
    text += '[' + kind_name() + ']';
  }
  return text;
}

const char* to_string(ServiceType type) {
  switch (type) {
  case ServiceType::cluster_ip:
    return "ClusterIP";
  case ServiceType::node_port:
    return "NodePort";
  case ServiceType::load_balancer:
    return "LoadBalancer";
  case ServiceType::external_name:
    return "ExternalName";
  }
  return "?";
}

std::string ServicePort::to_string() const {
  std::string text = std::to_string(port);
  if (protocol != Protocol::tcp) {
    text += '/' + std::string(model::to_string(protocol));
  }
  if (!name.empty()) {
    text += " (" + name + ')';
  }
  return text;
}

std::string ServicePort::target_text() const {
  if (const std::string* named = std::get_if<std::string>(&target_port)) {
    return *named;
  }
  return std::to_string(std::get<std::uint16_t>(target_port));
}

std::string Service::display_name() const { return namespace_name + '/' + name; }

const Service* Inventory::find_service(std::string_view ns, std::string_view name) const {
  auto it = std::lower_bound(services.begin(), services.end(), std::make_pair(ns, name),
                             [](const Service& s, const std::pair<std::string_view, std::string_view>& k) {
                               return std::make_pair(std::string_view(s.namespace_name),
                                                     std::string_view(s.name)) < k;
                             });
  if (it != services.end() && it->namespace_name == ns && it->name == name) {
    return &*it;
  }
  return nullptr;
}

const Namespace* Inventory::find_namespace(std::string_view name) const {
  auto it = std::lower_bound(namespaces.begin(), namespaces.end(), name,
                             [](const Namespace& ns, std::string_view n) { return ns.name < n; });
  if (it != namespaces.end() && it->name == name) {
    return &*it;
  }
  return nullptr;
}

} // namespace npcheck::model
