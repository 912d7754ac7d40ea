// SPDX-License-Identifier: Apache-2.0
//
// What the document reader makes of YAML that kubectl reads in its own way:
// merge keys, duplicate keys, tags, and mapping keys that are not strings.
// Checked through load_string, on the objects and messages a user sees; and
// which reader (YAML or JSON) reads what, their messages, and the bounds on
// what they hold.
#include <npcheck/model/load.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

using npcheck::model::Inventory;
using npcheck::model::LoadOptions;
using npcheck::model::load_string;

namespace {

std::string errors(const Inventory& inv) {
  std::string out;
  for (const auto& d : inv.errors) {
    out += d.to_string() + '\n';
  }
  return out;
}

std::string pod_labels(const std::string& labels_yaml) {
  Inventory inv = load_string("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\n" + labels_yaml,
                              "input.yaml");
  if (!inv.ok()) {
    return errors(inv);
  }
  return inv.workloads.at(0).labels.to_string();
}


std::string repeat(std::string_view piece, std::size_t n) {
  std::string out;
  out.reserve(piece.size() * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += piece;
  }
  return out;
}

const std::string k_depth_message = "nesting deeper than 200 levels (raise the limit with --max-depth)";

} // namespace

TEST_SUITE_BEGIN("model");

TEST_CASE("raw_document::merge_keys") {
  SUBCASE("explicit entries after the merge replace merged ones") {
    CHECK_EQ(pod_labels("  annotations: {base: &b {app: web, tier: x}}\n"
                        "  labels:\n    <<: *b\n    tier: z\n"),
             "app=web,tier=z");
  }
  SUBCASE("a merge after an explicit entry replaces it, as go-yaml v2 reads it") {
    CHECK_EQ(pod_labels("  annotations: {base: &b {app: web, tier: x}}\n"
                        "  labels:\n    tier: z\n    <<: *b\n"),
             "app=web,tier=x");
  }
  SUBCASE("in a list of mappings, earlier mappings take precedence") {
    CHECK_EQ(pod_labels("  labels:\n    <<: [{app: first, a: '1'}, {app: second, b: '2'}]\n"),
             "a=1,app=first,b=2");
  }
  SUBCASE("a quoted '<<' is an ordinary key") {
    CHECK_EQ(pod_labels("  labels:\n    '<<': x\n"),
             "input.yaml:7:5: error: Pod a/p: metadata.labels.<<: invalid label key '<<': name part must "
             "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
             "alphanumeric character\n");
  }
  SUBCASE("a merge key needs mappings") {
    CHECK_EQ(pod_labels("  labels:\n    <<: [a, b]\n"),
             "input.yaml:7:5: error: Pod a/p: metadata.labels: a merge key ('<<') needs a mapping or a list "
             "of mappings\ninput.yaml:7:5: error: Pod a/p: metadata.labels: a merge key ('<<') needs a "
             "mapping or a list of mappings\n");
    CHECK_EQ(pod_labels("  labels:\n    <<: ~\n"),
             "input.yaml:7:5: error: Pod a/p: metadata.labels: a merge key ('<<') needs a mapping or a list "
             "of mappings\n");
  }
  SUBCASE("merges count against --max-alias-nodes") {
    std::string text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    big: &big {";
    for (int i = 0; i < 100; ++i) {
      text += (i == 0 ? "" : ", ") + std::string("k") + std::to_string(i) + ": v";
    }
    text += "}\n    copies:\n";
    for (int i = 0; i < 20; ++i) {
      text += "      - {<<: *big}\n";
    }
    LoadOptions options;
    options.limits.max_alias_nodes = 1000;
    Inventory inv = load_string(text, "input.yaml", options);
    CHECK_EQ(errors(inv), "input.yaml:18:9: error: YAML aliases repeat more than 1000 nodes in this "
                          "document (raise the limit with --max-alias-nodes)\n");
    options.limits.max_alias_nodes = 10000;
    CHECK(load_string(text, "input.yaml", options).ok());
  }
  SUBCASE("a chain of mappings each merging the one before is bounded too") {
    std::string text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  annotations:\n    m0: &m0 {k: v}\n";
    for (int i = 1; i <= 3000; ++i) {
      text += "    m" + std::to_string(i) + ": &m" + std::to_string(i) + " {<<: *m" + std::to_string(i - 1) +
              ", k" + std::to_string(i) + ": v}\n";
    }
    LoadOptions options;
    options.limits.max_alias_nodes = 100000;
    CHECK_EQ(errors(load_string(text, "input.yaml", options)),
             "input.yaml:453:11: error: YAML aliases repeat more than 100000 nodes in this document (raise the "
             "limit with --max-alias-nodes)\n");
  }
  SUBCASE("mappings written in place merge freely") {
    std::string text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  annotations:\n";
    for (int i = 0; i < 100; ++i) {
      text += "    m" + std::to_string(i) + ": {<<: {a: b, c: d}, e: f}\n";
    }
    LoadOptions options;
    options.limits.max_alias_nodes = 0;
    CHECK_EQ(errors(load_string(text, "input.yaml", options)), "");
  }
}

TEST_CASE("raw_document::duplicate_keys") {
  SUBCASE("YAML") {
    CHECK_EQ(pod_labels("  labels:\n    app: a\n    app: b\n"),
             "input.yaml:8:5: error: Pod a/p: metadata.labels: duplicate key 'app' (first at line 7, column 5)\n");
  }
  SUBCASE("keys are compared as kubectl's JSON spells them") {
    CHECK_EQ(pod_labels("  labels:\n    yes: a\n    true: b\n"),
             "input.yaml:8:5: error: Pod a/p: metadata.labels: duplicate key 'true' (first at line 7, column 5)\n");
    CHECK_EQ(pod_labels("  labels:\n    0x10: a\n    16: b\n"),
             "input.yaml:8:5: error: Pod a/p: metadata.labels: duplicate key '16' (first at line 7, column 5)\n");
  }
  SUBCASE("JSON") {
    Inventory inv = load_string(R"({"apiVersion": "v1", "kind": "Namespace",
 "metadata": {"name": "a", "name": "b"}})",
                                "input.json");
    CHECK_EQ(errors(inv), "input.json:2:28: error: Namespace a: metadata: duplicate key 'name' (first at "
                          "line 2, column 15)\n");
    CHECK(inv.namespaces.empty());
  }
  SUBCASE("the whole document is refused, in a List too") {
    Inventory inv = load_string("apiVersion: v1\nkind: List\nitems:\n"
                                "- {apiVersion: v1, kind: Namespace, metadata: {name: a}}\n"
                                "- {apiVersion: v1, kind: Namespace, metadata: {name: b, name: c}}\n",
                                "input.yaml");
    CHECK_EQ(errors(inv), "input.yaml:5:57: error: List: items[1].metadata: duplicate key 'name' (first at "
                          "line 5, column 48)\n");
    CHECK(inv.namespaces.empty());
  }
}

TEST_CASE("raw_document::keys_and_tags") {
  SUBCASE("keys that are not strings in YAML become JSON strings") {
    CHECK_EQ(pod_labels("  labels:\n    on: x\n    1_000: yy\n    1.5: z\n"), "1.5=z,1000=yy,true=x");
  }
  SUBCASE("keys that JSON cannot carry") {
    CHECK_EQ(pod_labels("  labels:\n    ~: x\n"),
             "input.yaml:7:5: error: Pod a/p: metadata.labels: a null mapping key cannot be sent as JSON "
             "(kubectl refuses it)\n");
    CHECK_EQ(pod_labels("  labels:\n    [a]: x\n"),
             "input.yaml:7:5: error: Pod a/p: metadata.labels: a mapping or a list cannot be a mapping key "
             "(kubectl refuses it)\n");
  }
  SUBCASE("tags") {
    CHECK_EQ(pod_labels("  labels:\n    app: !!str 80\n    v: !!binary d2Vi\n"), "app=80,v=web");
    CHECK_EQ(pod_labels("  labels:\n    app: !!int 80\n"),
             "input.yaml:7:10: error: Pod a/p: metadata.labels.app: expected a string, found a number '80' "
             "(quote it)\n");
    CHECK_EQ(pod_labels("  labels:\n    app: !!bool web\n"),
             "input.yaml:7:10: error: Pod a/p: metadata.labels.app: cannot decode !!str `web` as a !!bool\n");
    CHECK_EQ(pod_labels("  labels:\n    app: !custom 80\n"), "app=80");
  }
}

TEST_CASE("raw_document::json_files_are_json") {
  // A .json file is read as JSON only: what the YAML reader would forgive is
  // an error there, as kubectl reports it.
  const std::string trailing_comma =
      R"({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a",}})";
  const std::string nan = R"({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a", "x": NaN}})";
  SUBCASE("trailing comma") {
    CHECK_EQ(errors(load_string(trailing_comma, "ns.json")),
             "ns.json:1:69: error: invalid JSON: syntax error while parsing object key - unexpected "
             "'}'; expected string literal\n");
    // In a YAML file the same text is a valid flow mapping.
    CHECK(load_string(trailing_comma, "ns.yaml").ok());
  }
  SUBCASE("NaN") {
    CHECK_EQ(errors(load_string(nan, "ns.json")),
             "ns.json:1:75: error: invalid JSON: syntax error while parsing value - invalid "
             "literal; last read: '\"x\": N'\n");
  }
  SUBCASE("YAML after a JSON document") {
    CHECK_EQ(errors(load_string("{\"kind\": \"Namespace\"}\n---\nkind: Pod\n", "two.json")),
             "two.json:2:3: error: invalid JSON: syntax error while parsing value - invalid number; "
             "expected digit after '-'; last read: '--'\n");
  }
}

TEST_CASE("raw_document::error_of_the_reader_that_got_further") {
  SUBCASE("a YAML flow mapping with a YAML error is reported as YAML") {
    CHECK_EQ(errors(load_string("{kind: Namespace, metadata: {name: [a}}\n", "flow.yaml")),
             "flow.yaml:1:38: error: invalid YAML: illegal flow end\n");
  }
  SUBCASE("a JSON document with a JSON error is reported as JSON") {
    CHECK_EQ(errors(load_string("{\"kind\": \"Namespace\" \"metadata\": {}}\n", "bad.yaml")),
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
  CHECK_EQ(errors(inv),
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
    CHECK_EQ(errors(load_string(repeat("[a,", 1'000'000), "deep.yaml")), "deep.yaml:1:601: error: " + k_depth_message + "\n");
  }
  SUBCASE("as the value of a key") {
    CHECK_EQ(errors(load_string("x: " + repeat("[a,", 1'000'000), "deep.yaml")),
             "deep.yaml:1:601: error: " + k_depth_message + "\n");
  }
  SUBCASE("{\"a\": {\"a\": ... read as JSON") {
    CHECK_EQ(errors(load_string(repeat("{\"a\":", 1'000'000), "deep.yaml")),
             "deep.yaml:1:1001: error: " + k_depth_message + "\n");
  }
  SUBCASE("deep after a long flat part") {
    CHECK_EQ(errors(load_string("x: [" + repeat("a,", 100'000) + repeat("[", 300), "deep.yaml")),
             "deep.yaml:1:200203: error: " + k_depth_message + "\n");
  }
  SUBCASE("brackets in a block scalar and in quotes are text") {
    std::string text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a.json: |\n";
    for (int i = 0; i < 50; ++i) {
      text += "    " + repeat("[", 10) + "\n";
    }
    text += "  b: '" + repeat("[", 500) + "'\n  c: \"" + repeat("{", 500) + "\"\n  d: x[[[" + repeat("[", 500) + "\n";
    Inventory inv = load_string(text, "cm.yaml");
    CHECK_EQ(errors(inv), "");
    CHECK_EQ(inv.skipped_kinds.size(), 1);
  }
}

TEST_CASE("raw_document::max_flow_size") {
  // A long flow collection nested in another one is held whole by yaml-cpp.
  const std::string text =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: [[" + repeat("a, ", 200'000) + "a]]}\n";
  SUBCASE("past the limit") {
    CHECK_EQ(errors(load_string(text, "cm.yaml")),
             "cm.yaml:4:7: error: YAML flow collection ([...] or {...}) longer than 262144 bytes (write "
             "it in block style or as a JSON document, or raise the limit with --max-flow-size)\n");
  }
  SUBCASE("within a raised limit") {
    LoadOptions options;
    options.limits.max_flow_bytes = 1'000'000;
    Inventory inv = load_string(text, "cm.yaml", options);
    CHECK_EQ(errors(inv), "");
  }
  SUBCASE("a long flat flow collection and a long block scalar are streamed") {
    std::string flat = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: [" +
                       repeat("a, ", 200'000) + "a]\n  b: |\n" + repeat("    [[[[ {{{{ ]]]] }}}}\n", 30'000);
    CHECK_EQ(errors(load_string(flat, "cm.yaml")), "");
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

TEST_SUITE_END();
