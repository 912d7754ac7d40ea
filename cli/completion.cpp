// SPDX-License-Identifier: Apache-2.0
//
// Completion scripts from the CLI definition. describe_cli walks the CLI11
// app once: every subcommand, every option with its names, its description,
// whether it takes a value, and what the value is (a path when its type name
// is PATH or FILE, one of a set when an IsMember check guards it, which
// CLI11 shows in the type name as "FORMAT:{text,json}"). The three writers
// turn that into each shell's own mechanism:
//  - bash: one function for `complete -F`, choosing words by the command and
//    the previous word (bash splits --opt=value at '=', which it handles);
//  - zsh: an `_arguments` specification per command, in #compdef form, so
//    that it autoloads from $fpath or can be sourced after compinit;
//  - fish: `complete` lines guarded by __fish_seen_subcommand_from.
// Each also completes kubectl-npcheck, the name kubectl runs a plugin by.
#include "completion.hpp"

#include <npcheck/model/error.hpp>

#include <algorithm>
#include <ostream>

namespace npcheck::cli {

namespace {

constexpr const char* k_kubectl_plugin = "kubectl-npcheck";

// "FORMAT:{text,json,junit}" -> {"text", "json", "junit"}.
std::vector<std::string> choices_in(const std::string& type_name) {
  std::vector<std::string> choices;
  const std::size_t open = type_name.find('{');
  const std::size_t close = type_name.find('}', open);
  if (open == std::string::npos || close == std::string::npos) {
    return choices;
  }
  std::string item;
  for (std::size_t i = open + 1; i <= close; ++i) {
    if (type_name[i] == ',' || type_name[i] == '}') {
      if (!item.empty()) {
        choices.push_back(item);
      }
      item.clear();
    } else {
      item += type_name[i];
    }
  }
  return choices;
}

CompletedOption describe_option(const CLI::Option& option) {
  CompletedOption o;
  for (const std::string& name : option.get_snames()) {
    o.names.push_back("-" + name);
  }
  for (const std::string& name : option.get_lnames()) {
    o.names.push_back("--" + name);
  }
  o.description = option.get_description();
  if (option.get_expected_max() == 0) {
    return o; // a flag
  }
  o.repeatable = option.get_expected_max() > 1;
  const std::string type_name = option.get_type_name();
  o.value_name = type_name.substr(0, type_name.find(':'));
  o.choices = choices_in(type_name);
  if (!o.choices.empty()) {
    o.value = ValueKind::choice;
  } else if (o.value_name == "PATH" || o.value_name == "FILE") {
    o.value = ValueKind::path;
  } else {
    o.value = ValueKind::word;
  }
  return o;
}

// Words of a list, joined by sep.
std::string join(const std::vector<std::string>& words, const std::string& sep) {
  std::string text;
  for (const std::string& w : words) {
    text += (text.empty() ? "" : sep) + w;
  }
  return text;
}

// A string as one single-quoted sh/bash/zsh word.
std::string sh_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

// A string as one single-quoted fish word (fish escapes \ and ' inside).
std::string fish_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') {
      quoted += '\\';
    }
    quoted += c;
  }
  return quoted + "'";
}

// Text inside the [...] or after the ':' of an _arguments spec.
std::string zsh_spec_text(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') {
      escaped += '\\';
    }
    escaped += c;
  }
  return escaped;
}

// ---- bash -----------------------------------------------------------------

void write_bash(std::ostream& out, const CompletionSpec& spec) {
  std::vector<std::string> first_words;
  for (const CompletedCommand& c : spec.commands) {
    first_words.push_back(c.name);
  }
  for (const CompletedOption& o : spec.options) {
    first_words.insert(first_words.end(), o.names.begin(), o.names.end());
  }
  const std::string function = "_" + spec.program;
  out << "# bash completion for " << spec.program << ", generated from its command definitions by\n"
      << "# `" << spec.program << " completion bash`. Install as\n"
      << "# /usr/share/bash-completion/completions/" << spec.program
      << ", or source it from ~/.bashrc.\n"
      << function << "() {\n"
      << "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
      << "  # bash splits --option=value at '=': complete the value of --option.\n"
      << "  if [[ $cur == = ]]; then\n"
      << "    cur=''\n"
      << "  elif [[ $prev == = ]]; then\n"
      << "    prev=${COMP_WORDS[COMP_CWORD-2]}\n"
      << "  fi\n"
      << "  local command='' i\n"
      << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      << "    case ${COMP_WORDS[i]} in\n"
      << "      -*) ;;\n"
      << "      *) command=${COMP_WORDS[i]}; break ;;\n"
      << "    esac\n"
      << "  done\n"
      << "  local words=''\n"
      << "  case $command in\n"
      << "    '')\n"
      << "      COMPREPLY=($(compgen -W " << sh_quote(join(first_words, " ")) << " -- \"$cur\"))\n"
      << "      return ;;\n";
  for (const CompletedCommand& c : spec.commands) {
    out << "    " << c.name << ")\n";
    std::vector<std::string> words;
    std::vector<std::string> value_cases;
    for (const CompletedOption& o : c.options) {
      words.insert(words.end(), o.names.begin(), o.names.end());
      if (o.value == ValueKind::none) {
        continue;
      }
      std::string action;
      if (o.value == ValueKind::path) {
        action = "compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\"))";
      } else if (o.value == ValueKind::choice) {
        action = "COMPREPLY=($(compgen -W " + sh_quote(join(o.choices, " ")) + " -- \"$cur\"))";
      } else {
        action = "COMPREPLY=()";
      }
      value_cases.push_back("        " + join(o.names, "|") + ")\n          " + action + "\n          return ;;\n");
    }
    if (!value_cases.empty()) {
      out << "      case $prev in\n";
      for (const std::string& text : value_cases) {
        out << text;
      }
      out << "      esac\n";
    }
    if (!c.argument_choices.empty()) {
      out << "      if [[ $cur != -* ]]; then\n"
          << "        COMPREPLY=($(compgen -W " << sh_quote(join(c.argument_choices, " "))
          << " -- \"$cur\"))\n"
          << "        return\n"
          << "      fi\n";
    }
    out << "      words=" << sh_quote(join(words, " ")) << " ;;\n";
  }
  out << "  esac\n"
      << "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
      << "}\n"
      << "complete -F " << function << ' ' << spec.program << ' ' << k_kubectl_plugin << '\n';
}

// ---- zsh ------------------------------------------------------------------

// One _arguments spec for an option, e.g.
// '(-o --output)'{-o,--output=}'[Output format]:FORMAT:(text json)'.
// exclusion overrides the options it excludes (default: its own names).
std::string zsh_option_spec(const CompletedOption& o, const std::string& exclusion = "") {
  std::string action;
  switch (o.value) {
  case ValueKind::none:
    break;
  case ValueKind::path:
    action = ":" + zsh_spec_text(o.value_name) + ":_files";
    break;
  case ValueKind::choice:
    action = ":" + zsh_spec_text(o.value_name) + ":(" + join(o.choices, " ") + ")";
    break;
  case ValueKind::word:
    action = ":" + zsh_spec_text(o.value_name) + ": ";
    break;
  }
  std::vector<std::string> names;
  for (const std::string& name : o.names) {
    // --name= takes its value after '=' or in the next word, as CLI11 does.
    names.push_back(o.value != ValueKind::none && name.rfind("--", 0) == 0 ? name + "=" : name);
  }
  const std::string rest = "[" + zsh_spec_text(o.description) + "]" + action;
  std::string prefix = o.repeatable ? "*" : exclusion;
  if (names.size() == 1) {
    return sh_quote(prefix + names.front() + rest);
  }
  if (prefix.empty()) {
    prefix = "(" + join(o.names, " ") + ")";
  }
  return (prefix.empty() ? std::string() : sh_quote(prefix)) + "{" + join(names, ",") + "}" +
         sh_quote(rest);
}

void write_zsh(std::ostream& out, const CompletionSpec& spec) {
  const std::string function = "_" + spec.program;
  out << "#compdef " << spec.program << ' ' << k_kubectl_plugin << '\n'
      << "# zsh completion for " << spec.program << ", generated from its command definitions by\n"
      << "# `" << spec.program << " completion zsh`. Install as " << function
      << " in a directory of $fpath, or\n"
      << "# source it after compinit.\n\n"
      << function << "() {\n"
      << "  local curcontext=$curcontext state state_descr line ret=1\n"
      << "  typeset -A opt_args\n"
      << "  _arguments -C \\\n";
  for (const CompletedOption& o : spec.options) {
    // --help and --version end the command line.
    out << "    " << zsh_option_spec(o, "(- : *)") << " \\\n";
  }
  out << "    '1: :->command' \\\n"
      << "    '*:: :->argument' && ret=0\n"
      << "  case $state in\n"
      << "    command)\n"
      << "      local -a commands=(\n";
  for (const CompletedCommand& c : spec.commands) {
    out << "        " << sh_quote(zsh_spec_text(c.name) + ":" + c.description) << '\n';
  }
  out << "      )\n"
      << "      _describe -t commands " << sh_quote(spec.program + " command") << " commands && ret=0\n"
      << "      ;;\n"
      << "    argument)\n"
      << "      curcontext=${curcontext%:*:*}:" << spec.program << "-$words[1]:\n"
      << "      case $words[1] in\n";
  for (const CompletedCommand& c : spec.commands) {
    out << "        (" << c.name << ")\n"
        << "          _arguments";
    for (const CompletedOption& o : c.options) {
      out << " \\\n            " << zsh_option_spec(o);
    }
    if (!c.argument_choices.empty()) {
      out << " \\\n            " << sh_quote("1: :(" + join(c.argument_choices, " ") + ")");
    }
    out << " && ret=0\n"
        << "          ;;\n";
  }
  out << "      esac\n"
      << "      ;;\n"
      << "  esac\n"
      << "  return ret\n"
      << "}\n\n"
      << "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n"
      << "  " << function << " \"$@\"\n"
      << "else\n"
      << "  compdef " << function << ' ' << spec.program << ' ' << k_kubectl_plugin << '\n'
      << "fi\n";
}

// ---- fish -----------------------------------------------------------------

void write_fish(std::ostream& out, const CompletionSpec& spec) {
  const std::string c = "complete -c " + spec.program;
  out << "# fish completion for " << spec.program << ", generated from its command definitions by\n"
      << "# `" << spec.program << " completion fish`. Install as\n"
      << "# /usr/share/fish/vendor_completions.d/" << spec.program
      << ".fish or ~/.config/fish/completions/" << spec.program << ".fish.\n"
      << c << " -f\n";
  auto option_line = [&c](const std::string& condition, const CompletedOption& o) {
    std::string line = c + " -n " + fish_quote(condition);
    for (const std::string& name : o.names) {
      line += (name.rfind("--", 0) == 0 ? " -l " + name.substr(2) : " -s " + name.substr(1));
    }
    switch (o.value) {
    case ValueKind::none:
      break;
    case ValueKind::path:
      line += " -r -F";
      break;
    case ValueKind::choice:
      line += " -x -a " + fish_quote(join(o.choices, " "));
      break;
    case ValueKind::word:
      line += " -x";
      break;
    }
    return line + " -d " + fish_quote(o.description) + '\n';
  };
  for (const CompletedOption& o : spec.options) {
    out << option_line("__fish_use_subcommand", o);
  }
  for (const CompletedCommand& command : spec.commands) {
    out << c << " -n __fish_use_subcommand -a " << command.name << " -d "
        << fish_quote(command.description) << '\n';
  }
  for (const CompletedCommand& command : spec.commands) {
    const std::string condition = "__fish_seen_subcommand_from " + command.name;
    for (const CompletedOption& o : command.options) {
      out << option_line(condition, o);
    }
    if (!command.argument_choices.empty()) {
      out << c << " -n " << fish_quote(condition) << " -a "
          << fish_quote(join(command.argument_choices, " ")) << '\n';
    }
  }
  out << "complete -c " << k_kubectl_plugin << " -w " << spec.program << '\n';
}

} // namespace

CompletionSpec describe_cli(const CLI::App& app) {
  CompletionSpec spec;
  spec.program = "npcheck";
  for (const CLI::Option* option : app.get_options()) {
    if (!option->get_positional()) {
      spec.options.push_back(describe_option(*option));
    }
  }
  for (const CLI::App* sub : app.get_subcommands({})) {
    CompletedCommand command;
    command.name = sub->get_name();
    command.description = sub->get_description();
    for (const CLI::Option* option : sub->get_options()) {
      if (option->get_positional()) {
        command.argument_choices = choices_in(option->get_type_name());
      } else {
        command.options.push_back(describe_option(*option));
      }
    }
    spec.commands.push_back(std::move(command));
  }
  return spec;
}

void write_completion(std::ostream& out, const CompletionSpec& spec, const std::string& shell) {
  if (shell == "bash") {
    write_bash(out, spec);
  } else if (shell == "zsh") {
    write_zsh(out, spec);
  } else if (shell == "fish") {
    write_fish(out, spec);
  } else {
    throw model::Error({}, "completion: unknown shell '" + shell + "' (expected bash, zsh or fish)");
  }
}

} // namespace npcheck::cli
