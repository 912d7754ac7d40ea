# Shared compiler settings as INTERFACE targets (linked PRIVATE, never installed).
add_library(npcheck_warnings INTERFACE)
target_compile_options(npcheck_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wnon-virtual-dtor
  -Woverloaded-virtual -Wimplicit-fallthrough)
# GCC 12 reports a false -Wstringop-overflow inside Boost.ICL's red-black tree
# code when it is inlined at -O2 (the warning comes from the middle end, so
# Boost being a system header does not silence it).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(npcheck_warnings INTERFACE -Wno-stringop-overflow)
endif()
if(NPCHECK_WARNINGS_AS_ERRORS)
  target_compile_options(npcheck_warnings INTERFACE -Werror)
endif()
target_compile_definitions(npcheck_warnings INTERFACE $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)

if(NPCHECK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

# Fuzzing (fuzz/README.md): every library is instrumented for libFuzzer's
# coverage and sanitized; fuzz/ links the fuzzers with -fsanitize=fuzzer.
# Assertions stay on whatever the build type, so that broken invariants
# become findings.
if(NPCHECK_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "NPCHECK_FUZZ needs Clang and libFuzzer: configure with "
                        "CC=clang CXX=clang++ cmake -S . -B build-fuzz -DNPCHECK_FUZZ=ON")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -UNDEBUG)
  add_compile_definitions(_GLIBCXX_ASSERTIONS)
  add_link_options(-fsanitize=address,undefined)
endif()
