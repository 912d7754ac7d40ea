// SPDX-License-Identifier: Apache-2.0
//
// The command line: one CLI11 app with a subcommand per job. This is the only
// place where errors are caught and turned into exit statuses, and the one
// place that owns the report's stream (output.hpp): every command's output is
// escaped, checked for write errors, and written atomically with
// --output-file.
#include <npcheck/cli/run.hpp>

#include "commands.hpp"
#include "output.hpp"

#include <npcheck/model/error.hpp>

#include <cerrno>
#include <cstring>
#include <istream>
#include <map>
#include <new>
#include <optional>
#include <ostream>
#include <sstream>

namespace npcheck::cli {

int run(int argc, const char* const* argv, std::istream& in, std::ostream& out, std::ostream& err) {
  (void)in;
  CLI::App app{"npcheck: offline, exact reachability analysis of Kubernetes NetworkPolicies", "npcheck"};
  app.set_version_flag("--version", std::string("npcheck ") + NPCHECK_VERSION);
  app.require_subcommand(1);
  app.footer("Exit status: 0 yes/clean, 1 no/violations found, 2 usage or input error.\n"
             "See man npcheck for the full reference.");

  std::map<std::string, Runner> runners;
  runners["validate"] = setup_validate(app);
  runners["can-reach"] = setup_can_reach(app);
  runners["matrix"] = setup_matrix(app);
  runners["check"] = setup_check(app);
  runners["diff"] = setup_diff(app);
  runners["lint"] = setup_lint(app);
  std::map<std::string, std::string> output_files;
  for (const auto& [name, runner] : runners) {
    app.get_subcommand(name)
        ->add_option("--output-file", output_files[name],
                     "Write the output to FILE instead of standard output, whole or not at all "
                     "('-': standard output)")
        ->check(path_value())
        ->type_name("FILE");
  }

  try {
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      // CLI11 quotes the arguments: escape them as every other message is.
      std::ostringstream messages;
      int rc = app.exit(e, out, messages);
      std::istringstream lines(messages.str());
      for (std::string line; std::getline(lines, line);) {
        err << model::escape_control(line) << '\n';
      }
      return rc == 0 ? 0 : static_cast<int>(ExitCode::input_error);
    }
    for (CLI::App* sub : app.get_subcommands()) {
      const std::string& path = output_files[sub->get_name()];
      std::optional<OutputFile> file;
      if (!path.empty() && path != "-") {
        file.emplace(path);
      }
      std::ostream& destination = file ? file->stream() : out;
      EscapingStreamBuffer escaping(*destination.rdbuf());
      std::ostream report(&escaping);
      Output io{report, err};
      const int rc = runners.at(sub->get_name())(io);
      const bool written = escaping.finish();
      const int error = errno;
      if (file) {
        if (rc == static_cast<int>(ExitCode::input_error) && !file->written()) {
          return rc; // no report: the target stays as it was
        }
        file->commit();
      } else if (!written) {
        // A report that did not reach its reader is no answer (stdout on a
        // full disk, a closed pipe).
        err << "npcheck: error: cannot write the output: " << std::strerror(error) << '\n';
        return static_cast<int>(ExitCode::input_error);
      }
      return rc;
    }
    return static_cast<int>(ExitCode::input_error);
  } catch (const std::bad_alloc&) {
    err << "npcheck: error: out of memory (the limits on input, such as --max-input-size, keep "
           "hostile input from needing more)\n";
    return static_cast<int>(ExitCode::input_error);
  } catch (const model::Error& e) {
    err << "npcheck: error: " << model::escape_control(e.what()) << '\n';
    return static_cast<int>(ExitCode::input_error);
  } catch (const std::exception& e) {
    err << "npcheck: error: " << model::escape_control(e.what()) << '\n';
    return static_cast<int>(ExitCode::input_error);
  }
}

} // namespace npcheck::cli
