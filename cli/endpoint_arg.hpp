// SPDX-License-Identifier: Apache-2.0
#pragma once

// Endpoint arguments of the command line: NAME, NS/NAME, NS/KIND/NAME or an IP.

#include <npcheck/analyzer/reachability.hpp>
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
                                      const analyzer::Reachability& engine,
                                      std::string_view default_namespace = "default");

// The Pod an endpoint argument may name, as (namespace, name), or the
// address it gives; for keeping that pod apart when pods are folded
// (model::PodsKeptApart). Never throws: a malformed text names nothing.
void note_named_pod(std::string_view text, std::string_view default_namespace,
                    model::PodsKeptApart& kept_apart);

// How an endpoint is shown: "ns/name", "ns/name[Deployment]", "10.0.0.1",
// "node 10.0.0.1 (node-1)".
std::string endpoint_name(const analyzer::FlowEndpoint& endpoint, const model::Inventory& inventory);

} // namespace npcheck::cli
