// The scanner (pii_scan): every detector plus the arbitration between them.
// Checks the contract of shared/pii_scan.h: hits inside the text, sorted by
// start, non-overlapping, of a known kind.
#include <cstdint>
#include <cstdlib>

#include "fuzz_text.h"
#include "pii_scan.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return -1;
  const std::u16string text = sealshot::fuzz::utf16_from_fuzz_bytes(data, size);
  auto hits = sealshot::pii_scan(text);
  if (!hits.ok()) std::abort();  // below kMaxScanChars every text scans
  std::uint32_t last_end = 0;
  for (const sealshot::PiiHit& hit : hits.value()) {
    if (hit.start >= hit.end || hit.end > text.size() || hit.start < last_end) std::abort();
    if (static_cast<int>(hit.kind) > static_cast<int>(sealshot::PiiKind::secret)) std::abort();
    last_end = hit.end;
  }
  return 0;
}
