// Small helpers for reading HTTP header values.
#pragma once

#include <string_view>

namespace sealshot::http {

// Strips optional whitespace (RFC 9110 "OWS": spaces and tabs) around a
// header list element.
inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace sealshot::http
