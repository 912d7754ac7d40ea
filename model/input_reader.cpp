// SPDX-License-Identifier: Apache-2.0
//
// Bounded reading. Sizes reported by the file system are not trusted: a
// character device (/dev/zero) or a pipe has none, a /proc file reports 0,
// and a file can grow while it is read. So every input is read in blocks of
// at most 1 MiB, and each block is counted against the per-file limit
// (--max-file-size) and the run's total (--max-input-size, InputBudget)
// before the next one is read: reading stops at the first block past a
// limit.
//
// What is read: regular files, pipes (process substitution <(cmd), a named
// FIFO), /dev/null and standard input, whatever it is. Other devices and
// sockets are refused before they are opened: reading /dev/zero or a tape
// drive is never what a user meant. A named FIFO blocks open(2) until some process opens it for
// writing, forever if none ever does; the open runs on a helper thread, and
// when no writer came within LoadLimits::fifo_writer_wait, npcheck opens the
// FIFO for writing itself to release that thread and reports the missing
// writer. A writer that opened the FIFO but is slow to write is waited for,
// as a slow producer on stdin is. Anonymous pipes (pipefs: <(cmd), stdin)
// never block in open(2).
#include "input_reader.hpp"

#include <npcheck/model/error.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <istream>
#include <mutex>
#include <thread>
#include <vector>

namespace npcheck::model {

void InputBudget::take(std::size_t bytes, const std::shared_ptr<const std::string>& file) {
  m_used += bytes;
  if (m_used > m_max_bytes) {
    throw Error(SourceLocation{file, 0, 0},
                "the inputs are larger than " + std::to_string(m_max_bytes) +
                    " bytes together (raise the limit with --max-input-size)");
  }
}

namespace detail {

namespace {

constexpr std::size_t k_block_bytes = 1u << 20;

[[noreturn]] void fail(const std::shared_ptr<const std::string>& name, const std::string& message) {
  throw Error(SourceLocation{name, 0, 0}, message);
}

std::string system_message(int error) {
  std::string text = std::strerror(error);
  if (!text.empty()) {
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  }
  return text;
}

// What a file that may not be read is, for the message.
const char* kind_of(mode_t mode) {
  if (S_ISCHR(mode)) {
    return "a character device";
  }
  if (S_ISBLK(mode)) {
    return "a block device";
  }
  if (S_ISSOCK(mode)) {
    return "a socket";
  }
  if (S_ISDIR(mode)) {
    return "a directory";
  }
  return "neither a regular file nor a pipe";
}

class FileDescriptor {
public:
  explicit FileDescriptor(int fd) : m_fd(fd) {}
  ~FileDescriptor() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return m_fd; }

private:
  int m_fd;
};

// Reads fd to its end. expected is the size the file system reports for a
// regular file (0 when unknown), so that such a file is read into one block.
std::string read_all(int fd, const std::shared_ptr<const std::string>& name, const LoadLimits& limits,
                     InputBudget& budget, std::size_t expected) {
  std::vector<std::string> blocks;
  std::size_t total = 0;
  std::size_t filled = 0; // of blocks.back()
  while (true) {
    if (blocks.empty() || filled == blocks.back().size()) {
      if (!blocks.empty()) {
        filled = 0;
      }
      std::size_t size = blocks.empty() && expected > 0
                             ? std::min(expected, limits.max_file_bytes) + 1
                             : std::min<std::size_t>(k_block_bytes, std::max<std::size_t>(65536, total));
      blocks.emplace_back(size, '\0');
    }
    std::string& block = blocks.back();
    ssize_t n = ::read(fd, block.data() + filled, block.size() - filled);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        pollfd wait{fd, POLLIN, 0};
        ::poll(&wait, 1, -1);
        continue;
      }
      fail(name, "cannot read file: " + system_message(errno));
    }
    if (n == 0) {
      break;
    }
    const auto count = static_cast<std::size_t>(n);
    filled += count;
    total += count;
    if (total > limits.max_file_bytes) {
      fail(name, too_large_message(limits.max_file_bytes));
    }
    budget.take(count, name);
  }
  blocks.back().resize(filled);
  if (blocks.size() == 1) {
    return std::move(blocks.front());
  }
  std::string text;
  text.reserve(total);
  for (std::string& block : blocks) {
    text += block;
    std::string().swap(block);
  }
  return text;
}

// open(2) of a named FIFO for reading, which returns once some process has
// opened it for writing; throws when none did within wait.
int open_fifo(const std::string& path, const std::shared_ptr<const std::string>& name,
              std::chrono::milliseconds wait) {
  struct Opening {
    std::mutex mutex;
    std::condition_variable done_changed;
    bool done = false;
    int fd = -1;
    int error = 0;
  };
  auto opening = std::make_shared<Opening>();
  std::thread opener([path, opening] {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    int error = errno;
    std::lock_guard<std::mutex> lock(opening->mutex);
    opening->fd = fd;
    opening->error = error;
    opening->done = true;
    opening->done_changed.notify_all();
  });
  bool opened = false;
  {
    std::unique_lock<std::mutex> lock(opening->mutex);
    opened = opening->done_changed.wait_for(lock, wait, [&] { return opening->done; });
    // No writer came: become one, which releases the blocked open (once the
    // opener has reached it), then report.
    while (!opening->done) {
      int release = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (release >= 0) {
        ::close(release);
      }
      opening->done_changed.wait_for(lock, std::chrono::milliseconds(10), [&] { return opening->done; });
    }
  }
  opener.join();
  if (!opened) {
    if (opening->fd >= 0) {
      ::close(opening->fd);
    }
    const auto seconds = std::chrono::duration_cast<std::chrono::duration<double>>(wait).count();
    std::string shown = std::to_string(seconds);
    shown.erase(shown.find_last_not_of('0') + 1);
    if (!shown.empty() && shown.back() == '.') {
      shown.pop_back();
    }
    fail(name, "named pipe: no process opened it for writing within " + shown + " seconds");
  }
  if (opening->fd < 0) {
    fail(name, "cannot read file: " + system_message(opening->error));
  }
  return opening->fd;
}

} // namespace

std::string too_large_message(std::size_t max_file_bytes) {
  return "file is larger than " + std::to_string(max_file_bytes) +
         " bytes (raise the limit with --max-file-size)";
}

std::string read_input_file(const std::string& path, const std::shared_ptr<const std::string>& name,
                            const LoadLimits& limits, InputBudget& budget) {
  struct stat before {};
  if (::stat(path.c_str(), &before) != 0) {
    fail(name, errno == ENOENT || errno == ENOTDIR ? "no such file or directory"
                                                   : "cannot read file: " + system_message(errno));
  }
  // The null device reads as an empty file, as in "diff --base /dev/null".
  const bool null_device = S_ISCHR(before.st_mode) && major(before.st_rdev) == 1 && minor(before.st_rdev) == 3;
  if (!S_ISREG(before.st_mode) && !S_ISFIFO(before.st_mode) && !null_device) {
    fail(name, std::string("cannot read ") + kind_of(before.st_mode) +
                   " (npcheck reads regular files, directories, pipes and standard input)");
  }
  // O_NONBLOCK: a regular file replaced by a FIFO after stat must not block.
  FileDescriptor fd(S_ISFIFO(before.st_mode)
                        ? open_fifo(path, name, limits.fifo_writer_wait)
                        : ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    fail(name, "cannot read file: " + system_message(errno));
  }
  struct stat opened {};
  if (::fstat(fd.get(), &opened) != 0 || (opened.st_mode & S_IFMT) != (before.st_mode & S_IFMT)) {
    fail(name, "cannot read file: it changed while it was opened");
  }
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags >= 0 && (flags & O_NONBLOCK) != 0) {
    ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  }
  const std::size_t expected = S_ISREG(opened.st_mode) ? static_cast<std::size_t>(opened.st_size) : 0;
  return read_all(fd.get(), name, limits, budget, expected);
}

std::string read_standard_input(const std::shared_ptr<const std::string>& name, const LoadLimits& limits,
                                InputBudget& budget) {
  struct stat info {};
  if (::fstat(STDIN_FILENO, &info) != 0) {
    fail(name, "cannot read standard input: " + system_message(errno));
  }
  const std::size_t expected = S_ISREG(info.st_mode) ? static_cast<std::size_t>(info.st_size) : 0;
  return read_all(STDIN_FILENO, name, limits, budget, expected);
}

std::string read_stream(std::istream& in, const std::shared_ptr<const std::string>& name,
                        const LoadLimits& limits, InputBudget& budget) {
  std::string text;
  std::vector<char> block(65536);
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const auto count = static_cast<std::size_t>(in.gcount());
    if (count == 0) {
      break;
    }
    if (text.size() + count > limits.max_file_bytes) {
      fail(name, too_large_message(limits.max_file_bytes));
    }
    budget.take(count, name);
    text.append(block.data(), count);
  }
  if (in.bad()) {
    fail(name, "cannot read standard input");
  }
  return text;
}

} // namespace detail

} // namespace npcheck::model
