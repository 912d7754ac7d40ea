// SPDX-License-Identifier: Apache-2.0
//
// model::escape_control and append_escaped: what input may reach a terminal
// or a report unescaped.
#include <npcheck/model/error.hpp>

#include <doctest/doctest.h>

#include <string>

using npcheck::model::append_escaped;
using npcheck::model::escape_control;
using npcheck::model::EscapeOptions;

TEST_CASE("escape_control: C0, DEL, C1 and bytes that are not UTF-8") {
  CHECK(escape_control("plain text") == "plain text");
  CHECK(escape_control("a\tb\nc\rd") == "a\\tb\\nc\\rd");
  CHECK(escape_control("\x1b[2J\x07\x7f") == "\\x1b[2J\\x07\\x7f");
  CHECK(escape_control("\xc2\x9b" "31m") == "\\xc2\\x9b31m"); // C1 CSI
  CHECK(escape_control("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") ==
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  CHECK(escape_control("\xff\xfe") == "\\xff\\xfe");
  CHECK(escape_control("\xc0\xaf") == "\\xc0\\xaf");     // overlong '/'
  CHECK(escape_control("\xed\xa0\x80") == "\\xed\\xa0\\x80"); // surrogate
  CHECK(escape_control("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80"); // past U+10FFFF
  CHECK(escape_control("\xc3(") == "\\xc3(");
  CHECK(escape_control("end\xe2\x82") == "end\\xe2\\x82");
}

TEST_CASE("append_escaped: keep_layout and more_follows") {
  std::string out;
  EscapeOptions options;
  options.keep_layout = true;
  options.more_follows = true;
  CHECK(append_escaped(out, "a\tb\nc\xe2\x82", options) == 5);
  CHECK(out == "a\tb\nc");
  out.clear();
  options.more_follows = false;
  CHECK(append_escaped(out, "c\xe2\x82", options) == 3);
  CHECK(out == "c\\xe2\\x82");
}
