// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/model/ip_address.hpp>
#include <npcheck/model/label_selector.hpp>
#include <npcheck/model/source_location.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace npcheck::model {

enum class Protocol { tcp, udp, sctp };
inline constexpr Protocol k_all_protocols[] = {Protocol::tcp, Protocol::udp, Protocol::sctp};

// "TCP", "UDP" or "SCTP".
const char* to_string(Protocol protocol);
// Parses the API spelling (case-sensitive); nullopt otherwise.
std::optional<Protocol> parse_protocol(std::string_view text);
// Parses a protocol as users type it (command line, expectations files): TCP,
// UDP or SCTP in any case ("tcp"); manifests keep parse_protocol's spelling.
std::optional<Protocol> parse_user_protocol(std::string_view text);

// A NetworkPolicyPort. port is absent (all ports of the protocol), a number,
// or a named port resolved on the destination pod. end_port only with a number.
struct PolicyPort {
  Protocol protocol = Protocol::tcp;
  std::optional<std::variant<std::uint16_t, std::string>> port;
  std::optional<std::uint16_t> end_port;
  SourceLocation where;
};

// An ipBlock: cidr minus every except range.
struct IpBlock {
  Cidr cidr;
  std::vector<Cidr> except;
  SourceLocation where;
};

// One element of from/to. Either selectors (pod and/or namespace) or ip_block.
// An absent namespace_selector means the policy's own namespace.
struct Peer {
  std::optional<LabelSelector> pod_selector;
  std::optional<LabelSelector> namespace_selector;
  std::optional<IpBlock> ip_block;
  SourceLocation where;
};

// One ingress or egress rule. An empty peers or ports list means "all".
struct Rule {
  std::vector<Peer> peers;
  std::vector<PolicyPort> ports;
  SourceLocation where;
};

// A networking.k8s.io/v1 NetworkPolicy after validation.
struct NetworkPolicy {
  std::string namespace_name;
  // The manifest has no metadata.namespace (namespace_name is -n's or default).
  bool namespace_defaulted = false;
  std::string name;
  LabelSelector pod_selector;
  // Effective policyTypes (defaults applied).
  bool affects_ingress = true;
  bool affects_egress = false;
  // Whether spec.policyTypes was written in the manifest.
  bool policy_types_given = false;
  std::vector<Rule> ingress;
  std::vector<Rule> egress;
  SourceLocation where;

  // "NetworkPolicy ns/name"
  std::string display_name() const;
};

} // namespace npcheck::model
