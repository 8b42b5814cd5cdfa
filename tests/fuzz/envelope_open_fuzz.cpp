// Opening an envelope with a fixed secret key (the first key of
// tests/vectors/envelope_v1.json, so the committed seeds open): header,
// sealed content key, every chunk's authentication and tags. The expected
// project is the header's own, so the fuzzer gets past that check.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "envelope.h"
#include "keys.h"

namespace {
const sealshot::SecretKey& fixed_key() {
  static const sealshot::SecretKey key = [] {
    if (!sealshot::crypto_init().ok()) std::abort();
    auto parsed = sealshot::secret_key_from_text("BLCUIG0kNrqdLs9nOBauf34ThCz2TJE7tpcsRu-DFKc");
    if (!parsed.ok()) std::abort();
    return parsed.value();
  }();
  return key;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sealshot;
  if (size > 256 * 1024) return -1;
  const std::span<const std::uint8_t> envelope(data, size);
  auto header = envelope_parse_header(envelope);
  const std::string project = header.ok() ? header.value().project_id : "demo";
  auto opened = envelope_open(envelope, fixed_key(), project);
  if (opened.ok() && header.ok() && opened.value().size() != header.value().payload_size) std::abort();
  if (opened.ok() && !header.ok()) std::abort();
  return 0;
}
