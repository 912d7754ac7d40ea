// SPDX-License-Identifier: Apache-2.0
#pragma once

// Endpoints as users type them, on the command line (can-reach --from, matrix
// filters) and as strings in expectations files: one grammar, read here, and
// resolved against the manifests by the reader's caller.
//
//   NAME                   a Pod or workload, in the default namespace
//   FIRST/NAME             NAMESPACE/NAME, or KIND/NAME in the default namespace
//   NAMESPACE/KIND/NAME    as today
//   ADDRESS                an IPv4 or IPv6 address
//   ADDRESS/PREFIX         a CIDR block of more than one address: every address of it
//
// KIND is spelt as kubectl spells it: the kind in any case, its plural or its
// short name (deploy, sts, ds, rs, po, cj, rc), or a custom workload kind
// (Rollout) in any case or plural; or the Service kind (svc, service,
// services, in any case): the pods the Service selects.

#include <npcheck/model/ip_address.hpp>
#include <npcheck/model/workload.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace npcheck::model {

// A built-in workload kind as kubectl spells it ("deploy", "deployments",
// "Deployment", "sts", "po", ...), or nullopt.
std::optional<WorkloadKind> parse_kind_word(std::string_view text);
// Whether text names the Service kind (svc, service, services, any case).
bool is_service_word(std::string_view text);
// Whether text names the custom kind kind: the kind or its plural, any case
// ("rollout", "Rollouts" for Rollout).
bool names_custom_kind(std::string_view text, std::string_view kind);

enum class EndpointForm {
  name,                // NAME
  qualified_name,      // FIRST/NAME: NAMESPACE/NAME or KIND/NAME
  namespace_kind_name, // NAMESPACE/KIND/NAME
  address,             // an IP address
  range,               // a CIDR block of more than one address
};

struct EndpointText {
  EndpointForm form = EndpointForm::name;
  // qualified_name: FIRST (a namespace or a kind); namespace_kind_name: NAMESPACE.
  std::string first;
  std::string kind; // namespace_kind_name: KIND as typed
  std::string name;
  IpAddress address; // address
  Cidr range;        // range (no host bits)
};

// The endpoint text reads as, or why it reads as none: the message, without
// the option or field it came from, e.g. "'a//b' is not an endpoint (...)".
struct EndpointParse {
  std::optional<EndpointText> endpoint;
  std::string error;
};

// Reads text as an endpoint; only its shape (the manifests are not looked at).
// A CIDR with host bits set is an error naming the block meant; a block of
// one address (/32, /128) is that address.
EndpointParse parse_endpoint_text(std::string_view text);

// The forms, for messages: "NAME, NAMESPACE/NAME, KIND/NAME, NAMESPACE/KIND/NAME,
// an IP address or a CIDR".
extern const char* const k_endpoint_forms;

} // namespace npcheck::model
