// SPDX-License-Identifier: Apache-2.0
#pragma once

// Endpoint arguments of the command line: NAME, NS/NAME, NS/KIND/NAME or an IP.

#include <npcheck/analyzer/endpoint.hpp>
#include <npcheck/model/inventory.hpp>
#include <npcheck/model/load.hpp>

#include <string>
#include <string_view>

namespace npcheck::cli {

// Resolves text to a flow endpoint. NS/NAME is the Pod of that name, else the
// one workload of that name; a bare NAME is looked up in default_namespace;
// NS/KIND/NAME names the kind (case-insensitive, custom kinds such as
// Rollout too); an IP address is a known pod, a node or an external address.
// Throws model::Error (naming option, e.g. "--from") when nothing or several
// match.
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
