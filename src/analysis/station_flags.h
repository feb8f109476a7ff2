// Which polling stations drive the anomalies the forensics tests find:
// each station with an integer turnout or leader's share, an extreme
// turnout or share, or a turnout or share far from the other stations of
// its area. A flag is a place to look, not a finding: honest stations are
// flagged too (about one in ten has an integer percentage by chance).
// Pure: no storage.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/results.h"

namespace vigil::analysis {

struct StationFlags {
  std::size_t station = 0;  // index into table.stations
  double turnout = 0;       // issued / registered
  double share = 0;         // leader / ballots cast
  bool integer_turnout = false;
  bool integer_share = false;
  bool extreme_turnout = false;  // >= kExtreme
  bool extreme_share = false;    // >= kExtreme
  // Robust z-score (distance from the area's median in units of 1.4826 x
  // its median absolute deviation) beyond kOutlierZ, within the station's
  // area at the level given to FlagStations.
  double turnout_z = 0;
  double share_z = 0;
  bool outlier_turnout = false;
  bool outlier_share = false;
};

constexpr double kExtreme = 0.95;
constexpr double kOutlierZ = 3.5;        // Iglewicz and Hoaglin's cut-off
constexpr std::size_t kMinAreaSize = 5;  // smaller areas get no z-scores

// The flagged stations (those with at least one flag), in table order.
// Stations need registered > 0, issued and ballots cast > 0; the integer
// flags follow the integer test's inclusion rules (registered >= 100).
// `area_level` indexes table.area_levels (usually the lowest); -1 compares
// each station with all the others.
std::vector<StationFlags> FlagStations(const core::ResultsTable& table, int leader, int area_level);

}  // namespace vigil::analysis
