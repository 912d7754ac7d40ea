// SPDX-License-Identifier: Apache-2.0
#pragma once

// The report of `npcheck diff` (private to the cli layer): text for
// terminals, JSON for scripts, Markdown for a pull-request comment.

#include <npcheck/analyzer/connectivity_diff.hpp>
#include <npcheck/model/inventory.hpp>

#include <cstddef>
#include <iosfwd>
#include <string>

namespace npcheck::cli {

// How an endpoint of the diff is shown: "ns/name[Deployment]", or its
// addresses as CIDR blocks.
std::string diff_endpoint_name(const analyzer::DiffEndpoint& endpoint);

// causes: per change (diff.changes order), why it happened in the head
// version ("" when not known); see the diff command.
void write_diff_text(std::ostream& out, const analyzer::ConnectivityDiff& diff,
                     const std::vector<std::string>& causes);
// base and head: the two versions, for the policies of other APIs their
// answers leave out (unmodelled_policies).
void write_diff_json(std::ostream& out, const analyzer::ConnectivityDiff& diff,
                     const std::vector<std::string>& causes, const model::Inventory& base,
                     const model::Inventory& head);
// max_rows bounds each table (0: no bound); the rest is counted.
void write_diff_markdown(std::ostream& out, const analyzer::ConnectivityDiff& diff,
                         const std::vector<std::string>& causes, std::size_t max_rows);

} // namespace npcheck::cli
