// Live events and critical alerts: fed by MissionService's stored listener,
// this publishes a `submission` event for every newly stored version and
// raises an alert for every critical answer (core/alert.h), then lets the
// core team acknowledge, assign and resolve them.
//
// The listener runs on the mission service's live thread, just after the
// requests are answered, and shares it with the other live views, so it
// only does what is quick: a `submission` event each (no answers), and a
// look at the answers of forms with critical questions.
// Alerts are stored on a thread of this object's own (`vigil-alerts`), which
// publishes the `alert` event once the row is stored: an alert never slows
// the durable ingest path. At start the same thread raises the alerts of
// every current submission that lacks one (raising is idempotent), so a
// crash between a submission's commit and its alert's loses nothing.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/metrics.h"
#include "core/alert.h"
#include "service/events.h"
#include "service/mission_service.h"

namespace vigil::service {

// What GET /api/v1/alerts/{id} shows.
struct AlertDetail {
  core::Alert alert;
  std::vector<core::AlertChange> history;
};

// The JSON of an alert, as the API, the event stream and webhooks send it.
boost::json::object AlertJson(const core::Alert& alert);

class AlertService {
 public:
  struct Options {
    bool catch_up = true;            // raise missing alerts of stored submissions at start
    std::size_t max_queue = 100000;  // alerts waiting to be stored; beyond, counted and dropped
    // At most one write (one transaction and fsync) per interval: a burst of
    // critical answers is stored together instead of taking the store's
    // write lock from the committer hundreds of times a second.
    std::chrono::milliseconds write_interval{100};
  };

  // Registers the stored listener with `mission`; `bus` must outlive this.
  AlertService(MissionService& mission, EventBus& bus, MetricsRegistry& metrics, Options options);
  ~AlertService();  // calls Drain()

  // Stores what is queued and stops the thread. Call after the committer has
  // drained (MissionService::Drain), so that its last batches are seen.
  void Drain();

  // Waits until the alerts of every submission answered so far are stored
  // (tests, the benchmark).
  void Flush();

  // Newest first; a coordinator sees only its regions' alerts.
  Result<std::vector<core::Alert>> List(const Principal& who,
                                        std::optional<core::AlertStatus> status,
                                        std::int64_t limit);
  // NotFound also when `who` may not see it.
  Result<AlertDetail> Get(const Principal& who, std::int64_t id);

  // `action`: "acknowledge" (open -> acknowledged), "assign" (needs an
  // assignee; an open alert becomes acknowledged) or "resolve". A resolved
  // alert changes no more (Conflict); acknowledging twice is a Conflict too.
  // The `alert` event is published with the change.
  Result<core::Alert> Act(const Principal& who, std::int64_t id, std::string_view action,
                          const std::string& assignee, const std::string& note);

 private:
  void OnStored(std::span<const storage::PendingSubmission> stored);
  void Run();
  void CatchUp();
  void PublishAlert(const core::Alert& alert, std::string_view change);
  // The forms with critical questions, by "code\nversion", refreshed from
  // the mission when its set-up changes; null until the first refresh.
  struct CriticalForms {
    std::shared_ptr<const core::MissionIndex> mission;
    std::unordered_map<std::string, const core::Form*> forms;  // into mission
    std::unordered_map<std::string, bool> known;               // every version: critical or not
  };
  std::shared_ptr<const CriticalForms> Refresh();

  // What the stored listener (kept by MissionService, which may outlive
  // this object) reaches this object through; cleared by the destructor.
  struct Link {
    std::shared_mutex mu;
    AlertService* service = nullptr;  // GUARDED_BY(mu)
  };
  std::shared_ptr<Link> link_ = std::make_shared<Link>();

  MissionService& mission_;
  EventBus& bus_;
  const Options options_;
  Counter* raised_;
  Counter* dropped_;

  std::mutex forms_mu_;
  std::shared_ptr<const CriticalForms> forms_;  // GUARDED_BY(forms_mu_)

  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::vector<core::Alert> queue_;               // GUARDED_BY(mu_)
  std::vector<core::Submission> unknown_forms_;  // GUARDED_BY(mu_): looked at on the thread
  bool busy_ = true;                             // GUARDED_BY(mu_); the catch-up first
  bool stop_ = false;                            // GUARDED_BY(mu_)
  std::mutex act_mu_;                            // one change of an alert at a time
  std::thread thread_;
};

}  // namespace vigil::service
