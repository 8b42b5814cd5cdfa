#include "schema.h"

#include <string>

namespace sealshot::server {
namespace {

// Step N turns a version N-1 database into version N. Append, never edit.
constexpr const char* kMigrations[] = {
    // 1: projects, their origins, submissions and idempotency keys.
    R"sql(
CREATE TABLE projects (
  project_id     TEXT    NOT NULL PRIMARY KEY,
  name           TEXT    NOT NULL,
  public_key     TEXT    NOT NULL,
  max_body_bytes INTEGER NOT NULL,
  retention_days INTEGER NOT NULL,   -- 0: kept until deleted
  created_at_ms  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE project_origins (
  project_id TEXT    NOT NULL,
  position   INTEGER NOT NULL,       -- keeps the order the operator gave
  origin     TEXT    NOT NULL,
  PRIMARY KEY (project_id, position)
) WITHOUT ROWID;

CREATE TABLE submissions (
  project_id    TEXT    NOT NULL,
  submission_id TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL,
  size_bytes    INTEGER NOT NULL,
  status        TEXT    NOT NULL,    -- submission_status_name()
  PRIMARY KEY (project_id, submission_id)
) WITHOUT ROWID;
-- Newest-first listing, keyset pagination and retention purges.
CREATE INDEX submissions_newest ON submissions (project_id, created_at_ms DESC, submission_id DESC);
CREATE INDEX submissions_status_newest
  ON submissions (project_id, status, created_at_ms DESC, submission_id DESC);

-- A separate table (not a column) so keys can later expire sooner than
-- submissions; deleted together with their submission.
CREATE TABLE idempotency_keys (
  project_id      TEXT    NOT NULL,
  idempotency_key TEXT    NOT NULL,
  submission_id   TEXT    NOT NULL,
  body_hash       BLOB    NOT NULL,  -- hash of the envelope (SHA-256 since version 2; dropped in version 8)
  created_at_ms   INTEGER NOT NULL,
  PRIMARY KEY (project_id, idempotency_key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_by_submission ON idempotency_keys (project_id, submission_id);
)sql",
    // 2: envelopes move from one file each (blobs/<project>/<id>.env) into
    // segment files (blob_log.h); this table says where each one is. Files
    // of a version 1 data directory are imported at start-up
    // (legacy_blobs.h). The segment index serves start-up housekeeping only,
    // which is why it alone does not start with project_id: segments are a
    // detail of the embedded backend, not of the tenant layout.
    R"sql(
CREATE TABLE envelopes (
  project_id    TEXT    NOT NULL,
  submission_id TEXT    NOT NULL,
  segment       INTEGER NOT NULL,   -- segments/<segment, 8 digits>.seg
  byte_offset   INTEGER NOT NULL,
  byte_length   INTEGER NOT NULL,
  PRIMARY KEY (project_id, submission_id)
) WITHOUT ROWID;
CREATE INDEX envelopes_by_segment ON envelopes (segment, byte_offset);
-- Body hashes are SHA-256 from now on (BLAKE2b-256 before): an older key
-- could never match again, so a retry racing the upgrade is stored as a new
-- report (at worst one duplicate) instead of being refused as a conflict.
DELETE FROM idempotency_keys;
)sql",
    // 3: per-project quotas (0: the server's default) and the usage they are
    // checked against. Triggers keep the usage tables right on every path
    // that adds or removes a submission row (ingest, delete, retention,
    // repair, backup pruning, version 1 import), so no caller can forget.
    // Daily usage counts what was accepted that UTC day, deletions included.
    R"sql(
ALTER TABLE projects ADD COLUMN quota_daily_submissions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN quota_daily_bytes       INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN quota_stored_bytes      INTEGER NOT NULL DEFAULT 0;

CREATE TABLE project_usage (
  project_id         TEXT    NOT NULL PRIMARY KEY,
  stored_submissions INTEGER NOT NULL,
  stored_bytes       INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE project_daily_usage (
  project_id  TEXT    NOT NULL,
  day         INTEGER NOT NULL,     -- days since 1970-01-01 (UTC)
  submissions INTEGER NOT NULL,
  bytes       INTEGER NOT NULL,
  PRIMARY KEY (project_id, day)
) WITHOUT ROWID;

INSERT INTO project_usage (project_id, stored_submissions, stored_bytes)
  SELECT project_id, count(*), sum(size_bytes) FROM submissions GROUP BY project_id;
INSERT INTO project_daily_usage (project_id, day, submissions, bytes)
  SELECT project_id, created_at_ms / 86400000, count(*), sum(size_bytes) FROM submissions GROUP BY 1, 2;

CREATE TRIGGER submissions_count_in AFTER INSERT ON submissions BEGIN
  INSERT INTO project_usage (project_id, stored_submissions, stored_bytes)
    VALUES (NEW.project_id, 1, NEW.size_bytes)
    ON CONFLICT (project_id) DO UPDATE SET stored_submissions = stored_submissions + 1,
                                           stored_bytes = stored_bytes + NEW.size_bytes;
  INSERT INTO project_daily_usage (project_id, day, submissions, bytes)
    VALUES (NEW.project_id, NEW.created_at_ms / 86400000, 1, NEW.size_bytes)
    ON CONFLICT (project_id, day) DO UPDATE SET submissions = submissions + 1, bytes = bytes + NEW.size_bytes;
END;

CREATE TRIGGER submissions_count_out AFTER DELETE ON submissions BEGIN
  UPDATE project_usage SET stored_submissions = stored_submissions - 1, stored_bytes = stored_bytes - OLD.size_bytes
    WHERE project_id = OLD.project_id;
END;
)sql",
    // 4: the review side (docs/permissions.md, docs/security.md). Organisations
    // own projects; people belong to organisations with a role and get
    // per-project roles and sealed project keys ("grants"). The server keeps
    // only a password hash of each person's authentication key, their public
    // key and their secret key wrapped by a key it never sees. Every table is
    // keyed by organisation or project first, like the rest of the schema;
    // people and sessions are global (one person, several organisations).
    R"sql(
CREATE TABLE organisations (
  org_id        TEXT    NOT NULL PRIMARY KEY,
  name          TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

ALTER TABLE projects ADD COLUMN org_id TEXT NOT NULL DEFAULT '';   -- '': made by the CLI before organisations
CREATE INDEX projects_by_org ON projects (org_id, created_at_ms);

CREATE TABLE people (
  person_id          TEXT    NOT NULL PRIMARY KEY,
  email              TEXT    NOT NULL UNIQUE,   -- lowercase
  display_name       TEXT    NOT NULL,
  auth_hash          TEXT    NOT NULL,          -- crypto_pwhash_str of the authentication key; '' until set up
  kdf_salt           TEXT    NOT NULL,          -- base64url, 16 bytes; the client's Argon2id salt
  kdf_opslimit       INTEGER NOT NULL,
  kdf_memlimit       INTEGER NOT NULL,
  public_key         TEXT    NOT NULL,          -- X25519, key text; '' until set up
  wrapped_secret_key TEXT    NOT NULL,          -- opaque to the server
  created_at_ms      INTEGER NOT NULL,
  keys_changed_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE memberships (
  org_id        TEXT    NOT NULL,
  person_id     TEXT    NOT NULL,
  role          TEXT    NOT NULL,   -- owner, admin, member, viewer
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (org_id, person_id)
) WITHOUT ROWID;
CREATE INDEX memberships_by_person ON memberships (person_id, org_id);

CREATE TABLE project_roles (
  project_id TEXT NOT NULL,
  person_id  TEXT NOT NULL,
  role       TEXT NOT NULL,         -- reviewer, viewer
  PRIMARY KEY (project_id, person_id)
) WITHOUT ROWID;

CREATE TABLE key_grants (
  project_id    TEXT    NOT NULL,
  person_id     TEXT    NOT NULL,
  sealed_key    TEXT    NOT NULL,   -- the project secret key sealed to the person's public key
  granted_by    TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (project_id, person_id)
) WITHOUT ROWID;

CREATE TABLE sessions (
  token_hash    BLOB    NOT NULL PRIMARY KEY,  -- SHA-256 of the cookie's 256-bit token
  person_id     TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL,
  last_seen_ms  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_person ON sessions (person_id);

-- Single-use links: set-up of a new organisation's owner, invitations,
-- password resets. Only a hash of the token is kept.
CREATE TABLE links (
  token_hash    BLOB    NOT NULL PRIMARY KEY,
  kind          TEXT    NOT NULL,   -- setup, invite, reset
  org_id        TEXT    NOT NULL,
  email         TEXT    NOT NULL,
  role          TEXT    NOT NULL,
  created_by    TEXT    NOT NULL,   -- person id, or 'cli'
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  used_at_ms    INTEGER NOT NULL    -- 0: not used
) WITHOUT ROWID;
CREATE INDEX links_by_org ON links (org_id, created_at_ms);

-- Append-only: nothing updates a row; the sweeper deletes rows past the
-- retention, oldest first.
CREATE TABLE audit_log (
  org_id  TEXT    NOT NULL,
  seq     INTEGER NOT NULL,
  at_ms   INTEGER NOT NULL,
  actor   TEXT    NOT NULL,         -- person id, 'cli' or '' (an unknown email)
  action  TEXT    NOT NULL,         -- e.g. signin.success, envelope.fetch
  target  TEXT    NOT NULL,         -- ids only, never content
  address TEXT    NOT NULL,         -- the reviewer's client address
  PRIMARY KEY (org_id, seq)
) WITHOUT ROWID;

ALTER TABLE submissions ADD COLUMN assignee TEXT NOT NULL DEFAULT '';  -- person id or ''

-- Secrets of this installation, made on first use (e.g. the key that makes
-- decoy salts for unknown emails stable across restarts).
CREATE TABLE server_secrets (
  name  TEXT NOT NULL PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;
)sql",
    // 5: multi-factor sign-in (TOTP, RFC 6238) with single-use recovery
    // codes, and organisations that require it. The TOTP secret must be
    // readable to check a code (as in every TOTP server); recovery codes are
    // kept as hashes only.
    R"sql(
ALTER TABLE organisations ADD COLUMN require_mfa INTEGER NOT NULL DEFAULT 0;

CREATE TABLE mfa (
  person_id     TEXT    NOT NULL PRIMARY KEY,
  secret        BLOB    NOT NULL,   -- 20 random bytes
  enabled       INTEGER NOT NULL,   -- 0 until a first code confirmed it
  last_step     INTEGER NOT NULL,   -- the newest 30-second step used: each code works once
  created_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE mfa_recovery_codes (
  person_id  TEXT    NOT NULL,
  code_hash  BLOB    NOT NULL,      -- SHA-256 of the normalised code
  used_at_ms INTEGER NOT NULL,      -- 0: unused
  PRIMARY KEY (person_id, code_hash)
) WITHOUT ROWID;
)sql",
    // 6: the rest of the review API. Statuses become new, triaged,
    // in_progress, resolved, spam (in_review was triage's old name; archived
    // meant done). Tags (reviewer-chosen words, plaintext like statuses),
    // reviewer notes sealed to the project key (ciphertext only), a per-
    // organisation IP allowlist, and scoped API tokens kept as hashes.
    R"sql(
UPDATE submissions SET status = 'triaged' WHERE status = 'in_review';
UPDATE submissions SET status = 'resolved' WHERE status = 'archived';
ALTER TABLE submissions ADD COLUMN tags TEXT NOT NULL DEFAULT '';  -- comma-separated, sorted

CREATE TABLE submission_notes (
  project_id    TEXT    NOT NULL,
  submission_id TEXT    NOT NULL,
  note_id       TEXT    NOT NULL,
  author        TEXT    NOT NULL,   -- person id
  created_at_ms INTEGER NOT NULL,
  sealed        TEXT    NOT NULL,   -- crypto_box_seal to the project key, made by the client
  PRIMARY KEY (project_id, submission_id, note_id)
) WITHOUT ROWID;

ALTER TABLE organisations ADD COLUMN ip_allowlist TEXT NOT NULL DEFAULT '';  -- CIDRs, one per line

CREATE TABLE api_tokens (
  token_hash    BLOB    NOT NULL PRIMARY KEY,  -- SHA-256 of the bearer token
  token_id      TEXT    NOT NULL UNIQUE,
  org_id        TEXT    NOT NULL,
  project_id    TEXT    NOT NULL,
  scope         TEXT    NOT NULL,   -- read, triage
  name          TEXT    NOT NULL,
  created_by    TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX api_tokens_by_org ON api_tokens (org_id, created_at_ms);
)sql",
    // 7: project key rotation. A project's keys are numbered; the newest
    // unretired one is the project's public_key (what ingest and the snippet
    // use), older ones still open the reports sealed to them. Grants become
    // per (project, key number, person). Every existing key is key 1, every
    // existing grant a grant of key 1.
    R"sql(
CREATE TABLE project_keys (
  project_id    TEXT    NOT NULL,
  key_number    INTEGER NOT NULL,   -- 1, 2, …: the order of rotation
  public_key    TEXT    NOT NULL,   -- X25519, key text
  created_at_ms INTEGER NOT NULL,
  retired_at_ms INTEGER NOT NULL,   -- 0: the current key
  PRIMARY KEY (project_id, key_number)
) WITHOUT ROWID;
INSERT INTO project_keys (project_id, key_number, public_key, created_at_ms, retired_at_ms)
  SELECT project_id, 1, public_key, created_at_ms, 0 FROM projects;

CREATE TABLE key_grants_by_number (
  project_id    TEXT    NOT NULL,
  key_number    INTEGER NOT NULL,
  person_id     TEXT    NOT NULL,
  sealed_key    TEXT    NOT NULL,   -- that key's secret key sealed to the person's public key
  granted_by    TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (project_id, key_number, person_id)
) WITHOUT ROWID;
INSERT INTO key_grants_by_number (project_id, key_number, person_id, sealed_key, granted_by, created_at_ms)
  SELECT project_id, 1, person_id, sealed_key, granted_by, created_at_ms FROM key_grants;
DROP TABLE key_grants;
ALTER TABLE key_grants_by_number RENAME TO key_grants;
)sql",
    // 8: a reused idempotency key is told from a retry by comparing the new
    // body with the stored envelope, only when the key turns up again, not
    // by a hash of every keyed body (sqlite_writer.cpp).
    R"sql(
ALTER TABLE idempotency_keys DROP COLUMN body_hash;
)sql",
};
static_assert(std::size(kMigrations) == kSchemaVersion, "one migration step per schema version");

}  // namespace

Result<int> schema_version(sqlite::Connection& db) {
  Result<sqlite::Statement> stmt = sqlite::Statement::prepare(db, "PRAGMA user_version");
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt.value().step("read the schema version");
  if (!row.ok()) return row.status();
  return row.value() ? int(stmt.value().column_int(0)) : 0;
}

Status schema_migrate(sqlite::Connection& db, WriteTurn& turn) {
  // IMMEDIATE: two processes opening a fresh data directory at once must not
  // both create the tables. In turn: the admin CLI opens the directory while
  // the server may be committing back to back.
  if (Status s = turn.begin_immediate(db, "start the schema migration"); !s.ok()) return s;
  auto fail = [&](Status s) {
    (void)db.exec("ROLLBACK", "roll back the schema migration");
    return s;
  };
  Result<int> version = schema_version(db);
  if (!version.ok()) return fail(version.status());
  if (version.value() > kSchemaVersion) {
    return fail({ErrorCode::storage_error, "The database has schema version " + std::to_string(version.value()) +
                                               ", newer than this build of Sealshot understands (" +
                                               std::to_string(kSchemaVersion) + ")."});
  }
  for (int v = version.value(); v < kSchemaVersion; ++v) {
    if (Status s = db.exec(kMigrations[v], "migrate the schema"); !s.ok()) return fail(s);
  }
  if (version.value() != kSchemaVersion) {
    const std::string pragma = "PRAGMA user_version=" + std::to_string(kSchemaVersion);
    if (Status s = db.exec(pragma.c_str(), "record the schema version"); !s.ok()) return fail(s);
  }
  return db.exec("COMMIT", "commit the schema migration");
}

Status schema_require_project(sqlite::Connection& db, std::string_view project_id) {
  Result<sqlite::Statement> exists = sqlite::Statement::prepare(db, "SELECT 1 FROM projects WHERE project_id = ?1");
  if (!exists.ok()) return exists.status();
  exists.value().bind(1, project_id);
  Result<bool> found = exists.value().step("find a project");
  if (!found.ok()) return found.status();
  if (!found.value()) return {ErrorCode::not_found, "No such project."};
  return {};
}

Status schema_delete_submission_extras(sqlite::Connection& db, std::string_view project_id,
                                       std::string_view submission_id) {
  for (const char* sql : {"DELETE FROM envelopes WHERE project_id = ?1 AND submission_id = ?2",
                          "DELETE FROM idempotency_keys WHERE project_id = ?1 AND submission_id = ?2",
                          "DELETE FROM submission_notes WHERE project_id = ?1 AND submission_id = ?2"}) {
    Result<sqlite::Statement> stmt = sqlite::Statement::prepare(db, sql);
    if (!stmt.ok()) return stmt.status();
    stmt.value().bind(1, project_id).bind(2, submission_id);
    if (Status s = stmt.value().run("delete a submission"); !s.ok()) return s;
  }
  return {};
}

}  // namespace sealshot::server
