# The compiler warnings every target of ours builds with, set once: each target
# links sealshot_warnings PRIVATE (third-party targets in dependencies.cmake
# do not). The build is warning-clean with these; keep it so.
#   -Wno-restrict: GCC 12 false positive on std::string concatenation
#   (GCC PR 105329), hit by the server, the CLI, the console model and tests.
add_library(sealshot_warnings INTERFACE)
target_compile_options(sealshot_warnings INTERFACE -Wall -Wextra $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
