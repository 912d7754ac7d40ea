// SPDX-License-Identifier: Apache-2.0
//
// The lint section of the configuration file (lint_config.hpp), read with the
// manifest reader's parser so that a mistake is located as in a manifest.
// The file is small and hand-written: the first mistake stops the command
// (exit status 2), as a bad option does.

#include <npcheck/model/lint_config.hpp>

#include "field_path.hpp"
#include "input_reader.hpp"
#include "raw_document.hpp"

#include <npcheck/model/error.hpp>
#include <npcheck/model/suggest.hpp>

#include <fnmatch.h>

#include <algorithm>
#include <memory>

namespace npcheck::model {

namespace {

using detail::RawDocument;
using detail::RawNode;
using detail::RawType;

constexpr std::string_view k_sections[] = {"lint"};
constexpr std::string_view k_lint_fields[] = {"disable", "severity", "ignore-paths"};

class ConfigReader {
public:
  ConfigReader(const RawDocument& doc, const std::shared_ptr<const std::string>& file, LintConfig& out)
      : m_doc(doc), m_file(file), m_out(out) {}

  void read() {
    if (m_doc.empty || m_doc.node(m_doc.root).type == RawType::null) {
      return;
    }
    const RawNode& root = m_doc.node(m_doc.root);
    expect_map(&root, "the file", "a mapping with 'lint'");
    check_keys(root, "", k_sections);
    const RawNode* section = m_doc.get(root, "lint");
    if (section == nullptr || section->type == RawType::null) {
      return;
    }
    expect_map(section, "lint", "a mapping");
    check_keys(*section, "lint.", k_lint_fields);
    if (const RawNode* list = m_doc.get(*section, "disable")) {
      m_out.disable = strings(*list, "lint.disable");
    }
    if (const RawNode* map = m_doc.get(*section, "severity"); map && map->type != RawType::null) {
      expect_map(map, "lint.severity", "a mapping of check to severity");
      for (std::uint32_t i = 0; i + 1 < map->child_count; i += 2) {
        const RawNode& key = m_doc.child(*map, i);
        const RawNode& value = m_doc.child(*map, i + 1);
        if (value.type != RawType::scalar) {
          fail(value, "lint.severity." + key.value + ": expected info, warning or error");
        }
        m_out.severity.emplace_back(ConfigValue{key.value, at(key)}, ConfigValue{value.value, at(value)});
      }
    }
    if (const RawNode* list = m_doc.get(*section, "ignore-paths")) {
      m_out.ignore_paths = strings(*list, "lint.ignore-paths");
    }
  }

private:
  SourceLocation at(const RawNode& node) const { return SourceLocation{m_file, node.line, node.column}; }

  [[noreturn]] void fail(const RawNode& node, const std::string& message) const {
    throw Error(at(node), message);
  }

  const RawNode* expect_map(const RawNode* node, const std::string& what, const std::string& expected) const {
    if (node->type != RawType::map) {
      fail(*node, what + ": expected " + expected + ", found " + detail::type_name(*node));
    }
    return node;
  }

  template <std::size_t N>
  void check_keys(const RawNode& map, const std::string& prefix, const std::string_view (&known)[N]) const {
    for (std::uint32_t i = 0; i + 1 < map.child_count; i += 2) {
      const RawNode& key = m_doc.child(map, i);
      if (std::find(std::begin(known), std::end(known), key.value) != std::end(known)) {
        continue;
      }
      std::string message = prefix + key.value + ": unknown field";
      if (std::optional<std::string> best = nearest(key.value, known, 2)) {
        message += " (did you mean '" + *best + "'?)";
      } else {
        std::string names;
        for (std::string_view k : known) {
          names += (names.empty() ? "" : ", ") + std::string(k);
        }
        message += " (expected " + names + ")";
      }
      fail(key, message);
    }
  }

  // A list of strings, or one string (a comma-separated list of ids is
  // split by the caller).
  std::vector<ConfigValue> strings(const RawNode& node, const std::string& what) const {
    std::vector<ConfigValue> values;
    if (node.type == RawType::null) {
      return values;
    }
    if (node.type == RawType::scalar) {
      values.push_back(ConfigValue{node.value, at(node)});
      return values;
    }
    if (node.type != RawType::seq) {
      fail(node, what + ": expected a list, found " + detail::type_name(node));
    }
    for (std::uint32_t i = 0; i < node.child_count; ++i) {
      const RawNode& item = m_doc.child(node, i);
      if (item.type != RawType::scalar) {
        fail(item, what + '[' + std::to_string(i) + "]: expected a string, found " + detail::type_name(item));
      }
      values.push_back(ConfigValue{item.value, at(item)});
    }
    return values;
  }

  const RawDocument& m_doc;
  const std::shared_ptr<const std::string>& m_file;
  LintConfig& m_out;
};

// path made absolute and normal, without a trailing separator ("" is ".").
std::filesystem::path normal_absolute(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path result =
      std::filesystem::absolute(path.empty() ? std::filesystem::path(".") : path, ec).lexically_normal();
  if (!result.has_filename() && result.has_parent_path() && result != result.root_path()) {
    result = result.parent_path();
  }
  return result;
}

LintConfig read(std::shared_ptr<const std::string> name, std::string_view text, const LoadLimits& limits) {
  LintConfig config;
  config.file = *name;
  config.directory = normal_absolute(std::filesystem::path(*name).parent_path());
  std::vector<Diagnostic> errors;
  std::size_t documents = 0;
  for (const detail::Chunk& chunk : detail::split_documents(name, text)) {
    std::vector<RawDocument> docs;
    detail::parse_chunk(chunk, limits, docs, errors);
    if (!errors.empty()) {
      throw Error(errors.front().where, errors.front().message);
    }
    for (const RawDocument& doc : docs) {
      if (!doc.problems.empty()) {
        const detail::RawProblem& p = doc.problems.front();
        throw Error(SourceLocation{name, p.line, p.column},
                    (p.path.empty() ? std::string() : p.path + ": ") + p.message);
      }
      if (!doc.empty && ++documents > 1) {
        throw Error(SourceLocation{name, doc.node(doc.root).line, doc.node(doc.root).column},
                    "a configuration file holds one document");
      }
      ConfigReader(doc, name, config).read();
    }
  }
  return config;
}

} // namespace

bool LintConfig::ignored(std::string_view finding_file) const {
  if (finding_file.empty() || ignore_paths.empty()) {
    return false;
  }
  const std::string relative =
      normal_absolute(std::filesystem::path(finding_file)).lexically_relative(directory).generic_string();
  if (relative.empty() || relative.rfind("..", 0) == 0) {
    return false;
  }
  for (const ConfigValue& entry : ignore_paths) {
    std::string pattern = entry.text;
    while (pattern.size() > 2 && pattern.rfind("./", 0) == 0) {
      pattern.erase(0, 2);
    }
    while (!pattern.empty() && pattern.back() == '/') {
      pattern.pop_back();
    }
    if (pattern.empty()) {
      continue;
    }
    if (::fnmatch(pattern.c_str(), relative.c_str(), 0) == 0 ||
        relative.rfind(pattern + '/', 0) == 0) {
      return true;
    }
  }
  return false;
}

LintConfig load_lint_config(const std::string& path, const LoadLimits& limits) {
  auto name = std::make_shared<const std::string>(path);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(SourceLocation{name, 0, 0}, "is a directory (expected a configuration file)");
  }
  if (!std::filesystem::exists(path, ec)) {
    throw Error(SourceLocation{name, 0, 0}, "no such file");
  }
  InputBudget budget(limits.max_input_bytes);
  const std::string text = detail::read_input_file(path, name, limits, budget);
  return read(std::move(name), text, limits);
}

LintConfig read_lint_config(std::string_view text, const std::string& file_name) {
  return read(std::make_shared<const std::string>(file_name), text, LoadLimits{});
}

std::optional<std::string> find_lint_config(const std::filesystem::path& start) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(start, ec);
  if (ec) {
    return std::nullopt;
  }
  for (;;) {
    const std::filesystem::path candidate = dir / ".npcheck.yaml";
    if (std::filesystem::is_regular_file(candidate, ec)) {
      // Named relative to start, as the files given on the command line are.
      const std::filesystem::path relative =
          candidate.lexically_relative(std::filesystem::absolute(start, ec));
      return relative.empty() ? candidate.string() : relative.string();
    }
    if (std::filesystem::exists(dir / ".git", ec) || !dir.has_parent_path() || dir.parent_path() == dir) {
      return std::nullopt;
    }
    dir = dir.parent_path();
  }
}

} // namespace npcheck::model
