// SPDX-License-Identifier: Apache-2.0
//
// cli/graphviz.hpp: dot found on PATH and run as a child process, and
// matrix -o svg through it. The runs of the real dot are skipped, with a
// message, where Graphviz is not installed.
#include "graphviz.hpp"

#include <npcheck/model/error.hpp>

#include "support/cli_run.hpp"
#include "support/scratch_dir.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace {

using npcheck::testing::read_file;

using npcheck::cli::find_program;
using npcheck::cli::run_dot;
using npcheck::testing::run_npcheck;
using npcheck::testing::ScratchDir;

const std::string k_shop_manifests = std::string(NPCHECK_TESTDATA_DIR) + "/example-shop/manifests";
const std::string k_missing =
    "-o svg: Graphviz's 'dot' is not on PATH (install Graphviz, or write -o dot and lay it out where it is "
    "installed)";

// PATH set for one scope, then restored.
class PathFor {
public:
  explicit PathFor(const std::string& path) {
    if (const char* old = std::getenv("PATH")) {
      m_old = old;
    }
    ::setenv("PATH", path.c_str(), 1);
  }
  ~PathFor() {
    if (m_old) {
      ::setenv("PATH", m_old->c_str(), 1);
    } else {
      ::unsetenv("PATH");
    }
  }
  PathFor(const PathFor&) = delete;
  PathFor& operator=(const PathFor&) = delete;

private:
  std::optional<std::string> m_old;
};

std::string executable(const ScratchDir& dir, const std::string& below, const std::string& script) {
  const std::string path = dir.write(below, script);
  ::chmod(path.c_str(), 0755);
  return path;
}

bool dot_installed() {
  const char* path = std::getenv("PATH");
  return !find_program("dot", path ? path : "").empty();
}

} // namespace

TEST_SUITE_BEGIN("cli");

TEST_CASE("find_program") {
  ScratchDir dir;
  dir.write("plain/dot", "not executable\n");
  ::chmod(dir.path("plain/dot").c_str(), 0644);
  const std::string runnable = executable(dir, "bin/dot", "#!/bin/sh\n");
  dir.write("directory/dot/file", "");
  SUBCASE("the first executable regular file on the path") {
    CHECK(find_program("dot", dir.path("plain") + ":" + dir.path("directory") + ":" + dir.path("bin")) ==
          runnable);
  }
  SUBCASE("none") {
    CHECK(find_program("dot", dir.path("plain") + ":" + dir.path("missing")).empty());
    CHECK(find_program("dot", dir.path("directory")).empty());
  }
}

TEST_CASE("run_dot: dot not on PATH") {
  ScratchDir dir;
  PathFor path(dir.path());
  CHECK_THROWS_WITH_AS(run_dot("digraph {}\n", "svg", "-o svg"), k_missing.c_str(), npcheck::model::Error);
}

TEST_CASE("run_dot: dot that fails or warns") {
  ScratchDir dir;
  PathFor path(dir.path());
  SUBCASE("failure: its exit status and first line") {
    executable(dir, "dot", "#!/bin/sh\n/bin/cat >/dev/null\necho 'Error: <stdin>: syntax error in line 1' >&2\n"
                           "echo second >&2\nexit 3\n");
    CHECK_THROWS_WITH_AS(run_dot("digraph {\n", "svg", "-o svg"),
                         "-o svg: dot failed with exit status 3: Error: <stdin>: syntax error in line 1",
                         npcheck::model::Error);
  }
  SUBCASE("a dot that stops reading early is an error, not a SIGPIPE") {
    executable(dir, "dot", "#!/bin/sh\necho 'Error: gave up' >&2\nexit 1\n");
    const std::string big = "digraph {\n" + std::string(4 << 20, ' ') + "}\n";
    CHECK_THROWS_WITH_AS(run_dot(big, "svg", "-o svg"), "-o svg: dot failed with exit status 1: Error: gave up",
                         npcheck::model::Error);
  }
  SUBCASE("warnings are returned beside the output; the argument is -T<format>") {
    executable(dir, "dot", "#!/bin/sh\n/usr/bin/wc -c >&2\necho \"$#:$1\"\n");
    const npcheck::cli::GraphvizResult result = run_dot("digraph {}\n", "svg", "-o svg");
    CHECK(result.output == "1:-Tsvg\n");
    CHECK(result.warnings == "11\n");
  }
}

TEST_CASE("run_dot: Graphviz's dot") {
  if (!dot_installed()) {
    MESSAGE("Graphviz's dot is not installed: skipped");
    return;
  }
  const npcheck::cli::GraphvizResult result = run_dot("digraph { a -> b; }\n", "svg", "-o svg");
  CHECK(result.output.find("<svg") != std::string::npos);
  CHECK(result.output.find("</svg>") != std::string::npos);
  CHECK(result.warnings.empty());
}

TEST_CASE("matrix -o svg") {
  SUBCASE("without dot: exit 2, naming it") {
    ScratchDir dir;
    PathFor path(dir.path());
    const npcheck::testing::Run run = run_npcheck({"matrix", "-f", k_shop_manifests, "-o", "svg"});
    CHECK(run.rc == 2);
    CHECK(run.out.empty());
    CHECK(run.err == "npcheck: error: " + k_missing + "\n");
  }
  SUBCASE("dot's warnings on standard error, the picture on standard output") {
    ScratchDir dir;
    PathFor path(dir.path());
    executable(dir, "dot", "#!/bin/sh\n/bin/cat >/dev/null\necho 'Warning: too wide' >&2\necho '<svg/>'\n");
    const npcheck::testing::Run run = run_npcheck({"matrix", "-f", k_shop_manifests, "-o", "svg"});
    CHECK(run.rc == 0);
    CHECK(run.out == "<svg/>\n");
    CHECK(run.err == "npcheck: warning: dot: Warning: too wide\n");
  }
  SUBCASE("with Graphviz's dot, into --output-file") {
    if (!dot_installed()) {
      MESSAGE("Graphviz's dot is not installed: skipped");
      return;
    }
    ScratchDir dir;
    const npcheck::testing::Run run =
        run_npcheck({"matrix", "-f", k_shop_manifests, "--group", "-o", "svg", "--output-file", dir.path("matrix.svg")});
    CHECK(run.rc == 0);
    CHECK(run.err.empty());
    const std::string svg = read_file(dir.path("matrix.svg"));
    CHECK(svg.rfind("<?xml", 0) == 0);
    CHECK(svg.find("<title>npcheck</title>") != std::string::npos);
    CHECK(svg.find("</svg>") != std::string::npos);
  }
}

TEST_SUITE_END();
