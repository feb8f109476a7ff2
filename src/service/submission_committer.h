// Group commit for submissions. Request threads enqueue validated
// submissions; one committer thread takes everything queued, commits it in
// one durable transaction (one fsync for the whole batch) and then runs each
// submission's completion. While a batch is being written the next one
// gathers, so batches grow with load and the fsync cost is shared.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "common/metrics.h"
#include "storage/store.h"

namespace vigil::service {

class SubmissionCommitter {
 public:
  using Done = std::function<void(Result<storage::CommitOutcome>)>;

  struct Options {
    std::size_t max_batch = 2048;    // submissions per transaction at most
    std::size_t max_queue = 100000;  // beyond this, Enqueue refuses (503, retry)
  };

  SubmissionCommitter(storage::Store& store, MetricsRegistry& metrics, Options options);
  ~SubmissionCommitter();  // calls Stop()

  // Queues `p`; `done` runs on the committer thread after the batch holding
  // `p` is durable (or failed). Returns Unavailable, without calling `done`,
  // when the queue is full or the committer is stopping.
  Status Enqueue(storage::PendingSubmission p, Done done);

  // Commits everything already queued, then stops the thread. Idempotent.
  void Stop();

 private:
  struct Item {
    storage::PendingSubmission pending;
    Done done;
  };
  void Run();

  storage::Store& store_;
  Options options_;
  Counter* stored_;
  Counter* duplicates_;
  Counter* failures_;
  Histogram* batch_size_;
  Histogram* commit_seconds_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Item> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;   // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace vigil::service
