// SPDX-License-Identifier: Apache-2.0
//
// npcheck check: a CI gate over expectations files. Manifests and every
// expectations file are loaded and validated first (all of their errors are
// reported, then the command stops with status 2); then every expectation is
// checked and reported, and the status is 1 when any failed.
#include "check_report.hpp"
#include "commands.hpp"
#include "endpoint_arg.hpp"

#include <npcheck/analyzer/expectations.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/error.hpp>
#include <npcheck/model/expectations.hpp>

#include <chrono>
#include <ostream>
#include <sstream>
#include <streambuf>

namespace npcheck::cli {

namespace {

struct CheckOptions {
  InputOptions input;
  std::vector<std::string> expect_files;
  std::string format = "text";
  std::size_t max_pairs = 5;
};

// Writes everything to two streams: stderr and the copy that a JUnit error
// report quotes.
class TeeBuffer : public std::streambuf {
public:
  TeeBuffer(std::ostream& first, std::ostream& second) : m_first(first), m_second(second) {}

protected:
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      m_first.put(traits_type::to_char_type(c));
      m_second.put(traits_type::to_char_type(c));
    }
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* text, std::streamsize n) override {
    m_first.write(text, n);
    m_second.write(text, n);
    return n;
  }

private:
  std::ostream& m_first;
  std::ostream& m_second;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// What the expectations name keeps a snapshot's pods apart: a pod named by
// an expectation stays itself, a selector's label keys tell pods apart, and
// kind: Pod turns folding off.
void keep_named_pods(const std::vector<model::ExpectationFile>& files, InputOptions& input) {
  auto note = [&input](const model::EndpointSpec& spec) {
    if (spec.kind == model::WorkloadKind::pod) {
      input.pods = true;
    }
    if (spec.name && (!spec.kind || spec.kind == model::WorkloadKind::pod)) {
      input.kept_apart.names.emplace_back(spec.namespace_name.value_or(""), *spec.name);
    }
    if (spec.pod_selector) {
      for (const auto& [key, value] : spec.pod_selector->match_labels.entries()) {
        input.kept_apart.label_keys.push_back(key);
      }
      for (const model::Requirement& r : spec.pod_selector->match_expressions) {
        input.kept_apart.label_keys.push_back(r.key);
      }
    }
  };
  for (const model::ExpectationFile& file : files) {
    for (const model::Expectation& expectation : file.expectations) {
      note(expectation.from);
      note(expectation.to);
    }
  }
}

// What keeps the Services an expectations file names from standing for
// pods (as can-reach says it), and listed ports that are no port of a
// destination Service: errors, located at the endpoint.
std::vector<model::Diagnostic> service_problems(const model::ExpectationFile& file,
                                                const model::Inventory& inventory) {
  std::vector<model::Diagnostic> problems;
  for (const model::Expectation& e : file.expectations) {
    const std::string object = "expectation '" + e.name + "'";
    for (const model::EndpointSpec* spec : {&e.from, &e.to}) {
      if (!spec->service) {
        continue;
      }
      const std::string ns = spec->namespace_name.value_or("");
      if (std::string why = service_endpoint_problem(ns, *spec->service, inventory); !why.empty()) {
        problems.push_back(model::Diagnostic{model::Severity::error, spec->where, object, why});
        continue;
      }
      if (spec != &e.to) {
        continue;
      }
      const model::Service& service = *inventory.find_service(ns, *spec->service);
      for (const model::PortSpec& port : e.ports) {
        if (!analyzer::service_ports_listed(service, {port}).empty()) {
          continue;
        }
        std::string known;
        for (const model::ServicePort& p : service.ports) {
          known += (known.empty() ? "" : ", ") + p.to_string() + " -> targetPort " + p.target_text();
        }
        const std::string range = port.first == port.last ? std::to_string(port.first)
                                                           : std::to_string(port.first) + '-' + std::to_string(port.last);
        problems.push_back(model::Diagnostic{
            model::Severity::error, port.where, object,
            "no port " + (port.protocol ? std::string(model::to_string(*port.protocol)) + " " : std::string()) +
                range + " of Service " + service.display_name() + " (its ports: " + known +
                "; ports given with a Service are service ports)"});
      }
    }
  }
  return problems;
}

int check(const CheckOptions& options, Output& io) {
  model::InputBudget budget(options.input.limits.max_input_bytes);
  std::vector<model::ExpectationFile> files;
  for (const std::string& path : options.expect_files) {
    files.push_back(model::load_expectations(path, options.input.limits, &budget));
  }
  InputOptions input = options.input;
  input.budget = &budget;
  keep_named_pods(files, input);
  std::optional<model::Inventory> inventory = load_inventory(input, io);
  std::size_t errors = 0;
  for (const model::ExpectationFile& file : files) {
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
  if (inventory) {
    for (const model::ExpectationFile& file : files) {
      for (const model::Diagnostic& d : service_problems(file, *inventory)) {
        io.err << d.to_string() << '\n';
        ++errors;
      }
    }
  }
  if (errors > 0) {
    io.err << "npcheck: " << errors << " error" << (errors == 1 ? "" : "s") << " in the expectations\n";
  }
  if (!inventory || errors > 0) {
    return static_cast<int>(ExitCode::input_error);
  }

  const analyzer::Program program(*inventory, program_options(input));
  analyzer::ExpectationChecker checker(program);
  analyzer::CheckOptions check_options;
  check_options.max_violations = options.max_pairs;
  CheckReport report;
  report.program = &program;
  for (const model::ExpectationFile& file : files) {
    for (const model::Expectation& expectation : file.expectations) {
      const auto start = std::chrono::steady_clock::now();
      CheckedExpectation checked{&expectation, &file.file, checker.check(expectation, check_options),
                                 {}, 0};
      checked.seconds = seconds_since(start);
      for (const model::Diagnostic& d : model::check_names(expectation, *inventory)) {
        if (!options.input.quiet) {
          io.err << d.to_string() << '\n';
        }
        checked.hints.push_back(d.message);
      }
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

// With -o junit, input that cannot be checked still gives a report: one
// <error> testcase whose message is the first error and whose text is all
// that went to stderr, so that the CI system shows why instead of an empty
// file.
int run_check(const CheckOptions& options, Output& io) {
  if (options.format != "junit") {
    return check(options, io);
  }
  const auto start = std::chrono::steady_clock::now();
  std::ostringstream captured;
  TeeBuffer tee(io.err, captured);
  std::ostream err(&tee);
  Output teed{io.out, err, io.in};
  int rc = 0;
  try {
    rc = check(options, teed);
  } catch (const model::Error& e) {
    err << "npcheck: error: " << e.what() << '\n';
    rc = static_cast<int>(ExitCode::input_error);
  }
  if (rc != static_cast<int>(ExitCode::input_error)) {
    return rc;
  }
  std::vector<std::string> error_lines;
  std::istringstream lines(captured.str());
  std::string summary;
  for (std::string line; std::getline(lines, line);) {
    if (line.find(": error: ") != std::string::npos) {
      error_lines.push_back(line);
    }
    summary = line;
  }
  if (!error_lines.empty()) {
    summary = error_lines.front();
    if (error_lines.size() > 1) {
      std::size_t more = error_lines.size() - 1;
      summary += " (and " + std::to_string(more) + " more error" + (more == 1 ? ")" : "s)");
    }
  }
  write_check_junit_error(io.out, summary, captured.str(), seconds_since(start));
  return rc;
}

} // namespace

Runner setup_check(CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* command =
      app.add_subcommand("check", "Check the manifests against expectations files (a CI gate)");
  add_input_options(*command, options->input);
  command->footer("Examples:\n"
                  "  npcheck check -f manifests/ --expect expectations.yaml\n"
                  "  npcheck check -f manifests/ --expect expectations.yaml -o junit > npcheck-check.xml");
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
