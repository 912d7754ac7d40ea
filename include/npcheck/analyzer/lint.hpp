// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/model/source_location.hpp>

#include <optional>
#include <span>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

namespace npcheck::analyzer {
class Program;
} // namespace npcheck::analyzer

namespace npcheck::analyzer {

// Ordered: a finding "at or above" a level compares with >=.
enum class LintSeverity { info, warning, error };

// "info", "warning" or "error".
const char* to_string(LintSeverity severity);

// One lint check of the catalogue.
struct LintCheck {
  std::string_view id;   // "NP101"
  std::string_view name; // "policy-selects-nothing"
  LintSeverity severity; // the usual severity; a finding may be lower (see man page)
  std::string_view summary;
  // Plain text, for SARIF and listings: what the check finds, why it matters
  // and when it is quiet or lower (2-4 sentences; the man page's LINT CHECKS
  // section with roff markup), and how to fix a finding while keeping the
  // rule that was meant (1-2 sentences).
  std::string_view description;
  std::string_view help;
};

// Every check, in id order.
std::span<const LintCheck> lint_checks();
// The check whose id or name is text (ids case-insensitive), or nullptr.
const LintCheck* find_lint_check(std::string_view text);

// One mistake found in the manifests. check points into lint_checks().
struct Finding {
  const LintCheck* check = nullptr;
  LintSeverity severity = LintSeverity::warning;
  model::SourceLocation where;
  std::string object;  // "NetworkPolicy shop/api", "Deployment shop/web"; may be empty
  std::string message; // starts with the field path when there is one
  std::string hint;    // one line: how to fix it
};

struct LintOptions {
  // Checks not to run, by LintCheck::id.
  std::vector<std::string_view> disabled;
  // Checks whose findings take another severity (a configuration file's
  // lint.severity), by LintCheck::id.
  std::vector<std::pair<std::string_view, LintSeverity>> severities;
  // --ipblock-matches-pods as the user gave it (yes, no or a network
  // plugin), or "" when not given: NP501 then says what the CNI decides
  // instead of warning that it decides.
  std::string ipblock_choice;
};

// The words of a list of checks as annotations and the configuration write
// it: ids or names separated by commas or spaces ("NP601, split-rule").
std::vector<std::string> split_check_list(std::string_view text);

// "info", "warning" or "error" as a severity, or nullopt.
std::optional<LintSeverity> parse_lint_severity(std::string_view text);

// Runs every enabled check over the program's inventory, its validation
// errors and warnings included (as NP000 and NP001), and returns the findings
// sorted by file, line, column and check id. The inventory need not be ok():
// invalid objects are already dropped by the loader, and the rest is linted.
// A finding on an object whose npcheck/ignore annotation names its check is
// left out; an annotation naming an unknown check is an NP001 warning.
std::vector<Finding> lint(const Program& program, const LintOptions& options = {});

} // namespace npcheck::analyzer
