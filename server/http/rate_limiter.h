// Token-bucket rate limiting keyed by client address or project id. Time is
// passed in, so tests step it by hand.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sealshot::http {

struct RateDecision {
  bool allowed = true;
  int retry_after_seconds = 0;  // when refused: until one token is back (at least 1)
};

class TokenBucketLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // `per_minute` 0 disables the limiter (every take() is allowed).
  TokenBucketLimiter(double per_minute, double burst, std::size_t max_keys);

  [[nodiscard]] RateDecision take(const std::string& key, Clock::time_point now = Clock::now());
  [[nodiscard]] std::size_t tracked_keys() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  void refill(Bucket& bucket, Clock::time_point now) const;
  void drop_full_buckets(Clock::time_point now);

  double per_second_;
  double burst_;
  std::size_t max_keys_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  Clock::time_point last_sweep_{};
};

}  // namespace sealshot::http
