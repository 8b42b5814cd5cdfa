# The Node suites (node --test), registered with CTest beside the GoogleTest
# ones so `ctest` is the one entry: one CTest test per *.test.mjs file, named
# <label>.<folder>.<file>, e.g. node.cli.review, or <label>.<file> when the
# folder is named like the label (browser.widget, package.deb). The paths
# the suites read from SEALSHOT_* variables come from here, not from the
# shell: the programs from their targets, the widget and console from this
# build tree (scripts/build writes them to build/widget and build/console),
# the WebAssembly module from the Emscripten tree SEALSHOT_WASM_BUILD_DIR.
#
# Labels (scripts/test runs them in this order, one `ctest -L` each):
#   node     wasm, CLI, nginx proxy, widget unit, reproducible widget
#   package  the Debian package installed on the machine (root; RUN_SERIAL)
#   browser  headless Chromium against sealshot-server (RUN_SERIAL: one at a time)
#   corpus   the page corpus' CI subset (RUN_SERIAL)
# The GoogleTest suites carry native-core or native-server (tests/CMakeLists.txt).

# The wasm tree is a separate Emscripten build (scripts/build: build-wasm/
# beside build/); another layout passes its own.
cmake_path(GET CMAKE_BINARY_DIR PARENT_PATH _sealshot_build_parent)
set(SEALSHOT_WASM_BUILD_DIR "${_sealshot_build_parent}/build-wasm" CACHE PATH
    "The Emscripten build tree the Node and browser tests load the WebAssembly module from")

# What the Node suites run, as one target (`cmake --build build --target
# sealshot_node_test_programs` builds just what they need).
add_custom_target(sealshot_node_test_programs)
add_dependencies(sealshot_node_test_programs sealshot sealshot-server print_core_info print_account_secrets)

find_program(SEALSHOT_NODE node)
if(NOT SEALSHOT_NODE)
  message(STATUS "node not found: the Node, browser and corpus suites are not registered with CTest")
  return()
endif()

set(_sealshot_wasm_dir "${SEALSHOT_WASM_BUILD_DIR}/wasm")
# Every suite gets every path: each reads only the ones it needs.
set(SEALSHOT_NODE_TEST_ENV
    "SEALSHOT_WASM_DIR=${_sealshot_wasm_dir}"
    "SEALSHOT_ACCOUNT_DIR=${_sealshot_wasm_dir}/account"
    "SEALSHOT_WIDGET_DIR=${CMAKE_BINARY_DIR}/widget"
    "SEALSHOT_CONSOLE_DIR=${CMAKE_BINARY_DIR}/console"
    "SEALSHOT_BUILD_DIR=${CMAKE_BINARY_DIR}"
    "SEALSHOT_CORE_INFO=$<TARGET_FILE:print_core_info>"
    "SEALSHOT_ACCOUNT_SECRETS=$<TARGET_FILE:print_account_secrets>"
    "SEALSHOT_CLI=$<TARGET_FILE:sealshot>"
    "SEALSHOT_SERVER=$<TARGET_FILE:sealshot-server>")

# sealshot_add_node_tests(LABEL label DIR folder [PREFIX name] [TIMEOUT s] [SERIAL] [NEEDS file...])
# One CTest test per DIR/*.test.mjs (new files join at the next configure).
# NEEDS: files that must exist (REQUIRED_FILES: a missing build output is
# reported as "Not Run" and fails ctest instead of a confusing test error).
function(sealshot_add_node_tests)
  cmake_parse_arguments(ARG "SERIAL" "LABEL;DIR;PREFIX;TIMEOUT" "NEEDS" ${ARGN})
  if(NOT ARG_PREFIX)
    cmake_path(GET ARG_DIR FILENAME ARG_PREFIX)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  file(GLOB files CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/${ARG_DIR}/*.test.mjs")
  foreach(file IN LISTS files)
    cmake_path(GET file FILENAME name)
    string(REGEX REPLACE "\\.test\\.mjs$" "" name "${name}")
    set(test "${ARG_LABEL}.${ARG_PREFIX}.${name}")
    if(ARG_PREFIX STREQUAL ARG_LABEL)  # browser.widget, not browser.browser.widget
      set(test "${ARG_LABEL}.${name}")
    endif()
    add_test(NAME "${test}" COMMAND "${SEALSHOT_NODE}" --test --test-reporter=spec "${file}"
             WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}")
    set_tests_properties("${test}" PROPERTIES LABELS "${ARG_LABEL}" TIMEOUT ${ARG_TIMEOUT}
                         ENVIRONMENT "${SEALSHOT_NODE_TEST_ENV}" RUN_SERIAL ${ARG_SERIAL})
    if(ARG_NEEDS)
      set_tests_properties("${test}" PROPERTIES REQUIRED_FILES "${ARG_NEEDS}")
    endif()
  endforeach()
endfunction()

set(_sealshot_wasm_core "${_sealshot_wasm_dir}/sealshot-core.mjs")
set(_sealshot_widget "${CMAKE_BINARY_DIR}/widget/widget.js")
set(_sealshot_console "${CMAKE_BINARY_DIR}/console/index.html")
sealshot_add_node_tests(LABEL node DIR tests/wasm NEEDS "${_sealshot_wasm_core}")
sealshot_add_node_tests(LABEL node DIR tests/cli NEEDS "${_sealshot_wasm_core}")
sealshot_add_node_tests(LABEL node DIR tests/proxy)
sealshot_add_node_tests(LABEL node DIR widget-js/test PREFIX widget)
sealshot_add_node_tests(LABEL node DIR tests/reproducible NEEDS "${_sealshot_wasm_core}" "${_sealshot_widget}")
# cpack, dpkg -i and purge on this machine: nothing else may run meanwhile.
sealshot_add_node_tests(LABEL package DIR tests/package TIMEOUT 900 SERIAL)
sealshot_add_node_tests(LABEL browser DIR tests/browser TIMEOUT 900 SERIAL
  NEEDS "${_sealshot_wasm_core}" "${_sealshot_widget}" "${_sealshot_console}")
sealshot_add_node_tests(LABEL corpus DIR tests/corpus TIMEOUT 1800 SERIAL
  NEEDS "${_sealshot_wasm_core}" "${_sealshot_widget}")
