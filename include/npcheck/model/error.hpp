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

// text with control characters (and DEL) escaped as \t, \n, \r or \xNN, the
// way diagnostics print them, so that input never drives a terminal.
std::string escape_control(std::string_view text);

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

enum class Severity { error, warning };

// One finding of loading or validation: where, which object, and what.
// object is e.g. "NetworkPolicy default/api-allow" (empty when unknown);
// message starts with the field path when there is one.
struct Diagnostic {
  Severity severity = Severity::error;
  SourceLocation where;
  std::string object;
  std::string message;

  // "file:line:col: error: NetworkPolicy ns/name: spec.x: message"
  std::string to_string() const;
};

} // namespace npcheck::model
