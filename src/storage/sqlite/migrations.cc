#include "storage/sqlite/migrations.h"

#include <iterator>
#include <string>

namespace vigil::storage::sqlite {

namespace {

// Times are RFC 3339 UTC text with microseconds (sortable); hashes are raw
// 32-byte blobs.
constexpr const char* kMigrations[] = {
    // 1: mission set-up, tokens, submissions, audit log.
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
INSERT INTO meta(key, value) VALUES ('setup_version', '0');

CREATE TABLE locations (
  code              TEXT PRIMARY KEY,
  name              TEXT NOT NULL,
  parent_code       TEXT,
  registered_voters INTEGER,
  settlement        TEXT NOT NULL DEFAULT '',
  lat               REAL,
  lon               REAL
) STRICT;
CREATE INDEX locations_parent ON locations(parent_code);

CREATE TABLE observers (
  code     TEXT PRIMARY KEY,
  name     TEXT NOT NULL,
  phones   TEXT NOT NULL,
  role     TEXT NOT NULL,
  team     TEXT NOT NULL,
  language TEXT NOT NULL
) STRICT;

CREATE TABLE assignments (
  observer_code TEXT NOT NULL REFERENCES observers(code) ON DELETE CASCADE,
  station_code  TEXT NOT NULL REFERENCES locations(code),
  PRIMARY KEY (observer_code, station_code)
) STRICT, WITHOUT ROWID;

CREATE TABLE forms (
  id           INTEGER PRIMARY KEY,
  code         TEXT NOT NULL,
  version      TEXT NOT NULL,
  definition   TEXT NOT NULL,
  installed_at TEXT NOT NULL,
  UNIQUE (code, version)
) STRICT;

CREATE TABLE tokens (
  id            INTEGER PRIMARY KEY,
  token_hash    BLOB NOT NULL UNIQUE,
  role          TEXT NOT NULL,
  observer_code TEXT,
  label         TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  expires_at    TEXT,
  revoked_at    TEXT
) STRICT;

-- One row per submitted version. chain_seq is the seq of the first version
-- (so the index on it grows at its end, like seq); superseded_by is set when
-- a later version replaces this one. seq is assigned by the writer.
CREATE TABLE submissions (
  seq           INTEGER PRIMARY KEY,
  instance_id   TEXT NOT NULL UNIQUE,
  chain_seq     INTEGER NOT NULL,
  replaces      TEXT,
  superseded_by TEXT,
  form_code     TEXT NOT NULL,
  form_version  TEXT NOT NULL,
  station_code  TEXT NOT NULL,
  observer_code TEXT NOT NULL,
  received_at   TEXT NOT NULL,
  actor         TEXT NOT NULL,
  content_hash  BLOB NOT NULL,
  body          TEXT NOT NULL,
  audit_seq     INTEGER NOT NULL
) STRICT;
CREATE INDEX submissions_chain ON submissions(chain_seq);

-- Current (not superseded) submissions per form and station, kept by the
-- writer (since migration 9, folded about once a second). A small table that
-- stays in the page cache costs far less than an index over every
-- submission would.
CREATE TABLE station_reports (
  form_code    TEXT NOT NULL,
  station_code TEXT NOT NULL,
  current      INTEGER NOT NULL,
  PRIMARY KEY (form_code, station_code)
) STRICT, WITHOUT ROWID;

CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  subject   TEXT NOT NULL,
  detail    TEXT NOT NULL,
  prev_hash BLOB NOT NULL,
  hash      BLOB NOT NULL
) STRICT;
)sql",
    // 2: official results, one row per station of each published set.
    R"sql(
CREATE TABLE result_sets (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  source      TEXT NOT NULL,
  format      TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  area_levels TEXT NOT NULL,  -- JSON array of level names, top down
  contestants TEXT NOT NULL,  -- JSON array of names
  stations    INTEGER NOT NULL,
  sha256      BLOB NOT NULL
) STRICT;
CREATE TABLE station_results (
  set_id           INTEGER NOT NULL REFERENCES result_sets(id),
  row              INTEGER NOT NULL,  -- position in the published table
  station_code     TEXT NOT NULL,
  areas            TEXT NOT NULL,     -- JSON array, one name per level
  registered       INTEGER,
  ballots_received INTEGER,
  issued           INTEGER,
  cancelled        INTEGER,
  in_boxes         INTEGER,
  valid            INTEGER,
  invalid          INTEGER,
  votes            TEXT NOT NULL,     -- JSON array, in the set's contestant order
  PRIMARY KEY (set_id, row)
) STRICT, WITHOUT ROWID;
)sql",
    // 3: the protocol lines for lost ballots and ballots not counted on
    // receipt, which the ballot balance needs.
    R"sql(
ALTER TABLE station_results ADD COLUMN lost INTEGER;
ALTER TABLE station_results ADD COLUMN unaccounted INTEGER;
)sql",
    // 4: the mission's PVT sample (one per mission; never replaced).
    R"sql(
CREATE TABLE pvt_sample (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  seed     TEXT NOT NULL,  -- decimal: the seed is an unsigned 64-bit number
  saved_at TEXT NOT NULL
) STRICT;
CREATE TABLE pvt_strata (
  position   INTEGER PRIMARY KEY,
  stratum    TEXT NOT NULL,
  stations   INTEGER NOT NULL,
  registered INTEGER NOT NULL,
  sample     INTEGER NOT NULL,
  reserves   INTEGER NOT NULL
) STRICT;
CREATE TABLE pvt_stations (
  position INTEGER PRIMARY KEY,
  code     TEXT NOT NULL UNIQUE,
  stratum  TEXT NOT NULL,
  reserve  INTEGER NOT NULL,
  rank     INTEGER NOT NULL
) STRICT;
)sql",
    // 5: when each token was last used.
    R"sql(
ALTER TABLE tokens ADD COLUMN last_used_at TEXT;
)sql",
    // 6: people who sign in with a password.
    R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL,
  password_hash TEXT NOT NULL,  -- Argon2id string
  created_at    TEXT NOT NULL,
  disabled_at   TEXT
) STRICT;
)sql",
    // 7: the regions a coordinator's token or account is limited to (a JSON
    // array of location codes; empty for every other role), and the observer
    // an observer's account acts for.
    R"sql(
ALTER TABLE tokens ADD COLUMN regions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE users ADD COLUMN regions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE users ADD COLUMN observer_code TEXT NOT NULL DEFAULT '';
)sql",
    // 8: observers' credentials for the field channels: an ODK login
    // (HTTP Digest) and an SMS PIN, neither kept in the clear.
    R"sql(
CREATE TABLE field_logins (
  observer_code TEXT PRIMARY KEY REFERENCES observers(code) ON DELETE CASCADE,
  username      TEXT NOT NULL UNIQUE,
  realm         TEXT NOT NULL,
  ha1           TEXT NOT NULL,  -- hex MD5(username ":" realm ":" password)
  set_at        TEXT NOT NULL
) STRICT;
CREATE TABLE sms_pins (
  observer_code TEXT PRIMARY KEY REFERENCES observers(code) ON DELETE CASCADE,
  pin_hash      TEXT NOT NULL,  -- HashPin string (salted BLAKE2b)
  set_at        TEXT NOT NULL
) STRICT;
)sql",
    // 9: station_reports is folded about once a second rather than at
    // every commit; it holds every submission up to this seq, and those
    // after it are counted again when the store opens. Until now it was
    // kept at every commit, so it holds them all.
    R"sql(
INSERT INTO meta(key, value)
  SELECT 'station_reports_seq', CAST(coalesce(max(seq), 0) AS TEXT) FROM submissions;
)sql",
    // 10: files sent with submissions (OpenRosa attachments); the bytes are
    // in DATA/attachments/, named by their SHA-256.
    R"sql(
CREATE TABLE attachments (
  instance_id  TEXT NOT NULL,
  file_name    TEXT NOT NULL,
  sha256       BLOB NOT NULL,
  size         INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  received_at  TEXT NOT NULL,
  PRIMARY KEY (instance_id, file_name)
) STRICT, WITHOUT ROWID;
)sql",
    // 11: every inbound SMS, accepted or not, with the reply it got. The
    // 12-hour duplicate rule looks messages up by sender and time (text
    // order is time order).
    R"sql(
CREATE TABLE sms_messages (
  id                 INTEGER PRIMARY KEY,
  gateway            TEXT NOT NULL,
  gateway_message_id TEXT NOT NULL,
  sender             TEXT NOT NULL,
  text               TEXT NOT NULL,  -- the PIN's digits masked
  received_at        TEXT NOT NULL,
  outcome            TEXT NOT NULL,  -- accepted, duplicate, rejected
  problems           TEXT NOT NULL,  -- JSON array of problem codes
  observer_code      TEXT NOT NULL,  -- '' when the sender was not identified
  instance_id        TEXT NOT NULL,  -- '' when no submission was made
  reply              TEXT NOT NULL,
  UNIQUE (gateway, gateway_message_id)
) STRICT;
CREATE INDEX sms_messages_sender ON sms_messages(sender, received_at);
)sql",
    // 12: data-quality rules, the rules each version flagged (only where
    // one did, so that a clean submission writes nothing more) and the
    // analysts' review of versions, every change kept. The counting form's
    // protocol relations (analysis/protocol_checks.h) come as default
    // rules; "lost" and "unaccounted" count as 0 where a protocol has no
    // such line, as there. Valid = the sum of the votes needs the
    // contestants' questions, which differ by election: add it with
    // `vigil rules add`.
    R"sql(
CREATE TABLE quality_rules (
  code        TEXT PRIMARY KEY,
  form_code   TEXT NOT NULL,
  expression  TEXT NOT NULL,
  description TEXT NOT NULL,  -- JSON object: language -> text
  severity    TEXT NOT NULL,  -- warning, error
  enabled     INTEGER NOT NULL,
  updated_at  TEXT NOT NULL
) STRICT;
CREATE TABLE rule_flags (
  rule_code   TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  PRIMARY KEY (rule_code, instance_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX rule_flags_instance ON rule_flags(instance_id);
CREATE TABLE reviews (
  id          INTEGER PRIMARY KEY,
  instance_id TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_status   TEXT NOT NULL,
  note        TEXT NOT NULL,
  actor       TEXT NOT NULL,
  at          TEXT NOT NULL,
  audit_seq   INTEGER NOT NULL
) STRICT;
CREATE INDEX reviews_instance ON reviews(instance_id, id);
INSERT INTO quality_rules(code, form_code, expression, description, severity, enabled, updated_at)
VALUES
  ('received_issued_cancelled', 'C', 'CB + coalesce(CU, 0) != CI + CX + coalesce(CL, 0)',
   '{"en":"Ballots received + unaccounted differ from issued + cancelled + lost","ru":"Получено бюллетеней + неучтённые не равно выдано + погашено + утрачено"}',
   'error', 1, '2026-01-01T00:00:00.000000Z'),
  ('in_boxes_valid_invalid', 'C', 'CF != CV + CN',
   '{"en":"Ballots in boxes differ from valid + invalid","ru":"Бюллетеней в ящиках не равно действительные + недействительные"}',
   'error', 1, '2026-01-01T00:00:00.000000Z'),
  ('in_boxes_at_most_issued', 'C', 'CF > CI',
   '{"en":"More ballots in boxes than issued","ru":"В ящиках больше бюллетеней, чем выдано"}',
   'error', 1, '2026-01-01T00:00:00.000000Z'),
  ('issued_at_most_registered', 'C', 'CI > CR',
   '{"en":"More ballots issued than voters registered (voters added on the day?)","ru":"Выдано больше бюллетеней, чем зарегистрировано избирателей (включены в день голосования?)"}',
   'warning', 1, '2026-01-01T00:00:00.000000Z');
)sql",
    // 13: analysts' resolutions of conflicts between observers, one row per
    // decision; the latest for a station, form and question holds, and the
    // earlier ones are its history.
    R"sql(
CREATE TABLE conflict_resolutions (
  id           INTEGER PRIMARY KEY,
  station_code TEXT NOT NULL,
  form_code    TEXT NOT NULL,
  question     TEXT NOT NULL,
  instance_id  TEXT NOT NULL,  -- the chosen report; '' for an override
  value        TEXT,           -- JSON of the override; NULL when a report was chosen
  note         TEXT NOT NULL,
  actor        TEXT NOT NULL,
  resolved_at  TEXT NOT NULL
) STRICT;
CREATE INDEX conflict_resolutions_form ON conflict_resolutions(form_code, station_code);
)sql",
    // 14: critical alerts, one per submission version and question, and
    // every change of each (the first row is its raising).
    R"sql(
CREATE TABLE alerts (
  id            INTEGER PRIMARY KEY,
  kind          TEXT NOT NULL,  -- critical_answer, critical_incident
  instance_id   TEXT NOT NULL,
  form_code     TEXT NOT NULL,
  station_code  TEXT NOT NULL,
  observer_code TEXT NOT NULL,
  question      TEXT NOT NULL,
  value         TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  status        TEXT NOT NULL,  -- open, acknowledged, resolved
  assignee      TEXT NOT NULL,  -- '' for nobody
  updated_at    TEXT NOT NULL,
  UNIQUE (instance_id, question)
) STRICT;
CREATE INDEX alerts_status ON alerts(status, id);
CREATE TABLE alert_changes (
  alert_id INTEGER NOT NULL REFERENCES alerts(id),
  seq      INTEGER NOT NULL,  -- 0 for the raising
  at       TEXT NOT NULL,
  actor    TEXT NOT NULL,
  action   TEXT NOT NULL,
  status   TEXT NOT NULL,
  assignee TEXT NOT NULL,
  note     TEXT NOT NULL,
  PRIMARY KEY (alert_id, seq)
) STRICT, WITHOUT ROWID;
)sql",
};

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(std::size(kMigrations)); }

Status Migrate(Database& db) {
  VIGIL_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  auto stmt = db.Prepare("PRAGMA user_version");
  if (!stmt) return stmt.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  const int current = static_cast<int>(stmt->Int(0));
  stmt->Reset();
  if (current > LatestSchemaVersion()) {
    (void)db.Exec("ROLLBACK");
    return Status::Unavailable("the store has schema version " + std::to_string(current) +
                               ", newer than this vigil (" + std::to_string(LatestSchemaVersion()) +
                               "): upgrade vigil");
  }
  for (int v = current; v < LatestSchemaVersion(); ++v) {
    if (Status s = db.Exec(kMigrations[v]); !s.ok()) {
      (void)db.Exec("ROLLBACK");
      return Status(s.code(), "migration " + std::to_string(v + 1) + ": " + s.message());
    }
  }
  VIGIL_RETURN_IF_ERROR(db.Exec("PRAGMA user_version=" + std::to_string(LatestSchemaVersion())));
  return db.Exec("COMMIT");
}

}  // namespace vigil::storage::sqlite
