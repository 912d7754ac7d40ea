// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/model/inventory.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace npcheck::model {

// Resource bounds that keep hostile input harmless; each has a CLI flag.
struct LoadLimits {
  std::size_t max_file_bytes = 512u * 1024u * 1024u; // --max-file-size
  int max_depth = 200;                                // --max-depth
  std::size_t max_objects = 2'000'000;                // --max-objects
  // Nodes YAML aliases may repeat in one document (a scalar counts one per
  // 64 bytes); aliases are shared, but what they repeat is read repeatedly.
  std::size_t max_alias_nodes = 1'000'000; // --max-alias-nodes
};

struct LoadOptions {
  std::string default_namespace = "default"; // -n/--namespace
  LoadLimits limits;
  unsigned threads = 0; // 0: one per core
  // How each path is named in diagnostics and source locations, by position
  // (a file found in a directory keeps its path below it); empty: as given.
  // diff --base-ref names a snapshot's files "REV:path".
  std::vector<std::string> display_paths;
};

// Loads every path (file, directory walked recursively for .yaml/.yml/.json,
// or "-" for stdin) and validates the objects. Problems with the content are
// returned in Inventory::errors/warnings; throws Error only when a path
// cannot be read at all.
Inventory load_paths(const std::vector<std::string>& paths, const LoadOptions& options = {});

// Loads one in-memory text as if it were the file called file_name; throws
// Error when it is larger than limits.max_file_bytes.
Inventory load_string(std::string_view text, const std::string& file_name,
                      const LoadOptions& options = {});

} // namespace npcheck::model
