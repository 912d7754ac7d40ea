// SPDX-License-Identifier: Apache-2.0
// Every input is read with its limits enforced while reading, whatever it is.
#include <npcheck/model/expectations.hpp>
#include <npcheck/model/load.hpp>

#include "support/scratch_dir.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

using npcheck::model::Error;
using npcheck::model::InputBudget;
using npcheck::model::Inventory;
using npcheck::model::LoadOptions;
using npcheck::model::load_paths;

namespace {

namespace fs = std::filesystem;
using npcheck::testing::ScratchDir;

const char* const k_namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n";


std::string message_of(const std::vector<std::string>& paths, const LoadOptions& options = {}) {
  try {
    load_paths(paths, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_SUITE_BEGIN("model");

TEST_CASE("input_reader::special_files") {
  SUBCASE("a character device is refused before it is read") {
    CHECK_EQ(message_of({"/dev/zero"}), "/dev/zero: cannot read a character device (npcheck reads "
                                        "regular files, directories, pipes and standard input)");
  }
  SUBCASE("the null device is an empty file") {
    Inventory inv = load_paths({"/dev/null"});
    CHECK(inv.ok());
    CHECK_EQ(inv.files, 1);
    CHECK_EQ(inv.documents, 0);
  }
  SUBCASE("a file that cannot be read names itself") {
    CHECK_EQ(message_of({"/proc/self/mem"}), "/proc/self/mem: cannot read file: input/output error");
  }
  SUBCASE("a /proc file reports size 0 and is still read") {
    LoadOptions options;
    options.limits.max_file_bytes = 10;
    CHECK_EQ(message_of({"/proc/self/status"}, options),
             "/proc/self/status: file is larger than 10 bytes (raise the limit with --max-file-size)");
  }
  SUBCASE("a missing file") {
    CHECK_EQ(message_of({"/nonexistent/x.yaml"}), "/nonexistent/x.yaml: no such file or directory");
  }
}

TEST_CASE("input_reader::pipes") {
  SUBCASE("an endless pipe stops at --max-file-size") {
    // yes(1) writes forever; it ends on SIGPIPE once the pipe is closed.
    FILE* yes = popen("exec yes 'a: b'", "r");
    REQUIRE(yes != nullptr);
    LoadOptions options;
    options.limits.max_file_bytes = 100000;
    const std::string path = "/proc/self/fd/" + std::to_string(fileno(yes));
    CHECK_EQ(message_of({path}, options),
             path + ": file is larger than 100000 bytes (raise the limit with --max-file-size)");
    pclose(yes);
  }
  SUBCASE("a named pipe without a writer is not waited for forever") {
    ScratchDir dir;
    const std::string fifo = dir.path("fifo.yaml");
    REQUIRE_EQ(mkfifo(fifo.c_str(), 0600), 0);
    LoadOptions options;
    options.limits.fifo_writer_wait = std::chrono::milliseconds(100);
    CHECK_EQ(message_of({fifo}, options),
             fifo + ": named pipe: no process opened it for writing within 0.1 seconds");
    // The helper that waited was released: the FIFO has no reader left.
    CHECK_EQ(::open(fifo.c_str(), O_WRONLY | O_NONBLOCK), -1);
  }
  SUBCASE("a named pipe whose writer comes late and writes slowly") {
    ScratchDir dir;
    const std::string fifo = dir.path("fifo.yaml");
    REQUIRE_EQ(mkfifo(fifo.c_str(), 0600), 0);
    std::thread writer([&fifo] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      int fd = ::open(fifo.c_str(), O_WRONLY);
      std::this_thread::sleep_for(std::chrono::milliseconds(300)); // longer than the wait
      std::string text = k_namespace;
      CHECK_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
      ::close(fd);
    });
    LoadOptions options;
    options.limits.fifo_writer_wait = std::chrono::milliseconds(200);
    Inventory inv = load_paths({fifo}, options);
    writer.join();
    CHECK(inv.ok());
    CHECK_EQ(inv.namespaces.size(), 1);
  }
}

TEST_CASE("input_reader::input_budget") {
  ScratchDir dir;
  const std::string a = dir.write("a.yaml", k_namespace);
  const std::string b = dir.write("b.yaml", k_namespace);
  const auto size = std::string(k_namespace).size();
  LoadOptions options;
  SUBCASE("all inputs of one load together") {
    options.limits.max_input_bytes = 2 * size - 1;
    CHECK_EQ(message_of({a, b}, options),
             b + ": the inputs are larger than " + std::to_string(2 * size - 1) +
                 " bytes together (raise the limit with --max-input-size)");
    options.limits.max_input_bytes = 2 * size;
    CHECK_EQ(message_of({a, b}, options), "");
  }
  SUBCASE("one budget shared by several loads and the expectations") {
    InputBudget budget(size + 10);
    options.budget = &budget;
    CHECK_EQ(message_of({a}, options), "");
    CHECK_EQ(budget.used(), size);
    CHECK_THROWS_WITH_AS(npcheck::model::load_expectations(b, options.limits, &budget),
                         (b + ": the inputs are larger than " + std::to_string(size + 10) +
                          " bytes together (raise the limit with --max-input-size)")
                             .c_str(),
                         Error);
  }
  SUBCASE("the expectations file is bounded like a manifest") {
    CHECK_THROWS_WITH_AS(npcheck::model::load_expectations("/dev/zero"),
                         "/dev/zero: cannot read a character device (npcheck reads regular files, "
                         "directories, pipes and standard input)",
                         Error);
  }
}

TEST_CASE("input_reader::arguments") {
  SUBCASE("standard input given twice") {
    CHECK_EQ(message_of({"-", "-"}), "'-' (standard input) is given more than once; it can be read only once");
  }
  SUBCASE("the default namespace must be a namespace name") {
    LoadOptions options;
    for (const char* bad : {"", "Bad_NS", "a/b", "=cmd|x"}) {
      CAPTURE(bad);
      options.default_namespace = bad;
      std::string message = message_of({"/dev/null"}, options);
      CHECK_EQ(message.rfind("-n/--default-namespace: invalid namespace '" + std::string(bad) + "': ", 0), 0);
      CHECK_THROWS_AS(npcheck::model::load_string("", "x.yaml", options), Error);
    }
    options.default_namespace = "kube-system";
    CHECK_EQ(message_of({"/dev/null"}, options), "");
  }
}
