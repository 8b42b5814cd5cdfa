#include "http/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "http/header_text.h"

namespace sealshot::http {

std::optional<std::array<std::uint8_t, 16>> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string s(text);
  std::array<std::uint8_t, 16> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

std::optional<AddressRange> AddressRange::parse(std::string_view text) {
  text = trim_ows(text);
  const std::size_t slash = text.find('/');
  auto address = parse_ip(text.substr(0, slash));
  if (!address) return std::nullopt;
  const bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
  int bits = 128;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    const int given = std::stoi(std::string(digits));
    if (given > (v4 ? 32 : 128)) return std::nullopt;
    bits = v4 ? 96 + given : given;
  }
  AddressRange range;
  range.prefix_bits_ = bits;
  for (int i = 0; i < 16; ++i) {
    const int keep = std::clamp(bits - 8 * i, 0, 8);
    range.network_[i] = std::uint8_t((*address)[i] & std::uint8_t(0xff00 >> keep));
  }
  return range;
}

bool AddressRange::contains(const std::array<std::uint8_t, 16>& address) const {
  for (int i = 0; i < 16; ++i) {
    const int keep = std::clamp(prefix_bits_ - 8 * i, 0, 8);
    if ((address[i] & std::uint8_t(0xff00 >> keep)) != network_[i]) return false;
  }
  return true;
}

ClientAddressResolver::ClientAddressResolver(const std::vector<std::string>& trusted_proxies) {
  for (const std::string& text : trusted_proxies) {
    if (auto range = AddressRange::parse(text)) trusted_.push_back(*range);
  }
}

bool ClientAddressResolver::is_trusted_proxy(std::string_view address) const {
  auto ip = parse_ip(address);
  if (!ip) return false;
  return std::any_of(trusted_.begin(), trusted_.end(), [&](const AddressRange& r) { return r.contains(*ip); });
}

std::string ClientAddressResolver::resolve(const std::string& remote_addr,
                                           const std::vector<std::string>& forwarded_for) const {
  if (!is_trusted_proxy(remote_addr)) return remote_addr;
  std::vector<std::string_view> hops;
  for (const std::string& header : forwarded_for) {
    std::string_view rest = header;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      hops.push_back(trim_ows(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  std::string client = remote_addr;
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (!parse_ip(*it)) break;  // not an address: stop believing the chain here
    client = std::string(*it);
    if (!is_trusted_proxy(*it)) break;
  }
  return client;
}

std::string client_group_key(const std::string& client_address) {
  auto ip = parse_ip(client_address);
  if (!ip) return client_address;
  const bool v4_mapped = std::all_of(ip->begin(), ip->begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
                         (*ip)[10] == 0xff && (*ip)[11] == 0xff;
  char text[64];
  if (v4_mapped) {
    std::snprintf(text, sizeof text, "%u.%u.%u.%u", (*ip)[12], (*ip)[13], (*ip)[14], (*ip)[15]);
  } else {
    std::snprintf(text, sizeof text, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", (*ip)[0], (*ip)[1], (*ip)[2], (*ip)[3],
                  (*ip)[4], (*ip)[5], (*ip)[6], (*ip)[7]);
  }
  return text;
}

bool is_loopback(const std::string& client_address) {
  static const auto v4 = AddressRange::parse("127.0.0.0/8");
  static const auto v6 = AddressRange::parse("::1");
  auto ip = parse_ip(client_address);
  return ip && (v4->contains(*ip) || v6->contains(*ip));
}

}  // namespace sealshot::http
