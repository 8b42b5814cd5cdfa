#include "ids.h"

#include <sodium.h>

#include <array>
#include <cstdint>
#include <string>
#include <utility>

namespace sealshot::server {
namespace {

constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
// The same 32 characters in byte order, for the time part: a bigger number
// must make a string that compares bigger (SQLite's BINARY collation).
constexpr char kSortedAlphabet[] = "234567abcdefghijklmnopqrstuvwxyz";

constexpr std::size_t kTimeChars = 10;  // 50 bits of milliseconds: past the year 30,000

// Appends random characters to `id` until it holds prefix + 26 characters.
std::string with_random_tail(std::string id, std::size_t prefix_size) {
  // 17 random bytes = 136 bits; up to the first 130 become five-bit characters.
  std::array<std::uint8_t, 17> random{};
  randombytes_buf(random.data(), random.size());
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t next = 0;
  while (id.size() < prefix_size + kIdRandomChars) {
    if (bits < 5) {
      buffer = (buffer << 8) | random[next++];
      bits += 8;
    }
    id.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
    bits -= 5;
  }
  sodium_memzero(random.data(), random.size());
  return id;
}

std::string id_generate(std::string_view prefix) { return with_random_tail(std::string(prefix), prefix.size()); }

// Most significant character first, so the string order is the time order.
std::string time_ordered_id_generate(std::string_view prefix, std::int64_t now_ms) {
  const auto ms = static_cast<std::uint64_t>(now_ms < 0 ? 0 : now_ms);
  std::string id(prefix);
  for (std::size_t i = kTimeChars; i-- > 0;) id.push_back(kSortedAlphabet[(ms >> (5 * i)) & 31]);
  return with_random_tail(std::move(id), prefix.size());
}

bool id_is_well_formed(std::string_view id, std::string_view prefix) noexcept {
  if (id.size() != prefix.size() + kIdRandomChars || id.substr(0, prefix.size()) != prefix) return false;
  for (char c : id.substr(prefix.size())) {
    if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return false;
  }
  return true;
}

}  // namespace

std::string project_id_generate() { return id_generate(kProjectIdPrefix); }
std::string submission_id_generate(std::int64_t now_ms) {
  return time_ordered_id_generate(kSubmissionIdPrefix, now_ms);
}
std::string org_id_generate() { return id_generate(kOrgIdPrefix); }
std::string person_id_generate() { return id_generate(kPersonIdPrefix); }
std::string note_id_generate() { return id_generate(kNoteIdPrefix); }
std::string token_id_generate() { return id_generate(kTokenIdPrefix); }

bool project_id_is_well_formed(std::string_view id) noexcept { return id_is_well_formed(id, kProjectIdPrefix); }
bool submission_id_is_well_formed(std::string_view id) noexcept { return id_is_well_formed(id, kSubmissionIdPrefix); }
bool org_id_is_well_formed(std::string_view id) noexcept { return id_is_well_formed(id, kOrgIdPrefix); }
bool person_id_is_well_formed(std::string_view id) noexcept { return id_is_well_formed(id, kPersonIdPrefix); }
bool note_id_is_well_formed(std::string_view id) noexcept { return id_is_well_formed(id, kNoteIdPrefix); }
bool token_id_is_well_formed(std::string_view id) noexcept { return id_is_well_formed(id, kTokenIdPrefix); }

}  // namespace sealshot::server
