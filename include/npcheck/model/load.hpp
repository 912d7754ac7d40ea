// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/model/inventory.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace npcheck::model {

// Resource bounds that keep hostile input harmless; each has a CLI flag.
struct LoadLimits {
  // Peak memory is at most about 35 bytes per input byte (model/load.cpp),
  // so the default total keeps the worst case under 5 GiB.
  std::size_t max_file_bytes = 128u * 1024u * 1024u;  // --max-file-size
  std::size_t max_input_bytes = 128u * 1024u * 1024u; // --max-input-size, all inputs together
  int max_depth = 200;                                 // --max-depth
  std::size_t max_objects = 2'000'000;                 // --max-objects
  // Nodes YAML aliases may repeat in one document (a scalar counts one per
  // 64 bytes); aliases are shared, but what they repeat is read repeatedly.
  std::size_t max_alias_nodes = 1'000'000; // --max-alias-nodes
  // Longest YAML flow collection ([...] or {...}) that yaml-cpp may hold
  // whole before it reports any event: it keeps 150 to 250 bytes of tokens
  // per byte of such a collection (a nested one, or one that starts a
  // document).
  std::size_t max_flow_bytes = 256u * 1024u; // --max-flow-size
  // How long to wait for a process to open a named pipe (FIFO) for writing;
  // no flag: a writer that exists opens it at once.
  std::chrono::milliseconds fifo_writer_wait{30'000};
};

// The bytes read so far from every input of one run, against
// LoadLimits::max_input_bytes. One budget is shared by the loads of one
// command (diff's base and head, check's manifests and expectations).
class InputBudget {
public:
  explicit InputBudget(std::size_t max_bytes) : m_max_bytes(max_bytes) {}

  // Counts bytes more read from file; throws Error naming file when the
  // total passes the limit.
  void take(std::size_t bytes, const std::shared_ptr<const std::string>& file);
  std::size_t used() const { return m_used; }

private:
  std::size_t m_max_bytes;
  std::size_t m_used = 0;
};

struct LoadOptions {
  std::string default_namespace = "default"; // -n/--namespace
  LoadLimits limits;
  unsigned threads = 0; // 0: one per core
  // How each path is named in diagnostics and source locations, by position
  // (a file found in a directory keeps its path below it); empty: as given.
  // diff --base-ref names a snapshot's files "REV:path".
  std::vector<std::string> display_paths;
  // Shared with other loads of the same run; nullptr: a budget of
  // limits.max_input_bytes for this load alone.
  InputBudget* budget = nullptr;
};

// Loads every path (file, directory walked recursively for .yaml/.yml/.json,
// or "-" for stdin) and validates the objects. Each input is read with its
// bytes counted as they arrive (limits.max_file_bytes, the budget); what is
// neither a regular file, a directory, a pipe nor stdin is refused. Problems
// with the content are returned in Inventory::errors/warnings; throws Error
// when a path cannot be read at all, breaks a size limit, when "-" is given
// twice, or when the default namespace is not a valid namespace name.
Inventory load_paths(const std::vector<std::string>& paths, const LoadOptions& options = {});

// Loads one in-memory text as if it were the file called file_name; throws
// Error when it is larger than limits.max_file_bytes.
Inventory load_string(std::string_view text, const std::string& file_name,
                      const LoadOptions& options = {});

} // namespace npcheck::model
