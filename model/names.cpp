// SPDX-License-Identifier: Apache-2.0
//
// Name and label syntax as the API server checks it (apimachinery
// validation: IsQualifiedName, IsValidLabelValue, IsDNS1123Label,
// IsDNS1123Subdomain, IsValidPortName). Messages follow the API server's
// wording closely so that users recognise them.
#include "object_builder.hpp"

namespace npcheck::model::detail {

namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?
bool is_qualified_part(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) {
    return false;
  }
  for (char c : s) {
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

} // namespace

std::string check_dns_label(std::string_view name) {
  if (name.empty()) {
    return "must not be empty";
  }
  if (name.size() > 63) {
    return "must be no more than 63 characters";
  }
  bool ok = is_lower_alnum(name.front()) && is_lower_alnum(name.back());
  for (char c : name) {
    ok = ok && (is_lower_alnum(c) || c == '-');
  }
  return ok ? "" : "must be a lowercase RFC 1123 label: a-z, 0-9 and '-', starting and ending "
                   "with an alphanumeric character";
}

std::string check_dns_subdomain(std::string_view name) {
  if (name.empty()) {
    return "must not be empty";
  }
  if (name.size() > 253) {
    return "must be no more than 253 characters";
  }
  std::size_t start = 0;
  while (true) {
    std::size_t dot = name.find('.', start);
    std::string_view part = name.substr(start, dot == std::string_view::npos ? name.npos : dot - start);
    bool ok = !part.empty() && is_lower_alnum(part.front()) && is_lower_alnum(part.back());
    for (char c : part) {
      ok = ok && (is_lower_alnum(c) || c == '-');
    }
    if (!ok) {
      return "must be a lowercase RFC 1123 subdomain: a-z, 0-9, '-' and '.', starting and ending "
             "with an alphanumeric character";
    }
    if (dot == std::string_view::npos) {
      return "";
    }
    start = dot + 1;
  }
}

std::string check_label_key(std::string_view key) {
  std::string_view name = key;
  std::size_t slash = key.find('/');
  if (slash != std::string_view::npos) {
    std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) {
      return "prefix part must not be empty";
    }
    std::string why = check_dns_subdomain(prefix);
    if (!why.empty()) {
      return "prefix part " + why;
    }
  }
  if (name.empty()) {
    return "name part must not be empty";
  }
  if (name.size() > 63) {
    return "name part must be no more than 63 characters";
  }
  if (!is_qualified_part(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
           "and end with an alphanumeric character";
  }
  return "";
}

std::string check_label_value(std::string_view value) {
  if (value.empty()) {
    return "";
  }
  if (value.size() > 63) {
    return "must be no more than 63 characters";
  }
  if (!is_qualified_part(value)) {
    return "must be empty or consist of alphanumeric characters, '-', '_' or '.', and must start "
           "and end with an alphanumeric character";
  }
  return "";
}

std::string check_port_name(std::string_view name) {
  const char* expected =
      " (expected an IANA service name: 1-15 characters of a-z, 0-9 and '-', with at least one "
      "letter, no leading, trailing or double '-')";
  if (name.empty() || name.size() > 15) {
    return std::string("must be 1-15 characters") + expected;
  }
  bool letter = false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!is_lower_alnum(c) && c != '-') {
      return std::string("contains '") + c + "'" + expected;
    }
    letter = letter || (c >= 'a' && c <= 'z');
    if (c == '-' && (i == 0 || i + 1 == name.size() || name[i - 1] == '-')) {
      return std::string("has a leading, trailing or double '-'") + expected;
    }
  }
  return letter ? "" : std::string("must contain at least one letter") + expected;
}

std::optional<Cidr> parse_cidr_text(const std::string& text, std::string& why) {
  std::optional<Cidr> cidr = Cidr::parse(text);
  if (!cidr) {
    why = "invalid CIDR '" + text + "' (expected e.g. 10.0.0.0/16 or fd00::/64)";
    return std::nullopt;
  }
  if (std::string mapped = cidr->mapped_problem(); !mapped.empty()) {
    why = "invalid CIDR '" + text + "': " + mapped;
    return std::nullopt;
  }
  return cidr;
}

std::string except_problem(const Cidr& cidr, const Cidr& except) {
  if (except.address.family != cidr.address.family) {
    return "'" + except.to_string() + "' is not the same IP family as cidr '" + cidr.to_string() + "'";
  }
  if (!cidr.contains(except) || except.prefix <= cidr.prefix) {
    return "'" + except.to_string() + "' is not strictly inside cidr '" + cidr.to_string() + "'";
  }
  return "";
}

std::optional<Operator> parse_operator_name(const std::string& text, std::string& why) {
  if (text == "In") {
    return Operator::in;
  }
  if (text == "NotIn") {
    return Operator::not_in;
  }
  if (text == "Exists") {
    return Operator::exists;
  }
  if (text == "DoesNotExist") {
    return Operator::does_not_exist;
  }
  why = "unknown operator '" + text + "' (expected In, NotIn, Exists or DoesNotExist)";
  return std::nullopt;
}

std::string requirement_values_problem(Operator op, bool has_values) {
  const bool needs_values = op == Operator::in || op == Operator::not_in;
  if (needs_values && !has_values) {
    return std::string("must be non-empty when operator is ") + to_string(op);
  }
  if (!needs_values && has_values) {
    return std::string("must be empty when operator is ") + to_string(op);
  }
  return "";
}

} // namespace npcheck::model::detail
