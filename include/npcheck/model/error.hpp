// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/model/source_location.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace npcheck::model {

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
