# The Debian package's /usr/share/doc/sealshot/copyright (machine-readable
# format 1.0): our own files, and every third-party part compiled or bundled
# into what the package installs (packaging/debian/copyright.in names them
# and their copyright holders). The licence texts are read at configure time
# from the Debian -dev packages' copyright files and libsodium's fetched
# source, not retyped. What is linked dynamically (OpenSSL,
# libsodium, SQLite, spdlog, curl) is a package dependency with its own
# copyright file and is not repeated here.
# Included by cmake/packaging.cmake; writes ${generated}/copyright.

# A licence file as a DEP-5 text block: every line indented by one space,
# blank lines as " .".
function(sealshot_dep5_text file out_var)
  file(READ "${file}" text)
  string(REGEX REPLACE "\r" "" text "${text}")
  # A licence inside a C comment (libsodium's): drop the comment's frame.
  string(REGEX REPLACE "^/\\*[ \t]*\n" "" text "${text}")
  string(REGEX REPLACE "\n[ \t]*\\*/[ \t\n]*$" "" text "${text}")
  string(REGEX REPLACE "(^|\n) \\*( |$)" "\\1" text "${text}")
  string(REGEX REPLACE "(^|\n) \\*\n" "\\1\n" text "${text}")
  string(REGEX REPLACE "\n+$" "" text "${text}")
  string(REGEX REPLACE "\n[ \t]*\n" "\n.\n" text "${text}")
  string(REGEX REPLACE "\n[ \t]*\n" "\n.\n" text "${text}")  # runs of blank lines
  string(REPLACE "\n" "\n " text "${text}")
  set(${out_var} " ${text}" PARENT_SCOPE)
endfunction()

# The text (already indented) of the "License: NAME" paragraph of a DEP-5
# file: a paragraph of its own if there is one (the same line inside a Files
# paragraph may carry a note about one file only, as in libstb-dev's), else
# the first that has text under it (fonts-dejavu-core has it only there).
function(sealshot_dep5_license_paragraph file name out_var)
  file(READ "${file}" text)
  string(REPLACE "\r" "" text "${text}")
  string(REGEX MATCH "\n\nLicense: ${name}\n(( [^\n]*\n?)+)" paragraph "\n${text}")
  if(NOT paragraph)
    string(REGEX MATCH "\nLicense: ${name}\n(( [^\n]*\n?)+)" paragraph "\n${text}")
  endif()
  if(NOT paragraph)
    message(FATAL_ERROR "${file} has no paragraph for the licence ${name}")
  endif()
  string(REGEX REPLACE "\n+$" "" body "${CMAKE_MATCH_1}")
  set(${out_var} "${body}" PARENT_SCOPE)
endfunction()

set(copyright_missing "")
macro(sealshot_require_license_source file)
  if(NOT EXISTS "${file}")
    list(APPEND copyright_missing "${file}")
  endif()
endmacro()

set(license_sources "${SEALSHOT_DEPS_DIR}/libsodium/LICENSE" /usr/share/doc/libcli11-dev/copyright /usr/share/doc/nlohmann-json3-dev/copyright
  /usr/share/doc/libstb-dev/copyright /usr/share/doc/fonts-dejavu-core/copyright)
foreach(file IN LISTS license_sources)
  sealshot_require_license_source("${file}")
endforeach()

if(copyright_missing)
  # The package test fails on the missing copyright file; the build itself
  # does not need it (fuzz and sanitizer trees configure this file too).
  message(WARNING "No package copyright file: missing ${copyright_missing} (run scripts/setup).")
  return()
endif()

sealshot_dep5_text("${SEALSHOT_DEPS_DIR}/libsodium/LICENSE" isc_text)
sealshot_dep5_license_paragraph(/usr/share/doc/libcli11-dev/copyright BSD-3-clause cli11_text)
sealshot_dep5_license_paragraph(/usr/share/doc/nlohmann-json3-dev/copyright Expat expat_text)
sealshot_dep5_license_paragraph(/usr/share/doc/libstb-dev/copyright public-domain stb_public_domain_text)
sealshot_dep5_license_paragraph(/usr/share/doc/fonts-dejavu-core/copyright bitstream-vera vera_text)

configure_file("${CMAKE_SOURCE_DIR}/packaging/debian/copyright.in" "${generated}/copyright" @ONLY)
install(FILES "${generated}/copyright" DESTINATION "${CMAKE_INSTALL_DOCDIR}" COMPONENT sealshot)
