# Sanitizer and fuzzing builds, each in its own build tree so the normal
# build is unchanged (both options default off):
#   SEALSHOT_SANITIZE=address,undefined  scripts/test-sanitizers (ASan+UBSan, any compiler)
#   SEALSHOT_SANITIZE=thread             scripts/test-sanitizers (TSan, the server's tests)
#   SEALSHOT_FUZZ=ON                     scripts/fuzz: clang, ASan+UBSan, libFuzzer
#                                        targets in tests/fuzz (docs/reliability.md)
# Included before any target is declared: the flags apply to every target,
# our libraries included, so a fault is caught where it happens.
set(SEALSHOT_SANITIZE "" CACHE STRING "Sanitizers for every target (e.g. address,undefined or thread)")
option(SEALSHOT_FUZZ "Build the libFuzzer targets of tests/fuzz (clang; implies ASan+UBSan)" OFF)

if(SEALSHOT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SEALSHOT_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
  endif()
  if(SEALSHOT_SANITIZE STREQUAL "")
    set(SEALSHOT_SANITIZE "address,undefined")
  endif()
  # Coverage instrumentation for the libraries; the fuzz executables add
  # -fsanitize=fuzzer (libFuzzer's main) themselves (tests/fuzz).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(NOT SEALSHOT_SANITIZE STREQUAL "")
  # Stop at the first finding: UBSan otherwise prints and carries on, and a
  # test (or the fuzzer) would pass over undefined behaviour. Reports need
  # file:line in their stacks, not variables: line tables only, which compile
  # and link faster than full -g (given last, so they win over the build type's).
  add_compile_options(-fsanitize=${SEALSHOT_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer
                      $<IF:$<CXX_COMPILER_ID:Clang>,-gline-tables-only,-g1>)
  add_link_options(-fsanitize=${SEALSHOT_SANITIZE} -fno-sanitize-recover=all)
endif()
