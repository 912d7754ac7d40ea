// SPDX-License-Identifier: Apache-2.0
//
// The YAML scalar resolver (model/yaml_scalar.cpp) against an independent
// transcription of the same rules, written with std::regex and wide
// arithmetic instead of hand-written scanners. The first byte picks:
//  0  an untagged plain scalar: resolve_plain() against the reference (kind,
//     integer value, float value bit for bit);
//  1  a tagged scalar (the second byte picks !!str, !!int, !!float, !!bool,
//     !!null or !!timestamp): resolve_tagged() against the reference's
//     acceptance and value;
//  2  a mapping key: json_key() against a reference formatting of floats as
//     Go's FormatFloat(f, 'g', -1, 32) (shortest %e digits found by search);
//  3  a port in a tiny NetworkPolicy: loading accepts it exactly when the
//     reference says the JSON kubectl sends holds a port the API accepts.
#include "targets.hpp"

#include "check.hpp"
#include "yaml_scalar.hpp"

#include <npcheck/model/load.hpp>

#include <array>
#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace npcheck::fuzz {

namespace {

__extension__ using U128 = unsigned __int128;

using model::detail::ResolvedScalar;
using model::detail::ScalarKind;

struct Reference {
  ScalarKind kind = ScalarKind::string;
  bool boolean = false;
  bool negative = false;
  U128 magnitude = 0; // integer
  bool is_unsigned = false;
  double value = 0; // float
};

std::string printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", byte);
      out += hex;
    } else {
      out += c;
    }
  }
  return "'" + out + "'";
}

bool in(std::string_view text, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words) {
    if (w == text) {
      return true;
    }
  }
  return false;
}

bool matches(const std::string& text, const char* pattern) {
  const std::regex re(pattern);
  return std::regex_match(text, re);
}

std::string strip_underscores(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != '_') {
      out += c;
    }
  }
  return out;
}

// strtod with its own overflow test (errno), for the float rules.
std::optional<double> to_double(const std::string& decimal) {
  errno = 0;
  const double v = std::strtod(decimal.c_str(), nullptr);
  if (errno == ERANGE && std::isinf(v)) {
    return std::nullopt;
  }
  return v;
}

// The digits of [+-]?(0b|0o|0x|0)?digits in a 128-bit accumulator, or
// nullopt past 128 bits.
std::optional<U128> magnitude_of(const std::string& digits, int base) {
  U128 n = 0;
  for (char c : digits) {
    const int d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    if (n > (~static_cast<U128>(0)) / 256) {
      return std::nullopt;
    }
    n = n * static_cast<unsigned>(base) + static_cast<unsigned>(d);
  }
  return n;
}

int days_in(int month, int year) {
  if (month == 2) {
    const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    return leap ? 29 : 28;
  }
  return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
}

bool reference_timestamp(const std::string& text) {
  static const std::regex date(R"(^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$)");
  static const std::regex t(
      R"(^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?(?:Z|[+-]([0-9]{2}):([0-9]{2}))$)");
  static const std::regex space(
      R"(^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2}) +([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?$)");
  std::smatch m;
  auto number = [&m](std::size_t i) { return m[i].matched ? std::stoi(m[i].str()) : 0; };
  auto date_ok = [&]() {
    const int month = number(2);
    return month >= 1 && month <= 12 && number(3) >= 1 && number(3) <= days_in(month, number(1));
  };
  auto time_ok = [&]() { return number(4) < 24 && number(5) < 60 && number(6) < 60; };
  if (std::regex_match(text, m, date)) {
    return date_ok();
  }
  if (std::regex_match(text, m, t)) {
    return date_ok() && time_ok() && number(7) <= 24 && number(8) <= 60;
  }
  if (std::regex_match(text, m, space)) {
    return date_ok() && time_ok();
  }
  return false;
}

// An integer by strconv's base-0 rules, as (negative, magnitude), when the
// text is one at all (range not checked).
std::optional<std::pair<bool, U128>> reference_integer(const std::string& plain) {
  std::smatch m;
  static const std::regex re(R"(^([+-]?)(?:0[bB]([01]+)|0[oO]([0-7]+)|0[xX]([0-9a-fA-F]+)|0([0-7]*)|([1-9][0-9]*))$)");
  if (!std::regex_match(plain, m, re)) {
    return std::nullopt;
  }
  const int bases[] = {2, 8, 16, 8, 10};
  for (std::size_t g = 2; g <= 6; ++g) {
    if (m[g].matched) {
      std::optional<U128> n = magnitude_of(m[g].str(), bases[g - 2]);
      if (!n) {
        return std::pair<bool, U128>{m[1].str() == "-", ~static_cast<U128>(0)};
      }
      return std::pair<bool, U128>{m[1].str() == "-", *n};
    }
  }
  return std::nullopt;
}

constexpr U128 k_two_63 = static_cast<U128>(1) << 63;
constexpr U128 k_two_64 = static_cast<U128>(1) << 64;

Reference make(ScalarKind kind) {
  Reference r;
  r.kind = kind;
  return r;
}

Reference reference_resolve(const std::string& text, bool timestamps) {
  if (in(text, {"", "~", "null", "Null", "NULL"})) {
    return make(ScalarKind::null);
  }
  if (in(text, {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})) {
    Reference r = make(ScalarKind::boolean);
    r.boolean = true;
    return r;
  }
  if (in(text, {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})) {
    return make(ScalarKind::boolean);
  }
  Reference f = make(ScalarKind::floating);
  if (in(text, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) {
    f.value = HUGE_VAL;
    return f;
  }
  if (in(text, {"-.inf", "-.Inf", "-.INF"})) {
    f.value = -HUGE_VAL;
    return f;
  }
  if (in(text, {".nan", ".NaN", ".NAN"})) {
    f.value = std::nan("");
    return f;
  }
  if (text.empty() || !(text[0] == '.' || text[0] == '+' || text[0] == '-' || (text[0] >= '0' && text[0] <= '9'))) {
    return make(ScalarKind::string);
  }
  if (text[0] == '.') {
    if (matches(text, R"(^\.[0-9](_?[0-9])*([eE][+-]?[0-9](_?[0-9])*)?$)")) {
      if (std::optional<double> v = to_double(strip_underscores(text))) {
        f.value = *v;
        return f;
      }
    }
    return make(ScalarKind::string);
  }
  if (timestamps && reference_timestamp(text)) {
    return make(ScalarKind::timestamp);
  }
  const std::string plain = strip_underscores(text);
  Reference i = make(ScalarKind::integer);
  if (auto integer = reference_integer(plain)) {
    const auto [negative, n] = *integer;
    if ((negative && n <= k_two_63) || (!negative && n < k_two_63)) {
      i.negative = negative;
      i.magnitude = n;
      return i;
    }
    if (plain[0] != '+' && plain[0] != '-' && n < k_two_64) {
      i.magnitude = n;
      i.is_unsigned = true;
      return i;
    }
  }
  if (matches(plain, R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)")) {
    if (std::optional<double> v = to_double(plain)) {
      f.value = *v;
      return f;
    }
  }
  std::smatch m;
  static const std::regex binary(R"(^0b([+-]?)([01]+)$)");
  if (std::regex_match(plain, m, binary)) {
    const U128 n = magnitude_of(m[2].str(), 2).value_or(~static_cast<U128>(0));
    const bool negative = m[1].str() == "-";
    if ((negative && n <= k_two_63) || (!negative && n < k_two_63)) {
      i.negative = negative;
      i.magnitude = n;
      return i;
    }
    if (m[1].str().empty() && n < k_two_64) {
      i.magnitude = n;
      i.is_unsigned = true;
      return i;
    }
  }
  return make(ScalarKind::string);
}

std::string describe(ScalarKind kind) {
  switch (kind) {
  case ScalarKind::null:
    return "null";
  case ScalarKind::boolean:
    return "bool";
  case ScalarKind::integer:
    return "int";
  case ScalarKind::floating:
    return "float";
  case ScalarKind::timestamp:
    return "timestamp";
  case ScalarKind::merge:
    return "merge";
  case ScalarKind::string:
    break;
  }
  return "str";
}

bool same_float(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b));
}

void compare(const std::string& what, const ResolvedScalar& got, const Reference& want) {
  if (got.kind != want.kind) {
    fail(what + ": resolved as " + describe(got.kind) + ", the reference says " + describe(want.kind));
  }
  if (got.kind == ScalarKind::boolean && got.boolean != want.boolean) {
    fail(what + ": boolean value differs from the reference");
  }
  if (got.kind == ScalarKind::integer) {
    U128 magnitude = 0;
    bool negative = false;
    if (got.is_unsigned) {
      magnitude = got.uint_value;
    } else {
      negative = got.int_value < 0;
      magnitude = negative ? static_cast<U128>(-(got.int_value + 1)) + 1
                           : static_cast<U128>(got.int_value);
    }
    if (got.is_unsigned != want.is_unsigned || magnitude != want.magnitude ||
        (magnitude != 0 && negative != want.negative)) {
      fail(what + ": integer value differs from the reference");
    }
  }
  if (got.kind == ScalarKind::floating && !same_float(got.float_value, want.value)) {
    fail(what + ": float value differs from the reference");
  }
}

// Go's FormatFloat(f, 'g', -1, 32), searched: the fewest significant digits
// that read back as the same float32, then Go's %e/%f choice.
std::string reference_float32(double value) {
  const auto f = static_cast<float>(value);
  if (std::isnan(f)) {
    return ".nan";
  }
  if (std::isinf(f)) {
    return f > 0 ? ".inf" : "-.inf";
  }
  if (f == 0) {
    return std::signbit(f) ? "-0" : "0";
  }
  char buffer[64];
  int precision = 1;
  for (; precision <= 9; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*e", precision - 1, static_cast<double>(f));
    if (std::strtof(buffer, nullptr) == f) {
      break;
    }
  }
  // buffer: [-]d.ddde±XX
  std::string text = buffer;
  const bool negative = text[0] == '-';
  if (negative) {
    text.erase(0, 1);
  }
  const std::size_t e = text.find('e');
  std::string digits = text.substr(0, 1) + (e > 2 ? text.substr(2, e - 2) : std::string());
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
  }
  const int exponent = std::stoi(text.substr(e + 1));
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= 6) {
    char tail[16];
    std::snprintf(tail, sizeof tail, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : std::string()) + tail;
    return out;
  }
  const int point = exponent + 1; // digits before the decimal point
  if (point <= 0) {
    return out + "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  }
  if (static_cast<std::size_t>(point) >= digits.size()) {
    return out + digits + std::string(static_cast<std::size_t>(point) - digits.size(), '0');
  }
  return out + digits.substr(0, static_cast<std::size_t>(point)) + "." +
         digits.substr(static_cast<std::size_t>(point));
}

void check_plain(const std::string& text) {
  compare("resolve_plain(" + printable(text) + ")", model::detail::resolve_plain(text),
          reference_resolve(text, true));
}

void check_tagged(unsigned char selector, const std::string& text) {
  static constexpr std::array<std::string_view, 6> k_tags = {"str", "int", "float", "bool", "null", "timestamp"};
  const std::string_view tag = k_tags[selector % k_tags.size()];
  const std::string what = "resolve_tagged(!!" + std::string(tag) + ", " + printable(text) + ")";
  const auto got = model::detail::resolve_tagged("tag:yaml.org,2002:" + std::string(tag), text);
  if (tag == "str") {
    if (!got.error.empty() || got.value.kind != ScalarKind::string) {
      fail(what + ": !!str must keep any text");
    }
    return;
  }
  Reference want = reference_resolve(text, tag == "timestamp");
  const std::string want_tag = describe(want.kind);
  bool accepted = want_tag == tag;
  if (tag == "float" && want.kind == ScalarKind::integer) {
    accepted = true;
    want.kind = ScalarKind::floating;
    // Go converts the int64 (or uint64) to float64: an integer has no
    // negative zero, so !!float -0 is +0.
    const auto magnitude = static_cast<double>(want.magnitude);
    want.value = want.negative && want.magnitude != 0 ? -magnitude : magnitude;
  }
  if (accepted != got.error.empty()) {
    fail(what + (accepted ? ": refused (" + got.error + ") but the reference accepts it"
                          : ": accepted but the reference refuses it"));
  }
  if (accepted) {
    compare(what, got.value, want);
  }
}

void check_key(const std::string& text) {
  const ResolvedScalar resolved = model::detail::resolve_plain(text);
  const std::optional<std::string> got = model::detail::json_key(resolved, text);
  std::optional<std::string> want;
  switch (resolved.kind) {
  case ScalarKind::null:
    break;
  case ScalarKind::boolean:
    want = resolved.boolean ? "true" : "false";
    break;
  case ScalarKind::integer:
    if (!resolved.is_unsigned) {
      want = std::to_string(resolved.int_value);
    }
    break;
  case ScalarKind::floating:
    want = reference_float32(resolved.float_value);
    break;
  case ScalarKind::string:
  case ScalarKind::timestamp:
  case ScalarKind::merge:
    want = text;
    break;
  }
  if (got != want) {
    fail("json_key(" + printable(text) + ") is " + (got ? printable(*got) : "refused") + ", the reference says " +
         (want ? printable(*want) : "refused"));
  }
}

// A plain port value in a tiny policy: accepted exactly when the JSON
// kubectl sends holds an integer 1..65535 or a valid port name.
void check_port(const std::string& text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return;
    }
  }
  if (text.find_first_of(":#{}[],&*!|>'\"%@`") != std::string::npos || text.empty() ||
      text.front() == ' ' || text.back() == ' ' || text.front() == '-' || text.front() == '?' ||
      text.front() == '<') {
    return; // not a plain scalar in this flow context
  }
  const std::string manifest = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
                               "spec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - port: " + text + "\n";
  model::LoadOptions options;
  options.threads = 1;
  const model::Inventory inventory = model::load_string(manifest, "port.yaml", options);
  const Reference r = reference_resolve(text, true);
  bool want = false;
  if (r.kind == ScalarKind::integer) {
    want = !r.negative && !r.is_unsigned && r.magnitude >= 1 && r.magnitude <= 65535;
  } else if (r.kind == ScalarKind::floating) {
    want = std::isfinite(r.value) && std::trunc(r.value) == r.value && r.value >= 1 && r.value <= 65535;
  } else if (r.kind == ScalarKind::string || r.kind == ScalarKind::timestamp) {
    want = matches(text, "^[a-z0-9]([a-z0-9]|-(?=[a-z0-9])){0,14}$") && text.size() <= 15 &&
           matches(text, ".*[a-z].*");
  } else if (r.kind == ScalarKind::null) {
    want = true; // absent: every port
  }
  if (inventory.ok() != want) {
    fail("port: " + printable(text) + (want ? " refused: " + (inventory.errors.empty() ? std::string() : inventory.errors.front().to_string())
                                            : " accepted though the API server refuses it"));
  }
}

} // namespace

int fuzz_scalar(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > 512) {
    return 0;
  }
  const std::string text(reinterpret_cast<const char*>(data) + 2, size - 2);
  switch (data[0] % 4) {
  case 0: check_plain(text); break;
  case 1: check_tagged(data[1], text); break;
  case 2: check_key(text); break;
  default: check_port(text); break;
  }
  return 0;
}

} // namespace npcheck::fuzz
