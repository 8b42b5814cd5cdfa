// sealshot-server's HTTP(S) server: cpp-httplib configured from one
// ServerConfig (limits, TLS, pool, hooks), the routes from routes.cpp, and
// the services the handlers use. Used by server_main.cpp and, in-process,
// by the tests in tests/server/.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

#include "http/client_address.h"
#include "http/config.h"
#include "http/connection_limit.h"
#include "http/console_files.h"
#include "http/ingest_service.h"
#include "http/logging.h"
#include "http/mailer.h"
#include "http/metrics.h"
#include "http/rate_limiter.h"
#include "http/request_context.h"
#include "http/route_table.h"
#include "http/services.h"
#include "http/task_queue.h"
#include "http/tls_setup.h"
#include "storage/storage.h"
#include "widget/widget_files.h"

namespace sealshot::http {

class HttpServer {
 public:
  // `tls` empty: plain HTTP (config.insecure_http). `widget_files`: what
  // --widget-dir held at start-up (load_widget_files), served from memory;
  // empty: no widget routes. Check valid() after.
  HttpServer(const ServerConfig& config, server::Storage& storage, JsonLog& log, std::optional<TlsFiles> tls,
             widget::WidgetFiles widget_files = {}, ConsoleFiles console_files = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  [[nodiscard]] bool valid() const;  // false: the TLS certificate or key did not load
  // Binds config.listen_host:listen_port (0: an ephemeral port). Returns the port.
  [[nodiscard]] Result<int> bind();
  // Serves until shutdown() and every in-flight request has finished.
  bool serve();
  // Stops accepting and lets in-flight requests finish; serve() returns
  // once they have. Any thread (not a signal handler: see server_main.cpp).
  void shutdown();
  // True once serve() accepts connections; false after `timeout`.
  [[nodiscard]] bool wait_until_serving(std::chrono::milliseconds timeout) const;

  [[nodiscard]] const QueueStats& queue_stats() const { return queue_stats_; }
  [[nodiscard]] Metrics& metrics() { return metrics_; }
  [[nodiscard]] IngestService& ingest() { return ingest_; }
  [[nodiscard]] bool is_tls() const { return tls_; }
  [[nodiscard]] const RouteTable& route_table() const { return routes_; }

 private:
  void configure();
  httplib::Server::HandlerResponse pre_route(const httplib::Request& req, httplib::Response& res);
  void on_request_done(const RequestContext& request);

  const ServerConfig config_;
  const bool tls_;
  JsonLog& log_;
  QueueStats queue_stats_;
  Metrics metrics_;
  ClientAddressResolver clients_;
  ConnectionLimit connection_limit_;
  IngestService ingest_;
  ReviewAuth review_auth_;
  TokenBucketLimiter ip_limiter_;
  TokenBucketLimiter project_limiter_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> serving_{false};
  const widget::WidgetFiles widget_files_;
  const ConsoleFiles console_files_;  // --console-dir; empty: no /console/ routes
  Mailer mailer_;                     // --smtp-url; disabled without
  Services services_;
  RouteTable routes_;
  std::unique_ptr<httplib::Server> server_;
};

}  // namespace sealshot::http
