#include "analysis/results_compare.h"

#include <gtest/gtest.h>

#include "analysis/protocol_checks.h"

namespace vigil::analysis {
namespace {

core::StationResult Station(std::string code, std::string district) {
  core::StationResult s;
  s.code = std::move(code);
  s.areas = {"Region", std::move(district)};
  s.registered = 1000;
  s.ballots_received = 1000;
  s.issued = 600;
  s.cancelled = 400;
  s.in_boxes = 600;
  s.valid = 590;
  s.invalid = 10;
  s.votes = {300, 290};
  return s;
}

core::ResultsTable Table() {
  core::ResultsTable t;
  t.area_levels = {"region", "district"};
  t.contestants = {"A", "B"};
  t.stations = {Station("1", "D1"), Station("2", "D1"), Station("3", "D2")};
  return t;
}

TEST(ProtocolChecks, AnHonestProtocolPassesEveryRelation) {
  const ProtocolChecks c = CheckProtocols(Table(), 1);
  ASSERT_EQ(c.relations.size(), std::size(kControlRelations));
  for (const RelationTally& t : c.relations) {
    EXPECT_EQ(t.checked, 3);
    EXPECT_EQ(t.failed, 0);
  }
  EXPECT_TRUE(c.failures.empty());
  ASSERT_EQ(c.by_area.size(), 2u);
  EXPECT_EQ(c.by_area[0].area, "D1");
  EXPECT_EQ(c.by_area[0].relations[0].checked, 2);
}

TEST(ProtocolChecks, EachBrokenRelationIsNamedWithItsSides) {
  core::ResultsTable t = Table();
  t.stations[0].cancelled = 390;     // received 1000 != 600 + 390
  t.stations[1].votes = {300, 291};  // valid 590 != 591
  t.stations[2].in_boxes = 650;      // in boxes 650 != 590 + 10, and > issued 600
  t.stations[2].issued = 640;        // now received 1000 != 640 + 400 too
  t.stations[1].registered.reset();  // issued <= registered not checkable there
  const ProtocolChecks c = CheckProtocols(t, 1);
  const auto tally = [&](ControlRelation r) { return c.relations[static_cast<std::size_t>(r)]; };
  EXPECT_EQ(tally(ControlRelation::kReceivedIsIssuedPlusCancelled).failed, 2);
  EXPECT_EQ(tally(ControlRelation::kValidIsSumOfVotes).failed, 1);
  EXPECT_EQ(tally(ControlRelation::kInBoxesIsValidPlusInvalid).failed, 1);
  EXPECT_EQ(tally(ControlRelation::kInBoxesAtMostIssued).failed, 1);
  EXPECT_EQ(tally(ControlRelation::kIssuedAtMostRegistered).checked, 2);
  EXPECT_EQ(tally(ControlRelation::kIssuedAtMostRegistered).failed, 0);
  ASSERT_EQ(c.failures.size(), 5u);
  EXPECT_EQ(c.failures[0].station, 0u);
  EXPECT_EQ(c.failures[0].left, 1000);
  EXPECT_EQ(c.failures[0].right, 990);
  EXPECT_STREQ(ControlRelationText(c.failures[1].relation), "valid = sum of votes");
  EXPECT_EQ(c.failures[1].right, 591);
  // D1 has two failing stations, D2 one (failing three relations).
  EXPECT_EQ(c.by_area[0].relations[0].failed, 1);
  EXPECT_EQ(c.by_area[1].relations[0].failed, 1);
}

TEST(ProtocolChecks, LostAndUnaccountedBallotsBalance) {
  core::ResultsTable t = Table();
  t.stations[0].cancelled = 390;
  t.stations[0].lost = 12;  // 1000 + 2 = 600 + 390 + 12
  t.stations[0].unaccounted = 2;
  const ProtocolChecks c = CheckProtocols(t, -1);
  EXPECT_EQ(c.relations[0].failed, 0);
  EXPECT_TRUE(c.by_area.empty());
  t.stations[0].lost = 11;
  EXPECT_EQ(CheckProtocols(t, -1).failures.at(0).right, 1001);
}

TEST(ResultsCompare, IdenticalTablesMatchEverywhere) {
  const ResultsComparison c = CompareResults(Table(), Table(), "district");
  EXPECT_EQ(c.total.same, 3);
  EXPECT_TRUE(c.stations.empty());
  ASSERT_EQ(c.by_area.size(), 2u);
  EXPECT_EQ(c.by_area[0].same, 2);
  EXPECT_EQ(c.contestants, (std::vector<std::string>{"A", "B"}));
}

TEST(ResultsCompare, NamesWhatDiffersByHowMuchAndWhatIsMissing) {
  const core::ResultsTable official = Table();
  core::ResultsTable copies = Table();
  copies.contestants = {"B", "A", "C"};  // another order, and one more
  for (auto& s : copies.stations) s.votes = {s.votes[1], s.votes[0], 5};
  copies.stations[1].votes[1] = 250;  // A: official 300, copy 250
  copies.stations[1].valid = 540;
  copies.stations.erase(copies.stations.begin() + 2);  // station 3 not copied
  copies.stations.push_back(Station("4", "D2"));       // no official result for 4
  const ResultsComparison c = CompareResults(official, copies, "district");
  EXPECT_EQ(c.only_in_b, (std::vector<std::string>{"C"}));
  EXPECT_EQ(c.total.same, 1);
  EXPECT_EQ(c.total.differs, 1);
  EXPECT_EQ(c.total.only_in_a, 1);
  EXPECT_EQ(c.total.only_in_b, 1);
  EXPECT_EQ(c.total.votes_changed, 50);
  ASSERT_EQ(c.stations.size(), 3u);
  EXPECT_EQ(c.stations[0].code, "2");
  EXPECT_EQ(c.stations[0].match, StationMatch::kDiffers);
  ASSERT_EQ(c.stations[0].changes.size(), 2u);
  EXPECT_EQ(c.stations[0].changes[0].figure, "valid");
  EXPECT_EQ(c.stations[0].changes[1].figure, "A");
  EXPECT_EQ(c.stations[0].changes[1].a, 300);
  EXPECT_EQ(c.stations[0].changes[1].b, 250);
  EXPECT_EQ(c.stations[1].match, StationMatch::kOnlyInA);
  EXPECT_EQ(c.stations[2].match, StationMatch::kOnlyInB);
  EXPECT_EQ(c.by_area[0].area, "D1");
  EXPECT_EQ(c.by_area[0].differs, 1);
  EXPECT_EQ(c.by_area[0].votes_changed, 50);
  EXPECT_EQ(c.by_area[1].only_in_a, 1);
  EXPECT_EQ(c.by_area[1].only_in_b, 1);
}

// ---- Observers' copies ---------------------------------------------------------

// Copies as observers enter them: fewer figures, contestants in the form's
// order, and the mission's own hierarchy as areas.
core::ResultsTable Copies() {
  core::ResultsTable t;
  t.area_levels = {"0"};
  t.contestants = {"B", "A", "C"};  // C is not on the official table
  for (const char* code : {"1", "2", "3", "9"}) {
    core::StationResult s;
    s.code = code;
    s.areas = {"North"};
    s.valid = 590;
    s.invalid = 10;
    s.votes = {290, 300, 0};
    t.stations.push_back(std::move(s));
  }
  return t;
}

TEST(CompareCopies, NamesEachCopysMatchDiscrepancyOrMissingOfficialResult) {
  core::ResultsTable copies = Copies();
  copies.stations[1].votes = {280, 310, 0};  // station 2: B 280 (official 290), A 310 (300)
  copies.stations[2].invalid = 12;           // station 3: invalid 12 (official 10)
  const CopiesComparison c = CompareCopies(copies, Table(), nullptr, "district");

  EXPECT_EQ(c.contestants, (std::vector<std::string>{"B", "A"}));  // in the copies' order
  ASSERT_EQ(c.stations.size(), 4u);
  EXPECT_EQ(c.stations[0].match, CopyMatch::kMatch);
  EXPECT_TRUE(c.stations[0].differences.empty());
  EXPECT_EQ(c.stations[1].match, CopyMatch::kDiscrepancy);
  ASSERT_EQ(c.stations[1].differences.size(), 2u);
  EXPECT_EQ(c.stations[1].differences[0].figure, "B");
  EXPECT_EQ(c.stations[1].differences[0].a, 280);  // the copy
  EXPECT_EQ(c.stations[1].differences[0].b, 290);  // official
  EXPECT_EQ(c.stations[1].differences[1].figure, "A");
  EXPECT_EQ(c.stations[2].match, CopyMatch::kDiscrepancy);
  ASSERT_EQ(c.stations[2].differences.size(), 1u);
  EXPECT_EQ(c.stations[2].differences[0].figure, "invalid");
  EXPECT_EQ(c.stations[3].match, CopyMatch::kOfficialMissing);
  EXPECT_FALSE(c.stations[0].changed);

  // Areas: the official table's district where it has the station; the
  // copies have no "district" level, so station 9 has none.
  EXPECT_EQ(c.stations[0].area, "D1");
  EXPECT_EQ(c.stations[2].area, "D2");
  EXPECT_EQ(c.stations[3].area, "");
  EXPECT_EQ(c.total.copies, 4);
  EXPECT_EQ(c.total.match, 1);
  EXPECT_EQ(c.total.discrepancy, 2);
  EXPECT_EQ(c.total.official_missing, 1);
  EXPECT_EQ(c.total.votes_differing, 20);  // |300 - 310| + |290 - 280|; invalid is no vote
  ASSERT_EQ(c.by_area.size(), 3u);
  EXPECT_EQ(c.by_area[0].area, "");
  EXPECT_EQ(c.by_area[1].area, "D1");
  EXPECT_EQ(c.by_area[1].copies, 2);
  EXPECT_EQ(c.by_area[1].discrepancy, 1);
  EXPECT_EQ(c.by_area[1].votes_differing, 20);
  EXPECT_EQ(c.by_area[2].area, "D2");
  EXPECT_EQ(c.by_area[2].discrepancy, 1);
  EXPECT_EQ(c.by_area[2].votes_differing, 0);
}

TEST(CompareCopies, MarksStationsWhoseOfficialFiguresChangedSinceAnEarlierPublication) {
  const core::ResultsTable preliminary = Table();
  core::ResultsTable final_results = Table();
  final_results.stations[1].votes = {250, 340};  // station 2 re-published: A -50, B +50
  final_results.stations.pop_back();             // station 3 dropped
  const CopiesComparison c = CompareCopies(Copies(), final_results, &preliminary, "0");

  ASSERT_EQ(c.stations.size(), 4u);
  EXPECT_FALSE(c.stations[0].changed);
  // Station 2: the copy matched the first publication, not the second.
  EXPECT_TRUE(c.stations[1].changed);
  EXPECT_EQ(c.stations[1].match, CopyMatch::kDiscrepancy);
  ASSERT_EQ(c.stations[1].changes.size(), 2u);
  EXPECT_EQ(c.stations[1].changes[0].figure, "A");
  EXPECT_EQ(c.stations[1].changes[0].a, 300);
  EXPECT_EQ(c.stations[1].changes[0].b, 250);
  EXPECT_TRUE(c.stations[2].changed);  // dropped: changed, and now missing
  EXPECT_EQ(c.stations[2].match, CopyMatch::kOfficialMissing);
  EXPECT_TRUE(c.stations[2].changes.empty());
  EXPECT_FALSE(c.stations[3].changed);  // in neither publication
  // Level "0" is the copies' (the mission's top level).
  ASSERT_EQ(c.by_area.size(), 1u);
  EXPECT_EQ(c.by_area[0].area, "North");
  EXPECT_EQ(c.by_area[0].changed, 2);
  EXPECT_EQ(c.by_area[0].discrepancy, 1);
  EXPECT_EQ(c.by_area[0].official_missing, 2);
  EXPECT_EQ(c.by_area[0].votes_differing, 100);
}

}  // namespace
}  // namespace vigil::analysis
