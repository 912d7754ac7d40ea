// SPDX-License-Identifier: Apache-2.0
#pragma once

// The report of `npcheck check` in its three formats (private to the cli
// layer): text for terminals, JSON for scripts, JUnit XML for CI systems.

#include <npcheck/analyzer/expectations.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/expectations.hpp>
#include <npcheck/model/inventory.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace npcheck::cli {

struct CheckedExpectation {
  const model::Expectation* expectation = nullptr;
  const std::string* file = nullptr; // the expectations file, as given
  analyzer::ExpectationResult result;
  std::vector<std::string> hints; // names the manifests do not have (model::check_names)
  double seconds = 0;             // time spent checking it, for JUnit
};

struct CheckReport {
  const analyzer::Program* program = nullptr;
  std::vector<CheckedExpectation> checked; // in file order, files in argument order
  std::size_t passed = 0;
  std::size_t failed = 0;
};

void write_check_text(std::ostream& out, const CheckReport& report);
void write_check_json(std::ostream& out, const CheckReport& report);
void write_check_junit(std::ostream& out, const CheckReport& report);

// JUnit XML for a run that could not check anything because its input is
// bad: one testcase with an <error> whose message is summary and whose text
// is details (the diagnostics), so that the CI system shows why.
void write_check_junit_error(std::ostream& out, const std::string& summary, const std::string& details,
                             double seconds);

} // namespace npcheck::cli
