// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/analyzer/address_set.hpp>
#include <npcheck/model/ip_address.hpp>

#include <string>
#include <vector>

namespace npcheck::analyzer {

// The fewest CIDR blocks that cover exactly range, ascending.
std::vector<model::Cidr> to_cidrs(const AddressRange& range);

// The addresses of ranges as a set.
AddressSet to_address_set(const std::vector<AddressRange>& ranges);

// How a set of addresses is shown: its CIDR blocks joined by ", "
// ("203.0.113.0/25"), or "first-last" per range when that takes more than
// four blocks; "0.0.0.0/0" and "::/0" read as themselves.
std::string addresses_to_string(const std::vector<AddressRange>& ranges);

} // namespace npcheck::analyzer
