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
#include <npcheck/model/suggest.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <istream>
#include <map>
#include <new>
#include <optional>
#include <ostream>
#include <sstream>
#include <string_view>
#include <vector>

namespace npcheck::cli {

namespace {

// kubectl runs a plugin found on PATH as kubectl-NAME; its help then shows
// the command as the user typed it.
std::string program_name(int argc, const char* const* argv) {
  if (argc < 1 || argv[0] == nullptr) {
    return "npcheck";
  }
  std::string_view base = argv[0];
  if (std::size_t slash = base.rfind('/'); slash != std::string_view::npos) {
    base.remove_prefix(slash + 1);
  }
  return base == "kubectl-npcheck" ? "kubectl npcheck" : "npcheck";
}

// The words that are not options, in order, up to a -h, --help or
// --version (then `asks` is set): the first names the command, since npcheck
// has no option before it that takes a value.
std::vector<std::string> command_words(int argc, const char* const* argv, bool& asks) {
  std::vector<std::string> words;
  asks = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view word = argv[i];
    if (word == "-h" || word == "--help" || word == "--version") {
      asks = true;
      break;
    }
    if (!word.empty() && word.front() != '-') {
      words.emplace_back(word);
    }
  }
  return words;
}

// The command word, and the word after `help` too: an unknown one, or none,
// is reported here with the list of commands, since CLI11 would only say
// that one is required.
std::string command_error(int argc, const char* const* argv, const CLI::App& app) {
  std::vector<std::string> names;
  std::string list;
  for (const CLI::App* sub : app.get_subcommands({})) {
    names.push_back(sub->get_name());
    list += (list.empty() ? "" : ", ") + sub->get_name();
  }
  bool after_help = false;
  bool asks = false;
  for (const std::string& word : command_words(argc, argv, asks)) {
    if (std::find(names.begin(), names.end(), word) == names.end()) {
      const std::optional<std::string> near = model::nearest(word, names, 2);
      return "unknown command '" + word + "'" + (near ? ": did you mean '" + *near + "'?" : "") +
             " (commands: " + list + ")";
    }
    if (after_help || word != "help") {
      return "";
    }
    after_help = true;
  }
  return after_help || asks ? "" : "no command given (commands: " + list + ")";
}

} // namespace

int run(int argc, const char* const* argv, std::istream& in, std::ostream& out, std::ostream& err) {
  (void)in;
  CLI::App app{"npcheck: offline, exact reachability analysis of Kubernetes NetworkPolicies",
               program_name(argc, argv)};
  app.set_version_flag("--version", std::string("npcheck ") + NPCHECK_VERSION);
  app.require_subcommand(1);
  app.footer("Exit status: 0 yes/clean, 1 no/violations found, 2 usage or input error.\n"
             "`npcheck help COMMAND` describes a command; man npcheck is the full reference.");

  const std::vector<std::pair<std::string, Runner (*)(CLI::App&)>> commands = {
      {"validate", setup_validate}, {"can-reach", setup_can_reach}, {"matrix", setup_matrix},
      {"check", setup_check},       {"diff", setup_diff},           {"lint", setup_lint},
      {"exposure", setup_exposure}, {"completion", setup_completion},
      {"help", setup_help}, // last: it lists the others
  };
  // An analysis command sets up only its own options: setting up every
  // command's took a fifth of a small can-reach (1.5 of 7 ms), which
  // scripts and the conformance runner pay on every call. help and
  // completion read every command's; anything else (an unknown word, none)
  // sets up all for command_error's list.
  bool asks = false;
  const std::vector<std::string> words = command_words(argc, argv, asks);
  std::string only = words.empty() || words.front() == "help" || words.front() == "completion" ? "" : words.front();
  if (std::none_of(commands.begin(), commands.end(), [&](const auto& command) { return command.first == only; })) {
    only.clear();
  }
  std::map<std::string, Runner> runners;
  for (const auto& [name, setup] : commands) {
    if (only.empty() || name == only) {
      runners[name] = setup(app);
    }
  }
  std::map<std::string, std::string> output_files;
  for (const auto& [name, runner] : runners) {
    if (name == "help") {
      continue;
    }
    app.get_subcommand(name)
        ->add_option("--output-file", output_files[name],
                     "Write the output to FILE instead of standard output, whole or not at all "
                     "('-': standard output)")
        ->check(path_value())
        ->type_name("FILE");
  }

  if (std::string problem = command_error(argc, argv, app); !problem.empty()) {
    err << "npcheck: error: " << model::escape_control(problem) << '\n';
    return static_cast<int>(ExitCode::input_error);
  }

  try {
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      // CLI11 quotes the arguments: escape them as every other message is.
      std::ostringstream messages;
      int rc = app.exit(e, out, messages);
      std::istringstream lines(messages.str());
      bool first = true;
      for (std::string line; std::getline(lines, line);) {
        // The error itself reads as every other error does.
        const bool error_line = rc != 0 && first && !line.empty();
        err << (error_line ? "npcheck: error: " : "") << model::escape_control(line) << '\n';
        first = first && line.empty();
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
      // "-f -" reads in; std::cin itself is read through its file descriptor.
      Output io{report, err, &in == &std::cin ? nullptr : &in};
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
