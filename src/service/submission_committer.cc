#include "service/submission_committer.h"

#include <chrono>
#include <utility>

#include "common/thread_name.h"

namespace vigil::service {

namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

const std::vector<double> kSecondsBuckets = {0.0005, 0.001, 0.002, 0.005, 0.01,
                                             0.025,  0.05,  0.1,   0.25,  1};

}  // namespace

SubmissionCommitter::SubmissionCommitter(storage::Store& store, MetricsRegistry& metrics,
                                         Options options)
    : store_(store),
      options_(options),
      stored_(metrics.GetCounter("vigil_submissions_stored_total",
                                 "Submission versions durably stored")),
      duplicates_(metrics.GetCounter("vigil_submissions_duplicate_total",
                                     "Retries of already stored submissions (stored once)")),
      failures_(metrics.GetCounter("vigil_commit_failures_total",
                                   "Batches that failed to be written or flushed")),
      batch_size_(metrics.GetHistogram("vigil_commit_batch_size", "Submissions per group commit",
                                       {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048})),
      write_seconds_(metrics.GetHistogram("vigil_commit_write_seconds",
                                          "Time to write one group commit", kSecondsBuckets)),
      sync_seconds_(metrics.GetHistogram("vigil_commit_sync_seconds",
                                         "Time to flush written group commits to disk",
                                         kSecondsBuckets)),
      writer_([this] {
        SetThreadName("vigil-commit");
        WriteLoop();
      }),
      syncer_([this] {
        SetThreadName("vigil-sync");
        SyncLoop();
      }) {}

SubmissionCommitter::~SubmissionCommitter() { Stop(); }

Status SubmissionCommitter::Enqueue(storage::PendingSubmission p, Done done) {
  {
    std::lock_guard lock(mu_);
    if (!broken_.empty()) return Status::Unavailable(broken_);
    if (stopping_) return Status::Unavailable("the server is shutting down; retry shortly");
    if (queue_.size() >= options_.max_queue) {
      return Status::Unavailable("too many submissions are waiting to be stored; retry shortly");
    }
    queue_.push_back({std::move(p), std::move(done)});
  }
  wake_writer_.notify_one();
  return Status::Ok();
}

void SubmissionCommitter::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_writer_.notify_one();
  if (writer_.joinable()) writer_.join();
  if (syncer_.joinable()) syncer_.join();
}

void SubmissionCommitter::WriteLoop() {
  std::vector<Item> batch;
  std::vector<storage::PendingSubmission> pending;
  while (true) {
    batch.clear();
    {
      std::unique_lock lock(mu_);
      wake_writer_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {  // stopping, and everything is written
        writer_done_ = true;
        wake_syncer_.notify_one();
        return;
      }
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    pending.clear();
    for (Item& item : batch) pending.push_back(std::move(item.pending));

    const auto start = std::chrono::steady_clock::now();
    auto outcomes = store_.WriteSubmissions(pending);
    write_seconds_->Observe(SecondsSince(start));
    batch_size_->Observe(static_cast<double>(batch.size()));
    if (!outcomes) failures_->Increment();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch[i].outcome =
          outcomes ? Result<storage::CommitOutcome>((*outcomes)[i]) : Fail(outcomes.error());
      batch[i].pending = std::move(pending[i]);  // for the stored listener
    }
    {
      std::lock_guard lock(mu_);
      for (Item& item : batch) written_.push_back(std::move(item));
    }
    wake_syncer_.notify_one();
  }
}

void SubmissionCommitter::SyncLoop() {
  std::vector<Item> group;
  Status broken;
  while (true) {
    group.clear();
    {
      std::unique_lock lock(mu_);
      wake_syncer_.wait(lock, [&] { return writer_done_ || !written_.empty(); });
      if (written_.empty()) return;  // the writer has stopped, everything is synced
      group.swap(written_);
    }
    if (broken.ok()) {
      const auto start = std::chrono::steady_clock::now();
      broken = store_.SyncWrites();
      sync_seconds_->Observe(SecondsSince(start));
      if (!broken.ok()) {
        failures_->Increment();
        std::lock_guard lock(mu_);
        broken_ = broken.message() + "; submissions are refused until the server is restarted";
      }
    }
    if (broken.ok() && options_.on_stored) {
      std::vector<storage::PendingSubmission> stored_now;  // handed over, so a new one each time
      for (Item& item : group) {
        if (item.outcome == storage::CommitOutcome::kStored)
          stored_now.push_back(std::move(item.pending));
      }
      if (!stored_now.empty()) options_.on_stored(std::move(stored_now));
    }
    for (Item& item : group) {
      if (item.outcome && !broken.ok()) item.outcome = Fail(broken);
      if (item.outcome == storage::CommitOutcome::kStored) stored_->Increment();
      if (item.outcome == storage::CommitOutcome::kDuplicate) duplicates_->Increment();
      item.done(std::move(item.outcome));
    }
  }
}

}  // namespace vigil::service
