// Identifiers: "prj_", "sub_", "org_", "per_", "not_" or "tok_" followed by 26 lowercase base32
// characters (RFC 4648 alphabet). Unguessable, so an id alone never lets anyone
// enumerate a tenant's data; URL- and file-name-safe, so a well-formed id can
// name a blob file.
//
// Most ids are 130 random bits from libsodium's randombytes_buf. Submission
// ids, the one id minted per report, start with the time instead: 10
// characters of milliseconds since 1970 (50 bits), then 80 random bits, still
// far beyond guessing. Ids minted later sort later, so each report's rows
// land on the last page of every index keyed by submission id instead of on a
// random page each (docs/benchmarks.md, "Ingest server": fewer pages written
// per report). The creation time an id reveals is shown beside it anyway.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sealshot::server {

inline constexpr std::size_t kIdRandomChars = 26;
inline constexpr std::string_view kProjectIdPrefix = "prj_";
inline constexpr std::string_view kSubmissionIdPrefix = "sub_";
inline constexpr std::string_view kOrgIdPrefix = "org_";
inline constexpr std::string_view kPersonIdPrefix = "per_";
inline constexpr std::string_view kNoteIdPrefix = "not_";
inline constexpr std::string_view kTokenIdPrefix = "tok_";

// Needs libsodium initialised (crypto_init() in keys.h).
[[nodiscard]] std::string project_id_generate();
[[nodiscard]] std::string submission_id_generate(std::int64_t now_ms);
[[nodiscard]] std::string org_id_generate();
[[nodiscard]] std::string person_id_generate();
[[nodiscard]] std::string note_id_generate();
[[nodiscard]] std::string token_id_generate();  // an API token's public id, not the secret

// Exactly prefix + 26 characters of [a-z2-7]. Checked before an id is used
// in a query or a path, so "../" can never reach the file system.
[[nodiscard]] bool project_id_is_well_formed(std::string_view id) noexcept;
[[nodiscard]] bool submission_id_is_well_formed(std::string_view id) noexcept;
[[nodiscard]] bool org_id_is_well_formed(std::string_view id) noexcept;
[[nodiscard]] bool person_id_is_well_formed(std::string_view id) noexcept;
[[nodiscard]] bool note_id_is_well_formed(std::string_view id) noexcept;
[[nodiscard]] bool token_id_is_well_formed(std::string_view id) noexcept;

}  // namespace sealshot::server
