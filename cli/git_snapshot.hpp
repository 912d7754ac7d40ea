// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reading an older version of some paths out of git history, for
// `npcheck diff --base-ref` (private to the cli layer).

#include <string>
#include <vector>

namespace npcheck::cli {

// The given paths as they were at a git revision, extracted into a fresh
// temporary directory that the destructor removes; a path that did not exist
// at the revision is an empty directory. Each path must lie in a git work
// tree; throws model::Error naming --base-ref when git cannot provide it.
class GitSnapshot {
public:
  GitSnapshot(const std::string& revision, const std::vector<std::string>& paths);
  ~GitSnapshot();
  GitSnapshot(const GitSnapshot&) = delete;
  GitSnapshot& operator=(const GitSnapshot&) = delete;

  // Where each given path is in the snapshot, in the given order.
  const std::vector<std::string>& paths() const { return m_paths; }
  // How git names each given path at the revision: "REV:path from the top
  // of its work tree" ("REV:" for the top itself), as `git show` takes it.
  const std::vector<std::string>& git_names() const { return m_git_names; }

private:
  std::string m_root;
  std::vector<std::string> m_paths;
  std::vector<std::string> m_git_names;
};

} // namespace npcheck::cli
