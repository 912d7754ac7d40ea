// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shell completion scripts for bash, zsh and fish, generated from the CLI11
// definition of the commands (private to the cli layer), so that a new flag
// or a new output format is completed without anyone editing a script.

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace npcheck::cli {

// What an option's value is, for completing it.
enum class ValueKind {
  none,   // a flag: takes no value
  path,   // a file or a directory (type name PATH or FILE)
  choice, // one of choices (an IsMember check)
  word,   // anything else: nothing to offer
};

struct CompletedOption {
  std::vector<std::string> names; // "-o", "--output": short names first
  std::string description;
  ValueKind value = ValueKind::none;
  std::string value_name;           // "FORMAT"
  std::vector<std::string> choices; // for ValueKind::choice
  bool repeatable = false;
};

struct CompletedCommand {
  std::string name;
  std::string description;
  std::vector<CompletedOption> options;
  std::vector<std::string> argument_choices; // a positional argument's choices (help COMMAND)
};

struct CompletionSpec {
  std::string program;                   // "npcheck"
  std::vector<CompletedOption> options;  // before the command: --help, --version
  std::vector<CompletedCommand> commands; // in definition order
};

// Walks app (options and subcommands, one level deep).
CompletionSpec describe_cli(const CLI::App& app);

// The script for shell, which is "bash", "zsh" or "fish". Each also
// completes the kubectl plugin name, kubectl-npcheck.
void write_completion(std::ostream& out, const CompletionSpec& spec, const std::string& shell);

} // namespace npcheck::cli
