// SQL that takes a database back to an older schema version, one step each,
// for the upgrade tests: apply them newest first (8, then 7, ...).
#pragma once

namespace sealshot::server {

// Turns a version 8 database back into version 7 (a SHA-256 of the body
// stored with each idempotency key; these rows get an empty one).
inline constexpr const char* kUndoVersion8 =
    "ALTER TABLE idempotency_keys ADD COLUMN body_hash BLOB NOT NULL DEFAULT x''; PRAGMA user_version=7; ";

// Turns a version 7 database back into version 6 (one key per project, grants
// per project and person). Grants of later keys have nowhere to go.
inline constexpr const char* kUndoVersion7 =
    "CREATE TABLE key_grants_v6 (project_id TEXT NOT NULL, person_id TEXT NOT NULL, sealed_key TEXT NOT NULL, "
    "granted_by TEXT NOT NULL, created_at_ms INTEGER NOT NULL, PRIMARY KEY (project_id, person_id)) WITHOUT ROWID; "
    "INSERT INTO key_grants_v6 SELECT project_id, person_id, sealed_key, granted_by, created_at_ms FROM key_grants "
    "WHERE key_number = 1; DROP TABLE key_grants; ALTER TABLE key_grants_v6 RENAME TO key_grants; "
    "DROP TABLE project_keys; PRAGMA user_version=6; ";

// Turns a version 6 database back into version 5 (statuses, tags, notes,
// IP allowlist, API tokens).
inline constexpr const char* kUndoVersion6 =
    "UPDATE submissions SET status = 'in_review' WHERE status IN ('triaged', 'in_progress'); "
    "UPDATE submissions SET status = 'archived' WHERE status = 'spam'; "
    "ALTER TABLE submissions DROP COLUMN tags; DROP TABLE submission_notes; "
    "ALTER TABLE organisations DROP COLUMN ip_allowlist; DROP TABLE api_tokens; PRAGMA user_version=5; ";

// Turns a version 5 database back into version 4 (multi-factor sign-in).
inline constexpr const char* kUndoVersion5 =
    "DROP TABLE mfa; DROP TABLE mfa_recovery_codes; ALTER TABLE organisations DROP COLUMN require_mfa; "
    "PRAGMA user_version=4; ";

// Turns a version 4 database back into version 3 (the review side's tables).
inline constexpr const char* kUndoVersion4 =
    "DROP TABLE organisations; DROP TABLE people; DROP TABLE memberships; DROP TABLE project_roles; "
    "DROP TABLE key_grants; DROP TABLE sessions; DROP TABLE links; DROP TABLE audit_log; "
    "DROP TABLE server_secrets; DROP INDEX projects_by_org; ALTER TABLE projects DROP COLUMN org_id; "
    "ALTER TABLE submissions DROP COLUMN assignee; PRAGMA user_version=3; ";

// What schema version 3 added, taken away again: turns a database into the
// version 2 that servers before quotas wrote.
inline constexpr const char* kUndoVersion3 =
    "DROP TRIGGER submissions_count_in; DROP TRIGGER submissions_count_out; "
    "DROP TABLE project_usage; DROP TABLE project_daily_usage; "
    "ALTER TABLE projects DROP COLUMN quota_daily_submissions; "
    "ALTER TABLE projects DROP COLUMN quota_daily_bytes; "
    "ALTER TABLE projects DROP COLUMN quota_stored_bytes; PRAGMA user_version=2; ";

}  // namespace sealshot::server
