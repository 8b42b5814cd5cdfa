// How many connections each client holds at once, so one client cannot take
// every worker (and the queue behind them) with idle or trickling
// connections. Counted by TCP peer address, grouped as the rate limiter
// groups clients (client_group_key: an IPv6 /64 is one client):
// X-Forwarded-For is only known once a request was read, which is exactly
// what a slow client never finishes. Trusted proxies (and, by default,
// loopback) are exempt.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/client_address.h"

namespace sealshot::http {

class ConnectionLimit {
 public:
  // limit 0: no limit.
  ConnectionLimit(std::size_t limit, const ClientAddressResolver& proxies, bool exempt_loopback)
      : limit_(limit), proxies_(proxies), exempt_loopback_(exempt_loopback) {}

  // True, and counted, if `peer` may have one more connection; release()
  // must follow once it is closed.
  [[nodiscard]] bool try_acquire(const std::string& peer);
  void release(const std::string& peer);

 private:
  [[nodiscard]] bool exempt(const std::string& peer) const;

  const std::size_t limit_;
  const ClientAddressResolver& proxies_;
  const bool exempt_loopback_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> open_;  // by client_group_key; only clients with connections
};

}  // namespace sealshot::http
