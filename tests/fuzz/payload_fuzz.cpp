// The decrypted payload's framing (payload_unpack). What it accepts must pack
// again and unpack to the same parts: a reader and the writer agree on the
// format.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "payload.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sealshot;
  if (size > 256 * 1024) return -1;
  auto parts = payload_unpack(std::span<const std::uint8_t>(data, size));
  if (!parts.ok()) return 0;
  std::vector<PayloadPartView> views;
  for (const PayloadPart& part : parts.value()) views.push_back({part.name, part.content_type, part.data});
  auto packed = payload_pack(views);
  if (!packed.ok()) std::abort();
  auto again = payload_unpack(packed.value());
  if (!again.ok() || again.value().size() != parts.value().size()) std::abort();
  for (std::size_t i = 0; i < again.value().size(); ++i) {
    const PayloadPart& a = parts.value()[i];
    const PayloadPart& b = again.value()[i];
    if (a.name != b.name || a.content_type != b.content_type || a.data != b.data) std::abort();
  }
  return 0;
}
