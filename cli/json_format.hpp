// SPDX-License-Identifier: Apache-2.0
#pragma once

// JSON pieces shared by the commands' -o json outputs (private to the cli
// layer), so that a connection set or a side of a flow reads the same in
// can-reach, check and diff.

#include <npcheck/analyzer/port_set.hpp>

#include <nlohmann/json.hpp>

namespace npcheck::cli {

// {"TCP": [[lo, hi], ...], "UDP": [...], "SCTP": [...]}; protocols with
// nothing allowed are omitted.
nlohmann::json connections_json(const analyzer::ConnectionSet& set);

} // namespace npcheck::cli
