#include "sqlite_db.h"

namespace sealshot::server::sqlite {

Status db_error(int code, std::string_view what) {
  const int primary = code & 0xff;
  if (primary == SQLITE_FULL) {
    return {ErrorCode::storage_full, "The disk is full: cannot " + std::string(what) + "."};
  }
  return {ErrorCode::storage_error,
          "Database error while trying to " + std::string(what) + ": " + sqlite3_errstr(code) + "."};
}

Result<Connection> Connection::open(const std::string& path, int busy_timeout_ms, bool read_only) {
  sqlite3* db = nullptr;
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(db);  // sqlite3_open_v2 may allocate a handle even on failure
    return db_error(rc, "open the database");
  }
  Connection connection(db);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  if (Status s = connection.exec("PRAGMA foreign_keys=OFF", "configure the database"); !s.ok()) return s;
  return connection;
}

void Connection::close() noexcept {
  if (idle_) {
    for (auto& [sql, stmt] : idle_->by_sql) sqlite3_finalize(stmt);
    idle_->by_sql.clear();
    idle_.reset();
  }
  sqlite3_close_v2(db_);  // statements still held elsewhere are finalized by their holders
  db_ = nullptr;
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    db_ = other.db_;
    idle_ = std::move(other.idle_);
    other.db_ = nullptr;
  }
  return *this;
}

Connection::~Connection() { close(); }

Status Connection::exec(const char* sql, std::string_view what) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return db_error(sqlite3_extended_errcode(db_), what);
  return {};
}

Result<Statement> Statement::prepare(Connection& connection, std::string_view sql) {
  std::string text(sql);
  if (connection.idle_) {
    auto idle = connection.idle_->by_sql.find(text);
    if (idle != connection.idle_->by_sql.end()) {
      sqlite3_stmt* stmt = idle->second;
      connection.idle_->by_sql.erase(idle);
      return Statement(stmt, connection.idle_, std::move(text));
    }
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(connection.handle(), sql.data(), int(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return db_error(rc, "prepare a query");
  return Statement(stmt, connection.idle_, std::move(text));
}

void Statement::release() noexcept {
  if (!stmt_) return;
  std::shared_ptr<IdleStatements> home = home_.lock();
  if (home && home->by_sql.size() < IdleStatements::kMax) {
    // Reset: no open read transaction or lock is kept while it waits.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    home->by_sql.emplace(std::move(sql_), stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
  home_.reset();
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    release();
    stmt_ = other.stmt_;
    bind_error_ = other.bind_error_;
    home_ = std::move(other.home_);
    sql_ = std::move(other.sql_);
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() { release(); }

Statement& Statement::bind(int index, std::string_view text) {
  const int rc = sqlite3_bind_text(stmt_, index, text.data(), int(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::bind(int index, std::span<const std::uint8_t> bytes) {
  // A zero-length blob must still be a blob, not NULL: pass a valid pointer.
  static const std::uint8_t empty = 0;
  const int rc =
      sqlite3_bind_blob(stmt_, index, bytes.empty() ? &empty : bytes.data(), int(bytes.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Result<bool> Statement::step(std::string_view what) {
  if (bind_error_ != SQLITE_OK) return db_error(bind_error_, what);
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_error(sqlite3_extended_errcode(sqlite3_db_handle(stmt_)), what);
}

Status Statement::run(std::string_view what) {
  for (;;) {
    Result<bool> row = step(what);
    if (!row.ok()) return row.status();
    if (!row.value()) return {};
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = SQLITE_OK;
}

std::string Statement::column_text(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  return text ? std::string(text, std::size_t(sqlite3_column_bytes(stmt_, index))) : std::string();
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::vector<std::uint8_t> Statement::column_blob(int index) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, index));
  const int size = sqlite3_column_bytes(stmt_, index);
  return data ? std::vector<std::uint8_t>(data, data + size) : std::vector<std::uint8_t>();
}

bool Statement::column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

}  // namespace sealshot::server::sqlite
