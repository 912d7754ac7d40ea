// SPDX-License-Identifier: Apache-2.0
//
// npcheck check: a CI gate over expectations files. Manifests and every
// expectations file are loaded and validated first (all of their errors are
// reported, then the command stops with status 2); then every expectation is
// checked and reported, and the status is 1 when any failed.
#include "check_report.hpp"
#include "commands.hpp"

#include <npcheck/analyzer/expectations.hpp>
#include <npcheck/analyzer/reachability.hpp>
#include <npcheck/model/expectations.hpp>

#include <ostream>

namespace npcheck::cli {

namespace {

struct CheckOptions {
  InputOptions input;
  std::vector<std::string> expect_files;
  std::string format = "text";
  std::size_t max_pairs = 5;
};

int run_check(const CheckOptions& options, Output& io) {
  model::InputBudget budget(options.input.limits.max_input_bytes);
  InputOptions input = options.input;
  input.budget = &budget;
  std::optional<model::Inventory> inventory = load_inventory(input, io);
  std::vector<model::ExpectationFile> files;
  std::size_t errors = 0;
  for (const std::string& path : options.expect_files) {
    files.push_back(model::load_expectations(path, options.input.limits, &budget));
    const model::ExpectationFile& file = files.back();
    if (!options.input.quiet) {
      for (const model::Diagnostic& d : file.warnings) {
        io.err << d.to_string() << '\n';
      }
    }
    for (const model::Diagnostic& d : file.errors) {
      io.err << d.to_string() << '\n';
    }
    errors += file.errors.size();
  }
  if (errors > 0) {
    io.err << "npcheck: " << errors << " error" << (errors == 1 ? "" : "s") << " in the expectations\n";
  }
  if (!inventory || errors > 0) {
    return static_cast<int>(ExitCode::input_error);
  }

  analyzer::Reachability engine(*inventory);
  analyzer::ExpectationChecker checker(engine);
  analyzer::CheckOptions check_options;
  check_options.max_violations = options.max_pairs;
  CheckReport report;
  report.inventory = &*inventory;
  for (const model::ExpectationFile& file : files) {
    for (const model::Expectation& expectation : file.expectations) {
      CheckedExpectation checked{&expectation, &file.file, checker.check(expectation, check_options)};
      ++(checked.result.passed() ? report.passed : report.failed);
      report.checked.push_back(std::move(checked));
    }
  }

  if (options.format == "json") {
    write_check_json(io.out, report);
  } else if (options.format == "junit") {
    write_check_junit(io.out, report);
  } else {
    write_check_text(io.out, report);
  }
  return static_cast<int>(report.failed == 0 ? ExitCode::ok : ExitCode::negative);
}

} // namespace

Runner setup_check(CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* command =
      app.add_subcommand("check", "Check the manifests against expectations files (a CI gate)");
  add_input_options(*command, options->input);
  command->add_option("--expect", options->expect_files, "Expectations file (YAML); repeatable")
      ->required()
      ->check(path_value())
      ->type_name("FILE");
  command->add_option("-o,--output", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "junit"}))
      ->capture_default_str()
      ->type_name("FORMAT");
  command->add_option("--max-pairs", options->max_pairs,
                      "Offending pairs shown per failed expectation (the rest are counted)")
      ->capture_default_str()
      ->check(non_negative())
      ->type_name("N");
  return [options](Output& io) { return run_check(*options, io); };
}

} // namespace npcheck::cli
