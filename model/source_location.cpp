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
  // Messages quote the input; control characters from a hostile manifest
  // (terminal escapes, newlines) are shown escaped, never sent to a terminal.
  return escape_control(text);
}

std::string escape_control(std::string_view text) {
  std::string shown;
  shown.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f) {
      shown += c;
    } else if (c == '\t') {
      shown += "\\t";
    } else if (c == '\n') {
      shown += "\\n";
    } else if (c == '\r') {
      shown += "\\r";
    } else {
      static const char k_hex[] = "0123456789abcdef";
      shown += "\\x";
      shown += k_hex[byte >> 4];
      shown += k_hex[byte & 0xf];
    }
  }
  return shown;
}

std::string quote(std::string_view value) {
  constexpr std::size_t k_max_shown = 80;
  if (value.size() <= k_max_shown) {
    return "'" + std::string(value) + "'";
  }
  std::size_t cut = k_max_shown;
  // Back to the start of a UTF-8 sequence, so that the cut adds no bad byte.
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xc0) == 0x80) {
    --cut;
  }
  return "'" + std::string(value.substr(0, cut)) + "...' (" + std::to_string(value.size()) + " bytes)";
}

} // namespace npcheck::model
