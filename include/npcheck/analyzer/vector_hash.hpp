// SPDX-License-Identifier: Apache-2.0
#pragma once

// The hash of the interning maps (class signatures of the partition, rows
// and connection sets of the matrix, groups of its views): a vector of
// unsigned integers (ids or bitset words) hashed value by value, FNV-1a style,
// with a shift that mixes the high bits into the low ones that
// std::unordered_map's buckets use.

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace npcheck::analyzer {

template <typename T>
struct VectorHash {
  static_assert(std::is_unsigned_v<T>, "ids and bitset words are unsigned");
  std::size_t operator()(const std::vector<T>& values) const {
    std::uint64_t hash = 0xcbf29ce484222325ull;
    for (T value : values) {
      hash = (hash ^ static_cast<std::uint64_t>(value)) * 0x100000001b3ull;
      hash ^= hash >> 29;
    }
    return static_cast<std::size_t>(hash);
  }
};

} // namespace npcheck::analyzer
