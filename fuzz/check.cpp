// SPDX-License-Identifier: Apache-2.0
#include "check.hpp"

#include <cstdio>
#include <cstdlib>

namespace npcheck::fuzz {

namespace {

FailureHandler g_handler = nullptr;

} // namespace

void set_failure_handler(FailureHandler handler) { g_handler = handler; }

void fail(const std::string& message) {
  if (g_handler != nullptr) {
    g_handler(message);
  }
  std::fprintf(stderr, "npcheck fuzz: invariant broken: %s\n", message.c_str());
  std::fflush(stderr);
  std::abort();
}

void throw_failure(const std::string& message) { throw Failure(message); }

} // namespace npcheck::fuzz
