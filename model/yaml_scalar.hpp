// SPDX-License-Identifier: Apache-2.0
#pragma once

// What a YAML scalar means to kubectl. kubectl reads manifests through
// sigs.k8s.io/yaml, which decodes YAML with go-yaml v2 into untyped values
// and re-encodes them as JSON for the API server; a scalar's type is decided
// by go-yaml v2's resolve() (resolve.go), YAML 1.1 rules. Private to the
// model layer; one function per rule set, tested scalar by scalar
// (tests/model/yaml_scalar_test.cpp) and against an independent regex-based
// transcription (fuzz/fuzz_scalar.cpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace npcheck::model::detail {

enum class ScalarKind : std::uint8_t {
  string,
  null,
  boolean,
  integer,
  floating,
  // "2001-12-14", "2001-12-14T21:59:43.10-05:00": go-yaml v2 hands these to
  // untyped code as their text, so kubectl sends a string.
  timestamp,
  // Never returned by the resolvers: the reader marks an unquoted "<<" (or
  // "!!merge <<") with it, a merge key when it is a mapping key (go-yaml's
  // isMerge) and the string "<<" anywhere else.
  merge,
};

struct ResolvedScalar {
  ScalarKind kind = ScalarKind::string;
  bool boolean = false;
  // integer: go-yaml's int when the value fits int64, else its uint64.
  bool is_unsigned = false;
  std::int64_t int_value = 0;
  std::uint64_t uint_value = 0;
  double float_value = 0; // floating (also .inf and .nan)
};

// An untagged plain (unquoted) scalar, as go-yaml v2's resolve("", text):
//  - null: "", ~, null, Null, NULL;
//  - boolean: y Y yes Yes YES n N no No NO true True TRUE false False FALSE
//    on On ON off Off OFF;
//  - floating: .inf/.Inf/.INF with an optional sign, .nan/.NaN/.NAN; text
//    starting with '.' that Go's strconv.ParseFloat accepts; after dropping
//    every '_', text matching ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
//    that is not an integer and does not overflow a double;
//  - integer: after dropping every '_', what Go's strconv.ParseInt(text, 0,
//    64) or ParseUint(text, 0, 64) accepts (0x hex, 0o and a leading 0
//    octal, 0b binary), and "0b" followed by a signed binary number;
//  - timestamp: "YYYY-M-D", "YYYY-M-D[Tt]h:m:s[.frac](Z|±hh:mm)" or
//    "YYYY-M-D h:m:s[.frac]" that Go's time.Parse accepts (real dates);
//  - string: everything else. Only text starting with a digit, a sign or
//    '.' can be a number, so "_80", "e5" or "1e8f3a2" are strings.
ResolvedScalar resolve_plain(std::string_view text);

// An explicitly tagged scalar (quoted or not), as resolve(tag, text): tag in
// its long form ("tag:yaml.org,2002:int"). A tag that cannot describe the
// text is an error, as go-yaml reports it: "cannot decode !!str `a` as a
// !!int". !!float turns an integer into a float; !!str, unknown and local
// tags keep the text; !!binary decodes base64 (text then holds the bytes).
struct TaggedScalar {
  ResolvedScalar value;
  std::string binary; // the decoded bytes of a !!binary scalar
  std::string error;  // non-empty when go-yaml refuses the scalar
};
TaggedScalar resolve_tagged(std::string_view tag, std::string_view text);

// The string a mapping key becomes in the JSON that kubectl sends, as
// sigs.k8s.io/yaml converts it: strings as they are, integers in decimal,
// booleans as "true"/"false", floats as Go's FormatFloat(f, 'g', -1, 32)
// (".inf", "-.inf", ".nan" for the special values). nullopt for keys that
// sigs.k8s.io/yaml refuses: null, and integers beyond int64.
std::optional<std::string> json_key(const ResolvedScalar& scalar, std::string_view text);

// Whether the JSON kubectl sends holds an integer literal for the scalar:
// integers, and floats that Go's json.Marshal writes without a fraction or
// an exponent (integral, below 1e21 in magnitude), so that an int field of
// the API reads `port: 80.0` or `port: 8e1` as 80.
bool is_json_integer(const ResolvedScalar& scalar);

// That integer, when is_json_integer() and it fits int64; nullopt otherwise.
std::optional<std::int64_t> integer_value(const ResolvedScalar& scalar);

// "!!int" for "tag:yaml.org,2002:int", as go-yaml names tags in messages.
std::string short_tag(std::string_view tag);

} // namespace npcheck::model::detail
