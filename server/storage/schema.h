// The SQLite schema, versioned with PRAGMA user_version. migrate() brings any
// older database up to kSchemaVersion in one transaction; a database written
// by a newer Sealshot is refused rather than guessed at.
//
// Every primary key and index starts with project_id, so the same layout
// shards by tenant when the tables move to PostgreSQL/Citus.
#pragma once

#include <string_view>

#include "result.h"
#include "sqlite_db.h"
#include "write_turn.h"

namespace sealshot::server {

inline constexpr int kSchemaVersion = 8;

[[nodiscard]] Status schema_migrate(sqlite::Connection& db, WriteTurn& turn);
// user_version of an open database (0: empty).
[[nodiscard]] Result<int> schema_version(sqlite::Connection& db);
// ok if the project exists, not_found ("No such project.") if not.
[[nodiscard]] Status schema_require_project(sqlite::Connection& db, std::string_view project_id);
// Deletes what belongs to a submission besides its row (its envelope and
// idempotency key), in the caller's transaction.
[[nodiscard]] Status schema_delete_submission_extras(sqlite::Connection& db, std::string_view project_id,
                                                     std::string_view submission_id);

}  // namespace sealshot::server
