// Every limit the HTTP server enforces, in one struct filled from config
// (config.cpp). A request that crosses one of these is refused with its own
// status; nothing grows without a bound.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "envelope.h"

namespace sealshot::http {

// cpp-httplib reads these as compile-time macros; server/CMakeLists.txt
// defines them on sealshot_http (PUBLIC, so every translation unit that
// includes httplib.h agrees). Mirrored here so all limits can be read in one
// place.
inline constexpr std::size_t kMaxHeaderCount = CPPHTTPLIB_HEADER_MAX_COUNT;
inline constexpr std::size_t kMaxHeaderLineBytes = CPPHTTPLIB_HEADER_MAX_LENGTH;
inline constexpr std::size_t kMaxRequestUriBytes = CPPHTTPLIB_REQUEST_URI_MAX_LENGTH;
inline constexpr int kListenBacklog = CPPHTTPLIB_LISTEN_BACKLOG;

// kMaxEnvelopeBytes (envelope.h), the format's largest envelope, caps every
// project's body limit; it is also cpp-httplib's own payload ceiling, which
// the ingest handler never reaches because it checks the project limit first.

struct ServerLimits {
  // Body size for projects whose Project::max_body_bytes is 0.
  std::uint64_t max_body_bytes = std::uint64_t{16} << 20;

  // Socket timeouts (per read / per write) and keep-alive.
  std::chrono::seconds read_timeout{5};
  std::chrono::seconds write_timeout{5};
  std::chrono::seconds keep_alive_timeout{5};
  std::size_t keep_alive_max_requests = 100;
  // Wall-clock budgets against slow clients (slowloris): the socket
  // timeouts above apply to each read alone, so a client trickling one byte
  // per read timeout would otherwise hold a worker for hours. The TLS
  // handshake, a request's line and headers, and its body each get one budget.
  std::chrono::seconds handshake_timeout{10};
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds body_timeout{60};
  // Connections one client address may have in service at once (a worker each);
  // more are closed at once, before the TLS handshake (0: no limit). Browsers
  // open at most 6 per host. Trusted proxies and loopback are exempt: every
  // client behind a proxy shares its address, and a proxy on the same
  // machine may not be configured as trusted.
  std::size_t max_connections_per_ip = 16;
  bool connection_cap_exempts_loopback = true;  // --cap-loopback-connections: tests and benchmarks use 127.x.y.z

  // Workers serve one connection each (cpp-httplib is blocking). Accepted
  // connections wait in a queue of at most `queue_capacity`; past that they
  // go to a small overflow pool that answers 503 + Retry-After, and past
  // that the socket is closed.
  // 1,024 workers (docs/benchmarks.md, "Capacity and slow clients"): an
  // idle worker costs ~8 KiB of memory and start-up ~1 ms, and every worker
  // is one more slow connection an attacker must hold before a normal
  // client waits (64 workers fell to 700 slow connections, 1,024 did not).
  // Upload memory does not grow with them (one shared budget,
  // storage/upload_buffer.h). Internet-facing installs still put nginx in
  // front: no thread count outlasts enough addresses (docs/operations.md).
  std::size_t worker_threads = 1024;
  std::size_t queue_capacity = 256;
  std::size_t overflow_threads = 2;
  std::size_t overflow_queue_capacity = 32;
  std::chrono::seconds overload_retry_after{5};

  // After a refusal sent before the body was read, the connection is closed
  // "lingering": our side is shut for writing and what the client still
  // sends is read and dropped for at most this long / this many bytes, so
  // the client sees the answer instead of a TCP reset.
  std::chrono::milliseconds linger_timeout{2000};
  std::uint64_t linger_max_bytes = std::uint64_t{4} << 20;

  // Free space the data directory's file system keeps: an upload that would
  // take it below this is refused (507 server_storage_low, from its
  // Content-Length), and at or below it /readyz answers 503 storage_full so
  // a load balancer stops sending reports, before SQLite and the system's
  // own logs starve.
  std::uint64_t min_free_disk_bytes = std::uint64_t{1} << 30;
};

// Per-project quotas against valid reports sent in bulk (the project id and
// public key are in every page that embeds the widget). The server-wide
// floor of free disk space is ServerLimits::min_free_disk_bytes. Reports measured 50 KB-1.5 MB
// (docs/benchmarks.md); a busy site receives tens a day. Defaults leave a
// real site 10-100x headroom while one project can fill at most 1 GiB a day
// and 20 GiB in all. A project's own value (sealshot project quota) wins.
struct QuotaLimits {
  std::uint64_t daily_submissions = 1000;
  std::uint64_t daily_bytes = std::uint64_t{1} << 30;
  std::uint64_t stored_bytes = std::uint64_t{20} << 30;
};

// Token buckets (rate_limiter.h). A rate of 0 disables that limiter.
struct RateLimits {
  double per_ip_per_minute = 60;
  double per_ip_burst = 20;
  double per_project_per_minute = 1200;
  double per_project_burst = 200;
  // Buckets kept in memory per limiter; beyond it full buckets are dropped,
  // and when none can be dropped new clients are refused (fail closed).
  std::size_t max_tracked_keys = 100000;
};

}  // namespace sealshot::http
