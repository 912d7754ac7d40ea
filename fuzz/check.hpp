// SPDX-License-Identifier: Apache-2.0
#pragma once

// How a fuzz target reports a broken invariant. Under libFuzzer the message
// goes to stderr and the process aborts, so that the input is saved as a
// crash; the test suite installs a handler that throws Failure instead.

#include <stdexcept>
#include <string>

namespace npcheck::fuzz {

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using FailureHandler = void (*)(const std::string& message);

// Replaces the handler fail() calls; nullptr restores print-and-abort.
void set_failure_handler(FailureHandler handler);

// Reports message through the handler; aborts if the handler returns.
[[noreturn]] void fail(const std::string& message);

// The handler of the test suite: throws Failure(message).
[[noreturn]] void throw_failure(const std::string& message);

} // namespace npcheck::fuzz
