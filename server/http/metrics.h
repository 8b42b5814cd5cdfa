// Counters and a latency histogram, rendered in the Prometheus text format
// (version 0.0.4). Debian packages no C++ Prometheus client, and the handful
// of series here does not justify vendoring one. Labels are route names and
// status codes only, so the series count is bounded (no project ids, no IPs).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "http/task_queue.h"

namespace sealshot::http {

class Metrics {
 public:
  explicit Metrics(const QueueStats& queue) : queue_(queue) {}

  void record_request(const std::string& route, int status, double seconds, std::uint64_t bytes_in);
  void add_storage_error() { storage_errors_.fetch_add(1); }
  void add_tls_handshake_failure() { tls_handshake_failures_.fetch_add(1); }
  void add_connection_refused() { connections_refused_.fetch_add(1); }
  void add_slow_client(bool in_handshake) { (in_handshake ? slow_handshakes_ : slow_headers_).fetch_add(1); }
  // `limit`: the refusal's error code (a fixed set: ingest_service.cpp).
  void add_quota_refusal(const std::string& limit) {
    std::lock_guard lock(mutex_);
    ++quota_refusals_[limit];
  }
  void add_submission(bool created) { (created ? submissions_created_ : submissions_replayed_).fetch_add(1); }
  void add_review_signin(bool success) { (success ? signins_ok_ : signins_failed_).fetch_add(1); }
  void set_draining(bool draining) { draining_.store(draining); }

  [[nodiscard]] std::string render_prometheus() const;

 private:
  static constexpr std::array<double, 12> kLatencyBuckets = {0.005, 0.01, 0.025, 0.05, 0.1,  0.25,
                                                             0.5,   1.0,  2.5,   5.0,  10.0, 30.0};
  struct Histogram {
    std::array<std::uint64_t, kLatencyBuckets.size()> buckets{};  // cumulative at render time
    std::uint64_t count = 0;
    double sum = 0;
  };

  const QueueStats& queue_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::map<std::string, std::uint64_t> quota_refusals_;
  std::uint64_t bytes_in_ = 0;
  std::atomic<std::uint64_t> storage_errors_{0};
  std::atomic<std::uint64_t> tls_handshake_failures_{0};
  std::atomic<std::uint64_t> connections_refused_{0};
  std::atomic<std::uint64_t> slow_handshakes_{0};
  std::atomic<std::uint64_t> slow_headers_{0};
  std::atomic<std::uint64_t> submissions_created_{0};
  std::atomic<std::uint64_t> submissions_replayed_{0};
  std::atomic<std::uint64_t> signins_ok_{0};
  std::atomic<std::uint64_t> signins_failed_{0};
  std::atomic<bool> draining_{false};
};

}  // namespace sealshot::http
