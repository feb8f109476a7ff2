#include "analysis/coverage.h"

#include <unordered_map>

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
      out.areas.push_back({l.code, l.name, 0, 0});
    }
  }
  for (const core::Location& l : mission.locations()) {
    if (!mission.IsPollingStation(l.code)) continue;
    if (!within.empty() && !mission.IsWithin(l.code, within)) continue;
    const auto it = reports.find(l.code);
    const std::int64_t count = it == reports.end() ? 0 : it->second;
    ++out.stations;
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
      if (count > 0) ++area.reported;
    }
  }
  if (!within.empty()) {
    std::erase_if(out.areas, [](const AreaCoverage& a) { return a.stations == 0; });
  }
  return out;
}

}  // namespace vigil::analysis
