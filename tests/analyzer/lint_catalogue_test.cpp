// SPDX-License-Identifier: Apache-2.0
#include <npcheck/analyzer/lint.hpp>

#include <doctest/doctest.h>

#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

using npcheck::analyzer::LintCheck;
using npcheck::analyzer::lint_checks;

namespace {

// The man page, from the source tree (testdata/ is beside man/).
std::string man_page() {
  std::ifstream in(std::string(NPCHECK_TESTDATA_DIR) + "/../man/npcheck.1");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

// The section title of a check as the man page writes it: hyphens escaped.
std::string man_title(const LintCheck& check) {
  std::string title = ".SS \"" + std::string(check.id) + ' ';
  for (char c : check.name) {
    title += c == '-' ? std::string("\\-") : std::string(1, c);
  }
  return title + '"';
}

} // namespace

TEST_SUITE_BEGIN("analyzer");

TEST_CASE("lint::catalogue texts") {
  std::string_view previous;
  for (const LintCheck& c : lint_checks()) {
    CAPTURE(c.id);
    CHECK(previous < c.id); // unique and sorted
    previous = c.id;
    CHECK(c.id.size() == 5);
    CHECK(c.id.substr(0, 2) == "NP");
    CHECK(!c.name.empty());
    CHECK(!c.summary.empty());
    CHECK(!c.description.empty());
    CHECK(!c.help.empty());
    // Plain text, whole sentences, no roff markup.
    for (std::string_view text : {c.description, c.help}) {
      CHECK(text.find('\\') == std::string_view::npos);
      CHECK((!text.empty() && text.back() == '.'));
      CHECK(text.size() < 800);
    }
    CHECK(c.description != c.summary);
  }
}

TEST_CASE("lint::catalogue in the man page") {
  const std::vector<std::string> lines = lines_of(man_page());
  REQUIRE(!lines.empty());
  std::size_t checks_section = lines.size();
  std::size_t options_section = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == ".SH \"LINT CHECKS\"") {
      checks_section = i;
    } else if (lines[i] == ".SH OPTIONS") {
      options_section = i;
    }
  }
  REQUIRE(checks_section < options_section);

  // One section per check, in catalogue order, inside LINT CHECKS, each with
  // a failing and a passing example.
  std::vector<std::size_t> starts;
  for (std::size_t i = checks_section; i < options_section; ++i) {
    if (lines[i].rfind(".SS ", 0) == 0) {
      starts.push_back(i);
    }
  }
  starts.push_back(options_section);
  const std::span<const LintCheck> checks = lint_checks();
  REQUIRE(starts.size() == checks.size() + 1);
  for (std::size_t k = 0; k < checks.size(); ++k) {
    CAPTURE(checks[k].id);
    CHECK(lines[starts[k]] == man_title(checks[k]));
    bool bad = false;
    bool good = false;
    std::size_t examples = 0;
    for (std::size_t i = starts[k] + 1; i < starts[k + 1]; ++i) {
      // "Bad:", or "Good (why):" over one or more lines.
      bad = bad || lines[i].rfind("Bad", 0) == 0;
      good = good || lines[i].rfind("Good", 0) == 0;
      examples += lines[i] == ".EX" ? 1 : 0;
    }
    CHECK(bad);
    CHECK(good);
    CHECK(examples >= 2);
  }
}

TEST_SUITE_END();
