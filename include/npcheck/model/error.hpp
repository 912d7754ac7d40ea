// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/model/source_location.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace npcheck::model {

// value in single quotes, for a message that quotes input. A value longer
// than 80 bytes is cut there (at a character boundary) and its size given,
// so that a 10 MB name does not make a 20 MB message: 'aaa...' (10485760 bytes).
std::string quote(std::string_view value);

// "1 pair", "3 pairs": n and word, with an s when n is not 1.
std::string plural(std::size_t n, std::string_view word);

// text with control characters (C0, DEL and C1) and bytes that are not
// UTF-8 escaped as \t, \n, \r or \xNN (each byte), the way diagnostics print
// them, so that input never drives a terminal or breaks a report's encoding.
std::string escape_control(std::string_view text);

struct EscapeOptions {
  bool keep_layout = false; // tab and newline pass unescaped (multi-line text)
  bool more_follows = false; // text may end inside a UTF-8 sequence that continues
};

// Appends text to out escaped as escape_control does. Returns the bytes of
// text consumed: all of them, or, with more_follows, all but an incomplete
// UTF-8 sequence at the end, for the caller to pass again with what follows.
std::size_t append_escaped(std::string& out, std::string_view text, EscapeOptions options = {});

// An input that cannot be read at all (unreadable file, bad argument).
// what() is "file:line:col: message".
class Error : public std::runtime_error {
public:
  Error(SourceLocation where, std::string message);

  const SourceLocation& where() const { return m_where; }
  const std::string& message() const { return m_message; }

private:
  SourceLocation m_where;
  std::string m_message;
};

enum class Severity { error, warning, info };

// One finding of loading or validation: where, which object, and what.
// object is e.g. "NetworkPolicy default/api-allow" (empty when unknown);
// message starts with the field path when there is one.
struct Diagnostic {
  Severity severity = Severity::error;
  SourceLocation where;
  std::string object;
  std::string message;

  // "file:line:col: error: NetworkPolicy ns/name: spec.x: message" (or
  // "warning:", "info:")
  std::string to_string() const;
};

} // namespace npcheck::model
