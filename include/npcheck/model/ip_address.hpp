// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace npcheck::model {

enum class IpFamily { v4, v6 };

// An IPv4 or IPv6 address; IPv4 uses the first 4 bytes of bytes.
struct IpAddress {
  IpFamily family = IpFamily::v4;
  std::array<std::uint8_t, 16> bytes{};

  // Parses dotted IPv4 or RFC 4291 IPv6 text (no zone, no brackets).
  static std::optional<IpAddress> parse(std::string_view text);
  // Canonical text: dotted quad, or RFC 5952 IPv6.
  std::string to_string() const;
  // IPv4 as a 32-bit number; only for family v4.
  std::uint32_t v4() const;
  // IPv6 as two 64-bit halves (high, low); only for family v6.
  std::pair<std::uint64_t, std::uint64_t> v6() const;
  // An IPv6 address of ::ffff:0:0/96, which embeds an IPv4 address.
  bool is_v4_mapped() const;
  static IpAddress from_v4(std::uint32_t value);
  static IpAddress from_v6(std::uint64_t high, std::uint64_t low);

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
};

// A CIDR block "address/prefix". Host bits may be set in address.
struct Cidr {
  IpAddress address;
  int prefix = 0;

  // Parses "a.b.c.d/n" or "v6/n"; nullopt when malformed or prefix out of range.
  static std::optional<Cidr> parse(std::string_view text);
  // The network (host bits cleared) and the last address of the block.
  IpAddress first() const;
  IpAddress last() const;
  bool has_host_bits() const;
  // Why the API server rejects this block although it parses (its strict
  // validation, KEP-4858), or "" when it does not: an IPv4-mapped IPv6
  // address, which implementations read as IPv4 or as IPv6.
  std::string mapped_problem() const;
  bool contains(const IpAddress& ip) const;
  // True when other lies inside this block (same family, not wider).
  bool contains(const Cidr& other) const;
  std::string to_string() const;

  friend bool operator==(const Cidr&, const Cidr&) = default;
};

} // namespace npcheck::model
