#include "http/connection_limit.h"

namespace sealshot::http {

bool ConnectionLimit::exempt(const std::string& peer) const {
  return limit_ == 0 || proxies_.is_trusted_proxy(peer) || (exempt_loopback_ && is_loopback(peer));
}

bool ConnectionLimit::try_acquire(const std::string& peer) {
  if (exempt(peer)) return true;
  const std::string client = client_group_key(peer);
  std::lock_guard lock(mutex_);
  std::size_t& open = open_[client];
  if (open >= limit_) {
    if (open == 0) open_.erase(client);
    return false;
  }
  ++open;
  return true;
}

void ConnectionLimit::release(const std::string& peer) {
  if (exempt(peer)) return;
  const std::string client = client_group_key(peer);
  std::lock_guard lock(mutex_);
  auto it = open_.find(client);
  if (it == open_.end()) return;
  if (--it->second == 0) open_.erase(it);
}

}  // namespace sealshot::http
