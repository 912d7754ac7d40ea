// SPDX-License-Identifier: Apache-2.0
#pragma once

// Endpoint arguments of the command line: NS/NAME, NS/KIND/NAME or an IP.

#include <npcheck/analyzer/endpoint.hpp>
#include <npcheck/model/inventory.hpp>

#include <string>
#include <string_view>

namespace npcheck::cli {

// Resolves text to a flow endpoint. NS/NAME is the Pod of that name, else the
// one workload of that name; NS/KIND/NAME names the kind (case-insensitive);
// an IP address is a known pod, a node or an external address. Throws
// model::Error (naming option, e.g. "--from") when nothing or several match.
analyzer::FlowEndpoint parse_endpoint(std::string_view text, std::string_view option,
                                      const model::Inventory& inventory,
                                      const analyzer::AddressBook& addresses);

} // namespace npcheck::cli
