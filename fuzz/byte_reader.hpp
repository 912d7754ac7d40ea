// SPDX-License-Identifier: Apache-2.0
#pragma once

// Choices driven by the fuzzer's bytes. Once the input is used up every
// choice is 0, which the generators read as "the simplest option", so any
// input, even an empty one, yields a small valid result.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace npcheck::fuzz {

class ByteReader {
public:
  ByteReader(const std::uint8_t* data, std::size_t size) : m_data(data), m_size(size) {}

  // A number in 0..n-1 (0 when n <= 1), from as many bytes as n needs.
  std::uint64_t below(std::uint64_t n) {
    if (n <= 1) {
      return 0;
    }
    std::uint64_t value = 0;
    for (std::uint64_t span = 1; span < n && span <= (~std::uint64_t{0} >> 8); span <<= 8) {
      value = (value << 8) | next();
    }
    return value % n;
  }
  int below_int(int n) { return static_cast<int>(below(static_cast<std::uint64_t>(n))); }
  // True with about percent % probability; false once the input is used up.
  bool chance(unsigned percent) { return below(100) + percent >= 100; }
  template <typename T>
  const T& pick(const std::vector<T>& values) {
    return values[static_cast<std::size_t>(below(values.size()))];
  }
  bool exhausted() const { return m_position >= m_size; }

private:
  std::uint8_t next() { return m_position < m_size ? m_data[m_position++] : 0; }

  const std::uint8_t* m_data;
  std::size_t m_size;
  std::size_t m_position = 0;
};

} // namespace npcheck::fuzz
