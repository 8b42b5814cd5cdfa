// The inbox of one project: submissions newest first, a page at a time, and
// for the rows on screen a preview decrypted from the first chunk of each
// envelope (HTTP Range), kept for the session. The ImGui layer draws rows()
// and calls load_previews() with the clipper's visible range.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "report_preview.h"
#include "review_client.h"
#include "session.h"

namespace sealshot::console {

struct InboxRow {
  SubmissionItem item;
  enum class Preview { not_loaded, loaded, failed } preview_state = Preview::not_loaded;
  ReportPreview preview;
  std::string preview_error;  // a sentence for the row when failed
};

class InboxModel {
 public:
  InboxModel(ReviewClient& api, Session& session, std::string org_id, ProjectItem project, int page_size = 100);

  // The first page again (after a status change elsewhere, or on open).
  [[nodiscard]] Status reload();
  [[nodiscard]] Status load_next_page();
  bool has_more() const { return !next_cursor_.empty(); }

  const std::vector<InboxRow>& rows() const { return rows_; }
  const ProjectItem& project() const { return project_; }

  // Previews for rows [first, last) not loaded yet. A missing grant or a
  // wrong key fails each row with a sentence; the model never throws.
  void load_previews(std::size_t first, std::size_t last);

  [[nodiscard]] Status set_status(std::size_t row, const std::string& status);

  // Envelope bytes fetched for previews (docs/benchmarks.md compares this
  // with downloading whole envelopes).
  std::uint64_t preview_bytes() const { return preview_bytes_; }

 private:
  ReviewClient& api_;
  Session& session_;
  std::string org_id_;
  ProjectItem project_;
  int page_size_;
  std::string next_cursor_;
  std::vector<InboxRow> rows_;
  std::uint64_t preview_bytes_ = 0;
};

}  // namespace sealshot::console
