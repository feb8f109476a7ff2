#include "service/live_reports.h"

#include <algorithm>

namespace vigil::service {

namespace {

analysis::ReportRef RefOf(const core::Submission& s, Timestamp received_at) {
  return {s.instance_id, s.form_code, s.station_code, s.observer_code, received_at};
}

}  // namespace

Result<std::shared_ptr<LiveReports>> LiveReports::Start(MissionService& service) {
  std::shared_ptr<LiveReports> live(new LiveReports());
  service.AddStoredListener(
      [live](std::span<const storage::PendingSubmission> stored) { live->Apply(stored); });
  std::vector<std::string> forms;
  for (const core::Form& f : service.Mission()->forms()) {
    if (std::find(forms.begin(), forms.end(), f.code) == forms.end()) forms.push_back(f.code);
  }
  std::vector<analysis::ReportRef> loaded;
  for (const std::string& form : forms) {
    VIGIL_RETURN_IF_ERROR(
        service.store().ForEachCurrentSubmission(form, [&](const storage::StoredSubmission& s) {
          loaded.push_back(RefOf(s.submission, s.received_at));
          return Status::Ok();
        }));
  }
  std::unique_lock lock(live->mu_);
  for (analysis::ReportRef& ref : loaded) live->Insert(std::move(ref));
  // Stored while the store was read: the read may or may not have seen them.
  for (const storage::PendingSubmission& p : live->held_) live->ApplyLocked(p);
  live->held_.clear();
  live->held_.shrink_to_fit();
  live->loaded_ = true;
  return live;
}

void LiveReports::Apply(std::span<const storage::PendingSubmission> stored) {
  std::unique_lock lock(mu_);
  if (!loaded_) {
    held_.insert(held_.end(), stored.begin(), stored.end());
    return;
  }
  for (const storage::PendingSubmission& p : stored) ApplyLocked(p);
}

void LiveReports::ApplyLocked(const storage::PendingSubmission& p) {
  const core::Submission& s = p.submission;
  if (!s.replaces.empty()) {
    if (auto it = station_of_.find(s.replaces); it != station_of_.end()) {
      // The store refuses an edit of another form or station, so the
      // replaced version sits beside the new one.
      auto& reports = by_form_[s.form_code][it->second];
      std::erase_if(reports,
                    [&](const analysis::ReportRef& r) { return r.instance_id == s.replaces; });
      station_of_.erase(it);
    }
  }
  Insert(RefOf(s, p.received_at));
}

void LiveReports::Insert(analysis::ReportRef ref) {
  if (!station_of_.emplace(ref.instance_id, ref.station_code).second) return;  // seen
  auto& reports = by_form_[ref.form_code][ref.station_code];
  reports.push_back(std::move(ref));
}

std::vector<analysis::ReportRef> LiveReports::Reports(std::string_view form) const {
  std::shared_lock lock(mu_);
  std::vector<analysis::ReportRef> out;
  for (const auto& [code, stations] : by_form_) {
    if (!form.empty() && code != form) continue;
    for (const auto& [station, reports] : stations) {
      out.insert(out.end(), reports.begin(), reports.end());
    }
  }
  return out;
}

std::vector<analysis::ReportRef> LiveReports::StationReports(std::string_view form,
                                                             std::string_view station) const {
  std::shared_lock lock(mu_);
  auto f = by_form_.find(form);
  if (f == by_form_.end()) return {};
  auto s = f->second.find(station);
  if (s == f->second.end()) return {};
  return s->second;
}

std::vector<std::vector<analysis::ReportRef>> LiveReports::SharedStations(
    std::string_view form) const {
  std::shared_lock lock(mu_);
  std::vector<std::vector<analysis::ReportRef>> out;
  auto f = by_form_.find(form);
  if (f == by_form_.end()) return out;
  for (const auto& [station, reports] : f->second) {
    for (const analysis::ReportRef& r : reports) {
      if (r.observer_code != reports.front().observer_code) {
        out.push_back(reports);
        break;
      }
    }
  }
  return out;
}

}  // namespace vigil::service
