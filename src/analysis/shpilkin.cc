#include "analysis/shpilkin.h"

#include <algorithm>

namespace vigil::analysis {

ShpilkinEstimate EstimateShpilkin(const core::ResultsTable& table, int leader) {
  ShpilkinEstimate e;
  e.bins.resize(101);
  for (int b = 0; b <= 100; ++b) e.bins[static_cast<std::size_t>(b)].turnout_percent = b;
  if (leader < 0) return e;
  const auto index = static_cast<std::size_t>(leader);
  for (const core::StationResult& s : table.stations) {
    if (!s.registered || *s.registered <= 0 || !s.issued || index >= s.votes.size()) continue;
    // floor(100 issued / registered), capped at the 100% bin.
    const auto bin =
        static_cast<std::size_t>(std::min<std::int64_t>(100, 100 * *s.issued / *s.registered));
    ShpilkinBin& b = e.bins[bin];
    ++b.stations;
    b.registered += *s.registered;
    for (std::size_t c = 0; c < s.votes.size(); ++c) {
      (c == index ? b.leader : b.others) += s.votes[c];
    }
    ++e.stations_used;
  }
  if (e.stations_used == 0) return e;

  const auto clean = std::max_element(
      e.bins.begin(), e.bins.end(),
      [](const ShpilkinBin& a, const ShpilkinBin& b) { return a.registered < b.registered; });
  if (clean->others == 0) return e;  // no ratio to carry over: not estimable
  e.clean_turnout_percent = clean->turnout_percent;
  e.clean_ratio = static_cast<double>(clean->leader) / static_cast<double>(clean->others);
  for (const ShpilkinBin& b : e.bins) {
    e.leader_votes += b.leader;
    e.expected_leader_votes += b.turnout_percent < e.clean_turnout_percent
                                   ? static_cast<double>(b.leader)
                                   : e.clean_ratio * static_cast<double>(b.others);
  }
  e.excess_votes = static_cast<double>(e.leader_votes) - e.expected_leader_votes;
  return e;
}

}  // namespace vigil::analysis
