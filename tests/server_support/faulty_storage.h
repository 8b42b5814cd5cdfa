// A Storage decorator for the server tests: forwards to the real SQLite
// storage and injects failures on demand (disk full while an envelope
// streams in, a storage that stops answering pings).
#pragma once

#include <atomic>
#include <memory>

#include "storage/storage.h"

namespace sealshot::test {

class FaultyStorage final : public server::Storage {
 public:
  explicit FaultyStorage(server::Storage& real) : real_(real) {}

  std::atomic<ErrorCode> write_fault{ErrorCode::ok};  // returned by every SubmissionWriter::write
  std::atomic<bool> ping_fails{false};

  Result<server::Project> create_project(const server::NewProject& p) override { return real_.create_project(p); }
  Result<server::Project> get_project(std::string_view id) override { return real_.get_project(id); }
  Result<std::vector<server::Project>> list_projects() override { return real_.list_projects(); }
  Status set_project_origins(std::string_view id, const std::vector<std::string>& origins) override {
    return real_.set_project_origins(id, origins);
  }
  Status set_project_quotas(std::string_view id, const server::ProjectQuotas& quotas) override {
    return real_.set_project_quotas(id, quotas);
  }
  Result<server::ProjectUsage> get_project_usage(std::string_view id, std::int64_t now_ms) override {
    return real_.get_project_usage(id, now_ms);
  }
  Result<std::unique_ptr<server::SubmissionWriter>> begin_submission(std::string_view project_id,
                                                                     std::string_view idempotency_key) override;
  Result<server::SubmissionPage> list_submissions(std::string_view id, const server::ListQuery& q) override {
    return real_.list_submissions(id, q);
  }
  Result<server::Submission> get_submission(std::string_view p, std::string_view id) override {
    return real_.get_submission(p, id);
  }
  Result<std::vector<std::uint8_t>> read_envelope(std::string_view p, std::string_view id) override {
    return real_.read_envelope(p, id);
  }
  Result<std::vector<std::uint8_t>> read_envelope_part(std::string_view p, std::string_view id, std::uint64_t offset,
                                                       std::uint64_t length) override {
    return real_.read_envelope_part(p, id, offset, length);
  }
  Status set_status(std::string_view p, std::string_view id, server::SubmissionStatus s) override {
    return real_.set_status(p, id, s);
  }
  Status set_assignee(std::string_view p, std::string_view id, std::string_view person) override {
    return real_.set_assignee(p, id, person);
  }
  Status delete_submission(std::string_view p, std::string_view id) override { return real_.delete_submission(p, id); }
  Result<std::uint64_t> purge_expired(std::int64_t now_ms) override { return real_.purge_expired(now_ms); }
  Status set_project_name(std::string_view id, const std::string& name) override {
    return real_.set_project_name(id, name);
  }
  Status set_project_retention(std::string_view id, std::uint32_t days) override {
    return real_.set_project_retention(id, days);
  }
  Result<std::uint64_t> delete_project(std::string_view id) override { return real_.delete_project(id); }
  Status set_tags(std::string_view p, std::string_view id, const std::vector<std::string>& tags) override {
    return real_.set_tags(p, id, tags);
  }
  Result<std::vector<std::string>> set_status_many(std::string_view p, const std::vector<std::string>& ids,
                                                   server::SubmissionStatus status) override {
    return real_.set_status_many(p, ids, status);
  }
  Result<std::vector<std::string>> delete_many(std::string_view p, const std::vector<std::string>& ids) override {
    return real_.delete_many(p, ids);
  }
  Result<server::Note> add_note(std::string_view p, std::string_view id, std::string_view author,
                                std::string_view sealed) override {
    return real_.add_note(p, id, author, sealed);
  }
  Result<std::vector<server::Note>> list_notes(std::string_view p, std::string_view id) override {
    return real_.list_notes(p, id);
  }
  Status delete_note(std::string_view p, std::string_view id, std::string_view note, std::string_view author) override {
    return real_.delete_note(p, id, note, author);
  }
  server::AccountStore& accounts() override { return real_.accounts(); }
  Result<server::ConsistencyReport> check_and_repair() override { return real_.check_and_repair(); }
  Status backup_to(const std::string& directory) override { return real_.backup_to(directory); }
  Status ping() override {
    if (ping_fails.load()) return {ErrorCode::storage_error, "injected: database unavailable"};
    return real_.ping();
  }
  Result<std::uint64_t> available_bytes() override { return real_.available_bytes(); }

 private:
  server::Storage& real_;
};

}  // namespace sealshot::test
