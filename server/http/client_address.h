// Who is the client? req.remote_addr, unless that is one of our own trusted
// proxies: only then is X-Forwarded-For believed (anyone can send the header).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealshot::http {

// One IP address or CIDR block, v4 or v6 (v4 is held as ::ffff:a.b.c.d).
class AddressRange {
 public:
  [[nodiscard]] static std::optional<AddressRange> parse(std::string_view text);
  [[nodiscard]] bool contains(const std::array<std::uint8_t, 16>& address) const;

 private:
  std::array<std::uint8_t, 16> network_{};
  int prefix_bits_ = 128;
};

// Parses an IP literal (v4, v6, v4-mapped v6) into 16 bytes.
[[nodiscard]] std::optional<std::array<std::uint8_t, 16>> parse_ip(std::string_view text);

class ClientAddressResolver {
 public:
  explicit ClientAddressResolver(const std::vector<std::string>& trusted_proxies);

  // `forwarded_for`: every X-Forwarded-For header value, in order. Walks the
  // chain from the right, skipping trusted proxies; the first other valid
  // address is the client. Garbage in the header yields the last trusted hop.
  [[nodiscard]] std::string resolve(const std::string& remote_addr,
                                    const std::vector<std::string>& forwarded_for) const;
  [[nodiscard]] bool is_trusted_proxy(std::string_view address) const;

 private:
  std::vector<AddressRange> trusted_;
};

// One client for every per-client limit (the rate limiter and the
// connection cap alike): the address itself for IPv4 (also when mapped into
// IPv6), the /64 prefix for IPv6, since one subscriber usually holds a whole
// /64 and could otherwise pick a new address per connection.
[[nodiscard]] std::string client_group_key(const std::string& client_address);

[[nodiscard]] bool is_loopback(const std::string& client_address);

}  // namespace sealshot::http
