// SPDX-License-Identifier: Apache-2.0
#pragma once

// A compact, read-only tree of one YAML or JSON document with 1-based source
// positions. Built straight from parser events (no YAML::Node), walked once by
// the object builder, then dropped. Private to the model layer.

#include "yaml_scalar.hpp"

#include <npcheck/model/error.hpp>
#include <npcheck/model/load.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace npcheck::model::detail {

enum class RawType : std::uint8_t { null, scalar, map, seq };

struct RawNode {
  RawType type = RawType::null;
  // A scalar's meaning to kubectl (yaml_scalar.hpp): a quoted YAML scalar or
  // a JSON string is a string, a plain one what go-yaml v2 resolves it to, a
  // tagged one what its tag makes of it. Mapping keys are always strings,
  // spelt as the JSON kubectl sends ("yes:" is "true", "0x10:" is "16").
  ScalarKind kind = ScalarKind::string;
  int line = 0;
  int column = 0;
  std::uint32_t first_child = 0; // map: key, value, key, value...; seq: items
  std::uint32_t child_count = 0;
  std::string value;
};

// Something in a document that kubectl refuses although it parses: a
// duplicate mapping key, a merge key without mappings to merge, a key that
// JSON cannot carry, a scalar its tag does not describe. The document is not
// built; each problem is reported where it is, with its field path.
struct RawProblem {
  int line = 0;
  int column = 0;
  std::string path; // e.g. "spec.ingress[0]"; empty at the top
  std::string message;
};

// A mapping's entries are stored after merge keys ("<<: *base") are
// expanded as go-yaml v2 expands them: the merged mappings' entries (earlier
// ones of a list taking precedence) and the explicit entries, a later one
// replacing an earlier one of the same key, in document order. A key written
// twice in one mapping is a RawProblem (kubectl's strict decoding rejects
// the object; plain go-yaml would keep the last value).
struct RawDocument {
  std::vector<RawNode> nodes;         // nodes[root] is the document's root
  std::vector<std::uint32_t> children; // child lists of maps and sequences
  std::uint32_t root = 0;
  bool empty = true;
  std::vector<RawProblem> problems;

  const RawNode& node(std::uint32_t index) const { return nodes[index]; }
  // Map lookup: the value node for key, or nullptr.
  const RawNode* get(const RawNode& map, std::string_view key) const;
  const RawNode& child(const RawNode& parent, std::uint32_t i) const {
    return nodes[children[parent.first_child + i]];
  }
};

// One document's text: where it starts in its file, and whether it is JSON.
struct Chunk {
  std::shared_ptr<const std::string> file;
  std::string_view text;
  int first_line = 1; // 1-based line of text[0] in the file
  bool json = false;  // its first significant byte is '{' or '['
  // From a .json file: JSON only, never read as YAML when it is not JSON.
  bool strict_json = false;
  bool walked = false; // the file was found by walking a directory
};

// Splits a file's text into documents at "---" lines. A chunk whose first
// significant byte is '{' or '[' is JSON (one value, or several
// concatenated), read as YAML only when it is not valid JSON and does not
// come from a .json file. A .json file is one chunk.
std::vector<Chunk> split_documents(std::shared_ptr<const std::string> file, std::string_view text);

// Parses one chunk into documents. A syntax error or a broken limit becomes
// a Diagnostic in errors (parsing of that chunk stops there). Memory stays
// bounded by limits: nesting (max_depth, checked before yaml-cpp sees a deep
// flow collection), documents in the chunk (max_objects) and how much a YAML
// flow collection makes yaml-cpp hold before it reports events
// (max_flow_bytes).
void parse_chunk(const Chunk& chunk, const LoadLimits& limits, std::vector<RawDocument>& out,
                 std::vector<Diagnostic>& errors);

// "more than N objects (raise the limit with --max-objects)"
std::string too_many_objects_message(std::size_t max_objects);

} // namespace npcheck::model::detail
