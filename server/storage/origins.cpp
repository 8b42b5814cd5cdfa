#include <algorithm>
#include <cctype>

#include "storage.h"

namespace sealshot::server {
namespace {

constexpr std::size_t kMaxOrigins = 100;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_dns_or_ipv4(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  while (start <= host.size()) {
    const std::size_t dot = std::min(host.find('.', start), host.size());
    const std::string_view label = host.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
    }
    start = dot + 1;
  }
  return true;
}

bool is_bracketed_ipv6(std::string_view host) {
  if (host.size() < 4 || host.front() != '[' || host.back() != ']') return false;
  const std::string_view inner = host.substr(1, host.size() - 2);
  if (inner.find(':') == std::string_view::npos) return false;
  return std::all_of(inner.begin(), inner.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; });
}

Status not_an_origin(std::string_view text, std::string_view why) {
  return {ErrorCode::invalid_argument, "'" + std::string(text) + "' is not an origin: " + std::string(why) +
                                           " (use scheme://host[:port], e.g. https://shop.example)."};
}

}  // namespace

Result<std::string> origin_normalize(std::string_view text) {
  if (text.size() > 300) return not_an_origin(text.substr(0, 40), "it is too long");
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return not_an_origin(text, "it contains spaces, control or non-ASCII characters (write IDN hosts in punycode)");
    }
  }
  const std::size_t sep = text.find("://");
  if (sep == std::string_view::npos) return not_an_origin(text, "the scheme is missing");
  const std::string scheme = lower(text.substr(0, sep));
  if (scheme != "http" && scheme != "https") return not_an_origin(text, "the scheme must be http or https");
  std::string_view rest = text.substr(sep + 3);
  if (rest.find('@') != std::string_view::npos) return not_an_origin(text, "it must not contain credentials");
  if (const std::size_t slash = rest.find_first_of("/?#"); slash != std::string_view::npos) {
    if (slash + 1 == rest.size() && rest[slash] == '/') return not_an_origin(text, "it must not end with a slash");
    return not_an_origin(text, "it must not have a path, query or fragment");
  }
  std::string_view host = rest;
  std::string_view port;
  const std::size_t bracket = rest.rfind(']');
  const std::size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoul(std::string(port)) == 0 || std::stoul(std::string(port)) > 65535) {
      return not_an_origin(text, "the port must be a number from 1 to 65535");
    }
  }
  const std::string host_lower = lower(host);
  if (!is_dns_or_ipv4(host_lower) && !is_bracketed_ipv6(host_lower)) {
    return not_an_origin(text, "the host is not a valid name or address");
  }
  std::string out = scheme + "://" + host_lower;
  const unsigned long port_number = port.empty() ? 0 : std::stoul(std::string(port));
  const bool default_port = (scheme == "https" && port_number == 443) || (scheme == "http" && port_number == 80);
  if (port_number != 0 && !default_port) out += ":" + std::to_string(port_number);
  return out;
}

Result<std::vector<std::string>> origins_normalize(const std::vector<std::string>& origins) {
  if (origins.empty()) return Status(ErrorCode::invalid_argument, "A project needs at least one allowed origin.");
  if (origins.size() > kMaxOrigins) {
    return Status(ErrorCode::invalid_argument,
                  "A project takes at most " + std::to_string(kMaxOrigins) + " allowed origins.");
  }
  std::vector<std::string> out;
  for (const std::string& origin : origins) {
    Result<std::string> normal = origin_normalize(origin);
    if (!normal.ok()) return normal.status();
    if (std::find(out.begin(), out.end(), normal.value()) == out.end()) out.push_back(std::move(normal).value());
  }
  return out;
}

}  // namespace sealshot::server
