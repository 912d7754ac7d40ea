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

#include <nlohmann/json.hpp>

#include <array>
#include <cctype>
#include <ostream>

namespace npcheck::cli {

namespace {

struct LintCommandOptions {
  InputOptions input;
  std::string format = "text";
  std::vector<std::string> disabled;
  std::string fail_on = "warning";
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
  out << root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void print_sarif(const std::vector<Finding>& findings, const model::Inventory& inventory, std::ostream& out) {
  nlohmann::json rules = nlohmann::json::array();
  for (const analyzer::LintCheck& c : analyzer::lint_checks()) {
    rules.push_back({{"id", c.id},
                     {"name", c.name},
                     {"shortDescription", {{"text", c.summary}}},
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
  out << sarif.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

int run_lint(const LintCommandOptions& options, Output& io) {
  analyzer::LintOptions lint_options;
  for (const std::string& text : options.disabled) {
    const analyzer::LintCheck* c = analyzer::find_lint_check(text);
    if (c == nullptr) {
      throw model::Error({}, "--disable: unknown check '" + text +
                                 "' (the man page lists the ids, NP000 to NP702)");
    }
    lint_options.disabled.push_back(c->id);
  }
  // Diagnostics become findings here; model::Error (unreadable input) goes to run().
  model::LoadOptions loading = load_options(options.input);
  loading.standard_input = io.in;
  const model::Inventory inventory = model::load_paths(options.input.files, loading);
  print_load_notes(inventory, options.input, io, LoadWarnings::as_findings);
  const analyzer::Program program(inventory);
  const std::vector<Finding> findings = analyzer::lint(program, lint_options);
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
  command->footer("Examples:\n"
                  "  npcheck lint -f manifests/\n"
                  "  npcheck lint -f manifests/ -o sarif > npcheck-lint.sarif\n"
                  "  npcheck lint -f manifests/ --disable NP602 --fail-on error");
  command->add_option("-o,--output", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "sarif"}))
      ->capture_default_str()
      ->type_name("FORMAT");
  command->add_option("--disable", options->disabled, "Checks not to run, by id or name (NP101,unknown-label)")
      ->delimiter(',')
      ->type_name("ID,...");
  command->add_option("--fail-on", options->fail_on,
                      "Exit 1 when a finding is at least this severe")
      ->check(CLI::IsMember({"error", "warning", "info"}))
      ->capture_default_str()
      ->type_name("SEVERITY");
  return [options](Output& io) { return run_lint(*options, io); };
}

} // namespace npcheck::cli
