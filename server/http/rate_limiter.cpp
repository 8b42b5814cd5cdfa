#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace sealshot::http {

TokenBucketLimiter::TokenBucketLimiter(double per_minute, double burst, std::size_t max_keys)
    : per_second_(per_minute / 60.0), burst_(std::max(1.0, burst)), max_keys_(std::max<std::size_t>(1, max_keys)) {}

void TokenBucketLimiter::refill(Bucket& bucket, Clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  if (elapsed > 0) {
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed * per_second_);
    bucket.updated = now;
  }
}

// A full bucket carries no information (a new one starts full), so dropping
// it is free; this is what keeps the map bounded under many distinct keys.
void TokenBucketLimiter::drop_full_buckets(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now);
    it = it->second.tokens >= burst_ ? buckets_.erase(it) : std::next(it);
  }
}

RateDecision TokenBucketLimiter::take(const std::string& key, Clock::time_point now) {
  if (per_second_ <= 0) return {};
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    // At most one O(n) sweep per second, so a flood cannot make every
    // request pay for one.
    if (buckets_.size() >= max_keys_ && now - last_sweep_ >= std::chrono::seconds(1)) {
      drop_full_buckets(now);
      last_sweep_ = now;
    }
    if (buckets_.size() >= max_keys_) return {false, 1};  // flood of distinct keys: fail closed
    it = buckets_.emplace(key, Bucket{burst_, now}).first;
  }
  Bucket& bucket = it->second;
  refill(bucket, now);
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return {};
  }
  const double wait = (1.0 - bucket.tokens) / per_second_;
  return {false, std::max(1, static_cast<int>(std::ceil(wait)))};
}

std::size_t TokenBucketLimiter::tracked_keys() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace sealshot::http
