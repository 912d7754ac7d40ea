// SPDX-License-Identifier: Apache-2.0
#include <npcheck/model/ip_address.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace npcheck::model {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton stops at a NUL byte, so "10.0.0.1\0junk" would pass as 10.0.0.1.
  if (text.empty() || text.size() > 45 || text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  char buffer[64];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  IpAddress ip;
  if (text.find(':') == std::string_view::npos) {
    // inet_pton accepts only the strict dotted-quad form; leading zeros are
    // rejected by the API server too (ambiguous octal), so reject them here.
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
      bool starts_octet = i == 0 || text[i - 1] == '.';
      if (starts_octet && text[i] == '0' && text[i + 1] != '.') {
        return std::nullopt;
      }
    }
    ip.family = IpFamily::v4;
    if (inet_pton(AF_INET, buffer, ip.bytes.data()) != 1) {
      return std::nullopt;
    }
    return ip;
  }
  ip.family = IpFamily::v6;
  if (inet_pton(AF_INET6, buffer, ip.bytes.data()) != 1) {
    return std::nullopt;
  }
  return ip;
}

std::string IpAddress::to_string() const {
  char buffer[INET6_ADDRSTRLEN];
  inet_ntop(family == IpFamily::v4 ? AF_INET : AF_INET6, bytes.data(), buffer, sizeof buffer);
  return buffer;
}

std::uint32_t IpAddress::v4() const {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

std::pair<std::uint64_t, std::uint64_t> IpAddress::v6() const {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  for (int i = 0; i < 8; ++i) {
    high = (high << 8) | bytes[static_cast<std::size_t>(i)];
    low = (low << 8) | bytes[static_cast<std::size_t>(i + 8)];
  }
  return {high, low};
}

bool IpAddress::is_v4_mapped() const {
  return family == IpFamily::v6 && std::all_of(bytes.begin(), bytes.begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
         bytes[10] == 0xff && bytes[11] == 0xff;
}

IpAddress IpAddress::from_v4(std::uint32_t value) {
  IpAddress ip;
  ip.family = IpFamily::v4;
  for (int i = 0; i < 4; ++i) {
    ip.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value >> (24 - 8 * i));
  }
  return ip;
}

IpAddress IpAddress::from_v6(std::uint64_t high, std::uint64_t low) {
  IpAddress ip;
  ip.family = IpFamily::v6;
  for (int i = 0; i < 8; ++i) {
    ip.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(high >> (56 - 8 * i));
    ip.bytes[static_cast<std::size_t>(i + 8)] = static_cast<std::uint8_t>(low >> (56 - 8 * i));
  }
  return ip;
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  std::optional<IpAddress> ip = IpAddress::parse(text.substr(0, slash));
  if (!ip) {
    return std::nullopt;
  }
  std::string_view digits = text.substr(slash + 1);
  if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0')) {
    return std::nullopt;
  }
  int prefix = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
  if (ec != std::errc{} || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  int max = ip->family == IpFamily::v4 ? 32 : 128;
  if (prefix < 0 || prefix > max) {
    return std::nullopt;
  }
  return Cidr{*ip, prefix};
}

namespace {

IpAddress masked(const IpAddress& ip, int prefix, bool set_host_bits) {
  IpAddress out = ip;
  std::size_t length = ip.family == IpFamily::v4 ? 4 : 16;
  for (std::size_t i = 0; i < length; ++i) {
    int bits_in_byte = prefix - static_cast<int>(i) * 8;
    std::uint8_t mask = 0;
    if (bits_in_byte >= 8) {
      mask = 0xff;
    } else if (bits_in_byte > 0) {
      mask = static_cast<std::uint8_t>(0xff << (8 - bits_in_byte));
    }
    out.bytes[i] = set_host_bits ? static_cast<std::uint8_t>(ip.bytes[i] | ~mask)
                                 : static_cast<std::uint8_t>(ip.bytes[i] & mask);
  }
  return out;
}

} // namespace

IpAddress Cidr::first() const { return masked(address, prefix, false); }
IpAddress Cidr::last() const { return masked(address, prefix, true); }
bool Cidr::has_host_bits() const { return first() != address; }

bool Cidr::contains(const IpAddress& ip) const {
  return ip.family == address.family && first() <= ip && ip <= last();
}

bool Cidr::contains(const Cidr& other) const {
  return other.address.family == address.family && other.prefix >= prefix &&
         contains(other.address);
}

std::string Cidr::mapped_problem() const {
  if (!address.is_v4_mapped()) {
    return "";
  }
  // apimachinery's strict CIDR validation (util/validation/ip.go, parseCIDR)
  // rejects it; older API servers accept it with a warning that names the
  // IPv4 block, which is how Go's net package reads it, while other readers
  // take it as IPv6 that no IPv4 packet matches.
  std::string message = "must not have an IPv4-mapped IPv6 address";
  if (prefix >= 96) {
    IpAddress v4;
    v4.family = IpFamily::v4;
    std::copy(address.bytes.begin() + 12, address.bytes.end(), v4.bytes.begin());
    message += " (it means " + Cidr{v4, prefix - 96}.to_string() +
               " to some implementations and no IPv4 address to others: write that)";
  }
  return message;
}

std::string Cidr::to_string() const { return address.to_string() + '/' + std::to_string(prefix); }

} // namespace npcheck::model
