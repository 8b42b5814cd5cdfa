// CORS for the public ingest route only. A browser's Origin must equal one
// of the project's allowed origins exactly (storage keeps them normalised as
// browsers send them); the response then names that stored origin, never
// the request's bytes. No credentials are ever allowed: the route needs no
// cookies, and without Access-Control-Allow-Credentials a browser sends none.
#pragma once

#include <httplib.h>

#include <string>

#include "storage/storage.h"

namespace sealshot::http {

inline constexpr int kCorsMaxAgeSeconds = 600;  // preflight cache; Chrome caps at 7200

enum class OriginVerdict {
  absent,  // no Origin header: not a browser (curl, the CLI). Origin is a
           // browser-enforced control; a script can forge it, so requiring
           // it would add no security, only break non-browser clients.
  allowed,
  refused,
};

struct CorsDecision {
  OriginVerdict verdict = OriginVerdict::absent;
  std::string origin;  // the stored allowlist entry when allowed
};

[[nodiscard]] CorsDecision cors_check(const httplib::Request& req, const server::Project& project);

// On every response of the route (refusals too, so the widget can read the
// error and Retry-After): Vary: Origin, and for an allowed origin
// Access-Control-Allow-Origin + Access-Control-Expose-Headers.
void cors_apply(httplib::Response& res, const CorsDecision& decision);

// The preflight's extra headers: methods, request headers, max-age.
void cors_apply_preflight(httplib::Response& res, const CorsDecision& decision);

}  // namespace sealshot::http
