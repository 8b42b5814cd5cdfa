# Third-party libraries as targets with one name on both builds:
#   sealshot::sodium, sealshot::deflate, sealshot::stb
# Natively they are Debian's -dev packages. For wasm, Debian's binaries are
# useless, so libsodium and libdeflate are compiled from the Debian source
# packages that scripts/fetch-sources extracted into SEALSHOT_DEPS_DIR.

# libphonenumber: only its metadata XML, turned into the phone detector's tables
# at build time (same for both builds).
include("${CMAKE_CURRENT_LIST_DIR}/phone_metadata.cmake")

# stb is header-only; point at its own folder, never at /usr/include (the
# Emscripten sysroot must not see the host's headers).
find_path(SEALSHOT_STB_DIR stb_image_write.h PATHS /usr/include/stb NO_CMAKE_FIND_ROOT_PATH REQUIRED)
add_library(sealshot_stb INTERFACE)
target_include_directories(sealshot_stb SYSTEM INTERFACE "${SEALSHOT_STB_DIR}")
add_library(sealshot::stb ALIAS sealshot_stb)

if(NOT EMSCRIPTEN)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
  pkg_check_modules(DEFLATE REQUIRED IMPORTED_TARGET libdeflate)
  add_library(sealshot::sodium ALIAS PkgConfig::SODIUM)
  add_library(sealshot::deflate ALIAS PkgConfig::DEFLATE)

  # cpp-httplib: cmake/httplib.cmake, included after the sanitizer flags are set.
  find_package(OpenSSL 3 REQUIRED)
  find_package(Threads REQUIRED)
  find_package(SQLite3 REQUIRED)
  return()
endif()

# WebAssembly SIMD for every wasm target from here down (the deps below,
# shared/, wasm/). clang then vectorises libdeflate's generic match-finder
# rebase (it has hand-written SSE2/NEON versions but none for wasm) and our
# row loops: the 1920x1080 encode went from about 34 to 22 ms under Node 20
# (docs/benchmarks.md). Needs Chrome/Edge 91+, Firefox 89+, Safari 16.4+,
# Node 16.4+; an older browser refuses to compile the module at all.
add_compile_options(-msimd128)

function(sealshot_require_source name path)
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "${name} sources not found at ${path}: run scripts/setup first.")
  endif()
endfunction()

# libsodium: straight from its .c files (no autotools); files for CPU features
# wasm lacks compile to nothing behind their HAVE_* guards.
set(SODIUM_SRC "${SEALSHOT_DEPS_DIR}/libsodium/src/libsodium")
sealshot_require_source(libsodium "${SODIUM_SRC}")
file(GLOB_RECURSE SODIUM_SOURCES CONFIGURE_DEPENDS "${SODIUM_SRC}/*.c")
set(VERSION "1.0.18")
set(SODIUM_LIBRARY_VERSION_MAJOR 10)
set(SODIUM_LIBRARY_VERSION_MINOR 3)
set(SODIUM_LIBRARY_MINIMAL_DEF "")
# version.h includes its neighbours by relative path, so the generated file
# must sit in a copy of the whole include tree.
set(SODIUM_INCLUDE "${CMAKE_BINARY_DIR}/generated/sodium-include")
file(COPY "${SODIUM_SRC}/include/" DESTINATION "${SODIUM_INCLUDE}")
configure_file("${SODIUM_SRC}/include/sodium/version.h.in" "${SODIUM_INCLUDE}/sodium/version.h" @ONLY)
add_library(sealshot_sodium STATIC ${SODIUM_SOURCES})
target_include_directories(sealshot_sodium PUBLIC "${SODIUM_INCLUDE}" PRIVATE "${SODIUM_INCLUDE}/sodium")
target_compile_definitions(sealshot_sodium PUBLIC SODIUM_STATIC PRIVATE CONFIGURED=1 HAVE_STDINT_H NATIVE_LITTLE_ENDIAN)
target_compile_options(sealshot_sodium PRIVATE -O3 -w)
add_library(sealshot::sodium ALIAS sealshot_sodium)

# libdeflate: only the zlib-format compressor is needed in the browser, plus
# crc32.c for the PNG chunk CRCs (stb's own CRC is a slow byte table).
set(DEFLATE_SRC "${SEALSHOT_DEPS_DIR}/libdeflate")
sealshot_require_source(libdeflate "${DEFLATE_SRC}")
add_library(sealshot_deflate STATIC
  "${DEFLATE_SRC}/lib/deflate_compress.c" "${DEFLATE_SRC}/lib/utils.c"
  "${DEFLATE_SRC}/lib/adler32.c" "${DEFLATE_SRC}/lib/zlib_compress.c"
  "${DEFLATE_SRC}/lib/crc32.c")
target_include_directories(sealshot_deflate PUBLIC "${DEFLATE_SRC}")
target_compile_options(sealshot_deflate PRIVATE -O3 -w)
add_library(sealshot::deflate ALIAS sealshot_deflate)
