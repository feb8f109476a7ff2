#include "storage/sqlite/sqlite_db.h"

#include <utility>

namespace vigil::storage::sqlite {

Database::~Database() {
  cached_.clear();  // finalise before closing
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Status Database::Error(std::string_view context) const {
  const int code = sqlite3_extended_errcode(db_);
  std::string message = "SQLite: " + std::string(context) + ": " + sqlite3_errmsg(db_);
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
    return Status::Unavailable(message);
  if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB)
    return Status::DataLoss(message);
  return Status::Internal(message);
}

Status Database::Open(const std::string& path, bool create) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create) flags |= SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    Status s = db_ != nullptr ? Error("open " + path) : Status::Internal("SQLite: out of memory");
    if (!create && sqlite3_errcode(db_) == SQLITE_CANTOPEN) {
      s = Status::NotFound("no vigil store at " + path + " (run `vigil init --data DIR` first)");
    }
    return s;
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 10000);
  return Exec(
      "PRAGMA journal_mode=WAL;"
      "PRAGMA synchronous=FULL;"
      "PRAGMA foreign_keys=ON;"
      "PRAGMA temp_store=MEMORY;");
}

Status Database::Exec(std::string_view sql) {
  char* error = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error != nullptr ? error : "unknown error";
    sqlite3_free(error);
    Status s = Error(text.substr(0, 60));
    return Status(s.code(), "SQLite: " + message + " in: " + text.substr(0, 80));
  }
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return Fail(Error("prepare " + std::string(sql.substr(0, 80))));
  }
  return Statement(stmt, db_);
}

Result<Statement*> Database::Cached(std::string_view sql) {
  auto it = cached_.find(sql);
  if (it == cached_.end()) {
    auto stmt = Prepare(sql);
    if (!stmt) return Fail(stmt.error());
    it = cached_.emplace(std::string(sql), std::move(*stmt)).first;
  } else {
    it->second.Reset();
  }
  return &it->second;
}

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), db_(other.db_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    db_ = other.db_;
  }
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::Bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::BindBlob(int index, const void* data, std::size_t size) {
  sqlite3_bind_blob(stmt_, index, data, static_cast<int>(size), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}
Statement& Statement::BindOptional(int index, const std::optional<std::string>& text) {
  return text ? Bind(index, std::string_view(*text)) : BindNull(index);
}

Result<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status s = Status::Internal(std::string("SQLite: ") + sqlite3_errmsg(db_) +
                              " in: " + std::string(sqlite3_sql(stmt_)).substr(0, 80));
  if ((rc & 0xff) == SQLITE_BUSY) s = Status::Unavailable(s.message());
  if ((rc & 0xff) == SQLITE_CONSTRAINT) s = Status::AlreadyExists(s.message());
  sqlite3_reset(stmt_);
  return Fail(s);
}

Status Statement::Run() {
  while (true) {
    auto row = Step();
    if (!row) return row.error();
    if (!*row) break;
  }
  Reset();
  return Status::Ok();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string_view Statement::Text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p == nullptr
             ? std::string_view()
             : std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}
std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::Double(int column) const { return sqlite3_column_double(stmt_, column); }
bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
std::string_view Statement::Blob(int column) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  return p == nullptr
             ? std::string_view()
             : std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

}  // namespace vigil::storage::sqlite
