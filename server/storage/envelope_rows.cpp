#include "envelope_rows.h"

namespace sealshot::server {

Status envelope_insert(sqlite::Connection& db, std::string_view project_id, std::string_view submission_id,
                       const BlobLocation& location) {
  Result<sqlite::Statement> insert =
      sqlite::Statement::prepare(db,
                                 "INSERT INTO envelopes (project_id, submission_id, segment, byte_offset, byte_length) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return insert.status();
  insert.value()
      .bind(1, project_id)
      .bind(2, submission_id)
      .bind(3, location.segment)
      .bind(4, std::int64_t(location.offset))
      .bind(5, std::int64_t(location.length));
  return insert.value().run("store an envelope's location");
}

Result<std::optional<BlobLocation>> envelope_find(sqlite::Connection& db, std::string_view project_id,
                                                  std::string_view submission_id) {
  Result<sqlite::Statement> find = sqlite::Statement::prepare(
      db, "SELECT segment, byte_offset, byte_length FROM envelopes WHERE project_id = ?1 AND submission_id = ?2");
  if (!find.ok()) return find.status();
  find.value().bind(1, project_id).bind(2, submission_id);
  Result<bool> row = find.value().step("find an envelope");
  if (!row.ok()) return row.status();
  if (!row.value()) return std::optional<BlobLocation>();
  return std::optional<BlobLocation>(BlobLocation{find.value().column_int(0), std::uint64_t(find.value().column_int(1)),
                                                  std::uint64_t(find.value().column_int(2))});
}

Result<std::vector<EnvelopeRow>> envelope_all(sqlite::Connection& db) {
  Result<sqlite::Statement> all =
      sqlite::Statement::prepare(db,
                                 "SELECT project_id, submission_id, segment, byte_offset, byte_length FROM envelopes "
                                 "ORDER BY segment, byte_offset");
  if (!all.ok()) return all.status();
  std::vector<EnvelopeRow> rows;
  for (;;) {
    Result<bool> row = all.value().step("list envelopes");
    if (!row.ok()) return row.status();
    if (!row.value()) return rows;
    rows.push_back({all.value().column_text(0),
                    all.value().column_text(1),
                    {all.value().column_int(2), std::uint64_t(all.value().column_int(3)),
                     std::uint64_t(all.value().column_int(4))}});
  }
}

}  // namespace sealshot::server
