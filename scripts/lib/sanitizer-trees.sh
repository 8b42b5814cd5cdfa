# Sourced by scripts/fuzz and scripts/test-sanitizers: the two sanitizer build
# trees, configured the same way by both so neither reconfigures the other's.
#   build-fuzz/  clang, -O1, ASan+UBSan, libFuzzer coverage on every library:
#                the fuzz targets AND every GoogleTest suite, so the core and
#                the server are compiled with ASan once, not once per use.
#   build-tsan/  clang, -O1, TSan: the server's threaded suites.
# Both without benchmarks, with line tables only (cmake/sanitizers.cmake).
# Costs per step: docs/reliability.md.

configure_asan_tree() {  # root
  cmake -S "$1" -B "$1/build-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_FLAGS=-O1 -DCMAKE_CXX_FLAGS=-O1 \
    -DSEALSHOT_FUZZ=ON -DSEALSHOT_BUILD_TESTS=ON -DSEALSHOT_BUILD_BENCHMARKS=OFF >/dev/null
}

configure_tsan_tree() {  # root
  cmake -S "$1" -B "$1/build-tsan" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_FLAGS=-O1 -DCMAKE_CXX_FLAGS=-O1 \
    -DSEALSHOT_SANITIZE=thread -DSEALSHOT_BUILD_TESTS=ON -DSEALSHOT_BUILD_BENCHMARKS=OFF >/dev/null
}

# The GoogleTest suites of a configured tree (tests/CMakeLists.txt writes
# native-tests.txt, one "area name [threaded]" a line):
#   native_tests DIR all|core|server|threaded
native_tests() {
  local area name threaded
  while read -r area name threaded; do
    [[ -n $name ]] || continue
    case $2 in
      all) echo "$name" ;;
      threaded) [[ $threaded == threaded ]] && echo "$name" ;;
      *) [[ $2 == "$area" ]] && echo "$name" ;;
    esac
  done <"$1/native-tests.txt"
  return 0
}
