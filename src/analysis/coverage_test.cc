// Tests for coverage counting (analysis/coverage.h) on a hand-built mission
// whose expected numbers are worked out by hand in the comments.
#include "analysis/coverage.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace vigil::analysis {
namespace {

using Reports = std::vector<std::pair<std::string, std::int64_t>>;

core::Location Place(std::string code, std::string name, std::string parent) {
  core::Location l;
  l.code = std::move(code);
  l.name = std::move(name);
  l.parent_code = std::move(parent);
  return l;
}

// Depth 0: regions N (North) and S (South).
// Depth 1: districts N-1, N-2 (in N) and S-1 (in S).
// Depth 2: stations PS-1, PS-2 (in N-1), PS-3 (in N-2), PS-4, PS-5, PS-6 (in S-1).
// The order of the set-up deliberately interleaves levels.
core::MissionIndex TwoRegions() {
  return core::MissionIndex(
      core::Election{"Test election", "Testland", "2026-06-01", true},
      {Place("N", "North", ""), Place("N-1", "North 1", "N"), Place("PS-1", "Station 1", "N-1"),
       Place("PS-2", "Station 2", "N-1"), Place("S", "South", ""), Place("N-2", "North 2", "N"),
       Place("PS-3", "Station 3", "N-2"), Place("S-1", "South 1", "S"),
       Place("PS-4", "Station 4", "S-1"), Place("PS-5", "Station 5", "S-1"),
       Place("PS-6", "Station 6", "S-1")},
      {}, {});
}

// PS-1: 2 reports, PS-3: 1, PS-4: 0 (listed but empty), PS-5: 3;
// PS-2 and PS-6 are not listed. Reported: PS-1, PS-3, PS-5.
Reports SomeReports() { return {{"PS-1", 2}, {"PS-3", 1}, {"PS-4", 0}, {"PS-5", 3}}; }

void ExpectArea(const AreaCoverage& area, const std::string& code, const std::string& name,
                std::int64_t stations, std::int64_t reported) {
  SCOPED_TRACE(code);
  EXPECT_EQ(area.code, code);
  EXPECT_EQ(area.name, name);
  EXPECT_EQ(area.stations, stations);
  EXPECT_EQ(area.reported, reported);
}

TEST(ComputeCoverage, CountsStationsReportedAndReportsInTotal) {
  const Coverage c = ComputeCoverage(TwoRegions(), SomeReports(), 0);
  EXPECT_EQ(c.stations, 6);
  EXPECT_EQ(c.reported, 3);  // PS-1, PS-3, PS-5
  EXPECT_EQ(c.reports, 6);   // 2 + 1 + 0 + 3
}

TEST(ComputeCoverage, DepthZeroGivesTopLevelAreasInSetUpOrder) {
  const Coverage c = ComputeCoverage(TwoRegions(), SomeReports(), 0);
  ASSERT_EQ(c.areas.size(), 2u);
  ExpectArea(c.areas[0], "N", "North", 3, 2);  // PS-1, PS-2, PS-3; PS-1 and PS-3 reported
  ExpectArea(c.areas[1], "S", "South", 3, 1);  // PS-4, PS-5, PS-6; PS-5 reported
}

TEST(ComputeCoverage, DepthOneGivesDistrictsInSetUpOrder) {
  const Coverage c = ComputeCoverage(TwoRegions(), SomeReports(), 1);
  ASSERT_EQ(c.areas.size(), 3u);
  ExpectArea(c.areas[0], "N-1", "North 1", 2, 1);  // PS-1 reported, PS-2 not
  ExpectArea(c.areas[1], "N-2", "North 2", 1, 1);  // PS-3 reported
  ExpectArea(c.areas[2], "S-1", "South 1", 3, 1);  // PS-5 reported, PS-4 has 0, PS-6 none
}

TEST(ComputeCoverage, TotalsDoNotDependOnDepth) {
  const Coverage top = ComputeCoverage(TwoRegions(), SomeReports(), 0);
  const Coverage districts = ComputeCoverage(TwoRegions(), SomeReports(), 1);
  EXPECT_EQ(districts.stations, top.stations);
  EXPECT_EQ(districts.reported, top.reported);
  EXPECT_EQ(districts.reports, top.reports);
}

TEST(ComputeCoverage, StationWithZeroReportsIsNotReported) {
  const Coverage c = ComputeCoverage(TwoRegions(), {{"PS-4", 0}}, 1);
  EXPECT_EQ(c.reported, 0);
  EXPECT_EQ(c.reports, 0);
  ASSERT_EQ(c.areas.size(), 3u);
  ExpectArea(c.areas[2], "S-1", "South 1", 3, 0);
}

TEST(ComputeCoverage, IgnoresReportsForUnknownStations) {
  Reports reports = SomeReports();
  reports.emplace_back("PS-99", 5);
  const Coverage c = ComputeCoverage(TwoRegions(), reports, 0);
  EXPECT_EQ(c.stations, 6);
  EXPECT_EQ(c.reported, 3);
  EXPECT_EQ(c.reports, 6);
  ExpectArea(c.areas[0], "N", "North", 3, 2);
  ExpectArea(c.areas[1], "S", "South", 3, 1);
}

TEST(ComputeCoverage, IgnoresReportsForAreasThatAreNotStations) {
  const Coverage c = ComputeCoverage(TwoRegions(), {{"N-2", 4}, {"S", 1}}, 0);
  EXPECT_EQ(c.reported, 0);
  EXPECT_EQ(c.reports, 0);
  ExpectArea(c.areas[0], "N", "North", 3, 0);
  ExpectArea(c.areas[1], "S", "South", 3, 0);
}

TEST(ComputeCoverage, AddsUpRepeatedEntriesForOneStation) {
  const Coverage c = ComputeCoverage(TwoRegions(), {{"PS-2", 1}, {"PS-2", 2}}, 1);
  EXPECT_EQ(c.reported, 1);
  EXPECT_EQ(c.reports, 3);
  ExpectArea(c.areas[0], "N-1", "North 1", 2, 1);
}

TEST(ComputeCoverage, NoReportsGivesZeroReportedEverywhere) {
  const Coverage c = ComputeCoverage(TwoRegions(), {}, 0);
  EXPECT_EQ(c.stations, 6);
  EXPECT_EQ(c.reported, 0);
  EXPECT_EQ(c.reports, 0);
  ExpectArea(c.areas[0], "N", "North", 3, 0);
  ExpectArea(c.areas[1], "S", "South", 3, 0);
}

// Within N-2 and S: PS-3 (1 report), PS-4 (0), PS-5 (3), PS-6 (none):
// 4 stations, 2 reported, 4 reports. Of the districts, N-1 holds none of them.
TEST(ComputeCoverage, WithinAreasCountsOnlyTheirStationsAndListsOnlyTheirAreas) {
  const std::vector<std::string> within{"N-2", "S"};
  const Coverage c = ComputeCoverage(TwoRegions(), SomeReports(), 1, within);
  EXPECT_EQ(c.stations, 4);
  EXPECT_EQ(c.reported, 2);
  EXPECT_EQ(c.reports, 4);
  ASSERT_EQ(c.areas.size(), 2u);
  ExpectArea(c.areas[0], "N-2", "North 2", 1, 1);
  ExpectArea(c.areas[1], "S-1", "South 1", 3, 1);
  const Coverage regions = ComputeCoverage(TwoRegions(), SomeReports(), 0, within);
  ASSERT_EQ(regions.areas.size(), 2u);
  ExpectArea(regions.areas[0], "N", "North", 1, 1);  // only its part within N-2
  ExpectArea(regions.areas[1], "S", "South", 3, 1);
}

TEST(ComputeCoverage, DepthOfTheStationsHasNoAreas) {
  // Depth 2 holds only polling stations, which are not areas.
  const Coverage c = ComputeCoverage(TwoRegions(), SomeReports(), 2);
  EXPECT_TRUE(c.areas.empty());
  EXPECT_EQ(c.stations, 6);
  EXPECT_EQ(c.reported, 3);
}

TEST(ComputeCoverage, StationAboveTheDepthCountsOnlyInTotals) {
  // PS-7 hangs directly off region S (depth 1), so it has no district.
  std::vector<core::Location> locations = TwoRegions().locations();
  locations.push_back(Place("PS-7", "Station 7", "S"));
  const core::MissionIndex mission(core::Election{}, std::move(locations), {}, {});
  const Coverage c = ComputeCoverage(mission, {{"PS-7", 1}}, 1);
  EXPECT_EQ(c.stations, 7);
  EXPECT_EQ(c.reported, 1);
  EXPECT_EQ(c.reports, 1);
  ASSERT_EQ(c.areas.size(), 3u);
  for (const AreaCoverage& area : c.areas) EXPECT_EQ(area.reported, 0) << area.code;
  const Coverage top = ComputeCoverage(mission, {{"PS-7", 1}}, 0);
  ExpectArea(top.areas[1], "S", "South", 4, 1);
}

TEST(ComputeCoverage, EmptyMissionHasNothingToCover) {
  const core::MissionIndex mission(core::Election{}, {}, {}, {});
  const Coverage c = ComputeCoverage(mission, {{"PS-1", 1}}, 0);
  EXPECT_EQ(c.stations, 0);
  EXPECT_EQ(c.reported, 0);
  EXPECT_EQ(c.reports, 0);
  EXPECT_TRUE(c.areas.empty());
}

// TwoRegions with observers: OBS-1 at PS-1 and PS-2, OBS-2 at PS-2, OBS-3
// at PS-5, OBS-4 nowhere. PS-3, PS-4 and PS-6 have nobody assigned.
core::MissionIndex WithObservers() {
  const auto observer = [](std::string code, std::vector<std::string> stations) {
    core::Observer o;
    o.code = code;
    o.name = "Observer " + code;
    o.stations = std::move(stations);
    return o;
  };
  return core::MissionIndex(core::Election{}, TwoRegions().locations(),
                            {observer("OBS-1", {"PS-1", "PS-2"}), observer("OBS-2", {"PS-2"}),
                             observer("OBS-3", {"PS-5"}), observer("OBS-4", {})},
                            {});
}

Timestamp At(const char* text) { return *ParseRfc3339(text); }

ReportRef Ref(std::string form, std::string station, std::string observer, const char* at) {
  return {"uuid:" + form + station + observer, std::move(form), std::move(station),
          std::move(observer), At(at)};
}

core::StringMap<std::int64_t> ByStation(const std::vector<ReportRef>& reports) {
  core::StringMap<std::int64_t> out;
  for (const ReportRef& r : reports) ++out[r.station_code];
  return out;
}

std::vector<std::string> Stations(const std::vector<MissingReport>& missing) {
  std::vector<std::string> out;
  for (const MissingReport& m : missing) out.push_back(m.station_code);
  return out;
}

TEST(ComputeCoverage, PlannedStationsAreThoseWithAnObserverAssigned) {
  // Planned: PS-1, PS-2 (in N-1) and PS-5 (in S-1).
  const Coverage c = ComputeCoverage(WithObservers(), SomeReports(), 1);
  EXPECT_EQ(c.planned, 3);
  ASSERT_EQ(c.areas.size(), 3u);
  EXPECT_EQ(c.areas[0].planned, 2);
  EXPECT_EQ(c.areas[1].planned, 0);
  EXPECT_EQ(c.areas[2].planned, 1);
  EXPECT_EQ(ComputeCoverage(TwoRegions(), SomeReports(), 1).planned, 0);
}

TEST(MissingReports, PlannedStationsWithoutAReport) {
  const std::vector<ReportRef> reports = {Ref("V", "PS-1", "OBS-1", "2026-06-01T08:00:00Z")};
  const auto missing = MissingReports(WithObservers(), ByStation(reports));
  // PS-1 reported; PS-3, PS-4, PS-6 were not planned.
  ASSERT_EQ(Stations(missing), (std::vector<std::string>{"PS-2", "PS-5"}));
  EXPECT_EQ(missing[0].station_name, "Station 2");
  EXPECT_EQ(missing[0].observers, (std::vector<std::string>{"OBS-1", "OBS-2"}));
  EXPECT_EQ(missing[1].observers, (std::vector<std::string>{"OBS-3"}));
  EXPECT_EQ(Stations(MissingReports(WithObservers(), {{"PS-2", 0}})),
            (std::vector<std::string>{"PS-1", "PS-2", "PS-5"}));
}

TEST(MissingReports, WithinAnAreaOnlyItsStations) {
  const std::vector<std::string> south{"S"};
  EXPECT_EQ(Stations(MissingReports(WithObservers(), {}, south)),
            (std::vector<std::string>{"PS-5"}));
}

// The index LiveReports keeps per set-up snapshot.
TEST(StationIndex, StationsInSetUpOrderWithTheirObservers) {
  const auto mission = std::make_shared<const core::MissionIndex>(WithObservers());
  const StationIndex index(mission);
  const Geography& geo = index.geography();
  std::vector<std::string> stations;
  for (const std::int32_t s : index.stations()) {
    stations.push_back(mission->locations()[static_cast<std::size_t>(s)].code);
  }
  EXPECT_EQ(stations, (std::vector<std::string>{"PS-1", "PS-2", "PS-3", "PS-4", "PS-5", "PS-6"}));
  const auto observers = [&](const char* station) {
    std::vector<std::string> out;
    for (const std::int32_t o : index.observers(geo.Find(station))) {
      out.push_back(mission->observers()[static_cast<std::size_t>(o)].code);
    }
    return out;
  };
  EXPECT_EQ(observers("PS-2"), (std::vector<std::string>{"OBS-1", "OBS-2"}));
  EXPECT_EQ(observers("PS-5"), (std::vector<std::string>{"OBS-3"}));
  EXPECT_TRUE(observers("PS-3").empty());
  EXPECT_TRUE(index.planned(geo.Find("PS-1")));
  EXPECT_FALSE(index.planned(geo.Find("PS-6")));
  EXPECT_FALSE(index.planned(geo.Find("N")));
}

TEST(StationIndex, CountsByIndexGiveTheSameCoverageAsCountsByCode) {
  const auto mission = std::make_shared<const core::MissionIndex>(WithObservers());
  const StationIndex index(mission);
  // SomeReports by index; a short span counts the rest (PS-6, ...) as 0.
  std::vector<std::int32_t> counts(static_cast<std::size_t>(index.geography().Find("PS-5")) + 1, 0);
  for (const auto& [code, n] : SomeReports()) {
    counts[static_cast<std::size_t>(index.geography().Find(code))] = static_cast<std::int32_t>(n);
  }
  for (const int depth : {0, 1, 2}) {
    SCOPED_TRACE(depth);
    const Coverage a = ComputeCoverage(index, counts, depth);
    const Coverage b = ComputeCoverage(*mission, SomeReports(), depth);
    EXPECT_EQ(a.stations, 6);
    EXPECT_EQ(a.reported, 3);
    EXPECT_EQ(a.planned, 3);
    EXPECT_EQ(a.reports, 6);
    ASSERT_EQ(a.areas.size(), b.areas.size());
    for (std::size_t i = 0; i < a.areas.size(); ++i) {
      EXPECT_EQ(a.areas[i].code, b.areas[i].code);
      EXPECT_EQ(a.areas[i].stations, b.areas[i].stations);
      EXPECT_EQ(a.areas[i].planned, b.areas[i].planned);
      EXPECT_EQ(a.areas[i].reported, b.areas[i].reported);
    }
  }
  // Missing: planned PS-1, PS-2, PS-5; PS-1 and PS-5 reported.
  EXPECT_EQ(Stations(MissingReports(index, counts)), (std::vector<std::string>{"PS-2"}));
  EXPECT_EQ(Stations(MissingReports(index, {})),
            (std::vector<std::string>{"PS-1", "PS-2", "PS-5"}));
}

TEST(ObserverActivity, CheckedInMeansAnyReportAndFormReportsCountTheForm) {
  const std::vector<ReportRef> reports = {Ref("O", "PS-1", "OBS-1", "2026-06-01T06:50:00Z"),
                                          Ref("V", "PS-2", "OBS-1", "2026-06-01T09:10:00Z"),
                                          Ref("V", "PS-2", "OBS-2", "2026-06-01T08:00:00Z"),
                                          Ref("V", "PS-9", "OBS-9", "2026-06-01T08:00:00Z")};
  const auto activity = ComputeObserverActivity(WithObservers(), reports, "V");
  ASSERT_EQ(activity.size(), 4u);
  EXPECT_EQ(activity[0].code, "OBS-1");
  EXPECT_EQ(activity[0].reports, 2);
  EXPECT_EQ(activity[0].form_reports, 1);
  EXPECT_EQ(activity[0].last_report, At("2026-06-01T09:10:00Z"));
  EXPECT_TRUE(activity[0].checked_in());
  EXPECT_EQ(activity[1].reports, 1);  // OBS-2: a voting report and no opening one
  EXPECT_TRUE(activity[1].checked_in());
  EXPECT_EQ(activity[2].code, "OBS-3");
  EXPECT_FALSE(activity[2].checked_in());
  EXPECT_FALSE(activity[2].last_report.has_value());
  EXPECT_EQ(activity[3].code, "OBS-4");
  const auto opening = ComputeObserverActivity(WithObservers(), reports, "O");
  EXPECT_EQ(opening[0].form_reports, 1);
  EXPECT_EQ(opening[1].form_reports, 0);
}

TEST(ObserverActivity, WithinAnAreaOnlyObserversAssignedThere) {
  const std::vector<std::string> north1{"N-1"};
  const auto activity = ComputeObserverActivity(WithObservers(), {}, "V", north1);
  ASSERT_EQ(activity.size(), 2u);  // OBS-3 is in S, OBS-4 nowhere
  EXPECT_EQ(activity[0].code, "OBS-1");
  EXPECT_EQ(activity[1].code, "OBS-2");
}

TEST(ReportsOverTime, FifteenMinuteBucketsWithEmptyOnesAndCumulativeCounts) {
  const std::vector<ReportRef> reports = {
      Ref("V", "PS-1", "OBS-1", "2026-06-01T08:14:59.999999Z"),  // 08:00
      Ref("V", "PS-2", "OBS-1", "2026-06-01T08:00:00Z"),         // 08:00
      Ref("V", "PS-2", "OBS-2", "2026-06-01T08:45:00Z"),         // 08:45
      Ref("V", "PS-5", "OBS-3", "2026-06-01T08:15:00Z"),         // 08:15
      Ref("O", "PS-1", "OBS-1", "2026-06-01T07:00:00Z")};        // another form
  auto buckets = ReportsOverTime(WithObservers(), reports, "V", std::chrono::minutes(15));
  ASSERT_TRUE(buckets.has_value()) << buckets.error().ToString();
  ASSERT_EQ(buckets->size(), 4u);  // 08:00, 08:15, 08:30 (empty), 08:45
  EXPECT_EQ((*buckets)[0].start, At("2026-06-01T08:00:00Z"));
  EXPECT_EQ((*buckets)[0].reports, 2);
  EXPECT_EQ((*buckets)[1].reports, 1);
  EXPECT_EQ((*buckets)[2].start, At("2026-06-01T08:30:00Z"));
  EXPECT_EQ((*buckets)[2].reports, 0);
  EXPECT_EQ((*buckets)[2].cumulative, 3);
  EXPECT_EQ((*buckets)[3].reports, 1);
  EXPECT_EQ((*buckets)[3].cumulative, 4);
  const std::vector<std::string> south{"S"};
  auto in_south = ReportsOverTime(WithObservers(), reports, "V", std::chrono::minutes(15), south);
  ASSERT_EQ(in_south->size(), 1u);
  EXPECT_EQ((*in_south)[0].start, At("2026-06-01T08:15:00Z"));
}

TEST(ReportsOverTime, NoReportsNoBucketsAndBadWidthsAreRefused) {
  EXPECT_TRUE(ReportsOverTime(WithObservers(), {}, "V", std::chrono::minutes(15))->empty());
  auto zero = ReportsOverTime(WithObservers(), {}, "V", std::chrono::minutes(0));
  ASSERT_FALSE(zero.has_value());
  EXPECT_NE(zero.error().message().find("at least one minute"), std::string::npos);
  const std::vector<ReportRef> day_apart = {Ref("V", "PS-1", "OBS-1", "2026-06-01T00:00:00Z"),
                                            Ref("V", "PS-2", "OBS-1", "2026-06-02T00:00:00Z")};
  auto too_many =
      ReportsOverTime(WithObservers(), day_apart, "V", std::chrono::minutes(1), {}, 100);
  ASSERT_FALSE(too_many.has_value());
  EXPECT_NE(too_many.error().message().find("1441 buckets"), std::string::npos)
      << too_many.error().message();
}

}  // namespace
}  // namespace vigil::analysis
