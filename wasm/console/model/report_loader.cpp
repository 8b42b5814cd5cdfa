#include "report_loader.h"

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "payload.h"

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_NO_STDIO
#include <stb/stb_image.h>

namespace sealshot::console {
namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string megabytes(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", double(bytes) / (1024.0 * 1024.0));
  return text;
}

void wipe(std::vector<std::uint8_t>& v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size());
  v.clear();
}

ManifestFields fields_of(const nlohmann::json& j) {
  const auto text = [&j](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : ""; };
  ManifestFields f;
  f.comment = text("comment");
  f.email = text("email");
  f.category = text("category");
  f.page_url = text("page_url");
  f.user_agent = text("user_agent");
  f.locale = text("locale");
  f.time_zone = text("time_zone");
  f.created_at = text("created_at");
  f.source = text("source");
  if (auto v = j.find("viewport"); v != j.end() && v->is_object()) {
    f.viewport_width = v->value("width", 0);
    f.viewport_height = v->value("height", 0);
  }
  if (auto d = j.find("device_pixel_ratio"); d != j.end() && d->is_number()) f.device_pixel_ratio = d->get<double>();
  if (auto s = j.find("screenshot"); s != j.end() && s->is_object()) {
    if (auto r = s->find("redactions"); r != s->end() && r->is_number_integer()) f.redactions = r->get<int>();
  }
  if (auto e = j.find("console_errors"); e != j.end() && e->is_array()) {
    for (const auto& line : *e) f.console_errors.push_back(line.is_string() ? line.get<std::string>() : line.dump());
  }
  if (auto m = j.find("metadata"); m != j.end() && !m->is_null()) f.metadata_json = m->dump(2);
  if (auto u = j.find("user"); u != j.end() && !u->is_null()) f.user_json = u->dump(2);
  return f;
}

}  // namespace

OpenedReport::~OpenedReport() {
  wipe(png);
  wipe(rgba);
  if (!manifest_json.empty()) sodium_memzero(manifest_json.data(), manifest_json.size());
}

Result<OpenedReport> read_payload(std::span<const std::uint8_t> payload) {
  Result<std::vector<PayloadPart>> parts = payload_unpack(payload);
  if (!parts.ok()) return parts.status();
  if (Status st = report_check_parts(parts.value()); !st.ok()) {
    for (PayloadPart& part : parts.value()) wipe(part.data);
    return st;
  }
  OpenedReport out;
  Status failed;
  for (PayloadPart& part : parts.value()) {
    if (part.name == kManifestPartName && out.manifest_json.empty()) {
      nlohmann::json j = nlohmann::json::parse(part.data.begin(), part.data.end(), nullptr, false);
      if (j.is_discarded() || !j.is_object()) {
        failed = Status(ErrorCode::payload_malformed, "The report's manifest is not JSON.");
      } else {
        out.manifest_json = j.dump(2);
        out.fields = fields_of(j);
      }
    } else if (part.name == kScreenshotPartName && out.png.empty()) {
      int channels = 0;
      unsigned char* pixels = stbi_load_from_memory(part.data.data(), static_cast<int>(part.data.size()), &out.width,
                                                    &out.height, &channels, 4);
      if (pixels == nullptr) {
        failed = Status(ErrorCode::payload_malformed, "The screenshot is not a readable PNG.");
      } else {
        const std::size_t size = std::size_t(out.width) * std::size_t(out.height) * 4;
        out.rgba.assign(pixels, pixels + size);
        sodium_memzero(pixels, size);
        stbi_image_free(pixels);
        out.png = std::move(part.data);
      }
    }
    wipe(part.data);
  }
  if (!failed.ok()) return failed;
  if (out.manifest_json.empty()) return Status(ErrorCode::payload_malformed, "The report has no manifest.");
  return out;
}

std::string describe_open_failure(const Status& status) {
  switch (status.code()) {
    case ErrorCode::envelope_wrong_key:
      if (is_older_key_refusal(status)) return status.message();
      return "This report does not open with the project key you were granted (a wrong or changed key). "
             "Ask an owner to check the project's key fingerprint.";
    case ErrorCode::envelope_corrupt:
    case ErrorCode::envelope_stream_truncated:
      return "This report was altered or damaged after it was sent: it failed authentication, so nothing of it is "
             "shown. (" +
             status.message() + ")";
    case ErrorCode::envelope_wrong_project:
      return "This report was sealed for another project; it is not shown here.";
    case ErrorCode::envelope_truncated:
    case ErrorCode::envelope_trailing_bytes:
    case ErrorCode::envelope_bad_magic:
    case ErrorCode::envelope_bad_version:
    case ErrorCode::envelope_bad_header:
    case ErrorCode::envelope_size_mismatch:
      return "The stored report is not a whole envelope: " + status.message();
    case ErrorCode::grant_open_failed:
    case ErrorCode::key_mismatch:
      if (is_project_pin_refusal(status)) return status.message();
      return "Your grant for this project does not open its key (it was sealed to another key, or the project's key "
             "changed). Ask an owner or admin to grant you access again.";
    case ErrorCode::not_found:
      return "Waiting for access: nobody has granted you this project's key yet, or the report is gone.";
    case ErrorCode::payload_malformed:
      return "The report opened but its contents are malformed: " + status.message();
    default:
      return status.message();
  }
}

ReportLoader::ReportLoader(ReviewClient& api, Session& session, std::string org_id, ProjectItem project,
                           SubmissionItem item)
    : api_(api), session_(session), org_id_(std::move(org_id)), project_(std::move(project)), item_(std::move(item)) {}

void ReportLoader::fail(const Status& status) {
  phase_ = Phase::failed;
  status_ = status;
  error_ = describe_open_failure(status);
  reader_.reset();
  envelope_.clear();
}

void ReportLoader::start() {
  started_ms_ = now_ms();
  phase_ = Phase::key;
  session_.project_keys(api_, org_id_, project_, lifetime_.guard([this](Result<ProjectKeys> key) {
    if (!key.ok()) return fail(key.status());
    phase_ = Phase::downloading;
    const double asked = now_ms();
    request_ = api_.envelope_prefix(
        org_id_, project_.id, item_.id, std::max<std::uint64_t>(item_.size_bytes, 1),
        lifetime_.guard([this, key = key.value(), asked](Result<std::string> envelope) {
          download_ms_ = now_ms() - asked;
          request_ = 0;
          if (!envelope.ok()) return fail(envelope.status());
          envelope_ = std::move(envelope).value();
          const auto* bytes = reinterpret_cast<const std::uint8_t*>(envelope_.data());
          Result<EnvelopeReader> reader =
              EnvelopeReader::begin({bytes, envelope_.size()}, key, project_.id, kMaxPayloadBytes);
          if (!reader.ok()) return fail(reader.status());
          if (Status st = envelope_check_length(reader.value().header(), envelope_.size()); !st.ok()) return fail(st);
          reader_ = std::make_unique<EnvelopeReader>(std::move(reader).value());
          phase_ = Phase::decrypting;
        }));
  }));
}

void ReportLoader::step(double budget_ms) {
  const double begin = now_ms();
  if (phase_ == Phase::decrypting) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(envelope_.data());
    while (!reader_->done()) {
      Result<bool> more = reader_->next({bytes, envelope_.size()});
      if (!more.ok()) return fail(more.status());
      if (!more.value()) return fail(Status(ErrorCode::envelope_truncated, "The envelope ends early."));
      if (now_ms() - begin >= budget_ms) break;
    }
    decrypt_ms_ += now_ms() - begin;
    if (!reader_->done()) return;
    phase_ = Phase::decoding;
    // A report decrypted within this step is decoded in it too (waiting a
    // frame to say "Decoding…" would cost a whole frame for tens of ms of work).
    if (now_ms() - begin >= budget_ms) return;
  }
  if (phase_ == Phase::decoding) {
    const double t = now_ms();
    std::vector<std::uint8_t> payload = reader_->take_plain();
    reader_.reset();
    envelope_.clear();
    envelope_.shrink_to_fit();
    Result<OpenedReport> opened = read_payload(payload);
    wipe(payload);
    decode_ms_ = now_ms() - t;
    if (!opened.ok()) return fail(opened.status());
    report_ = std::move(opened).value();
    phase_ = Phase::ready;
  }
}

float ReportLoader::progress() const {
  switch (phase_) {
    case Phase::downloading: {
      const HttpProgress p = api_.progress(request_);
      const std::uint64_t total = p.total ? p.total : item_.size_bytes;
      return total ? float(double(p.received) / double(total)) : 0.f;
    }
    case Phase::decrypting:
      return reader_ && reader_->header().chunk_count
                 ? float(double(reader_->chunks_done()) / double(reader_->header().chunk_count))
                 : 0.f;
    case Phase::decoding:
    case Phase::ready:
      return 1.f;
    default:
      return 0.f;
  }
}

std::string ReportLoader::progress_text() const {
  switch (phase_) {
    case Phase::key:
      return "Opening the project key…";
    case Phase::downloading: {
      const HttpProgress p = api_.progress(request_);
      return "Downloading the encrypted report: " + megabytes(p.received) + " of " +
             megabytes(p.total ? p.total : item_.size_bytes) + " MB";
    }
    case Phase::decrypting:
      return "Decrypting in this browser: part " + std::to_string(reader_ ? reader_->chunks_done() : 0) + " of " +
             std::to_string(reader_ ? reader_->header().chunk_count : 0);
    case Phase::decoding:
      return "Decoding the screenshot…";
    case Phase::ready:
      return "";
    case Phase::failed:
      return error_;
  }
  return "";
}

}  // namespace sealshot::console
