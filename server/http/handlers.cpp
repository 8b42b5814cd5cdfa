#include "http/handlers.h"

#include <nlohmann/json.hpp>

#include "http/client_address.h"
#include "http/cors.h"
#include "http/json_error.h"
#include "http/request_context.h"

namespace sealshot::http {
namespace {

// A refusal sent before the body was read to its end: the connection must
// close (request_context.h).
void refuse_unread(httplib::Response& res, int status, std::string_view code, std::string_view message) {
  write_error(res, status, code, message);
  close_connection_after(res);
}

void refuse_rate_limited(httplib::Response& res, const RateDecision& decision, std::string_view message) {
  res.set_header("Retry-After", std::to_string(decision.retry_after_seconds));
  refuse_unread(res, 429, "rate_limited", message);
}

// Storage failures count in /metrics; not_found stays a client error.
void refuse_storage(Services& services, httplib::Response& res, const Status& status, bool body_unread) {
  if (status.code() == ErrorCode::storage_full || status.code() == ErrorCode::storage_error) {
    services.metrics.add_storage_error();
    services.log.error("storage_failed", {{"error", error_code_name(status.code())}, {"message", status.message()}});
  }
  write_error(res, status);
  if (body_unread) close_connection_after(res);
}

int status_for(IngestRefusal::Kind kind) {
  using Kind = IngestRefusal::Kind;
  switch (kind) {
    case Kind::media_type:
      return 415;
    case Kind::too_large:
      return 413;
    case Kind::daily_quota:
      return 429;
    case Kind::storage_quota:
    case Kind::disk_floor:
      return 507;
    case Kind::bad_request:
    case Kind::storage:
      break;
  }
  return 400;
}

// Every refusal of admit() comes before the body is read: the connection closes.
void refuse_admission(Services& services, httplib::Response& res, const IngestRefusal& refusal) {
  using Kind = IngestRefusal::Kind;
  if (refusal.kind == Kind::storage) {
    refuse_storage(services, res, refusal.storage_status, true);
    return;
  }
  if (refusal.kind == Kind::daily_quota || refusal.kind == Kind::storage_quota || refusal.kind == Kind::disk_floor) {
    // Which project hit which limit: the request log line carries both
    // (project id and error code); the metric counts them.
    services.metrics.add_quota_refusal(refusal.code);
    const std::string& project = current_request().project_id;
    if (services.ingest.first_refusal_today(project, refusal.code)) {
      services.log.warn("quota_reached", {{"project", project}, {"limit", refusal.code}});
    }
  }
  if (refusal.kind == Kind::daily_quota) res.set_header("Retry-After", std::to_string(refusal.retry_after_seconds));
  refuse_unread(res, status_for(refusal.kind), refusal.code, refusal.message);
}

// Project lookup shared by the preflight and the upload (`body_pending`:
// a refusal must close the connection, the body was not read).
std::optional<server::Project> find_project_or_refuse(Services& services, const httplib::Request& req,
                                                      httplib::Response& res, bool body_pending) {
  const std::string& project_id = req.path_params.at("project");
  auto project = services.ingest.find_project(project_id);
  if (!project.ok()) {
    if (project.code() == ErrorCode::not_found) {
      write_error(res, 404, "project_not_found", "No project with this id accepts submissions here.");
      if (body_pending) close_connection_after(res);
    } else {
      refuse_storage(services, res, project.status(), body_pending);
    }
    return std::nullopt;
  }
  current_request().project_id = project_id;
  return std::move(project).value();
}

}  // namespace

void handle_healthz(const httplib::Request&, httplib::Response& res) { write_json(res, 200, {{"status", "ok"}}); }

void handle_readyz(Services& services, const httplib::Request&, httplib::Response& res) {
  if (services.draining.load()) {
    write_error(res, 503, "draining", "The server is shutting down.");
    return;
  }
  Status ping = services.storage.ping();
  if (!ping.ok()) {
    services.metrics.add_storage_error();
    write_error(res, 503, "storage_unavailable", "Storage does not answer: " + ping.message());
    return;
  }
  // A full disk answers every upload 507: an instance in that state should
  // be taken out before, while it still has room for the database and logs.
  auto available = services.storage.available_bytes();
  if (!available.ok()) {
    services.metrics.add_storage_error();
    write_error(res, 503, "storage_unavailable", available.message());
    return;
  }
  if (available.value() <= services.limits.min_free_disk_bytes) {
    write_error(res, 503, "storage_full",
                "Free disk space (" + std::to_string(available.value() >> 20) + " MiB) is at or below the floor of " +
                    std::to_string(services.limits.min_free_disk_bytes >> 20) + " MiB (--min-free-disk-bytes).");
    return;
  }
  write_json(res, 200, {{"status", "ready"}});
}

void handle_metrics(Services& services, const httplib::Request&, httplib::Response& res) {
  // Counts and latencies are operational data, not for the public internet
  // by default (a load balancer could turn them into a map of the site).
  if (!services.metrics_public && !is_loopback(current_request().client_address)) {
    write_error(res, 403, "forbidden", "Metrics are served to loopback clients only (see --metrics-public).");
    return;
  }
  res.status = 200;
  res.set_content(services.metrics.render_prometheus(), "text/plain; version=0.0.4; charset=utf-8");
}

void handle_ingest_preflight(Services& services, const httplib::Request& req, httplib::Response& res) {
  auto project = find_project_or_refuse(services, req, res, false);
  if (!project) return;
  const CorsDecision cors = cors_check(req, *project);
  cors_apply_preflight(res, cors);
  if (cors.verdict != OriginVerdict::allowed) {
    write_error(res, 403, "origin_not_allowed", "This origin may not post to this project.");
    return;
  }
  res.status = 204;
}

void handle_ingest(Services& services, const httplib::Request& req, httplib::Response& res,
                   const httplib::ContentReader& read_body) {
  RequestContext& context = current_request();
  // Per client first: it is the cheapest check and protects storage.
  const RateDecision per_ip = services.ip_limiter.take(client_group_key(context.client_address));
  if (!per_ip.allowed) {
    refuse_rate_limited(res, per_ip, "Too many submissions from this client; retry later.");
    return;
  }
  auto project = find_project_or_refuse(services, req, res, true);
  if (!project) return;
  const CorsDecision cors = cors_check(req, *project);
  cors_apply(res, cors);
  if (cors.verdict == OriginVerdict::refused) {
    refuse_unread(res, 403, "origin_not_allowed", "This origin may not post to this project.");
    return;
  }
  const RateDecision per_project = services.project_limiter.take(project->id);
  if (!per_project.allowed) {
    refuse_rate_limited(res, per_project, "This project receives too many submissions; retry later.");
    return;
  }
  IngestRequest request;
  const std::string content_type = req.get_header_value("Content-Type");
  const std::string idempotency_key = req.get_header_value("Idempotency-Key");
  request.content_type = content_type;
  request.content_length = context.content_length;  // the pre-routing check made it one well-formed value
  request.idempotency_key_count = req.get_header_value_count("Idempotency-Key");
  request.idempotency_key = idempotency_key;
  IngestService::Admission admission = services.ingest.admit(*project, request);
  if (admission.refusal) {
    refuse_admission(services, res, *admission.refusal);
    return;
  }
  EnvelopeUpload& upload = *admission.upload;
  const std::uint64_t declared = upload.declared_length();

  const auto deadline = context.start + services.limits.body_timeout;
  Status failure;
  bool timed_out = false;
  const bool complete = read_body([&](const char* data, std::size_t size) {
    if (std::chrono::steady_clock::now() > deadline) {
      timed_out = true;
      return false;
    }
    failure = upload.consume(std::span(reinterpret_cast<const std::uint8_t*>(data), size));
    context.bytes_in = upload.received();
    return failure.ok();
  });
  const bool body_unread = upload.received() < declared;
  if (!failure.ok()) {
    refuse_storage(services, res, failure, body_unread);
    return;
  }
  if (timed_out) {
    refuse_unread(res, 408, "body_timeout", "The body took longer than the server allows.");
    return;
  }
  if (!complete || body_unread) {
    refuse_unread(res, 400, "envelope_truncated",
                  "The body ended after " + std::to_string(upload.received()) + " of the " + std::to_string(declared) +
                      " bytes announced by Content-Length.");
    return;
  }

  auto committed = upload.finish();
  if (!committed.ok()) {
    refuse_storage(services, res, committed.status(), false);
    return;
  }
  const server::CommitResult& result = committed.value();
  services.metrics.add_submission(result.created);
  context.submission_id = result.submission.id;
  // A retry with the same Idempotency-Key gets the first submission's id
  // with 200: nothing new was created by this request.
  if (!result.created) res.set_header("Idempotent-Replayed", "true");
  write_json(res, result.created ? 201 : 200, {{"id", result.submission.id}});
}

}  // namespace sealshot::http
