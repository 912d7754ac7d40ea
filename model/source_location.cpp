// SPDX-License-Identifier: Apache-2.0
#include <npcheck/model/source_location.hpp>

#include <npcheck/model/error.hpp>

namespace npcheck::model {

namespace {
const std::string k_no_file;
} // namespace

const std::string& SourceLocation::file_name() const { return file ? *file : k_no_file; }

std::string SourceLocation::to_string() const {
  std::string text = file_name();
  if (line > 0) {
    text += ':' + std::to_string(line);
    if (column > 0) {
      text += ':' + std::to_string(column);
    }
  }
  return text;
}

Error::Error(SourceLocation where, std::string message)
    : std::runtime_error(where.file_name().empty() ? message : where.to_string() + ": " + message),
      m_where(std::move(where)), m_message(std::move(message)) {}

std::string Diagnostic::to_string() const {
  std::string text = where.to_string();
  if (!text.empty()) {
    text += ": ";
  }
  text += severity == Severity::error ? "error: " : "warning: ";
  if (!object.empty()) {
    text += object + ": ";
  }
  text += message;
  return text;
}

} // namespace npcheck::model
