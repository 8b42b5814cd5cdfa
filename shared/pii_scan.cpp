// Runs every PII detector over the text and keeps one hit per stretch of text.
// Overlaps are settled by kind before length: a card number that also parses
// as a phone number is a card, and "user@10.0.0.1"-like mixtures keep the more
// specific reading. See docs/pii-detectors.md.
#include "pii_scan.h"

#include <algorithm>
#include <new>
#include <string>

#include "pii/detectors.h"

namespace sealshot {

const char* pii_kind_name(PiiKind kind) noexcept {
  switch (kind) {
    case PiiKind::email:
      return "email";
    case PiiKind::phone:
      return "phone";
    case PiiKind::card:
      return "card";
    case PiiKind::iban:
      return "iban";
    case PiiKind::ssn:
      return "ssn";
    case PiiKind::ipv4:
      return "ipv4";
    case PiiKind::ipv6:
      return "ipv6";
    case PiiKind::secret:
      return "secret";
  }
  return "unknown";
}

namespace {

// Lower wins. Checksummed or prefixed kinds (secret, card, iban) are the least
// likely to be accidental, phone numbers the most.
int rank(PiiKind kind) noexcept {
  switch (kind) {
    case PiiKind::secret:
    case PiiKind::card:
    case PiiKind::iban:
      return 0;
    case PiiKind::ssn:
      return 1;
    case PiiKind::email:
      return 2;
    case PiiKind::ipv6:
      return 3;
    case PiiKind::ipv4:
      return 4;
    case PiiKind::phone:
      return 5;
  }
  return 6;
}

// Greedy by (rank, longer first, earlier first), claiming code units in a
// bitmap. Each detector's own hits are disjoint, so the claim checks touch
// every code unit a bounded number of times.
std::vector<PiiHit> resolve(std::vector<PiiHit> candidates, std::size_t text_size) {
  std::sort(candidates.begin(), candidates.end(), [](const PiiHit& a, const PiiHit& b) {
    const int ra = rank(a.kind), rb = rank(b.kind);
    if (ra != rb) return ra < rb;
    const std::uint32_t la = a.end - a.start, lb = b.end - b.start;
    if (la != lb) return la > lb;
    return a.start < b.start;
  });
  std::vector<bool> taken(text_size, false);
  std::vector<PiiHit> kept;
  for (const PiiHit& h : candidates) {
    if (h.start >= h.end || h.end > text_size) continue;  // defensive: never trust a detector blindly
    bool free = true;
    for (std::uint32_t k = h.start; k < h.end && free; ++k) free = !taken[k];
    if (!free) continue;
    for (std::uint32_t k = h.start; k < h.end; ++k) taken[k] = true;
    kept.push_back(h);
  }
  std::sort(kept.begin(), kept.end(), [](const PiiHit& a, const PiiHit& b) { return a.start < b.start; });
  return kept;
}

std::vector<PiiHit> scan_folded(std::u16string_view folded) {
  std::vector<PiiHit> candidates;
  pii::find_secrets(folded, candidates);
  pii::find_cards(folded, candidates);
  pii::find_ibans(folded, candidates);
  pii::find_ssns(folded, candidates);
  pii::find_emails(folded, candidates);
  pii::find_ipv6(folded, candidates);
  pii::find_ipv4(folded, candidates);
  pii::find_phones(folded, candidates);
  return resolve(std::move(candidates), folded.size());
}

}  // namespace

Result<std::vector<PiiHit>> pii_scan(std::u16string_view text) {
  if (text.size() > kMaxScanChars) {
    return Result<std::vector<PiiHit>>(ErrorCode::text_too_long, "text has " + std::to_string(text.size()) +
                                                                     " UTF-16 code units; the limit is " +
                                                                     std::to_string(kMaxScanChars));
  }
  if (text.data() == nullptr && !text.empty()) {
    return Result<std::vector<PiiHit>>(ErrorCode::invalid_argument, "null text with non-zero length");
  }
  if (text.empty()) return std::vector<PiiHit>{};
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
  try {
    const std::u16string folded = pii::fold_text(text);
    return scan_folded(folded);
  } catch (const std::bad_alloc&) {
    return Result<std::vector<PiiHit>>(ErrorCode::out_of_memory, "out of memory while scanning text");
  }
#else
  const std::u16string folded = pii::fold_text(text);
  return scan_folded(folded);
#endif
}

}  // namespace sealshot
