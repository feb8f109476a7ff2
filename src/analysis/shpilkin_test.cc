#include "analysis/shpilkin.h"

#include <gtest/gtest.h>

#include <cmath>

#include "analysis/random.h"

namespace vigil::analysis {
namespace {

core::StationResult Station(std::int64_t registered, std::int64_t issued, std::int64_t leader,
                            std::int64_t other) {
  core::StationResult s;
  s.registered = registered;
  s.issued = issued;
  s.votes = {leader, other};
  return s;
}

TEST(Shpilkin, HandCheckedThreeBins) {
  core::ResultsTable t;
  t.contestants = {"Leader", "Other"};
  // 50% bin (most voters, 3000): leader 600, others 900 -> ratio 2/3.
  t.stations.push_back(Station(1000, 500, 200, 300));
  t.stations.push_back(Station(2000, 1000, 400, 600));
  // 40% bin, below the clean bin: taken as official.
  t.stations.push_back(Station(1000, 400, 100, 300));
  // 80% bin: others 300, so 200 expected; the leader got 500.
  t.stations.push_back(Station(1000, 800, 500, 300));
  const ShpilkinEstimate e = EstimateShpilkin(t, 0);
  EXPECT_EQ(e.stations_used, 4);
  EXPECT_EQ(e.clean_turnout_percent, 50);
  EXPECT_DOUBLE_EQ(e.clean_ratio, 600.0 / 900.0);
  EXPECT_EQ(e.leader_votes, 1200);
  EXPECT_DOUBLE_EQ(e.expected_leader_votes, 100 + 600 + 200);
  EXPECT_DOUBLE_EQ(e.excess_votes, 300);
  EXPECT_EQ(e.bins[80].stations, 1);
  EXPECT_EQ(e.bins[80].leader, 500);
  EXPECT_EQ(e.bins[40].others, 300);
}

TEST(Shpilkin, NotEstimableWithoutStationsOrOthers) {
  core::ResultsTable t;
  t.contestants = {"Leader", "Other"};
  EXPECT_EQ(EstimateShpilkin(t, 0).clean_turnout_percent, -1);
  t.stations.push_back(Station(1000, 500, 500, 0));
  EXPECT_EQ(EstimateShpilkin(t, 0).clean_turnout_percent, -1);
}

// A clean election whose stations all split 40:60, then ballots stuffed
// for the leader at some stations: the estimate finds the stuffed ballots.
TEST(Shpilkin, RecoversStuffedBallots) {
  Random random(2009);
  core::ResultsTable t;
  t.contestants = {"Leader", "Other"};
  std::int64_t stuffed = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::int64_t registered = 500 + static_cast<std::int64_t>(random.Below(2000));
    // Turnout around 50% (sum of uniforms), leader 40% of the votes.
    const double turnout =
        0.35 + 0.1 * (random.Uniform01() + random.Uniform01() + random.Uniform01());
    const auto issued = static_cast<std::int64_t>(turnout * static_cast<double>(registered));
    const auto leader = static_cast<std::int64_t>(0.4 * static_cast<double>(issued));
    std::int64_t add = 0;
    if (i % 10 == 0) {  // every tenth station: 30% of the register stuffed
      add = std::min(registered - issued, static_cast<std::int64_t>(0.3 * registered));
      stuffed += add;
    }
    t.stations.push_back(Station(registered, issued + add, leader + add, issued - leader));
  }
  const ShpilkinEstimate e = EstimateShpilkin(t, 0);
  EXPECT_NEAR(e.clean_turnout_percent, 50, 3);
  EXPECT_NEAR(e.clean_ratio, 0.4 / 0.6, 0.01);
  EXPECT_NEAR(e.excess_votes, static_cast<double>(stuffed), 0.05 * static_cast<double>(stuffed));
}

TEST(Shpilkin, FindsNothingInACleanElection) {
  Random random(7);
  core::ResultsTable t;
  t.contestants = {"Leader", "Other"};
  std::int64_t leader_total = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::int64_t registered = 1000;
    const auto issued = static_cast<std::int64_t>(300 + random.Below(400));
    const auto leader = static_cast<std::int64_t>(0.55 * static_cast<double>(issued));
    leader_total += leader;
    t.stations.push_back(Station(registered, issued, leader, issued - leader));
  }
  const ShpilkinEstimate e = EstimateShpilkin(t, 0);
  EXPECT_LT(std::abs(e.excess_votes), 0.01 * static_cast<double>(leader_total));
}

}  // namespace
}  // namespace vigil::analysis
