// SPDX-License-Identifier: Apache-2.0
// Input that tries to crash, hang or exhaust npcheck must end in a clear error.
#include <npcheck/model/load.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

using npcheck::model::Inventory;
using npcheck::model::LoadOptions;
using npcheck::model::load_string;

namespace {

std::string repeated(std::string_view piece, std::size_t n) {
  std::string out;
  out.reserve(piece.size() * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += piece;
  }
  return out;
}

} // namespace

TEST_SUITE_BEGIN("model");

TEST_CASE("hostile::deep_nesting") {
  const std::string message_tail = "nesting deeper than 200 levels (raise the limit with --max-depth)";
  SUBCASE("YAML flow sequences") {
    Inventory inv = load_string(repeated("[", 100000), "deep.yaml");
    REQUIRE_EQ(inv.errors.size(), 1);
    CHECK_EQ(inv.errors[0].to_string(), "deep.yaml:1:201: error: " + message_tail);
  }
  SUBCASE("YAML block mappings inside a Pod") {
    std::string text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n";
    for (int i = 0; i < 300; ++i) {
      text += std::string(static_cast<std::size_t>(2 + i), ' ') + "a:\n";
    }
    Inventory inv = load_string(text, "deep.yaml");
    REQUIRE_EQ(inv.errors.size(), 1);
    CHECK_EQ(inv.errors[0].to_string(), "deep.yaml:205:202: error: " + message_tail);
  }
  SUBCASE("JSON arrays") {
    Inventory inv = load_string(repeated("[", 100000) + repeated("]", 100000), "deep.json");
    REQUIRE_EQ(inv.errors.size(), 1);
    CHECK_EQ(inv.errors[0].to_string(), "deep.json:1:201: error: " + message_tail);
  }
  SUBCASE("JSON objects") {
    Inventory inv = load_string(repeated("{\"a\":", 100000) + "1" + repeated("}", 100000), "deep.json");
    REQUIRE_EQ(inv.errors.size(), 1);
    CHECK_EQ(inv.errors[0].to_string(), "deep.json:1:1001: error: " + message_tail);
  }
  SUBCASE("the limit is configurable") {
    LoadOptions options;
    options.limits.max_depth = 3;
    Inventory inv = load_string("a:\n  b:\n    c:\n      d: 1\n", "input.yaml", options);
    REQUIRE_EQ(inv.errors.size(), 1);
    CHECK_EQ(inv.errors[0].to_string(),
             "input.yaml:4:7: error: nesting deeper than 3 levels (raise the limit with --max-depth)");
    options.limits.max_depth = 4;
    inv = load_string("a:\n  b:\n    c:\n      d: 1\n", "input.yaml", options);
    REQUIRE_EQ(inv.errors.size(), 1);
    CHECK_EQ(inv.errors[0].to_string(), "input.yaml:1:1: error: kind: required field is missing");
  }
}

TEST_CASE("hostile::alias_bomb") {
  // Ten levels of ten aliases: 10^10 strings if aliases were expanded.
  std::string text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
                     "    a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int level = 1; level < 10; ++level) {
    std::string prev = "*a" + std::to_string(level - 1);
    text += "    a" + std::to_string(level) + ": &a" + std::to_string(level) + " [" +
            repeated(prev + ", ", 9) + prev + "]\n";
  }
  text += "spec:\n  containers: *a9\n";
  auto start = std::chrono::steady_clock::now();
  Inventory inv = load_string(text, "bomb.yaml");
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(2));
  // Each container is a list, not a mapping: ten errors, one per alias.
  CHECK_EQ(inv.errors.size(), 10);
  REQUIRE_FALSE(inv.errors.empty());
  CHECK_EQ(inv.errors[0].to_string(),
           "bomb.yaml:14:9: error: Pod default/p: spec.containers[0]: expected a mapping, found a "
           "list");
}

TEST_CASE("hostile::alias_bomb_of_lists") {
  // Lists of Lists through aliases must not be built 10^10 times.
  std::string text = "kind: List\nitems:\n- &l0 {kind: Pod, apiVersion: v1, metadata: {name: p}}\n";
  for (int level = 1; level < 10; ++level) {
    std::string prev = "*l" + std::to_string(level - 1);
    text += "- &l" + std::to_string(level) + " {kind: List, items: [" + repeated(prev + ", ", 9) + prev + "]}\n";
  }
  auto start = std::chrono::steady_clock::now();
  Inventory inv = load_string(text, "bomb.yaml");
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(2));
  CHECK_EQ(inv.errors.size(), 90);
  REQUIRE_FALSE(inv.errors.empty());
  CHECK_EQ(inv.errors[0].to_string(),
           "bomb.yaml:3:3: error: items[1].items[0]: a YAML alias repeats an object that is already "
           "loaded");
  CHECK_EQ(inv.workloads.size(), 1);
}

TEST_CASE("hostile::binary_garbage") {
  std::mt19937 random(42);
  for (int round = 0; round < 20; ++round) {
    std::string text(4096, '\0');
    for (char& c : text) {
      c = static_cast<char>(random() & 0xff);
    }
    CAPTURE(round);
    Inventory inv = load_string(text, "garbage.bin");
    CHECK_FALSE(inv.ok());
    CHECK(inv.workloads.empty());
  }
  SUBCASE("a NUL byte") {
    Inventory inv = load_string(std::string("kind: Pod\0\n", 11), "nul.yaml");
    CHECK_FALSE(inv.ok());
  }
}

TEST_CASE("hostile::file_size") {
  LoadOptions options;
  options.limits.max_file_bytes = 10;
  SUBCASE("in memory") {
    CHECK_THROWS_WITH_AS(load_string("apiVersion: v1\n", "big.yaml", options),
                         "big.yaml: file is larger than 10 bytes (raise the limit with --max-file-size)",
                         npcheck::model::Error);
    CHECK(load_string("kind: X\n", "small.yaml", options).ok());
  }
  SUBCASE("on disk") {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / "npcheck-hostile-file-size.yaml";
    {
      std::ofstream out(path);
      out << "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n";
    }
    CHECK_THROWS_WITH_AS(npcheck::model::load_paths({path.string()}, options),
                         (path.string() +
                          ": file is larger than 10 bytes (raise the limit with --max-file-size)")
                             .c_str(),
                         npcheck::model::Error);
    std::filesystem::remove(path);
  }
}

TEST_CASE("hostile::max_objects") {
  LoadOptions options;
  options.limits.max_objects = 2;
  std::string text;
  for (int i = 0; i < 3; ++i) {
    text += "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: n" + std::to_string(i) + "}\n";
  }
  Inventory inv = load_string(text, "many.yaml", options);
  REQUIRE_EQ(inv.errors.size(), 1);
  CHECK_EQ(inv.errors[0].to_string(),
           "many.yaml:10:1: error: more than 2 objects (raise the limit with --max-objects)");
  options.limits.max_objects = 3;
  CHECK(load_string(text, "many.yaml", options).ok());

  // Documents after the limit are not built (memory stays bounded): one
  // thread builds in order and stops after the document that passed it.
  for (int i = 3; i < 1000; ++i) {
    text += "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: n" + std::to_string(i) + "}\n";
  }
  options.limits.max_objects = 2;
  for (unsigned threads : {1u, 2u, 4u}) {
    CAPTURE(threads);
    options.threads = threads;
    inv = load_string(text, "many.yaml", options);
    REQUIRE_EQ(inv.errors.size(), 1);
    CHECK_EQ(inv.namespaces.size(), 3);
    CHECK_EQ(inv.documents, 3);
  }

  // Likewise inside one List document (kubectl get -o yaml).
  std::string list = "apiVersion: v1\nkind: List\nitems:\n";
  for (int i = 0; i < 1000; ++i) {
    list += "- {apiVersion: v1, kind: Namespace, metadata: {name: n" + std::to_string(i) + "}}\n";
  }
  inv = load_string(list, "list.yaml", options);
  REQUIRE_EQ(inv.errors.size(), 1);
  CHECK_EQ(inv.errors[0].to_string(),
           "list.yaml:6:3: error: more than 2 objects (raise the limit with --max-objects)");
  CHECK_EQ(inv.namespaces.size(), 3);
}
