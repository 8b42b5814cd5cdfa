// The phone detector measured on libphonenumber's own example numbers: for
// every region (245) its example mobile and fixed-line number (Tristan da
// Cunha publishes no mobile one; its fixed-line number stands in), written as
// libphonenumber writes them internationally, in E.164 and nationally. The rows are generated at build time from the
// same metadata the detector's tables come from (cmake/gen_phone_metadata.py); the national forms use the regions' own
// formatting patterns. Each form must be found as one phone hit covering exactly the number, in at least as many
// regions as docs/pii-detectors.md reports, so a change that loses numbers fails here.
#include <gtest/gtest.h>

#include <iostream>
#include <iterator>
#include <string>
#include <string_view>

#include "pii_scan.h"

namespace {

struct Example {
  const char* region;
  std::string_view type;  // "mobile" or "fixed"
  std::u16string_view international;
  std::u16string_view e164;
  std::u16string_view national;
};

constexpr Example kExamples[] = {
#include "pii_phone_examples.inc"
};

// True when the text around the number yields exactly one hit: the number, as a phone.
bool found(std::u16string_view before, std::u16string_view number, std::u16string_view after) {
  const std::u16string text = std::u16string(before) + std::u16string(number) + std::u16string(after);
  const auto hits = sealshot::pii_scan(text);
  if (!hits.ok() || hits.value().size() != 1) return false;
  const sealshot::PiiHit& h = hits.value()[0];
  return h.kind == sealshot::PiiKind::phone && h.start == before.size() && h.end == before.size() + number.size();
}

std::string ascii(std::u16string_view s) {
  std::string out;
  for (char16_t c : s) out += c < 0x80 ? static_cast<char>(c) : '?';
  return out;
}

struct Form {
  std::string_view type;
  const char* name;
  std::u16string_view Example::*number;
  std::u16string_view before;
  std::u16string_view after;
  std::size_t floor;  // regions found today (docs/pii-detectors.md); raise it when the detector improves
};

// Plain text: neither a label nor a reference word before the number.
constexpr Form kForms[] = {
    {"mobile", "international", &Example::international, u"Ann Smith, ", u", Berlin", 245},
    {"mobile", "E.164", &Example::e164, u"Ann Smith, ", u", Berlin", 245},
    {"mobile", "national after a label", &Example::national, u"Phone: ", u"", 245},
    {"mobile", "national in plain text", &Example::national, u"Ann Smith, ", u", Berlin", 224},
    {"fixed", "international", &Example::international, u"Ann Smith, ", u", Berlin", 245},
    {"fixed", "E.164", &Example::e164, u"Ann Smith, ", u", Berlin", 245},
    {"fixed", "national after a label", &Example::national, u"Phone: ", u"", 244},
    {"fixed", "national in plain text", &Example::national, u"Ann Smith, ", u", Berlin", 219},
};

TEST(PhoneExamples, EveryRegionHasBothRows) {
  std::size_t mobile = 0, fixed = 0;
  for (const Example& e : kExamples) (e.type == "mobile" ? mobile : fixed) += 1;
  EXPECT_EQ(mobile, 245u);
  EXPECT_EQ(fixed, 245u);
}

TEST(PhoneExamples, FoundInAtLeastAsManyRegionsAsReported) {
  for (const Form& form : kForms) {
    std::size_t hits = 0, total = 0;
    std::string missed;
    for (const Example& e : kExamples) {
      if (e.type != form.type) continue;
      ++total;
      if (found(form.before, e.*form.number, form.after)) {
        ++hits;
      } else {
        missed += std::string(" ") + e.region + " '" + ascii(e.*form.number) + "'";
      }
    }
    std::cout << form.type << ", " << form.name << ": " << hits << "/" << total << " found; missed:" << missed << "\n";
    EXPECT_GE(hits, form.floor) << form.type << ", " << form.name;
  }
}

}  // namespace
