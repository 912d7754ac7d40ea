// SPDX-License-Identifier: Apache-2.0
//
// npcheck diff: what a change to the manifests does to connectivity. Both
// versions are loaded and validated (the base from a directory, or from git
// history with --base-ref), their matrices computed, and the difference
// reported; --fail-on turns chosen kinds of change into exit status 1.
#include "commands.hpp"
#include "diff_report.hpp"
#include "explain.hpp"
#include "git_snapshot.hpp"

#include <npcheck/analyzer/connectivity_diff.hpp>
#include <npcheck/analyzer/matrix.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/error.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>
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

// The first connection of a set, as a query.
PortQuery first_of(const analyzer::ConnectionSet& set) {
  for (model::Protocol protocol : model::k_all_protocols) {
    const std::vector<analyzer::PortRange> ranges = set.ports(protocol).ranges();
    if (!ranges.empty()) {
      return PortQuery{protocol, ranges.front().first};
    }
  }
  return PortQuery{};
}

// Why each change happened, said from the head version: for a connection it
// lost, what refuses its first lost port now; for one it gained, what admits
// its first gained port now (the tier, policy, rule and action, as can-reach
// says it). Only the first `limit` changes of each kind are explained (0:
// all), as only those are printed; the others get "".
std::vector<std::string> change_causes(const analyzer::ConnectivityDiff& diff,
                                       const analyzer::Program& head, const analyzer::Matrix& matrix,
                                       std::size_t limit) {
  std::vector<std::string> causes(diff.changes.size());
  std::array<std::size_t, 3> shown{};
  auto endpoint = [&](const analyzer::DiffEndpoint& e) -> std::optional<analyzer::FlowEndpoint> {
    if (e.head == analyzer::DiffEndpoint::k_absent) {
      return std::nullopt;
    }
    const analyzer::MatrixEndpoint& m = matrix.endpoints()[e.head];
    if (m.kind == analyzer::MatrixEndpointKind::workload) {
      return analyzer::FlowEndpoint::of_workload(m.workload);
    }
    const std::vector<analyzer::AddressRange>& ranges = e.ranges.empty() ? m.ranges : e.ranges;
    if (ranges.empty()) {
      return std::nullopt;
    }
    return head.addresses().resolve(ranges.front().first);
  };
  for (std::size_t i = 0; i < diff.changes.size(); ++i) {
    const analyzer::ConnectionChange& c = diff.changes[i];
    std::size_t& count = shown[static_cast<std::size_t>(c.kind)];
    if (limit != 0 && count >= limit) {
      continue;
    }
    ++count;
    // A pair with an endpoint the head version no longer has: that is why.
    // (One new in the head is explained as any other: what admits it now.)
    for (const std::size_t e : {c.from, c.to}) {
      if (causes[i].empty() && diff.endpoints[e].head == analyzer::DiffEndpoint::k_absent) {
        causes[i] = diff_endpoint_name(diff.endpoints[e]) + " is not in the head version";
      }
    }
    if (!causes[i].empty()) {
      continue;
    }
    const std::optional<analyzer::FlowEndpoint> src = endpoint(diff.endpoints[c.from]);
    const std::optional<analyzer::FlowEndpoint> dst = endpoint(diff.endpoints[c.to]);
    if (!src || !dst) {
      continue;
    }
    const analyzer::ConnectionSet lost = c.before - c.after;
    const analyzer::ConnectionSet gained = c.after - c.before;
    const analyzer::FlowResult flow = head.evaluate(*src, *dst);
    const std::string src_name = diff_endpoint_name(diff.endpoints[c.from]);
    const std::string dst_name = diff_endpoint_name(diff.endpoints[c.to]);
    std::string text;
    for (const auto& [set, verb] : {std::pair{&lost, "denied"}, std::pair{&gained, "allowed"}}) {
      if (set->empty()) {
        continue;
      }
      const PortQuery query = first_of(*set);
      // The reason of the first port stands for the set (said as such).
      text += (text.empty() ? "" : "; ") +
              (set->is_all() ? std::string(analyzer::k_all_ports_text) : query_text(query)) + " now " + verb +
              ": " + flow_reason(head, flow, src_name, dst_name, query);
    }
    causes[i] = std::move(text);
  }
  return causes;
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
  const analyzer::Program base_program(*base, program_options(head_input));
  const analyzer::Program head_program(*head, program_options(head_input));
  analyzer::Matrix base_matrix = analyzer::Matrix::compute(base_program);
  analyzer::Matrix head_matrix = analyzer::Matrix::compute(head_program);
  analyzer::ConnectivityDiff diff = analyzer::diff_connectivity(*base, base_matrix, *head, head_matrix);
  const std::vector<std::string> causes =
      change_causes(diff, head_program, head_matrix, options.format == "md" ? options.max_rows : 0);
  if (options.format == "json") {
    write_diff_json(io.out, diff, causes, *base, *head);
  } else if (options.format == "md") {
    write_diff_markdown(io.out, diff, causes, options.max_rows);
  } else {
    write_diff_text(io.out, diff, causes);
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
