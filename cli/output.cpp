// SPDX-License-Identifier: Apache-2.0
//
// The output of a command. Reports quote the input (file names, expectation
// names, skipped kinds, diagnostics inside lint findings), so every byte a
// command writes goes through EscapingStreamBuffer, which applies the
// diagnostics' escaping to everything but tab and newline: a terminal never
// receives an escape sequence from a manifest, and JSON, SARIF, JUnit and
// HTML never hold a byte their encoding forbids (JSON writers replace bad
// UTF-8 themselves, with U+FFFD). run() checks the stream once the command
// returns, so that a full disk or a closed pipe is exit status 2, not a
// silently truncated report. OutputFile makes --output-file atomic in the
// usual way: write a temporary file in the same directory, fsync, rename.
#include "output.hpp"

#include <npcheck/model/error.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>

namespace npcheck::cli {

namespace {

constexpr std::size_t k_buffer_bytes = 64 * 1024;

} // namespace

EscapingStreamBuffer::EscapingStreamBuffer(std::streambuf& destination)
    : m_destination(destination), m_buffer(k_buffer_bytes, '\0') {
  setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
}

EscapingStreamBuffer::~EscapingStreamBuffer() { finish(); }

bool EscapingStreamBuffer::drain(bool at_end) {
  std::string_view pending(pbase(), static_cast<std::size_t>(pptr() - pbase()));
  m_escaped.clear();
  model::EscapeOptions options;
  options.keep_layout = true;
  options.more_follows = !at_end;
  if (!m_carry.empty()) {
    // Complete the cut sequence with the bytes that follow it.
    std::string joined = m_carry + std::string(pending.substr(0, std::min<std::size_t>(pending.size(), 3)));
    const std::size_t used = model::append_escaped(m_escaped, joined, options);
    if (used < m_carry.size()) {
      // Still incomplete: everything pending belongs to it.
      m_carry = joined.substr(used);
      m_escaped.clear();
      setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
      return !m_failed;
    }
    pending.remove_prefix(used - m_carry.size());
    m_carry.clear();
  }
  const std::size_t used = model::append_escaped(m_escaped, pending, options);
  m_carry.assign(pending.substr(used));
  setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
  if (!m_escaped.empty() && !m_failed) {
    const auto size = static_cast<std::streamsize>(m_escaped.size());
    m_failed = m_destination.sputn(m_escaped.data(), size) != size;
  }
  return !m_failed;
}

EscapingStreamBuffer::int_type EscapingStreamBuffer::overflow(int_type c) {
  if (!drain(false)) {
    return traits_type::eof();
  }
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

int EscapingStreamBuffer::sync() {
  if (!drain(false)) {
    return -1;
  }
  return m_destination.pubsync() == 0 && !m_failed ? 0 : -1;
}

bool EscapingStreamBuffer::finish() {
  drain(true);
  if (!m_carry.empty()) {
    m_escaped.clear();
    model::append_escaped(m_escaped, m_carry);
    m_carry.clear();
    const auto size = static_cast<std::streamsize>(m_escaped.size());
    m_failed = m_failed || m_destination.sputn(m_escaped.data(), size) != size;
  }
  m_failed = m_failed || m_destination.pubsync() != 0;
  return !m_failed;
}

// ---- OutputFile ----------------------------------------------------------

// Writes to a file descriptor, remembering the first error.
class OutputFile::FileBuffer : public std::streambuf {
public:
  explicit FileBuffer(int fd) : m_fd(fd), m_buffer(k_buffer_bytes, '\0') {
    setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
  }

  int error() const { return m_error; }
  bool written() const { return m_written > 0 || pptr() != pbase(); }

protected:
  int_type overflow(int_type c) override {
    if (!flush_buffer()) {
      return traits_type::eof();
    }
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return flush_buffer() ? 0 : -1; }

private:
  bool flush_buffer() {
    const char* p = pbase();
    while (p < pptr() && m_error == 0) {
      const ssize_t n = ::write(m_fd, p, static_cast<std::size_t>(pptr() - p));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        m_error = n < 0 ? errno : EIO;
        break;
      }
      p += n;
      m_written += static_cast<std::size_t>(n);
    }
    setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
    return m_error == 0;
  }

  int m_fd;
  std::string m_buffer;
  std::size_t m_written = 0;
  int m_error = 0;
};

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what, int error) {
  throw model::Error({}, "--output-file: cannot " + what + " '" + path + "': " + std::strerror(error));
}

} // namespace

namespace {

// Whether path names a stream rather than a file to replace: something that
// exists and is not a regular file once symlinks are followed (a device, a
// pipe, a socket), or anything in /dev or /proc (/dev/stdout, /dev/fd/1 and
// /proc/self/fd/1 are symlinks that renaming would replace, not write to).
bool is_stream(const std::string& path) {
  namespace fs = std::filesystem;
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode)) {
    return true;
  }
  std::error_code ec;
  fs::path directory = fs::absolute(fs::path(path), ec).parent_path();
  if (ec) {
    return false;
  }
  const fs::path resolved = fs::weakly_canonical(directory, ec);
  if (!ec) {
    directory = resolved;
  }
  const std::string text = directory.string();
  return text == "/dev" || text.rfind("/dev/", 0) == 0 || text == "/proc" ||
         text.rfind("/proc/", 0) == 0;
}

} // namespace

OutputFile::OutputFile(std::string path) : m_path(std::move(path)) {
  namespace fs = std::filesystem;
  if (is_stream(m_path)) {
    // Nothing to replace atomically: write to it as to standard output.
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (m_fd < 0) {
      fail(m_path, "write", errno);
    }
    m_direct = true;
  } else {
    const fs::path target(m_path);
    fs::path directory = target.parent_path();
    if (directory.empty()) {
      directory = ".";
    }
    m_temporary = (directory / ("." + target.filename().string() + ".npcheck-XXXXXX")).string();
    m_fd = ::mkostemp(m_temporary.data(), O_CLOEXEC);
    if (m_fd < 0) {
      fail(m_path, "write", errno);
    }
    // mkstemp creates 0600; a report is as readable as any file the user
    // writes.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(m_fd, 0666 & ~mask);
  }
  m_buffer = std::make_unique<FileBuffer>(m_fd);
  m_stream = std::make_unique<std::ostream>(m_buffer.get());
}

OutputFile::~OutputFile() {
  if (m_committed) {
    return;
  }
  if (m_fd >= 0) {
    ::close(m_fd);
  }
  if (!m_direct) {
    ::unlink(m_temporary.c_str());
  }
}

std::ostream& OutputFile::stream() { return *m_stream; }

bool OutputFile::written() const { return m_buffer->written(); }

void OutputFile::commit() {
  m_stream->flush();
  if (!*m_stream || m_buffer->error() != 0) {
    fail(m_path, "write", m_buffer->error() != 0 ? m_buffer->error() : EIO);
  }
  if (!m_direct && ::fsync(m_fd) != 0 && errno != EINVAL) {
    fail(m_path, "write", errno);
  }
  const int fd = m_fd;
  m_fd = -1;
  if (::close(fd) != 0) {
    fail(m_path, "write", errno);
  }
  if (!m_direct && ::rename(m_temporary.c_str(), m_path.c_str()) != 0) {
    fail(m_path, "write", errno);
  }
  m_committed = true;
}

} // namespace npcheck::cli
