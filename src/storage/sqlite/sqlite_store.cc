#include "storage/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <unordered_map>

#include "storage/sqlite/migrations.h"

namespace vigil::storage::sqlite {

namespace json = boost::json;

namespace {

std::string JoinSpaced(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out.push_back(' ');
    out += item;
  }
  return out;
}

std::vector<std::string> SplitSpaced(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string item; in >> item;) out.push_back(item);
  return out;
}

Result<Timestamp> ParseStoredTime(std::string_view text) {
  auto t = ParseRfc3339(text);
  if (!t) return Fail(Status::DataLoss("stored time is corrupt: " + t.error().message()));
  return t;
}

Sha256 BlobToHash(std::string_view blob) {
  Sha256 h{};
  if (blob.size() == h.size()) std::copy(blob.begin(), blob.end(), h.begin());
  return h;
}

// Reads a submissions row selected with kSubmissionColumns. The parsed
// body's answers are moved, not copied, into the submission: scans of a
// million rows (exports) pay for every copy.
constexpr const char* kSubmissionColumns =
    "body, content_hash, received_at, actor, superseded_by, audit_seq, instance_id, form_code, "
    "form_version, station_code, observer_code, coalesce(replaces, '')";

Result<StoredSubmission> ReadSubmissionRow(const Statement& row) {
  StoredSubmission s;
  s.canonical_json = std::string(row.Text(0));
  // Name the row, so that an audit can point at a corrupted or tampered one.
  const auto what = [&row] { return "stored submission " + std::string(row.Text(6)); };
  std::vector<core::FieldError> errors;
  boost::system::error_code ec;
  json::value body = json::parse(s.canonical_json, ec);
  if (ec) return Fail(Status::DataLoss(what() + " is not valid JSON: " + ec.message()));
  auto sub = core::SubmissionFromJson(std::move(body), &errors);
  if (!sub) {
    return Fail(Status::DataLoss(
        what() + " does not parse: " +
        (errors.empty() ? sub.error().message() : errors[0].field + ": " + errors[0].problem)));
  }
  // The columns repeat the body for indexing; they must say what it says.
  const std::pair<const char*, const std::string*> columns[] = {
      {"instance_id", &sub->instance_id},     {"form_code", &sub->form_code},
      {"form_version", &sub->form_version},   {"station_code", &sub->station_code},
      {"observer_code", &sub->observer_code}, {"replaces", &sub->replaces}};
  for (int i = 0; i < 6; ++i) {
    const auto& [column, in_body] = columns[i];
    if (row.Text(6 + i) != *in_body) {
      return Fail(Status::DataLoss(what() + ": column " + column + " says '" +
                                   std::string(row.Text(6 + i)) + "' but its content says '" +
                                   *in_body + "' (altered)"));
    }
  }
  s.submission = std::move(*sub);
  s.content_hash = BlobToHash(row.Blob(1));
  auto received = ParseStoredTime(row.Text(2));
  if (!received) return Fail(received.error());
  s.received_at = *received;
  s.actor = std::string(row.Text(3));
  s.superseded_by = std::string(row.Text(4));
  s.audit_seq = row.Int(5);
  return s;
}

}  // namespace

// A read connection borrowed from the pool for the lifetime of the lease.
class SqliteStore::ReadLease {
 public:
  ReadLease(SqliteStore* store, std::unique_ptr<Database> db)
      : store_(store), owned_(std::move(db)), db_(owned_.get()) {}
  // A lease on the connection this thread pinned with PinSnapshot().
  explicit ReadLease(Database* pinned) : store_(nullptr), db_(pinned) {}
  ReadLease(ReadLease&&) = default;
  ~ReadLease() {
    if (owned_) store_->ReleaseReader(std::move(owned_));
  }
  Database& db() { return *db_; }

 private:
  SqliteStore* store_;
  std::unique_ptr<Database> owned_;
  Database* db_;
};

namespace {
// The connection the current thread pinned, per store.
thread_local std::vector<std::pair<const void*, Database*>> pinned_readers;
}  // namespace

// Holds one read transaction open on one connection; while it lives, reads of
// the pinning thread use it and so see a single state of the database.
class SqliteStore::Snapshot final : public ReadSnapshot {
 public:
  Snapshot(SqliteStore* store, ReadLease lease) : store_(store), lease_(std::move(lease)) {
    pinned_readers.emplace_back(store_, &lease_.db());
  }
  ~Snapshot() override {
    std::erase_if(pinned_readers, [&](const auto& p) { return p.first == store_; });
    (void)lease_.db().Exec("COMMIT");
  }

 private:
  SqliteStore* store_;
  ReadLease lease_;
};

Result<std::unique_ptr<ReadSnapshot>> SqliteStore::PinSnapshot() {
  for (const auto& [store, db] : pinned_readers) {
    if (store == this) return Fail(Status::Internal("a snapshot is already pinned on this thread"));
  }
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  // BEGIN is deferred: the snapshot is taken by the first read, made here.
  VIGIL_RETURN_IF_ERROR(lease->db().Exec("BEGIN; SELECT 1 FROM audit_log LIMIT 1;"));
  return std::unique_ptr<ReadSnapshot>(std::make_unique<Snapshot>(this, std::move(*lease)));
}

namespace {
// How often WriteSubmissions folds the changes to station_reports into it.
constexpr std::chrono::seconds kFoldInterval{1};
}  // namespace

// BEGIN IMMEDIATE on the write connection, holding write_mu_; rolls back
// unless Commit() succeeded. Appends audit entries chained to the stored head,
// which it reads inside the transaction so that several processes (a running
// server and a CLI import) extend one chain.
class SqliteStore::WriteTransaction {
 public:
  explicit WriteTransaction(SqliteStore* store)
      : store_(store), lock_(store->write_mu_), db_(store->writer_) {}
  ~WriteTransaction() {
    if (open_) (void)db_.Exec("ROLLBACK");
  }

  Status Begin() {
    VIGIL_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
    open_ = true;
    auto head = db_.Cached("SELECT seq, at, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (!head) return head.error();
    auto row = (*head)->Step();
    if (!row) return row.error();
    if (*row) {
      head_.seq = (*head)->Int(0);
      head_.hash = BlobToHash((*head)->Blob(2));
      has_head_ = true;
    }
    (*head)->Reset();
    auto insert = db_.Cached(
        "INSERT INTO audit_log(seq, at, actor, action, subject, detail, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!insert) return insert.error();
    insert_audit_ = *insert;
    return Status::Ok();
  }

  // Appends an audit entry; returns its seq.
  Result<std::int64_t> Audit(const std::string& actor, std::string action, std::string subject,
                             std::string detail, Timestamp at = Now()) {
    core::AuditEntry e;
    e.at = at;
    e.actor = actor;
    e.action = std::move(action);
    e.subject = std::move(subject);
    e.detail = std::move(detail);
    core::ChainAuditEntry(has_head_ ? &head_ : nullptr, &e);
    insert_audit_->Bind(1, e.seq).Bind(2, FormatRfc3339(e.at)).Bind(3, e.actor).Bind(4, e.action);
    insert_audit_->Bind(5, e.subject).Bind(6, e.detail);
    insert_audit_->BindBlob(7, e.prev_hash.data(), e.prev_hash.size())
        .BindBlob(8, e.hash.data(), e.hash.size());
    VIGIL_RETURN_IF_ERROR(insert_audit_->Run());
    head_ = std::move(e);
    has_head_ = true;
    return head_.seq;
  }

  Status BumpSetupVersion() {
    return db_.Exec(
        "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = "
        "'setup_version'");
  }

  // Commits, and returns once the transaction is on disk.
  Status Commit() {
    VIGIL_RETURN_IF_ERROR(CommitUnsynced());
    return store_->SyncWrites();
  }

  // Commits; the transaction is durable after the next SyncWrites().
  Status CommitUnsynced() {
    VIGIL_RETURN_IF_ERROR(db_.Exec("COMMIT"));
    open_ = false;
    return Status::Ok();
  }

  Database& db() { return db_; }

 private:
  SqliteStore* store_;
  std::unique_lock<std::mutex> lock_;
  Database& db_;
  bool open_ = false;
  bool has_head_ = false;
  core::AuditEntry head_;
  Statement* insert_audit_ = nullptr;  // cached on db_
};

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, bool create) {
  // Memory statistics take a global mutex on every allocation, which every
  // connection's thread would contend on. Only possible before SQLite
  // initialises; if something opened a database earlier, it stays on.
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  std::unique_ptr<SqliteStore> store(new SqliteStore(path));
  VIGIL_RETURN_IF_ERROR(store->writer_.Open(path, create));
  // Every commit probes the instance_id index at random places; with the
  // default 2 MB cache, a large mission's index lives in the OS cache and
  // each probe is a read system call. 64 MB holds it for millions of
  // submissions (memory is charged only as pages are used).
  VIGIL_RETURN_IF_ERROR(store->writer_.Exec("PRAGMA cache_size=-65536"));
  VIGIL_RETURN_IF_ERROR(Migrate(store->writer_));
  VIGIL_RETURN_IF_ERROR(store->LoadUnfoldedReports());
  auto checkpointer = WalCheckpointer::Start(path, store->writer_);
  if (!checkpointer) return Fail(checkpointer.error());
  store->checkpointer_ = std::move(*checkpointer);
  // With synchronous=FULL, COMMIT writes the log and then waits for its
  // fdatasync, and the writer can do nothing else meanwhile. Instead the
  // writer commits without syncing and SyncWrites() runs fdatasync on the
  // log file through a descriptor of its own, so a committer can flush one
  // batch while it writes the next. This is as durable as FULL provided
  // that (1) nothing is acknowledged before SyncWrites() returns after it,
  // and (2) checkpoints, which copy the log into the database file, sync
  // both files before the log is reused: only the checkpointer's connection
  // (synchronous=FULL) checkpoints, and the writer is set back to FULL
  // before it closes, because the last connection to close checkpoints.
  const std::string wal_path = path + "-wal";
  store->wal_fd_ = ::open(wal_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (store->wal_fd_ < 0) {
    return Fail(Status::Internal("cannot open the write-ahead log " + wal_path + ": " +
                                 std::strerror(errno)));
  }
  VIGIL_RETURN_IF_ERROR(store->writer_.Exec("PRAGMA synchronous=OFF"));
  return store;
}

SqliteStore::~SqliteStore() {
  if (wal_fd_ >= 0) {
    (void)writer_.Exec("PRAGMA synchronous=FULL");
    ::close(wal_fd_);
  }
  // Leaves station_reports whole for the next reader; should this fail, the
  // next Open() counts the rest again.
  (void)FoldReports();
}

Status SqliteStore::FoldReports() {
  std::lock_guard lock(write_mu_);
  if (unfolded_reports_.empty()) return Status::Ok();
  VIGIL_RETURN_IF_ERROR(writer_.Exec("BEGIN IMMEDIATE"));
  Status s = [&]() -> Status {
    auto fold = writer_.Prepare(
        "INSERT INTO station_reports(form_code, station_code, current) VALUES (?, ?, ?) "
        "ON CONFLICT DO UPDATE SET current = current + excluded.current");
    if (!fold) return fold.error();
    for (const auto& [key, change] : unfolded_reports_) {
      VIGIL_RETURN_IF_ERROR(fold->Bind(1, key.first).Bind(2, key.second).Bind(3, change).Run());
    }
    return writer_.Exec(
        "UPDATE meta SET value = (SELECT CAST(coalesce(max(seq), 0) AS TEXT) FROM submissions) "
        "WHERE key = 'station_reports_seq'");
  }();
  if (!s.ok()) {
    (void)writer_.Exec("ROLLBACK");
    return s;
  }
  return writer_.Exec("COMMIT");
}

Status SqliteStore::SyncWrites() {
  if (::fdatasync(wal_fd_) != 0) {
    return Status::Internal(std::string("cannot flush the write-ahead log to disk: ") +
                            std::strerror(errno));
  }
  return Status::Ok();
}

Result<SqliteStore::ReadLease> SqliteStore::AcquireReader() {
  for (const auto& [store, db] : pinned_readers) {
    if (store == this) return ReadLease(db);
  }
  {
    std::lock_guard lock(read_mu_);
    if (!idle_readers_.empty()) {
      auto db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return ReadLease(this, std::move(db));
    }
  }
  auto db = std::make_unique<Database>();
  VIGIL_RETURN_IF_ERROR(db->Open(path_, false));
  return ReadLease(this, std::move(db));
}

void SqliteStore::ReleaseReader(std::unique_ptr<Database> db) {
  std::lock_guard lock(read_mu_);
  if (idle_readers_.size() < 8) idle_readers_.push_back(std::move(db));
}

// ---- Mission set-up ------------------------------------------------------

Result<core::Election> SqliteStore::GetElection() {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare("SELECT value FROM meta WHERE key = 'election'");
  if (!stmt) return Fail(stmt.error());
  auto row = stmt->Step();
  if (!row) return Fail(row.error());
  core::Election e;
  if (!*row) return e;
  boost::system::error_code ec;
  json::value v = json::parse(stmt->Text(0), ec);
  if (ec || !v.is_object()) return Fail(Status::DataLoss("stored election is corrupt"));
  const json::object& o = v.get_object();
  const auto text = [&](std::string_view key) {
    const json::value* f = o.if_contains(key);
    return f != nullptr && f->is_string() ? std::string(f->get_string()) : std::string();
  };
  e.name = text("name");
  e.country = text("country");
  e.date = text("date");
  if (const json::value* f = o.if_contains("enforce_assignments"); f != nullptr && f->is_bool()) {
    e.enforce_assignments = f->get_bool();
  }
  return e;
}

Status SqliteStore::SaveElection(const core::Election& e, const Actor& actor) {
  const std::string value =
      json::serialize(json::object{{"name", e.name},
                                   {"country", e.country},
                                   {"date", e.date},
                                   {"enforce_assignments", e.enforce_assignments}});
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto stmt = tx.db().Prepare(
      "INSERT INTO meta(key, value) VALUES ('election', ?) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!stmt) return stmt.error();
  VIGIL_RETURN_IF_ERROR(stmt->Bind(1, value).Run());
  VIGIL_RETURN_IF_ERROR(tx.BumpSetupVersion());
  if (auto seq = tx.Audit(actor.name, "election.save", e.name, value); !seq) return seq.error();
  return tx.Commit();
}

Status SqliteStore::UpsertLocations(std::span<const core::Location> locations, const Actor& actor,
                                    const std::string& source) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto stmt = tx.db().Prepare(
      "INSERT INTO locations(code, name, parent_code, registered_voters, settlement, lat, lon) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET name = excluded.name, "
      "parent_code = excluded.parent_code, registered_voters = excluded.registered_voters, "
      "settlement = excluded.settlement, lat = excluded.lat, lon = excluded.lon");
  if (!stmt) return stmt.error();
  std::string digest_input;
  for (const core::Location& l : locations) {
    stmt->Bind(1, l.code).Bind(2, l.name);
    l.parent_code.empty() ? stmt->BindNull(3) : stmt->Bind(3, l.parent_code);
    l.registered_voters ? stmt->Bind(4, *l.registered_voters) : stmt->BindNull(4);
    stmt->Bind(5, core::SettlementName(l.settlement));
    l.lat ? stmt->Bind(6, *l.lat) : stmt->BindNull(6);
    l.lon ? stmt->Bind(7, *l.lon) : stmt->BindNull(7);
    VIGIL_RETURN_IF_ERROR(stmt->Run());
    digest_input += l.code + '\n' + l.name + '\n' + l.parent_code + '\n';
  }
  VIGIL_RETURN_IF_ERROR(tx.BumpSetupVersion());
  const std::string detail = json::serialize(
      json::object{{"count", locations.size()}, {"sha256", ToHex(HashSha256(digest_input))}});
  if (auto seq = tx.Audit(actor.name, "locations.import", source, detail); !seq) return seq.error();
  return tx.Commit();
}

Result<std::vector<core::Location>> SqliteStore::ListLocations() {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare(
      "SELECT code, name, parent_code, registered_voters, settlement, lat, lon FROM locations "
      "ORDER BY rowid");
  if (!stmt) return Fail(stmt.error());
  std::vector<core::Location> out;
  while (true) {
    auto row = stmt->Step();
    if (!row) return Fail(row.error());
    if (!*row) break;
    core::Location l;
    l.code = stmt->Text(0);
    l.name = stmt->Text(1);
    l.parent_code = stmt->Text(2);
    if (!stmt->IsNull(3)) l.registered_voters = stmt->Int(3);
    l.settlement = core::ParseSettlement(stmt->Text(4)).value_or(core::Settlement::kUnknown);
    if (!stmt->IsNull(5)) l.lat = stmt->Double(5);
    if (!stmt->IsNull(6)) l.lon = stmt->Double(6);
    out.push_back(std::move(l));
  }
  return out;
}

Status SqliteStore::UpsertObservers(std::span<const core::Observer> observers, const Actor& actor,
                                    const std::string& source) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto upsert = tx.db().Prepare(
      "INSERT INTO observers(code, name, phones, role, team, language) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT(code) DO UPDATE SET name = excluded.name, phones = excluded.phones, "
      "role = excluded.role, team = excluded.team, language = excluded.language");
  auto clear = tx.db().Prepare("DELETE FROM assignments WHERE observer_code = ?");
  auto assign = tx.db().Prepare(
      "INSERT OR IGNORE INTO assignments(observer_code, station_code) VALUES (?, ?)");
  if (!upsert) return upsert.error();
  if (!clear) return clear.error();
  if (!assign) return assign.error();
  std::string digest_input;
  for (const core::Observer& o : observers) {
    upsert->Bind(1, o.code).Bind(2, o.name).Bind(3, JoinSpaced(o.phones));
    upsert->Bind(4, core::ObserverRoleName(o.role)).Bind(5, o.team).Bind(6, o.language);
    VIGIL_RETURN_IF_ERROR(upsert->Run());
    VIGIL_RETURN_IF_ERROR(clear->Bind(1, o.code).Run());
    for (const std::string& station : o.stations) {
      VIGIL_RETURN_IF_ERROR(assign->Bind(1, o.code).Bind(2, station).Run());
    }
    digest_input += o.code + '\n' + JoinSpaced(o.stations) + '\n';
  }
  VIGIL_RETURN_IF_ERROR(tx.BumpSetupVersion());
  const std::string detail = json::serialize(
      json::object{{"count", observers.size()}, {"sha256", ToHex(HashSha256(digest_input))}});
  if (auto seq = tx.Audit(actor.name, "observers.import", source, detail); !seq) return seq.error();
  return tx.Commit();
}

Result<std::vector<core::Observer>> SqliteStore::ListObservers() {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare(
      "SELECT o.code, o.name, o.phones, o.role, o.team, o.language, "
      "(SELECT group_concat(station_code, ' ') FROM assignments a WHERE a.observer_code = o.code) "
      "FROM observers o ORDER BY o.rowid");
  if (!stmt) return Fail(stmt.error());
  std::vector<core::Observer> out;
  while (true) {
    auto row = stmt->Step();
    if (!row) return Fail(row.error());
    if (!*row) break;
    core::Observer o;
    o.code = stmt->Text(0);
    o.name = stmt->Text(1);
    o.phones = SplitSpaced(stmt->Text(2));
    o.role = core::ParseObserverRole(stmt->Text(3)).value_or(core::ObserverRole::kShortTerm);
    o.team = stmt->Text(4);
    o.language = stmt->Text(5);
    o.stations = SplitSpaced(stmt->Text(6));
    out.push_back(std::move(o));
  }
  return out;
}

Status SqliteStore::InstallForm(const core::Form& form, const Actor& actor) {
  const std::string definition = json::serialize(core::FormToJson(form));
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto stmt = tx.db().Prepare(
      "INSERT INTO forms(code, version, definition, installed_at) VALUES (?, ?, ?, ?)");
  if (!stmt) return stmt.error();
  if (Status s = stmt->Bind(1, form.code)
                     .Bind(2, form.version)
                     .Bind(3, definition)
                     .Bind(4, FormatRfc3339(Now()))
                     .Run();
      !s.ok()) {
    if (s.code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists("form " + form.code + " version " + form.version +
                                   " is already installed; give the new definition a new version");
    }
    return s;
  }
  VIGIL_RETURN_IF_ERROR(tx.BumpSetupVersion());
  const std::string detail = json::serialize(
      json::object{{"version", form.version}, {"sha256", ToHex(HashSha256(definition))}});
  if (auto seq = tx.Audit(actor.name, "form.install", form.code, detail); !seq) return seq.error();
  return tx.Commit();
}

Result<std::vector<core::Form>> SqliteStore::ListForms() {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare("SELECT code, version, definition FROM forms ORDER BY id");
  if (!stmt) return Fail(stmt.error());
  std::vector<core::Form> out;
  while (true) {
    auto row = stmt->Step();
    if (!row) return Fail(row.error());
    if (!*row) break;
    boost::system::error_code ec;
    json::value v = json::parse(stmt->Text(2), ec);
    auto form =
        ec ? Result<core::Form>(Fail(Status::DataLoss(ec.message()))) : core::FormFromJson(v);
    if (!form) {
      return Fail(Status::DataLoss("stored form " + std::string(stmt->Text(0)) + " " +
                                   std::string(stmt->Text(1)) +
                                   " is corrupt: " + form.error().message()));
    }
    out.push_back(std::move(*form));
  }
  return out;
}

Result<std::int64_t> SqliteStore::SetupVersion() {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt =
      lease->db().Prepare("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'setup_version'");
  if (!stmt) return Fail(stmt.error());
  auto row = stmt->Step();
  if (!row) return Fail(row.error());
  return *row ? stmt->Int(0) : 0;
}

// ---- Official results ------------------------------------------------------

namespace {

std::string JsonStrings(const std::vector<std::string>& values) {
  json::array a;
  for (const std::string& v : values) a.emplace_back(v);
  return json::serialize(a);
}

// A stored JSON array of strings or integers; DataLoss names `what` if it is
// not one.
template <typename T>
Result<std::vector<T>> ParseStoredArray(std::string_view text, const std::string& what) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  std::vector<T> out;
  if (!ec && v.is_array()) {
    for (const json::value& item : v.as_array()) {
      if constexpr (std::is_same_v<T, std::string>) {
        if (!item.is_string()) break;
        out.emplace_back(item.as_string());
      } else {
        if (!item.is_int64()) break;
        out.push_back(item.as_int64());
      }
    }
    if (out.size() == v.as_array().size()) return out;
  }
  return Fail(Status::DataLoss(what + " is corrupt"));
}

// The nullable figure columns of station_results, in core::kStationFigures
// order (the columns are named after the figures).
std::string FigureColumns() {
  std::string out;
  for (const core::StationFigure& f : core::kStationFigures) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

}  // namespace

Result<ResultSetInfo> SqliteStore::SaveResultSet(const ResultSetInfo& info,
                                                 const core::ResultsTable& table,
                                                 const Actor& actor) {
  ResultSetInfo stored = info;
  stored.imported_at = Now();
  stored.stations = static_cast<std::int64_t>(table.stations.size());
  stored.area_levels = table.area_levels;
  stored.content_hash = core::ResultsDigest(table);
  WriteTransaction tx(this);
  if (Status s = tx.Begin(); !s.ok()) return Fail(s);
  auto set = tx.db().Prepare(
      "INSERT INTO result_sets(name, source, format, imported_at, area_levels, contestants, "
      "stations, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!set) return Fail(set.error());
  set->Bind(1, stored.name).Bind(2, stored.source).Bind(3, stored.format);
  set->Bind(4, FormatRfc3339(stored.imported_at)).Bind(5, JsonStrings(table.area_levels));
  set->Bind(6, JsonStrings(table.contestants)).Bind(7, stored.stations);
  set->BindBlob(8, stored.content_hash.data(), stored.content_hash.size());
  if (Status s = set->Run(); !s.ok()) {
    if (s.code() == StatusCode::kAlreadyExists) {
      return Fail(Status::AlreadyExists("a result set named '" + stored.name +
                                        "' exists already; sets are never replaced, so give "
                                        "this one another name"));
    }
    return Fail(s);
  }
  const std::int64_t set_id = sqlite3_last_insert_rowid(tx.db().handle());
  std::string placeholders;
  for (std::size_t i = 0; i < std::size(core::kStationFigures); ++i) placeholders += "?, ";
  auto row =
      tx.db().Prepare("INSERT INTO station_results(set_id, row, station_code, areas, " +
                      FigureColumns() + ", votes) VALUES (?, ?, ?, ?, " + placeholders + "?)");
  if (!row) return Fail(row.error());
  std::int64_t index = 0;
  for (const core::StationResult& s : table.stations) {
    row->Bind(1, set_id).Bind(2, index++).Bind(3, s.code).Bind(4, JsonStrings(s.areas));
    int column = 5;
    for (const core::StationFigure& f : core::kStationFigures) {
      const auto& figure = s.*f.member;
      figure ? row->Bind(column, *figure) : row->BindNull(column);
      ++column;
    }
    row->Bind(column, json::serialize(json::value_from(s.votes)));
    if (Status st = row->Run(); !st.ok()) return Fail(st);
  }
  const std::string detail = json::serialize(json::object{{"source", stored.source},
                                                          {"format", stored.format},
                                                          {"stations", stored.stations},
                                                          {"sha256", ToHex(stored.content_hash)}});
  if (auto seq = tx.Audit(actor.name, "results.import", stored.name, detail); !seq) {
    return Fail(seq.error());
  }
  if (Status s = tx.Commit(); !s.ok()) return Fail(s);
  return stored;
}

Result<std::vector<ResultSetInfo>> SqliteStore::ListResultSets() {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare(
      "SELECT name, source, format, imported_at, stations, sha256, area_levels FROM result_sets "
      "ORDER BY id");
  if (!stmt) return Fail(stmt.error());
  std::vector<ResultSetInfo> out;
  while (true) {
    auto row = stmt->Step();
    if (!row) return Fail(row.error());
    if (!*row) break;
    ResultSetInfo info{.name = std::string(stmt->Text(0)),
                       .source = std::string(stmt->Text(1)),
                       .format = std::string(stmt->Text(2))};
    auto at = ParseStoredTime(stmt->Text(3));
    if (!at) return Fail(at.error());
    info.imported_at = *at;
    info.stations = stmt->Int(4);
    info.content_hash = BlobToHash(stmt->Blob(5));
    auto levels = ParseStoredArray<std::string>(stmt->Text(6),
                                                "result set '" + info.name + "': its area levels");
    if (!levels) return Fail(levels.error());
    info.area_levels = std::move(*levels);
    out.push_back(std::move(info));
  }
  return out;
}

Result<core::ResultsTable> SqliteStore::GetResultSet(const std::string& name) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto set =
      lease->db().Prepare("SELECT id, area_levels, contestants FROM result_sets WHERE name = ?");
  if (!set) return Fail(set.error());
  set->Bind(1, name);
  auto found = set->Step();
  if (!found) return Fail(found.error());
  if (!*found) {
    return Fail(
        Status::NotFound("no result set named '" + name + "' (vigil results list shows them)"));
  }
  const std::int64_t set_id = set->Int(0);
  const std::string what = "result set '" + name + "'";
  core::ResultsTable table;
  auto levels = ParseStoredArray<std::string>(set->Text(1), what + ": its area levels");
  auto contestants = ParseStoredArray<std::string>(set->Text(2), what + ": its contestants");
  if (!levels) return Fail(levels.error());
  if (!contestants) return Fail(contestants.error());
  table.area_levels = std::move(*levels);
  table.contestants = std::move(*contestants);
  constexpr int kVotesColumn = 2 + static_cast<int>(std::size(core::kStationFigures));
  auto rows = lease->db().Prepare("SELECT station_code, areas, " + FigureColumns() +
                                  ", votes FROM station_results WHERE set_id = ? ORDER BY row");
  if (!rows) return Fail(rows.error());
  rows->Bind(1, set_id);
  while (true) {
    auto row = rows->Step();
    if (!row) return Fail(row.error());
    if (!*row) break;
    core::StationResult s;
    s.code = std::string(rows->Text(0));
    auto areas = ParseStoredArray<std::string>(rows->Text(1), what + ", station " + s.code);
    auto votes =
        ParseStoredArray<std::int64_t>(rows->Text(kVotesColumn), what + ", station " + s.code);
    if (!areas) return Fail(areas.error());
    if (!votes) return Fail(votes.error());
    s.areas = std::move(*areas);
    s.votes = std::move(*votes);
    int column = 2;
    for (const core::StationFigure& f : core::kStationFigures) {
      if (!rows->IsNull(column)) s.*f.member = rows->Int(column);
      ++column;
    }
    table.stations.push_back(std::move(s));
  }
  return table;
}

// ---- PVT sample --------------------------------------------------------------

Status SqliteStore::SavePvtSample(const core::PvtSample& sample, const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto head = tx.db().Prepare("INSERT INTO pvt_sample(id, seed, saved_at) VALUES (1, ?, ?)");
  if (!head) return head.error();
  if (Status s = head->Bind(1, std::to_string(sample.seed)).Bind(2, FormatRfc3339(Now())).Run();
      !s.ok()) {
    if (s.code() != StatusCode::kAlreadyExists) return s;
    return Status::AlreadyExists(
        "the mission already keeps a PVT sample; a published sample is never replaced");
  }
  auto stratum = tx.db().Prepare(
      "INSERT INTO pvt_strata(position, stratum, stations, registered, sample, reserves) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  if (!stratum) return stratum.error();
  std::int64_t position = 0;
  std::int64_t sampled = 0, reserves = 0;
  for (const core::StratumSummary& s : sample.strata) {
    stratum->Bind(1, position++).Bind(2, s.stratum).Bind(3, s.stations).Bind(4, s.registered);
    stratum->Bind(5, s.sample).Bind(6, s.reserves);
    VIGIL_RETURN_IF_ERROR(stratum->Run());
    sampled += s.sample;
    reserves += s.reserves;
  }
  auto station = tx.db().Prepare(
      "INSERT INTO pvt_stations(position, code, stratum, reserve, rank) VALUES (?, ?, ?, ?, ?)");
  if (!station) return station.error();
  position = 0;
  for (const core::DrawnStation& d : sample.stations) {
    station->Bind(1, position++).Bind(2, d.code).Bind(3, d.stratum);
    station->Bind(4, std::int64_t{d.reserve}).Bind(5, std::int64_t{d.rank});
    VIGIL_RETURN_IF_ERROR(station->Run());
  }
  const std::string detail = json::serialize(json::object{{"seed", std::to_string(sample.seed)},
                                                          {"strata", sample.strata.size()},
                                                          {"sample", sampled},
                                                          {"reserves", reserves}});
  if (auto seq =
          tx.Audit(actor.name, "pvt_sample.save", "seed " + std::to_string(sample.seed), detail);
      !seq) {
    return seq.error();
  }
  return tx.Commit();
}

Result<std::optional<core::PvtSample>> SqliteStore::GetPvtSample() {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto head = lease->db().Prepare("SELECT seed FROM pvt_sample");
  if (!head) return Fail(head.error());
  auto row = head->Step();
  if (!row) return Fail(row.error());
  if (!*row) return std::optional<core::PvtSample>();
  core::PvtSample sample;
  const std::string seed(head->Text(0));
  char* end = nullptr;
  sample.seed = std::strtoull(seed.c_str(), &end, 10);
  if (seed.empty() || *end != '\0') return Fail(Status::DataLoss("stored PVT seed is corrupt"));
  auto strata = lease->db().Prepare(
      "SELECT stratum, stations, registered, sample, reserves FROM pvt_strata ORDER BY position");
  if (!strata) return Fail(strata.error());
  while (true) {
    auto r = strata->Step();
    if (!r) return Fail(r.error());
    if (!*r) break;
    sample.strata.push_back({std::string(strata->Text(0)), strata->Int(1), strata->Int(2),
                             strata->Int(3), strata->Int(4)});
  }
  auto stations = lease->db().Prepare(
      "SELECT code, stratum, reserve, rank FROM pvt_stations ORDER BY position");
  if (!stations) return Fail(stations.error());
  while (true) {
    auto r = stations->Step();
    if (!r) return Fail(r.error());
    if (!*r) break;
    sample.stations.push_back({std::string(stations->Text(0)), std::string(stations->Text(1)),
                               stations->Int(2) != 0, static_cast<int>(stations->Int(3))});
  }
  return std::optional<core::PvtSample>(std::move(sample));
}

// ---- Tokens ----------------------------------------------------------------

namespace {

// A nullable time column.
Result<std::optional<Timestamp>> OptionalStoredTime(const Statement& stmt, int column) {
  if (stmt.IsNull(column)) return std::optional<Timestamp>();
  auto at = ParseStoredTime(stmt.Text(column));
  if (!at) return Fail(at.error());
  return std::optional<Timestamp>(*at);
}

// Regions are kept as a JSON array of location codes.
std::string RegionsToText(const std::vector<std::string>& regions) {
  json::array list;
  for (const std::string& r : regions) list.emplace_back(r);
  return json::serialize(list);
}

Result<std::vector<std::string>> RegionsFromText(std::string_view text, const std::string& owner) {
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  std::vector<std::string> regions;
  if (!ec && v.is_array()) {
    for (const json::value& r : v.as_array()) {
      if (!r.is_string()) break;
      regions.emplace_back(r.as_string());
    }
    if (regions.size() == v.as_array().size()) return regions;
  }
  return Fail(Status::DataLoss(owner + " has corrupt regions"));
}

}  // namespace

Status SqliteStore::CreateToken(TokenRecord* record, const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto stmt = tx.db().Prepare(
      "INSERT INTO tokens(token_hash, role, observer_code, label, created_at, expires_at, "
      "regions) VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!stmt) return stmt.error();
  stmt->BindBlob(1, record->token_hash.data(), record->token_hash.size());
  stmt->Bind(2, core::RoleName(record->role));
  record->observer_code.empty() ? stmt->BindNull(3) : stmt->Bind(3, record->observer_code);
  stmt->Bind(4, record->label).Bind(5, FormatRfc3339(record->created_at));
  record->expires_at ? stmt->Bind(6, FormatRfc3339(*record->expires_at)) : stmt->BindNull(6);
  stmt->Bind(7, RegionsToText(record->regions));
  VIGIL_RETURN_IF_ERROR(stmt->Run());
  record->id = sqlite3_last_insert_rowid(tx.db().handle());
  json::object detail{{"role", core::RoleName(record->role)}, {"label", record->label}};
  if (!record->observer_code.empty()) detail["observer"] = record->observer_code;
  if (!record->regions.empty()) detail["regions"] = json::parse(RegionsToText(record->regions));
  if (record->expires_at) detail["expires_at"] = FormatRfc3339(*record->expires_at);
  if (auto seq = tx.Audit(actor.name, "token.create", "token:" + std::to_string(record->id),
                          json::serialize(detail));
      !seq) {
    return seq.error();
  }
  return tx.Commit();
}

namespace {

// The first row `stmt` selects, read by `read`, or nullopt.
template <typename T>
Result<std::optional<T>> FirstRow(Statement& stmt, Result<T> (*read)(Statement&)) {
  auto row = stmt.Step();
  if (!row) return Fail(row.error());
  if (!*row) return std::optional<T>();
  auto value = read(stmt);
  if (!value) return Fail(value.error());
  return std::optional<T>(std::move(*value));
}

// Every row `stmt` selects, each read by `read`.
template <typename T>
Result<std::vector<T>> ReadRows(Statement& stmt, Result<T> (*read)(Statement&)) {
  std::vector<T> out;
  while (true) {
    auto row = stmt.Step();
    if (!row) return Fail(row.error());
    if (!*row) return out;
    auto value = read(stmt);
    if (!value) return Fail(value.error());
    out.push_back(std::move(*value));
  }
}

constexpr const char* kTokenColumns =
    "id, role, observer_code, label, created_at, expires_at, revoked_at, last_used_at, "
    "token_hash, regions";

// Reads a tokens row selected with kTokenColumns.
Result<TokenRecord> ReadTokenRow(Statement& stmt) {
  TokenRecord t;
  t.id = stmt.Int(0);
  auto role = core::ParseRole(stmt.Text(1));
  if (!role)
    return Fail(Status::DataLoss("token " + std::to_string(t.id) + " has an unknown role"));
  t.role = *role;
  t.observer_code = stmt.Text(2);
  t.label = stmt.Text(3);
  auto created = ParseStoredTime(stmt.Text(4));
  if (!created) return Fail(created.error());
  t.created_at = *created;
  for (auto [column, field] :
       {std::pair{5, &t.expires_at}, std::pair{6, &t.revoked_at}, std::pair{7, &t.last_used_at}}) {
    auto at = OptionalStoredTime(stmt, column);
    if (!at) return Fail(at.error());
    *field = *at;
  }
  t.token_hash = BlobToHash(stmt.Blob(8));
  auto regions = RegionsFromText(stmt.Text(9), "token " + std::to_string(t.id));
  if (!regions) return Fail(regions.error());
  t.regions = std::move(*regions);
  return t;
}

}  // namespace

Result<std::optional<TokenRecord>> SqliteStore::FindToken(const Sha256& token_hash) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare(std::string("SELECT ") + kTokenColumns +
                                  " FROM tokens WHERE token_hash = ?");
  if (!stmt) return Fail(stmt.error());
  stmt->BindBlob(1, token_hash.data(), token_hash.size());
  return FirstRow(*stmt, ReadTokenRow);
}

Result<std::vector<TokenRecord>> SqliteStore::ListTokens() {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt =
      lease->db().Prepare(std::string("SELECT ") + kTokenColumns + " FROM tokens ORDER BY id");
  if (!stmt) return Fail(stmt.error());
  return ReadRows(*stmt, ReadTokenRow);
}

namespace {

// Sets `column` of the row of `table` whose `key_column` is `key` to the
// current time, once: NotFound (`missing`) without such a row, Conflict
// (`what` was `done` already) if it is set.
template <typename Key>
Status StampOnce(Database& db, const std::string& table, const std::string& key_column,
                 const Key& key, const std::string& column, const std::string& what,
                 const std::string& done, const std::string& missing) {
  auto find = db.Prepare("SELECT " + column + " FROM " + table + " WHERE " + key_column + " = ?");
  if (!find) return find.error();
  find->Bind(1, key);
  auto row = find->Step();
  if (!row) return row.error();
  if (!*row) return Status::NotFound(missing);
  if (!find->IsNull(0)) {
    return Status(StatusCode::kConflict,
                  what + " was " + done + " already, at " + std::string(find->Text(0)));
  }
  find->Reset();
  auto stamp =
      db.Prepare("UPDATE " + table + " SET " + column + " = ? WHERE " + key_column + " = ?");
  if (!stamp) return stamp.error();
  return stamp->Bind(1, FormatRfc3339(Now())).Bind(2, key).Run();
}

}  // namespace

Status SqliteStore::RevokeToken(std::int64_t id, const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  const std::string subject = "token:" + std::to_string(id);
  VIGIL_RETURN_IF_ERROR(
      StampOnce(tx.db(), "tokens", "id", id, "revoked_at", subject, "revoked",
                "no token " + std::to_string(id) + "; vigil token list shows them"));
  if (auto seq = tx.Audit(actor.name, "token.revoke", subject, "{}"); !seq) return seq.error();
  return tx.Commit();
}

Status SqliteStore::RecordTokenUse(std::span<const TokenUse> uses, const Actor& actor) {
  if (uses.empty()) return Status::Ok();
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto stmt = tx.db().Prepare(
      "UPDATE tokens SET last_used_at = ?1 WHERE id = ?2 AND "
      "(last_used_at IS NULL OR last_used_at < ?1)");
  if (!stmt) return stmt.error();
  json::object detail;
  for (const TokenUse& use : uses) {
    const std::string at = FormatRfc3339(use.at);
    VIGIL_RETURN_IF_ERROR(stmt->Bind(1, at).Bind(2, use.token_id).Run());
    detail[std::to_string(use.token_id)] = at;
  }
  if (auto seq = tx.Audit(actor.name, "tokens.used", std::to_string(uses.size()) + " tokens",
                          json::serialize(detail));
      !seq) {
    return seq.error();
  }
  return tx.Commit();
}

// ---- Users -------------------------------------------------------------------

namespace {

constexpr const char* kUserColumns =
    "id, name, role, password_hash, created_at, disabled_at, regions, observer_code";

Result<UserRecord> ReadUserRow(Statement& stmt) {
  UserRecord u;
  u.id = stmt.Int(0);
  u.name = stmt.Text(1);
  auto role = core::ParseRole(stmt.Text(2));
  if (!role) return Fail(Status::DataLoss("user " + u.name + " has an unknown role"));
  u.role = *role;
  u.password_hash = stmt.Text(3);
  auto created = ParseStoredTime(stmt.Text(4));
  if (!created) return Fail(created.error());
  u.created_at = *created;
  auto disabled = OptionalStoredTime(stmt, 5);
  if (!disabled) return Fail(disabled.error());
  u.disabled_at = *disabled;
  auto regions = RegionsFromText(stmt.Text(6), "user " + u.name);
  if (!regions) return Fail(regions.error());
  u.regions = std::move(*regions);
  u.observer_code = stmt.Text(7);
  return u;
}

}  // namespace

Status SqliteStore::CreateUser(UserRecord* user, const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto stmt = tx.db().Prepare(
      "INSERT INTO users(name, role, password_hash, created_at, regions, observer_code) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  if (!stmt) return stmt.error();
  stmt->Bind(1, user->name).Bind(2, core::RoleName(user->role)).Bind(3, user->password_hash);
  stmt->Bind(5, RegionsToText(user->regions)).Bind(6, user->observer_code);
  if (Status s = stmt->Bind(4, FormatRfc3339(user->created_at)).Run(); !s.ok()) {
    if (s.code() != StatusCode::kAlreadyExists) return s;
    return Status::AlreadyExists("a user named '" + user->name + "' exists already");
  }
  user->id = sqlite3_last_insert_rowid(tx.db().handle());
  // The hash stays out of the log: it would help an offline guess.
  json::object detail{{"role", core::RoleName(user->role)}};
  if (!user->observer_code.empty()) detail["observer"] = user->observer_code;
  if (!user->regions.empty()) detail["regions"] = json::parse(RegionsToText(user->regions));
  if (auto seq = tx.Audit(actor.name, "user.create", "user:" + user->name, json::serialize(detail));
      !seq) {
    return seq.error();
  }
  return tx.Commit();
}

Result<std::optional<UserRecord>> SqliteStore::FindUser(const std::string& name) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt =
      lease->db().Prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE name = ?");
  if (!stmt) return Fail(stmt.error());
  stmt->Bind(1, name);
  return FirstRow(*stmt, ReadUserRow);
}

Result<std::vector<UserRecord>> SqliteStore::ListUsers() {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt =
      lease->db().Prepare(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY id");
  if (!stmt) return Fail(stmt.error());
  return ReadRows(*stmt, ReadUserRow);
}

Status SqliteStore::SetUserPassword(const std::string& name, const std::string& password_hash,
                                    const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto stmt = tx.db().Prepare("UPDATE users SET password_hash = ? WHERE name = ?");
  if (!stmt) return stmt.error();
  VIGIL_RETURN_IF_ERROR(stmt->Bind(1, password_hash).Bind(2, name).Run());
  if (sqlite3_changes(tx.db().handle()) == 0)
    return Status::NotFound("no user named '" + name + "'");
  if (auto seq = tx.Audit(actor.name, "user.passwd", "user:" + name, "{}"); !seq) {
    return seq.error();
  }
  return tx.Commit();
}

Status SqliteStore::DisableUser(const std::string& name, const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  VIGIL_RETURN_IF_ERROR(StampOnce(tx.db(), "users", "name", name, "disabled_at", "user " + name,
                                  "disabled",
                                  "no user named '" + name + "'; vigil user list shows them"));
  if (auto seq = tx.Audit(actor.name, "user.disable", "user:" + name, "{}"); !seq) {
    return seq.error();
  }
  return tx.Commit();
}

// ---- Field credentials -----------------------------------------------------

namespace {

Status RequireObserver(Database& db, const std::string& code) {
  auto find = db.Prepare("SELECT 1 FROM observers WHERE code = ?");
  if (!find) return find.error();
  auto row = find->Bind(1, code).Step();
  if (!row) return row.error();
  if (!*row) return Status::NotFound("no observer '" + code + "' (import observers first)");
  return Status::Ok();
}

// Deletes the observer's row of `table`: NotFound for an unknown observer,
// or (`missing`) for one without a row.
Status DeleteObserverRow(Database& db, const std::string& table, const std::string& code,
                         const std::string& missing) {
  VIGIL_RETURN_IF_ERROR(RequireObserver(db, code));
  auto stmt = db.Prepare("DELETE FROM " + table + " WHERE observer_code = ?");
  if (!stmt) return stmt.error();
  VIGIL_RETURN_IF_ERROR(stmt->Bind(1, code).Run());
  if (sqlite3_changes(db.handle()) == 0) return Status::NotFound(missing);
  return Status::Ok();
}

Result<FieldLogin> ReadFieldLoginRow(Statement& stmt) {
  FieldLogin login{.observer_code = std::string(stmt.Text(0)),
                   .username = std::string(stmt.Text(1)),
                   .realm = std::string(stmt.Text(2)),
                   .ha1 = std::string(stmt.Text(3))};
  auto set_at = ParseStoredTime(stmt.Text(4));
  if (!set_at) return Fail(set_at.error());
  login.set_at = *set_at;
  return login;
}

Result<FieldCredentials> ReadFieldCredentialsRow(Statement& stmt) {
  FieldCredentials c{.observer_code = std::string(stmt.Text(0)),
                     .username = std::string(stmt.Text(1)),
                     .realm = std::string(stmt.Text(2))};
  auto login_set_at = OptionalStoredTime(stmt, 3);
  if (!login_set_at) return Fail(login_set_at.error());
  c.login_set_at = *login_set_at;
  auto pin_set_at = OptionalStoredTime(stmt, 4);
  if (!pin_set_at) return Fail(pin_set_at.error());
  c.pin_set_at = *pin_set_at;
  return c;
}

}  // namespace

Status SqliteStore::SetFieldLogin(const std::string& observer_code, const std::string& username,
                                  const std::string& realm, const std::string& ha1,
                                  const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  VIGIL_RETURN_IF_ERROR(RequireObserver(tx.db(), observer_code));
  // An update, then an insert, rather than an upsert: an upsert on the
  // observer would fail on the username's own uniqueness when an observer
  // is given its current username again.
  const std::string now = FormatRfc3339(Now());
  auto update = tx.db().Prepare(
      "UPDATE field_logins SET username = ?, realm = ?, ha1 = ?, set_at = ? "
      "WHERE observer_code = ?");
  if (!update) return update.error();
  update->Bind(1, username).Bind(2, realm).Bind(3, ha1).Bind(4, now).Bind(5, observer_code);
  Status written = update->Run();
  if (written.ok() && sqlite3_changes(tx.db().handle()) == 0) {
    auto insert = tx.db().Prepare(
        "INSERT INTO field_logins(observer_code, username, realm, ha1, set_at) "
        "VALUES (?, ?, ?, ?, ?)");
    if (!insert) return insert.error();
    insert->Bind(1, observer_code).Bind(2, username).Bind(3, realm).Bind(4, ha1).Bind(5, now);
    written = insert->Run();
  }
  if (written.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("another observer has the username '" + username + "'");
  }
  VIGIL_RETURN_IF_ERROR(written);
  if (auto seq = tx.Audit(actor.name, "field_login.set", "observer:" + observer_code,
                          json::serialize(json::object{{"username", username}, {"realm", realm}}));
      !seq) {
    return seq.error();
  }
  return tx.Commit();
}

Result<std::optional<FieldLogin>> SqliteStore::FindFieldLogin(const std::string& username,
                                                              const std::string& realm) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare(
      "SELECT observer_code, username, realm, ha1, set_at FROM field_logins "
      "WHERE username = ? AND realm = ?");
  if (!stmt) return Fail(stmt.error());
  stmt->Bind(1, username).Bind(2, realm);
  return FirstRow(*stmt, ReadFieldLoginRow);
}

Status SqliteStore::ClearFieldLogin(const std::string& observer_code, const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  VIGIL_RETURN_IF_ERROR(DeleteObserverRow(tx.db(), "field_logins", observer_code,
                                          "observer " + observer_code + " has no ODK login"));
  if (auto seq = tx.Audit(actor.name, "field_login.clear", "observer:" + observer_code, "{}");
      !seq) {
    return seq.error();
  }
  return tx.Commit();
}

Status SqliteStore::SetSmsPin(const std::string& observer_code, const std::string& pin_hash,
                              const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  VIGIL_RETURN_IF_ERROR(RequireObserver(tx.db(), observer_code));
  auto stmt = tx.db().Prepare(
      "INSERT INTO sms_pins(observer_code, pin_hash, set_at) VALUES (?, ?, ?) "
      "ON CONFLICT(observer_code) DO UPDATE SET pin_hash = excluded.pin_hash, "
      "set_at = excluded.set_at");
  if (!stmt) return stmt.error();
  stmt->Bind(1, observer_code).Bind(2, pin_hash).Bind(3, FormatRfc3339(Now()));
  VIGIL_RETURN_IF_ERROR(stmt->Run());
  if (auto seq = tx.Audit(actor.name, "sms_pin.set", "observer:" + observer_code, "{}"); !seq) {
    return seq.error();
  }
  return tx.Commit();
}

Status SqliteStore::ClearSmsPin(const std::string& observer_code, const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  VIGIL_RETURN_IF_ERROR(DeleteObserverRow(tx.db(), "sms_pins", observer_code,
                                          "observer " + observer_code + " has no SMS PIN"));
  if (auto seq = tx.Audit(actor.name, "sms_pin.clear", "observer:" + observer_code, "{}"); !seq) {
    return seq.error();
  }
  return tx.Commit();
}

Result<std::optional<std::string>> SqliteStore::FindSmsPinHash(const std::string& observer_code) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare("SELECT pin_hash FROM sms_pins WHERE observer_code = ?");
  if (!stmt) return Fail(stmt.error());
  stmt->Bind(1, observer_code);
  return FirstRow(
      *stmt, +[](Statement& row) -> Result<std::string> { return std::string(row.Text(0)); });
}

Result<std::vector<FieldCredentials>> SqliteStore::ListFieldCredentials() {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare(
      "SELECT o.code, coalesce(l.username, ''), coalesce(l.realm, ''), l.set_at, p.set_at "
      "FROM observers o LEFT JOIN field_logins l ON l.observer_code = o.code "
      "LEFT JOIN sms_pins p ON p.observer_code = o.code ORDER BY o.rowid");
  if (!stmt) return Fail(stmt.error());
  return ReadRows(*stmt, ReadFieldCredentialsRow);
}

// ---- SMS message log ---------------------------------------------------------

namespace {

constexpr const char* kSmsColumns =
    "id, gateway, gateway_message_id, sender, text, received_at, outcome, problems, "
    "observer_code, instance_id, reply";

Result<SmsMessage> ReadSmsMessageRow(Statement& stmt) {
  SmsMessage m{.id = stmt.Int(0),
               .gateway = std::string(stmt.Text(1)),
               .gateway_message_id = std::string(stmt.Text(2)),
               .sender = std::string(stmt.Text(3)),
               .text = std::string(stmt.Text(4))};
  auto at = ParseStoredTime(stmt.Text(5));
  if (!at) return Fail(at.error());
  m.received_at = *at;
  const std::string_view outcome = stmt.Text(6);
  if (outcome == "accepted") {
    m.outcome = SmsOutcome::kAccepted;
  } else if (outcome == "duplicate") {
    m.outcome = SmsOutcome::kDuplicate;
  } else if (outcome == "rejected") {
    m.outcome = SmsOutcome::kRejected;
  } else {
    return Fail(Status::DataLoss("SMS message " + std::to_string(m.id) + " has outcome '" +
                                 std::string(outcome) + "'"));
  }
  // Problem codes are kept like regions: a JSON array of strings.
  auto problems = RegionsFromText(stmt.Text(7), "SMS message " + std::to_string(m.id));
  if (!problems) return Fail(problems.error());
  m.problems = std::move(*problems);
  m.observer_code = stmt.Text(8);
  m.instance_id = stmt.Text(9);
  m.reply = stmt.Text(10);
  return m;
}

}  // namespace

Result<bool> SqliteStore::AddSmsMessage(SmsMessage* message, const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto find = tx.db().Prepare(std::string("SELECT ") + kSmsColumns +
                              " FROM sms_messages WHERE gateway = ? AND gateway_message_id = ?");
  if (!find) return Fail(find.error());
  find->Bind(1, message->gateway).Bind(2, message->gateway_message_id);
  auto logged = FirstRow(*find, ReadSmsMessageRow);
  if (!logged) return Fail(logged.error());
  if (*logged) {
    *message = std::move(**logged);
    return false;
  }
  auto stmt = tx.db().Prepare(
      "INSERT INTO sms_messages(gateway, gateway_message_id, sender, text, received_at, outcome, "
      "problems, observer_code, instance_id, reply) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt) return Fail(stmt.error());
  stmt->Bind(1, message->gateway).Bind(2, message->gateway_message_id).Bind(3, message->sender);
  stmt->Bind(4, message->text).Bind(5, FormatRfc3339(message->received_at));
  stmt->Bind(6, SmsOutcomeName(message->outcome)).Bind(7, RegionsToText(message->problems));
  stmt->Bind(8, message->observer_code).Bind(9, message->instance_id).Bind(10, message->reply);
  VIGIL_RETURN_IF_ERROR(stmt->Run());
  message->id = sqlite3_last_insert_rowid(tx.db().handle());
  // The detail says what became of the message, not what it said: the
  // text is in the log, and the audit log is read more widely.
  json::object detail{{"gateway", message->gateway},
                      {"outcome", SmsOutcomeName(message->outcome)},
                      {"problems", json::parse(RegionsToText(message->problems))}};
  if (!message->observer_code.empty()) detail["observer"] = message->observer_code;
  if (!message->instance_id.empty()) detail["instance_id"] = message->instance_id;
  if (auto seq = tx.Audit(actor.name, "sms.message", "sms:" + std::to_string(message->id),
                          json::serialize(detail));
      !seq) {
    return Fail(seq.error());
  }
  VIGIL_RETURN_IF_ERROR(tx.Commit());
  return true;
}

Result<std::optional<SmsMessage>> SqliteStore::FindSmsMessage(
    const std::string& gateway, const std::string& gateway_message_id) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt =
      lease->db().Prepare(std::string("SELECT ") + kSmsColumns +
                          " FROM sms_messages WHERE gateway = ? AND gateway_message_id = ?");
  if (!stmt) return Fail(stmt.error());
  stmt->Bind(1, gateway).Bind(2, gateway_message_id);
  return FirstRow(*stmt, ReadSmsMessageRow);
}

Result<std::optional<SmsMessage>> SqliteStore::FindAcceptedSmsText(const std::string& sender,
                                                                   const std::string& text,
                                                                   Timestamp since) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare(std::string("SELECT ") + kSmsColumns +
                                  " FROM sms_messages WHERE sender = ? AND received_at >= ? "
                                  "AND outcome = 'accepted' AND text = ? ORDER BY id DESC LIMIT 1");
  if (!stmt) return Fail(stmt.error());
  stmt->Bind(1, sender).Bind(2, FormatRfc3339(since)).Bind(3, text);
  return FirstRow(*stmt, ReadSmsMessageRow);
}

Result<std::vector<SmsMessage>> SqliteStore::ListSmsMessages(std::int64_t limit) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare(std::string("SELECT ") + kSmsColumns +
                                  " FROM sms_messages ORDER BY id DESC LIMIT ?");
  if (!stmt) return Fail(stmt.error());
  stmt->Bind(1, limit);
  return ReadRows(*stmt, ReadSmsMessageRow);
}

// ---- Conflict resolutions --------------------------------------------------

namespace {

constexpr const char* kResolutionColumns =
    "id, station_code, form_code, question, instance_id, value, note, actor, resolved_at";

Result<core::ConflictResolution> ReadResolutionRow(Statement& stmt) {
  core::ConflictResolution r;
  r.id = stmt.Int(0);
  r.station_code = stmt.Text(1);
  r.form_code = stmt.Text(2);
  r.question = stmt.Text(3);
  r.instance_id = stmt.Text(4);
  if (!stmt.IsNull(5)) {
    boost::system::error_code ec;
    json::value v = json::parse(stmt.Text(5), ec);
    if (ec)
      return Fail(
          Status::DataLoss("conflict resolution " + std::to_string(r.id) + " has a corrupt value"));
    r.value = std::move(v);
  }
  r.note = stmt.Text(6);
  r.actor = stmt.Text(7);
  auto at = ParseStoredTime(stmt.Text(8));
  if (!at) return Fail(at.error());
  r.resolved_at = *at;
  return r;
}

}  // namespace

// ---- Alerts --------------------------------------------------------------------

namespace {

constexpr const char* kAlertColumns =
    "id, kind, instance_id, form_code, station_code, observer_code, question, value, created_at, "
    "status, assignee, updated_at";

Result<core::AlertStatus> ReadAlertStatus(std::string_view text, std::int64_t id) {
  if (auto status = core::ParseAlertStatus(text)) return *status;
  return Fail(
      Status::DataLoss("alert " + std::to_string(id) + " has status '" + std::string(text) + "'"));
}

Result<core::Alert> ReadAlertRow(Statement& stmt) {
  core::Alert a{.id = stmt.Int(0),
                .kind = std::string(stmt.Text(1)),
                .instance_id = std::string(stmt.Text(2)),
                .form_code = std::string(stmt.Text(3)),
                .station_code = std::string(stmt.Text(4)),
                .observer_code = std::string(stmt.Text(5)),
                .question = std::string(stmt.Text(6)),
                .value = std::string(stmt.Text(7))};
  auto created = ParseStoredTime(stmt.Text(8));
  if (!created) return Fail(created.error());
  a.created_at = *created;
  auto status = ReadAlertStatus(stmt.Text(9), a.id);
  if (!status) return Fail(status.error());
  a.status = *status;
  a.assignee = stmt.Text(10);
  auto updated = ParseStoredTime(stmt.Text(11));
  if (!updated) return Fail(updated.error());
  a.updated_at = *updated;
  return a;
}

Result<core::AlertChange> ReadAlertChangeRow(Statement& stmt) {
  core::AlertChange c{.alert_id = stmt.Int(0)};
  auto at = ParseStoredTime(stmt.Text(1));
  if (!at) return Fail(at.error());
  c.at = *at;
  c.actor = stmt.Text(2);
  c.action = stmt.Text(3);
  auto status = ReadAlertStatus(stmt.Text(4), c.alert_id);
  if (!status) return Fail(status.error());
  c.status = *status;
  c.assignee = stmt.Text(5);
  c.note = stmt.Text(6);
  return c;
}

}  // namespace

Status SqliteStore::AddConflictResolution(core::ConflictResolution* r, const Actor& actor) {
  r->actor = actor.name;
  r->resolved_at = Now();
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto stmt = tx.db().Prepare(
      "INSERT INTO conflict_resolutions(station_code, form_code, question, instance_id, value, "
      "note, actor, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt) return stmt.error();
  stmt->Bind(1, r->station_code).Bind(2, r->form_code).Bind(3, r->question);
  stmt->Bind(4, r->instance_id)
      .BindOptional(5, r->value ? std::optional(json::serialize(*r->value)) : std::nullopt);
  stmt->Bind(6, r->note).Bind(7, r->actor).Bind(8, FormatRfc3339(r->resolved_at));
  VIGIL_RETURN_IF_ERROR(stmt->Run());
  r->id = sqlite3_last_insert_rowid(tx.db().handle());
  json::object detail{{"id", r->id}, {"question", r->question}};
  if (r->value) {
    detail["value"] = *r->value;
  } else {
    detail["instance_id"] = r->instance_id;
  }
  detail["note"] = r->note;
  if (auto seq =
          tx.Audit(actor.name, "conflict.resolve",
                   "station:" + r->station_code + "/form:" + r->form_code, json::serialize(detail));
      !seq) {
    return seq.error();
  }
  return tx.Commit();
}

Result<std::vector<core::ConflictResolution>> SqliteStore::ListConflictResolutions(
    const std::string& form_code, const std::string& station_code) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare(
      std::string("SELECT ") + kResolutionColumns +
      " FROM conflict_resolutions WHERE form_code = ? AND (? = '' OR station_code = ?) "
      "ORDER BY id");
  if (!stmt) return Fail(stmt.error());
  stmt->Bind(1, form_code).Bind(2, station_code).Bind(3, station_code);
  return ReadRows(*stmt, ReadResolutionRow);
}

Result<std::vector<core::Alert>> SqliteStore::AddAlerts(const std::vector<core::Alert>& alerts,
                                                        const Actor& actor) {
  std::vector<core::Alert> stored;
  if (alerts.empty()) return stored;
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto insert = tx.db().Prepare(
      "INSERT INTO alerts(kind, instance_id, form_code, station_code, observer_code, question, "
      "value, created_at, status, assignee, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (instance_id, question) DO NOTHING");
  if (!insert) return Fail(insert.error());
  auto change = tx.db().Prepare(
      "INSERT INTO alert_changes(alert_id, seq, at, actor, action, status, assignee, note) "
      "VALUES (?, 0, ?, ?, 'raised', ?, ?, '')");
  if (!change) return Fail(change.error());
  for (const core::Alert& a : alerts) {
    insert->Reset();
    insert->Bind(1, a.kind).Bind(2, a.instance_id).Bind(3, a.form_code).Bind(4, a.station_code);
    insert->Bind(5, a.observer_code).Bind(6, a.question).Bind(7, a.value);
    insert->Bind(8, FormatRfc3339(a.created_at)).Bind(9, core::AlertStatusName(a.status));
    insert->Bind(10, a.assignee).Bind(11, FormatRfc3339(a.updated_at));
    VIGIL_RETURN_IF_ERROR(insert->Run());
    if (sqlite3_changes(tx.db().handle()) == 0) continue;  // raised before
    core::Alert s = a;
    s.id = sqlite3_last_insert_rowid(tx.db().handle());
    change->Reset();
    change->Bind(1, s.id).Bind(2, FormatRfc3339(s.created_at)).Bind(3, actor.name);
    change->Bind(4, core::AlertStatusName(s.status)).Bind(5, s.assignee);
    VIGIL_RETURN_IF_ERROR(change->Run());
    json::object detail{{"kind", s.kind},
                        {"instance_id", s.instance_id},
                        {"station", s.station_code},
                        {"question", s.question},
                        {"value", s.value}};
    if (auto seq = tx.Audit(actor.name, "alert.raise", "alert:" + std::to_string(s.id),
                            json::serialize(detail));
        !seq) {
      return Fail(seq.error());
    }
    stored.push_back(std::move(s));
  }
  VIGIL_RETURN_IF_ERROR(tx.Commit());
  return stored;
}

Result<core::Alert> SqliteStore::ChangeAlert(const core::AlertChange& change, const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto update =
      tx.db().Prepare("UPDATE alerts SET status = ?, assignee = ?, updated_at = ? WHERE id = ?");
  if (!update) return Fail(update.error());
  update->Bind(1, core::AlertStatusName(change.status)).Bind(2, change.assignee);
  update->Bind(3, FormatRfc3339(change.at)).Bind(4, change.alert_id);
  VIGIL_RETURN_IF_ERROR(update->Run());
  if (sqlite3_changes(tx.db().handle()) == 0) {
    return Fail(Status::NotFound("no alert " + std::to_string(change.alert_id)));
  }
  auto insert = tx.db().Prepare(
      "INSERT INTO alert_changes(alert_id, seq, at, actor, action, status, assignee, note) "
      "SELECT ?, COALESCE(MAX(seq), -1) + 1, ?, ?, ?, ?, ?, ? FROM alert_changes WHERE alert_id = "
      "?");
  if (!insert) return Fail(insert.error());
  insert->Bind(1, change.alert_id).Bind(2, FormatRfc3339(change.at)).Bind(3, change.actor);
  insert->Bind(4, change.action).Bind(5, core::AlertStatusName(change.status));
  insert->Bind(6, change.assignee).Bind(7, change.note).Bind(8, change.alert_id);
  VIGIL_RETURN_IF_ERROR(insert->Run());
  json::object detail{{"action", change.action},
                      {"status", core::AlertStatusName(change.status)},
                      {"assignee", change.assignee}};
  if (!change.note.empty()) detail["note"] = change.note;
  if (auto seq = tx.Audit(actor.name, "alert." + change.action,
                          "alert:" + std::to_string(change.alert_id), json::serialize(detail));
      !seq) {
    return Fail(seq.error());
  }
  auto select =
      tx.db().Prepare(std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE id = ?");
  if (!select) return Fail(select.error());
  select->Bind(1, change.alert_id);
  auto alert = FirstRow(*select, ReadAlertRow);
  if (!alert) return Fail(alert.error());
  select->Reset();
  VIGIL_RETURN_IF_ERROR(tx.Commit());
  return std::move(**alert);
}

Result<std::optional<core::Alert>> SqliteStore::GetAlert(std::int64_t id) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt =
      lease->db().Prepare(std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE id = ?");
  if (!stmt) return Fail(stmt.error());
  stmt->Bind(1, id);
  return FirstRow(*stmt, ReadAlertRow);
}

Result<std::vector<core::Alert>> SqliteStore::ListAlerts(std::optional<core::AlertStatus> status,
                                                         std::int64_t limit) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt =
      lease->db().Prepare(std::string("SELECT ") + kAlertColumns + " FROM alerts" +
                          (status ? " WHERE status = ?" : "") + " ORDER BY id DESC LIMIT ?");
  if (!stmt) return Fail(stmt.error());
  int at = 1;
  if (status) stmt->Bind(at++, core::AlertStatusName(*status));
  stmt->Bind(at, limit);
  return ReadRows(*stmt, ReadAlertRow);
}

Result<std::vector<core::AlertChange>> SqliteStore::AlertHistory(std::int64_t id) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare(
      "SELECT alert_id, at, actor, action, status, assignee, note FROM alert_changes "
      "WHERE alert_id = ? ORDER BY seq");
  if (!stmt) return Fail(stmt.error());
  stmt->Bind(1, id);
  return ReadRows(*stmt, ReadAlertChangeRow);
}

Status SqliteStore::SetUserRole(const std::string& name, core::Role role,
                                const std::string& observer_code,
                                const std::vector<std::string>& regions, const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto stmt =
      tx.db().Prepare("UPDATE users SET role = ?, observer_code = ?, regions = ? WHERE name = ?");
  if (!stmt) return stmt.error();
  stmt->Bind(1, core::RoleName(role)).Bind(2, observer_code);
  VIGIL_RETURN_IF_ERROR(stmt->Bind(3, RegionsToText(regions)).Bind(4, name).Run());
  if (sqlite3_changes(tx.db().handle()) == 0)
    return Status::NotFound("no user named '" + name + "'; vigil user list shows them");
  json::object detail{{"role", core::RoleName(role)}};
  if (!observer_code.empty()) detail["observer"] = observer_code;
  if (!regions.empty()) detail["regions"] = json::parse(RegionsToText(regions));
  if (auto seq = tx.Audit(actor.name, "user.role", "user:" + name, json::serialize(detail)); !seq) {
    return seq.error();
  }
  return tx.Commit();
}

// ---- Submissions -----------------------------------------------------------

Result<std::vector<CommitOutcome>> SqliteStore::WriteSubmissions(
    std::span<const PendingSubmission> batch) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  Database& db = tx.db();
  auto last_seq_stmt = db.Cached("SELECT coalesce(max(seq), 0) FROM submissions");
  auto find_stmt = db.Cached(
      "SELECT content_hash, chain_seq, superseded_by, form_code, station_code FROM submissions "
      "WHERE instance_id = ?");
  auto supersede_stmt = db.Cached("UPDATE submissions SET superseded_by = ? WHERE instance_id = ?");
  auto insert_stmt = db.Cached(
      "INSERT INTO submissions(seq, instance_id, chain_seq, replaces, form_code, form_version, "
      "station_code, observer_code, received_at, actor, content_hash, body, audit_seq) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (auto* stmt : {&last_seq_stmt, &find_stmt, &supersede_stmt, &insert_stmt}) {
    if (!*stmt) return Fail(stmt->error());
  }
  Statement& last_seq = **last_seq_stmt;
  Statement* find = *find_stmt;
  Statement* supersede = *supersede_stmt;
  Statement* insert = *insert_stmt;
  std::map<ReportKey, std::int64_t> reports;  // this batch's changes to station_reports
  auto last = last_seq.Step();
  if (!last) return Fail(last.error());
  std::int64_t seq = last_seq.Int(0);
  last_seq.Reset();

  std::vector<CommitOutcome> outcomes;
  outcomes.reserve(batch.size());
  for (const PendingSubmission& p : batch) {
    const core::Submission& s = p.submission;
    // Same instance_id stored before (possibly earlier in this batch)?
    find->Bind(1, s.instance_id);
    auto row = find->Step();
    if (!row) return Fail(row.error());
    if (*row) {
      const bool same =
          find->Blob(0) == std::string_view(reinterpret_cast<const char*>(p.content_hash.data()),
                                            p.content_hash.size());
      find->Reset();
      outcomes.push_back(same ? CommitOutcome::kDuplicate : CommitOutcome::kConflict);
      continue;
    }
    find->Reset();

    const std::int64_t row_seq = seq + 1;
    std::int64_t chain_seq = row_seq;
    if (!s.replaces.empty()) {
      find->Bind(1, s.replaces);
      auto prior = find->Step();
      if (!prior) return Fail(prior.error());
      CommitOutcome problem = CommitOutcome::kStored;
      std::string prior_station;
      if (!*prior) {
        problem = CommitOutcome::kReplacesUnknown;
      } else if (!find->IsNull(2)) {
        problem = CommitOutcome::kReplacesSuperseded;
      } else if (find->Text(3) != s.form_code) {
        problem = CommitOutcome::kReplacesMismatch;
      } else {
        chain_seq = find->Int(1);
        prior_station = std::string(find->Text(4));
      }
      find->Reset();
      if (problem != CommitOutcome::kStored) {
        outcomes.push_back(problem);
        continue;
      }
      VIGIL_RETURN_IF_ERROR(supersede->Bind(1, s.instance_id).Bind(2, s.replaces).Run());
      --reports[{s.form_code, std::move(prior_station)}];
    }
    ++reports[{s.form_code, s.station_code}];

    const std::string hash_hex = ToHex(p.content_hash);
    json::object detail{
        {"content_sha256", hash_hex}, {"form", s.form_code}, {"station", s.station_code}};
    if (!s.replaces.empty()) detail["replaces"] = s.replaces;
    auto audit_seq = tx.Audit(p.actor, s.replaces.empty() ? "submission.create" : "submission.edit",
                              s.instance_id, json::serialize(detail), p.received_at);
    if (!audit_seq) return Fail(audit_seq.error());

    insert->Bind(1, row_seq).Bind(2, s.instance_id).Bind(3, chain_seq);
    s.replaces.empty() ? insert->BindNull(4) : insert->Bind(4, s.replaces);
    insert->Bind(5, s.form_code)
        .Bind(6, s.form_version)
        .Bind(7, s.station_code)
        .Bind(8, s.observer_code);
    insert->Bind(9, FormatRfc3339(p.received_at)).Bind(10, p.actor);
    insert->BindBlob(11, p.content_hash.data(), p.content_hash.size());
    insert->Bind(12, p.canonical_json).Bind(13, *audit_seq);
    VIGIL_RETURN_IF_ERROR(insert->Run());
    // Most submissions flag nothing and write nothing more.
    for (const std::string& rule : p.rule_flags) {
      auto flag =
          db.Cached("INSERT OR IGNORE INTO rule_flags(rule_code, instance_id) VALUES (?, ?)");
      if (!flag) return Fail(flag.error());
      VIGIL_RETURN_IF_ERROR((*flag)->Bind(1, rule).Bind(2, s.instance_id).Run());
    }
    seq = row_seq;
    outcomes.push_back(CommitOutcome::kStored);
  }

  // station_reports is folded about once a second, not at every commit:
  // its rows sit on random pages, so a small batch would write about one
  // page of it per submission, as many as everything else it writes.
  const auto now = std::chrono::steady_clock::now();
  if (now - last_fold_ < kFoldInterval) {
    VIGIL_RETURN_IF_ERROR(tx.CommitUnsynced());
    std::lock_guard lock(reports_mu_);
    for (const auto& [key, change] : reports) unfolded_reports_[key] += change;
    return outcomes;
  }
  for (const auto& [key, change] : unfolded_reports_) reports[key] += change;
  auto fold = db.Cached(
      "INSERT INTO station_reports(form_code, station_code, current) VALUES (?, ?, ?) "
      "ON CONFLICT DO UPDATE SET current = current + excluded.current");
  auto folded_through = db.Cached("UPDATE meta SET value = ? WHERE key = 'station_reports_seq'");
  if (!fold) return Fail(fold.error());
  if (!folded_through) return Fail(folded_through.error());
  for (const auto& [key, change] : reports) {
    if (change == 0) continue;
    VIGIL_RETURN_IF_ERROR((*fold)->Bind(1, key.first).Bind(2, key.second).Bind(3, change).Run());
  }
  VIGIL_RETURN_IF_ERROR((*folded_through)->Bind(1, std::to_string(seq)).Run());
  std::lock_guard lock(reports_mu_);
  VIGIL_RETURN_IF_ERROR(tx.CommitUnsynced());
  unfolded_reports_.clear();
  last_fold_ = now;
  return outcomes;
}

Status SqliteStore::LoadUnfoldedReports() {
  // An edit counts -1 for the version it replaces, which may be folded or not.
  auto stmt = writer_.Prepare(
      "SELECT s.form_code, s.station_code, p.form_code, p.station_code FROM submissions s "
      "LEFT JOIN submissions p ON p.instance_id = s.replaces "
      "WHERE s.seq > (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'station_reports_seq')");
  if (!stmt) return stmt.error();
  std::lock_guard lock(reports_mu_);
  unfolded_reports_.clear();
  while (true) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return Status::Ok();
    ++unfolded_reports_[{std::string(stmt->Text(0)), std::string(stmt->Text(1))}];
    if (!stmt->IsNull(2)) {
      --unfolded_reports_[{std::string(stmt->Text(2)), std::string(stmt->Text(3))}];
    }
  }
}

Result<std::optional<SubmissionHistory>> SqliteStore::GetSubmission(
    const std::string& instance_id) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt =
      lease->db().Prepare(std::string("SELECT ") + kSubmissionColumns +
                          " FROM submissions WHERE chain_seq = "
                          "(SELECT chain_seq FROM submissions WHERE instance_id = ?) ORDER BY seq");
  if (!stmt) return Fail(stmt.error());
  stmt->Bind(1, instance_id);
  SubmissionHistory history;
  while (true) {
    auto row = stmt->Step();
    if (!row) return Fail(row.error());
    if (!*row) break;
    auto s = ReadSubmissionRow(*stmt);
    if (!s) return Fail(s.error());
    history.versions.push_back(std::move(*s));
  }
  if (history.versions.empty()) return std::optional<SubmissionHistory>{};
  return std::optional<SubmissionHistory>(std::move(history));
}

Status SqliteStore::ForEachSubmission(const std::function<Status(const StoredSubmission&)>& visit) {
  return VisitSubmissions("", "", visit);
}

Status SqliteStore::ForEachCurrentSubmission(
    const std::string& form_code, const std::function<Status(const StoredSubmission&)>& visit) {
  return VisitSubmissions("WHERE form_code = ? AND superseded_by IS NULL", form_code, visit);
}

Status SqliteStore::ForEachCurrentReport(const std::string& form_code,
                                         const std::function<Status(const CurrentReport&)>& visit) {
  auto lease = AcquireReader();
  if (!lease) return lease.error();
  auto stmt = lease->db().Prepare(
      "SELECT instance_id, form_code, station_code, observer_code, received_at FROM submissions "
      "WHERE form_code = ? AND superseded_by IS NULL ORDER BY seq");
  if (!stmt) return stmt.error();
  stmt->Bind(1, form_code);
  CurrentReport r;
  while (true) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    r.instance_id.assign(stmt->Text(0));
    r.form_code.assign(stmt->Text(1));
    r.station_code.assign(stmt->Text(2));
    r.observer_code.assign(stmt->Text(3));
    auto received = ParseStoredTime(stmt->Text(4));
    if (!received) return received.error();
    r.received_at = *received;
    VIGIL_RETURN_IF_ERROR(visit(r));
  }
  return Status::Ok();
}

Status SqliteStore::VisitSubmissions(const std::string& where, const std::string& form_code,
                                     const std::function<Status(const StoredSubmission&)>& visit) {
  auto lease = AcquireReader();
  if (!lease) return lease.error();
  auto stmt = lease->db().Prepare(std::string("SELECT ") + kSubmissionColumns +
                                  " FROM submissions " + where + " ORDER BY seq");
  if (!stmt) return stmt.error();
  if (!where.empty()) stmt->Bind(1, form_code);
  while (true) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    auto s = ReadSubmissionRow(*stmt);
    if (!s) return s.error();
    VIGIL_RETURN_IF_ERROR(visit(*s));
  }
  return Status::Ok();
}

Result<std::int64_t> SqliteStore::CountSubmissions() {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare("SELECT count(*) FROM submissions");
  if (!stmt) return Fail(stmt.error());
  auto row = stmt->Step();
  if (!row) return Fail(row.error());
  return stmt->Int(0);
}

Status SqliteStore::RecordAttachments(std::span<const AttachmentRecord> files, const Actor& actor) {
  if (files.empty()) return Status::Ok();
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  for (const AttachmentRecord& f : files) {
    auto exists = tx.db().Prepare("SELECT 1 FROM submissions WHERE instance_id = ?");
    if (!exists) return exists.error();
    exists->Bind(1, f.instance_id);
    auto found = exists->Step();
    if (!found) return found.error();
    if (!*found) return Status::NotFound("no submission '" + f.instance_id + "' is stored");
    auto prior =
        tx.db().Prepare("SELECT sha256 FROM attachments WHERE instance_id = ? AND file_name = ?");
    if (!prior) return prior.error();
    prior->Bind(1, f.instance_id).Bind(2, f.file_name);
    auto had = prior->Step();
    if (!had) return had.error();
    if (*had) {
      if (BlobToHash(prior->Blob(0)) == f.sha256) continue;  // a retry
      return Status::Conflict("submission " + f.instance_id + " already has a file named '" +
                              f.file_name + "' with other content");
    }
    auto insert = tx.db().Prepare(
        "INSERT INTO attachments(instance_id, file_name, sha256, size, content_type, "
        "received_at) VALUES (?, ?, ?, ?, ?, ?)");
    if (!insert) return insert.error();
    insert->Bind(1, f.instance_id)
        .Bind(2, f.file_name)
        .BindBlob(3, f.sha256.data(), f.sha256.size())
        .Bind(4, f.size)
        .Bind(5, f.content_type)
        .Bind(6, FormatRfc3339(f.received_at));
    VIGIL_RETURN_IF_ERROR(insert->Run());
    const json::object detail{{"file_name", f.file_name},
                              {"sha256", ToHex(f.sha256)},
                              {"size", f.size},
                              {"content_type", f.content_type}};
    if (auto seq = tx.Audit(actor.name, "attachment.add", "submission:" + f.instance_id,
                            json::serialize(detail));
        !seq) {
      return seq.error();
    }
  }
  return tx.Commit();
}

namespace {

Result<AttachmentRecord> ReadAttachmentRow(Statement& row) {
  AttachmentRecord a;
  a.instance_id = row.Text(0);
  a.file_name = row.Text(1);
  a.sha256 = BlobToHash(row.Blob(2));
  a.size = row.Int(3);
  a.content_type = row.Text(4);
  auto at = ParseStoredTime(row.Text(5));
  if (!at) return Fail(at.error());
  a.received_at = *at;
  return a;
}

}  // namespace

Result<std::vector<AttachmentRecord>> SqliteStore::ListAttachments(const std::string& instance_id) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare(
      "SELECT instance_id, file_name, sha256, size, content_type, received_at FROM attachments "
      "WHERE instance_id = ? ORDER BY file_name");
  if (!stmt) return Fail(stmt.error());
  stmt->Bind(1, instance_id);
  return ReadRows(*stmt, ReadAttachmentRow);
}

Result<std::vector<StationReports>> SqliteStore::CountReportsByStation(
    const std::string& form_code) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt =
      lease->db().Prepare("SELECT station_code, current FROM station_reports WHERE form_code = ?");
  if (!stmt) return Fail(stmt.error());
  stmt->Bind(1, form_code);
  std::map<std::string, std::int64_t, std::less<>> counts;
  // The first step fixes what the query sees; with the changes not yet
  // folded copied at the same moment, each submission is counted once.
  Result<bool> row;
  {
    std::lock_guard lock(reports_mu_);
    row = stmt->Step();
    for (auto it = unfolded_reports_.lower_bound({form_code, ""});
         it != unfolded_reports_.end() && it->first.first == form_code; ++it) {
      counts[it->first.second] += it->second;
    }
  }
  for (; row && *row; row = stmt->Step()) counts[std::string(stmt->Text(0))] += stmt->Int(1);
  if (!row) return Fail(row.error());
  std::vector<StationReports> out;
  for (auto& [station, current] : counts) {
    if (current > 0) out.push_back({station, current});
  }
  return out;
}

// ---- Audit -------------------------------------------------------------------

Status SqliteStore::RecordEvents(std::span<const AuditEvent> events) {
  if (events.empty()) return Status::Ok();
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  for (const AuditEvent& e : events) {
    if (auto seq = tx.Audit(e.actor, e.action, e.subject, e.detail, e.at); !seq) {
      return seq.error();
    }
  }
  return tx.Commit();
}

Status SqliteStore::ForEachAuditEntry(const std::function<Status(const core::AuditEntry&)>& visit) {
  auto lease = AcquireReader();
  if (!lease) return lease.error();
  auto stmt = lease->db().Prepare(
      "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY "
      "seq");
  if (!stmt) return stmt.error();
  while (true) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    core::AuditEntry e;
    e.seq = stmt->Int(0);
    // An unparseable time is tampering too; keep the entry so the verifier
    // reports it as a hash mismatch at its seq.
    e.at = ParseRfc3339(stmt->Text(1)).value_or(Timestamp{});
    e.actor = stmt->Text(2);
    e.action = stmt->Text(3);
    e.subject = stmt->Text(4);
    e.detail = stmt->Text(5);
    e.prev_hash = BlobToHash(stmt->Blob(6));
    e.hash = BlobToHash(stmt->Blob(7));
    VIGIL_RETURN_IF_ERROR(visit(e));
  }
  return Status::Ok();
}

}  // namespace vigil::storage::sqlite

// ---- Data-quality rules and review -----------------------------------------

namespace vigil::storage::sqlite {

namespace {

constexpr const char* kRuleColumns =
    "code, form_code, expression, description, severity, enabled, updated_at";

Result<QualityRule> ReadRuleRow(Statement& stmt) {
  QualityRule r;
  r.code = stmt.Text(0);
  r.form_code = stmt.Text(1);
  r.expression = stmt.Text(2);
  const std::string what = "rule " + r.code;
  boost::system::error_code ec;
  const json::value description = json::parse(stmt.Text(3), ec);
  if (ec || !description.is_object()) return Fail(Status::DataLoss(what + ": corrupt description"));
  for (const auto& [language, text] : description.as_object()) {
    if (!text.is_string()) return Fail(Status::DataLoss(what + ": corrupt description"));
    r.description.emplace(std::string(language), std::string(text.as_string()));
  }
  auto severity = ParseRuleSeverity(stmt.Text(4));
  if (!severity) return Fail(Status::DataLoss(what + ": unknown severity"));
  r.severity = *severity;
  r.enabled = stmt.Int(5) != 0;
  auto at = ParseStoredTime(stmt.Text(6));
  if (!at) return Fail(at.error());
  r.updated_at = *at;
  return r;
}

Result<core::ReviewStatus> StoredReviewStatus(std::string_view text) {
  auto status = core::ParseReviewStatus(text);
  if (!status) return Fail(Status::DataLoss("unknown review status '" + std::string(text) + "'"));
  return *status;
}

constexpr const char* kReviewColumns =
    "instance_id, from_status, to_status, note, actor, at, audit_seq";

Result<ReviewChange> ReadReviewRow(Statement& stmt) {
  ReviewChange c;
  c.instance_id = stmt.Text(0);
  auto from = StoredReviewStatus(stmt.Text(1));
  if (!from) return Fail(from.error());
  auto to = StoredReviewStatus(stmt.Text(2));
  if (!to) return Fail(to.error());
  c.from = *from;
  c.to = *to;
  c.note = stmt.Text(3);
  c.actor = stmt.Text(4);
  auto at = ParseStoredTime(stmt.Text(5));
  if (!at) return Fail(at.error());
  c.at = *at;
  c.audit_seq = stmt.Int(6);
  return c;
}

// The latest status of each version with a review, as a subquery.
constexpr const char* kLatestReviews =
    "(SELECT r.instance_id, r.to_status FROM reviews r "
    "WHERE r.id = (SELECT max(id) FROM reviews WHERE instance_id = r.instance_id))";

}  // namespace

Status SqliteStore::SaveRule(const QualityRule& rule, const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  json::object description;
  for (const auto& [language, text] : rule.description) description[language] = text;
  auto old = tx.db().Prepare("SELECT expression, form_code FROM quality_rules WHERE code = ?");
  if (!old) return old.error();
  old->Bind(1, rule.code);
  auto row = old->Step();
  if (!row) return row.error();
  const bool replaced = *row;
  const bool changed =
      replaced && (old->Text(0) != rule.expression || old->Text(1) != rule.form_code);
  old->Reset();
  auto stmt = tx.db().Prepare(
      "INSERT INTO quality_rules(code, form_code, expression, description, severity, enabled, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET "
      "form_code = excluded.form_code, expression = excluded.expression, "
      "description = excluded.description, severity = excluded.severity, "
      "enabled = excluded.enabled, updated_at = excluded.updated_at");
  if (!stmt) return stmt.error();
  stmt->Bind(1, rule.code).Bind(2, rule.form_code).Bind(3, rule.expression);
  stmt->Bind(4, json::serialize(description)).Bind(5, RuleSeverityName(rule.severity));
  stmt->Bind(6, std::int64_t{rule.enabled ? 1 : 0}).Bind(7, FormatRfc3339(Now()));
  VIGIL_RETURN_IF_ERROR(stmt->Run());
  if (changed) {
    // The flags said what the old expression found.
    auto drop = tx.db().Prepare("DELETE FROM rule_flags WHERE rule_code = ?");
    if (!drop) return drop.error();
    VIGIL_RETURN_IF_ERROR(drop->Bind(1, rule.code).Run());
  }
  json::object detail{{"form", rule.form_code},
                      {"expression", rule.expression},
                      {"severity", RuleSeverityName(rule.severity)},
                      {"enabled", rule.enabled},
                      {"replaced", replaced}};
  if (auto seq = tx.Audit(actor.name, "rule.save", "rule:" + rule.code, json::serialize(detail));
      !seq) {
    return seq.error();
  }
  // Servers reload their rules with the set-up.
  VIGIL_RETURN_IF_ERROR(tx.BumpSetupVersion());
  return tx.Commit();
}

Result<std::vector<QualityRule>> SqliteStore::ListRules() {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare(std::string("SELECT ") + kRuleColumns +
                                  " FROM quality_rules ORDER BY code");
  if (!stmt) return Fail(stmt.error());
  return ReadRows(*stmt, ReadRuleRow);
}

Status SqliteStore::SetRuleEnabled(const std::string& code, bool enabled, const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto stmt =
      tx.db().Prepare("UPDATE quality_rules SET enabled = ?, updated_at = ? WHERE code = ?");
  if (!stmt) return stmt.error();
  stmt->Bind(1, std::int64_t{enabled ? 1 : 0}).Bind(2, FormatRfc3339(Now())).Bind(3, code);
  VIGIL_RETURN_IF_ERROR(stmt->Run());
  if (sqlite3_changes(tx.db().handle()) == 0) {
    return Status::NotFound("no rule '" + code + "'; vigil rules list shows them");
  }
  if (auto seq =
          tx.Audit(actor.name, enabled ? "rule.enable" : "rule.disable", "rule:" + code, "{}");
      !seq) {
    return seq.error();
  }
  VIGIL_RETURN_IF_ERROR(tx.BumpSetupVersion());
  return tx.Commit();
}

Status SqliteStore::ReplaceRuleFlags(const std::string& code, std::int64_t through_audit_seq,
                                     std::span<const std::string> flagged, const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto find = tx.db().Prepare("SELECT 1 FROM quality_rules WHERE code = ?");
  if (!find) return find.error();
  find->Bind(1, code);
  auto row = find->Step();
  if (!row) return row.error();
  if (!*row) return Status::NotFound("no rule '" + code + "'; vigil rules list shows them");
  find->Reset();
  auto drop = tx.db().Prepare(
      "DELETE FROM rule_flags WHERE rule_code = ? AND instance_id IN "
      "(SELECT instance_id FROM submissions WHERE audit_seq <= ?)");
  if (!drop) return drop.error();
  VIGIL_RETURN_IF_ERROR(drop->Bind(1, code).Bind(2, through_audit_seq).Run());
  auto insert =
      tx.db().Prepare("INSERT OR IGNORE INTO rule_flags(rule_code, instance_id) VALUES (?, ?)");
  if (!insert) return insert.error();
  for (const std::string& id : flagged) {
    VIGIL_RETURN_IF_ERROR(insert->Bind(1, code).Bind(2, id).Run());
  }
  json::object detail{{"flagged", flagged.size()}, {"through_audit_seq", through_audit_seq}};
  if (auto seq = tx.Audit(actor.name, "rule.evaluate", "rule:" + code, json::serialize(detail));
      !seq) {
    return seq.error();
  }
  return tx.Commit();
}

Result<std::vector<std::string>> SqliteStore::ListRuleFlags(const std::string& instance_id) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare(
      "SELECT rule_code FROM rule_flags WHERE instance_id = ? ORDER BY rule_code");
  if (!stmt) return Fail(stmt.error());
  stmt->Bind(1, instance_id);
  std::vector<std::string> out;
  while (true) {
    auto row = stmt->Step();
    if (!row) return Fail(row.error());
    if (!*row) return out;
    out.emplace_back(stmt->Text(0));
  }
}

Result<std::vector<FlaggedSubmission>> SqliteStore::ListFlaggedSubmissions(
    const std::string& rule_code, const std::string& form_code) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  // One row per (version, rule), in commit order; rows of one version are
  // adjacent.
  auto stmt = lease->db().Prepare(
      std::string("SELECT s.instance_id, s.form_code, s.station_code, s.observer_code, "
                  "s.received_at, f.rule_code, coalesce(r.to_status, 'unreviewed') "
                  "FROM rule_flags f JOIN quality_rules q ON q.code = f.rule_code "
                  "JOIN submissions s ON s.instance_id = f.instance_id LEFT JOIN ") +
      kLatestReviews +
      " r ON r.instance_id = s.instance_id "
      "WHERE q.enabled = 1 AND s.superseded_by IS NULL AND (?1 = '' OR f.rule_code = ?1) "
      "AND (?2 = '' OR s.form_code = ?2) ORDER BY s.seq, f.rule_code");
  if (!stmt) return Fail(stmt.error());
  stmt->Bind(1, rule_code).Bind(2, form_code);
  std::vector<FlaggedSubmission> out;
  while (true) {
    auto row = stmt->Step();
    if (!row) return Fail(row.error());
    if (!*row) return out;
    if (out.empty() || out.back().instance_id != stmt->Text(0)) {
      FlaggedSubmission f;
      f.instance_id = stmt->Text(0);
      f.form_code = stmt->Text(1);
      f.station_code = stmt->Text(2);
      f.observer_code = stmt->Text(3);
      auto at = ParseStoredTime(stmt->Text(4));
      if (!at) return Fail(at.error());
      f.received_at = *at;
      auto status = StoredReviewStatus(stmt->Text(6));
      if (!status) return Fail(status.error());
      f.status = *status;
      out.push_back(std::move(f));
    }
    out.back().rules.emplace_back(stmt->Text(5));
  }
}

Result<ReviewChange> SqliteStore::ReviewSubmission(const std::string& instance_id,
                                                   core::ReviewStatus to, const std::string& note,
                                                   std::optional<core::ReviewStatus> expected,
                                                   const Actor& actor) {
  WriteTransaction tx(this);
  VIGIL_RETURN_IF_ERROR(tx.Begin());
  auto exists = tx.db().Prepare("SELECT 1 FROM submissions WHERE instance_id = ?");
  if (!exists) return Fail(exists.error());
  exists->Bind(1, instance_id);
  auto row = exists->Step();
  if (!row) return Fail(row.error());
  if (!*row) return Fail(Status::NotFound("no submission " + instance_id));
  exists->Reset();
  auto latest = tx.db().Prepare(
      "SELECT to_status FROM reviews WHERE instance_id = ? ORDER BY id DESC LIMIT 1");
  if (!latest) return Fail(latest.error());
  latest->Bind(1, instance_id);
  auto last = latest->Step();
  if (!last) return Fail(last.error());
  ReviewChange change;
  change.instance_id = instance_id;
  if (*last) {
    auto from = StoredReviewStatus(latest->Text(0));
    if (!from) return Fail(from.error());
    change.from = *from;
  }
  latest->Reset();
  if (expected && *expected != change.from) {
    return Fail(Status::Conflict("submission " + instance_id + " is " +
                                 std::string(core::ReviewStatusName(change.from)) + ", not " +
                                 std::string(core::ReviewStatusName(*expected)) +
                                 ": someone reviewed it meanwhile"));
  }
  change.to = to;
  change.note = note;
  change.actor = actor.name;
  change.at = Now();
  json::object detail{{"from", core::ReviewStatusName(change.from)},
                      {"to", core::ReviewStatusName(to)},
                      {"note", note}};
  auto seq =
      tx.Audit(actor.name, "submission.review", instance_id, json::serialize(detail), change.at);
  if (!seq) return Fail(seq.error());
  change.audit_seq = *seq;
  auto insert = tx.db().Prepare(
      "INSERT INTO reviews(instance_id, from_status, to_status, note, actor, at, audit_seq) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!insert) return Fail(insert.error());
  insert->Bind(1, instance_id).Bind(2, core::ReviewStatusName(change.from));
  insert->Bind(3, core::ReviewStatusName(to)).Bind(4, note).Bind(5, actor.name);
  insert->Bind(6, FormatRfc3339(change.at)).Bind(7, change.audit_seq);
  VIGIL_RETURN_IF_ERROR(insert->Run());
  VIGIL_RETURN_IF_ERROR(tx.Commit());
  return change;
}

Result<std::vector<ReviewChange>> SqliteStore::ListReviews(const std::string& instance_id) {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare(std::string("SELECT ") + kReviewColumns +
                                  " FROM reviews WHERE instance_id = ? ORDER BY id");
  if (!stmt) return Fail(stmt.error());
  stmt->Bind(1, instance_id);
  return ReadRows(*stmt, ReadReviewRow);
}

Result<std::vector<ReviewState>> SqliteStore::ListReviewStates() {
  auto lease = AcquireReader();
  if (!lease) return Fail(lease.error());
  auto stmt = lease->db().Prepare(std::string("SELECT instance_id, to_status FROM ") +
                                  kLatestReviews + " WHERE to_status != 'unreviewed'");
  if (!stmt) return Fail(stmt.error());
  std::vector<ReviewState> out;
  while (true) {
    auto row = stmt->Step();
    if (!row) return Fail(row.error());
    if (!*row) return out;
    auto status = StoredReviewStatus(stmt->Text(1));
    if (!status) return Fail(status.error());
    out.push_back({std::string(stmt->Text(0)), *status});
  }
}

}  // namespace vigil::storage::sqlite
