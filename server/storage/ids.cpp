#include "ids.h"

#include <sodium.h>

#include <array>
#include <cstdint>

namespace sealshot::server {
namespace {

constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

std::string id_generate(std::string_view prefix) {
  // 17 random bytes = 136 bits; the first 130 become 26 five-bit characters.
  std::array<std::uint8_t, 17> random{};
  randombytes_buf(random.data(), random.size());
  std::string id(prefix);
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t next = 0;
  while (id.size() < prefix.size() + kIdRandomChars) {
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

bool id_is_well_formed(std::string_view id, std::string_view prefix) noexcept {
  if (id.size() != prefix.size() + kIdRandomChars || id.substr(0, prefix.size()) != prefix) return false;
  for (char c : id.substr(prefix.size())) {
    if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return false;
  }
  return true;
}

}  // namespace

std::string project_id_generate() { return id_generate(kProjectIdPrefix); }
std::string submission_id_generate() { return id_generate(kSubmissionIdPrefix); }
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
