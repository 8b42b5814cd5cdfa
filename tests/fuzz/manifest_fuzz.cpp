// The manifest JSON as the review console reads it (preview_from_prefix in
// wasm/console/model): its own reader of the payload's first part, then
// nlohmann::json and the comment's first line. The first input byte picks
// the mode: even, the rest is the manifest text (packed as manifest.json with
// a screenshot part after it); odd, the rest is the whole payload, framing
// included. Either way it is sealed to a fixed key in 1 KiB chunks and
// previewed from the whole envelope and from a cut prefix.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>
#include <vector>

#include "envelope.h"
#include "keys.h"
#include "payload.h"
#include "report_preview.h"

namespace {
const sealshot::KeyPair& fixed_keys() {
  static const sealshot::KeyPair keys = [] {
    if (!sealshot::crypto_init().ok()) std::abort();
    auto secret = sealshot::secret_key_from_text("BLCUIG0kNrqdLs9nOBauf34ThCz2TJE7tpcsRu-DFKc");
    if (!secret.ok()) std::abort();
    auto pub = sealshot::public_key_from_secret(secret.value());
    if (!pub.ok()) std::abort();
    return sealshot::KeyPair{pub.value(), secret.value()};
  }();
  return keys;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sealshot;
  if (size < 1 || size > 64 * 1024) return -1;
  const KeyPair& keys = fixed_keys();
  const std::span<const std::uint8_t> rest(data + 1, size - 1);
  std::vector<std::uint8_t> payload;
  if (data[0] % 2 == 0) {
    static const std::uint8_t screenshot[] = {0x89, 'P', 'N', 'G'};
    const PayloadPartView parts[] = {{kManifestPartName, "application/json", rest},
                                     {kScreenshotPartName, "image/png", screenshot}};
    auto packed = payload_pack(parts);
    if (!packed.ok()) std::abort();
    payload = std::move(packed).value();
  } else {
    payload.assign(rest.begin(), rest.end());
  }
  auto sealed = envelope_seal("demo", keys.public_key, payload, kEnvelopeMinChunkBytes);
  if (!sealed.ok()) return 0;
  const std::vector<std::uint8_t>& envelope = sealed.value();
  auto whole = console::preview_from_prefix(envelope, keys.secret_key, "demo");
  // A well-formed payload, whole, is never "go on reading".
  if (data[0] % 2 == 0 && whole.code() == ErrorCode::envelope_truncated) std::abort();
  auto cut = console::preview_from_prefix(std::span(envelope).first(envelope.size() / 2), keys.secret_key, "demo");
  if (cut.ok() && whole.ok() && cut.value().page_url != whole.value().page_url) std::abort();
  return 0;
}
