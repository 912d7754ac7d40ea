// SPDX-License-Identifier: Apache-2.0
//
// Every input that ever crashed, hung or broke an invariant in a fuzzer is
// kept in fuzz/regressions/<target>/ and replayed here through the same entry
// function, compiled without libFuzzer; the seed corpora (fuzz/corpus/) are
// replayed too. A broken invariant throws fuzz::Failure instead of aborting.

#include "check.hpp"
#include "targets.hpp"

#include <npcheck/model/load.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Target = int (*)(const std::uint8_t*, std::size_t);

std::vector<fs::path> files_in(const fs::path& directory) {
  std::vector<fs::path> files;
  if (fs::is_directory(directory)) {
    for (const fs::directory_entry& entry : fs::directory_iterator(directory)) {
      if (entry.is_regular_file() && entry.path().filename() != "README.md") {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Replays every file of fuzz/<folder>/<target>/ (which must exist, so that a
// misplaced finding cannot go unreplayed); returns how many there were.
std::size_t replay(const std::string& folder, const std::string& target, Target entry) {
  npcheck::fuzz::set_failure_handler(npcheck::fuzz::throw_failure);
  const fs::path directory = fs::path(NPCHECK_FUZZ_DIR) / folder / target;
  REQUIRE_MESSAGE(fs::is_directory(directory), directory.string() << " is missing");
  const std::vector<fs::path> files = files_in(directory);
  for (const fs::path& file : files) {
    std::ifstream stream(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
    CAPTURE(file.string());
    CHECK_NOTHROW(entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  }
  npcheck::fuzz::set_failure_handler(nullptr);
  return files.size();
}

} // namespace

TEST_SUITE_BEGIN("fuzz");

TEST_CASE("fuzz::regressions") {
  SUBCASE("fuzz_load") { replay("regressions", "load", npcheck::fuzz::fuzz_load); }
  SUBCASE("fuzz_parsers") { replay("regressions", "parsers", npcheck::fuzz::fuzz_parsers); }
  SUBCASE("fuzz_engine") { replay("regressions", "engine", npcheck::fuzz::fuzz_engine); }
  SUBCASE("fuzz_scalar") { replay("regressions", "scalar", npcheck::fuzz::fuzz_scalar); }
}

TEST_CASE("fuzz::corpus") {
  SUBCASE("fuzz_load") { CHECK(replay("corpus", "load", npcheck::fuzz::fuzz_load) > 0); }
  SUBCASE("fuzz_parsers") { CHECK(replay("corpus", "parsers", npcheck::fuzz::fuzz_parsers) > 0); }
  SUBCASE("fuzz_engine") { CHECK(replay("corpus", "engine", npcheck::fuzz::fuzz_engine) > 0); }
  SUBCASE("fuzz_scalar") { CHECK(replay("corpus", "scalar", npcheck::fuzz::fuzz_scalar) > 0); }
}

// The fuzzers' findings, with the exact messages the fixes give.
TEST_CASE("fuzz::findings") {
  using npcheck::model::load_string;
  auto errors = [](const npcheck::model::Inventory& inventory) {
    std::vector<std::string> shown;
    for (const npcheck::model::Diagnostic& d : inventory.errors) {
      shown.push_back(d.to_string());
    }
    return shown;
  };
  SUBCASE("yaml-cpp loops on a ',' after a top-level flow collection") {
    CHECK_EQ(errors(load_string("--- [a],b\n", "input.yaml")),
             std::vector<std::string>{
                 "input.yaml:1:8: error: invalid YAML: unexpected text after the end of the document"});
  }
  SUBCASE("an IP address with a NUL byte") {
    CHECK_FALSE(npcheck::model::IpAddress::parse(std::string_view("10.0.0.1\0x", 10)));
    CHECK_FALSE(npcheck::model::Cidr::parse(std::string_view("10.0.0.0\0/8", 11)));
  }
  SUBCASE("control characters in messages are escaped") {
    const char* text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\n"
                       "status: {podIP: \"10.0.0.1\\0x\", hostIP: \"10.0.0.2\\e[31m\"}\n";
    CHECK_EQ(errors(load_string(text, "input.yaml")),
             std::vector<std::string>{
                 "input.yaml:4:17: error: Pod a/p: status.podIP: invalid IP address '10.0.0.1\\x00x'",
                 "input.yaml:4:40: error: Pod a/p: status.hostIP: invalid IP address '10.0.0.2\\x1b[31m'"});
  }
  SUBCASE("an unquoted YAML 1.1 boolean is not a port name") {
    const char* text = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
                       "spec:\n  podSelector: {}\n  ingress:\n  - ports: [{port: n}, {port: \"n\"}]\n";
    CHECK_EQ(errors(load_string(text, "input.yaml")),
             std::vector<std::string>{"input.yaml:7:20: error: NetworkPolicy default/p: "
                                      "spec.ingress[0].ports[0].port: expected a port number or name, "
                                      "found a boolean 'n' (quote it)"});
  }
  SUBCASE("aliases of aliases inside one policy stop at --max-alias-nodes") {
    // rules x peers x matchExpressions x values = 30^4 values through aliases.
    auto repeat = [](const std::string& item) {
      std::string list = "[" + item;
      for (int i = 1; i < 30; ++i) {
        list += ", " + item;
      }
      return list + "]";
    };
    const std::string text =
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\ndefs:\n"
        "  v: &v " + repeat("a") + "\n  e: &e {key: k, operator: In, values: *v}\n  es: &es " +
        repeat("*e") + "\n  p: &p {podSelector: {matchExpressions: *es}}\n  ps: &ps " + repeat("*p") +
        "\n  r: &r {from: *ps}\n  rs: &rs " + repeat("*r") + "\nspec: {podSelector: {}, ingress: *rs}\n";
    npcheck::model::LoadOptions options;
    options.limits.max_alias_nodes = 10000;
    const auto start = std::chrono::steady_clock::now();
    const std::vector<std::string> shown = errors(load_string(text, "input.yaml", options));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    REQUIRE_FALSE(shown.empty());
    CHECK_EQ(shown.front(), "input.yaml:5:6: error: NetworkPolicy default/p: "
                            "spec.ingress[0].from[4].podSelector.matchExpressions[11].values: YAML aliases "
                            "repeat more than 10000 nodes in this document (raise the limit with "
                            "--max-alias-nodes)");
    options.limits.max_alias_nodes = 100'000'000;
    CHECK(load_string(text.substr(0, text.find("spec:")) + "spec: {podSelector: {}, ingress: [*r]}\n",
                      "input.yaml", options)
              .ok());
  }
}

TEST_SUITE_END();
