// What the handlers may use. Owned by HttpServer; handlers get references.
#pragma once

#include <atomic>

#include "http/ingest_service.h"
#include "http/limits.h"
#include "http/logging.h"
#include "http/metrics.h"
#include "http/rate_limiter.h"
#include "http/review_auth.h"
#include "storage/storage.h"
#include "widget/widget_files.h"

namespace sealshot::http {

class Mailer;

struct ConsoleFiles;  // http/console_files.h

struct Services {
  server::Storage& storage;
  server::AccountStore& accounts;  // storage.accounts()
  ReviewAuth& auth;
  IngestService& ingest;
  TokenBucketLimiter& ip_limiter;
  TokenBucketLimiter& project_limiter;
  Metrics& metrics;
  JsonLog& log;
  const ServerLimits& limits;
  const std::atomic<bool>& draining;
  const widget::WidgetFiles& widget_files;  // empty unless --widget-dir
  bool metrics_public = false;
  const ConsoleFiles* console_files = nullptr;  // null unless --console-dir
  Mailer* mailer = nullptr;                     // set by HttpServer; mailer->enabled() with --smtp-url
};

}  // namespace sealshot::http
