// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/model/inventory.hpp>
#include <npcheck/model/ip_address.hpp>

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
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

// Pods that stay individual endpoints although they would fold into their
// workload: the ones a question names (can-reach --from, an expectation's
// name), and pods that differ in a label an expectation selects on.
struct PodsKeptApart {
  // (namespace, name); an empty namespace matches every namespace.
  std::vector<std::pair<std::string, std::string>> names;
  std::vector<IpAddress> addresses;
  std::vector<std::string> label_keys;
};

struct LoadOptions {
  std::string default_namespace = "default"; // -n/--namespace
  LoadLimits limits;
  unsigned threads = 0; // 0: one per core
  // How each path is named in diagnostics and source locations, by position
  // (a file found in a directory keeps its path below it); empty: as given.
  // diff --base-ref names a snapshot's files "REV:path".
  std::vector<std::string> display_paths;
  // How "-" (standard input) is named (--stdin-name).
  std::string stdin_name = "<stdin>";
  // --exclude: fnmatch(3) patterns; a walked file or directory is left out
  // when its path below the walked directory or its name matches one, a
  // named path when its path as given or its name does.
  std::vector<std::string> exclude;
  // The subcommand that hints name ("helm template DIR | npcheck lint -f -").
  std::string command = "validate";
  // Fold the Pods of one controller into one workload (a live snapshot);
  // false shows every Pod on its own (--pods). Either way a workload whose
  // pods are in the input is replaced by them.
  bool fold_pods = true;
  PodsKeptApart kept_apart;
  // What "-" reads; nullptr: file descriptor 0 (the process's standard
  // input). cli::run passes its in stream unless it is std::cin, so that
  // in-process callers (tests) can feed standard input.
  std::istream* standard_input = nullptr;
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
//
// A directory is walked as a repository: hidden entries (a name starting
// with '.') and --exclude'd ones are left out, a directory holding a Helm
// chart (Chart.yaml) or a kustomization (kustomization.yaml) is left out with
// a warning saying how to render it, and a document of a walked file that has
// neither apiVersion nor kind is no Kubernetes object: it is counted
// (Inventory::non_objects), not an error. Paths named on the command line
// are read strictly.
Inventory load_paths(const std::vector<std::string>& paths, const LoadOptions& options = {});

// Loads one in-memory text as if it were the file called file_name; throws
// Error when it is larger than limits.max_file_bytes.
Inventory load_string(std::string_view text, const std::string& file_name,
                      const LoadOptions& options = {});

} // namespace npcheck::model
