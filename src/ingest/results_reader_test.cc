#include "ingest/results_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace vigil::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Fixture(const std::string& name) {
  const char* source = std::getenv("VIGIL_SOURCE_DIR");
  return std::string(source != nullptr ? source : ".") + "/tests/data/" + name;
}

TEST(ResultsReader, ReadsTheGenericLayout) {
  const std::string csv =
      "station,area:region,area:district,registered,issued,valid,invalid,lost,vote:Alpha,"
      "vote:Beta\n"
      "PS-1,North,N1,1000,600,590,10,3,400,190\n"
      "PS-2,North,N2,800,,,,,300,100\n";
  auto read = ParseResults(csv, "results.csv", ResultsFormat::kGeneric);
  ASSERT_TRUE(read.has_value()) << read.error().ToString();
  const core::ResultsTable& t = read->table;
  EXPECT_THAT(t.area_levels, ElementsAre("region", "district"));
  EXPECT_THAT(t.contestants, ElementsAre("Alpha", "Beta"));
  ASSERT_EQ(t.stations.size(), 2u);
  const core::StationResult& s = t.stations[0];
  EXPECT_EQ(s.code, "PS-1");
  EXPECT_THAT(s.areas, ElementsAre("North", "N1"));
  EXPECT_EQ(s.registered, 1000);
  EXPECT_EQ(s.issued, 600);
  EXPECT_EQ(s.lost, 3);
  EXPECT_EQ(s.BallotsCast(), 600);
  EXPECT_THAT(s.votes, ElementsAre(400, 190));
  EXPECT_EQ(s.line, 2u);
  EXPECT_FALSE(t.stations[1].issued.has_value());  // an empty cell is a missing figure
  EXPECT_EQ(t.Leader(), 0);
}

TEST(ResultsReader, NamesFileLineAndColumnOfEveryBadCellAndReadsNothing) {
  const std::string csv =
      "station,registered,vote:A\n"
      "PS-1,1000,12\n"
      "PS-2,ten,5\n"
      "PS-3,900,-4\n"
      "PS-4,900,3.5\n"
      "PS-5,900\n";
  auto read = ParseResults(csv, "r.csv", ResultsFormat::kGeneric);
  ASSERT_FALSE(read.has_value());
  const std::string& m = read.error().message();
  EXPECT_THAT(m, HasSubstr("r.csv: 4 problems; nothing was read"));
  EXPECT_THAT(m, HasSubstr("r.csv:3: column 'registered': 'ten' is not a count"));
  EXPECT_THAT(m, HasSubstr("r.csv:4: column 'vote:A': '-4' is not a count"));
  EXPECT_THAT(m, HasSubstr("r.csv:5: column 'vote:A': '3.5' is not a count"));
  EXPECT_THAT(m, HasSubstr("r.csv:6: has 2 fields, the header has 3"));
}

TEST(ResultsReader, AcceptsCountsWrittenAsWholeFloatsAndNanAsMissing) {
  auto read = ParseResults("station,registered,vote:A\nPS-1,1000.0,nan\nPS-2,NA,7\n", "r.csv",
                           ResultsFormat::kGeneric);
  ASSERT_TRUE(read.has_value()) << read.error().ToString();
  EXPECT_EQ(read->skipped_without_votes, 1u);  // PS-1 has no votes at all
  ASSERT_EQ(read->table.stations.size(), 1u);
  EXPECT_FALSE(read->table.stations[0].registered.has_value());
}

TEST(ResultsReader, RefusesAGenericHeaderWithoutStationOrVotes) {
  auto no_station = ParseResults("code,vote:A\n1,2\n", "r.csv", ResultsFormat::kGeneric);
  ASSERT_FALSE(no_station.has_value());
  EXPECT_THAT(no_station.error().message(), HasSubstr("r.csv:1: the header has no 'station'"));
  auto no_votes = ParseResults("station,registered\n1,2\n", "r.csv", ResultsFormat::kGeneric);
  ASSERT_FALSE(no_votes.has_value());
  EXPECT_THAT(no_votes.error().message(), HasSubstr("no vote:NAME column"));
}

TEST(ResultsReader, ListsIgnoredColumns) {
  auto read = ParseResults("station,colour,vote:A\nPS-1,red,3\n", "r.csv", ResultsFormat::kGeneric);
  ASSERT_TRUE(read.has_value());
  EXPECT_THAT(read->notes, ::testing::Contains(HasSubstr("column 2 'colour' is not a generic")));
  // Figures analyses need and no column gives are noted too.
  EXPECT_THAT(read->notes, ::testing::Contains("no column gives the registered voters"));
  EXPECT_THAT(read->notes, ::testing::Contains("no column gives the ballots issued"));
}

TEST(ResultsReader, ReadsTheRussianCecLayoutStraightFromItsZipArchive) {
  auto read = ReadResultsFile(Fixture("ru_cec_2011_excerpt.csv.zip"), ResultsFormat::kRuCec);
  ASSERT_TRUE(read.has_value()) << read.error().ToString();
  const core::ResultsTable& t = read->table;
  EXPECT_THAT(t.area_levels, ElementsAre("region", "tik"));
  ASSERT_EQ(t.contestants.size(), 7u);
  EXPECT_EQ(t.contestants[5], "6. Всероссийская политическая партия \"ЕДИНАЯ РОССИЯ\"");
  ASSERT_EQ(t.stations.size(), 40u);
  EXPECT_THAT(read->notes, ::testing::IsEmpty());
  // The first row: 2609 voters, 0 + 1614 + 182 ballots issued, 182 + 1614 in
  // the boxes, 1792 valid and 4 invalid.
  const core::StationResult& s = t.stations[0];
  EXPECT_EQ(s.code, "Республика Адыгея (Адыгея)/1 Адыгейская/1");
  EXPECT_EQ(s.registered, 2609);
  EXPECT_EQ(s.ballots_received, 2356);
  EXPECT_EQ(s.issued, 1796);
  EXPECT_EQ(s.cancelled, 560);
  EXPECT_EQ(s.in_boxes, 1796);
  EXPECT_EQ(s.valid, 1792);
  EXPECT_EQ(s.invalid, 4);
  EXPECT_THAT(s.votes, ElementsAre(36, 13, 7, 472, 16, 1242, 6));
  EXPECT_EQ(t.Leader(), 5);
}

TEST(ResultsReader, SkipsRussianAggregatesAndUsesBallotsInBoxesWhereTheLayoutHasNoIssued) {
  // The 2020 layout (ballots in the boxes, no valid column), and a row
  // without a uik as remote electronic voting rows have.
  const std::string csv =
      "name,region,tik,uik,\"Число участников голосования, включенных в список участников "
      "голосования на момент окончания голосования\",\"Число бюллетеней, выданных участникам "
      "голосования\",\"Число бюллетеней, содержащихся в ящиках для голосования\","
      "Число недействительных бюллетеней,ДА,НЕТ,url\n"
      "Vote,Region,TIK 1,УИК №1,2277,1925,1920,0,1749,171,http://x\n"
      "Vote,Region,Дистанционное электронное голосование,,9000,8000,8000,0,7000,1000,http://x\n";
  auto read = ParseResults(csv, "2020.csv", ResultsFormat::kRuCec);
  ASSERT_TRUE(read.has_value()) << read.error().ToString();
  EXPECT_EQ(read->skipped_aggregates, 1u);
  ASSERT_EQ(read->table.stations.size(), 1u);
  const core::StationResult& s = read->table.stations[0];
  EXPECT_EQ(s.code, "Region/TIK 1/УИК №1");
  EXPECT_EQ(s.registered, 2277);
  EXPECT_EQ(s.issued, 1920);  // from the ballots in the boxes, as Kobak et al.
  EXPECT_EQ(s.BallotsCast(), 1920);
  EXPECT_THAT(read->table.contestants, ElementsAre("ДА", "НЕТ"));
  EXPECT_THAT(read->notes, ElementsAre("no column gives the valid ballots"));
}

TEST(ResultsReader, ReadsTheRussianBallotBalanceLines) {
  // Lost ballots and ballots not counted on receipt, not to be confused
  // with lost absentee certificates.
  const std::string csv =
      "region,tik,uik,\"Число избирательных бюллетеней, полученных участковой избирательной "
      "комиссией\",\"Число избирательных бюллетеней, выданных избирателям в помещении для "
      "голосования\",Число погашенных избирательных бюллетеней,Число утраченных открепительных "
      "удостоверений,Число утраченных избирательных бюллетеней,\"Число избирательных "
      "бюллетеней, не учтенных при получении\",А,Б\n"
      "R,T,1,1000,590,400,7,12,2,300,290\n";
  auto read = ParseResults(csv, "2011.csv", ResultsFormat::kRuCec);
  ASSERT_TRUE(read.has_value()) << read.error().ToString();
  const core::StationResult& s = read->table.stations.at(0);
  EXPECT_EQ(s.ballots_received, 1000);
  EXPECT_EQ(s.cancelled, 400);
  EXPECT_EQ(s.lost, 12);
  EXPECT_EQ(s.unaccounted, 2);
  EXPECT_THAT(read->table.contestants, ElementsAre("А", "Б"));
}

TEST(ResultsReader, NamesTheArchiveEntryInMessages) {
  // The archive's CSV read as generic: no 'station' column.
  auto read = ReadResultsFile(Fixture("ru_cec_2011_excerpt.csv.zip"), ResultsFormat::kGeneric);
  ASSERT_FALSE(read.has_value());
  EXPECT_THAT(read.error().message(), HasSubstr("ru_cec_2011_excerpt.csv.zip!2011.csv:1:"));
}

TEST(ResultsReader, RefusesACorruptArchive) {
  const std::string truncated = std::string("PK\x03\x04", 4) + "garbage";
  auto read = ParseResults(truncated, "bad.zip", ResultsFormat::kRuCec);
  ASSERT_FALSE(read.has_value());
  EXPECT_THAT(read.error().message(), HasSubstr("bad.zip: not a readable ZIP archive"));
}

// An OpenElections precinct file (the layout of openelections-data-*):
// two offices, turnout pseudo-offices, a candidate on two party lines.
const char kOpenElections[] =
    "county,precinct,office,district,party,candidate,votes\n"
    "Adams,P1,Registered Voters,,,,1200\n"
    "Adams,P1,Ballots Cast,,,,800\n"
    "Adams,P1,President,,DEM,Alice Able,300\n"
    "Adams,P1,President,,REP,Bob Baker,450\n"
    "Adams,P1,President,,CON,Bob Baker,20\n"
    "Adams,P1,U.S. House,1,DEM,Carol Cole,380\n"
    "Brown,P7,President,,DEM,Alice Able,510\n"
    "Brown,P7,President,,REP,Bob Baker,120\n";

TEST(ResultsReader, ReadsOneOfficeOfAnOpenElectionsFile) {
  auto read = ParseResults(kOpenElections, "oe.csv", ResultsFormat::kOpenElections, "President");
  ASSERT_TRUE(read.has_value()) << read.error().ToString();
  const core::ResultsTable& t = read->table;
  EXPECT_THAT(t.area_levels, ElementsAre("county"));
  EXPECT_THAT(t.contestants, ElementsAre("Alice Able", "Bob Baker"));
  ASSERT_EQ(t.stations.size(), 2u);
  EXPECT_EQ(t.stations[0].code, "Adams/P1");
  EXPECT_THAT(t.stations[0].votes, ElementsAre(300, 470));  // both party lines
  EXPECT_EQ(t.stations[0].registered, 1200);
  EXPECT_EQ(t.stations[0].issued, 800);
  EXPECT_EQ(t.stations[0].BallotsCast(), 800);
  EXPECT_FALSE(t.stations[1].registered.has_value());
  EXPECT_THAT(t.stations[1].votes, ElementsAre(510, 120));
}

TEST(ResultsReader, AsksWhichOfficeWhenAnOpenElectionsFileHasSeveral) {
  auto read = ParseResults(kOpenElections, "oe.csv", ResultsFormat::kOpenElections);
  ASSERT_FALSE(read.has_value());
  EXPECT_THAT(read.error().message(),
              HasSubstr("oe.csv: the file has results for several offices (President, U.S. "
                        "House); choose one with --office"));
  auto wrong = ParseResults(kOpenElections, "oe.csv", ResultsFormat::kOpenElections, "Governor");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_THAT(wrong.error().message(), HasSubstr("no results for office 'Governor'"));
}

TEST(ResultsReader, NamesBadOpenElectionsVotesAndMissingColumns) {
  auto bad = ParseResults("county,precinct,office,candidate,votes\nA,1,President,X,many\n",
                          "oe.csv", ResultsFormat::kOpenElections, "President");
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(bad.error().message(), HasSubstr("oe.csv:2: column 'votes': 'many' is not a count"));
  auto missing = ParseResults("county,precinct,office,votes\n", "oe.csv",
                              ResultsFormat::kOpenElections, "President");
  ASSERT_FALSE(missing.has_value());
  EXPECT_THAT(missing.error().message(), HasSubstr("oe.csv:1: the header has no 'candidate'"));
}

TEST(ResultsReader, AMappingReadsAnotherLayout) {
  auto mapping = ParseResultsMapping(
      R"({"station": ["Commune", "No"], "areas": [["commune", "Commune"]],
          "registered": "Voters", "issued": "Ballots", "in_boxes": "Ballots",
          "contestants": "*"})",
      "m.json");
  ASSERT_TRUE(mapping.has_value()) << mapping.error().ToString();
  auto read = ParseResults(",Commune,No,Voters,Ballots,Red,Blue\n1,Hill,7,900,600,350,240\n",
                           "x.csv", ResultsFormat::kGeneric, "", &*mapping);
  ASSERT_TRUE(read.has_value()) << read.error().ToString();
  EXPECT_THAT(read->table.contestants, ElementsAre("Red", "Blue"));  // the unnamed index is not
  const core::StationResult& s = read->table.stations.at(0);
  EXPECT_EQ(s.code, "Hill/7");
  EXPECT_THAT(s.areas, ElementsAre("Hill"));
  EXPECT_EQ(s.issued, 600);  // one column for both
  EXPECT_EQ(s.BallotsCast(), 600);
}

TEST(ResultsReader, RefusesMappingsThatCannotBeRight) {
  EXPECT_THAT(ParseResultsMapping("{", "m.json").error().message(),
              HasSubstr("m.json: not valid JSON"));
  EXPECT_THAT(ParseResultsMapping(R"({"contestants": "*"})", "m.json").error().message(),
              HasSubstr("\"station\" must be given"));
  EXPECT_THAT(ParseResultsMapping(R"({"station": "A", "issued": 3, "contestants": "*"})", "m.json")
                  .error()
                  .message(),
              HasSubstr("\"issued\" must be a column name"));
  auto twice = ParseResultsMapping(
      R"({"station": "A", "registered": "B", "valid": "B", "contestants": ["C"]})", "m.json");
  ASSERT_TRUE(twice.has_value());
  auto read = ParseResults("A,B,C\n1,2,3\n", "x.csv", ResultsFormat::kGeneric, "", &*twice);
  ASSERT_FALSE(read.has_value());
  EXPECT_THAT(read.error().message(), HasSubstr("the mapping gives column 'B' two meanings"));
}

TEST(ResultsReader, SaysWhenTheFileIsMissing) {
  auto read = ReadResultsFile("/nonexistent/results.csv", ResultsFormat::kGeneric);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace vigil::ingest
