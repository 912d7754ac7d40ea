// SPDX-License-Identifier: Apache-2.0
#pragma once

// The fuzz targets as plain functions: libFuzzer calls them through the thin
// fuzz_*_main.cpp wrappers, and the test suite replays fuzz/regressions/ and
// the seed corpora through them (tests/fuzz/regressions_test.cpp). Each
// returns 0; a broken invariant calls fail() (check.hpp), which aborts under
// libFuzzer and throws in the test suite.

#include <cstddef>
#include <cstdint>

namespace npcheck::fuzz {

// Manifest bytes as one file (YAML, or JSON when the first significant byte
// is '{' or '['): loading must end in an Inventory or model::Error, every
// diagnostic must be well-formed, and an Inventory without errors must hold
// only what validation promises; the engine then runs on it.
int fuzz_load(const std::uint8_t* data, std::size_t size);

// The small parsers on their own; the first byte picks one, the rest is its
// text: IP addresses and CIDRs (round trips, first <= last, contains), label
// keys and values, names and port names (against a reference matcher), label
// selectors and NetworkPolicy ports through a tiny manifest, and endpoint
// arguments through cli::parse_endpoint on a fixed small inventory.
int fuzz_parsers(const std::uint8_t* data, std::size_t size);

// Differential: the bytes drive a small valid cluster built directly as model
// structs; the engine (Program::evaluate and ::allowed) must agree with
// the naive evaluator (tests/support/naive_evaluator.hpp) on every flow and at
// every port and address boundary, and Matrix::compute with both.
int fuzz_engine(const std::uint8_t* data, std::size_t size);

// The YAML scalar resolver (go-yaml v2's rules, model/yaml_scalar.hpp)
// against an independent regex-based transcription: plain and tagged
// scalars, mapping keys, and a port through a tiny NetworkPolicy.
int fuzz_scalar(const std::uint8_t* data, std::size_t size);

} // namespace npcheck::fuzz
