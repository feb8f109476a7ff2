// Group commit for submissions. Request threads enqueue validated
// submissions; the writer thread takes everything queued and writes it in
// one transaction; the sync thread flushes what has been written to disk
// (one fsync for every batch written since the last) and then runs each
// submission's completion. Batches grow with load, so the fsync cost is
// shared, and the next batch is written while the last one is flushed.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "storage/store.h"

namespace vigil::service {

class SubmissionCommitter {
 public:
  using Done = std::function<void(Result<storage::CommitOutcome>)>;

  // Given every batch's newly stored versions, in commit order, on the
  // sync thread once they are durable and before their requests are
  // answered. It must be quick and must not block: it holds up the answers
  // (MissionService only hands the batch, moved, to its live thread).
  using StoredListener = std::function<void(std::vector<storage::PendingSubmission>)>;

  struct Options {
    std::size_t max_batch = 2048;    // submissions per transaction at most
    std::size_t max_queue = 100000;  // beyond this, Enqueue refuses (503, retry)
    StoredListener on_stored;        // optional
  };

  SubmissionCommitter(storage::Store& store, MetricsRegistry& metrics, Options options);
  ~SubmissionCommitter();  // calls Stop()

  // Queues `p`; `done` runs on the sync thread after the batch holding `p`
  // is durable (or failed). Returns Unavailable, without calling `done`,
  // when the queue is full or the committer is stopping.
  Status Enqueue(storage::PendingSubmission p, Done done);

  // Commits everything already queued, then stops the threads. Idempotent.
  void Stop();

 private:
  struct Item {
    storage::PendingSubmission pending;
    Done done;
    Result<storage::CommitOutcome> outcome = storage::CommitOutcome::kStored;
  };
  void WriteLoop();
  void SyncLoop();

  storage::Store& store_;
  Options options_;
  Counter* stored_;
  Counter* duplicates_;
  Counter* failures_;
  Histogram* batch_size_;
  Histogram* write_seconds_;
  Histogram* sync_seconds_;

  std::mutex mu_;
  std::condition_variable wake_writer_;
  std::condition_variable wake_syncer_;
  std::deque<Item> queue_;     // enqueued, not yet written; GUARDED_BY(mu_)
  std::vector<Item> written_;  // written, not yet synced; GUARDED_BY(mu_)
  bool stopping_ = false;      // GUARDED_BY(mu_)
  bool writer_done_ = false;   // the writer has drained queue_; GUARDED_BY(mu_)
  // After a failed fsync the kernel may have dropped the unflushed pages
  // and a later fsync can succeed without them, so nothing more is accepted.
  std::string broken_;  // GUARDED_BY(mu_)
  std::thread writer_;
  std::thread syncer_;
};

}  // namespace vigil::service
