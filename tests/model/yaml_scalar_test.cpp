// SPDX-License-Identifier: Apache-2.0
//
// go-yaml v2's scalar resolution, scalar by scalar: what kubectl (through
// sigs.k8s.io/yaml) makes of an unquoted value, a tagged value and a mapping
// key. Each expectation was worked out from go-yaml v2's resolve.go and the
// Go library functions it calls (strconv.ParseInt/ParseUint/ParseFloat,
// time.Parse, strconv.FormatFloat).
#include "yaml_scalar.hpp"

#include <doctest/doctest.h>

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

using npcheck::model::detail::ResolvedScalar;
using npcheck::model::detail::ScalarKind;
using npcheck::model::detail::integer_value;
using npcheck::model::detail::is_json_integer;
using npcheck::model::detail::json_key;
using npcheck::model::detail::resolve_plain;
using npcheck::model::detail::resolve_tagged;

namespace {

std::string float_text(double value) {
  if (std::isnan(value)) {
    return "nan";
  }
  if (std::isinf(value)) {
    return value > 0 ? "inf" : "-inf";
  }
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// "null", "bool true", "int 80", "uint 18446744073709551615", "float 0.5",
// "timestamp", "merge" or "str".
std::string describe(const ResolvedScalar& r) {
  switch (r.kind) {
  case ScalarKind::null:
    return "null";
  case ScalarKind::boolean:
    return r.boolean ? "bool true" : "bool false";
  case ScalarKind::integer:
    return r.is_unsigned ? "uint " + std::to_string(r.uint_value) : "int " + std::to_string(r.int_value);
  case ScalarKind::floating:
    return "float " + float_text(r.float_value);
  case ScalarKind::timestamp:
    return "timestamp";
  case ScalarKind::merge:
    return "merge";
  case ScalarKind::string:
    break;
  }
  return "str";
}

struct Case {
  std::string_view text;
  std::string_view want;
};

// Untagged plain scalars: resolve("", text).
constexpr Case k_plain[] = {
    // null
    {"", "null"}, {"~", "null"}, {"null", "null"}, {"Null", "null"}, {"NULL", "null"},
    {"nULL", "str"}, {"NUll", "str"}, {"nil", "str"}, {"None", "str"},
    // booleans: YAML 1.1's words, in three spellings each
    {"y", "bool true"}, {"Y", "bool true"}, {"yes", "bool true"}, {"Yes", "bool true"},
    {"YES", "bool true"}, {"true", "bool true"}, {"True", "bool true"}, {"TRUE", "bool true"},
    {"on", "bool true"}, {"On", "bool true"}, {"ON", "bool true"},
    {"n", "bool false"}, {"N", "bool false"}, {"no", "bool false"}, {"No", "bool false"},
    {"NO", "bool false"}, {"false", "bool false"}, {"False", "bool false"}, {"FALSE", "bool false"},
    {"off", "bool false"}, {"Off", "bool false"}, {"OFF", "bool false"},
    {"yEs", "str"}, {"tRUE", "str"}, {"oN", "str"}, {"t", "str"}, {"f", "str"}, {"nope", "str"},
    {"1", "int 1"},
    // integers: base 0 of strconv.ParseInt after dropping every '_'
    {"0", "int 0"}, {"-0", "int 0"}, {"+0", "int 0"}, {"80", "int 80"}, {"-80", "int -80"},
    {"+80", "int 80"}, {"0120", "int 80"}, {"0o120", "int 80"}, {"0O120", "int 80"},
    {"0x50", "int 80"}, {"0X50", "int 80"}, {"0xff", "int 255"}, {"0xFF", "int 255"},
    {"0b1010000", "int 80"}, {"0B1010000", "int 80"}, {"8_0", "int 80"}, {"80_", "int 80"},
    {"1_000_000", "int 1000000"}, {"0x_50", "int 80"}, {"-0x50", "int -80"}, {"+0b101", "int 5"},
    {"-0b101", "int -5"}, {"0b-101", "int -5"}, {"0b+101", "int 5"}, {"00", "int 0"},
    {"9223372036854775807", "int 9223372036854775807"},
    {"-9223372036854775808", "int -9223372036854775808"},
    {"9223372036854775808", "uint 9223372036854775808"},
    {"18446744073709551615", "uint 18446744073709551615"},
    {"0xFFFFFFFFFFFFFFFF", "uint 18446744073709551615"},
    {"0x1FFFFFFFFFFFFFFFF", "str"},
    // integers that are not: the prefix needs a digit, octal needs octal digits
    {"_80", "str"}, {"0x", "str"}, {"0b", "str"}, {"0o", "str"}, {"0xG", "str"}, {"0b102", "str"},
    {"08", "float 8"}, {"080", "float 80"}, {"09.5", "float 9.5"}, {"-", "str"}, {"+", "str"},
    {"-a", "str"}, {"--1", "str"}, {"1-2", "str"},
    // floats: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ after dropping '_'
    {"1e3", "float 1000"}, {"1E3", "float 1000"}, {"1e+3", "float 1000"}, {"1e-3", "float 0.001"},
    {"-1.5e3", "float -1500"}, {"+1.5", "float 1.5"}, {"1.", "float 1"}, {"1.0", "float 1"},
    {"1_0.5", "float 10.5"}, {"18446744073709551616", "float 18446744073709551616"},
    {"-9223372036854775809", "float -9223372036854775808"}, {"12e3", "float 12000"},
    {"0e5", "float 0"}, {"2e5", "float 2e+05"}, {"1e400", "str"}, {"-1e400", "str"},
    {"1e-400", "float 0"}, {"1.7976931348623157e308", "float 1.7976931348623157e+308"},
    {"1.7976931348623159e308", "str"},
    // floats starting with '.': strconv.ParseFloat of the text as written
    {".5", "float 0.5"}, {"-.5", "float -0.5"}, {"+.5", "float 0.5"}, {".5e3", "float 500"},
    {".5_5", "float 0.55"}, {".5e1_0", "float 5e+09"}, {".", "str"}, {"..5", "str"},
    {".5.5", "str"}, {"._5", "str"}, {".5_", "str"}, {".5__5", "str"}, {".5_e5", "str"},
    {".5e_5", "str"}, {".5e400", "str"}, {".5e-400", "float 0"}, {".e5", "str"},
    // not floats
    {"1.5.5", "str"}, {"1e", "str"}, {"e5", "str"}, {"1e5.5", "str"}, {"1.2.3", "str"},
    {"1:20", "str"}, {"190:20:30", "str"}, {"1,000", "str"}, {"1 000", "str"}, {"0x1p3", "str"},
    // special floats
    {".inf", "float inf"}, {".Inf", "float inf"}, {".INF", "float inf"}, {"+.inf", "float inf"},
    {"+.Inf", "float inf"}, {"+.INF", "float inf"}, {"-.inf", "float -inf"}, {"-.Inf", "float -inf"},
    {"-.INF", "float -inf"}, {".nan", "float nan"}, {".NaN", "float nan"}, {".NAN", "float nan"},
    {".NAn", "str"}, {".iNf", "str"}, {"inf", "str"}, {"nan", "str"}, {"NaN", "str"},
    {"Infinity", "str"}, {"-inf", "str"},
    // UIDs, hashes and versions that start with digits and an 'e'
    {"74effb20-09dc-4c1b-9f5c-3f2a8b7a1e55", "str"}, {"1e8f3a2", "str"}, {"9e-x", "str"},
    {"0e", "str"}, {"123e4567-e89b-12d3-a456-426614174000", "str"}, {"7e4d2c9f", "str"},
    {"5e", "str"}, {"3e+", "str"},
    // timestamps (go-yaml v2 hands them to kubectl as strings)
    {"2001-12-14", "timestamp"}, {"2001-12-14t21:59:43.10-05:00", "timestamp"},
    {"2001-12-14T21:59:43.10Z", "timestamp"}, {"2001-12-14 21:59:43.10", "timestamp"},
    {"2001-12-15 2:59:43.10", "timestamp"}, {"2001-12-14  21:59:43", "timestamp"},
    {"2001-12-14T21:59:43Z", "timestamp"}, {"2001-12-14T21:59:43,10Z", "timestamp"},
    {"2001-12-14T21:59:43+05:00", "timestamp"}, {"2001-1-1", "timestamp"},
    {"2000-02-29", "timestamp"}, {"2001-12-14T21:59:43.1234567891234Z", "timestamp"},
    {"2001-12-14 21:59:43.10 -5", "str"}, {"2001-02-29", "str"}, {"1900-02-29", "str"},
    {"2001-13-01", "str"}, {"2001-00-10", "str"}, {"2001-001-01", "str"}, {"2001-04-31", "str"},
    {"2001-12-14T25:00:00Z", "str"}, {"2001-12-14T21:60:00Z", "str"}, {"2001-12-14T21:59Z", "str"},
    {"2001-12-14T21:59:43+25:00", "str"}, {"2001-12-14T21:59:43+0500", "str"},
    {"2001-12-14T21:59:43", "str"}, {"2001-12-14 ", "str"}, {"01-12-14", "str"},
    {"20011-12-14", "str"}, {"2001-12-14x", "str"},
    // plain strings
    {"web", "str"}, {"HTTP", "str"}, {"<<", "str"}, {"v1", "str"}, {"0.0.0.0/0", "str"},
    {"10.0.0.1", "str"}, {"80/TCP", "str"}, {"networking.k8s.io/v1", "str"}, {"a b", "str"},
};

} // namespace

TEST_SUITE_BEGIN("model");

TEST_CASE("yaml_scalar::resolve_plain") {
  static_assert(std::size(k_plain) >= 100);
  for (const Case& c : k_plain) {
    CAPTURE(c.text);
    CHECK_EQ(describe(resolve_plain(c.text)), c.want);
  }
}

TEST_CASE("yaml_scalar::resolve_tagged") {
  auto tagged = [](std::string_view tag, std::string_view text) {
    auto result = resolve_tagged(std::string("tag:yaml.org,2002:") + std::string(tag), text);
    if (!result.error.empty()) {
      return "error: " + result.error;
    }
    std::string shown = describe(result.value);
    return result.binary.empty() ? shown : shown + " '" + result.binary + "'";
  };
  SUBCASE("a tag that describes the text") {
    CHECK_EQ(tagged("int", "80"), "int 80");
    CHECK_EQ(tagged("int", "0x50"), "int 80");
    CHECK_EQ(tagged("bool", "yes"), "bool true");
    CHECK_EQ(tagged("null", "~"), "null");
    CHECK_EQ(tagged("null", ""), "null");
    CHECK_EQ(tagged("float", ".5"), "float 0.5");
    CHECK_EQ(tagged("timestamp", "2001-01-01"), "timestamp");
  }
  SUBCASE("!!float makes an integer a float, !!str keeps the text") {
    CHECK_EQ(tagged("float", "80"), "float 80");
    CHECK_EQ(tagged("str", "80"), "str");
    CHECK_EQ(tagged("str", "yes"), "str");
    CHECK_EQ(tagged("str", ""), "str");
  }
  SUBCASE("a tag that does not describe the text is an error") {
    CHECK_EQ(tagged("int", "a"), "error: cannot decode !!str `a` as a !!int");
    CHECK_EQ(tagged("int", "1.5"), "error: cannot decode !!float `1.5` as a !!int");
    CHECK_EQ(tagged("int", ""), "error: cannot decode !!null `` as a !!int");
    CHECK_EQ(tagged("bool", "1"), "error: cannot decode !!int `1` as a !!bool");
    CHECK_EQ(tagged("null", "x"), "error: cannot decode !!str `x` as a !!null");
    CHECK_EQ(tagged("float", "yes"), "error: cannot decode !!bool `yes` as a !!float");
    CHECK_EQ(tagged("int", "2001-01-01"), "error: cannot decode !!str `2001-01-01` as a !!int");
    CHECK_EQ(tagged("timestamp", "x"), "error: cannot decode !!str `x` as a !!timestamp");
  }
  SUBCASE("!!binary decodes base64") {
    CHECK_EQ(tagged("binary", "aGVsbG8="), "str 'hello'");
    CHECK_EQ(tagged("binary", "aGVs\nbG8h"), "str 'hello!'");
    CHECK_EQ(tagged("binary", "aGVsbG8"), "error: !!binary value contains invalid base64 data");
    CHECK_EQ(tagged("binary", "aG=sbG8="), "error: !!binary value contains invalid base64 data");
  }
  SUBCASE("other tags keep the text") {
    CHECK_EQ(describe(resolve_tagged("!foo", "80").value), "str");
    CHECK_EQ(describe(resolve_tagged("tag:yaml.org,2002:seq", "80").value), "str");
    CHECK_EQ(describe(resolve_tagged("tag:yaml.org,2002:merge", "<<").value), "merge");
    CHECK_EQ(describe(resolve_tagged("tag:yaml.org,2002:merge", "x").value), "str");
  }
}

TEST_CASE("yaml_scalar::json_key") {
  auto key = [](std::string_view text) {
    return json_key(resolve_plain(text), text).value_or("<refused>");
  };
  CHECK_EQ(key("app"), "app");
  CHECK_EQ(key("yes"), "true");
  CHECK_EQ(key("off"), "false");
  CHECK_EQ(key("0x10"), "16");
  CHECK_EQ(key("1_000"), "1000");
  CHECK_EQ(key("-7"), "-7");
  CHECK_EQ(key("2001-12-14"), "2001-12-14");
  // Floats as Go's FormatFloat(f, 'g', -1, 32) writes them.
  CHECK_EQ(key("1.5"), "1.5");
  CHECK_EQ(key("1e6"), "1e+06");
  CHECK_EQ(key("123456.0"), "123456");
  CHECK_EQ(key("1234567.0"), "1.234567e+06");
  CHECK_EQ(key("0.0001"), "0.0001");
  CHECK_EQ(key("0.00001"), "1e-05");
  CHECK_EQ(key("3.14159265358979"), "3.1415927");
  CHECK_EQ(key("1e100"), ".inf"); // beyond float32
  CHECK_EQ(key("-0.0"), "-0");
  CHECK_EQ(key(".inf"), ".inf");
  CHECK_EQ(key("-.inf"), "-.inf");
  CHECK_EQ(key(".nan"), ".nan");
  // sigs.k8s.io/yaml refuses null keys and integers beyond int64.
  CHECK_EQ(key("~"), "<refused>");
  CHECK_EQ(key("18446744073709551615"), "<refused>");
}

TEST_CASE("yaml_scalar::integer_value") {
  auto value = [](std::string_view text) -> std::string {
    const ResolvedScalar r = resolve_plain(text);
    if (!is_json_integer(r)) {
      return "not an integer";
    }
    const auto v = integer_value(r);
    return v ? std::to_string(*v) : "out of range";
  };
  CHECK_EQ(value("80"), "80");
  CHECK_EQ(value("80.0"), "80"); // JSON carries 80
  CHECK_EQ(value("8e1"), "80");
  CHECK_EQ(value("080"), "80");
  CHECK_EQ(value("-0.0"), "0");
  CHECK_EQ(value("8.5"), "not an integer");
  CHECK_EQ(value("1e21"), "not an integer"); // JSON carries 1e+21
  CHECK_EQ(value("1e20"), "out of range");
  CHECK_EQ(value("18446744073709551615"), "out of range");
  CHECK_EQ(value(".inf"), "not an integer");
  CHECK_EQ(value("web"), "not an integer");
  CHECK_EQ(value("yes"), "not an integer");
}

TEST_SUITE_END();
