// SPDX-License-Identifier: Apache-2.0
#pragma once

// JSON pieces shared by the commands' -o json outputs (private to the cli
// layer), so that a connection set or a side of a flow reads the same in
// can-reach, check and diff.

#include <npcheck/analyzer/port_set.hpp>
#include <npcheck/model/inventory.hpp>

#include <nlohmann/json.hpp>

#include <iosfwd>

namespace npcheck::cli {

// {"TCP": [[lo, hi], ...], "UDP": [...], "SCTP": [...]}; protocols with
// nothing allowed are omitted.
nlohmann::json connections_json(const analyzer::ConnectionSet& set);

// Inventory::unmodelled_policies as [{"kind", "group", "count"}], sorted;
// null when there are none.
nlohmann::json unmodelled_policies_json(const model::Inventory& inventory);

// Sets doc["unmodelled_policies"] when the inventory has some: every JSON
// output says which policies of other APIs its answer leaves out.
void add_unmodelled_policies(nlohmann::json& doc, const model::Inventory& inventory);

// Writes doc as every -o json report is written: two-space indentation, one
// line per member and per array element, except that an array of scalars
// (or of such arrays) and a small flat object stay on one line ("TCP":
// [[8080, 8080]], {"name": "http", "protocol": "TCP"}); bytes that are not
// UTF-8 replaced; a newline at the end.
void write_json(std::ostream& out, const nlohmann::json& doc);

} // namespace npcheck::cli
