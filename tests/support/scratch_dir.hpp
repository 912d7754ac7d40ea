// SPDX-License-Identifier: Apache-2.0
//
// A fresh directory under the system's temporary directory for one test,
// removed with everything in it at the end of its scope.
#pragma once

#include <doctest/doctest.h>

#include <stdlib.h> // mkdtemp

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace npcheck::testing {

class ScratchDir {
public:
  explicit ScratchDir(const std::string& prefix = "npcheck-test") {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    m_root = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_root, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& root() const { return m_root; }
  // The path of below in the directory (the directory itself when empty).
  std::string path(const std::string& below = "") const {
    return below.empty() ? m_root.string() : (m_root / below).string();
  }
  // Writes text to below (creating its directories); returns its path.
  std::string write(const std::string& below, const std::string& text) const {
    const std::filesystem::path file = m_root / below;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }
  // The names directly in the directory, sorted.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(m_root)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

private:
  std::filesystem::path m_root;
};

// The bytes of a file ("" when it cannot be read).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

} // namespace npcheck::testing
