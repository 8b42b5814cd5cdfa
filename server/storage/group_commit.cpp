#include "group_commit.h"

namespace sealshot::server {

GroupCommitter::GroupCommitter(sqlite::Connection connection, std::unique_ptr<WriteTurn> turn, std::size_t max_batch,
                               BeforeCommit before_commit)
    : db_(std::move(connection)),
      turn_(std::move(turn)),
      max_batch_(max_batch == 0 ? 1 : max_batch),
      before_commit_(std::move(before_commit)),
      thread_([this] { loop(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_one();
  thread_.join();
}

Status GroupCommitter::run(Job job) {
  Pending pending{std::move(job), {}, false};
  std::unique_lock lock(mutex_);
  if (stopping_) return {ErrorCode::storage_error, "The storage is shutting down."};
  queue_.push_back(&pending);
  work_ready_.notify_one();
  work_done_.wait(lock, [&] { return pending.done; });
  return pending.result;
}

void GroupCommitter::loop() {
  std::deque<Pending*> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      // Everything that arrived while the last batch was syncing goes in now:
      // no timer, so a lone request never waits for company.
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    commit_batch(batch);
    {
      std::lock_guard lock(mutex_);
      for (Pending* p : batch) p->done = true;
    }
    work_done_.notify_all();
    batch.clear();
  }
}

void GroupCommitter::commit_batch(std::deque<Pending*>& batch) {
  transactions_.fetch_add(1);
  jobs_.fetch_add(batch.size());
  // IMMEDIATE takes the write lock up front, waiting (busy_timeout) for
  // another process such as the admin CLI instead of failing mid-batch; in
  // turn, so that process is not starved by batches back to back.
  if (Status s = turn_->begin_immediate(db_, "start a transaction"); !s.ok()) {
    for (Pending* p : batch) p->result = s;
    return;
  }
  bool any_ok = false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Pending* p = batch[i];
    if (Status s = db_.exec("SAVEPOINT job", "start a write"); !s.ok()) {
      p->result = s;
      continue;
    }
    try {
      p->result = p->job(db_);
    } catch (...) {  // e.g. bad_alloc: nothing may escape storage
      p->result = {ErrorCode::storage_error, "A database write failed unexpectedly."};
    }
    if (p->result.ok()) p->result = db_.exec("RELEASE job", "finish a write");
    if (!p->result.ok()) {
      if (sqlite3_get_autocommit(db_.handle())) {
        // SQLITE_FULL, IOERR and NOMEM can roll back the whole transaction,
        // not just this job: the jobs before it are undone too, and the ones
        // after must not run outside a transaction.
        for (std::size_t j = 0; j < batch.size(); ++j) {
          if (j != i && (j > i || batch[j]->result.ok())) batch[j]->result = p->result;
        }
        return;
      }
      (void)db_.exec("ROLLBACK TO job", "undo a failed write");
      (void)db_.exec("RELEASE job", "undo a failed write");
    }
    any_ok = any_ok || p->result.ok();
  }
  Status prepared;
  if (any_ok && before_commit_) {
    try {
      prepared = before_commit_();
    } catch (...) {
      prepared = {ErrorCode::storage_error, "Preparing a commit failed unexpectedly."};
    }
  }
  Status commit;
  if (!prepared.ok()) {
    (void)db_.exec("ROLLBACK", "roll back");
    commit = prepared;
  } else {
    commit = any_ok ? db_.exec("COMMIT", "commit a transaction") : db_.exec("ROLLBACK", "roll back");
  }
  if (!commit.ok()) {
    // A failed COMMIT leaves the transaction open in some cases (SQLITE_BUSY);
    // end it so the next batch starts clean. Every job of the batch failed.
    if (!sqlite3_get_autocommit(db_.handle())) (void)db_.exec("ROLLBACK", "roll back");
    for (Pending* p : batch) {
      if (p->result.ok()) p->result = commit;
    }
  }
}

}  // namespace sealshot::server
