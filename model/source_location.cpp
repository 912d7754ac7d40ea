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
  text += severity == Severity::error ? "error: " : severity == Severity::warning ? "warning: " : "info: ";
  if (!object.empty()) {
    text += object + ": ";
  }
  text += message;
  // Messages quote the input; control characters from a hostile manifest
  // (terminal escapes, newlines) are shown escaped, never sent to a terminal.
  return escape_control(text);
}

namespace {

// Length of the UTF-8 sequence at text[i] (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF); 0 when the bytes there are not one, -1
// when text ends inside what could still become one.
int utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  int length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    low = lead == 0xe0 ? 0xa0 : 0x80;
    high = lead == 0xed ? 0x9f : 0xbf;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    low = lead == 0xf0 ? 0x90 : 0x80;
    high = lead == 0xf4 ? 0x8f : 0xbf;
  } else {
    return 0;
  }
  for (int k = 1; k < length; ++k) {
    if (i + static_cast<std::size_t>(k) >= text.size()) {
      return -1;
    }
    const unsigned char c = byte(i + static_cast<std::size_t>(k));
    if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xbf)) {
      return 0;
    }
  }
  return length;
}

void append_hex(std::string& out, unsigned char byte) {
  static const char k_hex[] = "0123456789abcdef";
  out += "\\x";
  out += k_hex[byte >> 4];
  out += k_hex[byte & 0xf];
}

} // namespace

std::size_t append_escaped(std::string& out, std::string_view text, EscapeOptions options) {
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      std::size_t run = i + 1;
      while (run < text.size() && static_cast<unsigned char>(text[run]) >= 0x20 &&
             static_cast<unsigned char>(text[run]) < 0x7f) {
        ++run;
      }
      out.append(text, i, run - i);
      i = run;
      continue;
    }
    if (byte < 0x80 || byte == 0x7f) {
      if (options.keep_layout && (c == '\t' || c == '\n')) {
        out += c;
      } else if (c == '\t') {
        out += "\\t";
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else {
        append_hex(out, byte);
      }
      ++i;
      continue;
    }
    const int length = utf8_length(text, i);
    if (length < 0 && options.more_follows) {
      return i;
    }
    // C1 controls (U+0080..U+009F) are terminal controls too.
    if (length <= 0 || (byte == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0)) {
      const std::size_t bad = length == 2 ? 2 : 1;
      for (std::size_t k = 0; k < bad; ++k) {
        append_hex(out, static_cast<unsigned char>(text[i + k]));
      }
      i += bad;
      continue;
    }
    out.append(text, i, static_cast<std::size_t>(length));
    i += static_cast<std::size_t>(length);
  }
  return i;
}

std::string escape_control(std::string_view text) {
  std::string shown;
  shown.reserve(text.size());
  append_escaped(shown, text);
  return shown;
}

std::string plural(std::size_t n, std::string_view word) {
  return std::to_string(n) + ' ' + std::string(word) + (n == 1 ? "" : "s");
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
