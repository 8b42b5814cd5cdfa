# cpp-httplib (native only) as sealshot::httplib: the pinned Debian source
# package (bookworm's 0.11.4 lacks body limits and later CVE fixes), with
# OpenSSL and deliberately without zlib/brotli request decompression
# (decompression bombs).
#
# Compiled once, not header-only: the library's own split.py cuts httplib.h
# into a header of declarations and one source of definitions, written into
# the build tree at configure time. Included whole, every file that used it
# compiled all of cpp-httplib again: a test file took 31 s under ASan, 12 s
# with the split header (docs/reliability.md). Included after
# cmake/sanitizers.cmake so the library gets the same sanitizer flags as
# everything that calls it.
if(EMSCRIPTEN)
  return()
endif()

set(HTTPLIB_DIR "${SEALSHOT_DEPS_DIR}/cpp-httplib")
if(NOT EXISTS "${HTTPLIB_DIR}/httplib.h")
  message(FATAL_ERROR "cpp-httplib sources not found at ${HTTPLIB_DIR}: run scripts/setup first.")
endif()
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(HTTPLIB_SPLIT_DIR "${CMAKE_BINARY_DIR}/cpp-httplib")
# split.py rewrites its output only when httplib.h is newer; a changed
# httplib.h reconfigures the tree.
execute_process(
  COMMAND "${Python3_EXECUTABLE}" "${HTTPLIB_DIR}/split.py" --out "${HTTPLIB_SPLIT_DIR}"
  RESULT_VARIABLE split_result)
if(NOT split_result EQUAL 0 OR NOT EXISTS "${HTTPLIB_SPLIT_DIR}/httplib.cc")
  message(FATAL_ERROR "Splitting cpp-httplib (${HTTPLIB_DIR}/split.py) failed: ${split_result}")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${HTTPLIB_DIR}/httplib.h" "${HTTPLIB_DIR}/split.py")

add_library(sealshot_httplib STATIC "${HTTPLIB_SPLIT_DIR}/httplib.cc")
target_include_directories(sealshot_httplib SYSTEM PUBLIC "${HTTPLIB_SPLIT_DIR}")
# Every definition below changes what the compiled library does, so each is
# PUBLIC: the library and every file that includes httplib.h see the same.
#  - CPPHTTPLIB_USE_POLL: without it cpp-httplib waits on sockets with
#    select(), which cannot watch a descriptor numbered 1024 or above: with
#    that many connections open, a new request went unanswered (a 500 at best).
#  - the server's limits (read back by server/http/limits.h): at most 64
#    request headers of at most 8 KiB each (defaults 100 / 8 KiB); a request
#    line of at most 4 KiB (default 8 KiB: our URLs are short); a listen
#    backlog of 128 (the default 5 drops connections in any burst; the bounded
#    pools in server/http/task_queue.h decide what happens to them).
target_compile_definitions(sealshot_httplib PUBLIC
  CPPHTTPLIB_OPENSSL_SUPPORT
  CPPHTTPLIB_USE_POLL
  CPPHTTPLIB_HEADER_MAX_COUNT=64
  CPPHTTPLIB_HEADER_MAX_LENGTH=8192
  CPPHTTPLIB_REQUEST_URI_MAX_LENGTH=4096
  CPPHTTPLIB_LISTEN_BACKLOG=128)
target_link_libraries(sealshot_httplib PUBLIC OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
add_library(sealshot::httplib ALIAS sealshot_httplib)
