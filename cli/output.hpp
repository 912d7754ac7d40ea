// SPDX-License-Identifier: Apache-2.0
#pragma once

// Where a command's report goes (private to the cli layer). Every report
// passes through an escaping stream, so that no format carries a control
// character or a byte that is not UTF-8 from the input; the stream is checked
// for write errors at the end; and with --output-file the report is written
// to a temporary file beside the target, renamed onto it only when complete.

#include <iosfwd>
#include <memory>
#include <streambuf>
#include <string>

namespace npcheck::cli {

// A stream buffer that escapes, on its way to destination, control
// characters other than tab and newline, C1 controls and bytes that are not
// UTF-8, as \xNN (model::append_escaped). JSON and XML reports stay well
// formed: their own syntax never needs such bytes.
class EscapingStreamBuffer : public std::streambuf {
public:
  explicit EscapingStreamBuffer(std::streambuf& destination);
  ~EscapingStreamBuffer() override;
  EscapingStreamBuffer(const EscapingStreamBuffer&) = delete;
  EscapingStreamBuffer& operator=(const EscapingStreamBuffer&) = delete;

  // Writes out what is held, an incomplete UTF-8 sequence at the end
  // escaped; false when the destination failed.
  bool finish();

protected:
  int_type overflow(int_type c) override;
  int sync() override;

private:
  bool drain(bool at_end);

  std::streambuf& m_destination;
  std::string m_buffer;  // put area
  std::string m_carry;   // the start of a UTF-8 sequence cut by a flush
  std::string m_escaped; // scratch
  bool m_failed = false;
};

// The target of --output-file, written atomically: a temporary file in the
// target's directory, created exclusively, that commit() flushes, syncs and
// renames onto the target. A symlink at the target is replaced, never
// followed; without commit() the temporary file is removed and the target
// left as it was. A target that is a stream (a device, a pipe, anything in
// /dev or /proc such as /dev/stdout) is written to directly instead.
class OutputFile {
public:
  // Throws model::Error naming --output-file when the file cannot be created.
  explicit OutputFile(std::string path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream();
  // Whether anything was written to stream().
  bool written() const;
  // Throws model::Error naming --output-file when writing or renaming failed.
  void commit();

private:
  class FileBuffer;

  std::string m_path;
  std::string m_temporary;
  int m_fd = -1;
  std::unique_ptr<FileBuffer> m_buffer;
  std::unique_ptr<std::ostream> m_stream;
  bool m_direct = false; // a stream, written in place
  bool m_committed = false;
};

} // namespace npcheck::cli
