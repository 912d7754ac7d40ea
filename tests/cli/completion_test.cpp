// SPDX-License-Identifier: Apache-2.0
//
// What the completion scripts are made from: the walk over the CLI11
// definition. tests/completion_test.sh loads the scripts into the shells.
#include "completion.hpp"

#include <npcheck/cli/run.hpp>
#include <npcheck/model/error.hpp>

#include "support/cli_run.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

using npcheck::cli::CompletedCommand;
using npcheck::cli::CompletedOption;
using npcheck::cli::CompletionSpec;
using npcheck::cli::ValueKind;

namespace {

std::string npcheck_out(const std::vector<std::string>& args) {
  return npcheck::testing::run_npcheck(args).out;
}

const CompletedCommand& command(const CompletionSpec& spec, const std::string& name) {
  auto it = std::find_if(spec.commands.begin(), spec.commands.end(),
                         [&name](const CompletedCommand& c) { return c.name == name; });
  REQUIRE(it != spec.commands.end());
  return *it;
}

const CompletedOption& option(const CompletedCommand& c, const std::string& name) {
  auto it = std::find_if(c.options.begin(), c.options.end(), [&name](const CompletedOption& o) {
    return std::find(o.names.begin(), o.names.end(), name) != o.names.end();
  });
  REQUIRE(it != c.options.end());
  return *it;
}

} // namespace

TEST_SUITE_BEGIN("cli");

TEST_CASE("describe_cli") {
  CLI::App app{"demo", "npcheck"};
  app.set_version_flag("--version", "npcheck 1");
  CLI::App* sub = app.add_subcommand("check", "Check things");
  std::vector<std::string> files;
  std::string format;
  std::string ns;
  bool quiet = false;
  std::string topic;
  sub->add_option("-f,--filename", files, "Inputs")->type_name("PATH");
  sub->add_option("-o,--output", format, "Format")->check(CLI::IsMember({"text", "json"}));
  sub->add_option("--namespace", ns, "Namespace")->type_name("NS");
  sub->add_flag("-q,--quiet", quiet, "Quiet");
  sub->add_option("topic", topic, "Topic")->check(CLI::IsMember({"a", "b"}));

  const CompletionSpec spec = npcheck::cli::describe_cli(app);
  CHECK_EQ(spec.program, "npcheck");
  REQUIRE_EQ(spec.options.size(), 2);
  CHECK_EQ(spec.options[0].names, std::vector<std::string>{"-h", "--help"});
  CHECK_EQ(spec.options[0].value, ValueKind::none);
  CHECK_EQ(spec.options[1].names, std::vector<std::string>{"--version"});
  REQUIRE_EQ(spec.commands.size(), 1);
  const CompletedCommand& check = command(spec, "check");
  CHECK_EQ(check.description, "Check things");
  CHECK_EQ(check.argument_choices, std::vector<std::string>{"a", "b"});
  const CompletedOption& f = option(check, "--filename");
  CHECK_EQ(f.names, std::vector<std::string>{"-f", "--filename"});
  CHECK_EQ(f.value, ValueKind::path);
  CHECK(f.repeatable);
  const CompletedOption& o = option(check, "-o");
  CHECK_EQ(o.value, ValueKind::choice);
  CHECK_EQ(o.choices, std::vector<std::string>{"text", "json"});
  CHECK_FALSE(o.repeatable);
  CHECK_EQ(option(check, "--namespace").value, ValueKind::word);
  CHECK_EQ(option(check, "--namespace").value_name, "NS");
  CHECK_EQ(option(check, "-q").value, ValueKind::none);
  CHECK_EQ(option(check, "-q").description, "Quiet");
}

TEST_CASE("write_completion") {
  SUBCASE("every command of npcheck is in every script") {
    for (const std::string shell : {"bash", "zsh", "fish"}) {
      CAPTURE(shell);
      const std::string script = npcheck_out({"completion", shell});
      for (const std::string name : {"validate", "can-reach", "matrix", "check", "diff", "lint", "completion",
                               "help", "kubectl-npcheck", "max-alias-nodes", "junit", "sarif"}) {
        CAPTURE(name);
        CHECK_NE(script.find(name), std::string::npos);
      }
    }
  }
  SUBCASE("zsh quotes descriptions for _arguments") {
    CLI::App app{"demo", "npcheck"};
    CLI::App* sub = app.add_subcommand("x", "It's [odd]: really");
    std::string value;
    sub->add_option("--value", value, "A 'quoted' [value]: here")->type_name("V");
    std::ostringstream out;
    npcheck::cli::write_completion(out, npcheck::cli::describe_cli(app), "zsh");
    CHECK_NE(out.str().find("'x:It'\\''s [odd]: really'"), std::string::npos);
    CHECK_NE(out.str().find("'--value=[A '\\''quoted'\\'' \\[value\\]\\: here]:V: '"), std::string::npos);
  }
  SUBCASE("unknown shell") {
    std::ostringstream out;
    CHECK_THROWS_WITH_AS(npcheck::cli::write_completion(out, CompletionSpec{}, "tcsh"),
                         "completion: unknown shell 'tcsh' (expected bash, zsh or fish)",
                         npcheck::model::Error);
  }
}

TEST_SUITE_END();
