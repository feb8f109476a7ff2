// The current reports of every form, kept in memory for live coverage and
// conflicts: who reported what, where and when (not the answers). Loaded from
// the store once, then kept up to date by MissionService's stored listener,
// so a dashboard poll never rescans the submissions.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
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

  // Takes newly stored versions (each replaces the version it names). Never
  // waits for readers: applied at once if the state is free, else queued
  // under a lock held only to append them and folded in by the next reader.
  void Apply(std::span<const storage::PendingSubmission> stored);

  // What `read` is given: every current report (of every form, in no set
  // order) and, per form, the number of current reports per station, by
  // code and by index of the current set-up's `stations`.
  struct View {
    std::span<const analysis::ReportRef> reports;
    const core::StringMap<core::StringMap<std::int64_t>>& by_form_station;
    // The set-up as MissionService::Mission() gives it; may be kept.
    std::shared_ptr<const analysis::StationIndex> stations;
    const core::StringMap<std::vector<std::int32_t>>& by_form_location;
    // The counts of one form (empty for a form without reports).
    const core::StringMap<std::int64_t>& StationCounts(std::string_view form) const;
    // The same by Geography index of `stations` (empty for a form without reports).
    analysis::StationCounts LocationCounts(std::string_view form) const;
  };
  // Calls `read` with the state locked, without copying: it must not keep
  // references to the view. Readers take turns; Apply never waits for them.
  // Readers see every version answered before they were called
  // (MissionService::WaitForListeners).
  void Read(const std::function<void(const View&)>& read) const;

  // The current reports of `form` at `station`, oldest first.
  std::vector<analysis::ReportRef> StationReports(std::string_view form,
                                                  std::string_view station) const;
  // The stations where two or more observers have a current report of
  // `form`, with those reports (oldest first).
  std::vector<std::vector<analysis::ReportRef>> SharedStations(std::string_view form) const;

 private:
  explicit LiveReports(MissionService& service) : service_(service) {}
  struct Change {
    analysis::ReportRef ref;
    std::string replaces;
  };
  void FoldLocked() const;  // REQUIRES: mu_ held
  // Re-indexes the counts if the set-up changed. REQUIRES: mu_ held.
  void SyncSetupLocked() const;
  void CountAt(const analysis::ReportRef& ref, std::int32_t delta) const;
  void Insert(analysis::ReportRef ref) const;
  void Erase(const std::string& instance_id) const;

  MissionService& service_;  // outlives every read (the server's routes)

  mutable std::mutex pending_mu_;
  mutable std::vector<Change> pending_;  // GUARDED_BY(pending_mu_), in commit order

  // The state, brought up to date with pending_ by whoever holds mu_
  // (hence mutable: a reader folds too).
  mutable std::mutex mu_;
  bool loaded_ = false;                               // GUARDED_BY(mu_)
  mutable std::vector<analysis::ReportRef> reports_;  // GUARDED_BY(mu_)
  mutable core::StringMap<std::size_t> position_;     // instance_id -> index in reports_
  mutable core::StringMap<core::StringMap<std::int64_t>> counts_;  // form -> station -> reports
  // The same by location index of stations_, for breakdowns without code
  // look-ups; rebuilt from counts_ only when the set-up changes.
  mutable std::shared_ptr<const analysis::StationIndex> stations_;
  mutable core::StringMap<std::vector<std::int32_t>>
      location_counts_;  // form -> location -> reports
};

}  // namespace vigil::service
