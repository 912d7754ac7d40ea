// SPDX-License-Identifier: Apache-2.0
//
// The command line run in process, as main() runs it: exit status, standard
// output and standard error of one call of npcheck::cli::run.
#pragma once

#include <npcheck/cli/run.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace npcheck::testing {

struct Run {
  int rc = 0;
  std::string out;
  std::string err;
};

// Runs args as the program called program, with standard_input as "-f -".
inline Run run_as(const std::string& program, const std::vector<std::string>& args,
                  const std::string& standard_input = "") {
  std::vector<const char*> argv{program.c_str()};
  for (const std::string& a : args) {
    argv.push_back(a.c_str());
  }
  std::istringstream in(standard_input);
  std::ostringstream out;
  std::ostringstream err;
  const int rc = npcheck::cli::run(static_cast<int>(argv.size()), argv.data(), in, out, err);
  return Run{rc, out.str(), err.str()};
}

inline Run run_npcheck(const std::vector<std::string>& args) { return run_as("npcheck", args); }

} // namespace npcheck::testing
