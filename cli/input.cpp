// SPDX-License-Identifier: Apache-2.0
#include "commands.hpp"

#include <npcheck/model/error.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace npcheck::cli {

namespace {

// --ipblock-matches-pods PLUGIN: a network plugin named for the choice its
// own documentation states, and only such plugins (quoted here and in the
// man page; Antrea and kube-router are left out: their documentation says
// what ipBlocks are for, not whether they match pod addresses).
struct IpBlockPreset {
  const char* plugin;
  bool matches_pods;
};
constexpr IpBlockPreset k_ipblock_presets[] = {
    // Calico: tigera/docs, calico/network-policy/get-started/kubernetes-policy/
    // kubernetes-network-policy.mdx, "Allow egress traffic to IP addresses or
    // CIDR range", of an ipBlock peer: "The following policy allows egress
    // traffic to pods in CIDR, 172.18.0.0/24."; and its rules' nets "Match
    // packets with IP in any of the listed CIDRs" (_entityrule.mdx).
    {"calico", true},
    // Cilium: cilium/cilium, Documentation/security/policy/layer3.rst,
    // "Selecting nodes with CIDR / ipBlock": "By default, CIDR-based
    // selectors do not match in-cluster entities (pods or nodes)."
    // (policy-cidr-match-mode: nodes makes them match nodes, which no preset
    // models.)
    {"cilium", false},
    // OVN-Kubernetes: ovn-org/ovn-kubernetes,
    // docs/features/network-security-controls/network-policy.md: "ipBlock:
    // an IP network in CIDR notation that can be either internal or
    // external, with optional exceptions".
    {"ovn-kubernetes", true},
    // Weave Net: weaveworks/weave, site/kubernetes/kube-addon.md: "it makes
    // sense to use ipBlock selector in an ingress rule only when limiting
    // access to a Service annotated with externalTrafficPolicy=Local or
    // between Pods when podIP is used to access a Pod."
    {"weave", true},
};

} // namespace

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

void add_input_options(CLI::App& command, InputOptions& options, NamespaceOption ns) {
  command.add_option("-f,--filename", options.files,
                     "Manifest file or directory (walked recursively for .yaml, .yml, .json, "
                     "leaving out hidden paths, Helm charts and kustomizations); "
                     "'-' reads standard input; repeatable")
      ->required()
      ->check(path_value())
      ->type_name("PATH");
  add_load_options(command, options, ns);
}

void add_load_options(CLI::App& command, InputOptions& options, NamespaceOption ns) {
  options.command = command.get_name();
  command
      .add_option(ns == NamespaceOption::default_namespace ? "-n,--namespace,--default-namespace"
                                                           : "-n,--default-namespace",
                  options.default_namespace,
                  "Default namespace: of objects that name none, and of bare names (--from web)")
      ->capture_default_str()
      ->type_name("NS");
  command.add_option("--exclude", options.exclude,
                     "Leave out walked paths (and named ones) whose path or name matches GLOB; repeatable")
      ->type_name("GLOB");
  command.add_option("--stdin-name", options.stdin_name,
                     "Name standard input (-f -) by NAME in messages and reports, e.g. the "
                     "repository path of rendered manifests")
      ->type_name("NAME");
  std::vector<std::string> ipblock_choices = {"yes", "no"};
  for (const IpBlockPreset& preset : k_ipblock_presets) {
    ipblock_choices.emplace_back(preset.plugin);
  }
  command.add_option("--ipblock-matches-pods", options.ipblock_matches_pods,
                     "Whether an ipBlock also matches the pods (and host-network pods' nodes) whose "
                     "address is inside it: yes as the Kubernetes e2e tests expect, no as CNIs that "
                     "apply CIDR rules to outside addresses only, or a network plugin's documented "
                     "choice (calico, ovn-kubernetes and weave: yes; cilium: no)")
      ->transform(CLI::IsMember(ipblock_choices, CLI::ignore_case))
      ->each([&options](const std::string&) { options.ipblock_given = true; })
      ->capture_default_str()
      ->type_name("yes|no|PLUGIN");
  command.add_flag("--pods", options.pods,
                   "Show the pods of a live snapshot one by one instead of folding them into their workload");
  command.add_flag("-v,--verbose", options.verbose,
                   "Also report skipped kinds, documents and paths on stderr");
  command.add_flag("-q,--quiet", options.quiet, "Do not print warnings");
  // The limits against hostile input, apart from the everyday options.
  const std::string limits = "Input limits";
  command.add_option("--max-file-size", options.limits.max_file_bytes,
                     "Largest input file accepted, in bytes")
      ->capture_default_str()
      ->check(non_negative())
      ->type_name("BYTES")
      ->group(limits);
  command.add_option("--max-input-size", options.limits.max_input_bytes,
                     "Most bytes accepted from all inputs together")
      ->capture_default_str()
      ->check(non_negative())
      ->type_name("BYTES")
      ->group(limits);
  command.add_option("--max-depth", options.limits.max_depth, "Deepest nesting accepted in a document")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000))
      ->type_name("N")
      ->group(limits);
  command.add_option("--max-objects", options.limits.max_objects, "Most objects accepted in all inputs")
      ->capture_default_str()
      ->check(non_negative())
      ->type_name("N")
      ->group(limits);
  command.add_option("--max-flow-size", options.limits.max_flow_bytes,
                     "Largest YAML flow collection ([...] or {...}) held whole while reading, in bytes")
      ->capture_default_str()
      ->check(non_negative())
      ->type_name("BYTES")
      ->group(limits);
  command.add_option("--max-alias-nodes", options.limits.max_alias_nodes,
                     "Most nodes YAML aliases and merge keys may repeat in one document")
      ->capture_default_str()
      ->check(non_negative())
      ->type_name("N")
      ->group(limits);
}

analyzer::ProgramOptions program_options(const InputOptions& options) {
  analyzer::ProgramOptions program;
  program.ipblock_matches_pods = options.ipblock_matches_pods != "no";
  for (const IpBlockPreset& preset : k_ipblock_presets) {
    if (options.ipblock_matches_pods == preset.plugin) {
      program.ipblock_matches_pods = preset.matches_pods;
    }
  }
  return program;
}

model::LoadOptions load_options(const InputOptions& options) {
  model::LoadOptions load;
  load.default_namespace = options.default_namespace;
  load.limits = options.limits;
  load.display_paths = options.display_paths;
  if (!options.stdin_name.empty()) {
    load.stdin_name = options.stdin_name;
  }
  load.exclude = options.exclude;
  load.command = options.command.empty() ? "validate" : options.command;
  load.fold_pods = !options.pods;
  load.kept_apart = options.kept_apart;
  load.budget = options.budget;
  return load;
}

void print_load_notes(const model::Inventory& inventory, const InputOptions& options, Output& io,
                      LoadWarnings warnings) {
  if (!options.quiet) {
    for (const model::Diagnostic& d : inventory.warnings) {
      if (warnings == LoadWarnings::print) {
        io.err << d.to_string() << '\n';
      }
    }
    for (const model::Diagnostic& d : inventory.infos) {
      if (warnings == LoadWarnings::print) {
        io.err << d.to_string() << '\n';
      }
    }
  }
  // Not silenced by -q: without it, the answer would look complete.
  if (!inventory.unmodelled_policies.empty()) {
    io.err << "npcheck: warning: " << (options.label.empty() ? "the input" : "the " + options.label)
           << " has policies of other APIs that also decide traffic; npcheck does not model them "
              "and every answer here leaves them out: ";
    bool first = true;
    for (const auto& [kind, count] : inventory.unmodelled_policies) {
      io.err << (first ? "" : ", ") << count << ' ' << kind.first << " (" << kind.second << ')';
      first = false;
    }
    io.err << '\n';
  }
  if (!options.verbose) {
    return;
  }
  if (!inventory.skipped_kinds.empty()) {
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
  if (!inventory.non_objects.empty()) {
    int total = 0;
    for (const auto& [file, count] : inventory.non_objects) {
      total += count;
    }
    io.err << "npcheck: skipped " << total << " document" << (total == 1 ? "" : "s")
           << " of walked files that are not Kubernetes objects (neither apiVersion nor kind):\n";
    for (const auto& [file, count] : inventory.non_objects) {
      io.err << "  " << file << ": " << count << '\n';
    }
  }
  if (!inventory.skipped_paths.empty()) {
    io.err << "npcheck: left out of the directory walk:\n";
    for (const std::string& path : inventory.skipped_paths) {
      io.err << "  " << path << '\n';
    }
  }
}

std::optional<model::Inventory> load_inventory(const InputOptions& options, Output& io) {
  model::LoadOptions loading = load_options(options);
  loading.standard_input = io.in;
  model::Inventory inventory = model::load_paths(options.files, loading);
  print_load_notes(inventory, options, io);
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
