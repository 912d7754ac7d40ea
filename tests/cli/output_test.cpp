// SPDX-License-Identifier: Apache-2.0
//
// cli/output.hpp: the escaping stream every report passes through, and the
// atomic --output-file.
#include "output.hpp"

#include <npcheck/model/error.hpp>

#include "support/scratch_dir.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

using npcheck::testing::read_file;

namespace fs = std::filesystem;
using TempDir = npcheck::testing::ScratchDir;

std::string escaped(const std::string& text, std::size_t chunk) {
  std::ostringstream sink;
  {
    npcheck::cli::EscapingStreamBuffer buffer(*sink.rdbuf());
    std::ostream out(&buffer);
    for (std::size_t i = 0; i < text.size(); i += chunk) {
      out << text.substr(i, chunk) << std::flush; // flushes cut UTF-8 sequences
    }
    CHECK(buffer.finish());
  }
  return sink.str();
}


} // namespace

TEST_CASE("EscapingStreamBuffer: layout and UTF-8 pass, controls and bad bytes are escaped") {
  const std::string text = "a\tb\nc\x1b[31m\r\x7f caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\x9b"
                           " \xff \xc3( \xed\xa0\x80 end\xe2\x82";
  const std::string want = "a\tb\nc\\x1b[31m\\r\\x7f caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
                           "\\xc2\\x9b \\xff \\xc3( \\xed\\xa0\\x80 end\\xe2\\x82";
  // Whatever the cuts between flushes, the same bytes come out.
  for (std::size_t chunk : {text.size(), std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
    CAPTURE(chunk);
    CHECK(escaped(text, chunk) == want);
  }
}

TEST_CASE("EscapingStreamBuffer: more than its buffer holds") {
  std::string text;
  for (int i = 0; i < 30000; ++i) {
    text += "\xe2\x82\xac\x01";
  }
  const std::string out = escaped(text, text.size());
  CHECK(out.size() == 30000 * (3 + 4));
  CHECK(out.substr(0, 14) == "\xe2\x82\xac\\x01\xe2\x82\xac\\x01");
}

TEST_CASE("EscapingStreamBuffer: finish() reports a destination that failed") {
  std::ofstream closed; // never opened: every write fails
  npcheck::cli::EscapingStreamBuffer buffer(*closed.rdbuf());
  std::ostream out(&buffer);
  out << "report\n";
  CHECK_FALSE(buffer.finish());
}

TEST_CASE("OutputFile: the target appears whole at commit(), not before") {
  TempDir dir;
  const fs::path target = dir.root() / "report";
  {
    npcheck::cli::OutputFile file(target.string());
    CHECK_FALSE(file.written());
    file.stream() << "whole report\n";
    CHECK(file.written());
    CHECK_FALSE(fs::exists(target));
    file.commit();
  }
  CHECK(read_file(target) == "whole report\n");
  CHECK(dir.entries().size() == 1);
}

TEST_CASE("OutputFile: without commit() the target stays as it was and nothing is left") {
  TempDir dir;
  const fs::path target = dir.root() / "report";
  std::ofstream(target) << "old\n";
  {
    npcheck::cli::OutputFile file(target.string());
    file.stream() << "half a rep";
    CHECK(dir.entries().size() == 2); // the target and the temporary file beside it
  }
  CHECK(read_file(target) == "old\n");
  CHECK(dir.entries().size() == 1);
}

TEST_CASE("OutputFile: a stream target is written in place, never replaced") {
  // /dev/null is a device (and in /dev): renaming onto it would replace it.
  {
    npcheck::cli::OutputFile file("/dev/null");
    file.stream() << "discarded\n";
    file.commit();
  }
  CHECK(fs::is_character_file("/dev/null"));
}

TEST_CASE("OutputFile: an unwritable place is a model::Error naming --output-file") {
  TempDir dir;
  try {
    npcheck::cli::OutputFile file((dir.root() / "missing" / "report").string());
    FAIL("no error");
  } catch (const npcheck::model::Error& e) {
    CHECK(std::string(e.what()).find("--output-file") != std::string::npos);
  }
}
