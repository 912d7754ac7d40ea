# Shared compiler settings as INTERFACE targets (linked PRIVATE, never installed).
add_library(npcheck_warnings INTERFACE)
target_compile_options(npcheck_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wnon-virtual-dtor
  -Woverloaded-virtual -Wimplicit-fallthrough)
if(NPCHECK_WARNINGS_AS_ERRORS)
  target_compile_options(npcheck_warnings INTERFACE -Werror)
endif()
target_compile_definitions(npcheck_warnings INTERFACE $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)

if(NPCHECK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
