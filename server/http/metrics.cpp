#include "http/metrics.h"

#include <sstream>

namespace sealshot::http {

void Metrics::record_request(const std::string& route, int status, double seconds, std::uint64_t bytes_in) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  Histogram& h = latency_[route];
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
  bytes_in_ += bytes_in;
}

std::string Metrics::render_prometheus() const {
  std::ostringstream out;
  out.precision(6);
  std::lock_guard lock(mutex_);

  out << "# HELP sealshot_http_requests_total HTTP requests answered, by route and status.\n"
         "# TYPE sealshot_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out << "sealshot_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second << "\"} " << count
        << "\n";
  }
  out << "# HELP sealshot_http_request_duration_seconds Time from request headers read to response written.\n"
         "# TYPE sealshot_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      out << "sealshot_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"" << kLatencyBuckets[i]
          << "\"} " << cumulative << "\n";
    }
    out << "sealshot_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} " << h.count << "\n"
        << "sealshot_http_request_duration_seconds_sum{route=\"" << route << "\"} " << h.sum << "\n"
        << "sealshot_http_request_duration_seconds_count{route=\"" << route << "\"} " << h.count << "\n";
  }
  out << "# HELP sealshot_http_request_body_bytes_total Request body bytes received.\n"
         "# TYPE sealshot_http_request_body_bytes_total counter\n"
      << "sealshot_http_request_body_bytes_total " << bytes_in_ << "\n"
      << "# HELP sealshot_storage_errors_total Storage calls that failed (including disk full).\n"
         "# TYPE sealshot_storage_errors_total counter\n"
      << "sealshot_storage_errors_total " << storage_errors_.load() << "\n"
      << "# HELP sealshot_submissions_total Submissions stored (created) or answered from an earlier idempotent "
         "request (replayed).\n"
         "# TYPE sealshot_submissions_total counter\n"
      << "sealshot_submissions_total{result=\"created\"} " << submissions_created_.load() << "\n"
      << "sealshot_submissions_total{result=\"replayed\"} " << submissions_replayed_.load() << "\n"
      << "# HELP sealshot_tls_handshake_failures_total TLS handshakes that failed (old protocol, bad client).\n"
         "# TYPE sealshot_tls_handshake_failures_total counter\n"
      << "sealshot_tls_handshake_failures_total " << tls_handshake_failures_.load() << "\n"
      << "# HELP sealshot_http_queue_depth Accepted connections waiting for a worker.\n"
         "# TYPE sealshot_http_queue_depth gauge\n"
      << "sealshot_http_queue_depth " << queue_.queued.load() << "\n"
      << "# HELP sealshot_http_in_flight Connections being served by a worker.\n"
         "# TYPE sealshot_http_in_flight gauge\n"
      << "sealshot_http_in_flight " << queue_.busy_workers.load() << "\n"
      << "# HELP sealshot_http_overflow_in_flight Connections being answered 503 by the overflow pool.\n"
         "# TYPE sealshot_http_overflow_in_flight gauge\n"
      << "sealshot_http_overflow_in_flight " << queue_.overflow_busy.load() << "\n"
      << "# HELP sealshot_http_overflow_connections_total Connections handed to the overflow pool (answered 503).\n"
         "# TYPE sealshot_http_overflow_connections_total counter\n"
      << "sealshot_http_overflow_connections_total " << queue_.overflowed_total.load() << "\n"
      << "# HELP sealshot_http_dropped_connections_total Connections closed unanswered (both pools full).\n"
         "# TYPE sealshot_http_dropped_connections_total counter\n"
      << "sealshot_http_dropped_connections_total " << queue_.dropped_total.load() << "\n"
      << "# HELP sealshot_draining 1 while the server drains before exit.\n"
         "# TYPE sealshot_draining gauge\n"
      << "sealshot_draining " << (draining_.load() ? 1 : 0) << "\n";
  return out.str();
}

}  // namespace sealshot::http
