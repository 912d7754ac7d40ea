// SPDX-License-Identifier: Apache-2.0
// npcheck validate: load and check manifests as the API server would.
#include "commands.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace npcheck::cli {

namespace {

struct ValidateOptions {
  InputOptions input;
};

int run_validate(const ValidateOptions& options, Output& io) {
  std::optional<model::Inventory> inventory = load_inventory(options.input, io);
  if (!inventory) {
    return static_cast<int>(ExitCode::input_error);
  }
  int objects = 0;
  for (const auto& [kind, count] : inventory->loaded_kinds) {
    objects += count;
  }
  int skipped = 0;
  for (const auto& [kind, count] : inventory->skipped_kinds) {
    skipped += count;
  }
  io.out << "loaded " << objects << " object" << (objects == 1 ? "" : "s") << " from "
         << inventory->files << " file" << (inventory->files == 1 ? "" : "s") << " ("
         << inventory->documents << " document" << (inventory->documents == 1 ? "" : "s") << ")\n";
  for (const auto& [kind, count] : inventory->loaded_kinds) {
    io.out << "  " << kind << ": " << count;
    std::vector<std::string> notes;
    if (auto folded = inventory->folded_kinds.find(kind); folded != inventory->folded_kinds.end()) {
      const bool one = folded->second == 1;
      notes.push_back(std::to_string(folded->second) +
                      (kind == "Pod" ? (one ? " folded into its workload" : " folded into their workloads") +
                                           std::string(", kept apart with --pods")
                                     : std::string(" left out: controlled by a ") +
                                           (kind == "Job" ? "CronJob" : "workload") + " in the input"));
    }
    if (auto replaced = inventory->replaced_kinds.find(kind); replaced != inventory->replaced_kinds.end()) {
      notes.push_back(std::to_string(replaced->second) +
                      (replaced->second == 1 ? " replaced by the pods it runs" : " replaced by the pods they run"));
    }
    for (std::size_t i = 0; i < notes.size(); ++i) {
      io.out << (i == 0 ? " (" : "; ") << notes[i];
    }
    io.out << (notes.empty() ? "" : ")") << '\n';
  }
  int implied = 0;
  for (const model::Namespace& ns : inventory->namespaces) {
    implied += ns.implied ? 1 : 0;
  }
  if (implied > 0) {
    io.out << "  Namespace (implied): " << implied << '\n';
  }
  if (skipped > 0) {
    io.out << "skipped " << skipped << " object" << (skipped == 1 ? "" : "s")
           << " of other kinds" << (options.input.verbose ? "" : " (-v lists them)") << '\n';
  }
  int unmodelled = 0;
  for (const auto& [kind, count] : inventory->unmodelled_policies) {
    unmodelled += count;
  }
  if (unmodelled > 0) {
    io.out << "left out " << unmodelled << " polic" << (unmodelled == 1 ? "y" : "ies")
           << " of other APIs that npcheck does not model (see the warning)\n";
  }
  int non_objects = 0;
  for (const auto& [file, count] : inventory->non_objects) {
    non_objects += count;
  }
  if (non_objects > 0) {
    io.out << "skipped " << non_objects << " document" << (non_objects == 1 ? "" : "s")
           << " that are not Kubernetes objects" << (options.input.verbose ? "" : " (-v lists them)")
           << '\n';
  }
  std::size_t warnings = inventory->warnings.size();
  io.out << "valid";
  if (warnings > 0) {
    io.out << ", " << warnings << " warning" << (warnings == 1 ? "" : "s");
  }
  io.out << '\n';
  return static_cast<int>(ExitCode::ok);
}

} // namespace

Runner setup_validate(CLI::App& app) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* command = app.add_subcommand("validate", "Load manifests and check them as the API server would");
  add_input_options(*command, options->input);
  command->footer("Examples:\n"
                  "  npcheck validate -f manifests/\n"
                  "  helm template ./chart | npcheck validate -f -\n"
                  "  kubectl get all,networkpolicies,namespaces -A -o yaml | npcheck validate -f -");
  return [options](Output& io) { return run_validate(*options, io); };
}

} // namespace npcheck::cli
