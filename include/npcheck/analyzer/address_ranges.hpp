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

// How a set of addresses is shown, the same in every command and format:
// per family (IPv4 first; families separated by ", ", or by "; " when one
// has an "except" list) the shorter exact
// form of its CIDR blocks joined by ", " ("203.0.113.0/25, 169.254.169.254/32")
// or the smallest block covering it "except" the blocks it leaves out
// ("0.0.0.0/0 except 10.0.0.0/8, 35.191.0.0/16"); "0.0.0.0/0" and "::/0"
// read as themselves.
std::string addresses_to_string(const std::vector<AddressRange>& ranges);

// The CIDR blocks of ranges, ascending (for JSON's "cidrs").
std::vector<std::string> addresses_to_cidrs(const std::vector<AddressRange>& ranges);

} // namespace npcheck::analyzer
