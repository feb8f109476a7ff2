// Coverage: how many polling stations have reported, overall and per region
// of any level of the location hierarchy. Pure: works on a mission snapshot
// and report counts, no database.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/mission.h"

namespace vigil::analysis {

struct AreaCoverage {
  std::string code;  // location code of the area
  std::string name;
  std::int64_t stations = 0;  // polling stations in the area
  std::int64_t reported = 0;  // of which with at least one current report
};

struct Coverage {
  std::int64_t stations = 0;
  std::int64_t reported = 0;
  std::int64_t reports = 0;         // current (not superseded) reports in all
  std::vector<AreaCoverage> areas;  // the locations at `depth`, in set-up order
};

// `reports_by_station`: station code -> number of current reports. Stations
// not in the mission are ignored. `depth` 0 is the top level of the
// hierarchy (e.g. regions below a country are depth 1 if the country is a
// location). With `within` non-empty only the stations within those areas
// count, and only areas holding some of them are listed (a coordinator's
// view).
Coverage ComputeCoverage(
    const core::MissionIndex& mission,
    const std::vector<std::pair<std::string, std::int64_t>>& reports_by_station, int depth,
    std::span<const std::string> within = {});

}  // namespace vigil::analysis
