// SPDX-License-Identifier: Apache-2.0
// Reading YAML and JSON documents (model/raw_document.cpp) through load_string:
// which reader reads what, their messages, and the bounds on what they hold.
#include <npcheck/model/load.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using npcheck::model::Inventory;
using npcheck::model::LoadOptions;
using npcheck::model::load_string;

namespace {

std::string repeat(std::string_view piece, std::size_t n) {
  std::string out;
  out.reserve(piece.size() * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += piece;
  }
  return out;
}

std::string errors_of(const Inventory& inv) {
  std::string out;
  for (const auto& d : inv.errors) {
    out += d.to_string() + '\n';
  }
  return out;
}

const std::string k_depth_message = "nesting deeper than 200 levels (raise the limit with --max-depth)";

} // namespace

TEST_SUITE_BEGIN("model");

TEST_CASE("raw_document::json_files_are_json") {
  // A .json file is read as JSON only: what the YAML reader would forgive is
  // an error there, as kubectl reports it.
  const std::string trailing_comma =
      R"({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a",}})";
  const std::string nan = R"({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a", "x": NaN}})";
  SUBCASE("trailing comma") {
    CHECK_EQ(errors_of(load_string(trailing_comma, "ns.json")),
             "ns.json:1:69: error: invalid JSON: syntax error while parsing object key - unexpected "
             "'}'; expected string literal\n");
    // In a YAML file the same text is a valid flow mapping.
    CHECK(load_string(trailing_comma, "ns.yaml").ok());
  }
  SUBCASE("NaN") {
    CHECK_EQ(errors_of(load_string(nan, "ns.json")),
             "ns.json:1:75: error: invalid JSON: syntax error while parsing value - invalid "
             "literal; last read: '\"x\": N'\n");
  }
  SUBCASE("YAML after a JSON document") {
    CHECK_EQ(errors_of(load_string("{\"kind\": \"Namespace\"}\n---\nkind: Pod\n", "two.json")),
             "two.json:2:3: error: invalid JSON: syntax error while parsing value - invalid number; "
             "expected digit after '-'; last read: '--'\n");
  }
}

TEST_CASE("raw_document::error_of_the_reader_that_got_further") {
  SUBCASE("a YAML flow mapping with a YAML error is reported as YAML") {
    CHECK_EQ(errors_of(load_string("{kind: Namespace, metadata: {name: [a}}\n", "flow.yaml")),
             "flow.yaml:1:38: error: invalid YAML: illegal flow end\n");
  }
  SUBCASE("a JSON document with a JSON error is reported as JSON") {
    CHECK_EQ(errors_of(load_string("{\"kind\": \"Namespace\" \"metadata\": {}}\n", "bad.yaml")),
             "bad.yaml:1:32: error: invalid JSON: syntax error while parsing object - unexpected "
             "string literal; expected '}'\n");
  }
}

TEST_CASE("raw_document::json_columns") {
  // The column of a string is where its opening quote is, whatever escapes
  // it holds.
  Inventory inv = load_string(
      R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"a\u00e9\"": "x", "b": "\u0041\u0042 c"}}})",
      "pod.json");
  CHECK_EQ(errors_of(inv),
           "pod.json:1:74: error: Pod default/p: metadata.labels.aé\": invalid label key 'aé\"': name "
           "part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
           "with an alphanumeric character\n"
           "pod.json:1:97: error: Pod default/p: metadata.labels.b: invalid label value 'AB c': must "
           "be empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end "
           "with an alphanumeric character\n");
}

TEST_CASE("raw_document::unclosed_flow_collections") {
  // yaml-cpp would hold every token of these before reporting anything; the
  // depth is found first, on the bytes alone.
  SUBCASE("[a,[a,[a,... read as YAML") {
    CHECK_EQ(errors_of(load_string(repeat("[a,", 1'000'000), "deep.yaml")), "deep.yaml:1:601: error: " + k_depth_message + "\n");
  }
  SUBCASE("as the value of a key") {
    CHECK_EQ(errors_of(load_string("x: " + repeat("[a,", 1'000'000), "deep.yaml")),
             "deep.yaml:1:601: error: " + k_depth_message + "\n");
  }
  SUBCASE("{\"a\": {\"a\": ... read as JSON") {
    CHECK_EQ(errors_of(load_string(repeat("{\"a\":", 1'000'000), "deep.yaml")),
             "deep.yaml:1:1001: error: " + k_depth_message + "\n");
  }
  SUBCASE("deep after a long flat part") {
    CHECK_EQ(errors_of(load_string("x: [" + repeat("a,", 100'000) + repeat("[", 300), "deep.yaml")),
             "deep.yaml:1:200203: error: " + k_depth_message + "\n");
  }
  SUBCASE("brackets in a block scalar and in quotes are text") {
    std::string text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a.json: |\n";
    for (int i = 0; i < 50; ++i) {
      text += "    " + repeat("[", 10) + "\n";
    }
    text += "  b: '" + repeat("[", 500) + "'\n  c: \"" + repeat("{", 500) + "\"\n  d: x[[[" + repeat("[", 500) + "\n";
    Inventory inv = load_string(text, "cm.yaml");
    CHECK_EQ(errors_of(inv), "");
    CHECK_EQ(inv.skipped_kinds.size(), 1);
  }
}

TEST_CASE("raw_document::max_flow_size") {
  // A long flow collection nested in another one is held whole by yaml-cpp.
  const std::string text =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: [[" + repeat("a, ", 200'000) + "a]]}\n";
  SUBCASE("past the limit") {
    CHECK_EQ(errors_of(load_string(text, "cm.yaml")),
             "cm.yaml:4:7: error: YAML flow collection ([...] or {...}) longer than 262144 bytes (write "
             "it in block style or as a JSON document, or raise the limit with --max-flow-size)\n");
  }
  SUBCASE("within a raised limit") {
    LoadOptions options;
    options.limits.max_flow_bytes = 1'000'000;
    Inventory inv = load_string(text, "cm.yaml", options);
    CHECK_EQ(errors_of(inv), "");
  }
  SUBCASE("a long flat flow collection and a long block scalar are streamed") {
    std::string flat = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: [" +
                       repeat("a, ", 200'000) + "a]\n  b: |\n" + repeat("    [[[[ {{{{ ]]]] }}}}\n", 30'000);
    CHECK_EQ(errors_of(load_string(flat, "cm.yaml")), "");
  }
}

TEST_CASE("raw_document::max_objects_in_one_stream") {
  LoadOptions options;
  options.limits.max_objects = 10;
  SUBCASE("a JSON stream in a .json file") {
    Inventory inv = load_string(repeat("{}\n", 100'000), "many.json", options);
    CHECK_EQ(inv.errors.size(), 1);
    CHECK_EQ(inv.errors[0].to_string(), "many.json:11:1: error: more than 10 objects (raise the limit with --max-objects)");
  }
  SUBCASE("YAML documents that start with JSON") {
    Inventory inv = load_string(repeat("{}\n---\n", 100'000), "many.yaml", options);
    CHECK_EQ(inv.errors.back().to_string(),
             "many.yaml:21:1: error: more than 10 objects (raise the limit with --max-objects)");
    CHECK_EQ(inv.errors.size(), 12);
  }
  SUBCASE("several YAML documents in one chunk") {
    Inventory inv = load_string("{}\n" + repeat("--- {}\n", 100'000), "many.json.yaml", options);
    CHECK_EQ(inv.errors.back().to_string(),
             "many.json.yaml:11:5: error: more than 10 objects (raise the limit with --max-objects)");
  }
}
