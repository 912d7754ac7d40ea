// SPDX-License-Identifier: Apache-2.0
#include <npcheck/analyzer/lint.hpp>

#include <doctest/doctest.h>

#include <string_view>

using npcheck::analyzer::LintCheck;
using npcheck::analyzer::lint_checks;

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

TEST_SUITE_END();
