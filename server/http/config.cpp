#include "http/config.h"

#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>

#include "http/client_address.h"

namespace sealshot::http {
namespace {

Status load_config_file(CLI::App& app, const std::string& path) {
  // CLI11 2.1 applies a config file before environment variables, which
  // would rank the file above the environment. So the file is read here,
  // after flags and environment have been parsed, and fills only options
  // that neither set: flags > env > file > defaults.
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path);
  } catch (const CLI::Error& e) {
    return {ErrorCode::invalid_argument, "Cannot read config file " + path + ": " + e.what()};
  }
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // section markers
    if (!item.parents.empty()) {
      return {ErrorCode::invalid_argument,
              "Config file " + path + ": sections are not used ([" + item.parents.front() + "])."};
    }
    CLI::Option* option = app.get_option_no_throw("--" + item.name);
    if (option == nullptr || item.name == "config") {
      return {ErrorCode::invalid_argument, "Config file " + path + ": unknown setting '" + item.name + "'."};
    }
    if (option->count() > 0) continue;  // a flag or the environment already set it
    try {
      option->add_result(item.inputs);
      option->run_callback();
    } catch (const CLI::Error& e) {
      return {ErrorCode::invalid_argument, "Config file " + path + ": " + item.name + ": " + e.what()};
    }
  }
  return {};
}

// Every setting reads SEALSHOT_<FLAG> from the environment (the name is
// derived from the flag so the two cannot drift apart) and shows its default
// in --help.
template <class T>
CLI::Option* setting(CLI::App& app, const std::string& flag, T& value, const std::string& help) {
  std::string env = "SEALSHOT_";
  for (char ch : flag.substr(2)) env += ch == '-' ? '_' : char(std::toupper(static_cast<unsigned char>(ch)));
  return app.add_option(flag, value, help)->envname(env)->capture_default_str();
}

}  // namespace

Status parse_listen_address(const std::string& text, std::string& host, int& port) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    return {ErrorCode::invalid_argument, "--listen must be host:port, e.g. 127.0.0.1:8443."};
  }
  std::string h = text.substr(0, colon);
  const std::string p = text.substr(colon + 1);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.empty()) h = "0.0.0.0";
  char* end = nullptr;
  const long value = std::strtol(p.c_str(), &end, 10);
  if (p.empty() || *end != '\0' || value < 0 || value > 65535) {
    return {ErrorCode::invalid_argument, "--listen has an invalid port '" + p + "'."};
  }
  host = h;
  port = static_cast<int>(value);
  return {};
}

// Mail needs a sender and the URL links point at; the password comes from
// a file (readable by the server only), never from argv or a log.
static Status check_smtp_settings(SmtpSettings& mail, const std::string& password_file) {
  if (mail.url.empty()) return {};
  if (mail.url.rfind("smtp://", 0) != 0 && mail.url.rfind("smtps://", 0) != 0) {
    return {ErrorCode::invalid_argument, "--smtp-url must start with smtp:// or smtps://."};
  }
  if (mail.from.empty() || mail.from.find('@') == std::string::npos ||
      mail.from.find_first_of("<>\r\n ") != std::string::npos) {
    return {ErrorCode::invalid_argument, "--smtp-from needs the sender's address (name@domain)."};
  }
  if (mail.public_url.rfind("https://", 0) != 0 && mail.public_url.rfind("http://localhost", 0) != 0 &&
      mail.public_url.rfind("http://127.0.0.1", 0) != 0) {
    return {ErrorCode::invalid_argument,
            "--public-url (https://…) is needed with --smtp-url: the links in mails point there."};
  }
  if (!password_file.empty()) {
    std::ifstream in(password_file);
    if (!in || !std::getline(in, mail.password)) {
      return {ErrorCode::invalid_argument, "Cannot read --smtp-password-file " + password_file + "."};
    }
  }
  return {};
}

ConfigOutcome parse_server_config(int argc, const char* const* argv) {
  ConfigOutcome out;
  ServerConfig& c = out.config;
  ServerLimits& l = c.limits;
  RateLimits& r = c.rate_limits;

  CLI::App app{"sealshot-server: the Sealshot ingest server (stores encrypted reports per project)."};
  std::string config_path;
  std::string listen = c.listen_host + ":" + std::to_string(c.listen_port);
  long read_timeout = l.read_timeout.count(), write_timeout = l.write_timeout.count();
  long keep_alive_timeout = l.keep_alive_timeout.count(), body_timeout = l.body_timeout.count();
  long handshake_timeout = l.handshake_timeout.count(), header_timeout = l.header_timeout.count();
  long purge_interval = c.purge_interval.count();

  app.add_option("--config", config_path, "TOML/INI file with any of these options (key = value)")
      ->envname("SEALSHOT_CONFIG");
  setting(app, "--listen", listen, "host:port to listen on");
  setting(app, "--data-dir", c.data_dir, "database, blobs and the generated TLS certificate");
  app.add_option("--tls-cert", c.tls_cert, "PEM certificate chain (default: self-signed for localhost)")
      ->envname("SEALSHOT_TLS_CERT");
  app.add_option("--tls-key", c.tls_key, "PEM private key for --tls-cert")->envname("SEALSHOT_TLS_KEY");
  app.add_flag("--insecure-http", c.insecure_http, "serve plain HTTP (only behind a TLS-terminating proxy)")
      ->envname("SEALSHOT_INSECURE_HTTP");
  app.add_option("--trusted-proxy", c.trusted_proxies, "IP or CIDR whose X-Forwarded-For is believed (repeatable)")
      ->envname("SEALSHOT_TRUSTED_PROXY")
      ->delimiter(',');
  app.add_flag("--metrics-public", c.metrics_public, "serve /metrics to any client, not only loopback")
      ->envname("SEALSHOT_METRICS_PUBLIC");
  setting(app, "--log-level", c.log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  app.add_option("--widget-dir", c.widget_dir, "serve the built widget from DIR at /widget.js (read at start-up)")
      ->envname("SEALSHOT_WIDGET_DIR");
  app.add_option("--console-dir", c.console_dir,
                 "serve the built review console from DIR at /console/ (read at start-up)")
      ->envname("SEALSHOT_CONSOLE_DIR");
  setting(app, "--purge-interval", purge_interval, "seconds between retention purges")
      ->check(CLI::Range(1L, 7L * 24 * 3600));

  setting(app, "--max-body-bytes", l.max_body_bytes, "default body limit (a project may set its own)")
      ->check(CLI::Range(std::uint64_t{1024}, kMaxEnvelopeBytes));
  setting(app, "--threads", l.worker_threads, "worker threads (one connection each)")->check(CLI::Range(1, 4096));
  setting(app, "--queue", l.queue_capacity, "accepted connections waiting for a worker")->check(CLI::Range(0, 100000));
  setting(app, "--overflow-threads", l.overflow_threads, "threads that answer 503 when the queue is full")
      ->check(CLI::Range(1, 64));
  setting(app, "--overflow-queue", l.overflow_queue_capacity, "connections waiting for a 503")
      ->check(CLI::Range(0, 10000));
  setting(app, "--read-timeout", read_timeout, "seconds a socket read may wait")->check(CLI::Range(1L, 600L));
  setting(app, "--write-timeout", write_timeout, "seconds a socket write may wait")->check(CLI::Range(1L, 600L));
  setting(app, "--keep-alive-timeout", keep_alive_timeout, "seconds an idle connection is kept")
      ->check(CLI::Range(1L, 600L));
  setting(app, "--keep-alive-max", l.keep_alive_max_requests, "requests per connection")->check(CLI::Range(1, 100000));
  setting(app, "--handshake-timeout", handshake_timeout, "seconds a TLS handshake may take in total")
      ->check(CLI::Range(1L, 600L));
  setting(app, "--header-timeout", header_timeout, "seconds a request line and its headers may take in total")
      ->check(CLI::Range(1L, 600L));
  setting(app, "--body-timeout", body_timeout, "seconds one request body may take in total")
      ->check(CLI::Range(1L, 3600L));
  setting(app, "--max-connections-per-ip", l.max_connections_per_ip,
          "connections one client address may hold at once (0: no limit; trusted proxies and loopback exempt)")
      ->check(CLI::Range(0, 100000));
  bool cap_loopback = !l.connection_cap_exempts_loopback;
  app.add_flag("--cap-loopback-connections", cap_loopback,
               "count loopback clients against --max-connections-per-ip too (they are exempt by default)")
      ->envname("SEALSHOT_CAP_LOOPBACK_CONNECTIONS");
  setting(app, "--min-free-disk-bytes", l.min_free_disk_bytes,
          "free space the data directory keeps: uploads that would go below it get 507, and /readyz 503")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 50));
  setting(app, "--rate-ip-per-minute", r.per_ip_per_minute, "submissions per client address (0: off)")
      ->check(CLI::Range(0.0, 1e9));
  setting(app, "--rate-ip-burst", r.per_ip_burst, "burst per client address")->check(CLI::Range(1.0, 1e9));
  setting(app, "--rate-project-per-minute", r.per_project_per_minute, "submissions per project (0: off)")
      ->check(CLI::Range(0.0, 1e9));
  setting(app, "--rate-project-burst", r.per_project_burst, "burst per project")->check(CLI::Range(1.0, 1e9));
  QuotaLimits& q = c.quotas;
  setting(app, "--quota-daily-submissions", q.daily_submissions,
          "reports a project may send per UTC day, unless it has its own quota")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  setting(app, "--quota-daily-bytes", q.daily_bytes, "envelope bytes a project may send per UTC day")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 60));
  setting(app, "--quota-stored-bytes", q.stored_bytes, "envelope bytes a project may hold")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 60));
  ReviewSettings& rv = c.review;
  long session_idle_minutes = rv.session_idle.count();
  long session_max_hours = rv.session_absolute.count() / 60;
  long audit_retention_days = rv.audit_retention.count();
  setting(app, "--session-idle-minutes", session_idle_minutes,
          "a review session ends after this long without a request")
      ->check(CLI::Range(1L, 24L * 60));
  setting(app, "--session-max-hours", session_max_hours, "a review session ends this long after sign-in, active or not")
      ->check(CLI::Range(1L, 24L * 30));
  setting(app, "--audit-retention-days", audit_retention_days, "days the audit log keeps an entry")
      ->check(CLI::Range(1L, 3650L));
  SmtpSettings& mail = c.smtp;
  std::string smtp_password_file;
  setting(app, "--smtp-url", mail.url,
          "mail relay for invitations and password resets: smtp://host:port (STARTTLS) or smtps://host:port");
  setting(app, "--smtp-from", mail.from, "sender address of those mails");
  setting(app, "--smtp-user", mail.username, "login at the relay (optional)");
  setting(app, "--smtp-password-file", smtp_password_file,
          "file holding the relay password (never on the command line)");
  app.add_flag("--smtp-allow-plaintext", mail.allow_plaintext,
               "send over smtp:// without STARTTLS (only for a relay on this machine)")
      ->envname("SEALSHOT_SMTP_ALLOW_PLAINTEXT");
  setting(app, "--public-url", mail.public_url, "where people reach this server, for links in mails: https://host");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    out.exit_code = e.get_exit_code();
    out.message = e.get_exit_code() == 0 ? app.help() : std::string(e.what());
    return out;
  }
  if (!config_path.empty()) {
    Status loaded = load_config_file(app, config_path);
    if (!loaded.ok()) {
      out.exit_code = 2;
      out.message = loaded.message();
      return out;
    }
  }

  Status listen_ok = parse_listen_address(listen, c.listen_host, c.listen_port);
  if (!listen_ok.ok()) {
    out.exit_code = 2;
    out.message = listen_ok.message();
    return out;
  }
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    out.exit_code = 2;
    out.message = "--tls-cert and --tls-key go together.";
    return out;
  }
  for (const std::string& proxy : c.trusted_proxies) {
    if (!AddressRange::parse(proxy).has_value()) {
      out.exit_code = 2;
      out.message = "--trusted-proxy '" + proxy + "' is not an IP address or CIDR block.";
      return out;
    }
  }
  if (Status smtp = check_smtp_settings(mail, smtp_password_file); !smtp.ok()) {
    out.exit_code = 2;
    out.message = smtp.message();
    return out;
  }
  l.connection_cap_exempts_loopback = !cap_loopback;
  l.read_timeout = std::chrono::seconds(read_timeout);
  l.write_timeout = std::chrono::seconds(write_timeout);
  l.keep_alive_timeout = std::chrono::seconds(keep_alive_timeout);
  l.body_timeout = std::chrono::seconds(body_timeout);
  l.handshake_timeout = std::chrono::seconds(handshake_timeout);
  l.header_timeout = std::chrono::seconds(header_timeout);
  c.purge_interval = std::chrono::seconds(purge_interval);
  rv.session_idle = std::chrono::minutes(session_idle_minutes);
  rv.session_absolute = std::chrono::minutes(session_max_hours * 60);
  rv.audit_retention = std::chrono::days(audit_retention_days);
  out.run = true;
  return out;
}

}  // namespace sealshot::http
