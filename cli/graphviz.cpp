// SPDX-License-Identifier: Apache-2.0
//
// dot as a child process: found on PATH by hand (so that its absence is a
// clear error, not a failed exec), started with posix_spawn (no shell, so
// nothing in the graph or the environment is interpreted), fed the graph on
// a socket (written with MSG_NOSIGNAL: a dot that dies early is an error,
// not a SIGPIPE that kills npcheck) while its standard output and error are
// read, all three through one poll loop so that neither side blocks on a
// full pipe.
#include "graphviz.hpp"

#include <npcheck/model/error.hpp>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

extern char** environ;

namespace npcheck::cli {

namespace {

// Closes a descriptor once.
class Descriptor {
public:
  Descriptor() = default;
  explicit Descriptor(int fd) : m_fd(fd) {}
  ~Descriptor() { reset(); }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;

  int get() const { return m_fd; }
  void reset(int fd = -1) {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = fd;
  }

private:
  int m_fd = -1;
};

[[noreturn]] void fail(const std::string& option, const std::string& what) {
  throw model::Error({}, option + ": " + what);
}

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  return line.empty() ? std::string("no message") : line;
}

} // namespace

std::string find_program(const std::string& name, const std::string& search_path) {
  std::size_t start = 0;
  while (start <= search_path.size()) {
    std::size_t end = search_path.find(':', start);
    if (end == std::string::npos) {
      end = search_path.size();
    }
    const std::string directory = search_path.substr(start, end - start);
    const std::string candidate = (directory.empty() ? std::string(".") : directory) + "/" + name;
    struct stat info {};
    if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return {};
}

GraphvizResult run_dot(const std::string& graph, const std::string& format, const std::string& option) {
  const char* path_variable = std::getenv("PATH");
  const std::string program = find_program("dot", path_variable ? path_variable : "");
  if (program.empty()) {
    fail(option, "Graphviz's 'dot' is not on PATH (install Graphviz, or write -o dot and lay it out where it "
                 "is installed)");
  }
  int input_pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, input_pair) != 0) {
    fail(option, std::string("cannot run dot: ") + std::strerror(errno));
  }
  Descriptor input(input_pair[0]);
  Descriptor child_input(input_pair[1]);
  int output_pipe[2];
  int error_pipe[2];
  if (::pipe2(output_pipe, O_CLOEXEC) != 0) {
    fail(option, std::string("cannot run dot: ") + std::strerror(errno));
  }
  Descriptor output(output_pipe[0]);
  Descriptor child_output(output_pipe[1]);
  if (::pipe2(error_pipe, O_CLOEXEC) != 0) {
    fail(option, std::string("cannot run dot: ") + std::strerror(errno));
  }
  Descriptor errors(error_pipe[0]);
  Descriptor child_errors(error_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, child_input.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, child_output.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, child_errors.get(), STDERR_FILENO);
  const std::string format_argument = "-T" + format;
  std::vector<char*> argv = {const_cast<char*>(program.c_str()), const_cast<char*>(format_argument.c_str()),
                             nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    fail(option, "cannot run " + program + ": " + std::strerror(spawned));
  }
  child_input.reset();
  child_output.reset();
  child_errors.reset();

  GraphvizResult result;
  std::string error_text;
  std::size_t written = 0;
  if (graph.empty()) {
    input.reset();
  }
  bool output_open = true;
  bool errors_open = true;
  int write_error = 0;
  char buffer[65536];
  while (output_open || errors_open) {
    pollfd fds[3] = {{output.get(), POLLIN, 0}, {errors.get(), POLLIN, 0}, {input.get(), POLLOUT, 0}};
    fds[0].fd = output_open ? output.get() : -1;
    fds[1].fd = errors_open ? errors.get() : -1;
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      write_error = errno;
      break;
    }
    if (fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const ssize_t n =
          ::send(input.get(), graph.data() + written, graph.size() - written, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        written += static_cast<std::size_t>(n);
      }
      if ((n < 0 && errno != EINTR && errno != EAGAIN) || written == graph.size()) {
        // Done, or dot stopped reading: what it says is the error.
        input.reset();
      }
    }
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || (fds[k].revents & (POLLIN | POLLERR | POLLHUP)) == 0) {
        continue;
      }
      const ssize_t n = ::read(fds[k].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        (k == 0 ? output_open : errors_open) = false;
      } else {
        (k == 0 ? result.output : error_text).append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  input.reset();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (write_error != 0) {
    fail(option, std::string("running dot: ") + std::strerror(write_error));
  }
  if (WIFSIGNALED(status)) {
    fail(option, "dot was killed by signal " + std::to_string(WTERMSIG(status)) + " (" + first_line(error_text) +
                     ")");
  }
  if (WEXITSTATUS(status) != 0) {
    fail(option, "dot failed with exit status " + std::to_string(WEXITSTATUS(status)) + ": " +
                     first_line(error_text));
  }
  result.warnings = std::move(error_text);
  return result;
}

} // namespace npcheck::cli
