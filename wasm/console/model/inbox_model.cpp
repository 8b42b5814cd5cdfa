#include "inbox_model.h"

#include <algorithm>

namespace sealshot::console {

InboxModel::InboxModel(ReviewClient& api, Session& session, std::string org_id, ProjectItem project, int page_size)
    : api_(api), session_(session), org_id_(std::move(org_id)), project_(std::move(project)), page_size_(page_size) {}

Status InboxModel::reload() {
  Result<SubmissionPage> page = api_.submissions(org_id_, project_.id, "", page_size_);
  if (!page.ok()) return page.status();
  // Previews already decrypted stay (the cache is per submission id).
  std::vector<InboxRow> rows;
  for (SubmissionItem& item : page.value().items) {
    InboxRow row;
    auto known = std::find_if(rows_.begin(), rows_.end(), [&](const InboxRow& r) { return r.item.id == item.id; });
    if (known != rows_.end() && known->preview_state == InboxRow::Preview::loaded) row = *known;
    row.item = std::move(item);
    rows.push_back(std::move(row));
  }
  rows_ = std::move(rows);
  next_cursor_ = page.value().next_cursor;
  return {};
}

Status InboxModel::load_next_page() {
  if (next_cursor_.empty()) return {};
  Result<SubmissionPage> page = api_.submissions(org_id_, project_.id, next_cursor_, page_size_);
  if (!page.ok()) return page.status();
  for (SubmissionItem& item : page.value().items) rows_.push_back(InboxRow{std::move(item), {}, {}, {}});
  next_cursor_ = page.value().next_cursor;
  return {};
}

void InboxModel::load_previews(std::size_t first, std::size_t last) {
  last = std::min(last, rows_.size());
  for (std::size_t i = first; i < last; ++i) {
    InboxRow& row = rows_[i];
    if (row.preview_state != InboxRow::Preview::not_loaded) continue;
    Result<SecretKey> key = session_.project_key(api_, org_id_, project_);
    if (!key.ok()) {
      row.preview_state = InboxRow::Preview::failed;
      row.preview_error = key.code() == ErrorCode::not_found
                              ? "Waiting for access: nobody has granted you this project's key yet."
                              : "This project's key does not open: " + key.message();
      continue;
    }
    const std::uint64_t want = std::min<std::uint64_t>(kPreviewPrefixBytes, row.item.size_bytes);
    Result<std::string> prefix = api_.envelope_prefix(org_id_, project_.id, row.item.id, want);
    if (!prefix.ok()) {
      row.preview_state = InboxRow::Preview::failed;
      row.preview_error = prefix.message();
      continue;
    }
    preview_bytes_ += prefix.value().size();
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(prefix.value().data());
    Result<ReportPreview> preview = preview_from_prefix({bytes, prefix.value().size()}, key.value(), project_.id);
    if (preview.ok()) {
      row.preview = std::move(preview).value();
      row.preview_state = InboxRow::Preview::loaded;
    } else {
      row.preview_state = InboxRow::Preview::failed;
      row.preview_error = preview.code() == ErrorCode::envelope_truncated
                              ? "The comment is longer than the first part fetched; open the report to read it."
                              : "This report cannot be opened: " + preview.message();
    }
  }
}

Status InboxModel::set_status(std::size_t row, const std::string& status) {
  if (row >= rows_.size()) return Status(ErrorCode::invalid_argument, "No such row.");
  Result<SubmissionItem> updated = api_.set_status(org_id_, project_.id, rows_[row].item.id, status);
  if (!updated.ok()) return updated.status();
  rows_[row].item.status = updated.value().status;
  return {};
}

}  // namespace sealshot::console
