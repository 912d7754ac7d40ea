// SPDX-License-Identifier: Apache-2.0
//
// go-yaml v2's scalar resolution (resolve.go, as vendored by sigs.k8s.io/yaml
// through go.yaml.in/yaml/v2), rule by rule. resolve() looks at the first
// byte: a sign or a digit may start a timestamp, an integer or a float; '.'
// a float; y, n, t, f, o and ~ a word of its table (booleans, null); anything
// else is a string. Integers and floats are what Go's strconv parsers accept
// after every '_' is dropped; timestamps what time.Parse accepts with four
// layouts. The Go library rules that matter are transcribed here from the Go
// standard library's documented behaviour (strconv.ParseInt with base 0,
// strconv.ParseFloat, time.Parse, strconv.FormatFloat), never copied.
#include "yaml_scalar.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace npcheck::model::detail {

namespace {

constexpr std::string_view k_tag_prefix = "tag:yaml.org,2002:";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string without_underscores(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '_') {
      out += c;
    }
  }
  return out;
}

// strconv.ParseUint(s, base, 64) for a text without underscores; base 0
// reads the prefix: 0b/0B binary, 0o/0O octal, 0x/0X hex, another leading 0
// octal (the prefix needs at least one more character), else decimal.
std::optional<std::uint64_t> go_parse_uint(std::string_view s, int base) {
  if (s.empty()) {
    return std::nullopt;
  }
  if (base == 0) {
    base = 10;
    if (s[0] == '0') {
      if (s.size() >= 3 && lower(s[1]) == 'b') {
        base = 2;
        s.remove_prefix(2);
      } else if (s.size() >= 3 && lower(s[1]) == 'o') {
        base = 8;
        s.remove_prefix(2);
      } else if (s.size() >= 3 && lower(s[1]) == 'x') {
        base = 16;
        s.remove_prefix(2);
      } else {
        base = 8;
        s.remove_prefix(1);
      }
    }
  }
  std::uint64_t n = 0;
  const auto b = static_cast<std::uint64_t>(base);
  for (char c : s) {
    std::uint64_t d = 0;
    if (is_digit(c)) {
      d = static_cast<std::uint64_t>(c - '0');
    } else if (lower(c) >= 'a' && lower(c) <= 'z') {
      d = static_cast<std::uint64_t>(lower(c) - 'a' + 10);
    } else {
      return std::nullopt;
    }
    if (d >= b) {
      return std::nullopt;
    }
    if (n > (std::numeric_limits<std::uint64_t>::max() - d) / b) {
      return std::nullopt; // out of range
    }
    n = n * b + d;
  }
  return n;
}

// strconv.ParseInt(s, base, 64): an optional sign, then ParseUint, in range.
std::optional<std::int64_t> go_parse_int(std::string_view s, int base) {
  if (s.empty()) {
    return std::nullopt;
  }
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  std::optional<std::uint64_t> magnitude = go_parse_uint(s, base);
  if (!magnitude) {
    return std::nullopt;
  }
  constexpr std::uint64_t k_cutoff = std::uint64_t{1} << 63;
  if (!negative && *magnitude >= k_cutoff) {
    return std::nullopt;
  }
  if (negative && *magnitude > k_cutoff) {
    return std::nullopt;
  }
  if (negative) {
    return *magnitude == k_cutoff ? std::numeric_limits<std::int64_t>::min()
                                  : -static_cast<std::int64_t>(*magnitude);
  }
  return static_cast<std::int64_t>(*magnitude);
}

// strconv's underscoreOK for a decimal number: each '_' between two digits.
bool underscores_ok(std::string_view s) {
  char saw = '^';
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    s.remove_prefix(1);
  }
  for (char c : s) {
    if (is_digit(c)) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') {
        return false;
      }
      saw = '_';
      continue;
    }
    if (saw == '_') {
      return false;
    }
    saw = '!';
  }
  return saw != '_';
}

// strconv.ParseFloat(s, 64) for decimal text (the only kind resolve() hands
// it): sign, digits with at most one '.', optional exponent, underscores only
// between digits, the whole text consumed, and no overflow to infinity
// (underflow to zero is not an error in Go).
std::optional<double> go_parse_float(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) {
    ++i;
  }
  bool underscores = false;
  bool saw_dot = false;
  bool saw_digits = false;
  for (; i < n; ++i) {
    const char c = s[i];
    if (c == '_') {
      underscores = true;
    } else if (c == '.' && !saw_dot) {
      saw_dot = true;
    } else if (is_digit(c)) {
      saw_digits = true;
    } else {
      break;
    }
  }
  if (!saw_digits) {
    return std::nullopt;
  }
  if (i < n && lower(s[i]) == 'e') {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
      ++i;
    }
    if (i >= n || !is_digit(s[i])) {
      return std::nullopt;
    }
    for (; i < n && (is_digit(s[i]) || s[i] == '_'); ++i) {
      underscores = underscores || s[i] == '_';
    }
  }
  if (i != n || (underscores && !underscores_ok(s))) {
    return std::nullopt;
  }
  const std::string digits = without_underscores(s);
  // glibc's strtod rounds correctly, as Go's ParseFloat does, so both
  // overflow at the same text.
  const double value = std::strtod(digits.c_str(), nullptr);
  if (std::isinf(value)) {
    return std::nullopt; // ParseFloat: ErrRange
  }
  return value;
}

// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ (resolve.go's yamlStyleFloat).
bool yaml_style_float(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  auto digits = [&]() {
    const std::size_t start = i;
    while (i < n && is_digit(s[i])) {
      ++i;
    }
    return i - start;
  };
  if (i < n && (s[i] == '+' || s[i] == '-')) {
    ++i;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (digits() == 0) {
      return false;
    }
  } else {
    if (digits() == 0) {
      return false;
    }
    if (i < n && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
      ++i;
    }
    if (digits() == 0) {
      return false;
    }
  }
  return i == n;
}

// time.Parse's getnum: one or two digits (exactly two when fixed).
std::optional<int> get_number(std::string_view& s, bool fixed) {
  if (s.empty() || !is_digit(s[0])) {
    return std::nullopt;
  }
  if (s.size() < 2 || !is_digit(s[1])) {
    if (fixed) {
      return std::nullopt;
    }
    const int value = s[0] - '0';
    s.remove_prefix(1);
    return value;
  }
  const int value = (s[0] - '0') * 10 + (s[1] - '0');
  s.remove_prefix(2);
  return value;
}

bool leap_year(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int days_in(int month, int year) {
  static constexpr std::array<int, 12> k_days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap_year(year) ? 29 : k_days[static_cast<std::size_t>(month - 1)];
}

enum class Layout { date_t, date_lower_t, date_space, date_only };

// time.Parse(layout, s) for resolve.go's four layouts:
// "2006-1-2T15:4:5.999999999Z07:00", the same with 't',
// "2006-1-2 15:4:5.999999999" and "2006-1-2".
bool go_time_parse(Layout layout, std::string_view s) {
  // 2006: exactly four digits.
  if (s.size() < 4 || !is_digit(s[0]) || !is_digit(s[1]) || !is_digit(s[2]) || !is_digit(s[3])) {
    return false;
  }
  const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  s.remove_prefix(4);
  auto literal = [&s](char c) {
    if (s.empty() || s[0] != c) {
      return false;
    }
    s.remove_prefix(1);
    return true;
  };
  if (!literal('-')) {
    return false;
  }
  std::optional<int> month = get_number(s, false);
  if (!month || *month < 1 || *month > 12 || !literal('-')) {
    return false;
  }
  std::optional<int> day = get_number(s, false);
  if (!day) {
    return false;
  }
  if (layout != Layout::date_only) {
    if (layout == Layout::date_space) {
      // A space in a layout matches one or more spaces (or the end of text).
      if (!s.empty() && s[0] != ' ') {
        return false;
      }
      while (!s.empty() && s[0] == ' ') {
        s.remove_prefix(1);
      }
    } else if (!literal(layout == Layout::date_t ? 'T' : 't')) {
      return false;
    }
    std::optional<int> hour = get_number(s, false);
    if (!hour || *hour >= 24 || !literal(':')) {
      return false;
    }
    std::optional<int> minute = get_number(s, false);
    if (!minute || *minute >= 60 || !literal(':')) {
      return false;
    }
    std::optional<int> second = get_number(s, false);
    if (!second || *second >= 60) {
      return false;
    }
    // .999999999: optional; '.' or ',' then any number of digits.
    if (s.size() >= 2 && (s[0] == '.' || s[0] == ',') && is_digit(s[1])) {
      s.remove_prefix(1);
      while (!s.empty() && is_digit(s[0])) {
        s.remove_prefix(1);
      }
    }
    if (layout != Layout::date_space) {
      // Z07:00: "Z", or a sign, two digits, ':', two digits.
      if (!s.empty() && s[0] == 'Z') {
        s.remove_prefix(1);
      } else {
        if (s.size() < 6 || s[3] != ':') {
          return false;
        }
        std::string_view hh = s.substr(1, 2);
        std::string_view mm = s.substr(4, 2);
        const char sign = s[0];
        s.remove_prefix(6);
        std::optional<int> zone_hour = get_number(hh, true);
        std::optional<int> zone_minute = get_number(mm, true);
        if (!zone_hour || !zone_minute || *zone_hour > 24 || *zone_minute > 60 ||
            (sign != '+' && sign != '-')) {
          return false;
        }
      }
    }
  }
  if (!s.empty()) {
    return false; // extra text
  }
  return *day >= 1 && *day <= days_in(*month, year);
}

// resolve.go's parseTimestamp: four digits and a '-' first, then any layout.
bool is_timestamp(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_digit(s[i])) {
    ++i;
  }
  if (i != 4 || i == s.size() || s[i] != '-') {
    return false;
  }
  for (Layout layout : {Layout::date_t, Layout::date_lower_t, Layout::date_space, Layout::date_only}) {
    if (go_time_parse(layout, s)) {
      return true;
    }
  }
  return false;
}

ResolvedScalar make(ScalarKind kind) {
  ResolvedScalar r;
  r.kind = kind;
  return r;
}

ResolvedScalar make_bool(bool value) {
  ResolvedScalar r = make(ScalarKind::boolean);
  r.boolean = value;
  return r;
}

ResolvedScalar make_float(double value) {
  ResolvedScalar r = make(ScalarKind::floating);
  r.float_value = value;
  return r;
}

ResolvedScalar make_int(std::int64_t value) {
  ResolvedScalar r = make(ScalarKind::integer);
  r.int_value = value;
  return r;
}

ResolvedScalar make_uint(std::uint64_t value) {
  ResolvedScalar r = make(ScalarKind::integer);
  r.is_unsigned = true;
  r.uint_value = value;
  return r;
}

// resolve.go's table of words.
std::optional<ResolvedScalar> lookup_word(std::string_view s) {
  static constexpr std::string_view k_true[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
                                                "on", "On", "ON"};
  static constexpr std::string_view k_false[] = {"n", "N", "no", "No", "NO", "false", "False",
                                                 "FALSE", "off", "Off", "OFF"};
  static constexpr std::string_view k_null[] = {"", "~", "null", "Null", "NULL"};
  static constexpr std::string_view k_nan[] = {".nan", ".NaN", ".NAN"};
  static constexpr std::string_view k_inf[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"};
  static constexpr std::string_view k_minus_inf[] = {"-.inf", "-.Inf", "-.INF"};
  auto in = [s](const auto& words) {
    for (std::string_view w : words) {
      if (w == s) {
        return true;
      }
    }
    return false;
  };
  if (in(k_true)) {
    return make_bool(true);
  }
  if (in(k_false)) {
    return make_bool(false);
  }
  if (in(k_null)) {
    return make(ScalarKind::null);
  }
  if (in(k_nan)) {
    return make_float(std::numeric_limits<double>::quiet_NaN());
  }
  if (in(k_inf)) {
    return make_float(std::numeric_limits<double>::infinity());
  }
  if (in(k_minus_inf)) {
    return make_float(-std::numeric_limits<double>::infinity());
  }
  // resolve.go's table also lists "<<" (as a merge), but '<' has no hint,
  // so the entry is never reached: an unquoted "<<" value is a string, and
  // a merge key is recognised on the node (isMerge), not by resolve().
  return std::nullopt;
}

enum class Hint { none, sign, digit, word, dot };

Hint hint_of(std::string_view s) {
  if (s.empty()) {
    return Hint::word; // "" is in the table (null)
  }
  const char c = s[0];
  if (c == '+' || c == '-') {
    return Hint::sign;
  }
  if (is_digit(c)) {
    return Hint::digit;
  }
  if (c == '.') {
    return Hint::dot;
  }
  if (std::string_view("yYnNtTfFoO~").find(c) != std::string_view::npos) {
    return Hint::word;
  }
  return Hint::none;
}

// resolve(tag, text) for tag "" or one of the resolvable tags; with_timestamp
// is false when an explicit tag other than !!timestamp is given.
ResolvedScalar resolve_untyped(std::string_view s, bool with_timestamp) {
  const Hint hint = hint_of(s);
  if (hint == Hint::none) {
    return make(ScalarKind::string);
  }
  if (std::optional<ResolvedScalar> word = lookup_word(s)) {
    return *word;
  }
  switch (hint) {
  case Hint::none:
  case Hint::word:
    break;
  case Hint::dot:
    if (std::optional<double> value = go_parse_float(s)) {
      return make_float(*value);
    }
    break;
  case Hint::digit:
  case Hint::sign: {
    if (with_timestamp && is_timestamp(s)) {
      return make(ScalarKind::timestamp);
    }
    const std::string plain = without_underscores(s);
    if (std::optional<std::int64_t> value = go_parse_int(plain, 0)) {
      return make_int(*value);
    }
    if (std::optional<std::uint64_t> value = go_parse_uint(plain, 0)) {
      return make_uint(*value);
    }
    if (yaml_style_float(plain)) {
      if (std::optional<double> value = go_parse_float(plain)) {
        return make_float(*value);
      }
    }
    if (plain.rfind("0b", 0) == 0) {
      // "0b" followed by a signed binary number ("0b-101"); the unsigned
      // forms were read by the base-0 parsers above.
      const std::string_view rest = std::string_view(plain).substr(2);
      if (std::optional<std::int64_t> value = go_parse_int(rest, 2)) {
        return make_int(*value);
      }
      if (std::optional<std::uint64_t> value = go_parse_uint(rest, 2)) {
        return make_uint(*value);
      }
    } else if (plain.rfind("-0b", 0) == 0) {
      if (std::optional<std::int64_t> value = go_parse_int("-" + plain.substr(3), 2)) {
        return make_int(*value);
      }
    }
    break;
  }
  }
  return make(ScalarKind::string);
}

const char* tag_name(ScalarKind kind) {
  switch (kind) {
  case ScalarKind::string:
    return "str";
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
  }
  return "str";
}

// base64.StdEncoding.DecodeString: padded standard alphabet; '\r' and '\n'
// are ignored.
std::optional<std::string> decode_base64(std::string_view text) {
  std::string clean;
  for (char c : text) {
    if (c != '\r' && c != '\n') {
      clean += c;
    }
  }
  if (clean.size() % 4 != 0) {
    return std::nullopt;
  }
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (is_digit(c)) {
      return c - '0' + 52;
    }
    if (c == '+') {
      return 62;
    }
    return c == '/' ? 63 : -1;
  };
  std::string out;
  for (std::size_t i = 0; i < clean.size(); i += 4) {
    const bool last = i + 4 == clean.size();
    int pad = 0;
    std::uint32_t group = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = clean[i + j];
      if (c == '=') {
        // Padding only in the last group, as its last one or two characters.
        if (!last || j < 2) {
          return std::nullopt;
        }
        ++pad;
        group <<= 6;
        continue;
      }
      if (pad > 0 || value(c) < 0) {
        return std::nullopt;
      }
      group = (group << 6) | static_cast<std::uint32_t>(value(c));
    }
    out += static_cast<char>((group >> 16) & 0xff);
    if (pad < 2) {
      out += static_cast<char>((group >> 8) & 0xff);
    }
    if (pad < 1) {
      out += static_cast<char>(group & 0xff);
    }
  }
  return out;
}

// strconv.FormatFloat(value, 'g', -1, 32): the shortest digits that read back
// as the same float32, in %e form when the exponent is below -4 or at least 6.
std::string go_format_float32(double value) {
  const auto f = static_cast<float>(value);
  if (std::isnan(f)) {
    return "NaN";
  }
  if (std::isinf(f)) {
    return f > 0 ? "+Inf" : "-Inf";
  }
  std::string out = std::signbit(f) ? "-" : "";
  if (f == 0) {
    return out + "0";
  }
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, std::fabs(f), std::chars_format::scientific);
  const std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  const std::size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') {
      digits += c;
    }
  }
  int exponent = 0;
  std::from_chars(text.data() + e + (text[e + 1] == '+' ? 2 : 1), text.data() + text.size(), exponent);
  const int nd = static_cast<int>(digits.size());
  const int dp = exponent + 1;
  if (exponent < -4 || exponent >= 6) {
    out += digits[0];
    if (nd > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += 'e';
    out += exponent < 0 ? '-' : '+';
    const int magnitude = std::abs(exponent);
    if (magnitude < 10) {
      out += '0';
    }
    out += std::to_string(magnitude);
    return out;
  }
  if (dp > 0) {
    for (int i = 0; i < dp; ++i) {
      out += i < nd ? digits[static_cast<std::size_t>(i)] : '0';
    }
  } else {
    out += '0';
  }
  const int decimals = std::max(nd - dp, 0);
  if (decimals > 0) {
    out += '.';
    for (int i = 0; i < decimals; ++i) {
      const int j = dp + i;
      out += j >= 0 && j < nd ? digits[static_cast<std::size_t>(j)] : '0';
    }
  }
  return out;
}

} // namespace

ResolvedScalar resolve_plain(std::string_view text) { return resolve_untyped(text, true); }

TaggedScalar resolve_tagged(std::string_view tag, std::string_view text) {
  TaggedScalar result;
  const std::string short_name = short_tag(tag);
  if (short_name == "!!binary") {
    if (std::optional<std::string> bytes = decode_base64(text)) {
      result.binary = std::move(*bytes);
    } else {
      result.error = "!!binary value contains invalid base64 data";
    }
    return result;
  }
  static constexpr std::string_view k_resolvable[] = {"!!str", "!!bool", "!!int", "!!float", "!!null",
                                                      "!!timestamp"};
  bool resolvable = false;
  for (std::string_view r : k_resolvable) {
    resolvable = resolvable || r == short_name;
  }
  if (short_name == "!!merge") {
    // isMerge(): "<<" with the merge tag is a merge key; any other text is
    // kept, as for every tag resolve() does not know.
    result.value.kind = text == "<<" ? ScalarKind::merge : ScalarKind::string;
    return result;
  }
  if (!resolvable || short_name == "!!str") {
    return result; // the text, as a string
  }
  ResolvedScalar resolved = resolve_untyped(text, short_name == "!!timestamp");
  const std::string resolved_tag = std::string("!!") + tag_name(resolved.kind);
  if (resolved_tag == short_name) {
    result.value = resolved;
    return result;
  }
  if (short_name == "!!float" && resolved.kind == ScalarKind::integer) {
    result.value = make_float(resolved.is_unsigned ? static_cast<double>(resolved.uint_value)
                                                   : static_cast<double>(resolved.int_value));
    return result;
  }
  result.error = "cannot decode " + resolved_tag + " `" + std::string(text) + "` as a " + short_name;
  return result;
}

std::optional<std::string> json_key(const ResolvedScalar& scalar, std::string_view text) {
  switch (scalar.kind) {
  case ScalarKind::string:
  case ScalarKind::timestamp:
  case ScalarKind::merge:
    return std::string(text);
  case ScalarKind::null:
    return std::nullopt;
  case ScalarKind::boolean:
    return std::string(scalar.boolean ? "true" : "false");
  case ScalarKind::integer:
    if (scalar.is_unsigned) {
      return std::nullopt; // sigs.k8s.io/yaml: unsupported map key of type uint64
    }
    return std::to_string(scalar.int_value);
  case ScalarKind::floating: {
    std::string s = go_format_float32(scalar.float_value);
    if (s == "+Inf") {
      return std::string(".inf");
    }
    if (s == "-Inf") {
      return std::string("-.inf");
    }
    if (s == "NaN") {
      return std::string(".nan");
    }
    return s;
  }
  }
  return std::nullopt;
}

bool is_json_integer(const ResolvedScalar& scalar) {
  if (scalar.kind == ScalarKind::integer) {
    return true;
  }
  if (scalar.kind != ScalarKind::floating || !std::isfinite(scalar.float_value)) {
    return false;
  }
  return std::trunc(scalar.float_value) == scalar.float_value && std::fabs(scalar.float_value) < 1e21;
}

std::optional<std::int64_t> integer_value(const ResolvedScalar& scalar) {
  if (!is_json_integer(scalar)) {
    return std::nullopt;
  }
  if (scalar.kind == ScalarKind::integer) {
    if (scalar.is_unsigned) {
      return std::nullopt;
    }
    return scalar.int_value;
  }
  // 2^63 is exactly representable; every integral double below it fits.
  if (std::fabs(scalar.float_value) >= 9223372036854775808.0) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(scalar.float_value);
}

std::string short_tag(std::string_view tag) {
  if (tag.substr(0, k_tag_prefix.size()) == k_tag_prefix) {
    return "!!" + std::string(tag.substr(k_tag_prefix.size()));
  }
  return std::string(tag);
}

} // namespace npcheck::model::detail
