// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reading an input's bytes with every size limit enforced while reading,
// whatever the input is (private to the model layer; shared by the manifest
// loader and the expectations reader).

#include <npcheck/model/load.hpp>

#include <iosfwd>
#include <memory>
#include <string>

namespace npcheck::model::detail {

// "file is larger than N bytes (raise the limit with --max-file-size)"
std::string too_large_message(std::size_t max_file_bytes);

// The whole content of the file at path, named name in errors. Refuses what
// is neither a regular file nor a pipe (directories are the caller's), waits
// at most limits.fifo_writer_wait for a named pipe's writer, and counts bytes
// as they are read against limits.max_file_bytes and budget. Throws Error.
std::string read_input_file(const std::string& path, const std::shared_ptr<const std::string>& name,
                            const LoadLimits& limits, InputBudget& budget);

// The whole of standard input, bounded in the same way.
std::string read_standard_input(const std::shared_ptr<const std::string>& name, const LoadLimits& limits,
                                InputBudget& budget);

// The whole of a stream that stands for standard input (LoadOptions::
// standard_input), bounded in the same way.
std::string read_stream(std::istream& in, const std::shared_ptr<const std::string>& name,
                        const LoadLimits& limits, InputBudget& budget);

} // namespace npcheck::model::detail
