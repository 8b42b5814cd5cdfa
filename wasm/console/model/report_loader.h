// Opening one report in the report view, without stalling frames: the
// project key (cached), the whole envelope downloaded in the background
// (progress from the HTTP client), then decrypted a few chunks per frame
// (EnvelopeReader), unpacked, and its screenshot decoded to RGBA. Every
// failure ends in phase failed with a sentence a person can act on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "envelope_reader.h"
#include "lifetime.h"
#include "review_client.h"
#include "session.h"

namespace sealshot::console {

// What the report view shows of the manifest (docs/envelope.md; the widget's
// fields in docs/widget.md). Missing fields are empty.
struct ManifestFields {
  std::string comment, email, category, page_url, user_agent, locale, time_zone, created_at, source;
  int viewport_width = 0, viewport_height = 0;
  double device_pixel_ratio = 0;
  int redactions = -1;  // boxes blacked out; -1: the manifest does not say
  std::vector<std::string> console_errors;
  std::string metadata_json;  // custom metadata, pretty-printed; empty: none
  std::string user_json;      // the site's user fields, pretty-printed; empty: none
};

struct OpenedReport {
  std::string manifest_json;  // pretty-printed (the "Download JSON" file)
  ManifestFields fields;
  std::vector<std::uint8_t> png;  // the screenshot as sent ("Download PNG"); empty: none
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgba;  // width * height * 4
  OpenedReport() = default;
  OpenedReport(OpenedReport&&) = default;
  OpenedReport& operator=(OpenedReport&&) = default;
  ~OpenedReport();  // wipes the plaintext
};

// Unpacks a decrypted payload: the manifest's fields and the decoded screenshot.
[[nodiscard]] Result<OpenedReport> read_payload(std::span<const std::uint8_t> payload);

// A failure to open a report, said for a person (wrong key, altered, …).
std::string describe_open_failure(const Status& status);

class ReportLoader {
 public:
  enum class Phase { key, downloading, decrypting, decoding, ready, failed };

  ReportLoader(ReviewClient& api, Session& session, std::string org_id, ProjectItem project, SubmissionItem item);
  ReportLoader(const ReportLoader&) = delete;
  ReportLoader& operator=(const ReportLoader&) = delete;

  void start();
  // Decrypts and decodes for about `budget_ms`; call once a frame.
  void step(double budget_ms);

  Phase phase() const { return phase_; }
  float progress() const;             // 0..1 within the phase
  std::string progress_text() const;  // "Downloading 1.2 of 3.4 MB", …
  const std::string& error() const { return error_; }
  const Status& status() const { return status_; }
  const SubmissionItem& item() const { return item_; }
  const OpenedReport& report() const { return report_; }
  OpenedReport& report() { return report_; }
  std::uint64_t downloaded_bytes() const { return envelope_.size(); }

  // Milliseconds spent, for docs/benchmarks.md.
  double download_ms() const { return download_ms_; }
  double decrypt_ms() const { return decrypt_ms_; }
  double decode_ms() const { return decode_ms_; }

 private:
  void fail(const Status& status);

  ReviewClient& api_;
  Session& session_;
  std::string org_id_;
  ProjectItem project_;
  SubmissionItem item_;
  Phase phase_ = Phase::key;
  RequestId request_ = 0;
  std::string envelope_;
  std::unique_ptr<EnvelopeReader> reader_;
  OpenedReport report_;
  Status status_;
  std::string error_;
  double started_ms_ = 0, download_ms_ = 0, decrypt_ms_ = 0, decode_ms_ = 0;
  Lifetime lifetime_;  // last: replies to a closed report are dropped
};

}  // namespace sealshot::console
