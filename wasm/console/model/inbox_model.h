// The inbox of one project: submissions newest first, a page at a time,
// filtered by the server (status, assignee, dates) and searched here (the
// comments are ciphertext to the server, so it cannot search them). For
// the rows on screen a preview is decrypted from the first chunk of each
// envelope (HTTP Range), in the background and kept for the session.
//
// Nothing here blocks: list, preview and change requests start at once and
// their answers land through ReviewClient::pump(). The ImGui layer draws
// rows()/shown() and calls want_previews() with the clipper's range.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "lifetime.h"
#include "report_preview.h"
#include "review_client.h"
#include "session.h"

namespace sealshot::console {

struct PreviewEntry {
  enum class State { not_loaded, loading, loaded, failed } state = State::not_loaded;
  ReportPreview preview;
  std::string error;  // a sentence for the row when failed
};

class InboxModel {
 public:
  // At most this many preview requests at once (the browser's per-origin
  // connection limit is 6 on HTTP/1.1; leave room for the list and a report).
  static constexpr std::size_t kMaxPreviewRequests = 4;

  InboxModel(ReviewClient& api, Session& session, std::string org_id, ProjectItem project, int page_size = 100);
  InboxModel(const InboxModel&) = delete;
  InboxModel& operator=(const InboxModel&) = delete;

  // The first page again, with the current filter (previews stay cached).
  void reload();
  void load_next_page();
  bool loading() const { return list_in_flight_; }
  bool has_more() const { return !next_cursor_.empty(); }
  // The last list request's failure; ok once one succeeds.
  const Status& list_status() const { return list_status_; }

  // Server-side filters: a change reloads.
  void set_filter(const SubmissionQuery& filter);
  const SubmissionQuery& filter() const { return filter_; }
  // Client-side search over the decrypted comments and page URLs (case-
  // insensitive for ASCII). While it is set, every row's preview is fetched.
  void set_search(const std::string& text);
  const std::string& search() const { return search_; }

  const std::vector<SubmissionItem>& rows() const { return rows_; }
  const PreviewEntry& preview(std::size_t row) const;
  // The rows to draw: all of them, or with a search those whose decrypted
  // text matches (rows not decrypted yet are left out and counted).
  const std::vector<std::size_t>& shown() const;
  std::size_t search_pending() const;
  const ProjectItem& project() const { return project_; }
  const std::string& org_id() const { return org_id_; }
  // The row of a submission id, or -1.
  int index_of(const std::string& submission_id) const;

  // Rows [first, last) on screen: their previews are fetched first.
  void want_previews(std::size_t first, std::size_t last);

  // Changes through the API; `done` gets the outcome (the row is updated on
  // success, removed on delete).
  void set_status(const std::string& submission_id, const std::string& status, std::function<void(Status)> done);
  void assign(const std::string& submission_id, const std::string& person_id, std::function<void(Status)> done);
  void remove(const std::string& submission_id, std::function<void(Status)> done);
  // Replaces the report's tags (tags_from_text checked them).
  void set_tags(const std::string& submission_id, const std::vector<std::string>& tags,
                std::function<void(Status)> done);

  // Rows picked for a bulk change (by submission id; kept across reloads
  // while their rows are loaded, dropped with them).
  void toggle_selected(const std::string& submission_id);
  // Every row shown (after the search) picked, or none.
  void select_shown(bool on);
  bool selected(const std::string& submission_id) const { return selected_.count(submission_id) > 0; }
  const std::set<std::string>& selection() const { return selected_; }
  // The status of every picked row, in requests of at most kMaxBulkIds each;
  // `done` once all answered, with the first refusal (if any) and how many
  // rows changed. Rows deleted meanwhile by someone else are left out.
  void bulk_set_status(const std::string& status, std::function<void(Status, std::size_t changed)> done);
  // Deletes every picked row (the same batching); picked rows go with them.
  void bulk_remove(std::function<void(Status, std::size_t deleted)> done);

  // Envelope bytes fetched for previews (docs/benchmarks.md compares this
  // with downloading whole envelopes).
  std::uint64_t preview_bytes() const { return preview_bytes_; }
  std::size_t previews_in_flight() const { return in_flight_; }

 private:
  void on_page(Result<SubmissionPage> page, bool replace);
  void dispatch();
  void fetch_preview(const std::string& id, std::uint64_t size);
  void update_row(const SubmissionItem& item);
  void erase_row(const std::string& submission_id);
  // Runs `one` for each batch of the selection; `done` after the last answer.
  void for_selection_batches(std::function<void(const std::vector<std::string>&, Reply<std::vector<std::string>>)> one,
                             std::function<void(const std::vector<std::string>&)> each_answer,
                             std::function<void(Status, std::size_t)> done);
  void invalidate_shown() { shown_valid_ = false; }

  ReviewClient& api_;
  Session& session_;
  std::string org_id_;
  ProjectItem project_;
  int page_size_;
  SubmissionQuery filter_;
  std::string search_;
  std::string next_cursor_;
  bool list_in_flight_ = false;
  Status list_status_;
  std::vector<SubmissionItem> rows_;
  std::unordered_map<std::string, PreviewEntry> previews_;  // by submission id; kept across filters
  std::set<std::string> selected_;
  std::deque<std::string> queue_;  // submission ids whose preview is wanted
  std::size_t in_flight_ = 0;
  std::uint64_t preview_bytes_ = 0;
  mutable std::vector<std::size_t> shown_;
  mutable bool shown_valid_ = false;
  Lifetime list_lifetime_;  // a reload drops the answers of older list requests
  Lifetime lifetime_;       // last: answers after the inbox closed are dropped
};

}  // namespace sealshot::console
