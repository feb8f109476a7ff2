// Results forensics on the mission's result sets, for the server. A full
// report takes seconds to a minute, longer than a request should wait, so
// reports are made one at a time on a worker thread while clients poll,
// and kept: a result set never changes, so neither does its report.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "storage/store.h"

namespace vigil::service {

struct ForensicsRequest {
  std::string set;  // result set name
  std::uint64_t seed = 1;
  std::string by;  // also test each area at this level; empty: overall only
};

struct ForensicsProgress {
  enum class State { kQueued, kRunning, kDone, kFailed };
  State state = State::kQueued;
  int done = 0;  // analysis steps done, of `total`
  int total = 0;
  Status error;  // kFailed: why
  // kDone: the report (docs/forensics.md), the HTML page, the results CSV.
  std::shared_ptr<const std::string> json;
  std::shared_ptr<const std::string> html;
  std::shared_ptr<const std::string> csv;
};

class ForensicsJobs {
 public:
  // Keeps the reports of the last `kept` requests.
  explicit ForensicsJobs(storage::Store& store, std::size_t kept = 16);
  ~ForensicsJobs();  // abandons queued jobs, finishes the running one
  ForensicsJobs(const ForensicsJobs&) = delete;
  ForensicsJobs& operator=(const ForensicsJobs&) = delete;

  // Where the request stands; queues it if it is new (or failed before).
  ForensicsProgress Get(const ForensicsRequest& request);

 private:
  void Work();
  void Run(const std::string& key, const ForensicsRequest& request);

  storage::Store& store_;
  const std::size_t kept_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  struct Job {
    ForensicsRequest request;
    ForensicsProgress progress;
    std::uint64_t order = 0;  // when it was queued, for evicting the oldest
  };
  std::map<std::string, Job> jobs_;  // by request key
  std::deque<std::string> queue_;
  std::uint64_t next_order_ = 0;
  std::thread worker_;  // last: started once the rest exists
};

}  // namespace vigil::service
