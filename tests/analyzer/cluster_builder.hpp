// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small builders for model::Inventory objects in analyzer tests.

#include <npcheck/model/inventory.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace npcheck::testing {

inline model::IpAddress ip(const std::string& text) {
  const auto parsed = model::IpAddress::parse(text);
  REQUIRE_MESSAGE(parsed, text);
  return *parsed;
}

inline model::Cidr cidr(const std::string& text) {
  const auto parsed = model::Cidr::parse(text);
  REQUIRE_MESSAGE(parsed, text);
  return *parsed;
}

inline model::LabelSelector selector(model::Labels labels = {}) {
  model::LabelSelector result;
  result.match_labels = std::move(labels);
  return result;
}

// A peer with a podSelector only (the policy's namespace).
inline model::Peer pods(model::Labels labels) {
  model::Peer peer;
  peer.pod_selector = selector(std::move(labels));
  return peer;
}

// A peer with a namespaceSelector only.
inline model::Peer namespaces(model::Labels labels) {
  model::Peer peer;
  peer.namespace_selector = selector(std::move(labels));
  return peer;
}

// A peer with both selectors in one element.
inline model::Peer pods_in(model::Labels namespace_labels, model::Labels pod_labels) {
  model::Peer peer;
  peer.namespace_selector = selector(std::move(namespace_labels));
  peer.pod_selector = selector(std::move(pod_labels));
  return peer;
}

inline model::Peer ip_block(const std::string& base, const std::vector<std::string>& excepts = {}) {
  model::Peer peer;
  peer.ip_block.emplace();
  peer.ip_block->cidr = cidr(base);
  for (const std::string& text : excepts) {
    peer.ip_block->except.push_back(cidr(text));
  }
  return peer;
}

inline model::PolicyPort port(model::Protocol protocol, std::uint16_t number,
                              std::optional<std::uint16_t> end_port = std::nullopt) {
  model::PolicyPort result;
  result.protocol = protocol;
  result.port = number;
  result.end_port = end_port;
  return result;
}

inline model::PolicyPort tcp(std::uint16_t number) {
  return port(model::Protocol::tcp, number);
}

inline model::PolicyPort named_port(std::string name, model::Protocol protocol = model::Protocol::tcp) {
  model::PolicyPort result;
  result.protocol = protocol;
  result.port = std::move(name);
  return result;
}

// All ports of one protocol.
inline model::PolicyPort whole(model::Protocol protocol) {
  model::PolicyPort result;
  result.protocol = protocol;
  return result;
}

inline model::Rule rule(std::vector<model::Peer> peers, std::vector<model::PolicyPort> ports = {}) {
  return model::Rule{std::move(peers), std::move(ports), {}};
}

enum class Types { ingress, egress, both };

// A policy with effective policyTypes as given.
inline model::NetworkPolicy policy(std::string namespace_name, std::string name,
                                   model::LabelSelector pod_selector, Types types,
                                   std::vector<model::Rule> ingress = {},
                                   std::vector<model::Rule> egress = {}) {
  model::NetworkPolicy result;
  result.namespace_name = std::move(namespace_name);
  result.name = std::move(name);
  result.pod_selector = std::move(pod_selector);
  result.affects_ingress = types != Types::egress;
  result.affects_egress = types != Types::ingress;
  result.policy_types_given = true;
  result.ingress = std::move(ingress);
  result.egress = std::move(egress);
  return result;
}

struct PodSpec {
  std::vector<model::ContainerPort> ports = {};
  std::vector<std::string> ips = {};
  std::string node = {};
  std::optional<std::string> host_ip = {};
  bool host_network = false;
  model::WorkloadKind kind = model::WorkloadKind::pod;
};

struct ClusterBuilder {
  model::Inventory inventory;

  ClusterBuilder& ns(std::string name, model::Labels labels = {}) {
    labels.set("kubernetes.io/metadata.name", name);
    inventory.namespaces.push_back({std::move(name), std::move(labels), false, {}});
    return *this;
  }

  // Adds a pod (or workload) and returns its index.
  std::size_t pod(std::string namespace_name, std::string name, model::Labels labels,
                  PodSpec spec = {}) {
    model::Workload workload;
    workload.kind = spec.kind;
    workload.namespace_name = std::move(namespace_name);
    workload.name = std::move(name);
    workload.labels = std::move(labels);
    workload.ports = std::move(spec.ports);
    workload.node_name = std::move(spec.node);
    workload.host_network = spec.host_network;
    for (const std::string& text : spec.ips) {
      workload.pod_ips.push_back(ip(text));
    }
    if (spec.host_ip) {
      workload.host_ip = ip(*spec.host_ip);
    }
    inventory.workloads.push_back(std::move(workload));
    return inventory.workloads.size() - 1;
  }

  ClusterBuilder& node(std::string name, const std::vector<std::string>& addresses) {
    model::Node result;
    result.name = std::move(name);
    for (const std::string& text : addresses) {
      result.addresses.push_back(ip(text));
    }
    inventory.nodes.push_back(std::move(result));
    return *this;
  }

  ClusterBuilder& add(model::NetworkPolicy policy) {
    inventory.policies.push_back(std::move(policy));
    return *this;
  }
};

} // namespace npcheck::testing
