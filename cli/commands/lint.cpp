// SPDX-License-Identifier: Apache-2.0
//
// npcheck lint: mistakes in valid manifests, as text, JSON or SARIF 2.1.0.
// Unlike the other commands, lint does not stop at validation errors: it
// reports them as findings (NP000) and lints the objects that remain. Only
// input that cannot be read at all (model::Error) is exit status 2.
#include "commands.hpp"
#include "json_format.hpp"

#include <npcheck/analyzer/lint.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/error.hpp>
#include <npcheck/model/lint_config.hpp>
#include <npcheck/model/suggest.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <iomanip>
#include <optional>
#include <ostream>
#include <sstream>

namespace npcheck::cli {

namespace {

struct LintCommandOptions {
  InputOptions input;
  std::string format = "text";
  std::vector<std::string> disabled;
  std::string fail_on = "warning";
  bool list = false;
  std::string config;     // --config FILE
  bool no_config = false; // --no-config
};

using analyzer::Finding;
using analyzer::LintSeverity;

LintSeverity parse_severity(const std::string& text) {
  if (text == "error") {
    return LintSeverity::error;
  }
  return text == "info" ? LintSeverity::info : LintSeverity::warning;
}

// SARIF levels: error, warning, note.
const char* sarif_level(LintSeverity severity) {
  switch (severity) {
  case LintSeverity::error:
    return "error";
  case LintSeverity::warning:
    return "warning";
  case LintSeverity::info:
    return "note";
  }
  return "warning";
}

// A relative path as a URI reference (percent-encoding what RFC 3986 does not
// allow unescaped); absolute paths become file:// URIs.
std::string path_uri(const std::string& path) {
  std::string uri = !path.empty() && path.front() == '/' ? "file://" : "";
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || std::string_view("-._~/!$&'()*+,;=:@").find(static_cast<char>(c)) !=
                               std::string_view::npos) {
      uri += static_cast<char>(c);
    } else {
      static constexpr char k_hex[] = "0123456789ABCDEF";
      uri += '%';
      uri += k_hex[c >> 4];
      uri += k_hex[c & 15];
    }
  }
  return uri;
}

void print_text(const std::vector<Finding>& findings, std::ostream& out) {
  std::array<std::size_t, 3> counts{};
  for (const Finding& f : findings) {
    const std::string place = f.where.to_string();
    out << (place.empty() ? std::string("npcheck") : place) << ": " << analyzer::to_string(f.severity)
        << ": ";
    if (!f.object.empty()) {
      out << f.object << ": ";
    }
    out << f.message << " [" << f.check->id << ' ' << f.check->name << "]\n";
    if (!f.hint.empty()) {
      out << "  hint: " << f.hint << '\n';
    }
    ++counts[static_cast<std::size_t>(f.severity)];
  }
  if (findings.empty()) {
    out << "no findings\n";
    return;
  }
  auto count = [](std::size_t n, const char* word) {
    return std::to_string(n) + ' ' + word + (n == 1 ? "" : "s");
  };
  out << count(findings.size(), "finding") << ": " << count(counts[2], "error") << ", "
      << count(counts[1], "warning") << ", " << counts[0] << " info\n";
}

void print_json(const std::vector<Finding>& findings, const model::Inventory& inventory, std::ostream& out) {
  nlohmann::json list = nlohmann::json::array();
  std::array<std::size_t, 3> counts{};
  for (const Finding& f : findings) {
    nlohmann::json j;
    j["id"] = f.check->id;
    j["check"] = f.check->name;
    j["severity"] = analyzer::to_string(f.severity);
    j["file"] = f.where.file_name();
    j["line"] = f.where.line;
    j["column"] = f.where.column;
    j["object"] = f.object;
    j["message"] = f.message;
    j["hint"] = f.hint;
    list.push_back(std::move(j));
    ++counts[static_cast<std::size_t>(f.severity)];
  }
  nlohmann::json root;
  root["findings"] = std::move(list);
  root["summary"] = {{"error", counts[2]}, {"warning", counts[1]}, {"info", counts[0]}};
  add_unmodelled_policies(root, inventory);
  write_json(out, root);
}

// The man page section of a check, as a man: URI (the scheme of systemd's
// Documentation= and of man-db): man:npcheck(1)#NP101.
std::string help_uri(const analyzer::LintCheck& check) {
  return "man:npcheck(1)#" + std::string(check.id);
}

// text without the line and column numbers of the locations it names
// ("a.yaml:23:5" -> "a.yaml"), so that moving unrelated lines keeps it.
std::string without_positions(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == ':' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      std::size_t j = i + 1;
      while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) {
        ++j;
      }
      if (j + 1 < text.size() && text[j] == ':' && std::isdigit(static_cast<unsigned char>(text[j + 1]))) {
        j += 1;
        while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) {
          ++j;
        }
        i = j; // drop ":line:column"
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

// SARIF partialFingerprints: the same finding keeps its fingerprint across
// runs and across edits that move it (check, file, object and message
// without line numbers; FNV-1a, 64 bits, in hex).
std::string fingerprint(const Finding& f) {
  std::uint64_t hash = 14695981039346656037ull;
  auto add = [&hash](std::string_view text) {
    for (unsigned char c : text) {
      hash = (hash ^ c) * 1099511628211ull;
    }
    hash = (hash ^ 0xffu) * 1099511628211ull; // field separator
  };
  add(f.check->id);
  add(f.where.file_name());
  add(f.object);
  add(without_positions(f.message));
  std::ostringstream hex;
  hex << std::hex << std::setw(16) << std::setfill('0') << hash;
  return hex.str();
}

void print_sarif(const std::vector<Finding>& findings, const model::Inventory& inventory, std::ostream& out) {
  nlohmann::json rules = nlohmann::json::array();
  for (const analyzer::LintCheck& c : analyzer::lint_checks()) {
    const std::string help = std::string(c.help) + " (man npcheck, LINT CHECKS, section " +
                             std::string(c.id) + ' ' + std::string(c.name) + ")";
    rules.push_back({{"id", c.id},
                     {"name", c.name},
                     {"shortDescription", {{"text", c.summary}}},
                     {"fullDescription", {{"text", c.description}}},
                     {"help", {{"text", help}}},
                     {"helpUri", help_uri(c)},
                     {"defaultConfiguration", {{"level", sarif_level(c.severity)}}}});
  }
  nlohmann::json results = nlohmann::json::array();
  for (const Finding& f : findings) {
    nlohmann::json result;
    result["ruleId"] = f.check->id;
    result["ruleIndex"] = f.check - analyzer::lint_checks().data();
    result["level"] = sarif_level(f.severity);
    std::string text = f.object.empty() ? f.message : f.object + ": " + f.message;
    if (!f.hint.empty()) {
      text += " (hint: " + f.hint + ")";
    }
    result["message"] = {{"text", text}};
    result["partialFingerprints"] = {{"npcheck/v1", fingerprint(f)}};
    if (!f.where.file_name().empty()) {
      nlohmann::json physical;
      physical["artifactLocation"] = {{"uri", path_uri(f.where.file_name())}};
      if (f.where.line > 0) {
        physical["region"]["startLine"] = f.where.line;
        if (f.where.column > 0) {
          physical["region"]["startColumn"] = f.where.column;
        }
      }
      result["locations"] = nlohmann::json::array({{{"physicalLocation", physical}}});
    }
    results.push_back(std::move(result));
  }
  nlohmann::json driver = {{"name", "npcheck"},
                           {"version", NPCHECK_VERSION},
                           {"rules", std::move(rules)}};
  nlohmann::json run = {{"tool", {{"driver", std::move(driver)}}}, {"results", std::move(results)}};
  if (const nlohmann::json unmodelled = unmodelled_policies_json(inventory); !unmodelled.is_null()) {
    run["properties"]["unmodelledPolicies"] = unmodelled;
  }
  nlohmann::json sarif = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                          {"version", "2.1.0"},
                          {"runs", nlohmann::json::array({std::move(run)})}};
  write_json(out, sarif);
}

// lint --list: every check, one a line: id, name, usual severity, summary.
void print_list(const std::string& format, std::ostream& out) {
  if (format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const analyzer::LintCheck& c : analyzer::lint_checks()) {
      list.push_back({{"id", c.id},
                      {"name", c.name},
                      {"severity", analyzer::to_string(c.severity)},
                      {"summary", c.summary},
                      {"description", c.description},
                      {"help", c.help}});
    }
    write_json(out, nlohmann::json{{"checks", list}});
    return;
  }
  std::size_t width = 0;
  for (const analyzer::LintCheck& c : analyzer::lint_checks()) {
    width = std::max(width, c.name.size());
  }
  for (const analyzer::LintCheck& c : analyzer::lint_checks()) {
    out << c.id << "  " << std::left << std::setw(static_cast<int>(width)) << c.name << "  "
        << std::setw(7) << analyzer::to_string(c.severity) << "  " << c.summary << '\n';
  }
}

const analyzer::LintCheck& known_check(const std::string& text, const std::string& option,
                                       const model::SourceLocation& where = {}) {
  const analyzer::LintCheck* c = analyzer::find_lint_check(text);
  if (c == nullptr) {
    std::vector<std::string> names;
    for (const analyzer::LintCheck& known : analyzer::lint_checks()) {
      names.emplace_back(known.id);
      names.emplace_back(known.name);
    }
    std::string hint = "npcheck lint --list prints them";
    if (std::optional<std::string> best = model::nearest(text, names, 2)) {
      hint = "did you mean '" + *best + "'?";
    }
    throw model::Error(where, option + ": unknown check '" + text + "' (" + hint + ")");
  }
  return *c;
}

// The configuration that applies: --config FILE, else .npcheck.yaml in the
// current directory or a parent up to the repository root; none with
// --no-config.
std::optional<model::LintConfig> lint_config(const LintCommandOptions& options) {
  if (options.no_config) {
    return std::nullopt;
  }
  if (!options.config.empty()) {
    return model::load_lint_config(options.config, options.input.limits);
  }
  if (std::optional<std::string> found = model::find_lint_config(std::filesystem::current_path())) {
    return model::load_lint_config(*found, options.input.limits);
  }
  return std::nullopt;
}

int run_lint(const LintCommandOptions& options, Output& io) {
  if (options.list) {
    if (options.format == "sarif") {
      print_sarif({}, model::Inventory{}, io.out); // the rules, no results
    } else {
      print_list(options.format, io.out);
    }
    return static_cast<int>(ExitCode::ok);
  }
  if (options.input.files.empty()) {
    throw model::Error({}, "--filename is required (or --list)");
  }
  analyzer::LintOptions lint_options;
  for (const std::string& text : options.disabled) {
    lint_options.disabled.push_back(known_check(text, "--disable").id);
  }
  const std::optional<model::LintConfig> config = lint_config(options);
  if (config) {
    if (options.input.verbose) {
      io.err << "npcheck: configuration " << config->file << '\n';
    }
    for (const model::ConfigValue& value : config->disable) {
      for (const std::string& word : analyzer::split_check_list(value.text)) {
        lint_options.disabled.push_back(known_check(word, "lint.disable", value.where).id);
      }
    }
    for (const auto& [check, level] : config->severity) {
      const std::optional<LintSeverity> severity = analyzer::parse_lint_severity(level.text);
      if (!severity) {
        throw model::Error(level.where, "lint.severity." + check.text + ": '" + level.text +
                                            "' is not a severity (expected info, warning or error)");
      }
      lint_options.severities.emplace_back(known_check(check.text, "lint.severity", check.where).id,
                                           *severity);
    }
  }
  // Diagnostics become findings here; model::Error (unreadable input) goes to run().
  model::LoadOptions loading = load_options(options.input);
  loading.standard_input = io.in;
  const model::Inventory inventory = model::load_paths(options.input.files, loading);
  print_load_notes(inventory, options.input, io, LoadWarnings::as_findings);
  const analyzer::Program program(inventory, program_options(options.input));
  if (options.input.ipblock_given) {
    lint_options.ipblock_choice = options.input.ipblock_matches_pods;
  }
  std::vector<Finding> findings = analyzer::lint(program, lint_options);
  if (config) {
    findings.erase(std::remove_if(findings.begin(), findings.end(),
                                  [&config](const Finding& f) { return config->ignored(f.where.file_name()); }),
                   findings.end());
  }
  if (options.format == "json") {
    print_json(findings, inventory, io.out);
  } else if (options.format == "sarif") {
    print_sarif(findings, inventory, io.out);
  } else {
    print_text(findings, io.out);
  }
  const LintSeverity threshold = parse_severity(options.fail_on);
  for (const Finding& f : findings) {
    if (f.severity >= threshold) {
      return static_cast<int>(ExitCode::negative);
    }
  }
  return static_cast<int>(ExitCode::ok);
}

} // namespace

Runner setup_lint(CLI::App& app) {
  auto options = std::make_shared<LintCommandOptions>();
  CLI::App* command =
      app.add_subcommand("lint", "Find mistakes in policies: dead selectors, typos, redundancy, "
                                 "blocked DNS, risky ipBlocks");
  add_input_options(*command, options->input);
  // --list needs no input: -f is checked by run_lint instead.
  command->get_option("--filename")->required(false);
  command->footer("Examples:\n"
                  "  npcheck lint -f manifests/\n"
                  "  npcheck lint -f manifests/ -o sarif > npcheck-lint.sarif\n"
                  "  npcheck lint --list");
  command->add_option("-o,--output", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "sarif"}))
      ->capture_default_str()
      ->type_name("FORMAT");
  command->add_option("--disable", options->disabled, "Checks not to run, by id or name (NP101,unknown-label)")
      ->delimiter(',')
      ->type_name("ID,...");
  command->add_flag("--list", options->list,
                   "Print every check (id, name, usual severity, what it finds) and exit");
  command->add_option("--config", options->config,
                      "Configuration file (lint: disable, severity, ignore-paths); default: "
                      ".npcheck.yaml in the current directory or a parent up to the repository root")
      ->check(path_value())
      ->type_name("FILE");
  command->add_flag("--no-config", options->no_config, "Read no configuration file")
      ->excludes("--config");
  command->add_option("--fail-on", options->fail_on,
                      "Exit 1 when a finding is at least this severe")
      ->check(CLI::IsMember({"error", "warning", "info"}))
      ->capture_default_str()
      ->type_name("SEVERITY");
  return [options](Output& io) { return run_lint(*options, io); };
}

} // namespace npcheck::cli
