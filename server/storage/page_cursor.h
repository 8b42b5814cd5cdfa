// Keyset pagination cursors for list_submissions: the (created_at_ms,
// submission id) of the last item of a page, so the next page starts right
// after it however many rows arrive meanwhile. Encoded as URL-safe base64 to
// keep clients from building their own; the format may change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sealshot::server {

struct PageCursor {
  std::int64_t created_at_ms = 0;
  std::string submission_id;
};

[[nodiscard]] std::string page_cursor_encode(const PageCursor& cursor);
// nullopt for anything page_cursor_encode did not produce.
[[nodiscard]] std::optional<PageCursor> page_cursor_decode(std::string_view text);

}  // namespace sealshot::server
