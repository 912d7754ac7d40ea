// SPDX-License-Identifier: Apache-2.0
#pragma once

// The lint section of an npcheck configuration file (--config FILE, or
// .npcheck.yaml found in the current directory or a parent up to the
// repository root):
//
//   lint:
//     disable: [NP602, split-peer]      # checks not to run (ids or names)
//     severity: {NP601: info}            # a check's findings at another severity
//     ignore-paths: [vendor/, "charts/*/crds/*"]  # no findings in these files
//
// The model reads the file's shape, with located errors; which ids exist is
// the linter's to say, so every value keeps where it was written.

#include <npcheck/model/load.hpp>
#include <npcheck/model/source_location.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace npcheck::model {

struct ConfigValue {
  std::string text;
  SourceLocation where;
};

struct LintConfig {
  std::string file;                 // as found or given
  std::filesystem::path directory;  // the file's directory, absolute: ignore-paths are below it
  std::vector<ConfigValue> disable;
  std::vector<std::pair<ConfigValue, ConfigValue>> severity; // check, severity
  std::vector<ConfigValue> ignore_paths;

  // Whether a finding's file (as npcheck names it, relative to the current
  // directory or absolute) is under an ignore-paths entry: a pattern
  // (fnmatch(3), '*' crossing '/') matching its path relative to directory,
  // or a directory prefix of it.
  bool ignored(std::string_view finding_file) const;
};

// Reads the file; throws Error (file:line:column: message) on anything but
// the shape above.
LintConfig load_lint_config(const std::string& path, const LoadLimits& limits = {});
// The same from text (tests); directory is the current directory.
LintConfig read_lint_config(std::string_view text, const std::string& file_name);

// The .npcheck.yaml that applies in directory start: there or in the nearest
// parent, up to the repository root (the first directory holding .git)
// or the filesystem root.
std::optional<std::string> find_lint_config(const std::filesystem::path& start);

} // namespace npcheck::model
