// Times the sign-in key derivation (derive_account_keys: Argon2id + two
// crypto_kdf subkeys) natively for the client's minimum, default and a few
// candidate parameter sets; the wasm twin is tests/wasm/account.test.mjs.
// Usage: kdf_bench [runs]   (default 3; prints the median and the fastest run)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "account_keys.h"

using namespace sealshot;

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  const KdfParams candidates[] = {kKdfMinParams,  {3, 96 * kMiB},  {3, 128 * kMiB},
                                  {4, 96 * kMiB}, {3, 192 * kMiB}, {3, 256 * kMiB}};
  auto salt = account_salt_generate();
  if (!salt.ok()) return 1;
  std::printf("%-8s %-10s %10s %10s\n", "passes", "memory", "median ms", "min ms");
  for (const KdfParams& p : candidates) {
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
      const auto start = std::chrono::steady_clock::now();
      auto keys = derive_account_keys("correct horse battery staple", salt.value(), p);
      const auto end = std::chrono::steady_clock::now();
      if (!keys.ok()) {
        std::fprintf(stderr, "%s\n", keys.message().c_str());
        return 1;
      }
      ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf(
        "%-8llu %-10s %10.0f %10.0f%s\n", static_cast<unsigned long long>(p.opslimit),
        (std::to_string(p.memlimit / kMiB) + " MiB").c_str(), ms[ms.size() / 2], ms.front(),
        p.opslimit == kKdfDefaultParams.opslimit && p.memlimit == kKdfDefaultParams.memlimit ? "  (default)" : "");
  }
  return 0;
}
