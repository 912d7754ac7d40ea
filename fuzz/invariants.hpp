// SPDX-License-Identifier: Apache-2.0
#pragma once

// What a loaded Inventory promises its consumers, checked independently of
// the loader (names and labels against reference_syntax.hpp). Each function
// calls fail() (check.hpp) on the first broken promise.

#include <npcheck/model/inventory.hpp>

#include <string_view>

namespace npcheck::fuzz {

// Every diagnostic of inventory names file_name (or nothing), points inside
// text and has a message; to_string() has no control characters.
void check_diagnostics(const model::Inventory& inventory, std::string_view text,
                       std::string_view file_name);

// An Inventory without errors holds only valid objects: names, labels,
// selectors, ports, ipBlocks and policyTypes as validation promises, sorted
// and unique, every namespace in use present.
void check_valid_inventory(const model::Inventory& inventory);

// A selector as validation promises it (keys, values, operators).
void check_selector(const model::LabelSelector& selector, std::string_view what);

} // namespace npcheck::fuzz
