// SPDX-License-Identifier: Apache-2.0
#include "commands.hpp"

#include <npcheck/model/error.hpp>

#include <ostream>

namespace npcheck::cli {

const CLI::Validator& path_value() {
  static const CLI::Validator validator(
      [](std::string& value) -> std::string {
        if (value.size() > 1 && value.front() == '-') {
          return "'" + value + "' is an option, not a path (a file of that name is ./" + value + ")";
        }
        return {};
      },
      "");
  return validator;
}

const CLI::Validator& non_negative() {
  static const CLI::Validator validator(
      [](std::string& value) -> std::string {
        if (value.find_first_not_of(" \t") != std::string::npos &&
            value[value.find_first_not_of(" \t")] == '-') {
          return "'" + value + "' is negative (expected 0 or more)";
        }
        return {};
      },
      "");
  return validator;
}

void add_input_options(CLI::App& command, InputOptions& options) {
  command.add_option("-f,--filename", options.files,
                     "Manifest file or directory (walked recursively for .yaml, .yml, .json); "
                     "'-' reads standard input; repeatable")
      ->required()
      ->check(path_value())
      ->type_name("PATH");
  add_load_options(command, options);
}

void add_load_options(CLI::App& command, InputOptions& options) {
  command.add_option("-n,--namespace", options.default_namespace,
                     "Namespace for objects that name none")
      ->capture_default_str()
      ->type_name("NS");
  command.add_option("--default-namespace", options.default_namespace,
                     "Same as -n (the one spelling that every command accepts)")
      ->type_name("NS");
  command.add_flag("-v,--verbose", options.verbose, "Also report skipped kinds on stderr");
  command.add_flag("-q,--quiet", options.quiet, "Do not print warnings");
  command.add_option("--max-file-size", options.limits.max_file_bytes,
                     "Largest input file accepted, in bytes")
      ->capture_default_str()
      ->check(non_negative())
      ->type_name("BYTES");
  command.add_option("--max-input-size", options.limits.max_input_bytes,
                     "Most bytes accepted from all inputs together")
      ->capture_default_str()
      ->check(non_negative())
      ->type_name("BYTES");
  command.add_option("--max-depth", options.limits.max_depth, "Deepest nesting accepted in a document")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000))
      ->type_name("N");
  command.add_option("--max-objects", options.limits.max_objects, "Most objects accepted in all inputs")
      ->capture_default_str()
      ->check(non_negative())
      ->type_name("N");
  command.add_option("--max-flow-size", options.limits.max_flow_bytes,
                     "Largest YAML flow collection ([...] or {...}) held whole while reading, in bytes")
      ->capture_default_str()
      ->check(non_negative())
      ->type_name("BYTES");
  command.add_option("--max-alias-nodes", options.limits.max_alias_nodes,
                     "Most nodes YAML aliases may repeat in one document")
      ->capture_default_str()
      ->check(non_negative())
      ->type_name("N");
}

std::optional<model::Inventory> load_inventory(const InputOptions& options, Output& io) {
  model::LoadOptions load_options;
  load_options.default_namespace = options.default_namespace;
  load_options.limits = options.limits;
  load_options.display_paths = options.display_paths;
  load_options.budget = options.budget;
  model::Inventory inventory = model::load_paths(options.files, load_options);
  if (!options.quiet) {
    for (const model::Diagnostic& d : inventory.warnings) {
      io.err << d.to_string() << '\n';
    }
  }
  if (options.verbose && !inventory.skipped_kinds.empty()) {
    int total = 0;
    for (const auto& [kind, count] : inventory.skipped_kinds) {
      total += count;
    }
    io.err << "npcheck: skipped " << total << " object" << (total == 1 ? "" : "s")
           << " of kinds npcheck does not model:\n";
    for (const auto& [kind, count] : inventory.skipped_kinds) {
      io.err << "  " << model::escape_control(kind) << ": " << count << '\n';
    }
  }
  for (const model::Diagnostic& d : inventory.errors) {
    io.err << d.to_string() << '\n';
  }
  if (!inventory.errors.empty()) {
    std::size_t n = inventory.errors.size();
    io.err << "npcheck: " << n << " error" << (n == 1 ? "" : "s") << " in the manifests\n";
    return std::nullopt;
  }
  return inventory;
}

} // namespace npcheck::cli
