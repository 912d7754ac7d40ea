// SPDX-License-Identifier: Apache-2.0
//
// Address ranges as CIDR blocks. A closed range [lo, hi] is covered by the
// fewest blocks greedily: from lo, take the largest block that starts at lo
// (lo must be aligned to its size) and does not pass hi, then continue after
// it. Addresses are handled as integers of their family's width (32 or 128
// bits), so the last block of a family never overflows into the next.
#include <npcheck/analyzer/address_ranges.hpp>

#include <algorithm>

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

namespace {

std::vector<model::Cidr> blocks_of(const std::vector<AddressRange>& ranges) {
  std::vector<model::Cidr> blocks;
  for (const AddressRange& range : ranges) {
    std::vector<model::Cidr> more = to_cidrs(range);
    blocks.insert(blocks.end(), more.begin(), more.end());
  }
  return blocks;
}

std::string joined(const std::vector<model::Cidr>& blocks) {
  std::string text;
  for (const model::Cidr& block : blocks) {
    text += (text.empty() ? "" : ", ") + block.to_string();
  }
  return text;
}

// The addresses of one family (ranges ascending, disjoint), in the shorter
// of two exact forms: the CIDR blocks, or the smallest block that covers
// them all "except" the blocks of the gaps ("0.0.0.0/0 except 10.0.0.0/8").
std::string family_text(const std::vector<AddressRange>& ranges) {
  const std::vector<model::Cidr> direct = blocks_of(ranges);
  if (direct.size() <= 2) {
    return joined(direct);
  }
  const model::IpFamily family = ranges.front().first.family;
  const int bits = width(family);
  const Value lo = value_of(ranges.front().first);
  const Value hi = value_of(ranges.back().last);
  // The smallest block holding lo and hi: their common prefix.
  int prefix = 0;
  while (prefix < bits) {
    const int shift = bits - prefix - 1;
    if (((lo >> shift) & 1) != ((hi >> shift) & 1)) {
      break;
    }
    ++prefix;
  }
  const Value span_mask = prefix == 0 ? ~static_cast<Value>(0) >> (128 - bits)
                                      : (static_cast<Value>(1) << (bits - prefix)) - 1;
  const Value cover_lo = lo & ~span_mask;
  const Value cover_hi = cover_lo | span_mask;
  std::vector<AddressRange> gaps;
  Value next = cover_lo;
  bool at_end = false;
  for (const AddressRange& range : ranges) {
    const Value first = value_of(range.first);
    if (first > next) {
      gaps.push_back(AddressRange{address_of(family, next), address_of(family, first - 1)});
    }
    const Value last = value_of(range.last);
    if (last == cover_hi) {
      at_end = true;
      break;
    }
    next = last + 1;
  }
  if (!at_end) {
    gaps.push_back(AddressRange{address_of(family, next), address_of(family, cover_hi)});
  }
  const std::vector<model::Cidr> except = blocks_of(gaps);
  if (direct.size() <= except.size() + 1) {
    return joined(direct);
  }
  return model::Cidr{address_of(family, cover_lo), prefix}.to_string() + " except " + joined(except);
}

} // namespace

std::string addresses_to_string(const std::vector<AddressRange>& ranges) {
  std::vector<std::string> families;
  for (model::IpFamily family : {model::IpFamily::v4, model::IpFamily::v6}) {
    std::vector<AddressRange> of_family;
    for (const AddressRange& range : ranges) {
      if (range.first.family == family) {
        of_family.push_back(range);
      }
    }
    if (!of_family.empty()) {
      std::sort(of_family.begin(), of_family.end(), [](const AddressRange& a, const AddressRange& b) {
        return value_of(a.first) < value_of(b.first);
      });
      // Ranges that touch or overlap are one (the parts of a range endpoint).
      std::vector<AddressRange> merged;
      for (const AddressRange& range : of_family) {
        if (!merged.empty() && value_of(range.first) <= value_of(merged.back().last) + 1 &&
            value_of(merged.back().last) != ~static_cast<Value>(0) >> (128 - width(family))) {
          if (value_of(range.last) > value_of(merged.back().last)) {
            merged.back().last = range.last;
          }
        } else if (!merged.empty() && value_of(range.first) <= value_of(merged.back().last)) {
          continue; // inside a range that ends at the family's last address
        } else {
          merged.push_back(range);
        }
      }
      families.push_back(family_text(merged));
    }
  }
  // "; " between the families only where an "except" list would run on.
  const bool excepts = std::any_of(families.begin(), families.end(), [](const std::string& f) {
    return f.find(" except ") != std::string::npos;
  });
  std::string text;
  for (const std::string& family : families) {
    text += (text.empty() ? "" : excepts ? "; " : ", ") + family;
  }
  return text;
}

std::vector<std::string> addresses_to_cidrs(const std::vector<AddressRange>& ranges) {
  std::vector<std::string> cidrs;
  for (const model::Cidr& block : blocks_of(ranges)) {
    cidrs.push_back(block.to_string());
  }
  return cidrs;
}

} // namespace npcheck::analyzer
