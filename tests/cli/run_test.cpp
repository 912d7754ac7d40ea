// SPDX-License-Identifier: Apache-2.0
//
// The command line itself: commands that do not exist, `help`, the examples
// that end every command's help, the "Input limits" group, and the name
// kubectl runs the binary by; and run as the one owner of a command's output:
// --output-file on every command (the same bytes as standard output, the same
// exit status), a failed run that leaves the target as it was, and input bytes
// that reach a report escaped.
#include <npcheck/cli/run.hpp>

#include "support/cli_run.hpp"
#include "support/scratch_dir.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using npcheck::testing::read_file;

namespace fs = std::filesystem;
using TempDir = npcheck::testing::ScratchDir;
using npcheck::testing::Run;
using npcheck::testing::run_as;
using npcheck::testing::run_npcheck;




const std::vector<std::string> k_commands = {"validate", "can-reach", "matrix", "check",
                                             "diff",     "lint",      "exposure",   "completion", "help"};

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

void write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}


const std::string k_data = NPCHECK_TESTDATA_DIR;
const std::string k_shop = k_data + "/example-shop/manifests";

} // namespace

TEST_SUITE_BEGIN("cli");

TEST_CASE("run::commands") {
  const std::string list =
      " (commands: validate, can-reach, matrix, check, diff, lint, exposure, completion, help)\n";
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
    // `help COMMAND` sets up every command, `COMMAND --help` only its own
    // (cli/run.cpp): the two texts must still be the same.
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
    for (const std::string command : {"validate", "can-reach", "matrix", "check", "diff", "lint", "exposure"}) {
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

TEST_CASE("run: --output-file holds what standard output would, on every command") {
  const std::vector<std::vector<std::string>> commands{
      {"validate", "-f", k_shop},
      {"can-reach", "-q", "-f", k_shop, "--from", "shop/frontend", "--to", "shop/backend", "--port",
       "8080"},
      {"matrix", "-q", "-f", k_shop, "-o", "json"},
      {"check", "-q", "-f", k_shop, "--expect", k_data + "/check-shop/expectations.yaml"},
      {"diff", "--base", k_data + "/diff-widen-ports/base.yaml", "--head",
       k_data + "/diff-widen-ports/head.yaml", "--fail-on", "changed"},
      {"lint", "-f", k_shop},
  };
  for (const std::vector<std::string>& args : commands) {
    CAPTURE(args[0]);
    const Run plain = run_npcheck(args);
    REQUIRE(!plain.out.empty());
    TempDir dir;
    const fs::path target = dir.root() / "report";
    std::vector<std::string> with_file = args;
    with_file.insert(with_file.end(), {"--output-file", target.string()});
    const Run to_file = run_npcheck(with_file);
    CHECK(to_file.rc == plain.rc);
    CHECK(to_file.out.empty());
    CHECK(to_file.err == plain.err);
    CHECK(read_file(target) == plain.out);
    CHECK(dir.entries() == std::vector<std::string>{"report"});
  }
}

TEST_CASE("run: --output-file - is standard output") {
  const Run run = run_npcheck({"validate", "-f", k_shop, "--output-file", "-"});
  CHECK(run.rc == 0);
  CHECK(run.out == run_npcheck({"validate", "-f", k_shop}).out);
}

TEST_CASE("run: a failed run leaves the --output-file target as it was, with no temporary file") {
  TempDir dir;
  const fs::path target = dir.root() / "report.json";
  write(target, "previous report\n");
  SUBCASE("input error") {
    const Run run = run_npcheck({"validate", "-f", (dir.root() / "missing.yaml").string(),
                                 "--output-file", target.string()});
    CHECK(run.rc == 2);
    CHECK(run.out.empty());
  }
  SUBCASE("input error reported by the command") {
    const Run run = run_npcheck({"can-reach", "-q", "-f", k_shop, "--from", "shop/nope", "--to",
                                 "shop/frontend", "--output-file", target.string()});
    CHECK(run.rc == 2);
  }
  CHECK(read_file(target) == "previous report\n");
  CHECK(dir.entries() == std::vector<std::string>{"report.json"});
}

TEST_CASE("run: --output-file replaces a symlink instead of writing through it") {
  TempDir dir;
  const fs::path elsewhere = dir.root() / "elsewhere";
  write(elsewhere, "not npcheck's\n");
  const fs::path target = dir.root() / "report";
  fs::create_symlink(elsewhere, target);
  const Run run = run_npcheck({"validate", "-f", k_shop, "--output-file", target.string()});
  CHECK(run.rc == 0);
  CHECK(read_file(elsewhere) == "not npcheck's\n");
  CHECK(!fs::is_symlink(target));
  CHECK(read_file(target) == run_npcheck({"validate", "-f", k_shop}).out);
}

TEST_CASE("run: --output-file into a directory that cannot hold it is an input error") {
  TempDir dir;
  const Run run = run_npcheck({"validate", "-f", k_shop, "--output-file",
                               (dir.root() / "no-such-dir" / "report").string()});
  CHECK(run.rc == 2);
  CHECK(run.err.find("--output-file") != std::string::npos);
  CHECK(run.out.empty());
}

TEST_CASE("run: control characters and bad UTF-8 from the input reach no report raw") {
  TempDir dir;
  const fs::path expectations = dir.root() / "expectations.yaml";
  // "\e" is ESC in a YAML double-quoted scalar; \xff is not UTF-8.
  write(expectations, "expectations:\n"
                      "  - name: \"frontend \\e[31mreaches\\x07 the backend \xff\"\n"
                      "    from: {namespace: shop, selector: {app: frontend}}\n"
                      "    to:   {namespace: shop, selector: {app: backend}}\n"
                      "    ports: [\"TCP/8081\"]\n"
                      "    expect: allow\n");
  const std::vector<std::string> base{"check", "-q", "-f", k_shop, "--expect",
                                      expectations.string()};
  const auto no_raw_control = [](const std::string& text) {
    for (const char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f || byte == 0xff) {
        return false;
      }
    }
    return true;
  };
  SUBCASE("text") {
    const Run run = run_npcheck(base);
    CHECK(run.rc == 0);
    CHECK(run.out.find("PASS frontend \\x1b[31mreaches\\x07 the backend \\xff (2 pairs)") !=
          std::string::npos);
    CHECK(no_raw_control(run.out));
  }
  for (const std::string format : {"json", "junit"}) {
    CAPTURE(format);
    std::vector<std::string> args = base;
    args.insert(args.end(), {"-o", format});
    const Run run = run_npcheck(args);
    CHECK(run.rc == 0);
    CHECK(!run.out.empty());
    CHECK(no_raw_control(run.out));
  }
}

TEST_CASE("run: \"-f -\" reads the in stream given to run") {
  const std::string manifests = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"
                                "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\n";
  Run valid = run_as("npcheck", {"validate", "-f", "-"}, manifests);
  CHECK_EQ(valid.rc, 0);
  CHECK_NE(valid.out.find("loaded 2 objects from 1 file"), std::string::npos);
  Run bad = run_as("npcheck", {"validate", "-f", "-"}, "apiVersion: v1\nkind: Pod\nmetadata: {name: Web}\n");
  CHECK_EQ(bad.rc, 2);
  CHECK_NE(bad.err.find("<stdin>:3:"), std::string::npos);
  Run big = run_as("npcheck", {"validate", "-f", "-", "--max-file-size", "10"}, manifests);
  CHECK_EQ(big.rc, 2);
  CHECK_NE(big.err.find("larger than 10 bytes"), std::string::npos);
}

TEST_SUITE_END();
