// SPDX-License-Identifier: Apache-2.0
#include <npcheck/model/lint_config.hpp>

#include <npcheck/model/error.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

using npcheck::model::Error;
using npcheck::model::LintConfig;
using npcheck::model::find_lint_config;
using npcheck::model::read_lint_config;

namespace {

// The message of the Error reading text throws, or "" when it reads.
std::string config_error(const std::string& text) {
  try {
    read_lint_config(text, ".npcheck.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_SUITE_BEGIN("model");

TEST_CASE("lint_config::read") {
  SUBCASE("every field, located") {
    const LintConfig config = read_lint_config(R"(lint:
  disable: [NP602, split-peer]
  severity:
    NP601: info
  ignore-paths:
    - vendor/
)",
                                               ".npcheck.yaml");
    REQUIRE(config.disable.size() == 2);
    CHECK(config.disable[1].text == "split-peer");
    CHECK(config.disable[1].where.to_string() == ".npcheck.yaml:2:20");
    REQUIRE(config.severity.size() == 1);
    CHECK(config.severity[0].first.text == "NP601");
    CHECK(config.severity[0].second.text == "info");
    REQUIRE(config.ignore_paths.size() == 1);
    CHECK(config.ignore_paths[0].text == "vendor/");
  }
  SUBCASE("one string for a list") {
    const LintConfig config = read_lint_config("lint: {disable: 'NP602, NP601'}\n", "c.yaml");
    REQUIRE(config.disable.size() == 1);
    CHECK(config.disable[0].text == "NP602, NP601");
  }
  SUBCASE("an empty file or section is no configuration") {
    CHECK(config_error("") == "");
    CHECK(config_error("lint:\n") == "");
  }
  SUBCASE("mistakes are located") {
    CHECK(config_error("lnit: {}\n") == ".npcheck.yaml:1:1: lnit: unknown field (did you mean 'lint'?)");
    CHECK(config_error("lint:\n  disabled: [NP101]\n") ==
          ".npcheck.yaml:2:3: lint.disabled: unknown field (did you mean 'disable'?)");
    CHECK(config_error("lint:\n  severity: [NP101]\n") ==
          ".npcheck.yaml:2:13: lint.severity: expected a mapping of check to severity, found a list");
    CHECK(config_error("lint:\n  ignore-paths: [[a]]\n") ==
          ".npcheck.yaml:2:18: lint.ignore-paths[0]: expected a string, found a list");
    CHECK(config_error("- lint\n") == ".npcheck.yaml:1:1: the file: expected a mapping with 'lint', found a list");
    CHECK(config_error("lint: {}\n---\nlint: {}\n") == ".npcheck.yaml:3:1: a configuration file holds one document");
  }
}

TEST_CASE("lint_config::ignored") {
  LintConfig config = read_lint_config("lint:\n  ignore-paths: [vendor/, 'charts/*/crds/*', ./gen.yaml]\n",
                                       ".npcheck.yaml");
  config.directory = "/repo";
  CHECK(config.ignored("/repo/vendor/a.yaml"));
  CHECK(config.ignored("/repo/vendor/deep/b.yaml"));
  CHECK(config.ignored("/repo/charts/web/crds/x.yaml"));
  CHECK(config.ignored("/repo/gen.yaml"));
  CHECK_FALSE(config.ignored("/repo/vendored.yaml"));
  CHECK_FALSE(config.ignored("/repo/charts/web/templates/x.yaml"));
  CHECK_FALSE(config.ignored("/elsewhere/vendor/a.yaml"));
  CHECK_FALSE(config.ignored(""));
}

TEST_CASE("lint_config::find") {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / "npcheck-lint-config-test";
  fs::remove_all(root);
  fs::create_directories(root / "repo" / ".git");
  fs::create_directories(root / "repo" / "a" / "b");
  SUBCASE("none up to the repository root") {
    std::ofstream(root / ".npcheck.yaml") << "lint: {}\n"; // above the repository: not read
    CHECK_FALSE(find_lint_config(root / "repo" / "a" / "b"));
  }
  SUBCASE("at the repository root, named relative to the start") {
    std::ofstream(root / "repo" / ".npcheck.yaml") << "lint: {}\n";
    CHECK(find_lint_config(root / "repo" / "a" / "b") == std::string("../../.npcheck.yaml"));
    CHECK(find_lint_config(root / "repo") == std::string(".npcheck.yaml"));
  }
  SUBCASE("the nearest wins") {
    std::ofstream(root / "repo" / ".npcheck.yaml") << "lint: {}\n";
    std::ofstream(root / "repo" / "a" / ".npcheck.yaml") << "lint: {}\n";
    CHECK(find_lint_config(root / "repo" / "a" / "b") == std::string("../.npcheck.yaml"));
  }
  fs::remove_all(root);
}
