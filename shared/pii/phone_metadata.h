// Numbering plans of every country calling code, as compact tables generated
// at build time from libphonenumber's PhoneNumberMetadata.xml by
// cmake/gen_phone_metadata.py (the C++ library itself, with protobuf and ICU,
// is far too heavy for the wasm core). The phone detector asks three things
// of them: which country a "+CC" starts with, whether digits can be a national
// number there, and how that country writes its numbers nationally.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sealshot::pii::phone_metadata {

inline constexpr std::size_t kMaxNationalDigits = 17;
inline constexpr std::size_t kMaxGroups = 8;  // the generator refuses formats with more groups

// A set of digit strings as rows. A string is in a row when each of its first
// `depth` digits has its bit set in kMasks[first_mask + i] (bit d = digit d) and
// its length has its bit set in kLengthSets[lengths]; lengths 0 means any
// length, which makes the row a prefix (a format's leadingDigits). Digits past
// the depth are not checked: the generator keeps the first 4 digits of national
// numbers and of leadingDigits patterns exact, which the tests showed to lose
// nothing measurable against 5 and 6 digits, at 4 KB less.
struct DigitRow {
  std::uint8_t lengths;
  std::uint8_t depth;
  std::uint16_t first_mask;
};
struct DigitSet {
  std::uint16_t first_row;
  std::uint16_t row_count;
};

struct Country {
  std::uint16_t code;       // calling code, kCountries is sorted by it
  char national_prefix[4];  // trunk prefix dialled inside the country ("0", "8", "1"), "" if none
  DigitSet numbers;         // national significant numbers of all regions sharing the code
};

// One group of digits as a national format writes it: "(0$1)" is a group of
// min..max digits in parentheses whose first digits are the literal "0".
struct WrittenGroup {
  std::uint8_t min_digits;
  std::uint8_t max_digits;
  char sep;                  // separator before the group: ' ', '-', '/', '.', or 0 (first, or right after ')')
  std::uint8_t literal : 7;  // kLiterals index: digits written that are not part of the number ("0", "15")
  bool paren : 1;
};

struct Format {
  std::uint16_t first_group;        // kGroups[first_group .. first_group + group_count)
  std::uint16_t leading_first_row;  // leadingDigits the national number must start with:
  std::uint8_t leading_row_count;   // kRows[leading_first_row ..], none: any number
  std::uint8_t group_count;
  std::uint8_t country;     // index into kCountries
  std::uint8_t nsn_prefix;  // kLiterals index: digits of the number the format leaves out (Argentina's mobile "9")
  DigitSet leading() const noexcept { return {leading_first_row, leading_row_count}; }
};

extern const std::uint32_t kLengthSets[];
extern const char kLiterals[][4];  // short digit strings, "" first
extern const DigitRow kRows[];
extern const std::uint16_t kMasks[];
extern const Country kCountries[];
extern const std::size_t kCountryCount;
extern const WrittenGroup kGroups[];
extern const Format kFormats[];
// kFormats[kFormatsByGroupCount[n] .. kFormatsByGroupCount[n + 1]) are the formats of n groups.
extern const std::uint16_t kFormatsByGroupCount[];

// Queries. Digits are values 0-9, never characters.

// True when some row of the set holds the digits (a prefix row: starts them).
[[nodiscard]] bool set_contains(DigitSet set, const std::uint8_t* digits, std::size_t count) noexcept;

// The country whose calling code the digits start with (codes are prefix-free),
// with the code's length, or nullptr.
[[nodiscard]] const Country* country_of(const std::uint8_t* digits, std::size_t count,
                                        std::size_t& code_length) noexcept;

// True when some national number of the country has `count` digits.
[[nodiscard]] bool has_length(const Country& country, std::size_t count) noexcept;

// True when the digits are a national number of some country, written with or
// without its national prefix. Looks at every country: for labelled numbers only.
[[nodiscard]] bool any_country_has(const std::uint8_t* digits, std::size_t count) noexcept;

// True when the digits are a national number of some country whose trunk prefix is "0".
[[nodiscard]] bool trunk_zero_country_has(const std::uint8_t* digits, std::size_t count) noexcept;

}  // namespace sealshot::pii::phone_metadata
