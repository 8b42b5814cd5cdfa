// Queries over the generated numbering-plan tables (phone_metadata.h).
#include "phone_metadata.h"

#include <algorithm>

namespace sealshot::pii::phone_metadata {

namespace {

bool row_contains(const DigitRow& row, const std::uint8_t* digits, std::size_t count) noexcept {
  const std::uint32_t lengths = kLengthSets[row.lengths];
  if (lengths != 0 && (count >= 32 || ((lengths >> count) & 1U) == 0)) return false;
  if (row.depth > count) return false;
  for (std::size_t i = 0; i < row.depth; ++i) {
    if (((kMasks[row.first_mask + i] >> digits[i]) & 1U) == 0) return false;
  }
  return true;
}

}  // namespace

bool set_contains(DigitSet set, const std::uint8_t* digits, std::size_t count) noexcept {
  if (set.row_count == 0) return true;  // a format without leadingDigits fits every number
  for (std::size_t r = set.first_row; r < std::size_t{set.first_row} + set.row_count; ++r) {
    if (row_contains(kRows[r], digits, count)) return true;
  }
  return false;
}

const Country* country_of(const std::uint8_t* digits, std::size_t count, std::size_t& code_length) noexcept {
  unsigned code = 0;
  for (std::size_t n = 1; n <= 3 && n <= count; ++n) {
    code = code * 10 + digits[n - 1];
    const Country* end = kCountries + kCountryCount;
    const Country* it =
        std::lower_bound(kCountries, end, code, [](const Country& c, unsigned v) { return c.code < v; });
    if (it != end && it->code == code) {
      code_length = n;
      return it;
    }
  }
  return nullptr;
}

bool has_length(const Country& country, std::size_t count) noexcept {
  if (count >= 32) return false;
  for (std::size_t r = country.numbers.first_row;
       r < std::size_t{country.numbers.first_row} + country.numbers.row_count; ++r) {
    if ((kLengthSets[kRows[r].lengths] >> count) & 1U) return true;
  }
  return false;
}

bool any_country_has(const std::uint8_t* digits, std::size_t count) noexcept {
  for (std::size_t c = 0; c < kCountryCount; ++c) {
    const Country& country = kCountries[c];
    if (set_contains(country.numbers, digits, count)) return true;
    std::size_t p = 0;
    while (country.national_prefix[p] != 0 && p < count && digits[p] == country.national_prefix[p] - '0') ++p;
    if (p > 0 && country.national_prefix[p] == 0 && set_contains(country.numbers, digits + p, count - p)) return true;
  }
  return false;
}

bool trunk_zero_country_has(const std::uint8_t* digits, std::size_t count) noexcept {
  for (std::size_t c = 0; c < kCountryCount; ++c) {
    const Country& country = kCountries[c];
    if (country.national_prefix[0] == '0' && country.national_prefix[1] == 0 &&
        set_contains(country.numbers, digits, count)) {
      return true;
    }
  }
  return false;
}

}  // namespace sealshot::pii::phone_metadata
