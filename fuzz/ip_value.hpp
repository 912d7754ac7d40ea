// SPDX-License-Identifier: Apache-2.0
#pragma once

// Addresses as plain numbers, for the fuzz targets' address arithmetic
// (neighbours of an edge, adjacent ranges, host bits).

#include <npcheck/model/ip_address.hpp>

#include <cstdint>

namespace npcheck::fuzz {

__extension__ using U128 = unsigned __int128;

inline U128 value_of(const model::IpAddress& ip) {
  if (ip.family == model::IpFamily::v4) {
    return ip.v4();
  }
  const auto [high, low] = ip.v6();
  return (static_cast<U128>(high) << 64) | low;
}

inline model::IpAddress address_of(model::IpFamily family, U128 value) {
  if (family == model::IpFamily::v4) {
    return model::IpAddress::from_v4(static_cast<std::uint32_t>(value));
  }
  return model::IpAddress::from_v6(static_cast<std::uint64_t>(value >> 64), static_cast<std::uint64_t>(value));
}

// The highest address of a family, as a number.
inline U128 family_max(model::IpFamily family) {
  return family == model::IpFamily::v4 ? U128{0xffffffffu} : ~U128{0};
}

} // namespace npcheck::fuzz
