// SPDX-License-Identifier: Apache-2.0
#pragma once

// Wiring shared by the subcommands (private to the cli layer). Each command
// has an options struct, a setup_x(CLI::App&) that registers it, and a
// run_x(...) that returns the exit status.

#include <npcheck/analyzer/program.hpp>
#include <npcheck/cli/run.hpp>
#include <npcheck/model/inventory.hpp>
#include <npcheck/model/load.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace npcheck::cli {

struct Output {
  std::ostream& out;
  std::ostream& err;
  std::istream* in = nullptr; // what "-f -" reads; nullptr: standard input itself
};

// -f/-n/-v/--exclude/--pods and the loader limits, present on every command.
struct InputOptions {
  std::vector<std::string> files;
  std::vector<std::string> display_paths; // see model::LoadOptions
  std::string default_namespace = "default";
  std::vector<std::string> exclude;
  std::string stdin_name; // --stdin-name; empty: "<stdin>"
  std::string ipblock_matches_pods = "yes"; // --ipblock-matches-pods yes|no|PLUGIN
  bool ipblock_given = false;               // whether --ipblock-matches-pods was given
  bool pods = false; // --pods: no folding of a snapshot's pods
  bool verbose = false;
  bool quiet = false;
  model::LoadLimits limits;
  std::string command;              // the subcommand, named in hints
  model::PodsKeptApart kept_apart;  // pods a question names
  std::string label;                // "base"/"head" when a command reads two inputs
  // Shared by the loads of one command (--max-input-size counts them all);
  // nullptr: each load has its own.
  model::InputBudget* budget = nullptr;
};

// Checks an option value that names a file: "-" or a path, not a word that
// looks like an option (CLI11 takes "--head -q" as the path "-q").
const CLI::Validator& path_value();
// Checks a count or size: a negative value is an error, not a huge number.
const CLI::Validator& non_negative();

// What -n means on a command: the default namespace everywhere; on matrix,
// where --namespace filters, only -n and --default-namespace set it.
enum class NamespaceOption { default_namespace, short_only };

void add_input_options(CLI::App& command, InputOptions& options,
                       NamespaceOption ns = NamespaceOption::default_namespace);
// The same without -f, for commands that name their inputs otherwise (diff).
void add_load_options(CLI::App& command, InputOptions& options,
                      NamespaceOption ns = NamespaceOption::default_namespace);

// The loader's options for these input options.
model::LoadOptions load_options(const InputOptions& options);
// The policy program's options (--ipblock-matches-pods).
analyzer::ProgramOptions program_options(const InputOptions& options);

// Prints what loading found besides errors: warnings (unless -q, or lint,
// which reports them as findings) and infos (unless -q), the policies of
// other APIs that every answer leaves out (always), and with -v what was
// skipped.
enum class LoadWarnings { print, as_findings };
void print_load_notes(const model::Inventory& inventory, const InputOptions& options, Output& io,
                      LoadWarnings warnings = LoadWarnings::print);

// Loads and validates; prints diagnostics to err. Returns nullopt when the
// manifests have errors (the command then exits 2).
std::optional<model::Inventory> load_inventory(const InputOptions& options, Output& io);

// A registered command: what run() calls when its subcommand was given.
using Runner = std::function<int(Output&)>;

Runner setup_validate(CLI::App& app);
Runner setup_can_reach(CLI::App& app);
Runner setup_matrix(CLI::App& app);
Runner setup_check(CLI::App& app);
Runner setup_diff(CLI::App& app);
Runner setup_lint(CLI::App& app);
Runner setup_exposure(CLI::App& app);
Runner setup_completion(CLI::App& app);
Runner setup_help(CLI::App& app);

} // namespace npcheck::cli
