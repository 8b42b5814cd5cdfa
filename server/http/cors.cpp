#include "http/cors.h"

#include <algorithm>

namespace sealshot::http {

CorsDecision cors_check(const httplib::Request& req, const server::Project& project) {
  const std::size_t count = req.get_header_value_count("Origin");
  if (count == 0) return {OriginVerdict::absent, {}};
  if (count > 1) return {OriginVerdict::refused, {}};
  const std::string origin = req.get_header_value("Origin");
  auto it = std::find(project.allowed_origins.begin(), project.allowed_origins.end(), origin);
  if (it == project.allowed_origins.end()) return {OriginVerdict::refused, {}};
  return {OriginVerdict::allowed, *it};
}

void cors_apply(httplib::Response& res, const CorsDecision& decision) {
  res.set_header("Vary", "Origin");
  if (decision.verdict != OriginVerdict::allowed) return;
  res.set_header("Access-Control-Allow-Origin", decision.origin);
  res.set_header("Access-Control-Expose-Headers", "Retry-After");
}

void cors_apply_preflight(httplib::Response& res, const CorsDecision& decision) {
  cors_apply(res, decision);
  if (decision.verdict != OriginVerdict::allowed) return;
  res.set_header("Access-Control-Allow-Methods", "POST, OPTIONS");
  res.set_header("Access-Control-Allow-Headers", "Content-Type, Idempotency-Key");
  res.set_header("Access-Control-Max-Age", std::to_string(kCorsMaxAgeSeconds));
}

}  // namespace sealshot::http
