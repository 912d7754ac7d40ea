// SPDX-License-Identifier: Apache-2.0
// npcheck help [COMMAND]: the same text as --help, for people who type it the
// git way.
#include "commands.hpp"

#include <ostream>

namespace npcheck::cli {

Runner setup_help(CLI::App& app) {
  auto topic = std::make_shared<std::string>();
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) {
    names.push_back(sub->get_name());
  }
  names.push_back("help");
  CLI::App* command = app.add_subcommand("help", "Print the help of npcheck, or of one command");
  command->add_option("command", *topic, "The command to describe")
      ->check(CLI::IsMember(names))
      ->type_name("COMMAND");
  command->footer("Examples:\n"
                  "  npcheck help\n"
                  "  npcheck help check");
  const CLI::App* root = &app;
  return [topic, root](Output& io) {
    const CLI::App* subject = topic->empty() ? root : root->get_subcommand(*topic);
    const std::string name =
        topic->empty() ? root->get_name() : root->get_name() + " " + subject->get_name();
    io.out << root->get_formatter()->make_help(subject, name, CLI::AppFormatMode::Normal);
    return static_cast<int>(ExitCode::ok);
  };
}

} // namespace npcheck::cli
