// sealshot-server: configuration, storage start-up checks, TLS material,
// then serve until SIGTERM/SIGINT, draining in-flight requests before exit 0.
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <thread>

#include "http/config.h"
#include "http/http_server.h"
#include "http/logging.h"
#include "http/maintenance.h"
#include "http/tls_setup.h"
#include "keys.h"
#include "storage/storage.h"
#include "widget/widget_files.h"

namespace {

using namespace sealshot;
using namespace sealshot::http;

// Every connection in service or waiting holds a descriptor (an upload in
// service perhaps a second, its spill file), so the soft limit, often 1,024
// (systemd's default), must cover the pools and queues. It is raised to the
// hard limit, as nginx's worker_rlimit_nofile and Go's runtime do; a hard
// limit that is still too low is logged, since connections past it fail.
void raise_open_file_limit(const ServerLimits& l, JsonLog& log) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t ceiling = limit.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : limit.rlim_max;
  if (limit.rlim_cur < ceiling) {
    limit.rlim_cur = ceiling;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  const rlim_t needed = 2 * l.worker_threads + l.queue_capacity + l.overflow_threads + l.overflow_queue_capacity + 64;
  if (limit.rlim_cur < needed) {
    log.warn("open_file_limit_low", {{"limit", limit.rlim_cur},
                                     {"needed", needed},
                                     {"note", "raise LimitNOFILE (systemd) or ulimit -n, or lower --threads/--queue"}});
  }
}

int run(const ServerConfig& config, JsonLog& log) {
  if (Status init = crypto_init(); !init.ok()) {
    log.error("startup_failed", {{"message", init.message()}});
    return 1;
  }
  raise_open_file_limit(config.limits, log);
  auto storage = server::open_sqlite_storage(config.data_dir);
  if (!storage.ok()) {
    log.error("storage_open_failed", {{"data_dir", config.data_dir}, {"message", storage.message()}});
    return 1;
  }
  server::Storage& store = *storage.value();
  auto report = store.check_and_repair();
  if (!report.ok()) {
    log.error("storage_check_failed", {{"error", error_code_name(report.code())}, {"message", report.message()}});
    return 1;
  }
  log.info("storage_checked", {{"data_dir", config.data_dir},
                               {"submissions", report.value().submissions},
                               {"staging_files_removed", report.value().staging_files_removed},
                               {"legacy_blobs_imported", report.value().legacy_blobs_imported},
                               {"orphan_envelopes_removed", report.value().orphan_envelopes_removed},
                               {"blob_bytes_released", report.value().blob_bytes_released},
                               {"dangling_rows_removed", report.value().dangling_rows_removed}});

  std::optional<TlsFiles> tls;
  if (config.insecure_http) {
    log.warn("plain_http", {{"note", "TLS is off (--insecure-http): only behind a TLS-terminating proxy"}});
  } else {
    auto files = tls_prepare_files(config.tls_cert, config.tls_key, config.data_dir, log);
    if (!files.ok()) {
      log.error("tls_setup_failed", {{"message", files.message()}});
      return 1;
    }
    tls = files.value();
  }

  // The widget's files are read and hashed once, here: a later change in the
  // directory needs a restart, and a broken build fails the start-up.
  widget::WidgetFiles widget_files;
  if (!config.widget_dir.empty()) {
    auto loaded = widget::load_widget_files(config.widget_dir);
    if (!loaded.ok()) {
      log.error("widget_dir_failed", {{"widget_dir", config.widget_dir}, {"message", loaded.message()}});
      return 1;
    }
    widget_files = std::move(loaded).value();
    std::vector<std::string> names;
    for (const widget::WidgetFile& f : widget_files.files) names.push_back(f.name);
    // The loader's hash is what `sealshot project snippet` puts into the
    // snippet's integrity attribute: a different value here means every
    // embedded snippet must be replaced (docs/widget.md).
    log.info(
        "widget_served",
        {{"widget_dir", config.widget_dir}, {"files", names}, {"loader_integrity", widget_files.loader()->integrity}});
  }

  // The console's files likewise: read once, a broken build fails the start.
  ConsoleFiles console_files;
  if (!config.console_dir.empty()) {
    auto loaded = load_console_files(config.console_dir);
    if (!loaded.ok()) {
      log.error("console_dir_failed", {{"console_dir", config.console_dir}, {"message", loaded.message()}});
      return 1;
    }
    console_files = std::move(loaded).value();
    log.info("console_served", {{"console_dir", config.console_dir}, {"files", console_files.files.size()}});
  }

  HttpServer server(config, store, log, tls, std::move(widget_files), std::move(console_files));
  auto port = server.bind();
  if (!port.ok()) {
    log.error("listen_failed", {{"message", port.message()}});
    return 1;
  }
  log.info("listening", {{"host", config.listen_host},
                         {"port", port.value()},
                         {"tls", tls.has_value()},
                         {"threads", config.limits.worker_threads},
                         {"queue", config.limits.queue_capacity}});

  // Signals are taken by one thread with sigwait(), outside any signal
  // handler, so shutdown() may lock and log freely.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  std::atomic<bool> exiting{false};
  std::thread signal_thread([&] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    if (exiting.load()) return;
    log.info("shutdown_requested", {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"}});
    server.shutdown();
  });

  PurgeScheduler purge(store, log, config.purge_interval, config.review.audit_retention);
  const bool served = server.serve();  // returns once in-flight requests drained
  exiting.store(true);
  pthread_kill(signal_thread.native_handle(), SIGTERM);  // wake sigwait if no signal came
  signal_thread.join();
  purge.stop();
  log.info("stopped", {{"clean", served}});
  return served ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Blocked before any thread starts, so every thread inherits the mask
  // and only the signal thread receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that hangs up mid-response is an error, not a crash

  ConfigOutcome outcome = parse_server_config(argc, argv);
  if (!outcome.run) {
    std::fprintf(outcome.exit_code == 0 ? stdout : stderr, "%s\n", outcome.message.c_str());
    return outcome.exit_code;
  }
  JsonLog log(outcome.config.log_level);
  const int code = run(outcome.config, log);
  log.flush();
  return code;
}
