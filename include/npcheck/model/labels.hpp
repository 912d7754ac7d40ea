// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace npcheck::model {

// A label map kept as a vector of (key, value) sorted by key, keys unique.
class Labels {
public:
  using Entry = std::pair<std::string, std::string>;

  Labels() = default;
  Labels(std::initializer_list<Entry> entries);
  // From entries in any order, in O(n log n); of entries with the same key,
  // the last one wins, as with set() called in order.
  explicit Labels(std::vector<Entry> entries);

  // Sets key to value, replacing an existing value; O(size()), so build
  // many labels at once with the vector constructor.
  void set(std::string key, std::string value);
  // Returns the value of key, or nullptr when the key is absent.
  const std::string* find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }

  const std::vector<Entry>& entries() const { return m_entries; }
  bool empty() const { return m_entries.empty(); }
  std::size_t size() const { return m_entries.size(); }

  // "k1=v1,k2=v2" in key order.
  std::string to_string() const;

  friend bool operator==(const Labels&, const Labels&) = default;
  friend auto operator<=>(const Labels&, const Labels&) = default;

private:
  std::vector<Entry> m_entries;
};

} // namespace npcheck::model
