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
# GCC 12 at -O3 (the release preset) reports a false -Wrestrict, a memcpy of
# 2^63 bytes that "may overlap", wherever `"text" + std::string&&` is inlined:
# libstdc++ implements it as insert(0, ...), and the middle end cannot prove
# the bounds (GCC bug 105651). The expression is ordinary C++ used throughout
# the code base, so the warning is turned off for GCC 12 (Debian 12's) rather
# than worked around at each concatenation; later GCCs keep it.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(npcheck_warnings INTERFACE -Wno-restrict)
endif()
if(NPCHECK_WARNINGS_AS_ERRORS)
  target_compile_options(npcheck_warnings INTERFACE -Werror)
endif()
target_compile_definitions(npcheck_warnings INTERFACE $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)

# The instrumented binaries are linked as position-dependent executables
# (-no-pie; Debian's GCC makes PIE by default): a sanitized npcheck is 200 MB
# and, as PIE, spent 0.47 s of every start in the dynamic loader's relocations
# and the page faults they cause, 0.2 s without. The suite starts npcheck or
# the test binary about 700 times, so that is over a minute of CI. The
# sanitizers need no PIE; the shipped (unsanitized) binary keeps it.
if(NPCHECK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined -no-pie)
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
