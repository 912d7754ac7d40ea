// SPDX-License-Identifier: Apache-2.0
//
// Reading documents without node trees. yaml-cpp's YAML::LoadAll builds a
// heap-heavy YAML::Node graph for the whole file; npcheck only needs a few
// fields of each object, so it listens to the parser's events
// (YAML::EventHandler) and records them in a flat RawDocument: one vector of
// nodes and one of child indices. Aliases become references to the anchored
// node instead of copies, so an alias bomb costs nothing. Documents whose
// first significant byte is '{' or '[' go through nlohmann-json's SAX parser,
// which is several times faster than any YAML parser on the same bytes; a
// counting iterator gives it line and column positions. Scalars are typed as
// kubectl types them (yaml_scalar.hpp); when a mapping closes, its keys are
// spelt as the JSON keys kubectl sends, merge keys are expanded as go-yaml v2
// expands them, and duplicate keys become problems of the document.
//
// Memory. yaml-cpp reads from a stream buffer over the chunk's bytes (no
// copy), but its scanner keeps every token of a flow collection that could
// still turn out to be a mapping key (one that starts a document, or one
// nested in another flow collection) until the collection ends: about 150
// bytes per byte, before any event reaches npcheck, so that neither the
// depth limit nor anything else could stop an unclosed "[[[[..." or
// "[a,[a,...". So a YAML chunk that contains flow collections is first
// scanned for them (scan_flows: brackets outside quotes, comments and block
// scalars). A flow collection nested deeper than --max-depth is cut after
// the bracket that breaks the limit, so yaml-cpp reports the depth error
// having seen only that much; and while yaml-cpp reads, the stream buffer
// checks that it does not hold more than --max-flow-size bytes of one flow
// collection without reporting an event.
#include "raw_document.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <istream>
#include <optional>
#include <streambuf>
#include <unordered_map>
#include <unordered_set>

namespace npcheck::model::detail {

const RawNode* RawDocument::get(const RawNode& map, std::string_view key) const {
  if (map.type != RawType::map) {
    return nullptr;
  }
  for (std::uint32_t i = 0; i + 1 < map.child_count; i += 2) {
    const RawNode& k = child(map, i);
    if (k.type == RawType::scalar && k.value == key) {
      return &child(map, i + 1);
    }
  }
  return nullptr;
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Builds a RawDocument from a stream of events; shared by the YAML and JSON
// paths. Mappings are finished when they close: keys are spelt as JSON
// strings, merge keys expanded and duplicate keys reported (RawDocument).
class TreeBuilder {
public:
  TreeBuilder(RawDocument& doc, const LoadLimits& limits)
      : m_doc(doc), m_max_depth(limits.max_depth), m_max_merged(limits.max_alias_nodes) {}

  // Returns the new node's index, attached to the open container if any.
  std::uint32_t add(RawNode node) {
    auto index = static_cast<std::uint32_t>(m_doc.nodes.size());
    m_doc.nodes.push_back(std::move(node));
    attach(index);
    return index;
  }

  // Attaches a node an alias repeats.
  void attach_alias(std::uint32_t index) {
    m_aliased.insert(index);
    attach(index);
  }

  void attach(std::uint32_t index) {
    m_doc.empty = false;
    if (m_stack.empty()) {
      m_doc.root = index;
    } else {
      m_frames[m_stack.size() - 1].push_back(index);
    }
  }

  // Returns false when the nesting limit is exceeded.
  bool open(RawType type, int line, int column) {
    RawNode node;
    node.type = type;
    node.line = line;
    node.column = column;
    std::uint32_t index = add(std::move(node));
    if (static_cast<int>(m_stack.size()) >= m_max_depth) {
      return false;
    }
    m_stack.push_back(index);
    if (m_frames.size() < m_stack.size()) {
      m_frames.emplace_back();
    }
    m_frames[m_stack.size() - 1].clear();
    return true;
  }

  // Returns false when merge keys repeat more entries than the alias limit.
  bool close() {
    std::uint32_t index = m_stack.back();
    std::vector<std::uint32_t>& items = m_frames[m_stack.size() - 1];
    bool within_limit = true;
    if (m_doc.nodes[index].type == RawType::map) {
      within_limit = finish_map(items);
    }
    RawNode& node = m_doc.nodes[index];
    node.first_child = static_cast<std::uint32_t>(m_doc.children.size());
    node.child_count = static_cast<std::uint32_t>(items.size());
    m_doc.children.insert(m_doc.children.end(), items.begin(), items.end());
    m_stack.pop_back();
    return within_limit;
  }

  std::size_t depth() const { return m_stack.size(); }

  // A problem at node, with the path of the node last attached.
  void problem(const RawNode& node, std::string message) {
    m_doc.problems.push_back(RawProblem{node.line, node.column, path_of_last(m_stack.size()),
                                        std::move(message)});
  }

private:
  // The field path of the node last attached to the first depth open
  // containers (a key names itself).
  std::string path_of_last(std::size_t depth) const {
    std::string path;
    for (std::size_t d = 0; d < depth; ++d) {
      const std::vector<std::uint32_t>& frame = m_frames[d];
      if (frame.empty()) {
        break;
      }
      if (m_doc.nodes[m_stack[d]].type == RawType::seq) {
        path += '[' + std::to_string(frame.size() - 1) + ']';
        continue;
      }
      const std::size_t key = frame.size() % 2 == 1 ? frame.size() - 1 : frame.size() - 2;
      if (!path.empty()) {
        path += '.';
      }
      path += m_doc.nodes[frame[key]].value;
    }
    return path;
  }

  void map_problem(const RawNode& at, std::string message) {
    m_doc.problems.push_back(
        RawProblem{at.line, at.column, path_of_last(m_stack.size() - 1), std::move(message)});
  }

  // The JSON spelling of a mapping key (sigs.k8s.io/yaml), or nullopt after
  // reporting why the key cannot be one.
  std::optional<std::string> key_text(const RawNode& key) {
    if (key.type == RawType::null) {
      map_problem(key, "a null mapping key cannot be sent as JSON (kubectl refuses it)");
      return std::nullopt;
    }
    if (key.type != RawType::scalar) {
      map_problem(key, "a mapping or a list cannot be a mapping key (kubectl refuses it)");
      return std::nullopt;
    }
    if (key.kind == ScalarKind::string || key.kind == ScalarKind::timestamp) {
      return key.value;
    }
    ResolvedScalar resolved = resolve_plain(key.value);
    if (key.kind == ScalarKind::floating && resolved.kind == ScalarKind::integer) {
      resolved.kind = ScalarKind::floating; // !!float 1
      resolved.float_value = resolved.is_unsigned ? static_cast<double>(resolved.uint_value)
                                                  : static_cast<double>(resolved.int_value);
    }
    std::optional<std::string> text = json_key(resolved, key.value);
    if (!text) {
      map_problem(key, "mapping key '" + key.value + "' cannot be sent as JSON (kubectl refuses it)");
    }
    return text;
  }

  // The entries of a mapping as go-yaml v2 decodes it (see RawDocument).
  // The common case: every key a plain string, no merge key. Nothing to
  // rewrite, only duplicates to find. Returns false when the general path
  // is needed.
  bool finish_plain_map(const std::vector<std::uint32_t>& items) {
    for (std::size_t i = 0; i < items.size(); i += 2) {
      const RawNode& key = m_doc.nodes[items[i]];
      if (key.type != RawType::scalar || key.kind != ScalarKind::string) {
        return false;
      }
    }
    auto duplicate = [&](std::size_t first, std::size_t second) {
      const RawNode& a = m_doc.nodes[items[first]];
      map_problem(m_doc.nodes[items[second]], "duplicate key '" + a.value + "' (first at line " +
                                                  std::to_string(a.line) + ", column " +
                                                  std::to_string(a.column) + ")");
    };
    if (items.size() <= 32) {
      for (std::size_t j = 2; j < items.size(); j += 2) {
        for (std::size_t i = 0; i < j; i += 2) {
          if (m_doc.nodes[items[i]].value == m_doc.nodes[items[j]].value) {
            duplicate(i, j);
            break;
          }
        }
      }
      return true;
    }
    std::unordered_map<std::string_view, std::size_t> seen; // no node is added here
    for (std::size_t j = 0; j < items.size(); j += 2) {
      auto [it, inserted] = seen.emplace(m_doc.nodes[items[j]].value, j);
      if (!inserted) {
        duplicate(it->second, j);
      }
    }
    return true;
  }

  bool finish_map(std::vector<std::uint32_t>& items) {
    if (finish_plain_map(items)) {
      return true;
    }
    struct Slot {
      std::uint32_t key;   // node of the key, spelt as JSON
      std::uint32_t value;
      bool written = false; // an explicit entry of this mapping set it
    };
    std::vector<Slot> slots;
    // Most mappings are small: a linear search, and a hash index past that.
    constexpr std::size_t k_linear = 16;
    // (Owned keys: spelling a key adds a node, which may move the others.)
    std::unordered_map<std::string, std::size_t> by_key;
    auto find = [&](std::string_view text) -> std::optional<std::size_t> {
      if (slots.size() <= k_linear) {
        for (std::size_t i = 0; i < slots.size(); ++i) {
          if (m_doc.nodes[slots[i].key].value == text) {
            return i;
          }
        }
        return std::nullopt;
      }
      auto it = by_key.find(std::string(text));
      return it == by_key.end() ? std::nullopt : std::optional<std::size_t>(it->second);
    };
    bool within_limit = true;
    auto set = [&](std::uint32_t key, std::uint32_t value) -> Slot& {
      if (std::optional<std::size_t> at = find(m_doc.nodes[key].value)) {
        slots[*at].value = value;
        return slots[*at];
      }
      slots.push_back(Slot{key, value, false});
      if (slots.size() == k_linear + 1) {
        for (std::size_t i = 0; i < slots.size(); ++i) {
          by_key.emplace(m_doc.nodes[slots[i].key].value, i);
        }
      } else if (slots.size() > k_linear + 1) {
        by_key.emplace(m_doc.nodes[key].value, slots.size() - 1);
      }
      return slots.back();
    };
    auto merge_from = [&](std::uint32_t source, const RawNode& at, bool through_alias) {
      const RawNode& from = m_doc.nodes[source];
      if (std::find(m_stack.begin(), m_stack.end(), source) != m_stack.end()) {
        map_problem(at, "a merge key ('<<') merges a mapping that contains it");
        return;
      }
      if (from.type != RawType::map) {
        map_problem(at, "a merge key ('<<') needs a mapping or a list of mappings");
        return;
      }
      // A mapping written in place is merged once and costs what its text
      // does; one reached through an alias may be merged any number of
      // times, so its entries count against the alias limit.
      const bool repeat = through_alias;
      for (std::uint32_t i = 0; i + 1 < from.child_count; i += 2) {
        const std::uint32_t key = m_doc.children[from.first_child + i];
        set(key, m_doc.children[from.first_child + i + 1]);
        if (repeat && ++m_merged > m_max_merged) {
          within_limit = false;
          return;
        }
      }
    };
    for (std::size_t i = 0; i + 1 < items.size() && within_limit; i += 2) {
      const std::uint32_t key = items[i];
      const std::uint32_t value = items[i + 1];
      if (m_doc.nodes[key].type == RawType::scalar && m_doc.nodes[key].kind == ScalarKind::merge) {
        const RawNode& merged = m_doc.nodes[value];
        const bool value_aliased = m_aliased.count(value) != 0;
        if (merged.type == RawType::seq) {
          // Earlier mappings of the list take precedence: merge them last.
          for (std::uint32_t j = merged.child_count; j-- > 0 && within_limit;) {
            const std::uint32_t source = m_doc.children[merged.first_child + j];
            merge_from(source, m_doc.nodes[key], value_aliased || m_aliased.count(source) != 0);
          }
        } else {
          merge_from(value, m_doc.nodes[key], value_aliased);
        }
        continue;
      }
      std::optional<std::string> text = key_text(m_doc.nodes[key]);
      if (!text) {
        continue;
      }
      std::uint32_t key_node = key;
      if (*text != m_doc.nodes[key].value || m_doc.nodes[key].kind != ScalarKind::string) {
        RawNode spelt = m_doc.nodes[key];
        spelt.kind = ScalarKind::string;
        spelt.value = *text;
        key_node = static_cast<std::uint32_t>(m_doc.nodes.size());
        m_doc.nodes.push_back(std::move(spelt));
      }
      std::optional<std::size_t> found = find(*text);
      if (found && slots[*found].written) {
        const RawNode& first = m_doc.nodes[slots[*found].key];
        map_problem(m_doc.nodes[key], "duplicate key '" + *text + "' (first at line " +
                                          std::to_string(first.line) + ", column " +
                                          std::to_string(first.column) + ")");
        continue;
      }
      Slot& slot = set(key_node, value);
      slot.key = key_node;
      slot.written = true;
    }
    items.clear();
    for (const Slot& slot : slots) {
      items.push_back(slot.key);
      items.push_back(slot.value);
    }
    return within_limit;
  }

  RawDocument& m_doc;
  int m_max_depth;
  std::size_t m_max_merged;
  std::size_t m_merged = 0; // entries merged from mappings reached through aliases
  std::unordered_set<std::uint32_t> m_aliased; // nodes an alias repeats
  std::vector<std::uint32_t> m_stack;
  std::vector<std::vector<std::uint32_t>> m_frames;
};

// Stops parsing with a located message: a broken limit, or input that
// yaml-cpp would otherwise loop on.
struct LimitExceeded {
  int line;
  int column;
  std::string message;
};

std::string alias_limit_message(std::size_t limit) {
  return "YAML aliases repeat more than " + std::to_string(limit) +
         " nodes in this document (raise the limit with --max-alias-nodes)";
}

class YamlEvents : public YAML::EventHandler {
public:
  YamlEvents(std::vector<RawDocument>& out, int line_offset, const LoadLimits& limits)
      : m_out(out), m_line_offset(line_offset), m_limits(limits), m_max_documents(limits.max_objects) {}

  // The furthest position (bytes into the chunk) of an event so far: what
  // yaml-cpp has read beyond it, it holds as tokens.
  std::size_t furthest() const { return m_furthest; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    seen(mark);
    // yaml-cpp 0.7 never consumes a ',' after a top-level flow collection
    // ("[a],b") and reports empty documents at that place forever.
    if (mark.pos == m_last_document_start) {
      throw LimitExceeded{mark.line + m_line_offset, mark.column + 1,
                          "invalid YAML: unexpected text after the end of the document"};
    }
    m_last_document_start = mark.pos;
    // Every document is at least one object: a stream of millions of tiny
    // documents stops here, not after all of them are parsed.
    if (++m_documents > m_max_documents) {
      throw LimitExceeded{mark.line + m_line_offset, mark.column + 1,
                          too_many_objects_message(m_max_documents)};
    }
    m_out.emplace_back();
    m_builder.emplace(m_out.back(), m_limits);
    m_anchors.clear();
  }
  void OnDocumentEnd() override { m_builder.reset(); }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    seen(mark);
    remember(anchor, m_builder->add(make(RawType::null, mark)));
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    seen(mark);
    auto it = m_anchors.find(anchor);
    if (it == m_anchors.end()) {
      m_builder->add(make(RawType::null, mark));
    } else {
      m_builder->attach_alias(it->second);
    }
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    seen(mark);
    RawNode node = make(RawType::scalar, mark);
    node.value = value;
    std::string error;
    // yaml-cpp reports "?" for a plain scalar without a tag and "!" for a
    // quoted one (or the non-specific tag "!"), other tags in long form.
    if (tag == "?") {
      node.kind = value == "<<" ? ScalarKind::merge : resolve_plain(value).kind;
    } else if (tag != "!") {
      TaggedScalar tagged = resolve_tagged(tag, value);
      node.kind = tagged.value.kind;
      if (short_tag(tag) == "!!binary") {
        node.value = std::move(tagged.binary);
      }
      error = std::move(tagged.error);
    }
    if (node.kind == ScalarKind::null) {
      node.type = RawType::null;
      node.value.clear();
    }
    const std::uint32_t index = m_builder->add(std::move(node));
    remember(anchor, index);
    if (!error.empty()) {
      m_builder->problem(m_out.back().nodes[index], error);
    }
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(RawType::seq, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(RawType::map, mark, anchor);
  }
  void OnMapEnd() override { close(); }

private:
  RawNode make(RawType type, const YAML::Mark& mark) const {
    RawNode node;
    node.type = type;
    node.line = mark.line + m_line_offset;
    node.column = mark.column + 1;
    return node;
  }
  void seen(const YAML::Mark& mark) {
    if (mark.pos > 0) {
      m_furthest = std::max(m_furthest, static_cast<std::size_t>(mark.pos));
    }
  }
  void open(RawType type, const YAML::Mark& mark, YAML::anchor_t anchor) {
    seen(mark);
    if (!m_builder->open(type, mark.line + m_line_offset, mark.column + 1)) {
      throw LimitExceeded{mark.line + m_line_offset, mark.column + 1,
                          "nesting deeper than " + std::to_string(m_limits.max_depth) +
                              " levels (raise the limit with --max-depth)"};
    }
    const auto index = static_cast<std::uint32_t>(m_out.back().nodes.size() - 1);
    remember(anchor, index);
    m_open_marks.push_back(index);
  }
  void close() {
    const std::uint32_t index = m_open_marks.back();
    m_open_marks.pop_back();
    if (!m_builder->close()) {
      const RawNode& node = m_out.back().nodes[index];
      throw LimitExceeded{node.line, node.column, alias_limit_message(m_limits.max_alias_nodes)};
    }
  }
  void remember(YAML::anchor_t anchor, std::uint32_t index) {
    if (anchor != YAML::NullAnchor) {
      m_anchors[anchor] = index;
    }
  }

  std::vector<RawDocument>& m_out;
  int m_line_offset;
  const LoadLimits& m_limits;
  std::size_t m_max_documents;
  std::size_t m_documents = 0;
  std::size_t m_furthest = 0;
  std::optional<TreeBuilder> m_builder;
  std::unordered_map<YAML::anchor_t, std::uint32_t> m_anchors;
  std::vector<std::uint32_t> m_open_marks;
  int m_last_document_start = -1;
};

// Tracks the line and column of nlohmann-json's reading position.
struct TextPosition {
  int line = 1;
  int column = 1;
  int previous_line = 1;
  int previous_column = 1;
  const char* at = nullptr;
};

class CountingIterator {
public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator() = default;
  CountingIterator(const char* p, TextPosition* position) : m_p(p), m_position(position) {}

  reference operator*() const { return *m_p; }
  CountingIterator& operator++() {
    m_position->previous_line = m_position->line;
    m_position->previous_column = m_position->column;
    if (*m_p == '\n') {
      ++m_position->line;
      m_position->column = 1;
    } else {
      ++m_position->column;
    }
    ++m_p;
    m_position->at = m_p;
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator copy = *this;
    ++*this;
    return copy;
  }
  bool operator==(const CountingIterator& other) const { return m_p == other.m_p; }

private:
  const char* m_p = nullptr;
  TextPosition* m_position = nullptr;
};

class JsonEvents : public nlohmann::json_sax<nlohmann::json> {
public:
  JsonEvents(RawDocument& doc, const TextPosition& position, const char* begin, int line_offset,
             const LoadLimits& limits)
      : m_doc(doc), m_builder(doc, limits), m_position(position), m_begin(begin),
        m_line_offset(line_offset), m_max_depth(limits.max_depth) {}

  bool null() override { return scalar_literal("null", 4, RawType::null); }
  bool boolean(bool value) override {
    return value ? scalar_literal("true", 4, RawType::scalar) : scalar_literal("false", 5, RawType::scalar);
  }
  bool number_integer(number_integer_t value) override { return number(std::to_string(value)); }
  bool number_unsigned(number_unsigned_t value) override { return number(std::to_string(value)); }
  bool number_float(number_float_t, const string_t& text) override { return number(text); }
  bool string(string_t& value) override {
    RawNode node = at_end(token_length(), false);
    node.type = RawType::scalar;
    node.kind = ScalarKind::string;
    node.value = std::move(value);
    m_builder.add(std::move(node));
    return true;
  }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override { return open(RawType::map); }
  bool key(string_t& value) override { return string(value); }
  bool end_object() override {
    m_builder.close(); // JSON has no merge keys: never past a limit
    return true;
  }
  bool start_array(std::size_t) override { return open(RawType::seq); }
  bool end_array() override {
    m_builder.close();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) override {
    m_error = ex.what();
    return false;
  }

  const std::string& error() const { return m_error; }
  std::optional<LimitExceeded> limit;

private:
  // Bytes of the string token that ends at the current position, quotes
  // included: the decoded value is shorter when it has escapes.
  // The opening quote is the nearest '"' before the closing one that is not
  // escaped, i.e. preceded by an even number of backslashes; a JSON string
  // holds no raw newline, so the token is on the current line.
  int token_length() const {
    const char* close = m_position.at - 1;
    const char* p = close;
    while (p > m_begin) {
      --p;
      if (*p != '"') {
        continue;
      }
      const char* q = p;
      while (q > m_begin && *(q - 1) == '\\') {
        --q;
      }
      if ((p - q) % 2 == 0) {
        break;
      }
    }
    return static_cast<int>(m_position.at - p);
  }

  // Position of a token that ended at the current position (or, for numbers,
  // one character before it: the lexer reads one character ahead).
  RawNode at_end(int length, bool lookahead) const {
    RawNode node;
    int line = lookahead ? m_position.previous_line : m_position.line;
    int column = lookahead ? m_position.previous_column : m_position.column;
    node.line = line + m_line_offset - 1;
    node.column = std::max(1, column - length);
    return node;
  }
  bool scalar_literal(const char* text, int length, RawType type) {
    RawNode node = at_end(length, false);
    node.type = type;
    if (type == RawType::scalar) {
      node.kind = ScalarKind::boolean;
      node.value = text;
    }
    m_builder.add(std::move(node));
    return true;
  }
  bool number(std::string text) {
    RawNode node = at_end(static_cast<int>(text.size()), true);
    node.type = RawType::scalar;
    node.kind = resolve_plain(text).kind;
    node.value = std::move(text);
    const bool in_range = node.kind == ScalarKind::integer || node.kind == ScalarKind::floating;
    const RawNode& added = m_doc.nodes[m_builder.add(std::move(node))];
    if (!in_range) {
      // A number YAML would read as a string overflows a double: kubectl's
      // JSON decoding refuses it.
      m_builder.problem(added, "number '" + added.value + "' is out of range");
    }
    return true;
  }
  bool open(RawType type) {
    RawNode where = at_end(1, false);
    if (!m_builder.open(type, where.line, where.column)) {
      limit = LimitExceeded{where.line, where.column,
                            "nesting deeper than " + std::to_string(m_max_depth) +
                                " levels (raise the limit with --max-depth)"};
      return false;
    }
    return true;
  }

  RawDocument& m_doc;
  TreeBuilder m_builder;
  const TextPosition& m_position;
  const char* m_begin; // of the chunk's text
  int m_line_offset;
  int m_max_depth;
  std::string m_error;
};

// nlohmann's messages read "[json.exception.parse_error.101] parse error at line 1,
// column 5: syntax error while parsing value - invalid literal; last read: 'tru'".
std::string json_message(const std::string& what) {
  std::string text = what;
  std::size_t colon = text.find(": ", text.find("parse error"));
  if (colon != std::string::npos) {
    text = text.substr(colon + 2);
  }
  return "invalid JSON: " + text;
}

Diagnostic syntax_error(const Chunk& chunk, int line, int column, std::string message) {
  Diagnostic d;
  d.severity = Severity::error;
  d.where = SourceLocation{chunk.file, line, column};
  d.message = std::move(message);
  return d;
}

// The 1-based line and column of text[offset] in chunk's file.
std::pair<int, int> position_of(const Chunk& chunk, std::size_t offset) {
  std::string_view before = chunk.text.substr(0, offset);
  std::size_t line_start = before.rfind('\n');
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  auto lines = static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  return {chunk.first_line + lines, static_cast<int>(offset - line_start) + 1};
}

bool is_document_marker(std::string_view line) {
  return line.size() >= 3 && line.substr(0, 3) == "---" &&
         (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
}

// The first byte of text that is not blank, not a comment line and not a "---" line.
std::size_t first_significant(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t eol = text.find('\n', i);
    std::string_view line = text.substr(i, eol == std::string_view::npos ? text.npos : eol - i);
    std::size_t j = 0;
    while (j < line.size() && is_space(line[j])) {
      ++j;
    }
    bool skip = j == line.size() || line[j] == '#' || (j == 0 && is_document_marker(line));
    if (!skip) {
      return i + j;
    }
    if (eol == std::string_view::npos) {
      break;
    }
    i = eol + 1;
  }
  return text.size();
}

// How a chunk's JSON reading ended.
struct JsonOutcome {
  bool ok = false;
  bool limit = false; // a limit, not the syntax, stopped it
  Diagnostic error;
};

JsonOutcome parse_json(const Chunk& chunk, const LoadLimits& limits, std::vector<RawDocument>& out) {
  const char* begin = chunk.text.data();
  const char* end = begin + chunk.text.size();
  TextPosition position;
  position.at = begin;
  std::size_t first_new = out.size();
  const char* start = begin + first_significant(chunk.text);
  while (position.at != start) {
    CountingIterator it(position.at, &position);
    ++it;
  }
  JsonOutcome outcome;
  std::size_t documents = 0;
  while (true) {
    while (position.at != end && is_space(*position.at)) {
      CountingIterator it(position.at, &position);
      ++it;
    }
    if (position.at == end) {
      outcome.ok = true;
      return outcome;
    }
    if (++documents > limits.max_objects) {
      out.resize(first_new);
      outcome.limit = true;
      outcome.error = syntax_error(chunk, position.line + chunk.first_line - 1, position.column,
                                   too_many_objects_message(limits.max_objects));
      return outcome;
    }
    out.emplace_back();
    JsonEvents events(out.back(), position, begin, chunk.first_line, limits);
    CountingIterator first(position.at, &position);
    CountingIterator last(end, &position);
    bool ok = nlohmann::json::sax_parse(first, last, &events, nlohmann::json::input_format_t::json,
                                        false);
    if (!ok) {
      out.resize(first_new);
      if (events.limit) {
        outcome.limit = true;
        outcome.error = syntax_error(chunk, events.limit->line, events.limit->column, events.limit->message);
      } else {
        outcome.error = syntax_error(chunk, position.line + chunk.first_line - 1, position.column,
                                     json_message(events.error()));
      }
      return outcome;
    }
  }
}

// ---- flow collections in YAML ---------------------------------------------

// Where the flow collections of a YAML text are, found by a scan that knows
// just enough YAML: quoted scalars, comments, block scalars and the places
// where a node (and so a flow collection) may start. It errs on the side of
// seeing fewer flow collections (a block scalar's end is found by
// indentation alone), which can only let yaml-cpp use more memory, never
// make a valid document fail.
struct FlowScan {
  // Offset of the first '[' or '{' nested deeper than max_depth flow levels,
  // and the brackets that close every flow collection open there.
  std::size_t too_deep = std::string_view::npos;
  std::string closers;
  // [start, end) of the outermost flow collections longer than long_bytes
  // (an unclosed one ends with the text).
  std::vector<std::pair<std::size_t, std::size_t>> long_flows;
};

bool blank_or_end(std::string_view text, std::size_t i) {
  return i >= text.size() || text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r';
}

// The offset just past the quoted scalar that opens at text[i].
std::size_t skip_quoted(std::string_view text, std::size_t i) {
  const char quote = text[i];
  for (std::size_t j = i + 1; j < text.size(); ++j) {
    if (quote == '"' && text[j] == '\\') {
      ++j;
    } else if (text[j] == quote) {
      if (quote == '\'' && j + 1 < text.size() && text[j + 1] == '\'') {
        ++j; // '' is an escaped quote
        continue;
      }
      return j + 1;
    }
  }
  return text.size();
}

std::size_t end_of_line(std::string_view text, std::size_t i) {
  std::size_t eol = text.find('\n', i);
  return eol == std::string_view::npos ? text.size() : eol;
}

FlowScan scan_flows(std::string_view text, int max_depth, std::size_t long_bytes) {
  FlowScan scan;
  if (text.find_first_of("[{") == std::string_view::npos) {
    return scan;
  }
  const std::size_t n = text.size();
  std::size_t i = 0;
  int depth = 0;             // flow nesting at i
  std::string open;          // the brackets open at i, while depth <= max_depth + 1
  auto too_deep = [&](std::size_t at) {
    scan.too_deep = at;
    scan.closers.assign(open.rbegin(), open.rend());
    for (char& bracket : scan.closers) {
      bracket = bracket == '[' ? ']' : '}';
    }
    return scan;
  };
  std::size_t flow_start = 0; // of the outermost open flow collection
  bool node_start = true;    // a node (so a quoted scalar or a collection) may start at i
  std::size_t line_indent = 0;
  bool line_start = true;
  bool plain_last = false;          // the last token of the line so far is a plain scalar
  std::size_t plain_indent = 0;     // indentation of the line where it is
  bool continuation = false;        // the line may continue a plain scalar
  while (i < n) {
    const char c = text[i];
    if (depth == 0 && line_start) {
      std::size_t j = i;
      while (j < n && text[j] == ' ') {
        ++j;
      }
      line_indent = j - i;
      line_start = false;
      // A more indented line after a plain scalar continues it: "[" there is text.
      node_start = !(continuation && line_indent > plain_indent);
      plain_last = plain_last && !node_start;
      i = j;
      if (line_indent == 0 && text.substr(i, 3) == "---" && blank_or_end(text, i + 3)) {
        i += 3;
        node_start = true;
        plain_last = false;
      }
      continue;
    }
    if (c == '\n') {
      ++i;
      if (depth == 0) {
        line_start = true;
        continuation = plain_last;
        if (plain_last) {
          plain_indent = std::min(plain_indent, line_indent);
        }
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
      i = end_of_line(text, i);
      continue;
    }
    if ((c == '\'' || c == '"') && node_start) {
      i = skip_quoted(text, i);
      node_start = false;
      plain_last = false;
      continue;
    }
    if ((c == '&' || c == '!') && node_start) {
      while (!blank_or_end(text, i) && text[i] != ',' && text[i] != ']' && text[i] != '}') {
        ++i;
      }
      continue;
    }
    if (depth == 0) {
      if ((c == '|' || c == '>') && node_start) {
        // A block scalar: its lines are blank or indented more than this one.
        i = end_of_line(text, i);
        while (i < n) {
          std::size_t next = i + 1;
          std::size_t j = next;
          while (j < n && text[j] == ' ') {
            ++j;
          }
          bool blank = j >= n || text[j] == '\n' || text[j] == '\r';
          if (next >= n || (!blank && j - next <= line_indent)) {
            break;
          }
          i = end_of_line(text, j);
        }
        node_start = false;
        plain_last = false;
        continue;
      }
      if ((c == '[' || c == '{') && node_start) {
        depth = 1;
        flow_start = i;
        open.assign(1, c);
        if (depth > max_depth) {
          return too_deep(i);
        }
        node_start = true;
        plain_last = false;
        ++i;
        continue;
      }
      if ((c == '-' || c == '?' || c == ':') && blank_or_end(text, i + 1)) {
        node_start = true;
        plain_last = false;
        ++i;
        continue;
      }
      if (!plain_last) {
        plain_indent = line_indent;
      }
      plain_last = true;
      node_start = false;
      ++i;
      continue;
    }
    // Inside a flow collection: plain scalars hold no flow indicator.
    if (c == '[' || c == '{') {
      open += c;
      if (++depth > max_depth) {
        return too_deep(i);
      }
      node_start = true;
    } else if (c == ']' || c == '}') {
      open.pop_back();
      if (--depth == 0) {
        if (i + 1 - flow_start > long_bytes) {
          scan.long_flows.emplace_back(flow_start, i + 1);
        }
        plain_last = false;
      }
      node_start = false;
    } else {
      node_start = c == ',' || c == ':' || (c == '?' && blank_or_end(text, i + 1));
    }
    ++i;
  }
  if (depth > 0 && n - flow_start > long_bytes) {
    scan.long_flows.emplace_back(flow_start, n);
  }
  return scan;
}

// yaml-cpp's input: the chunk's bytes as they are (no copy), handed out in
// windows so that, between two windows, the reader can check how much
// yaml-cpp holds.
class ChunkStreamBuffer : public std::streambuf {
public:
  // check(served) runs before each window after the first; windows are a
  // quarter of max_flow_bytes (at most 64 KiB), so that the limit holds to
  // within a quarter.
  ChunkStreamBuffer(std::string_view text, std::size_t max_flow_bytes, std::function<void(std::size_t)> check)
      : m_text(text), m_window(std::clamp<std::size_t>(max_flow_bytes / 4, 1, 64 * 1024)),
        m_check(std::move(check)) {
    char* begin = const_cast<char*>(m_text.data()); // never written: no put area, no putback
    setg(begin, begin, begin);
  }

protected:
  int_type underflow() override {
    if (gptr() < egptr()) {
      return traits_type::to_int_type(*gptr());
    }
    const auto served = static_cast<std::size_t>(egptr() - eback());
    if (served >= m_text.size()) {
      return traits_type::eof();
    }
    m_check(served);
    const std::size_t next = std::min(m_text.size(), served + m_window);
    setg(eback(), eback() + served, eback() + next);
    return traits_type::to_int_type(*gptr());
  }
  int_type pbackfail(int_type) override { return traits_type::eof(); }

private:
  std::string_view m_text;
  std::size_t m_window;
  std::function<void(std::size_t)> m_check;
};

std::string flow_too_long_message(std::size_t max_flow_bytes) {
  return "YAML flow collection ([...] or {...}) longer than " + std::to_string(max_flow_bytes) +
         " bytes (write it in block style or as a JSON document, or raise the limit with "
         "--max-flow-size)";
}

// How a chunk's YAML reading ended.
struct YamlOutcome {
  bool ok = true;
  bool limit = false;      // a limit, not the syntax, stopped it
  bool flow_limit = false; // that limit: a long flow collection
  std::size_t error_offset = 0; // of a syntax error, in the text read
  Diagnostic error;
};

// Reads text (the chunk's, or a cut of it) with yaml-cpp, checking at every
// window that it holds no more than max_flow_bytes of one long flow
// collection of flows without reporting an event.
YamlOutcome run_yaml(const Chunk& chunk, std::string_view text, const FlowScan& flows,
                     const LoadLimits& limits, std::vector<RawDocument>& out) {
  YamlOutcome outcome;
  YamlEvents events(out, chunk.first_line, limits);
  ChunkStreamBuffer buffer(text, limits.max_flow_bytes, [&](std::size_t served) {
    const std::size_t held_from = events.furthest();
    if (served <= held_from || served - held_from <= limits.max_flow_bytes) {
      return;
    }
    for (const auto& [start, end] : flows.long_flows) {
      const std::size_t from = std::max(start, held_from);
      const std::size_t to = std::min(end, served);
      if (to > from && to - from > limits.max_flow_bytes) {
        auto [line, column] = position_of(chunk, start);
        outcome.flow_limit = true;
        throw LimitExceeded{line, column, flow_too_long_message(limits.max_flow_bytes)};
      }
    }
  });
  std::istream stream(&buffer);
  // An exception from the buffer reaches the reader, not a stream state.
  stream.exceptions(std::ios::badbit);
  std::size_t first_new = out.size();
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(events)) {
    }
  } catch (const LimitExceeded& limit) {
    out.resize(first_new);
    outcome.ok = false;
    outcome.limit = true;
    outcome.error = syntax_error(chunk, limit.line, limit.column, limit.message);
  } catch (const YAML::Exception& ex) {
    out.resize(first_new);
    outcome.ok = false;
    int line = ex.mark.is_null() ? 0 : ex.mark.line + chunk.first_line;
    int column = ex.mark.is_null() ? 0 : ex.mark.column + 1;
    outcome.error_offset = ex.mark.is_null() ? text.size() : static_cast<std::size_t>(ex.mark.pos);
    outcome.error = syntax_error(chunk, line, column, "invalid YAML: " + ex.msg);
  }
  return outcome;
}

YamlOutcome parse_yaml(const Chunk& chunk, const LoadLimits& limits, std::vector<RawDocument>& out) {
  const FlowScan flows = scan_flows(chunk.text, limits.max_depth, limits.max_flow_bytes);
  if (flows.too_deep != std::string_view::npos) {
    // Up to the bracket that breaks the limit, then closed: yaml-cpp reports
    // the depth having held only that much. Should the scan have been wrong
    // (no depth error there), the whole chunk is read after all.
    const std::string cut = std::string(chunk.text.substr(0, flows.too_deep + 1)) + flows.closers;
    std::size_t first_new = out.size();
    YamlOutcome outcome = run_yaml(chunk, cut, flows, limits, out);
    if (outcome.limit || (!outcome.ok && outcome.error_offset <= flows.too_deep)) {
      return outcome;
    }
    out.resize(first_new);
    if (!outcome.ok) {
      // The closers did not fit what the scan saw: report what it found.
      auto [line, column] = position_of(chunk, flows.too_deep);
      outcome.error = syntax_error(chunk, line, column,
                                   "nesting deeper than " + std::to_string(limits.max_depth) +
                                       " levels (raise the limit with --max-depth)");
      return outcome;
    }
  }
  return run_yaml(chunk, chunk.text, flows, limits, out);
}

bool is_json_file(const std::string& name) {
  return name.size() >= 5 && name.compare(name.size() - 5, 5, ".json") == 0;
}

} // namespace

std::string too_many_objects_message(std::size_t max_objects) {
  return "more than " + std::to_string(max_objects) + " objects (raise the limit with --max-objects)";
}

std::vector<Chunk> split_documents(std::shared_ptr<const std::string> file, std::string_view text) {
  std::vector<Chunk> chunks;
  const bool strict_json = file && is_json_file(*file);
  std::size_t start = first_significant(text);
  const bool json_text = start < text.size() && (text[start] == '{' || text[start] == '[');
  if (strict_json) {
    // A JSON file is a JSON stream: no "---" lines, no YAML.
    chunks.push_back(Chunk{file, text, 1, json_text, true});
    return chunks;
  }
  std::size_t chunk_start = 0;
  int chunk_line = 1;
  int line_number = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t eol = text.find('\n', i);
    std::string_view line = text.substr(i, eol == std::string_view::npos ? text.npos : eol - i);
    if (i > chunk_start && is_document_marker(line)) {
      chunks.push_back(Chunk{file, text.substr(chunk_start, i - chunk_start), chunk_line, false});
      chunk_start = i;
      chunk_line = line_number;
    }
    if (eol == std::string_view::npos) {
      break;
    }
    i = eol + 1;
    ++line_number;
  }
  chunks.push_back(Chunk{file, text.substr(chunk_start), chunk_line, false});
  for (Chunk& chunk : chunks) {
    std::size_t at = first_significant(chunk.text);
    chunk.json = at < chunk.text.size() && (chunk.text[at] == '{' || chunk.text[at] == '[');
  }
  return chunks;
}

void parse_chunk(const Chunk& chunk, const LoadLimits& limits, std::vector<RawDocument>& out,
                 std::vector<Diagnostic>& errors) {
  if (!chunk.json && !chunk.strict_json) {
    YamlOutcome yaml = parse_yaml(chunk, limits, out);
    if (!yaml.ok) {
      errors.push_back(std::move(yaml.error));
    }
    return;
  }
  JsonOutcome json = parse_json(chunk, limits, out);
  if (json.ok) {
    return;
  }
  if (json.limit || chunk.strict_json) {
    // A limit holds whatever the syntax; a .json file is JSON only (its
    // trailing commas and NaN are errors, as kubectl reports them).
    errors.push_back(std::move(json.error));
    return;
  }
  // JSON is YAML too: a document that only looks like JSON (a YAML flow
  // mapping with unquoted keys) gets a second chance through yaml-cpp. When
  // both fail, the error of the reader that got further is the one that
  // understood the document; a tie, or a flow collection too long for
  // yaml-cpp, keeps the JSON one.
  std::size_t before = out.size();
  YamlOutcome yaml = parse_yaml(chunk, limits, out);
  if (yaml.ok) {
    return;
  }
  out.resize(before);
  auto place = [](const Diagnostic& d) { return std::make_pair(d.where.line, d.where.column); };
  if (yaml.flow_limit) {
    json.error.message += " (read as YAML: " + yaml.error.message + ")";
  }
  const bool yaml_further = !yaml.flow_limit && place(yaml.error) > place(json.error);
  errors.push_back(yaml_further ? std::move(yaml.error) : std::move(json.error));
}

} // namespace npcheck::model::detail
