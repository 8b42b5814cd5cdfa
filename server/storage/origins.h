// Allowed origins of a project: what the ingest route compares a browser's
// Origin header with. Browsers send lowercase scheme and host and leave out
// the default port, so an origin is stored in that same form and the
// comparison can be exact.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace sealshot::server {

// "scheme://host[:port]" with scheme http or https, a DNS name, IPv4 or
// bracketed IPv6 host, no path, query, credentials or trailing slash.
// Returns the normalised form (lowercase, default port dropped) or
// invalid_argument with a sentence naming the problem.
[[nodiscard]] Result<std::string> origin_normalize(std::string_view text);

// Normalises each origin and drops duplicates, keeping the first position.
// At least one origin is required (a project nobody may post to is useless).
[[nodiscard]] Result<std::vector<std::string>> origins_normalize(const std::vector<std::string>& origins);

}  // namespace sealshot::server
