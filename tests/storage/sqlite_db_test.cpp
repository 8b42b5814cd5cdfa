// The SQLite layer (server/storage/sqlite_db.cpp): a connection keeps the
// statements it prepared and hands them out again for the same SQL text.
#include "sqlite_db.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "storage_fixture.h"

namespace sealshot::server {
namespace {

sqlite::Connection open_db(const std::string& dir) {
  Result<sqlite::Connection> db = sqlite::Connection::open(dir + "/t.db", 1000);
  EXPECT_TRUE(db.ok());
  EXPECT_TRUE(db.value().exec("PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS t (k INTEGER)", "set up").ok());
  return std::move(db.value());
}

// The same sqlite3_stmt comes back for the same text, reset: no bindings or
// rows of its last use.
TEST(SqliteStatements, APreparedStatementIsReusedResetForTheSameText) {
  const std::string dir = make_temp_dir();
  sqlite::Connection db = open_db(dir);
  {
    Result<sqlite::Statement> insert = sqlite::Statement::prepare(db, "INSERT INTO t (k) VALUES (?1)");
    ASSERT_TRUE(insert.ok());
    ASSERT_TRUE(insert.value().bind(1, std::int64_t(7)).run("insert").ok());
  }
  {
    // Back on the connection, reset: it holds no statement in progress.
    EXPECT_EQ(sqlite3_stmt_busy(sqlite3_next_stmt(db.handle(), nullptr)), 0);
    Result<sqlite::Statement> again = sqlite::Statement::prepare(db, "INSERT INTO t (k) VALUES (?1)");
    ASSERT_TRUE(again.ok());
    // Run once already: the same statement, not a newly prepared one.
    EXPECT_EQ(sqlite3_stmt_status(sqlite3_next_stmt(db.handle(), nullptr), SQLITE_STMTSTATUS_RUN, 0), 1);
    // Its old binding was cleared: a NULL goes in when nothing is bound.
    ASSERT_TRUE(again.value().run("insert").ok());
    Result<sqlite::Statement> other = sqlite::Statement::prepare(db, "SELECT count(*), count(k) FROM t");
    ASSERT_TRUE(other.ok());
    ASSERT_TRUE(other.value().step("count").value());
    EXPECT_EQ(other.value().column_int(0), 2);
    EXPECT_EQ(other.value().column_int(1), 1);
  }
  fs::remove_all(dir);
}

// A reader's statement that stepped into rows and went back to its
// connection must not keep a read transaction open: a writer's checkpoint
// could then never truncate the write-ahead log.
TEST(SqliteStatements, AStatementPutBackHoldsNoReadTransaction) {
  const std::string dir = make_temp_dir();
  sqlite::Connection writer = open_db(dir);
  sqlite::Connection reader = open_db(dir);
  ASSERT_TRUE(writer.exec("INSERT INTO t (k) VALUES (1), (2), (3)", "fill").ok());
  {
    Result<sqlite::Statement> rows = sqlite::Statement::prepare(reader, "SELECT k FROM t");
    ASSERT_TRUE(rows.ok());
    ASSERT_TRUE(rows.value().step("read").value());  // mid-way through its rows
  }
  ASSERT_TRUE(writer.exec("INSERT INTO t (k) VALUES (4)", "write").ok());
  int log_frames = -1, checkpointed = -1;
  ASSERT_EQ(sqlite3_wal_checkpoint_v2(writer.handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &checkpointed),
            SQLITE_OK)
      << "a statement put back blocked the checkpoint";
  fs::remove_all(dir);
}

// A statement may outlive its connection (moved out of a scope): it is then
// finalized, not put back into a cache that is gone (ASan checks the rest).
TEST(SqliteStatements, AStatementThatOutlivesItsConnectionIsFinalized) {
  const std::string dir = make_temp_dir();
  std::optional<sqlite::Statement> kept;
  {
    sqlite::Connection db = open_db(dir);
    Result<sqlite::Statement> select = sqlite::Statement::prepare(db, "SELECT 1");
    ASSERT_TRUE(select.ok());
    kept.emplace(std::move(select.value()));
  }
  kept.reset();
  // A moved connection keeps its statements.
  sqlite::Connection moved_from = open_db(dir);
  { ASSERT_TRUE(sqlite::Statement::prepare(moved_from, "SELECT 2").ok()); }
  sqlite::Connection moved = std::move(moved_from);
  {
    Result<sqlite::Statement> again = sqlite::Statement::prepare(moved, "SELECT 2");
    ASSERT_TRUE(again.ok());
    ASSERT_TRUE(again.value().step("select").value());
    EXPECT_EQ(again.value().column_int(0), 2);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sealshot::server
