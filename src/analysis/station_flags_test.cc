#include "analysis/station_flags.h"

#include <gtest/gtest.h>

#include <map>

namespace vigil::analysis {
namespace {

core::StationResult Station(const std::string& area, std::int64_t registered, std::int64_t issued,
                            std::int64_t leader) {
  core::StationResult s;
  s.code = area + "/" + std::to_string(registered) + "/" + std::to_string(issued);
  s.areas = {area};
  s.registered = registered;
  s.issued = issued;
  s.in_boxes = issued;
  s.votes = {leader, issued - leader};
  return s;
}

std::map<std::string, StationFlags> ByCode(const core::ResultsTable& t,
                                           const std::vector<StationFlags>& flags) {
  std::map<std::string, StationFlags> out;
  for (const auto& f : flags) out[t.stations[f.station].code] = f;
  return out;
}

TEST(StationFlags, FlagsIntegerExtremeAndOutlyingStations) {
  core::ResultsTable t;
  t.area_levels = {"district"};
  t.contestants = {"Leader", "Other"};
  // Ten ordinary stations in D1: turnout 50.2%..59.2% of 1003 voters,
  // leader's share about 43.5%, none integer.
  for (int i = 0; i < 10; ++i) {
    const std::int64_t issued = 504 + 10 * i;
    t.stations.push_back(Station("D1", 1003, issued, issued * 43 / 100 + 3));
  }
  t.stations.push_back(Station("D1", 1003, 990, 980));  // extreme and far from D1
  t.stations.push_back(Station("D1", 1000, 600, 270));  // turnout exactly 60%: integer
  const auto flags = ByCode(t, FlagStations(t, 0, 0));

  const StationFlags& stuffed = flags.at("D1/1003/990");
  EXPECT_TRUE(stuffed.extreme_turnout);
  EXPECT_TRUE(stuffed.extreme_share);
  EXPECT_TRUE(stuffed.outlier_turnout);
  EXPECT_TRUE(stuffed.outlier_share);
  EXPECT_GT(stuffed.turnout_z, kOutlierZ);

  const StationFlags& round = flags.at("D1/1000/600");
  EXPECT_TRUE(round.integer_turnout);
  EXPECT_TRUE(round.integer_share);  // 270 / 600 = 45%
  EXPECT_FALSE(round.extreme_turnout);
  EXPECT_FALSE(round.outlier_turnout);
  EXPECT_EQ(flags.size(), 2u);  // the ordinary stations are not listed
}

TEST(StationFlags, ComparesStationsWithinTheirArea) {
  core::ResultsTable t;
  t.area_levels = {"district"};
  t.contestants = {"Leader", "Other"};
  // D1 turns out about 42%, D2 about 82% (none integer); one D1 station
  // turns out like D2.
  for (int i = 1; i < 8; ++i) {
    t.stations.push_back(Station("D1", 1003, 411 + 3 * i, 171 + i));
    t.stations.push_back(Station("D2", 1003, 812 + 3 * i, 371 + i));
  }
  t.stations.push_back(Station("D1", 1003, 817, 372));
  const auto within = ByCode(t, FlagStations(t, 0, 0));
  ASSERT_TRUE(within.count("D1/1003/817"));
  EXPECT_TRUE(within.at("D1/1003/817").outlier_turnout);
  EXPECT_EQ(within.size(), 1u);
  // Against the whole table it is one of the many high-turnout stations
  // (and D1's ordinary stations, the minority, look odd instead).
  const auto overall = ByCode(t, FlagStations(t, 0, -1));
  EXPECT_FALSE(overall.count("D1/1003/817"));
  EXPECT_TRUE(overall.count("D1/1003/414"));
}

TEST(StationFlags, SmallAreasAndIncompleteStationsGetNoScores) {
  core::ResultsTable t;
  t.area_levels = {"district"};
  t.contestants = {"Leader", "Other"};
  for (int i = 0; i < 4; ++i) t.stations.push_back(Station("D1", 1003, 400 + 100 * i, 200));
  core::StationResult incomplete = Station("D1", 1003, 999, 990);
  incomplete.registered.reset();
  t.stations.push_back(incomplete);
  for (const auto& f : FlagStations(t, 0, 0)) {
    EXPECT_EQ(f.turnout_z, 0);
    EXPECT_NE(f.station, 4u);
  }
}

}  // namespace
}  // namespace vigil::analysis
