// SPDX-License-Identifier: Apache-2.0
// npcheck matrix: who can talk to whom, for every pair at once.
#include "commands.hpp"
#include "matrix_view.hpp"

#include <npcheck/analyzer/matrix.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/error.hpp>

#include <unistd.h>

#include <iostream>
#include <ostream>

namespace npcheck::cli {

namespace {

struct MatrixOptions {
  InputOptions input;
  std::string format = "text";
  bool group = false;
  std::vector<std::string> namespaces;
  std::string from;
  std::string to;
  int port = 0;
  std::string protocol;
};

int run_matrix(const MatrixOptions& options, Output& io) {
  MatrixFilter filter;
  filter.namespaces = options.namespaces;
  filter.from_pattern = options.from;
  filter.to_pattern = options.to;
  filter.group = options.group;
  if (options.port != 0) {
    filter.port = static_cast<std::uint16_t>(options.port);
  }
  if (!options.protocol.empty()) {
    filter.protocol = model::parse_protocol(options.protocol);
    if (!filter.protocol) {
      throw model::Error({}, "--protocol: unknown protocol '" + options.protocol +
                                 "' (expected TCP, UDP or SCTP)");
    }
  }
  // Only an interactive terminal sees progress; pipes and files never do.
  const bool progress = &io.err == &std::cerr && isatty(STDERR_FILENO) != 0;
  if (progress) {
    io.err << "npcheck: loading manifests..." << std::flush;
  }
  std::optional<model::Inventory> inventory = load_inventory(options.input, io);
  if (!inventory) {
    if (progress) {
      io.err << "\r\033[K" << std::flush;
    }
    return static_cast<int>(ExitCode::input_error);
  }
  if (progress) {
    io.err << "\r\033[Knpcheck: computing the matrix of " << inventory->workloads.size()
           << " workloads..." << std::flush;
  }
  // Only the rows and columns the filters show are computed.
  const analyzer::Program program(*inventory);
  analyzer::MatrixOptions matrix_options;
  const model::Inventory& loaded = *inventory;
  if (!filter.namespaces.empty() || !filter.from_pattern.empty()) {
    matrix_options.sources = [&](const analyzer::MatrixEndpoint& e) { return filter.shows_source(e, loaded); };
  }
  if (!filter.namespaces.empty() || !filter.to_pattern.empty()) {
    matrix_options.destinations = [&](const analyzer::MatrixEndpoint& e) {
      return filter.shows_destination(e, loaded);
    };
  }
  const analyzer::Matrix matrix = analyzer::Matrix::compute(program, matrix_options);
  if (progress) {
    io.err << "\r\033[Knpcheck: writing " << options.format << "..." << std::flush;
  }
  const MatrixView view = build_matrix_view(matrix, *inventory, filter);

  std::ostream& out = io.out;
  if (options.format == "text") {
    write_matrix_text(view, matrix, out);
  } else if (options.format == "json") {
    write_matrix_json(view, matrix, *inventory, out);
  } else if (options.format == "csv") {
    write_matrix_csv(view, matrix, out);
  } else if (options.format == "md") {
    write_matrix_md(view, matrix, out);
  } else if (options.format == "dot") {
    write_matrix_dot(view, matrix, *inventory, out);
  } else {
    write_matrix_html(view, matrix, program, out);
  }
  out.flush();
  if (progress) {
    io.err << "\r\033[K" << std::flush;
  }
  return static_cast<int>(ExitCode::ok);
}

} // namespace

Runner setup_matrix(CLI::App& app) {
  auto options = std::make_shared<MatrixOptions>();
  CLI::App* command = app.add_subcommand(
      "matrix", "Print the connectivity of every pair of workloads and external address ranges");
  // --namespace filters here; -n and --default-namespace set the default namespace.
  add_input_options(*command, options->input, NamespaceOption::short_only);
  command->footer("Examples:\n"
                  "  npcheck matrix -f manifests/ --namespace shop\n"
                  "  npcheck matrix -f manifests/ --group -o md\n"
                  "  npcheck matrix -f manifests/ -o html --output-file matrix.html");
  command->add_option("-o,--output", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "csv", "md", "dot", "html"}))
      ->capture_default_str();
  command->add_flag("--group", options->group,
                    "Fold endpoints with identical rows and columns into groups");
  command->add_option("--namespace", options->namespaces,
                      "Only endpoints in namespace NS (external ranges stay); repeatable")
      ->type_name("NS");
  command->add_option("--from", options->from, "Only sources whose id matches PATTERN (* and ?)")
      ->type_name("PATTERN");
  command->add_option("--to", options->to, "Only destinations whose id matches PATTERN (* and ?)")
      ->type_name("PATTERN");
  command->add_option("--port", options->port, "Project onto one port")
      ->check(CLI::Range(1, 65535))
      ->type_name("P");
  command->add_option("--protocol", options->protocol,
                      "Project onto one protocol (with --port: that port's protocol, default TCP)")
      ->type_name("TCP|UDP|SCTP");
  return [options](Output& io) { return run_matrix(*options, io); };
}

} // namespace npcheck::cli
