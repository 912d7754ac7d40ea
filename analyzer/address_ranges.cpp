// SPDX-License-Identifier: Apache-2.0
//
// Address ranges as CIDR blocks. A closed range [lo, hi] is covered by the
// fewest blocks greedily: from lo, take the largest block that starts at lo
// (lo must be aligned to its size) and does not pass hi, then continue after
// it. Addresses are handled as integers of their family's width (32 or 128
// bits), so the last block of a family never overflows into the next.
#include <npcheck/analyzer/address_ranges.hpp>

namespace npcheck::analyzer {

namespace {

using Value = AddressSet::V6Value;

int width(model::IpFamily family) { return family == model::IpFamily::v4 ? 32 : 128; }

Value value_of(const model::IpAddress& ip) {
  if (ip.family == model::IpFamily::v4) {
    return ip.v4();
  }
  const auto [high, low] = ip.v6();
  return (static_cast<Value>(high) << 64) | low;
}

model::IpAddress address_of(model::IpFamily family, Value value) {
  if (family == model::IpFamily::v4) {
    return model::IpAddress::from_v4(static_cast<std::uint32_t>(value));
  }
  return model::IpAddress::from_v6(static_cast<std::uint64_t>(value >> 64),
                                   static_cast<std::uint64_t>(value));
}

} // namespace

std::vector<model::Cidr> to_cidrs(const AddressRange& range) {
  std::vector<model::Cidr> blocks;
  const model::IpFamily family = range.first.family;
  const int bits = width(family);
  Value lo = value_of(range.first);
  const Value hi = value_of(range.last);
  while (true) {
    // Largest k with lo aligned to 2^k and lo + 2^k - 1 <= hi.
    int k = 0;
    while (k < bits) {
      if (k + 1 == 128) {
        k += lo == 0 && hi == ~static_cast<Value>(0) ? 1 : 0;
        break;
      }
      const Value mask = (static_cast<Value>(1) << (k + 1)) - 1;
      if ((lo & mask) != 0 || hi - lo < mask) {
        break;
      }
      ++k;
    }
    blocks.push_back(model::Cidr{address_of(family, lo), bits - k});
    const Value last = k == 128 ? ~static_cast<Value>(0) : lo + ((static_cast<Value>(1) << k) - 1);
    if (last >= hi) {
      break;
    }
    lo = last + 1;
  }
  return blocks;
}

AddressSet to_address_set(const std::vector<AddressRange>& ranges) {
  AddressSet set;
  for (const AddressRange& range : ranges) {
    for (const model::Cidr& cidr : to_cidrs(range)) {
      set.add(cidr);
    }
  }
  return set;
}

std::string addresses_to_string(const std::vector<AddressRange>& ranges) {
  std::vector<model::Cidr> blocks;
  for (const AddressRange& range : ranges) {
    std::vector<model::Cidr> more = to_cidrs(range);
    blocks.insert(blocks.end(), more.begin(), more.end());
  }
  std::string text;
  if (blocks.size() <= 4) {
    for (const model::Cidr& block : blocks) {
      text += (text.empty() ? "" : ", ") + block.to_string();
    }
    return text;
  }
  for (const AddressRange& range : ranges) {
    text += (text.empty() ? "" : ", ") + range.first.to_string();
    if (!(range.first == range.last)) {
      text += '-' + range.last.to_string();
    }
  }
  return text;
}

} // namespace npcheck::analyzer
