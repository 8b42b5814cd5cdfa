#include "inbox_model.h"

#include <algorithm>
#include <cctype>

#include "report_loader.h"

namespace sealshot::console {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

InboxModel::InboxModel(ReviewClient& api, Session& session, std::string org_id, ProjectItem project, int page_size)
    : api_(api), session_(session), org_id_(std::move(org_id)), project_(std::move(project)), page_size_(page_size) {}

void InboxModel::reload() {
  list_lifetime_.reset();  // an answer to an older filter must not land over this one
  list_in_flight_ = true;
  api_.submissions(
      org_id_, project_.id, filter_, "", page_size_,
      lifetime_.guard(list_lifetime_.guard([this](Result<SubmissionPage> page) { on_page(std::move(page), true); })));
}

void InboxModel::load_next_page() {
  if (next_cursor_.empty() || list_in_flight_) return;
  list_in_flight_ = true;
  api_.submissions(
      org_id_, project_.id, filter_, next_cursor_, page_size_,
      lifetime_.guard(list_lifetime_.guard([this](Result<SubmissionPage> page) { on_page(std::move(page), false); })));
}

void InboxModel::on_page(Result<SubmissionPage> page, bool replace) {
  list_in_flight_ = false;
  if (!page.ok()) {
    list_status_ = page.status();
    return;
  }
  list_status_ = {};
  if (replace) rows_.clear();
  for (SubmissionItem& item : page.value().items) rows_.push_back(std::move(item));
  next_cursor_ = page.value().next_cursor;
  if (replace) {
    // A picked row the new list no longer holds (another filter, deleted
    // elsewhere) is not changed by a bulk action the person cannot see.
    for (auto it = selected_.begin(); it != selected_.end();) {
      it = index_of(*it) < 0 ? selected_.erase(it) : std::next(it);
    }
  }
  invalidate_shown();
  if (!search_.empty()) set_search(search_);  // new rows join the search
}

void InboxModel::set_filter(const SubmissionQuery& filter) {
  if (filter == filter_) return;
  filter_ = filter;
  next_cursor_.clear();
  reload();
}

void InboxModel::set_search(const std::string& text) {
  search_ = text;
  invalidate_shown();
  if (search_.empty()) return;
  // The server cannot search ciphertext: every row's comment is decrypted here.
  for (const SubmissionItem& item : rows_) {
    const PreviewEntry& p = previews_[item.id];
    if (p.state == PreviewEntry::State::not_loaded &&
        std::find(queue_.begin(), queue_.end(), item.id) == queue_.end()) {
      queue_.push_back(item.id);
    }
  }
  dispatch();
}

const PreviewEntry& InboxModel::preview(std::size_t row) const {
  static const PreviewEntry none;
  if (row >= rows_.size()) return none;
  auto it = previews_.find(rows_[row].id);
  return it == previews_.end() ? none : it->second;
}

const std::vector<std::size_t>& InboxModel::shown() const {
  if (shown_valid_) return shown_;
  shown_.clear();
  const std::string needle = lower(search_);
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (needle.empty()) {
      shown_.push_back(i);
      continue;
    }
    const PreviewEntry& p = preview(i);
    if (p.state != PreviewEntry::State::loaded) continue;
    if (lower(p.preview.comment).find(needle) != std::string::npos ||
        lower(p.preview.page_url).find(needle) != std::string::npos) {
      shown_.push_back(i);
    }
  }
  shown_valid_ = true;
  return shown_;
}

std::size_t InboxModel::search_pending() const {
  if (search_.empty()) return 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    const auto state = preview(i).state;
    if (state == PreviewEntry::State::not_loaded || state == PreviewEntry::State::loading) ++n;
  }
  return n;
}

int InboxModel::index_of(const std::string& submission_id) const {
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (rows_[i].id == submission_id) return int(i);
  }
  return -1;
}

void InboxModel::want_previews(std::size_t first, std::size_t last) {
  last = std::min(last, rows_.size());
  // The rows on screen go to the front of the queue, in order.
  for (std::size_t i = last; i > first; --i) {
    const SubmissionItem& item = rows_[i - 1];
    if (previews_[item.id].state != PreviewEntry::State::not_loaded) continue;
    auto queued = std::find(queue_.begin(), queue_.end(), item.id);
    if (queued != queue_.end()) queue_.erase(queued);
    queue_.push_front(item.id);
  }
  dispatch();
}

void InboxModel::dispatch() {
  // Signed out or unreachable: asking again every frame would only repeat the
  // refusal; the queue waits until an answer says the server is back.
  if (api_.link() != Link::ok) return;
  while (in_flight_ < kMaxPreviewRequests && !queue_.empty()) {
    const std::string id = queue_.front();
    queue_.pop_front();
    const int row = index_of(id);
    PreviewEntry& entry = previews_[id];
    if (row < 0 || entry.state != PreviewEntry::State::not_loaded) continue;
    entry.state = PreviewEntry::State::loading;
    fetch_preview(id, rows_[std::size_t(row)].size_bytes);
  }
}

void InboxModel::fetch_preview(const std::string& id, std::uint64_t size) {
  ++in_flight_;
  const auto finish = [this, id](PreviewEntry::State state, ReportPreview preview, std::string error) {
    --in_flight_;
    PreviewEntry& entry = previews_[id];
    entry.state = state;
    entry.preview = std::move(preview);
    entry.error = std::move(error);
    invalidate_shown();
    dispatch();
  };
  session_.project_keys(api_, org_id_, project_, lifetime_.guard([this, id, size, finish](Result<ProjectKeys> key) {
    if (!key.ok()) {
      // A lost session or an unreachable server is the app's banner, and
      // the row is asked again afterwards; anything else is this row's sentence.
      if (key.code() == ErrorCode::unauthenticated || api_.link() != Link::ok) {
        return finish(PreviewEntry::State::not_loaded, {}, "");
      }
      return finish(PreviewEntry::State::failed, {}, describe_open_failure(key.status()));
    }
    const std::uint64_t want = std::min<std::uint64_t>(kPreviewPrefixBytes, std::max<std::uint64_t>(size, 1));
    api_.envelope_prefix(
        org_id_, project_.id, id, want, lifetime_.guard([this, key = key.value(), finish](Result<std::string> prefix) {
          if (!prefix.ok()) {
            if (prefix.code() == ErrorCode::unauthenticated || api_.link() != Link::ok) {
              return finish(PreviewEntry::State::not_loaded, {}, "");
            }
            return finish(PreviewEntry::State::failed, {}, prefix.message());
          }
          preview_bytes_ += prefix.value().size();
          const auto* bytes = reinterpret_cast<const std::uint8_t*>(prefix.value().data());
          Result<ReportPreview> preview = preview_from_prefix({bytes, prefix.value().size()}, key, project_.id);
          if (preview.ok()) return finish(PreviewEntry::State::loaded, std::move(preview).value(), "");
          finish(PreviewEntry::State::failed, {},
                 preview.code() == ErrorCode::envelope_truncated
                     ? "The comment is longer than the first part fetched; open the report to read it."
                     : describe_open_failure(preview.status()));
        }));
  }));
}

void InboxModel::update_row(const SubmissionItem& item) {
  const int row = index_of(item.id);
  if (row >= 0) rows_[std::size_t(row)] = item;
  invalidate_shown();
}

void InboxModel::set_status(const std::string& submission_id, const std::string& status,
                            std::function<void(Status)> done) {
  api_.set_status(org_id_, project_.id, submission_id, status,
                  lifetime_.guard([this, done](Result<SubmissionItem> item) {
                    if (item.ok()) update_row(item.value());
                    done(item.status());
                  }));
}

void InboxModel::assign(const std::string& submission_id, const std::string& person_id,
                        std::function<void(Status)> done) {
  api_.assign(org_id_, project_.id, submission_id, person_id,
              lifetime_.guard([this, done](Result<SubmissionItem> item) {
                if (item.ok()) update_row(item.value());
                done(item.status());
              }));
}

void InboxModel::remove(const std::string& submission_id, std::function<void(Status)> done) {
  api_.remove(org_id_, project_.id, submission_id, lifetime_.guard([this, submission_id, done](Result<Done> r) {
    if (r.ok()) erase_row(submission_id);
    done(r.status());
  }));
}

void InboxModel::erase_row(const std::string& submission_id) {
  const int row = index_of(submission_id);
  if (row >= 0) rows_.erase(rows_.begin() + row);
  previews_.erase(submission_id);
  selected_.erase(submission_id);
  invalidate_shown();
}

void InboxModel::set_tags(const std::string& submission_id, const std::vector<std::string>& tags,
                          std::function<void(Status)> done) {
  api_.set_tags(org_id_, project_.id, submission_id, tags, lifetime_.guard([this, done](Result<SubmissionItem> item) {
    if (item.ok()) update_row(item.value());
    done(item.status());
  }));
}

void InboxModel::toggle_selected(const std::string& submission_id) {
  if (!selected_.erase(submission_id) && index_of(submission_id) >= 0) selected_.insert(submission_id);
}

void InboxModel::select_shown(bool on) {
  selected_.clear();
  if (!on) return;
  for (std::size_t i : shown()) selected_.insert(rows_[i].id);
}

void InboxModel::for_selection_batches(
    std::function<void(const std::vector<std::string>&, Reply<std::vector<std::string>>)> one,
    std::function<void(const std::vector<std::string>&)> each_answer, std::function<void(Status, std::size_t)> done) {
  struct Tally {
    std::size_t waiting = 0, changed = 0;
    Status first_refusal;
  };
  auto tally = std::make_shared<Tally>();
  std::vector<std::vector<std::string>> batches;
  for (const std::string& id : selected_) {
    if (batches.empty() || batches.back().size() == ReviewClient::kMaxBulkIds) batches.emplace_back();
    batches.back().push_back(id);
  }
  if (batches.empty()) batches.emplace_back();  // the client refuses it: the answer still comes from pump()
  tally->waiting = batches.size();
  for (const auto& batch : batches) {
    one(batch, lifetime_.guard([tally, each_answer, done](Result<std::vector<std::string>> r) {
      if (r.ok()) {
        tally->changed += r.value().size();
        each_answer(r.value());
      } else if (tally->first_refusal.ok()) {
        tally->first_refusal = r.status();
      }
      if (--tally->waiting == 0) done(tally->first_refusal, tally->changed);
    }));
  }
}

void InboxModel::bulk_set_status(const std::string& status, std::function<void(Status, std::size_t)> done) {
  for_selection_batches(
      [this, status](const std::vector<std::string>& ids, Reply<std::vector<std::string>> reply) {
        api_.bulk_status(org_id_, project_.id, ids, status, std::move(reply));
      },
      [this, status](const std::vector<std::string>& changed) {
        for (const std::string& id : changed) {
          const int row = index_of(id);
          if (row >= 0) rows_[std::size_t(row)].status = status;
        }
        invalidate_shown();
      },
      std::move(done));
}

void InboxModel::bulk_remove(std::function<void(Status, std::size_t)> done) {
  for_selection_batches(
      [this](const std::vector<std::string>& ids, Reply<std::vector<std::string>> reply) {
        api_.bulk_delete(org_id_, project_.id, ids, std::move(reply));
      },
      [this](const std::vector<std::string>& deleted) {
        for (const std::string& id : deleted) erase_row(id);
      },
      std::move(done));
}

}  // namespace sealshot::console
