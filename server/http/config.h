// sealshot-server's configuration: flags > environment (SEALSHOT_*) > config
// file (TOML/INI, --config) > defaults. docs/http-api.md lists every option.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "http/mailer.h"
#include "http/review_auth.h"
#include "limits.h"
#include "result.h"

namespace sealshot::http {

struct ServerConfig {
  std::string listen_host = "127.0.0.1";
  int listen_port = 8443;
  std::string data_dir = "sealshot-data";
  std::string tls_cert;  // both empty: a self-signed localhost certificate in data_dir/tls
  std::string tls_key;
  bool insecure_http = false;                // plain HTTP, only behind a TLS-terminating proxy
  std::vector<std::string> trusted_proxies;  // IPs or CIDR blocks whose X-Forwarded-For is believed
  bool metrics_public = false;               // else /metrics answers loopback clients only
  std::string log_level = "info";
  std::string widget_dir;   // built widget (widget-js/build.mjs) served at /widget.js…; empty: not served
  std::string console_dir;  // built console (wasm/console/build.mjs) served at /console/; empty: not served
  std::chrono::seconds purge_interval{3600};
  ServerLimits limits;
  RateLimits rate_limits;
  QuotaLimits quotas;
  ReviewSettings review;
  SmtpSettings smtp;
};

// What parsing decided: run with `config`, or exit with `exit_code` after
// printing `message` (help, version, or a configuration error).
struct ConfigOutcome {
  bool run = false;
  ServerConfig config;
  int exit_code = 0;
  std::string message;
};

[[nodiscard]] ConfigOutcome parse_server_config(int argc, const char* const* argv);

// "host:port", "[v6]:port" or ":port" (all interfaces, which must be asked
// for explicitly: the default binds loopback only).
[[nodiscard]] Status parse_listen_address(const std::string& text, std::string& host, int& port);

}  // namespace sealshot::http
