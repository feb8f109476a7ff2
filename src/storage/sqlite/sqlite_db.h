// Thin RAII wrappers over the SQLite C API: a connection and a prepared
// statement. Errors become Status values naming the SQL that failed.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vigil::storage::sqlite {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Bind by 1-based index. Text and blobs are copied (SQLITE_TRANSIENT).
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, double value);
  Statement& BindBlob(int index, const void* data, std::size_t size);
  Statement& BindNull(int index);
  Statement& BindOptional(int index, const std::optional<std::string>& text);

  // Returns true while a row is available, false when done; errors as Status.
  Result<bool> Step();
  // Steps to completion (for statements without result rows).
  Status Run();
  void Reset();

  std::string_view Text(int column) const;
  std::int64_t Int(int column) const;
  double Double(int column) const;
  bool IsNull(int column) const;
  std::string_view Blob(int column) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

class Database {
 public:
  Database() = default;
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Opens (or creates) the file and sets the pragmas every connection needs:
  // WAL, synchronous=FULL (a commit is on disk when it returns), foreign keys,
  // busy timeout.
  Status Open(const std::string& path, bool create);
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  // A statement prepared once per connection and kept for reuse (the hot
  // paths run the same few statements thousands of times a second), reset
  // and with no bindings. Valid until the connection closes; the caller
  // must Reset() it (Run() does) before the transaction ends.
  Result<Statement*> Cached(std::string_view sql);
  sqlite3* handle() const { return db_; }
  Status Error(std::string_view context) const;

 private:
  sqlite3* db_ = nullptr;
  // Looked up by the SQL text without copying it; a handful of entries.
  std::map<std::string, Statement, std::less<>> cached_;
};

}  // namespace vigil::storage::sqlite
