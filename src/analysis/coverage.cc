#include "analysis/coverage.h"

#include <algorithm>
#include <unordered_map>

namespace vigil::analysis {

StationIndex::StationIndex(std::shared_ptr<const core::MissionIndex> mission)
    : geography_(std::move(mission)) {
  const auto n = static_cast<std::size_t>(geography_.size());
  for (std::int32_t i = 0; i < geography_.size(); ++i) {
    if (geography_.is_station(i)) stations_.push_back(i);
  }
  // Observer lists by location, as one array (counting sort keeps set-up order).
  const auto& observers = geography_.mission().observers();
  std::vector<std::pair<std::int32_t, std::int32_t>> pairs;  // (station, observer)
  for (std::size_t o = 0; o < observers.size(); ++o) {
    for (const std::string& s : observers[o].stations) {
      const std::int32_t i = geography_.Find(s);
      if (i >= 0 && geography_.is_station(i)) pairs.emplace_back(i, static_cast<std::int32_t>(o));
    }
  }
  observers_begin_.assign(n + 1, 0);
  for (const auto& [station, observer] : pairs)
    ++observers_begin_[static_cast<std::size_t>(station) + 1];
  for (std::size_t i = 0; i < n; ++i) observers_begin_[i + 1] += observers_begin_[i];
  assigned_.resize(pairs.size());
  std::vector<std::size_t> next(observers_begin_.begin(), observers_begin_.end() - 1);
  for (const auto& [station, observer] : pairs) {
    assigned_[next[static_cast<std::size_t>(station)]++] = observer;
  }
}

namespace {

std::int32_t CountAt(StationCounts counts, std::int32_t i) {
  const auto u = static_cast<std::size_t>(i);
  return u < counts.size() ? counts[u] : 0;
}

// The station's admitted by `within` (all when it is empty).
std::vector<std::uint8_t> WithinMask(const Geography& geo, std::span<const std::string> within) {
  return within.empty() ? std::vector<std::uint8_t>{} : geo.Mark(within);
}

// Wraps a set-up the caller owns, for the code-keyed entry points.
std::shared_ptr<const core::MissionIndex> Borrow(const core::MissionIndex& mission) {
  return std::shared_ptr<const core::MissionIndex>(std::shared_ptr<void>(), &mission);
}

}  // namespace

Coverage ComputeCoverage(const StationIndex& index, StationCounts counts, int depth,
                         std::span<const std::string> within) {
  const Geography& geo = index.geography();
  const auto& locations = index.mission().locations();
  Coverage out;
  // Areas at the requested depth, in set-up order.
  std::vector<std::int32_t> area_of(static_cast<std::size_t>(geo.size()), -1);
  for (std::int32_t i = 0; i < geo.size(); ++i) {
    if (geo.depth(i) == depth && !geo.is_station(i)) {
      area_of[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(out.areas.size());
      const core::Location& l = locations[static_cast<std::size_t>(i)];
      out.areas.push_back({l.code, l.name, 0, 0, 0});
    }
  }
  const std::vector<std::uint8_t> admitted = WithinMask(geo, within);
  for (const std::int32_t s : index.stations()) {
    if (!admitted.empty() && !geo.IsWithin(s, admitted)) continue;
    const std::int32_t count = CountAt(counts, s);
    const bool is_planned = index.planned(s);
    ++out.stations;
    if (is_planned) ++out.planned;
    out.reports += count;
    if (count > 0) ++out.reported;
    const std::int32_t area = geo.AtDepth(s, depth);
    if (area < 0) continue;
    if (const std::int32_t a = area_of[static_cast<std::size_t>(area)]; a >= 0) {
      AreaCoverage& c = out.areas[static_cast<std::size_t>(a)];
      ++c.stations;
      if (is_planned) ++c.planned;
      if (count > 0) ++c.reported;
    }
  }
  if (!within.empty()) {
    std::erase_if(out.areas, [](const AreaCoverage& a) { return a.stations == 0; });
  }
  return out;
}

std::vector<MissingReport> MissingReports(const StationIndex& index, StationCounts counts,
                                          std::span<const std::string> within) {
  const Geography& geo = index.geography();
  const auto& locations = index.mission().locations();
  const auto& observers = index.mission().observers();
  const std::vector<std::uint8_t> admitted = WithinMask(geo, within);
  std::vector<MissingReport> out;
  for (const std::int32_t s : index.stations()) {
    // Not planned: nobody was sent there.
    if (!index.planned(s) || CountAt(counts, s) > 0) continue;
    if (!admitted.empty() && !geo.IsWithin(s, admitted)) continue;
    const core::Location& l = locations[static_cast<std::size_t>(s)];
    MissingReport m{l.code, l.name, {}};
    for (const std::int32_t o : index.observers(s)) {
      m.observers.push_back(observers[static_cast<std::size_t>(o)].code);
    }
    out.push_back(std::move(m));
  }
  return out;
}

Coverage ComputeCoverage(
    const core::MissionIndex& mission,
    const std::vector<std::pair<std::string, std::int64_t>>& reports_by_station, int depth,
    std::span<const std::string> within) {
  const StationIndex index(Borrow(mission));
  std::vector<std::int32_t> counts(static_cast<std::size_t>(index.geography().size()), 0);
  for (const auto& [code, count] : reports_by_station) {
    const std::int32_t i = index.geography().Find(code);
    if (i >= 0 && index.geography().is_station(i)) {
      counts[static_cast<std::size_t>(i)] += static_cast<std::int32_t>(count);
    }
  }
  return ComputeCoverage(index, counts, depth, within);
}

std::vector<MissingReport> MissingReports(const core::MissionIndex& mission,
                                          const core::StringMap<std::int64_t>& reports_by_station,
                                          std::span<const std::string> within) {
  const StationIndex index(Borrow(mission));
  std::vector<std::int32_t> counts(static_cast<std::size_t>(index.geography().size()), 0);
  for (const auto& [code, count] : reports_by_station) {
    if (const std::int32_t i = index.geography().Find(code); i >= 0) {
      counts[static_cast<std::size_t>(i)] = count > 0 ? 1 : 0;
    }
  }
  return MissingReports(index, counts, within);
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
