// Keeps WAL checkpoints (copying committed pages from the write-ahead log
// back into the database file) off the commit path. SQLite's default runs a
// checkpoint inside the commit that takes the log past 1,000 pages, so every
// submission waiting on that group commit waits for it too. Here the
// writer's commit hook only signals (or, if the log has grown far too long,
// waits), and a thread with its own connection runs PASSIVE checkpoints,
// which never block the writer or readers. That connection keeps
// synchronous=FULL, so each checkpoint syncs the log before copying it and
// the database file before the log is reused.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "storage/sqlite/sqlite_db.h"

namespace vigil::storage::sqlite {

class WalCheckpointer {
 public:
  // Installs the commit hook on `writer`, which must outlive the checkpointer.
  static Result<std::unique_ptr<WalCheckpointer>> Start(const std::string& path, Database& writer);
  ~WalCheckpointer();  // removes the hook, stops the thread

  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

 private:
  explicit WalCheckpointer(Database& writer) : writer_(writer) {}
  static int OnCommit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void Run();

  Database& writer_;
  Database db_;  // the checkpointer's own connection

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;  // a checkpoint finished
  bool pending_ = false;          // GUARDED_BY(mu_)
  bool stopping_ = false;         // GUARDED_BY(mu_)
  std::uint64_t started_ = 0;     // checkpoints begun; GUARDED_BY(mu_)
  std::uint64_t finished_ = 0;    // checkpoints ended; GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace vigil::storage::sqlite
