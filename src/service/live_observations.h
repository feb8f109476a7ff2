// The live observation table of a running mission: loaded from the store
// once, then kept current from the committer's batches, so that findings
// answer from memory without rescanning the store. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <vector>

#include "analysis/observations.h"
#include "service/mission_service.h"

namespace vigil::service {

// Adds every form's current versions in `store` to `table` (forms of the
// table's set-up only).
Status LoadObservations(storage::Store& store, analysis::ObservationTable& table);

class LiveObservations {
 public:
  // Registers with `service` for new versions, then reads every form's
  // current versions from the store (a version committed meanwhile is
  // applied once). `service` must outlive the object, and no batch may be
  // stored after the object is destroyed (the server destroys it after the
  // mission service has drained).
  static Result<std::unique_ptr<LiveObservations>> Open(MissionService& service);

  // Runs `read` on the table, current up to every answered submission and
  // to the set-up as MissionService::Mission() gives it. Several reads run
  // at once; batches wait for them in a queue, never the committer.
  void Read(const std::function<void(const analysis::ObservationTable&)>& read);

  // The analyst's verdict on a current version (Open registers it for
  // MissionService's review changes and loads the stored ones). False if
  // the version is not current.
  bool SetReviewStatus(std::string_view instance_id, core::ReviewStatus status);

 private:
  explicit LiveObservations(MissionService& service);
  void OnStored(std::span<const storage::PendingSubmission> batch);
  // Applies queued batches. REQUIRES: table_mu_ held exclusively.
  void CatchUp();
  // Adds versions (a PendingSubmission or a Version) in commit order.
  // REQUIRES: table_mu_ held exclusively.
  template <typename V>
  void AddInOrder(std::span<const V> versions);

  MissionService& service_;

  struct Version {
    core::Submission submission;
    Timestamp received_at;
  };
  std::mutex queue_mu_;
  std::vector<Version> queue_;  // GUARDED_BY(queue_mu_)
  bool loaded_ = false;         // GUARDED_BY(queue_mu_); before: dedupe against the load

  std::shared_mutex table_mu_;
  std::unique_ptr<analysis::ObservationTable> table_;  // GUARDED_BY(table_mu_)
  std::shared_ptr<const core::MissionIndex> mission_;  // GUARDED_BY(table_mu_)
};

}  // namespace vigil::service
