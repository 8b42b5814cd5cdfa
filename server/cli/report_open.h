// Opening an envelope into a folder, shared by `sealshot open` (a file),
// `sealshot submissions get --secret-key` (a stored submission) and
// `sealshot review open` (one from the review API).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core_limits.h"
#include "file_io.h"
#include "keys.h"

namespace sealshot::cli {

// Largest envelope file the CLI reads: the largest payload plus headroom for
// the envelope's header and per-chunk tags.
inline constexpr std::uint64_t kMaxEnvelopeFileBytes = kMaxPayloadBytes + (1 << 20);

// Decrypts `envelope` for `expected_project_id` (empty: the envelope's own),
// checks it is a report (manifest.json first, a JSON object), then writes
// each part as a file in `out_dir` and prints each path on stdout. Reports
// hold personal data of a site's visitors, so the folder is created (or
// narrowed to) 0700 and each file written 0600. With Existing::refuse nothing
// is written if any part's file already exists. Throws CommandError.
//
// Envelopes do not say which key sealed them (anonymous sealed boxes), so
// with a project's keys after rotations each of `keys` is tried in order
// (newest first); when none opens it, `none_opens` is the error's sentence.
void report_open_into(std::span<const std::uint8_t> envelope, std::span<const SecretKey> keys,
                      std::string_view expected_project_id, const std::string& out_dir, Existing existing,
                      const std::string& none_opens);
void report_open_into(std::span<const std::uint8_t> envelope, const SecretKey& key,
                      std::string_view expected_project_id, const std::string& out_dir, Existing existing);

}  // namespace sealshot::cli
