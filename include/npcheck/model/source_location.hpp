// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <string>

namespace npcheck::model {

// A 1-based position in an input file; line or column 0 means unknown.
// The file name is shared between all locations of one file.
struct SourceLocation {
  std::shared_ptr<const std::string> file;
  int line = 0;
  int column = 0;

  // "file:line:col", "file:line" or "file" depending on what is known.
  std::string to_string() const;
  const std::string& file_name() const;
};

} // namespace npcheck::model
