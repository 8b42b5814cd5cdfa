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

  // Every family: its HELP and TYPE lines once, then its samples. Naming the
  // family once keeps the three spellings from drifting apart.
  const auto family = [&out](const char* name, const char* type, const char* help) {
    out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
  };
  const auto single = [&](const char* name, const char* type, const char* help, auto value) {
    family(name, type, help);
    out << name << " " << value << "\n";
  };

  family("sealshot_http_requests_total", "counter", "HTTP requests answered, by route and status.");
  for (const auto& [key, count] : requests_) {
    out << "sealshot_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second << "\"} " << count
        << "\n";
  }
  family("sealshot_http_request_duration_seconds", "histogram", "Time from request headers read to response written.");
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
  single("sealshot_http_request_body_bytes_total", "counter", "Request body bytes received.", bytes_in_);
  single("sealshot_storage_errors_total", "counter", "Storage calls that failed (including disk full).",
         storage_errors_.load());
  family("sealshot_submissions_total", "counter",
         "Submissions stored (created) or answered from an earlier idempotent request (replayed).");
  out << "sealshot_submissions_total{result=\"created\"} " << submissions_created_.load() << "\n"
      << "sealshot_submissions_total{result=\"replayed\"} " << submissions_replayed_.load() << "\n";
  family("sealshot_review_signins_total", "counter", "Review sign-ins by result.");
  out << "sealshot_review_signins_total{result=\"success\"} " << signins_ok_.load() << "\n"
      << "sealshot_review_signins_total{result=\"failure\"} " << signins_failed_.load() << "\n";
  family("sealshot_quota_refusals_total", "counter",
         "Reports refused by a project quota or the free-disk floor, by limit (the log names the project).");
  for (const auto& [limit, count] : quota_refusals_) {
    out << "sealshot_quota_refusals_total{limit=\"" << limit << "\"} " << count << "\n";
  }
  single("sealshot_tls_handshake_failures_total", "counter", "TLS handshakes that failed (old protocol, bad client).",
         tls_handshake_failures_.load());
  single("sealshot_http_connections_refused_total", "counter",
         "Connections closed at once: their client address already held --max-connections-per-ip.",
         connections_refused_.load());
  family("sealshot_http_slow_clients_total", "counter",
         "Connections closed because the TLS handshake or a request's headers overran their deadline.");
  out << "sealshot_http_slow_clients_total{phase=\"handshake\"} " << slow_handshakes_.load() << "\n"
      << "sealshot_http_slow_clients_total{phase=\"headers\"} " << slow_headers_.load() << "\n";
  single("sealshot_http_queue_depth", "gauge", "Accepted connections waiting for a worker.", queue_.queued.load());
  single("sealshot_http_in_flight", "gauge", "Connections being served by a worker.", queue_.busy_workers.load());
  single("sealshot_http_overflow_in_flight", "gauge", "Connections being answered 503 by the overflow pool.",
         queue_.overflow_busy.load());
  single("sealshot_http_overflow_connections_total", "counter",
         "Connections handed to the overflow pool (answered 503).", queue_.overflowed_total.load());
  single("sealshot_http_dropped_connections_total", "counter", "Connections closed unanswered (both pools full).",
         queue_.dropped_total.load());
  single("sealshot_draining", "gauge", "1 while the server drains before exit.", draining_.load() ? 1 : 0);
  return out.str();
}

}  // namespace sealshot::http
