// Shpilkin's estimate of the votes added for the leader. Votes are summed
// in 1% bins of turnout (ballots issued / registered). The bin holding the
// most registered voters is taken as the "clean" turnout: the peak of the
// distribution, where most stations counted honestly. The ratio of the
// leader's votes to the other contestants' votes in that bin is assumed to
// hold at every turnout, so at and above the clean bin the leader is
// expected to get ratio x others; the excess is what the leader got beyond
// that. It assumes that higher turnout does not by itself change how people
// vote, which regional differences (a region that both turns out more and
// prefers the leader) violate: read it next to the regional breakdown.
// Pure: no storage.
#pragma once

#include <cstdint>
#include <vector>

#include "core/results.h"

namespace vigil::analysis {

struct ShpilkinBin {
  int turnout_percent = 0;  // the bin [turnout_percent, turnout_percent + 1)
  std::int64_t stations = 0;
  std::int64_t registered = 0;
  std::int64_t leader = 0;  // the leader's votes
  std::int64_t others = 0;  // every other contestant's votes
};

struct ShpilkinEstimate {
  std::vector<ShpilkinBin> bins;  // 0% to 100%, empty bins included
  // -1: not estimable (no station had the figures needed, or the clean bin
  // has no votes for the others).
  int clean_turnout_percent = -1;
  double clean_ratio = 0;         // leader / others in the clean bin
  std::int64_t leader_votes = 0;  // official, over the stations used
  double expected_leader_votes = 0;
  double excess_votes = 0;  // leader_votes - expected_leader_votes
  std::int64_t stations_used = 0;
};

// Uses the stations with registered > 0, issued and votes; `leader` is the
// index of the contestant (usually table.Leader()).
ShpilkinEstimate EstimateShpilkin(const core::ResultsTable& table, int leader);

}  // namespace vigil::analysis
