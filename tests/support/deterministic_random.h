// A deterministic replacement for libsodium's randombytes, for tests only.
//
// Envelopes are randomised (a fresh content key, an ephemeral X25519 key in
// crypto_box_seal, a secretstream nonce), so byte-exact test vectors need
// the random bytes to be reproducible. libsodium lets a program install its
// own randombytes implementation, but only before sodium_init() first runs
// (sodium_init() picks and stirs the implementation), so the test binary that
// uses it has its own main() (tests/test_main_deterministic.cpp).
//
// Every randombytes_buf() call gets its own stream: call i with seed S yields
// randombytes_buf_deterministic(n, BLAKE2b-256(key = S, message = u64le(i))).
// The byte sequence therefore depends on the order and the sizes of the calls
// envelope_seal makes: a refactor that reorders them changes the envelopes
// (they still open; only the byte-exact re-seal check notices).
#pragma once

#include <array>
#include <cstdint>

namespace sealshot::test {

using RandomSeed = std::array<std::uint8_t, 32>;

// Installs the implementation; must run before anything calls sodium_init().
// Returns false when libsodium refuses it.
bool install_deterministic_random();

// Restarts the stream from `seed` (call counter back to 0).
void reset_deterministic_random(const RandomSeed& seed);

// True when libsodium is currently using the deterministic implementation.
bool deterministic_random_active();

}  // namespace sealshot::test
