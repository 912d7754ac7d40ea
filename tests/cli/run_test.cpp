// SPDX-License-Identifier: Apache-2.0
//
// The command line itself: commands that do not exist, `help`, the examples
// that end every command's help, the "Input limits" group, and the name
// kubectl runs the binary by.
#include <npcheck/cli/run.hpp>

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

namespace {

struct Run {
  int rc = 0;
  std::string out;
  std::string err;
};

Run run_as(const std::string& program, const std::vector<std::string>& args) {
  std::vector<const char*> argv{program.c_str()};
  for (const std::string& a : args) {
    argv.push_back(a.c_str());
  }
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  int rc = npcheck::cli::run(static_cast<int>(argv.size()), argv.data(), in, out, err);
  return Run{rc, out.str(), err.str()};
}

Run run_npcheck(const std::vector<std::string>& args) { return run_as("npcheck", args); }

const std::vector<std::string> k_commands = {"validate", "can-reach", "matrix", "check",
                                             "diff",     "lint",      "completion", "help"};

// The lines after the last line "Examples:", when nothing but blank lines
// follows them; else nothing.
std::vector<std::string> closing_examples(const std::string& help) {
  const std::size_t heading = help.rfind("\nExamples:\n");
  if (heading == std::string::npos) {
    return {};
  }
  std::vector<std::string> lines;
  std::istringstream in(help.substr(heading + 11));
  std::string line;
  while (std::getline(in, line) && !line.empty()) {
    lines.push_back(line);
  }
  while (std::getline(in, line)) {
    if (!line.empty()) {
      return {};
    }
  }
  return lines;
}

} // namespace

TEST_SUITE_BEGIN("cli");

TEST_CASE("run::commands") {
  const std::string list =
      " (commands: validate, can-reach, matrix, check, diff, lint, completion, help)\n";
  SUBCASE("unknown") {
    Run r = run_npcheck({"bogus", "-f", "x"});
    CHECK_EQ(r.rc, 2);
    CHECK_EQ(r.out, "");
    CHECK_EQ(r.err, "npcheck: error: unknown command 'bogus'" + list);
  }
  SUBCASE("misspelt") {
    Run r = run_npcheck({"chekc"});
    CHECK_EQ(r.rc, 2);
    CHECK_EQ(r.err, "npcheck: error: unknown command 'chekc': did you mean 'check'?" + list);
  }
  SUBCASE("none") {
    CHECK_EQ(run_npcheck({}).err, "npcheck: error: no command given" + list);
    CHECK_EQ(run_npcheck({"-q"}).err, "npcheck: error: no command given" + list);
  }
  SUBCASE("help of an unknown command") {
    Run r = run_npcheck({"help", "lnit"});
    CHECK_EQ(r.rc, 2);
    CHECK_EQ(r.err, "npcheck: error: unknown command 'lnit': did you mean 'lint'?" + list);
  }
  SUBCASE("--help and --version need no command") {
    CHECK_EQ(run_npcheck({"--version"}).rc, 0);
    CHECK_EQ(run_npcheck({"--help"}).rc, 0);
  }
}

TEST_CASE("run::help") {
  SUBCASE("help is --help") {
    Run help = run_npcheck({"help"});
    CHECK_EQ(help.rc, 0);
    CHECK_EQ(help.out, run_npcheck({"--help"}).out);
    for (const std::string& command : k_commands) {
      CAPTURE(command);
      Run r = run_npcheck({"help", command});
      CHECK_EQ(r.rc, 0);
      CHECK_EQ(r.err, "");
      CHECK_EQ(r.out, run_npcheck({command, "--help"}).out);
      CHECK_NE(help.out.find("\n  " + command + " "), std::string::npos);
    }
  }
  SUBCASE("every command's help ends with two or three examples of it") {
    for (const std::string& command : k_commands) {
      CAPTURE(command);
      const std::string text = run_npcheck({"help", command}).out;
      const std::vector<std::string> lines = closing_examples(text);
      CHECK_GE(lines.size(), 2);
      CHECK_LE(lines.size(), 3);
      for (const std::string& line : lines) {
        CAPTURE(line);
        CHECK_NE(line.find("npcheck " + command), std::string::npos);
      }
    }
  }
  SUBCASE("the input limits are a group of their own") {
    for (const std::string command : {"validate", "can-reach", "matrix", "check", "diff", "lint"}) {
      CAPTURE(command);
      const std::string text = run_npcheck({"help", command}).out;
      const std::size_t group = text.find("\nInput limits:\n");
      REQUIRE_NE(group, std::string::npos);
      const std::size_t next = text.find("\n\n", group + 1);
      const std::string limits = text.substr(group, next - group);
      for (const char* flag : {"--max-file-size", "--max-depth", "--max-objects", "--max-alias-nodes"}) {
        CAPTURE(flag);
        CHECK_NE(limits.find(flag), std::string::npos);
        CHECK_GT(text.find(flag), group); // only there
      }
    }
  }
}

TEST_CASE("run::kubectl plugin") {
  // kubectl runs /path/to/kubectl-npcheck with the words after `kubectl npcheck`.
  Run r = run_as("/usr/local/bin/kubectl-npcheck", {"help", "lint"});
  CHECK_EQ(r.rc, 0);
  CHECK_EQ(r.out.substr(r.out.find("Usage:"), 33), "Usage: kubectl npcheck lint [OPTI");
  CHECK_EQ(run_as("kubectl-npcheck", {"--version"}).out, run_npcheck({"--version"}).out);
  CHECK_EQ(run_as("/opt/npcheck/bin/npcheck", {"help"}).out, run_npcheck({"help"}).out);
}

TEST_SUITE_END();
