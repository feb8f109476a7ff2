// The current reports of every form, kept in memory for live coverage and
// conflicts: who reported what, where and when (not the answers). Loaded from
// the store once, then kept up to date by MissionService's stored listener,
// so a dashboard poll never rescans the submissions.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/coverage.h"
#include "core/mission.h"
#include "service/mission_service.h"

namespace vigil::service {

class LiveReports {
 public:
  // Registers with `service` first, then reads the current reports of every
  // form in `mission` from the store; batches stored during the read are
  // held back and applied after it, so none is missed or counted twice.
  // The listener keeps the object alive as long as the service.
  static Result<std::shared_ptr<LiveReports>> Start(MissionService& service);

  // Applies newly stored versions: each replaces the version it names.
  void Apply(std::span<const storage::PendingSubmission> stored);

  // The current reports of `form` (all forms if empty), in no set order.
  std::vector<analysis::ReportRef> Reports(std::string_view form = {}) const;
  // The current reports of `form` at `station`, oldest first.
  std::vector<analysis::ReportRef> StationReports(std::string_view form,
                                                  std::string_view station) const;
  // The stations where two or more observers have a current report of
  // `form`, with those reports (oldest first).
  std::vector<std::vector<analysis::ReportRef>> SharedStations(std::string_view form) const;

 private:
  LiveReports() = default;
  void ApplyLocked(const storage::PendingSubmission& p);
  void Insert(analysis::ReportRef ref);

  mutable std::shared_mutex mu_;
  bool loaded_ = false;                           // GUARDED_BY(mu_)
  std::vector<storage::PendingSubmission> held_;  // GUARDED_BY(mu_): until loaded_
  // form -> station -> current reports, oldest first (few per station).
  core::StringMap<core::StringMap<std::vector<analysis::ReportRef>>> by_form_;  // GUARDED_BY(mu_)
  core::StringMap<std::string> station_of_;  // instance_id -> station; GUARDED_BY(mu_)
};

}  // namespace vigil::service
