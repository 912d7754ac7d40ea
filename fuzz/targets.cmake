# The fuzz targets' entry functions (fuzz_load, fuzz_parsers, fuzz_engine,
# fuzz_scalar) as
# a plain library: linked into the libFuzzer executables (fuzz/CMakeLists.txt,
# NPCHECK_FUZZ=ON) and into npcheck_tests, which replays fuzz/regressions/ and
# the seed corpora with any compiler. Included from both places, defined once.
include_guard(GLOBAL)

add_library(npcheck_fuzz_targets STATIC
  ${CMAKE_CURRENT_LIST_DIR}/check.cpp
  ${CMAKE_CURRENT_LIST_DIR}/differential.cpp
  ${CMAKE_CURRENT_LIST_DIR}/invariants.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reference_syntax.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fuzz_load.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fuzz_parsers.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fuzz_engine.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fuzz_scalar.cpp)
target_include_directories(npcheck_fuzz_targets
  PUBLIC ${CMAKE_CURRENT_LIST_DIR}
  # tests/support (the naive evaluator), and the private headers of the layers
  # whose internals are fuzzed on their own (label syntax, endpoint arguments).
  PRIVATE ${PROJECT_SOURCE_DIR}/tests ${PROJECT_SOURCE_DIR}/model ${PROJECT_SOURCE_DIR}/cli)
target_link_libraries(npcheck_fuzz_targets PUBLIC npcheck::cli PRIVATE npcheck_warnings)
