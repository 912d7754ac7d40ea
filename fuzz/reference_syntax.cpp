// SPDX-License-Identifier: Apache-2.0
//
// apimachinery's pkg/util/validation, transcribed: a qualified name is
// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] of at most 63 characters, with an
// optional DNS-1123-subdomain prefix and '/'; a label value is empty or a
// qualified name part; a DNS-1123 label is [a-z0-9]([-a-z0-9]*[a-z0-9])? of
// at most 63, a subdomain such labels joined by '.' of at most 253; a port
// name (IANA_SVC_NAME) has 1-15 characters of [-a-z0-9], a letter, and no
// leading, trailing or double '-'. Lengths are checked before any regex, so
// that std::regex (recursive in libstdc++) only sees short texts.
#include "reference_syntax.hpp"

#include <regex>
#include <string>

namespace npcheck::fuzz::reference {

namespace {

bool full_match(std::string_view text, const std::regex& pattern) {
  return std::regex_match(text.begin(), text.end(), pattern);
}

bool qualified_part(std::string_view text) {
  static const std::regex k_pattern("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  return !text.empty() && text.size() <= 63 && full_match(text, k_pattern);
}

} // namespace

bool dns_label(std::string_view text) {
  static const std::regex k_pattern("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  return !text.empty() && text.size() <= 63 && full_match(text, k_pattern);
}

bool dns_subdomain(std::string_view text) {
  static const std::regex k_pattern("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  return !text.empty() && text.size() <= 253 && full_match(text, k_pattern);
}

bool label_key(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return qualified_part(text);
  }
  const std::string_view prefix = text.substr(0, slash);
  const std::string_view name = text.substr(slash + 1);
  return name.find('/') == std::string_view::npos && dns_subdomain(prefix) && qualified_part(name);
}

bool label_value(std::string_view text) { return text.empty() || qualified_part(text); }

bool port_name(std::string_view text) {
  static const std::regex k_chars("[-a-z0-9]+");
  static const std::regex k_letter(".*[a-z].*");
  return !text.empty() && text.size() <= 15 && full_match(text, k_chars) &&
         full_match(text, k_letter) && text.find("--") == std::string_view::npos &&
         text.front() != '-' && text.back() != '-';
}

} // namespace npcheck::fuzz::reference
