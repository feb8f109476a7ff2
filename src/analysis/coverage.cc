#include "analysis/coverage.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace vigil::analysis {

Coverage ComputeCoverage(
    const core::MissionIndex& mission,
    const std::vector<std::pair<std::string, std::int64_t>>& reports_by_station, int depth,
    std::span<const std::string> within) {
  Coverage out;
  core::StringMap<std::int64_t> reports;
  for (const auto& [code, count] : reports_by_station) {
    if (mission.IsPollingStation(code)) reports[code] += count;
  }
  // Areas at the requested depth, in set-up order.
  core::StringMap<std::size_t> area_index;
  for (const core::Location& l : mission.locations()) {
    if (static_cast<int>(mission.Ancestors(l.code).size()) == depth &&
        !mission.IsPollingStation(l.code)) {
      area_index.emplace(l.code, out.areas.size());
      out.areas.push_back({l.code, l.name, 0, 0, 0});
    }
  }
  std::unordered_set<std::string_view> planned;
  for (const core::Observer& o : mission.observers()) {
    for (const std::string& s : o.stations) planned.insert(s);
  }
  for (const core::Location& l : mission.locations()) {
    if (!mission.IsPollingStation(l.code)) continue;
    if (!within.empty() && !mission.IsWithin(l.code, within)) continue;
    const auto it = reports.find(l.code);
    const std::int64_t count = it == reports.end() ? 0 : it->second;
    const bool is_planned = planned.contains(l.code);
    ++out.stations;
    if (is_planned) ++out.planned;
    out.reports += count;
    if (count > 0) ++out.reported;
    const std::vector<std::string> ancestors = mission.Ancestors(l.code);
    // Ancestors are nearest first; the area at `depth` sits at index
    // size - 1 - depth.
    const int index = static_cast<int>(ancestors.size()) - 1 - depth;
    if (index < 0) continue;
    if (auto a = area_index.find(ancestors[static_cast<std::size_t>(index)]);
        a != area_index.end()) {
      AreaCoverage& area = out.areas[a->second];
      ++area.stations;
      if (is_planned) ++area.planned;
      if (count > 0) ++area.reported;
    }
  }
  if (!within.empty()) {
    std::erase_if(out.areas, [](const AreaCoverage& a) { return a.stations == 0; });
  }
  return out;
}

std::vector<MissingReport> MissingReports(const core::MissionIndex& mission,
                                          const core::StringMap<std::int64_t>& reports_by_station,
                                          std::span<const std::string> within) {
  const auto reported = [&](std::string_view station) {
    auto it = reports_by_station.find(station);
    return it != reports_by_station.end() && it->second > 0;
  };
  core::StringMap<std::vector<std::string>> assigned;  // unreported station -> observers
  for (const core::Observer& o : mission.observers()) {
    for (const std::string& s : o.stations) {
      if (!reported(s)) assigned[s].push_back(o.code);
    }
  }
  std::vector<MissingReport> out;
  for (const core::Location& l : mission.locations()) {
    if (!mission.IsPollingStation(l.code) || reported(l.code)) continue;
    if (!within.empty() && !mission.IsWithin(l.code, within)) continue;
    auto it = assigned.find(l.code);
    if (it == assigned.end()) continue;  // not planned: nobody was sent there
    out.push_back({l.code, l.name, std::move(it->second)});
  }
  return out;
}

std::vector<ObserverActivity> ComputeObserverActivity(const core::MissionIndex& mission,
                                                      std::span<const ReportRef> reports,
                                                      std::string_view form,
                                                      std::span<const std::string> within) {
  std::vector<ObserverActivity> out;
  core::StringMap<std::size_t> index;
  for (const core::Observer& o : mission.observers()) {
    if (!within.empty() &&
        std::none_of(o.stations.begin(), o.stations.end(),
                     [&](const std::string& s) { return mission.IsWithin(s, within); }))
      continue;
    index.emplace(o.code, out.size());
    out.push_back({o.code, o.name, 0, 0, std::nullopt});
  }
  for (const ReportRef& r : reports) {
    auto it = index.find(r.observer_code);
    if (it == index.end()) continue;
    ObserverActivity& a = out[it->second];
    ++a.reports;
    if (r.form_code == form) ++a.form_reports;
    if (!a.last_report || r.received_at > *a.last_report) a.last_report = r.received_at;
  }
  return out;
}

Result<std::vector<TimeBucket>> ReportsOverTime(const core::MissionIndex& mission,
                                                std::span<const ReportRef> reports,
                                                std::string_view form, std::chrono::minutes width,
                                                std::span<const std::string> within,
                                                std::size_t max_buckets) {
  if (width <= std::chrono::minutes(0))
    return Fail(Status::InvalidArgument("the bucket width must be at least one minute"));
  const auto w = std::chrono::duration_cast<std::chrono::microseconds>(width).count();
  // Floor division, so that times before the epoch fall in the right bucket too.
  const auto bucket_of = [w](Timestamp t) {
    const auto us = t.time_since_epoch().count();
    return us / w - (us % w < 0 ? 1 : 0);
  };
  std::vector<std::int64_t> buckets;
  for (const ReportRef& r : reports) {
    if (r.form_code != form) continue;
    if (!within.empty() && !mission.IsWithin(r.station_code, within)) continue;
    buckets.push_back(bucket_of(r.received_at));
  }
  std::vector<TimeBucket> out;
  if (buckets.empty()) return out;
  const auto [lo, hi] = std::minmax_element(buckets.begin(), buckets.end());
  const std::int64_t first = *lo;
  if (static_cast<std::uint64_t>(*hi - first) >= max_buckets) {
    return Fail(Status::InvalidArgument("the reports span " + std::to_string(*hi - first + 1) +
                                        " buckets of " + std::to_string(width.count()) +
                                        " minutes, more than " + std::to_string(max_buckets) +
                                        ": choose a wider bucket"));
  }
  out.resize(static_cast<std::size_t>(*hi - first + 1));
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].start = Timestamp(std::chrono::microseconds((first + static_cast<std::int64_t>(i)) * w));
  }
  for (std::int64_t b : buckets) ++out[static_cast<std::size_t>(b - first)].reports;
  std::int64_t total = 0;
  for (TimeBucket& b : out) b.cumulative = total += b.reports;
  return out;
}

}  // namespace vigil::analysis
