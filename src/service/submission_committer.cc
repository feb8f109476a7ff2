#include "service/submission_committer.h"

#include <chrono>
#include <vector>

#include "common/thread_name.h"

namespace vigil::service {

SubmissionCommitter::SubmissionCommitter(storage::Store& store, MetricsRegistry& metrics,
                                         Options options)
    : store_(store),
      options_(options),
      stored_(metrics.GetCounter("vigil_submissions_stored_total",
                                 "Submission versions durably stored")),
      duplicates_(metrics.GetCounter("vigil_submissions_duplicate_total",
                                     "Retries of already stored submissions (stored once)")),
      failures_(metrics.GetCounter("vigil_commit_failures_total", "Batches that failed to commit")),
      batch_size_(metrics.GetHistogram("vigil_commit_batch_size", "Submissions per group commit",
                                       {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048})),
      commit_seconds_(metrics.GetHistogram(
          "vigil_commit_duration_seconds", "Time to write and fsync one group commit",
          {0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1})),
      thread_([this] {
        SetThreadName("vigil-commit");
        Run();
      }) {}

SubmissionCommitter::~SubmissionCommitter() { Stop(); }

Status SubmissionCommitter::Enqueue(storage::PendingSubmission p, Done done) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status::Unavailable("the server is shutting down; retry shortly");
    if (queue_.size() >= options_.max_queue) {
      return Status::Unavailable("too many submissions are waiting to be stored; retry shortly");
    }
    queue_.push_back({std::move(p), std::move(done)});
  }
  wake_.notify_one();
  return Status::Ok();
}

void SubmissionCommitter::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void SubmissionCommitter::Run() {
  std::vector<Item> batch;
  std::vector<storage::PendingSubmission> pending;
  while (true) {
    batch.clear();
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is committed
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    pending.clear();
    pending.reserve(batch.size());
    for (Item& item : batch) pending.push_back(std::move(item.pending));

    const auto start = std::chrono::steady_clock::now();
    auto outcomes = store_.CommitSubmissions(pending);
    commit_seconds_->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    batch_size_->Observe(static_cast<double>(batch.size()));
    if (!outcomes) {
      failures_->Increment();
      for (Item& item : batch) item.done(Fail(outcomes.error()));
      continue;
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const storage::CommitOutcome outcome = (*outcomes)[i];
      if (outcome == storage::CommitOutcome::kStored) stored_->Increment();
      if (outcome == storage::CommitOutcome::kDuplicate) duplicates_->Increment();
      batch[i].done(outcome);
    }
  }
}

}  // namespace vigil::service
