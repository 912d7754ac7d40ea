// SPDX-License-Identifier: Apache-2.0
#include <npcheck/model/labels.hpp>

#include <npcheck/model/label_selector.hpp>

#include <algorithm>
#include <iterator>

namespace npcheck::model {

Labels::Labels(std::initializer_list<Entry> entries) {
  for (const Entry& entry : entries) {
    set(entry.first, entry.second);
  }
}

Labels::Labels(std::vector<Entry> entries) : m_entries(std::move(entries)) {
  std::stable_sort(m_entries.begin(), m_entries.end(),
                   [](const Entry& a, const Entry& b) { return a.first < b.first; });
  // Keep the last of each run of equal keys.
  auto out = m_entries.begin();
  for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
    auto next = std::next(it);
    if (next != m_entries.end() && next->first == it->first) {
      continue;
    }
    if (out != it) {
      *out = std::move(*it);
    }
    ++out;
  }
  m_entries.erase(out, m_entries.end());
}

void Labels::set(std::string key, std::string value) {
  auto it = std::lower_bound(m_entries.begin(), m_entries.end(), key,
                             [](const Entry& e, const std::string& k) { return e.first < k; });
  if (it != m_entries.end() && it->first == key) {
    it->second = std::move(value);
  } else {
    m_entries.emplace(it, std::move(key), std::move(value));
  }
}

const std::string* Labels::find(std::string_view key) const {
  auto it = std::lower_bound(m_entries.begin(), m_entries.end(), key,
                             [](const Entry& e, std::string_view k) { return e.first < k; });
  if (it != m_entries.end() && it->first == key) {
    return &it->second;
  }
  return nullptr;
}

std::string Labels::to_string() const {
  std::string text;
  for (const Entry& entry : m_entries) {
    if (!text.empty()) {
      text += ',';
    }
    text += entry.first + '=' + entry.second;
  }
  return text;
}

const char* to_string(Operator op) {
  switch (op) {
  case Operator::in:
    return "In";
  case Operator::not_in:
    return "NotIn";
  case Operator::exists:
    return "Exists";
  case Operator::does_not_exist:
    return "DoesNotExist";
  }
  return "?";
}

std::string LabelSelector::to_string() const {
  if (empty()) {
    return "{}";
  }
  std::string text = match_labels.to_string();
  for (const Requirement& req : match_expressions) {
    if (!text.empty()) {
      text += ',';
    }
    std::string values;
    for (const std::string& v : req.values) {
      values += (values.empty() ? "" : ",") + v;
    }
    switch (req.op) {
    case Operator::in:
      text += req.key + " in (" + values + ')';
      break;
    case Operator::not_in:
      text += req.key + " notin (" + values + ')';
      break;
    case Operator::exists:
      text += req.key;
      break;
    case Operator::does_not_exist:
      text += '!' + req.key;
      break;
    }
  }
  return text;
}

} // namespace npcheck::model
