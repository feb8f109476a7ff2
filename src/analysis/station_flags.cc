#include "analysis/station_flags.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "analysis/integer_percentage.h"

namespace vigil::analysis {

namespace {

double Median(std::vector<double> v) {
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  return (upper + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid))) / 2;
}

// Robust z-scores of `values` (Iglewicz and Hoaglin's modified z-score:
// 0.6745 (x - median) / MAD); all 0 when the MAD is 0 or the group is small.
std::vector<double> RobustZ(const std::vector<double>& values) {
  std::vector<double> z(values.size(), 0);
  if (values.size() < kMinAreaSize) return z;
  const double median = Median(values);
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double v : values) deviations.push_back(std::abs(v - median));
  const double mad = Median(deviations);
  if (mad == 0) return z;
  for (std::size_t i = 0; i < values.size(); ++i) z[i] = 0.6745 * (values[i] - median) / mad;
  return z;
}

}  // namespace

std::vector<StationFlags> FlagStations(const core::ResultsTable& table, int leader,
                                       int area_level) {
  std::vector<StationFlags> all;
  if (leader < 0) return all;
  const auto index = static_cast<std::size_t>(leader);
  std::map<std::string, std::vector<std::size_t>> by_area;  // area -> indices into `all`
  for (std::size_t i = 0; i < table.stations.size(); ++i) {
    const core::StationResult& s = table.stations[i];
    const auto cast = s.BallotsCast();
    if (!s.registered || *s.registered <= 0 || !s.issued || !cast || *cast <= 0 ||
        index >= s.votes.size()) {
      continue;
    }
    StationFlags f;
    f.station = i;
    f.turnout = static_cast<double>(*s.issued) / static_cast<double>(*s.registered);
    f.share = static_cast<double>(s.votes[index]) / static_cast<double>(*cast);
    const IntegerTestStation t{*s.registered, *s.issued, *cast, s.votes[index]};
    if (IncludedInIntegerTest(t)) {
      f.integer_turnout = IsIntegerPercentage(t.issued, t.registered);
      f.integer_share = IsIntegerPercentage(t.leader, t.cast);
    }
    f.extreme_turnout = f.turnout >= kExtreme;
    f.extreme_share = f.share >= kExtreme;
    const std::string area =
        area_level >= 0 && static_cast<std::size_t>(area_level) < s.areas.size()
            ? s.areas[static_cast<std::size_t>(area_level)]
            : std::string();
    by_area[area].push_back(all.size());
    all.push_back(f);
  }
  for (const auto& [area, members] : by_area) {
    std::vector<double> turnout, share;
    for (std::size_t m : members) {
      turnout.push_back(all[m].turnout);
      share.push_back(all[m].share);
    }
    const std::vector<double> tz = RobustZ(turnout);
    const std::vector<double> sz = RobustZ(share);
    for (std::size_t k = 0; k < members.size(); ++k) {
      StationFlags& f = all[members[k]];
      f.turnout_z = tz[k];
      f.share_z = sz[k];
      f.outlier_turnout = std::abs(tz[k]) > kOutlierZ;
      f.outlier_share = std::abs(sz[k]) > kOutlierZ;
    }
  }
  std::vector<StationFlags> flagged;
  for (const StationFlags& f : all) {
    if (f.integer_turnout || f.integer_share || f.extreme_turnout || f.extreme_share ||
        f.outlier_turnout || f.outlier_share) {
      flagged.push_back(f);
    }
  }
  return flagged;
}

}  // namespace vigil::analysis
