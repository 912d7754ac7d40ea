// SPDX-License-Identifier: Apache-2.0
//
// What the document reader makes of YAML that kubectl reads in its own way:
// merge keys, duplicate keys, tags, and mapping keys that are not strings.
// Checked through load_string, on the objects and messages a user sees.
#include <npcheck/model/load.hpp>

#include <doctest/doctest.h>

#include <string>
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

TEST_SUITE_END();
