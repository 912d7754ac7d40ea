# Generates the files that are installed beside the binary (cmake -P, run by
# the npcheck_install_files target after each build of npcheck):
#   OUT/completions/npcheck, _npcheck, npcheck.fish  from `npcheck completion SHELL`
#   OUT/npcheck.1.gz                                 the man page, gzip -9n (no
#                                                    name or time in the header,
#                                                    so the package is reproducible)
# Variables: NPCHECK (the binary), MAN_PAGE (man/npcheck.1), OUT (a directory).
file(MAKE_DIRECTORY ${OUT}/completions)
foreach(shell_file IN ITEMS "bash:npcheck" "zsh:_npcheck" "fish:npcheck.fish")
  string(REPLACE ":" ";" pair ${shell_file})
  list(GET pair 0 shell)
  list(GET pair 1 name)
  execute_process(COMMAND ${NPCHECK} completion ${shell}
    OUTPUT_FILE ${OUT}/completions/${name}
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "npcheck completion ${shell} failed (${rc})")
  endif()
endforeach()
execute_process(COMMAND gzip -9 -n -c ${MAN_PAGE}
  OUTPUT_FILE ${OUT}/npcheck.1.gz
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip of ${MAN_PAGE} failed (${rc})")
endif()
