// SPDX-License-Identifier: Apache-2.0
// npcheck completion: a shell completion script, generated from the
// definition of every command (completion.cpp).
#include "commands.hpp"
#include "completion.hpp"

#include <ostream>

namespace npcheck::cli {

Runner setup_completion(CLI::App& app) {
  auto shell = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("completion", "Print the shell completion script for bash, zsh or fish");
  command->add_option("shell", *shell, "The shell: bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}))
      ->type_name("SHELL");
  command->footer("Examples:\n"
                  "  source <(npcheck completion bash)     # in ~/.bashrc\n"
                  "  npcheck completion zsh > ~/.zfunc/_npcheck   # a directory of $fpath\n"
                  "  npcheck completion fish > ~/.config/fish/completions/npcheck.fish");
  const CLI::App* root = &app;
  return [shell, root](Output& io) {
    write_completion(io.out, describe_cli(*root), *shell);
    return static_cast<int>(ExitCode::ok);
  };
}

} // namespace npcheck::cli
