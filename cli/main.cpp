// SPDX-License-Identifier: Apache-2.0
#include <npcheck/cli/run.hpp>

#include <iostream>

int main(int argc, char** argv) {
  return npcheck::cli::run(argc, argv, std::cin, std::cout, std::cerr);
}
