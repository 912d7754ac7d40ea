// SPDX-License-Identifier: Apache-2.0
#pragma once

// Endpoint arguments of the command line, in the grammar of
// model/endpoint_text.hpp (NAME, NS/NAME, KIND/NAME, NS/KIND/NAME, an IP
// address or a CIDR), resolved against the manifests.

#include <npcheck/analyzer/endpoint.hpp>
#include <npcheck/model/inventory.hpp>
#include <npcheck/model/ip_address.hpp>
#include <npcheck/model/load.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace npcheck::cli {

// What an endpoint argument names: one flow endpoint, or a range of
// addresses (a CIDR of more than one address: every address of it).
struct EndpointArg {
  analyzer::FlowEndpoint endpoint; // when range is absent
  std::optional<model::Cidr> range;
};

// Resolves text to an endpoint or a range.
//  - NAMESPACE/NAME is the Pod of that name, else the one workload of that name;
//  - a bare NAME is looked up in default_namespace;
//  - KIND/NAME (KIND as kubectl spells it: deploy, deployments, sts, po, ...,
//    or a custom workload kind of the manifests such as rollout) is NAME of
//    that kind in default_namespace; when FIRST/NAME reads both as a kind and
//    as a namespace and both name something, it is ambiguous;
//  - NAMESPACE/KIND/NAME names the kind;
//  - an IP address is a known pod, a node or an external address.
// Throws model::Error (naming option, e.g. "--from") when nothing or several
// match, with the nearest names; Services (svc/NAME) are not supported yet.
EndpointArg parse_endpoint_arg(std::string_view text, std::string_view option,
                               const model::Inventory& inventory, const analyzer::AddressBook& addresses,
                               std::string_view default_namespace = "default");

// parse_endpoint_arg for one endpoint: a range is an error.
analyzer::FlowEndpoint parse_endpoint(std::string_view text, std::string_view option,
                                      const model::Inventory& inventory,
                                      const analyzer::AddressBook& addresses,
                                      std::string_view default_namespace = "default");

// The Pod an endpoint argument may name, as (namespace, name), or the
// address it gives; for keeping that pod apart when pods are folded
// (model::PodsKeptApart). Never throws: a malformed text names nothing.
void note_named_pod(std::string_view text, std::string_view default_namespace,
                    model::PodsKeptApart& kept_apart);

} // namespace npcheck::cli
