#include "service/forensics_jobs.h"

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "analysis/forensics.h"
#include "common/thread_name.h"
#include "service/forensics_csv.h"
#include "service/forensics_html.h"

namespace vigil::service {

namespace {

std::string Key(const ForensicsRequest& r) {
  return r.set + '\x1f' + std::to_string(r.seed) + '\x1f' + r.by;
}

}  // namespace

ForensicsJobs::ForensicsJobs(storage::Store& store, std::size_t kept)
    : store_(store), kept_(std::max<std::size_t>(kept, 1)), worker_([this] { Work(); }) {}

ForensicsJobs::~ForensicsJobs() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

ForensicsProgress ForensicsJobs::Get(const ForensicsRequest& request) {
  const std::string key = Key(request);
  std::lock_guard lock(mu_);
  auto it = jobs_.find(key);
  if (it != jobs_.end() && it->second.progress.state != ForensicsProgress::State::kFailed) {
    return it->second.progress;
  }
  // Evict the oldest finished reports beyond the limit.
  while (jobs_.size() >= kept_) {
    auto oldest = jobs_.end();
    for (auto j = jobs_.begin(); j != jobs_.end(); ++j) {
      const auto state = j->second.progress.state;
      const bool finished =
          state == ForensicsProgress::State::kDone || state == ForensicsProgress::State::kFailed;
      if (finished && (oldest == jobs_.end() || j->second.order < oldest->second.order)) oldest = j;
    }
    if (oldest == jobs_.end()) break;  // all queued or running: keep them
    jobs_.erase(oldest);
  }
  Job& job = jobs_[key];
  job = Job{.request = request, .progress = {}, .order = next_order_++};
  queue_.push_back(key);
  wake_.notify_one();
  return job.progress;
}

void ForensicsJobs::Work() {
  SetThreadName("vigil-forensics");
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const std::string key = queue_.front();
    queue_.pop_front();
    auto it = jobs_.find(key);
    if (it == jobs_.end()) continue;
    it->second.progress.state = ForensicsProgress::State::kRunning;
    const ForensicsRequest request = it->second.request;
    lock.unlock();
    Run(key, request);
    lock.lock();
  }
}

void ForensicsJobs::Run(const std::string& key, const ForensicsRequest& request) {
  const auto finish = [&](ForensicsProgress progress) {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(key);
    if (it != jobs_.end()) it->second.progress = std::move(progress);
  };
  auto table = store_.GetResultSet(request.set);
  if (!table) {
    finish({.state = ForensicsProgress::State::kFailed, .error = table.error()});
    return;
  }
  analysis::ForensicsOptions options{.seed = request.seed};
  if (!request.by.empty()) {
    auto level = analysis::AreaLevelIndex(table->area_levels, request.by, "by=");
    if (!level) {
      finish({.state = ForensicsProgress::State::kFailed, .error = level.error()});
      return;
    }
    options.by_level = *level;
  }
  int steps = 0;
  options.progress = [&](int done, int total) {
    steps = total;
    std::lock_guard lock(mu_);
    auto it = jobs_.find(key);
    if (it == jobs_.end()) return;
    it->second.progress.done = done;
    it->second.progress.total = total;
  };
  const analysis::ForensicsReport report = analysis::RunForensics(*table, options);
  ForensicsProgress done{.state = ForensicsProgress::State::kDone};
  done.done = done.total = steps;
  done.json = std::make_shared<const std::string>(
      boost::json::serialize(analysis::ForensicsToJson(report)));
  done.csv = std::make_shared<const std::string>(ForensicsResultsCsv(report));
  done.html = std::make_shared<const std::string>(
      ForensicsHtml(*table, report, {.file = "result set " + request.set, .format = "stored"}));
  finish(std::move(done));
}

}  // namespace vigil::service
