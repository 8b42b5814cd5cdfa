// Small helpers for the account store's SQL: one statement run with its
// bindings, rows read into values, one row or not_found. Shared by the
// files that implement SqliteAccounts.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "result.h"
#include "sqlite_db.h"

namespace sealshot::server::sqlite_rows {

inline Status not_found(const char* what) { return {ErrorCode::not_found, std::string("No such ") + what + "."}; }

inline Result<sqlite::Statement> prepare(sqlite::Connection& db, std::string_view sql) {
  return sqlite::Statement::prepare(db, sql);
}

// Runs one statement that returns no rows, with `bind` filling it.
template <class Bind>
Status run(sqlite::Connection& db, std::string_view sql, std::string_view what, Bind&& bind) {
  Result<sqlite::Statement> stmt = prepare(db, sql);
  if (!stmt.ok()) return stmt.status();
  bind(stmt.value());
  return stmt.value().run(what);
}

// Reads rows of one statement, `take` turning each into a T.
template <class T, class Bind, class Take>
Result<std::vector<T>> rows(sqlite::Connection& db, std::string_view sql, std::string_view what, Bind&& bind,
                            Take&& take) {
  Result<sqlite::Statement> stmt = prepare(db, sql);
  if (!stmt.ok()) return stmt.status();
  bind(stmt.value());
  std::vector<T> out;
  for (;;) {
    Result<bool> row = stmt.value().step(what);
    if (!row.ok()) return row.status();
    if (!row.value()) break;
    out.push_back(take(stmt.value()));
  }
  return out;
}

template <class T, class Bind, class Take>
Result<T> one_row(sqlite::Connection& db, std::string_view sql, std::string_view what, const char* missing, Bind&& bind,
                  Take&& take) {
  Result<std::vector<T>> all = rows<T>(db, sql, what, std::forward<Bind>(bind), std::forward<Take>(take));
  if (!all.ok()) return all.status();
  if (all.value().empty()) return not_found(missing);
  return std::move(all.value().front());
}

inline std::int64_t changes(sqlite::Connection& db) { return sqlite3_changes64(db.handle()); }

// Blobs only a client opens (wrapped secret keys, sealed grants): ~100
// bytes of printable ASCII; the server checks their shape, never content.
inline Status check_opaque(std::string_view text, const char* what) {
  constexpr std::size_t kMaxOpaqueBytes = 4096;
  if (text.empty() || text.size() > kMaxOpaqueBytes) {
    return {ErrorCode::invalid_argument, std::string(what) + " must be 1 to 4096 characters long."};
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || static_cast<unsigned char>(c) >= 0x80) {
      return {ErrorCode::invalid_argument, std::string(what) + " must be printable ASCII without spaces."};
    }
  }
  return {};
}

}  // namespace sealshot::server::sqlite_rows
