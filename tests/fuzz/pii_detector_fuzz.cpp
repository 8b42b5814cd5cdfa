// One PII detector (SEALSHOT_FUZZ_DETECTOR, set per target in CMakeLists.txt)
// on arbitrary text, the way pii_scan() calls it: on folded text. Checks the
// contract of shared/pii/detectors.h: candidates lie inside the text, are
// not empty and come in increasing start order.
#include <cstdint>
#include <cstdlib>

#include "fuzz_text.h"
#include "pii/detectors.h"
#include "pii/text_cursor.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return -1;  // linear-time detectors: longer inputs only slow the search
  const std::u16string text = sealshot::fuzz::utf16_from_fuzz_bytes(data, size);
  const std::u16string folded = sealshot::pii::fold_text(text);
  if (folded.size() != text.size()) std::abort();  // folding must keep every offset
  sealshot::pii::Hits hits;
  sealshot::pii::SEALSHOT_FUZZ_DETECTOR(folded, hits);
  std::uint32_t last_start = 0;
  for (const sealshot::PiiHit& hit : hits) {
    if (hit.start >= hit.end || hit.end > text.size() || hit.start < last_start) std::abort();
    last_start = hit.start;
  }
  return 0;
}
