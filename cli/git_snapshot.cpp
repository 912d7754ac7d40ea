// SPDX-License-Identifier: Apache-2.0
//
// A snapshot of paths at a git revision, without a second checkout: for each
// path, find its work tree (git rev-parse --show-toplevel), then
// `git archive REV -- <path relative to the top>` into a tar file and unpack
// it into a temporary directory. A path that does not exist at the revision
// is an empty directory there (the change adds it). git's own error text is
// kept for the message when a step fails.
//
// The directory must not outlive an interrupted run (Ctrl-C, kill, a closed
// terminal): while a snapshot exists, SIGINT, SIGTERM and SIGHUP (unless
// ignored) go to a handler that removes the tree with async-signal-safe
// calls only (openat, getdents64, unlinkat), then restores the previous
// disposition and raises the signal again, so that npcheck still ends the way
// the signal says.
#include "git_snapshot.hpp"

#include <npcheck/model/error.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace npcheck::cli {

namespace fs = std::filesystem;

namespace {

// ---- removal on a signal ----------------------------------------------------

constexpr int k_signals[] = {SIGINT, SIGTERM, SIGHUP};
constexpr std::size_t k_signal_count = sizeof k_signals / sizeof k_signals[0];

// The snapshot to remove, as an absolute path; only one exists at a time.
char g_root[4096];
volatile std::sig_atomic_t g_armed = 0;
struct sigaction g_previous[k_signal_count];
bool g_installed[k_signal_count];

// Removes name under directory dir and everything below it; async-signal-safe.
void remove_tree(int dir, const char* name, int depth) {
  if (::unlinkat(dir, name, 0) == 0 || depth > 64) {
    return;
  }
  const int fd = ::openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    alignas(dirent64) char buffer[2048];
    // Entries are removed while the directory is read: read it again from
    // the start until a pass finds nothing left (a few passes at most, in
    // case something cannot be removed).
    bool removed = true;
    for (int pass = 0; removed && pass < 8; ++pass) {
      removed = false;
      ::lseek(fd, 0, SEEK_SET);
      ssize_t n = 0;
      while ((n = ::getdents64(fd, buffer, sizeof buffer)) > 0) {
        for (ssize_t offset = 0; offset < n;) {
          const auto* entry = reinterpret_cast<const dirent64*>(buffer + offset);
          offset += entry->d_reclen;
          if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) {
            continue;
          }
          remove_tree(fd, entry->d_name, depth + 1);
          removed = true;
        }
      }
    }
    ::close(fd);
  }
  ::unlinkat(dir, name, AT_REMOVEDIR);
}

extern "C" void remove_snapshot_and_reraise(int signal) {
  if (g_armed) {
    g_armed = 0;
    remove_tree(AT_FDCWD, g_root, 0);
  }
  for (std::size_t i = 0; i < k_signal_count; ++i) {
    if (k_signals[i] == signal && g_installed[i]) {
      ::sigaction(signal, &g_previous[i], nullptr);
    }
  }
  ::raise(signal);
}

void arm_removal(const std::string& root) {
  if (root.size() >= sizeof g_root) {
    return;
  }
  std::memcpy(g_root, root.c_str(), root.size() + 1);
  for (std::size_t i = 0; i < k_signal_count; ++i) {
    struct sigaction current {};
    g_installed[i] = false;
    if (::sigaction(k_signals[i], nullptr, &current) != 0 || current.sa_handler == SIG_IGN) {
      continue; // an ignored signal stays ignored (nohup, background jobs)
    }
    struct sigaction handler {};
    handler.sa_handler = remove_snapshot_and_reraise;
    sigemptyset(&handler.sa_mask);
    g_installed[i] = ::sigaction(k_signals[i], &handler, &g_previous[i]) == 0;
  }
  g_armed = 1;
}

void disarm_removal() {
  g_armed = 0;
  for (std::size_t i = 0; i < k_signal_count; ++i) {
    if (g_installed[i]) {
      ::sigaction(k_signals[i], &g_previous[i], nullptr);
      g_installed[i] = false;
    }
  }
}

// ---- git ------------------------------------------------------------------

[[noreturn]] void fail(const std::string& message) {
  throw model::Error(model::SourceLocation{}, "--base-ref: " + message);
}

std::string quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

struct Result {
  int status = 0;
  std::string output; // stdout and stderr, trailing newlines removed
};

Result run(const std::string& command) {
  Result result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) {
    fail("cannot run git");
  }
  char buffer[4096];
  std::size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    result.output.append(buffer, n);
  }
  int status = pclose(pipe);
  result.status = status == -1 ? -1 : (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  while (!result.output.empty() && (result.output.back() == '\n' || result.output.back() == '\r')) {
    result.output.pop_back();
  }
  return result;
}

// git's message without the "fatal: " prefix, first line only.
std::string git_message(const std::string& output) {
  std::string text = output.substr(0, output.find('\n'));
  if (text.rfind("fatal: ", 0) == 0) {
    text = text.substr(7);
  }
  return text;
}

} // namespace

GitSnapshot::GitSnapshot(const std::string& revision, const std::vector<std::string>& paths) {
  if (revision.empty() || revision.front() == '-') {
    fail("'" + revision + "' is not a revision");
  }
  std::string temp = (fs::temp_directory_path() / "npcheck-base-XXXXXX").string();
  if (!mkdtemp(temp.data())) {
    fail("cannot create a temporary directory");
  }
  m_root = fs::absolute(temp).string();
  arm_removal(m_root);
  try {
    for (std::size_t i = 0; i < paths.size(); ++i) {
      const fs::path path(paths[i]);
      std::error_code ec;
      fs::path dir = fs::is_directory(path, ec) ? path : path.parent_path();
      if (dir.empty()) {
        dir = ".";
      }
      if (!fs::is_directory(dir, ec)) {
        fail("'" + paths[i] + "': no such directory in the work tree");
      }
      Result top = run("git -C " + quote(dir.string()) + " rev-parse --show-toplevel");
      if (top.status != 0) {
        fail("'" + paths[i] + "' is not in a git work tree (" + git_message(top.output) + ")");
      }
      Result commit = run("git -C " + quote(top.output) + " rev-parse --verify --quiet " +
                          quote(revision + "^{commit}"));
      if (commit.status != 0) {
        fail("unknown revision '" + revision + "'");
      }
      fs::path relative = fs::absolute(path).lexically_normal().lexically_relative(
          fs::canonical(top.output, ec));
      if (relative.empty() || relative.string().rfind("..", 0) == 0) {
        // A symlinked spelling of the path: resolve it the slow way.
        relative = fs::weakly_canonical(path, ec).lexically_relative(fs::canonical(top.output, ec));
      }
      std::string rel = relative.string();
      if (!rel.empty() && rel.back() == '/') {
        rel.pop_back();
      }
      const fs::path tree = fs::path(m_root) / std::to_string(i);
      const fs::path tar = fs::path(m_root) / (std::to_string(i) + ".tar");
      fs::create_directories(tree);
      const bool top_level = rel.empty() || rel == ".";
      if (!top_level &&
          run("git -C " + quote(top.output) + " cat-file -e " + quote(commit.output + ':' + rel)).status != 0) {
        // A path the change adds (a new policies folder) was empty at the
        // base: everything in it is new.
        fs::create_directories(tree / rel);
        m_paths.push_back((tree / rel).string());
        m_git_names.push_back(revision + ':' + rel);
        continue;
      }
      Result archive = run("git -C " + quote(top.output) + " archive --format=tar -o " +
                           quote(tar.string()) + ' ' + quote(commit.output) +
                           (rel.empty() || rel == "." ? std::string() : " -- " + quote(rel)));
      if (archive.status != 0) {
        fail("'" + paths[i] + "' does not exist at " + revision + " (" + git_message(archive.output) +
             ")");
      }
      Result untar = run("tar -xf " + quote(tar.string()) + " -C " + quote(tree.string()));
      if (untar.status != 0) {
        fail("cannot unpack the snapshot (" + untar.output + ")");
      }
      m_paths.push_back((rel.empty() || rel == "." ? tree : tree / rel).string());
      m_git_names.push_back(revision + ':' + (rel == "." ? std::string() : rel));
    }
  } catch (...) {
    disarm_removal();
    std::error_code ec;
    fs::remove_all(m_root, ec);
    throw;
  }
}

GitSnapshot::~GitSnapshot() {
  disarm_removal();
  std::error_code ec;
  fs::remove_all(m_root, ec);
}

} // namespace npcheck::cli
