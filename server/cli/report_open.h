// Opening an envelope into a folder, shared by `sealshot open` (a file) and
// `sealshot submissions get --secret-key` (a stored submission).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core_limits.h"
#include "keys.h"

namespace sealshot::cli {

// Largest envelope file the CLI reads: the largest payload plus headroom for
// the envelope's header and per-chunk tags.
inline constexpr std::uint64_t kMaxEnvelopeFileBytes = kMaxPayloadBytes + (1 << 20);

// Decrypts `envelope` for `expected_project_id` (empty: the envelope's own),
// writes each part as a file in `out_dir` (created if needed) and prints each
// path on stdout. Throws CommandError. `private_output`: the folder is made
// (or narrowed to) 0700 and each file written 0600 (reports from the review
// API hold personal data of the site's visitors).
void report_open_into(std::span<const std::uint8_t> envelope, const SecretKey& key,
                      std::string_view expected_project_id, const std::string& out_dir,
                      bool private_output = false);

}  // namespace sealshot::cli
