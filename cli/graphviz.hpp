// SPDX-License-Identifier: Apache-2.0
#pragma once

// Graphviz's dot run as a child process, for matrix -o svg (private to the
// cli layer).

#include <string>

namespace npcheck::cli {

// What running dot gave: its output, and what it wrote on standard error
// (warnings) while succeeding.
struct GraphvizResult {
  std::string output;
  std::string warnings;
};

// Where a program is found on search_path (PATH's syntax: directories
// separated by ':', an empty one the current directory): the first regular,
// executable file of that name; "" when there is none.
std::string find_program(const std::string& name, const std::string& search_path);

// Lays graph out with `dot -T<format>`, found on the PATH environment
// variable, without a shell. Throws model::Error naming `option` when dot is
// not on PATH, cannot be started, or fails (with the first line it wrote on
// standard error).
GraphvizResult run_dot(const std::string& graph, const std::string& format, const std::string& option);

} // namespace npcheck::cli
