// A thin RAII layer over the SQLite C API: one connection, prepared
// statements with typed binds and columns, and SQLite result codes turned into
// Status values (storage_full for SQLITE_FULL, storage_error otherwise).
//
// A connection keeps the statements it prepared once they are done with
// (reset, bindings cleared) and hands one out again for the same SQL text:
// parsing and planning a statement cost more than running the ingest's short
// ones (docs/benchmarks.md, "Equal client work on a quiet machine").
//
// Error sentences use sqlite3_errstr() (the generic text for a code), never
// sqlite3_errmsg(), so a message can never echo a bound value.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "result.h"

namespace sealshot::server::sqlite {

// Status for a failed SQLite call; `what` says what we were doing.
[[nodiscard]] Status db_error(int code, std::string_view what);

// A connection's prepared statements that no Statement holds, by SQL text.
struct IdleStatements {
  static constexpr std::size_t kMax = 64;  // more distinct texts than any connection runs
  std::unordered_multimap<std::string, sqlite3_stmt*> by_sql;
};

class Connection {
 public:
  // Opens `path` (created if needed unless read_only) with the settings
  // every Sealshot connection shares: busy timeout, extended result codes,
  // foreign keys off (not portable to a tenant-sharded PostgreSQL).
  [[nodiscard]] static Result<Connection> open(const std::string& path, int busy_timeout_ms, bool read_only = false);

  Connection() = default;
  Connection(Connection&& other) noexcept : db_(other.db_), idle_(std::move(other.idle_)) { other.db_ = nullptr; }
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  sqlite3* handle() const noexcept { return db_; }
  // Runs one or more statements that return no rows.
  [[nodiscard]] Status exec(const char* sql, std::string_view what);

 private:
  friend class Statement;
  explicit Connection(sqlite3* db) : db_(db), idle_(std::make_shared<IdleStatements>()) {}
  void close() noexcept;
  sqlite3* db_ = nullptr;
  // Shared with the connection's Statements (weakly): one that outlives its
  // connection is finalized instead of put back.
  std::shared_ptr<IdleStatements> idle_;
};

class Statement {
 public:
  [[nodiscard]] static Result<Statement> prepare(Connection& connection, std::string_view sql);

  Statement() = default;
  Statement(Statement&& other) noexcept
      : stmt_(other.stmt_), bind_error_(other.bind_error_), home_(std::move(other.home_)), sql_(std::move(other.sql_)) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // 1-based indices, as in SQLite. Text and blobs are copied (SQLITE_TRANSIENT).
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::span<const std::uint8_t> bytes);
  Statement& bind_null(int index);

  // true: a row is ready; false: done. `what` names the operation in errors.
  [[nodiscard]] Result<bool> step(std::string_view what);
  // Steps to completion of a statement that returns no rows.
  [[nodiscard]] Status run(std::string_view what);
  // Ready to run again with new binds.
  void reset();

  std::string column_text(int index) const;
  std::int64_t column_int(int index) const;
  std::vector<std::uint8_t> column_blob(int index) const;
  bool column_is_null(int index) const;

 private:
  Statement(sqlite3_stmt* stmt, const std::shared_ptr<IdleStatements>& home, std::string sql)
      : stmt_(stmt), home_(home), sql_(std::move(sql)) {}
  // Puts the statement back on its connection, or finalizes it.
  void release() noexcept;
  sqlite3_stmt* stmt_ = nullptr;
  int bind_error_ = SQLITE_OK;  // first failed bind, reported by step()
  std::weak_ptr<IdleStatements> home_;
  std::string sql_;
};

}  // namespace sealshot::server::sqlite
