// SPDX-License-Identifier: Apache-2.0
#pragma once

// Services (core/v1): the names users think in. npcheck reads a Service only
// to turn it into the pods its selector picks and its ports into the ports
// of those pods; the virtual IP, node ports and load balancers are not
// modelled (a NetworkPolicy sees the connection after kube-proxy has
// rewritten it to a pod address and a target port).

#include <npcheck/model/labels.hpp>
#include <npcheck/model/network_policy.hpp>
#include <npcheck/model/source_location.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace npcheck::model {

enum class ServiceType { cluster_ip, node_port, load_balancer, external_name };

// The API name of a type, e.g. "ClusterIP".
const char* to_string(ServiceType type);

// One entry of spec.ports, defaults applied: protocol TCP, targetPort the
// port when absent or 0 (SetDefaults_Service, pkg/apis/core/v1/defaults.go).
struct ServicePort {
  std::string name; // empty when unnamed (only allowed for a single port)
  std::uint16_t port = 0;
  Protocol protocol = Protocol::tcp;
  // A container port number, or the name of a container port (IANA_SVC_NAME)
  // that each selected pod resolves on its own.
  std::variant<std::uint16_t, std::string> target_port = std::uint16_t{0};
  SourceLocation where;

  // "80 (http)" or "80", with "/UDP" or "/SCTP" after the number when not TCP.
  std::string to_string() const;
  // "http" or "8080".
  std::string target_text() const;
};

struct Service {
  std::string namespace_name;
  bool namespace_defaulted = false;
  std::string name;
  ServiceType type = ServiceType::cluster_ip;
  // spec.selector; absent (or empty, which the API server treats alike) for
  // a Service whose endpoints are managed by hand or by another controller.
  std::optional<Labels> selector;
  bool headless = false;      // clusterIP: None
  std::string external_name;  // type ExternalName
  std::vector<ServicePort> ports;
  SourceLocation where;

  // "ns/name".
  std::string display_name() const;
};

} // namespace npcheck::model
