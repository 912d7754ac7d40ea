// SPDX-License-Identifier: Apache-2.0
// libFuzzer's entry point for fuzz_load (targets.hpp); built only with NPCHECK_FUZZ=ON.
#include "targets.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return npcheck::fuzz::fuzz_load(data, size);
}
