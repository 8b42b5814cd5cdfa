#include "http/routes.h"

#include "http/console_files.h"
#include "http/handlers.h"
#include "http/review_routes.h"
#include "http/widget_handler.h"

namespace sealshot::http {

// Every route the server answers. Anything else: 404, or 405 with Allow
// (the pre-routing check in http_server.cpp, from the same table). CORS is
// on the ingest route (per project) and the widget's public files ("*")
// only: the review API is same-origin (the console is served from here).
void register_routes(Router& router, Services& s) {
  // Operations
  router.get("/healthz", "healthz", handle_healthz);
  router.get("/readyz", "readyz", [&s](const auto& req, auto& res) { handle_readyz(s, req, res); });
  router.get("/metrics", "metrics", [&s](const auto& req, auto& res) { handle_metrics(s, req, res); });

  // Public ingest (browsers on the project's allowed origins)
  router.options("/v1/projects/:project/submissions", "ingest_preflight",
                 [&s](const auto& req, auto& res) { handle_ingest_preflight(s, req, res); });
  router.post_streaming(
      "/v1/projects/:project/submissions", "ingest",
      [&s](const auto& req, auto& res, const auto& read_body) { handle_ingest(s, req, res, read_body); });

  // Review: sign-in, accounts, organisations (docs/permissions.md)
  register_account_routes(router, s);
  register_org_routes(router, s);
  register_mfa_routes(router, s);

  // The widget (--widget-dir): /widget.js and the content-hashed files it
  // loads, one exact route per file found at start-up; nothing else there
  // is reachable, so no directory listing and no path to climb out of.
  for (const widget::WidgetFile& file : s.widget_files.files) {
    router.get_exact("/" + file.name, "widget",
                     [&file](const auto& req, auto& res) { handle_widget_file(file, req, res); });
  }

  // The review console (--console-dir): its pages and hashed files.
  if (s.console_files != nullptr) register_console_routes(router, *s.console_files);
}

}  // namespace sealshot::http
