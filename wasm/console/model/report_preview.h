// What the inbox shows of a report before anyone opens it: the first line
// of the comment and the page URL, from the manifest — the first part of the
// payload, so decrypting the envelope's first chunk (a Range request of a
// few KiB to 64 KiB) is enough; the screenshot is never downloaded for this.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "envelope.h"
#include "keys.h"
#include "project_keys.h"
#include "result.h"

namespace sealshot::console {

// Enough for the largest header and the first chunk at the default chunk size.
inline constexpr std::uint64_t kPreviewPrefixBytes =
    kEnvelopeMaxHeaderBytes + kEnvelopeChunkBytes + kEnvelopeChunkOverhead;
// A comment line is cut here (code points kept whole).
inline constexpr std::size_t kPreviewLineBytes = 200;
// The inbox's text search reads this much of each comment.
inline constexpr std::size_t kPreviewSearchBytes = 16 * 1024;

struct ReportPreview {
  std::string comment_first_line;
  std::string page_url;
  std::string category;
  bool has_attachments = false;  // more parts than the manifest (the screenshot)
  std::string comment;           // the whole comment (up to kPreviewSearchBytes), for the search
};

// Decrypts the whole chunks `prefix` holds (each authenticated, in order; a
// prefix never yields bytes that did not authenticate) and reads the
// manifest from them. envelope_truncated: the manifest goes on past the
// prefix (ask for more). Other errors as envelope_open's (wrong project,
// wrong key, corrupt) or payload_malformed.
[[nodiscard]] Result<ReportPreview> preview_from_prefix(std::span<const std::uint8_t> prefix, const SecretKey& secret,
                                                        std::string_view expected_project_id);
// The same with every key the person holds for the project (newest first).
[[nodiscard]] Result<ReportPreview> preview_from_prefix(std::span<const std::uint8_t> prefix, const ProjectKeys& keys,
                                                        std::string_view expected_project_id);

}  // namespace sealshot::console
