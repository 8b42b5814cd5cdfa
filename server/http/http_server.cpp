#include "http/http_server.h"

#include <sys/socket.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/connection_server.h"
#include "http/json_error.h"
#include "http/request_context.h"
#include "http/routes.h"

namespace sealshot::http {
namespace {

std::vector<std::string> forwarded_for(const httplib::Request& req) {
  std::vector<std::string> values;
  const std::size_t count = std::min<std::size_t>(req.get_header_value_count("X-Forwarded-For"), 8);
  for (std::size_t i = 0; i < count; ++i) values.push_back(req.get_header_value("X-Forwarded-For", "", i));
  return values;
}

// Content-Length must be one run of digits: a list or a sign is how request
// smuggling starts.
std::optional<std::uint64_t> parse_content_length(const httplib::Request& req) {
  if (req.get_header_value_count("Content-Length") != 1) return std::nullopt;
  const std::string value = req.get_header_value("Content-Length");
  if (value.empty() || value.size() > 19 ||
      !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoull(value);
}

// Codes for the statuses cpp-httplib produces itself (malformed request
// line, too many or too long headers, a URI over the limit).
const char* code_for_status(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 404:
      return "not_found";
    case 413:
      return "body_too_large";
    case 414:
      return "uri_too_long";
    case 416:
      return "range_not_satisfiable";
    default:
      return status >= 500 ? "internal_error" : "bad_request";
  }
}

}  // namespace

HttpServer::HttpServer(const ServerConfig& config, server::Storage& storage, JsonLog& log, std::optional<TlsFiles> tls,
                       widget::WidgetFiles widget_files, ConsoleFiles console_files)
    : config_(config),
      tls_(tls.has_value()),
      log_(log),
      metrics_(queue_stats_),
      clients_(config.trusted_proxies),
      connection_limit_(config.limits.max_connections_per_ip, clients_, config.limits.connection_cap_exempts_loopback),
      ingest_(storage, config_.limits, config_.quotas),
      review_auth_(storage.accounts(), config_.review),
      ip_limiter_(config.rate_limits.per_ip_per_minute, config.rate_limits.per_ip_burst,
                  config.rate_limits.max_tracked_keys),
      project_limiter_(config.rate_limits.per_project_per_minute, config.rate_limits.per_project_burst,
                       config.rate_limits.max_tracked_keys),
      widget_files_(std::move(widget_files)),
      console_files_(std::move(console_files)),
      mailer_(config_.smtp, log),
      services_{storage,        storage.accounts(), review_auth_,  ingest_,
                ip_limiter_,    project_limiter_,   metrics_,      log,
                config_.limits, draining_,          widget_files_, config.metrics_public} {
  if (!console_files_.files.empty()) services_.console_files = &console_files_;
  services_.mailer = &mailer_;
  ConnectionHooks hooks;
  hooks.on_request_done = [this](const RequestContext& request) { on_request_done(request); };
  hooks.on_tls_handshake_failed = [this] { metrics_.add_tls_handshake_failure(); };
  hooks.others_waiting = [this] { return queue_stats_.unserved.load() > 0; };
  hooks.admit = [this](const std::string& peer) {
    if (connection_limit_.try_acquire(peer)) return true;
    metrics_.add_connection_refused();
    return false;
  };
  hooks.release = [this](const std::string& peer) { connection_limit_.release(peer); };
  hooks.on_slow_client = [this](SlowPhase phase) { metrics_.add_slow_client(phase == SlowPhase::handshake); };
  hooks.handshake_timeout = config_.limits.handshake_timeout;
  hooks.header_timeout = config_.limits.header_timeout;
  hooks.linger_timeout = config_.limits.linger_timeout;
  hooks.linger_max_bytes = config_.limits.linger_max_bytes;
  if (tls) {
    server_ = std::make_unique<TlsServer>(
        std::move(hooks), [this, files = *tls](SSL_CTX& ctx) { return tls_configure_context(ctx, files, log_); });
  } else {
    server_ = std::make_unique<PlainServer>(std::move(hooks));
  }
  configure();
}

HttpServer::~HttpServer() { shutdown(); }

bool HttpServer::valid() const { return server_->is_valid(); }

// Every limit from config, in one place.
void HttpServer::configure() {
  const ServerLimits& limits = config_.limits;
  httplib::Server& s = *server_;
  s.set_read_timeout(limits.read_timeout);
  s.set_write_timeout(limits.write_timeout);
  s.set_keep_alive_timeout(limits.keep_alive_timeout.count());
  s.set_keep_alive_max_count(limits.keep_alive_max_requests);
  // Responses go out as headers and body in separate writes; with Nagle on,
  // the body waits for the client's delayed ACK of the headers (40 ms on
  // Linux), which capped a keep-alive connection near 25 requests/s.
  s.set_tcp_nodelay(true);
  // SO_REUSEADDR (a restart binds at once beside old connections in
  // TIME_WAIT), not cpp-httplib's default SO_REUSEPORT: with it a second
  // server started on the same address, by mistake or left over, bound
  // without a word and the kernel shared the visitors' connections between
  // the two, each storing its share of reports in its own data directory.
  s.set_socket_options([](socket_t sock) {
    const int on = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  });
  // The ingest handler checks each project's limit before reading; this is
  // only the ceiling no request can pass.
  s.set_payload_max_length(kMaxEnvelopeBytes);
  s.new_task_queue = [this, limits] {
    return new BoundedTaskQueue(limits.worker_threads, limits.queue_capacity, limits.overflow_threads,
                                limits.overflow_queue_capacity, queue_stats_);
  };

  s.set_pre_routing_handler([this](const auto& req, auto& res) { return pre_route(req, res); });
  s.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    RequestContext& request = current_request();
    request.status = res.status;
    request.method = req.method;
  });
  // Statuses cpp-httplib answers by itself get the same JSON body as ours.
  // Those it answers before routing (a request line or headers it could not
  // read: 400, 414) also end the connection: whatever follows on it is the
  // rest of a request that was never understood.
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!current_request().headers_read) close_connection_after(res);
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    write_error(res, res.status, code_for_status(res.status), httplib::status_message(res.status));
    return httplib::Server::HandlerResponse::Handled;
  });
  // cpp-httplib sends "100 Continue" when this returns 100; the connection's
  // stream holds it back until a handler reads the body (connection_server.cpp).
  s.set_expect_100_continue_handler([](const httplib::Request&, httplib::Response&) {
    current_request().expects_continue = true;
    return 100;
  });
  s.set_exception_handler([this](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
    std::string what = "unknown";
    try {
      if (error) std::rethrow_exception(error);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log_.error("handler_exception", {{"route", current_request().route}, {"what", what}});
    res.headers.clear();
    write_error(res, 500, "internal_error", "The server failed to handle this request.");
    close_connection_after(res);
  });
  // HSTS only with a configured certificate: the generated one is for
  // localhost, where pinning HTTPS for a year would break a developer's
  // other local servers (and behind a TLS-terminating proxy, the proxy
  // sends it).
  const bool hsts = tls_ && !config_.tls_cert.empty();
  s.set_post_routing_handler([hsts](const httplib::Request&, httplib::Response& res) {
    if (res.get_header_value("Connection") == "close") res.headers.erase("Keep-Alive");
    res.set_header("X-Content-Type-Options", "nosniff");
    if (hsts) res.set_header("Strict-Transport-Security", "max-age=31536000");
    // API answers are never cached; the widget's files set their own.
    if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
  });

  Router router(s, routes_);
  register_routes(router, services_);
}

// Runs before cpp-httplib reads any body: the checks that must not wait.
httplib::Server::HandlerResponse HttpServer::pre_route(const httplib::Request& req, httplib::Response& res) {
  using httplib::Server;
  RequestContext& request = current_request();
  request.headers_read = true;  // ends the header deadline (connection_server.cpp)
  request.method = req.method;
  const RouteMatch route = routes_.match(req.method, req.path);
  request.route = route.kind == RouteMatch::Kind::found                ? route.name
                  : route.kind == RouteMatch::Kind::method_not_allowed ? "method_not_allowed"
                                                                       : "unmatched";
  request.client_address = clients_.resolve(req.remote_addr, forwarded_for(req));
  request.client_tag = client_tag(request.client_address);

  if (running_in_overflow_pool()) {
    res.set_header("Retry-After", std::to_string(config_.limits.overload_retry_after.count()));
    write_error(res, 503, "overloaded", "The server is busy; retry later.");
    close_connection_after(res);
    return Server::HandlerResponse::Handled;
  }
  // A streamed envelope must announce its length: the header check compares
  // it, and a chunked body has no length to refuse early.
  if (req.has_header("Transfer-Encoding")) {
    write_error(res, 411, "length_required", "Send the body with a Content-Length, not chunked.");
    close_connection_after(res);
    return Server::HandlerResponse::Handled;
  }
  std::uint64_t length = 0;
  const bool has_length = req.has_header("Content-Length");
  if (has_length) {
    auto parsed = parse_content_length(req);
    if (!parsed) {
      write_error(res, 400, "bad_content_length", "Content-Length must be one non-negative integer.");
      close_connection_after(res);
      return Server::HandlerResponse::Handled;
    }
    length = *parsed;
  }
  request.content_length = length;
  if (route.kind != RouteMatch::Kind::found) {
    if (route.kind == RouteMatch::Kind::method_not_allowed) {
      res.set_header("Allow", route.allow);
      write_error(res, 405, "method_not_allowed", "This route does not accept " + req.method + ".");
    } else {
      write_error(res, 404, "not_found", "No such route.");
    }
    if (length > 0) close_connection_after(res);
    return Server::HandlerResponse::Handled;
  }
  if (route.takes_body && !has_length) {
    write_error(res, 411, "length_required", "This route needs a Content-Length.");
    close_connection_after(res);
    return Server::HandlerResponse::Handled;
  }
  if (route.max_body_bytes != 0 && length > route.max_body_bytes) {
    write_error(res, 413, "body_too_large",
                "This route takes at most " + std::to_string(route.max_body_bytes) + " bytes of JSON.");
    close_connection_after(res);
    return Server::HandlerResponse::Handled;
  }
  if (!route.takes_body && length > 0) {
    write_error(res, 413, "body_not_allowed", "This route takes no request body.");
    close_connection_after(res);
    return Server::HandlerResponse::Handled;
  }
  return Server::HandlerResponse::Unhandled;
}

void HttpServer::on_request_done(const RequestContext& request) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - request.start).count();
  metrics_.record_request(request.route, request.status, seconds, request.bytes_in);

  JsonLog::Fields fields = {{"route", request.route},
                            {"method", request.method},
                            {"status", request.status},
                            {"duration_ms", std::round(seconds * 1e4) / 10},
                            {"bytes", request.bytes_in}};
  if (!request.project_id.empty()) fields["project"] = request.project_id;
  if (!request.submission_id.empty()) fields["submission"] = request.submission_id;
  if (!request.error_code.empty()) fields["error"] = request.error_code;
  if (!request.client_tag.empty()) fields["client"] = request.client_tag;
  // Probes and the widget's files (one GET per page view of every embedding
  // site) would drown the submissions at info level.
  const bool quiet = request.route == "healthz" || request.route == "readyz" || request.route == "metrics" ||
                     request.route == "widget";
  const auto level = request.status >= 500 ? spdlog::level::warn : quiet ? spdlog::level::debug : spdlog::level::info;
  log_.write(level, "request", std::move(fields));
}

Result<int> HttpServer::bind() {
  if (!valid()) return Status(ErrorCode::invalid_argument, "The TLS certificate or key did not load.");
  const int port = config_.listen_port == 0 ? server_->bind_to_any_port(config_.listen_host)
                   : server_->bind_to_port(config_.listen_host, config_.listen_port) ? config_.listen_port
                                                                                     : -1;
  if (port < 0) {
    return Status(ErrorCode::invalid_argument, "Cannot listen on " + config_.listen_host + ":" +
                                                   std::to_string(config_.listen_port) +
                                                   " (is another server already listening there?).");
  }
  return port;
}

bool HttpServer::serve() {
  serving_.store(true);
  if (draining_.load()) return true;
  const bool ok = server_->listen_after_bind();  // returns after the task queue drained
  serving_.store(false);
  return ok || draining_.load();
}

void HttpServer::shutdown() {
  if (draining_.exchange(true)) return;  // stop() twice trips cpp-httplib's assert
  metrics_.set_draining(true);
  // serve() may be between its flag and cpp-httplib's is_running(); stop()
  // before that would be lost. Bounded wait.
  for (int i = 0; i < 5000 && serving_.load() && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  server_->stop();
}

bool HttpServer::wait_until_serving(std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!server_->is_running()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace sealshot::http
