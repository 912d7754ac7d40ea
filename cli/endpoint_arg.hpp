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
#include <vector>

namespace npcheck::cli {

// What an endpoint argument names: one flow endpoint, a range of addresses
// (a CIDR of more than one address: every address of it), or a Service (the
// Pods and workloads its selector picks).
struct EndpointArg {
  analyzer::FlowEndpoint endpoint; // when neither range nor service is given
  std::optional<model::Cidr> range;
  std::optional<std::size_t> service; // index into Inventory::services
  std::vector<std::size_t> service_workloads; // never empty for a service
};

// The Service ns/name as an endpoint: its index in Inventory::services.
// Throws model::Error (naming option) when there is none (with the nearest
// Service), when it is an ExternalName, has no selector, or selects no Pod or
// workload of the manifests.
std::size_t resolve_service(std::string_view ns, std::string_view name, std::string_view option,
                            const model::Inventory& inventory);

// Why the Service ns/name cannot stand for pods (the message of
// resolve_service), or "" when it can.
std::string service_endpoint_problem(std::string_view ns, std::string_view name,
                                     const model::Inventory& inventory);

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
// match, with the nearest names;
//  - svc/NAME, NAMESPACE/svc/NAME (service, services, Service) is a Service
//    (resolve_service).
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
