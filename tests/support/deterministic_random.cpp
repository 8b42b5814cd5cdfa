#include "deterministic_random.h"

#include <sodium.h>

#include <cstring>

namespace sealshot::test {
namespace {

constexpr const char* kName = "sealshot-test-deterministic";

RandomSeed g_seed{};
std::uint64_t g_counter = 0;

const char* name() { return kName; }

void buf(void* const out, const size_t size) {
  unsigned char counter[8];
  for (int i = 0; i < 8; ++i) counter[i] = static_cast<unsigned char>(g_counter >> (8 * i));
  ++g_counter;
  unsigned char call_seed[randombytes_SEEDBYTES];
  crypto_generichash(call_seed, sizeof call_seed, counter, sizeof counter, g_seed.data(), g_seed.size());
  randombytes_buf_deterministic(out, size, call_seed);
}

uint32_t random_u32() {
  uint32_t v;
  buf(&v, sizeof v);
  return v;
}

void stir() {}

int close_impl() { return 0; }

// uniform == nullptr: libsodium then derives randombytes_uniform() from random().
randombytes_implementation g_impl = {name, random_u32, stir, nullptr, buf, close_impl};

}  // namespace

bool install_deterministic_random() { return randombytes_set_implementation(&g_impl) == 0; }

void reset_deterministic_random(const RandomSeed& seed) {
  g_seed = seed;
  g_counter = 0;
}

bool deterministic_random_active() {
  const char* current = randombytes_implementation_name();
  return current != nullptr && std::strcmp(current, kName) == 0;
}

}  // namespace sealshot::test
