#include "service/live_reports.h"

#include <algorithm>

namespace vigil::service {

namespace {

analysis::ReportRef RefOf(const core::Submission& s, Timestamp received_at) {
  return {s.instance_id, s.form_code, s.station_code, s.observer_code, received_at};
}

}  // namespace

Result<std::shared_ptr<LiveReports>> LiveReports::Start(MissionService& service) {
  std::shared_ptr<LiveReports> live(new LiveReports(service));
  service.AddStoredListener(
      [live](std::span<const storage::PendingSubmission> stored) { live->Apply(stored); });
  std::vector<std::string> forms;
  for (const core::Form& f : service.Mission()->forms()) {
    if (std::find(forms.begin(), forms.end(), f.code) == forms.end()) forms.push_back(f.code);
  }
  // The indexed columns only: parsing every body was most of the start-up.
  std::vector<analysis::ReportRef> loaded;
  for (const std::string& form : forms) {
    VIGIL_RETURN_IF_ERROR(
        service.store().ForEachCurrentReport(form, [&](const storage::CurrentReport& r) {
          loaded.push_back(
              {r.instance_id, r.form_code, r.station_code, r.observer_code, r.received_at});
          return Status::Ok();
        }));
  }
  std::lock_guard lock(live->mu_);
  live->SyncSetupLocked();
  for (analysis::ReportRef& ref : loaded) live->Insert(std::move(ref));
  // What was stored during the read, which may or may not have seen it.
  live->FoldLocked();
  live->loaded_ = true;
  return live;
}

void LiveReports::Apply(std::span<const storage::PendingSubmission> stored) {
  std::unique_lock lock(mu_, std::try_to_lock);
  if (lock.owns_lock() && loaded_) {
    FoldLocked();
    for (const storage::PendingSubmission& p : stored) {
      if (!p.submission.replaces.empty()) Erase(p.submission.replaces);
      Insert(RefOf(p.submission, p.received_at));
    }
    return;
  }
  std::lock_guard pending_lock(pending_mu_);
  for (const storage::PendingSubmission& p : stored) {
    pending_.push_back({RefOf(p.submission, p.received_at), p.submission.replaces});
  }
}

void LiveReports::FoldLocked() const {
  std::vector<Change> changes;
  {
    std::lock_guard lock(pending_mu_);
    changes.swap(pending_);
  }
  for (Change& c : changes) {
    if (!c.replaces.empty()) Erase(c.replaces);
    Insert(std::move(c.ref));
  }
}

void LiveReports::Insert(analysis::ReportRef ref) const {
  if (!position_.emplace(ref.instance_id, reports_.size()).second) return;  // seen
  ++counts_[ref.form_code][ref.station_code];
  CountAt(ref, 1);
  reports_.push_back(std::move(ref));
}

void LiveReports::Erase(const std::string& instance_id) const {
  auto it = position_.find(instance_id);
  if (it == position_.end()) return;
  const std::size_t i = it->second;
  position_.erase(it);
  analysis::ReportRef& gone = reports_[i];
  auto& stations = counts_[gone.form_code];
  if (auto c = stations.find(gone.station_code); c != stations.end() && --c->second == 0) {
    stations.erase(c);
  }
  CountAt(gone, -1);
  // Order does not matter: move the last report into the gap.
  if (i + 1 != reports_.size()) {
    gone = std::move(reports_.back());
    position_[gone.instance_id] = i;
  }
  reports_.pop_back();
}

void LiveReports::CountAt(const analysis::ReportRef& ref, std::int32_t delta) const {
  if (!stations_) return;
  const std::int32_t i = stations_->geography().Find(ref.station_code);
  if (i < 0) return;  // not in this set-up: counted again if a new one has it
  auto& counts = location_counts_[ref.form_code];
  if (counts.empty()) counts.assign(static_cast<std::size_t>(stations_->geography().size()), 0);
  counts[static_cast<std::size_t>(i)] += delta;
}

void LiveReports::SyncSetupLocked() const {
  auto mission = service_.Mission();
  if (stations_ && &stations_->mission() == mission.get()) return;
  stations_ = std::make_shared<const analysis::StationIndex>(std::move(mission));
  location_counts_.clear();
  const auto size = static_cast<std::size_t>(stations_->geography().size());
  for (const auto& [form, stations] : counts_) {
    std::vector<std::int32_t>& counts = location_counts_[form];
    counts.assign(size, 0);
    for (const auto& [station, n] : stations) {
      if (const std::int32_t i = stations_->geography().Find(station); i >= 0) {
        counts[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(n);
      }
    }
  }
}

analysis::StationCounts LiveReports::View::LocationCounts(std::string_view form) const {
  auto it = by_form_location.find(form);
  return it == by_form_location.end() ? analysis::StationCounts{} : it->second;
}

const core::StringMap<std::int64_t>& LiveReports::View::StationCounts(std::string_view form) const {
  static const core::StringMap<std::int64_t> kNone;
  auto it = by_form_station.find(form);
  return it == by_form_station.end() ? kNone : it->second;
}

void LiveReports::Read(const std::function<void(const View&)>& read) const {
  service_.WaitForListeners();
  std::lock_guard lock(mu_);
  FoldLocked();
  SyncSetupLocked();
  read(View{reports_, counts_, stations_, location_counts_});
}

namespace {

bool Older(const analysis::ReportRef& a, const analysis::ReportRef& b) {
  return a.received_at != b.received_at ? a.received_at < b.received_at
                                        : a.instance_id < b.instance_id;
}

}  // namespace

std::vector<analysis::ReportRef> LiveReports::StationReports(std::string_view form,
                                                             std::string_view station) const {
  std::vector<analysis::ReportRef> out;
  service_.WaitForListeners();
  {
    std::lock_guard lock(mu_);
    FoldLocked();
    for (const analysis::ReportRef& r : reports_) {
      if (r.form_code == form && r.station_code == station) out.push_back(r);
    }
  }
  std::sort(out.begin(), out.end(), Older);
  return out;
}

std::vector<std::vector<analysis::ReportRef>> LiveReports::SharedStations(
    std::string_view form) const {
  core::StringMap<std::vector<analysis::ReportRef>> by_station;
  service_.WaitForListeners();
  {
    std::lock_guard lock(mu_);
    FoldLocked();
    auto counts = counts_.find(form);
    if (counts == counts_.end()) return {};
    for (const analysis::ReportRef& r : reports_) {
      if (r.form_code != form) continue;
      if (auto c = counts->second.find(r.station_code); c != counts->second.end() && c->second > 1)
        by_station[r.station_code].push_back(r);
    }
  }
  std::vector<std::vector<analysis::ReportRef>> out;
  for (auto& [station, reports] : by_station) {
    const bool shared = std::any_of(reports.begin(), reports.end(), [&](const auto& r) {
      return r.observer_code != reports.front().observer_code;
    });
    if (!shared) continue;
    std::sort(reports.begin(), reports.end(), Older);
    out.push_back(std::move(reports));
  }
  return out;
}

}  // namespace vigil::service
