// main() for envelope_test: installs a deterministic randombytes before
// gtest (or anything else) can call sodium_init(), so the envelope test
// vectors can be re-sealed byte for byte. libsodium only honours
// randombytes_set_implementation() when it runs before the first
// sodium_init(); gtest_main's main() gives no such hook, hence this file.
// See tests/support/deterministic_random.h for how the bytes are derived.
#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdio>

#include "support/deterministic_random.h"

int main(int argc, char** argv) {
  if (!sealshot::test::install_deterministic_random()) {
    std::fprintf(stderr, "could not install the deterministic randombytes implementation\n");
    return 2;
  }
  if (sodium_init() < 0) {
    std::fprintf(stderr, "sodium_init failed\n");
    return 2;
  }
  sealshot::test::reset_deterministic_random({});
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
