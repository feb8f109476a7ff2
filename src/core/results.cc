#include "core/results.h"

namespace vigil::core {

std::optional<std::int64_t> StationResult::BallotsCast() const {
  if (valid && invalid) return *valid + *invalid;
  return in_boxes;
}

int ResultsTable::Leader() const {
  std::vector<std::int64_t> totals(contestants.size(), 0);
  for (const StationResult& s : stations) {
    for (std::size_t i = 0; i < s.votes.size() && i < totals.size(); ++i) totals[i] += s.votes[i];
  }
  int leader = -1;
  for (std::size_t i = 0; i < totals.size(); ++i) {
    if (leader < 0 || totals[i] > totals[static_cast<std::size_t>(leader)]) {
      leader = static_cast<int>(i);
    }
  }
  return leader;
}

}  // namespace vigil::core
