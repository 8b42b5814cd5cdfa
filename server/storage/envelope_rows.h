// Where each envelope is: the envelopes table (schema.cpp, version 2) maps a
// submission to its bytes in the blob log (blob_log.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "blob_log.h"
#include "result.h"
#include "sqlite_db.h"

namespace sealshot::server {

// In the caller's transaction.
[[nodiscard]] Status envelope_insert(sqlite::Connection& db, std::string_view project_id,
                                     std::string_view submission_id, const BlobLocation& location);
// nullopt when the submission has no envelope row.
[[nodiscard]] Result<std::optional<BlobLocation>> envelope_find(sqlite::Connection& db, std::string_view project_id,
                                                                std::string_view submission_id);

struct EnvelopeRow {
  std::string project_id;
  std::string submission_id;
  BlobLocation location;
};
// Every envelope row, in segment and offset order.
[[nodiscard]] Result<std::vector<EnvelopeRow>> envelope_all(sqlite::Connection& db);

}  // namespace sealshot::server
