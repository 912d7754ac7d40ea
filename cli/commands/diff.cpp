// SPDX-License-Identifier: Apache-2.0
//
// npcheck diff: what a change to the manifests does to connectivity. Both
// versions are loaded and validated (the base from a directory, or from git
// history with --base-ref), their matrices computed, and the difference
// reported; --fail-on turns chosen kinds of change into exit status 1.
#include "commands.hpp"
#include "diff_report.hpp"
#include "git_snapshot.hpp"

#include <npcheck/analyzer/connectivity_diff.hpp>
#include <npcheck/analyzer/matrix.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/error.hpp>

#include <algorithm>
#include <memory>
#include <ostream>

namespace npcheck::cli {

namespace {

struct DiffOptions {
  std::vector<std::string> base;
  std::vector<std::string> head;
  std::string base_ref;
  InputOptions load; // everything but the files, which --base and --head give
  std::string format = "text";
  std::vector<std::string> fail_on;
  std::size_t max_rows = 100;
};

InputOptions input_of(const DiffOptions& options, std::vector<std::string> files) {
  InputOptions input = options.load;
  input.files = std::move(files);
  return input;
}

bool fails(const DiffOptions& options, const analyzer::ConnectivityDiff& diff) {
  auto wanted = [&options](const char* kind) {
    return std::find(options.fail_on.begin(), options.fail_on.end(), kind) != options.fail_on.end() ||
           std::find(options.fail_on.begin(), options.fail_on.end(), "any") != options.fail_on.end();
  };
  return (wanted("added") && diff.count(analyzer::ChangeKind::added) > 0) ||
         (wanted("removed") && diff.count(analyzer::ChangeKind::removed) > 0) ||
         (wanted("changed") && diff.count(analyzer::ChangeKind::changed) > 0);
}

int run_diff(const DiffOptions& options, Output& io) {
  if (options.base.empty() && options.base_ref.empty()) {
    throw model::Error({}, "give the base version: --base PATH... or --base-ref REV");
  }
  auto reads_stdin = [](const std::vector<std::string>& paths) {
    return std::find(paths.begin(), paths.end(), "-") != paths.end();
  };
  if (reads_stdin(options.base) && reads_stdin(options.head)) {
    // Read once, the second side would silently be empty: everything "removed".
    throw model::Error({}, "--base and --head both read standard input ('-'); it can be read only once");
  }
  if (!options.base_ref.empty() && reads_stdin(options.head) && options.base.empty()) {
    throw model::Error({}, "--base-ref reads the --head paths from git; standard input ('-') has no "
                           "history (give --base PATH...)");
  }
  model::InputBudget budget(options.load.limits.max_input_bytes);
  std::unique_ptr<GitSnapshot> snapshot;
  InputOptions base_input = input_of(options, options.base.empty() ? options.head : options.base);
  base_input.budget = &budget;
  if (!options.base_ref.empty()) {
    snapshot = std::make_unique<GitSnapshot>(options.base_ref, base_input.files);
    base_input.files = snapshot->paths();
    // The snapshot's files are named as git names them: REV:path.
    base_input.display_paths = snapshot->git_names();
  }
  // Warnings are about the new version; the base's were seen when it was merged.
  base_input.quiet = true;
  base_input.verbose = false;
  base_input.label = "base";
  InputOptions head_input = input_of(options, options.head);
  head_input.label = "head";
  head_input.budget = &budget;
  std::optional<model::Inventory> base = load_inventory(base_input, io);
  std::optional<model::Inventory> head = load_inventory(head_input, io);
  if (!base || !head) {
    return static_cast<int>(ExitCode::input_error);
  }
  const analyzer::Program base_program(*base);
  const analyzer::Program head_program(*head);
  analyzer::Matrix base_matrix = analyzer::Matrix::compute(base_program);
  analyzer::Matrix head_matrix = analyzer::Matrix::compute(head_program);
  analyzer::ConnectivityDiff diff = analyzer::diff_connectivity(*base, base_matrix, *head, head_matrix);
  if (options.format == "json") {
    write_diff_json(io.out, diff, *base, *head);
  } else if (options.format == "md") {
    write_diff_markdown(io.out, diff, options.max_rows);
  } else {
    write_diff_text(io.out, diff);
  }
  return static_cast<int>(fails(options, diff) ? ExitCode::negative : ExitCode::ok);
}

} // namespace

Runner setup_diff(CLI::App& app) {
  auto options = std::make_shared<DiffOptions>();
  CLI::App* command =
      app.add_subcommand("diff", "Report how connectivity changes between two versions of the manifests");
  command->add_option("--base", options->base,
                      "Manifests of the base version (file, directory or '-'); repeatable")
      ->check(path_value())
      ->type_name("PATH");
  command->add_option("--head", options->head,
                      "Manifests of the new version (file, directory or '-'); repeatable")
      ->required()
      ->check(path_value())
      ->type_name("PATH");
  command->add_option("--base-ref", options->base_ref,
                      "Read the base paths (default: the --head paths) from this git revision")
      ->type_name("REV");
  add_load_options(*command, options->load);
  command->footer("Examples:\n"
                  "  npcheck diff --base old/ --head new/\n"
                  "  npcheck diff --base-ref origin/main --head manifests/ -o md > comment.md\n"
                  "  npcheck diff --base-ref origin/main --head manifests/ --fail-on added");
  command->add_option("-o,--output", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "md"}))
      ->capture_default_str()
      ->type_name("FORMAT");
  command->add_option("--fail-on", options->fail_on,
                      "Exit 1 when connections of these kinds changed: added, removed, changed or any "
                      "(comma-separated or repeated; default: never)")
      ->delimiter(',')
      ->check(CLI::IsMember({"added", "removed", "changed", "any"}))
      ->type_name("KIND");
  command->add_option("--max-rows", options->max_rows, "Rows per table in -o md (0: all)")
      ->capture_default_str()
      ->check(non_negative())
      ->type_name("N");
  return [options](Output& io) { return run_diff(*options, io); };
}

} // namespace npcheck::cli
