// SPDX-License-Identifier: Apache-2.0
// libFuzzer's entry point for fuzz_scalar (targets.hpp); built only with NPCHECK_FUZZ=ON.
#include "targets.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return npcheck::fuzz::fuzz_scalar(data, size);
}
