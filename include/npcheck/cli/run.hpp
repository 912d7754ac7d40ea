// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <iosfwd>

namespace npcheck::cli {

// Exit statuses shared by every command.
enum class ExitCode : int {
  ok = 0,        // yes / clean / valid
  negative = 1,  // no / violations found / denied
  input_error = 2, // usage or input error
};

// Runs the command line; never throws. in is used for "-f -".
int run(int argc, const char* const* argv, std::istream& in, std::ostream& out, std::ostream& err);

} // namespace npcheck::cli
