// SPDX-License-Identifier: Apache-2.0
//
// `npcheck diff` through the real command line: a version against itself
// reports nothing, and --base-ref reads the base from the history of a
// temporary git repository made here.
#include <npcheck/cli/run.hpp>

#include "support/cli_run.hpp"
#include "support/scratch_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using npcheck::testing::Run;
using npcheck::testing::run_npcheck;



void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

int sh(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

class TempRepo {
public:
  const fs::path& root() const { return m_dir.root(); }
  int git(const std::string& args) const {
    return sh("git -C '" + root().string() + "' -c user.name=npcheck -c user.email=npcheck@example.com " + args);
  }

private:
  npcheck::testing::ScratchDir m_dir{"npcheck-diff-test"};
};

constexpr const char* k_workloads = R"(apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec: {template: {metadata: {labels: {app: web}}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec: {template: {metadata: {labels: {app: db}}}}
)";

constexpr const char* k_policy = R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432}]}]
)";

} // namespace

TEST_SUITE_BEGIN("cli");

TEST_CASE("diff::self") {
  const std::string shop = std::string(NPCHECK_TESTDATA_DIR) + "/example-shop/manifests";
  for (const char* format : {"text", "json", "md"}) {
    CAPTURE(format);
    Run r = run_npcheck({"diff", "--base", shop, "--head", shop, "-o", format, "--fail-on", "any"});
    CHECK_EQ(r.rc, 0);
    CHECK_EQ(r.err, "");
    if (std::string(format) == "text") {
      CHECK_EQ(r.out, "no connectivity changes\n");
    } else if (std::string(format) == "md") {
      CHECK_EQ(r.out, "### npcheck: network connectivity changes\n\nNo connectivity changes.\n");
    } else {
      CHECK(r.out.find("\"connections_added\": []") != std::string::npos);
      CHECK(r.out.find("\"connections_changed\": []") != std::string::npos);
      CHECK(r.out.find("\"connections_removed\": []") != std::string::npos);
    }
  }
}

TEST_CASE("diff::base_ref") {
  if (sh("git --version") != 0) {
    MESSAGE("git is not installed; skipped");
    return;
  }
  TempRepo repo;
  const fs::path manifests = repo.root() / "deploy";
  write_file(manifests / "workloads.yaml", k_workloads);
  write_file(manifests / "policies.yaml", k_policy);
  REQUIRE_EQ(repo.git("init -q"), 0);
  REQUIRE_EQ(repo.git("add ."), 0);
  REQUIRE_EQ(repo.git("commit -q -m v1"), 0);

  SUBCASE("unchanged work tree") {
    Run r = run_npcheck({"diff", "--base-ref", "HEAD", "--head", manifests.string(), "--fail-on", "any"});
    CHECK_EQ(r.err, "");
    CHECK_EQ(r.out, "no connectivity changes\n");
    CHECK_EQ(r.rc, 0);
  }
  SUBCASE("the pull request removes the policy") {
    fs::remove(manifests / "policies.yaml");
    Run r = run_npcheck({"diff", "--base-ref", "HEAD", "--head", manifests.string(), "--fail-on", "added"});
    CHECK_EQ(r.err, "");
    CHECK_EQ(r.out, "connections added (2):\n"
                    "  + shop/db[Deployment] -> shop/db[Deployment]: all ports\n"
                    "      why: all ports now allowed: egress of shop/db[Deployment]: not isolated; ingress of "
                    "shop/db[Deployment]: not isolated\n"
                    "  + 0.0.0.0/0, ::/0 -> shop/db[Deployment]: all ports\n"
                    "      why: all ports now allowed: egress of 0.0.0.0/0, ::/0: no policy applies (an address); ingress of "
                    "shop/db[Deployment]: not isolated\n"
                    "connections changed (1):\n"
                    "  ~ shop/web[Deployment] -> shop/db[Deployment]: TCP 5432 => all ports (gained TCP "
                    "1-5431,5433-65535; UDP 1-65535; SCTP 1-65535)\n"
                    "      why: TCP 1 now allowed: egress of shop/web[Deployment]: not isolated; ingress of "
                    "shop/db[Deployment]: not isolated\n"
                    "2 connections added, 0 removed, 1 changed; 0 endpoints added, 0 removed\n");
    CHECK_EQ(r.rc, 1);
  }
  SUBCASE("a single file, a relative --base, and a commit") {
    fs::remove(manifests / "policies.yaml");
    REQUIRE_EQ(repo.git("commit -q -a -m v2"), 0);
    Run r = run_npcheck({"diff", "--base-ref", "HEAD~1", "--base", (manifests / "policies.yaml").string(),
                     "--base", (manifests / "workloads.yaml").string(), "--head", manifests.string(),
                     "-o", "json"});
    CHECK_EQ(r.err, "");
    CHECK(r.out.find("\"connections_added\": 2") != std::string::npos);
    CHECK_EQ(r.rc, 0);
  }
  SUBCASE("an error in the base version names it REV:path") {
    write_file(manifests / "policies.yaml", "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\n"
                                       "metadata: {name: bad, namespace: shop}\nspec: {podSelector: 7}\n");
    REQUIRE_EQ(repo.git("commit -q -a -m broken"), 0);
    write_file(manifests / "policies.yaml", k_policy);
    // As git names the file (`git show HEAD:deploy/policies.yaml`), however
    // the path was spelled.
    for (const std::string& head :
         {manifests.string(), manifests.string() + "/", (manifests / "policies.yaml").string()}) {
      CAPTURE(head);
      Run r = run_npcheck({"diff", "--base-ref", "HEAD", "--head", head});
      // (The head's own warnings follow: a lone policies.yaml has no workloads.)
      const std::size_t head_warnings = r.err.find("\n/");
      CHECK_EQ(r.err.substr(0, head_warnings == std::string::npos ? head_warnings : head_warnings + 1),
               "HEAD:deploy/policies.yaml:4:21: error: NetworkPolicy shop/bad: spec.podSelector: "
               "expected a mapping, found a scalar\nnpcheck: 1 error in the manifests\n");
      CHECK_EQ(r.rc, 2);
    }
  }
  SUBCASE("a folder the pull request adds was empty at the base") {
    write_file(repo.root() / "apps" / "workloads.yaml", k_workloads);
    write_file(repo.root() / "apps" / "db.yaml", k_policy);
    for (const fs::path& head : {repo.root() / "apps", repo.root() / "apps" / "db.yaml"}) {
      CAPTURE(head.string());
      Run r = run_npcheck({"diff", "--base-ref", "HEAD", "--head", head.string(), "--fail-on", "added"});
      CHECK_EQ(r.rc, head.filename() == "apps" ? 1 : 0);
      if (head.filename() == "apps") {
        // Without the why lines (one per connection; they name the scratch files).
        std::string out;
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);) {
          if (line.rfind("      why: ", 0) != 0) {
            out += line + '\n';
          }
        }
        CHECK_EQ(std::count(r.out.begin(), r.out.end(), '\n') - std::count(out.begin(), out.end(), '\n'), 6);
        CHECK_EQ(out, "endpoints added (2):\n"
                        "  + shop/db[Deployment]\n"
                        "  + shop/web[Deployment]\n"
                        "connections added (6):\n"
                        "  + shop/db[Deployment] -> shop/web[Deployment]: all ports\n"
                        "  + shop/db[Deployment] -> 0.0.0.0/0, ::/0: all ports\n"
                        "  + shop/web[Deployment] -> shop/db[Deployment]: TCP 5432\n"
                        "  + shop/web[Deployment] -> shop/web[Deployment]: all ports\n"
                        "  + shop/web[Deployment] -> 0.0.0.0/0, ::/0: all ports\n"
                        "  + 0.0.0.0/0, ::/0 -> shop/web[Deployment]: all ports\n"
                        "6 connections added, 0 removed, 0 changed; 2 endpoints added, 0 removed\n");
      }
    }
  }
  SUBCASE("errors") {
    Run r = run_npcheck({"diff", "--base-ref", "no-such-rev", "--head", manifests.string()});
    CHECK_EQ(r.err, "npcheck: error: --base-ref: unknown revision 'no-such-rev'\n");
    CHECK_EQ(r.rc, 2);
    r = run_npcheck({"diff", "--head", manifests.string()});
    CHECK_EQ(r.err, "npcheck: error: give the base version: --base PATH... or --base-ref REV\n");
    CHECK_EQ(r.rc, 2);
    r = run_npcheck({"diff", "--base-ref", "HEAD", "--head", fs::temp_directory_path().string()});
    CHECK_EQ(r.rc, 2);
  }
}

TEST_SUITE_END();
