#include "storage/sqlite/wal_checkpointer.h"

#include "common/thread_name.h"

namespace vigil::storage::sqlite {

namespace {

// Checkpoint once the log holds this many pages (128 MB at 4 KB pages; SQLite
// uses 1,000). Index pages that many commits touch are then copied once.
constexpr int kCheckpointPages = 32000;
// If the log still grows past this (about 400 MB: the thread cannot keep up,
// or long readers pin old pages), the writer waits for a checkpoint after
// its commit, trading commit latency for a bounded log. It does not
// checkpoint itself: it commits without syncing (see SqliteStore::Open), and
// a checkpoint must sync.
constexpr int kInlineCheckpointPages = 100000;

}  // namespace

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(const std::string& path,
                                                                Database& writer) {
  std::unique_ptr<WalCheckpointer> c(new WalCheckpointer(writer));
  VIGIL_RETURN_IF_ERROR(c->db_.Open(path, false));
  c->thread_ = std::thread([raw = c.get()] {
    SetThreadName("vigil-checkpt");
    raw->Run();
  });
  sqlite3_wal_hook(writer.handle(), &WalCheckpointer::OnCommit, c.get());
  return c;
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(writer_.handle(), nullptr, nullptr);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

int WalCheckpointer::OnCommit(void* self, sqlite3* /*db*/, const char* /*schema*/, int wal_pages) {
  auto* c = static_cast<WalCheckpointer*>(self);
  if (wal_pages < kCheckpointPages) return SQLITE_OK;
  std::unique_lock lock(c->mu_);
  c->pending_ = true;
  c->wake_.notify_all();
  if (wal_pages >= kInlineCheckpointPages) {
    // Wait for a checkpoint that starts after this commit.
    const std::uint64_t target = c->started_ + 1;
    c->done_.wait(lock, [&] { return c->finished_ >= target || c->stopping_; });
  }
  return SQLITE_OK;
}

void WalCheckpointer::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return pending_ || stopping_; });
    if (stopping_) break;
    pending_ = false;
    ++started_;
    lock.unlock();
    // A failed checkpoint (e.g. busy) is retried at the next signal; the
    // committed data is safe in the log either way.
    sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
    finished_ = started_;
    done_.notify_all();
  }
  done_.notify_all();
}

}  // namespace vigil::storage::sqlite
