// Tests for the CSV import of the mission set-up (ingest/setup_csv.h).
#include "ingest/setup_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace vigil::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;
using namespace std::string_view_literals;

using CodeSet = std::unordered_set<std::string_view>;

constexpr std::string_view kLocationHeader = "code,name,parent\n";

std::function<bool(std::string_view)> In(CodeSet codes) {
  return [codes = std::move(codes)](std::string_view code) { return codes.contains(code); };
}

std::vector<std::string> Strings(const std::vector<CsvProblem>& problems) {
  std::vector<std::string> out;
  out.reserve(problems.size());
  for (const CsvProblem& p : problems) out.push_back(p.ToString());
  return out;
}

// The problems of a locations file that must be rejected, as strings.
std::vector<std::string> LocationProblems(
    std::string_view content, const std::function<bool(std::string_view)>& parent_exists = {}) {
  std::vector<CsvProblem> problems;
  const auto result = ParseLocationsCsv("stations.csv", content, parent_exists, &problems);
  EXPECT_FALSE(result.has_value()) << "the file was accepted";
  return Strings(problems);
}

std::vector<std::string> ObserverProblems(std::string_view content,
                                          const std::function<bool(std::string_view)>& is_station) {
  std::vector<CsvProblem> problems;
  const auto result = ParseObserversCsv("observers.csv", content, is_station, &problems);
  EXPECT_FALSE(result.has_value()) << "the file was accepted";
  return Strings(problems);
}

// The locations of a file that must be accepted.
std::vector<core::Location> Locations(
    std::string_view content, const std::function<bool(std::string_view)>& parent_exists = {}) {
  std::vector<CsvProblem> problems;
  auto result = ParseLocationsCsv("stations.csv", content, parent_exists, &problems);
  EXPECT_TRUE(result.has_value()) << ::testing::PrintToString(Strings(problems));
  EXPECT_THAT(problems, SizeIs(0));
  return result.has_value() ? std::move(*result) : std::vector<core::Location>{};
}

// ---------------------------------------------------------------- locations

TEST(ParseLocationsCsv, ParsesThreeLevelsWithOptionalColumns) {
  const auto locations = Locations(
      "code,name,parent,registered_voters,urban_rural,lat,lon\n"
      "FR,Freedonia,,,,,\n"
      "FR-N,North region,FR,,,,\n"
      "PS-1,School No. 1,FR-N,1520,urban,47.0105,28.8638\n"
      "PS-2,Village hall,FR-N,312,rural,-12.5,-170\n"
      "PS-3,Hospital,FR-N,,,,\n");
  ASSERT_THAT(locations, SizeIs(5));
  EXPECT_EQ(locations[0].code, "FR");
  EXPECT_EQ(locations[0].name, "Freedonia");
  EXPECT_EQ(locations[0].parent_code, "");
  EXPECT_EQ(locations[1].parent_code, "FR");
  const core::Location& ps1 = locations[2];
  EXPECT_EQ(ps1.code, "PS-1");
  EXPECT_EQ(ps1.name, "School No. 1");
  EXPECT_EQ(ps1.parent_code, "FR-N");
  EXPECT_EQ(ps1.registered_voters, 1520);
  EXPECT_EQ(ps1.settlement, core::Settlement::kUrban);
  EXPECT_EQ(ps1.lat, 47.0105);
  EXPECT_EQ(ps1.lon, 28.8638);
  EXPECT_EQ(locations[3].settlement, core::Settlement::kRural);
  EXPECT_EQ(locations[3].lat, -12.5);
  EXPECT_EQ(locations[3].lon, -170.0);
  EXPECT_EQ(locations[4].registered_voters, std::nullopt);
  EXPECT_EQ(locations[4].settlement, core::Settlement::kUnknown);
  EXPECT_EQ(locations[4].lat, std::nullopt);
}

TEST(ParseLocationsCsv, AcceptsColumnsInAnyOrder) {
  const auto locations = Locations(
      "lon,parent,registered_voters,lat,name,code\n"
      ",,,,Freedonia,FR\n"
      "28.5,FR,900,47,School,PS-1\n");
  ASSERT_THAT(locations, SizeIs(2));
  EXPECT_EQ(locations[1].code, "PS-1");
  EXPECT_EQ(locations[1].name, "School");
  EXPECT_EQ(locations[1].parent_code, "FR");
  EXPECT_EQ(locations[1].registered_voters, 900);
  EXPECT_EQ(locations[1].lat, 47.0);
  EXPECT_EQ(locations[1].lon, 28.5);
}

TEST(ParseLocationsCsv, AcceptsHeaderOnlyFileAsNoLocations) {
  EXPECT_THAT(Locations(kLocationHeader), SizeIs(0));
}

TEST(ParseLocationsCsv, TakesParentFromMission) {
  const auto locations = Locations("code,name,parent\nPS-1,School,FR-N\n", In({"FR-N"}));
  ASSERT_THAT(locations, SizeIs(1));
  EXPECT_EQ(locations[0].parent_code, "FR-N");
}

TEST(ParseLocationsCsv, TakesParentDefinedLaterInFile) {
  EXPECT_THAT(Locations("code,name,parent\nPS-1,School,FR\nFR,Freedonia,\n"), SizeIs(2));
}

TEST(ParseLocationsCsv, DropsSpacesAroundUnquotedValues) {
  const auto locations = Locations("code , name,parent\n  FR , Freedonia ,\n");
  ASSERT_THAT(locations, SizeIs(1));
  EXPECT_EQ(locations[0].code, "FR");
  EXPECT_EQ(locations[0].name, "Freedonia");
}

TEST(ParseLocationsCsv, SkipsBlankLines) {
  EXPECT_THAT(Locations("code,name,parent\n\nFR,Freedonia,\n   \n\n"), SizeIs(1));
}

TEST(ParseLocationsCsv, RefusesUnknownColumnByName) {
  EXPECT_THAT(LocationProblems("code,name,parent,colour\nFR,Freedonia,,red\n"),
              ElementsAre("stations.csv:1: colour: unknown column; expected code, name, parent, "
                          "registered_voters, urban_rural, lat, lon"));
}

TEST(ParseLocationsCsv, ReportsMissingRequiredColumn) {
  EXPECT_THAT(LocationProblems("code,name\nFR,Freedonia\n"),
              ElementsAre("stations.csv:1: parent: missing required column"));
}

TEST(ParseLocationsCsv, ReportsColumnNamedTwice) {
  EXPECT_THAT(LocationProblems("code,name,parent,name\nFR,Freedonia,,Freedonia\n"),
              ElementsAre("stations.csv:1: name: column appears twice (columns 2 and 4)"));
}

TEST(ParseLocationsCsv, ReportsLatWithoutLonColumn) {
  EXPECT_THAT(LocationProblems("code,name,parent,lat\nFR,Freedonia,,\n"),
              ElementsAre("stations.csv:1: lon: missing column; lat and lon go together"));
}

TEST(ParseLocationsCsv, RejectsEmptyFile) {
  EXPECT_THAT(LocationProblems(""),
              ElementsAre("stations.csv:1: -: the file is empty; expected a header row: code, "
                          "name, parent, registered_voters, urban_rural, lat, lon"));
}

TEST(ParseLocationsCsv, RejectsBadNumber) {
  std::vector<CsvProblem> problems;
  const auto result = ParseLocationsCsv("stations.csv",
                                        "code,name,parent,registered_voters\n"
                                        "FR,Freedonia,,\n"
                                        "PS-1,School,FR,abc\n",
                                        {}, &problems);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result.error().message(), "1 problem in stations.csv");
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_EQ(problems[0].file, "stations.csv");
  EXPECT_EQ(problems[0].line, 3u);
  EXPECT_EQ(problems[0].column, "registered_voters");
  EXPECT_EQ(problems[0].problem, "expected a whole number >= 0, got 'abc'");
  EXPECT_EQ(problems[0].ToString(),
            "stations.csv:3: registered_voters: expected a whole number >= 0, got 'abc'");
}

TEST(ParseLocationsCsv, RejectsNegativeRegisteredVoters) {
  EXPECT_THAT(LocationProblems("code,name,parent,registered_voters\nPS-1,School,,-5\n"),
              ElementsAre("stations.csv:2: registered_voters: expected a whole number >= 0, "
                          "got '-5'"));
}

TEST(ParseLocationsCsv, RejectsLatitudeOutsideRange) {
  EXPECT_THAT(LocationProblems("code,name,parent,lat,lon\nPS-1,School,,90.5,20\n"),
              ElementsAre("stations.csv:2: lat: expected a number from -90 to 90, got '90.5'"));
}

TEST(ParseLocationsCsv, RejectsLongitudeOutsideRange) {
  EXPECT_THAT(LocationProblems("code,name,parent,lat,lon\nPS-1,School,,45,-180.01\n"),
              ElementsAre("stations.csv:2: lon: expected a number from -180 to 180, got "
                          "'-180.01'"));
}

TEST(ParseLocationsCsv, RejectsNonFiniteCoordinate) {
  EXPECT_THAT(LocationProblems("code,name,parent,lat,lon\nPS-1,School,,nan,20\n"),
              ElementsAre("stations.csv:2: lat: expected a number from -90 to 90, got 'nan'"));
}

TEST(ParseLocationsCsv, RejectsLatWithoutLon) {
  EXPECT_THAT(LocationProblems("code,name,parent,lat,lon\nPS-1,School,,45,\n"),
              ElementsAre("stations.csv:2: lon: is empty but lat is given; lat and lon go "
                          "together"));
}

TEST(ParseLocationsCsv, RejectsUnknownSettlement) {
  EXPECT_THAT(LocationProblems("code,name,parent,urban_rural\nPS-1,School,,town\n"),
              ElementsAre("stations.csv:2: urban_rural: expected urban, rural or nothing, got "
                          "'town'"));
}

TEST(ParseLocationsCsv, RejectsEmptyRequiredValue) {
  EXPECT_THAT(LocationProblems("code,name,parent\nFR,,\n"),
              ElementsAre("stations.csv:2: name: required value is empty"));
}

TEST(ParseLocationsCsv, RejectsCodeWithSpaces) {
  EXPECT_THAT(LocationProblems("code,name,parent\nPS 1,School,\n"),
              ElementsAre("stations.csv:2: code: must not contain spaces, got 'PS 1'"));
}

TEST(ParseLocationsCsv, ReportsDuplicateCodeWithBothLines) {
  EXPECT_THAT(LocationProblems("code,name,parent\n"
                               "FR,Freedonia,\n"
                               "PS-1,School,FR\n"
                               "PS-1,Hospital,FR\n"),
              ElementsAre("stations.csv:4: code: duplicate code 'PS-1', first on line 3"));
}

TEST(ParseLocationsCsv, RejectsUnknownParent) {
  EXPECT_THAT(LocationProblems("code,name,parent\nPS-1,School,FR-X\n", In({"FR"})),
              ElementsAre("stations.csv:2: parent: unknown parent 'FR-X': not in this file nor "
                          "in the mission"));
}

TEST(ParseLocationsCsv, RejectsParentCycle) {
  EXPECT_THAT(LocationProblems("code,name,parent\n"
                               "FR,Freedonia,\n"
                               "A,Region A,C\n"
                               "B,Region B,A\n"
                               "C,Region C,B\n"
                               "PS-1,School,B\n"),
              ElementsAre("stations.csv:3: parent: parent cycle: A (line 3) -> C (line 5) -> B "
                          "(line 4) -> A"));
}

TEST(ParseLocationsCsv, RejectsLocationThatIsItsOwnParent) {
  EXPECT_THAT(LocationProblems("code,name,parent\nA,Region A,A\n"),
              ElementsAre("stations.csv:2: parent: parent cycle: A (line 2) -> A"));
}

TEST(ParseLocationsCsv, RejectsStationValuesOnLocationWithChildren) {
  EXPECT_THAT(LocationProblems("code,name,parent,registered_voters\n"
                               "FR,Freedonia,,5000\n"
                               "PS-1,School,FR,100\n"),
              ElementsAre("stations.csv:2: registered_voters: must be empty: 'FR' is not a "
                          "polling station, it is the parent of 'PS-1' (line 3)"));
}

TEST(ParseLocationsCsv, RejectsRowWithWrongNumberOfFields) {
  EXPECT_THAT(LocationProblems("code,name,parent\n"
                               "FR,Freedonia,\n"
                               "PS-1,School, Main street,FR\n"
                               "PS-2,Hall\n"),
              ElementsAre("stations.csv:3: -: expected 3 fields as in the header, got 4",
                          "stations.csv:4: -: expected 3 fields as in the header, got 2"));
}

TEST(ParseLocationsCsv, SparesChildrenOfMisshapenRowUnknownParentProblems) {
  EXPECT_THAT(LocationProblems("code,name,parent\n"
                               "FR,Freedonia,,\n"
                               "PS-1,School,FR\n"),
              ElementsAre("stations.csv:2: -: expected 3 fields as in the header, got 4"));
}

TEST(ParseLocationsCsv, ListsEveryProblemInLineOrder) {
  EXPECT_THAT(LocationProblems("code,name,parent,registered_voters\n"
                               "FR,Freedonia,,\n"
                               "PS-1,,FR,x\n"
                               "PS-2,Hall,XX,\n"
                               "PS-1,Hospital,FR,7\n"),
              ElementsAre("stations.csv:3: name: required value is empty",
                          "stations.csv:3: registered_voters: expected a whole number >= 0, got "
                          "'x'",
                          "stations.csv:4: parent: unknown parent 'XX': not in this file nor in "
                          "the mission",
                          "stations.csv:5: code: duplicate code 'PS-1', first on line 3"));
}

TEST(ParseLocationsCsv, KeepsQuotedCommasQuotesAndLineBreaks) {
  const auto locations = Locations(
      "code,name,parent\n"
      "FR,\"Freedonia, Republic of\",\n"
      "PS-1,\"School \"\"Lenin\"\"\nMain hall\",FR\n"
      "PS-2,\"Hall\n\nwest wing\",FR\n"
      "PS-3,Library,FR\n");
  ASSERT_THAT(locations, SizeIs(4));
  EXPECT_EQ(locations[0].name, "Freedonia, Republic of");
  EXPECT_EQ(locations[1].name, "School \"Lenin\"\nMain hall");
  EXPECT_EQ(locations[2].name, "Hall\n\nwest wing");
  EXPECT_EQ(locations[3].name, "Library");
}

TEST(ParseLocationsCsv, CountsLinesInsideQuotedFields) {
  // PS-1 spans lines 3-4 and PS-2 lines 5-7, so PS-3 starts on line 8.
  EXPECT_THAT(LocationProblems("code,name,parent\n"
                               "FR,\"Freedonia, Republic of\",\n"
                               "PS-1,\"School \"\"Lenin\"\"\nMain hall\",FR\n"
                               "PS-2,\"Hall\n\nwest wing\",FR\n"
                               "PS-3,Library,XX\n"),
              ElementsAre("stations.csv:8: parent: unknown parent 'XX': not in this file nor in "
                          "the mission"));
}

TEST(ParseLocationsCsv, NamesLineWhereMultiLineRecordStarts) {
  EXPECT_THAT(LocationProblems("code,name,parent\n"
                               "PS-1,\"School\nMain hall\",XX\n"),
              ElementsAre("stations.csv:2: parent: unknown parent 'XX': not in this file nor in "
                          "the mission"));
}

TEST(ParseLocationsCsv, AcceptsCrlfLineEndings) {
  const auto locations =
      Locations("code,name,parent\r\nFR,Freedonia,\r\nPS-1,\"School\r\nMain hall\",FR\r\n");
  ASSERT_THAT(locations, SizeIs(2));
  EXPECT_EQ(locations[0].name, "Freedonia");
  EXPECT_EQ(locations[1].parent_code, "FR");
  EXPECT_EQ(locations[1].name, "School\r\nMain hall");
}

TEST(ParseLocationsCsv, CountsCrlfLines) {
  EXPECT_THAT(LocationProblems("code,name,parent\r\nFR,Freedonia,\r\n\r\nPS-1,School,XX\r\n"),
              ElementsAre("stations.csv:4: parent: unknown parent 'XX': not in this file nor in "
                          "the mission"));
}

TEST(ParseLocationsCsv, SkipsByteOrderMark) {
  const auto locations = Locations(
      "\xEF\xBB\xBF"
      "code,name,parent\nFR,Freedonia,\n");
  ASSERT_THAT(locations, SizeIs(1));
  EXPECT_EQ(locations[0].code, "FR");
}

TEST(ParseLocationsCsv, AcceptsFinalLineWithoutLineBreak) {
  EXPECT_THAT(Locations("code,name,parent\nFR,Freedonia,"), SizeIs(1));
}

TEST(ParseLocationsCsv, ReportsInvalidUtf8WithColumnAndByte) {
  // Bytes count from 0: "code,name,parent\n" is 0-16 and "FR,Fr" 17-21.
  EXPECT_THAT(LocationProblems("code,name,parent\nFR,Fr\xE9"
                               "edonia,\n"),
              ElementsAre("stations.csv:2: name: invalid UTF-8 at byte 22"));
}

TEST(ParseLocationsCsv, ReportsInvalidUtf8OncePerField) {
  EXPECT_THAT(LocationProblems("code,name,parent\nFR,\xE9\xE9,\xFF\n"),
              ElementsAre("stations.csv:2: name: invalid UTF-8 at byte 20",
                          "stations.csv:2: parent: invalid UTF-8 at byte 23"));
}

TEST(ParseLocationsCsv, ReportsInvalidUtf8InHeaderWithoutColumn) {
  EXPECT_THAT(LocationProblems("code,name,parent,\xC0\n"),
              ElementsAre("stations.csv:1: -: invalid UTF-8 at byte 17"));
}

TEST(ParseLocationsCsv, CountsByteOffsetFromStartOfFileIncludingBom) {
  EXPECT_THAT(LocationProblems("\xEF\xBB\xBF"
                               "code,name,parent\nFR,\xE9,\n"),
              ElementsAre("stations.csv:2: name: invalid UTF-8 at byte 23"));
}

TEST(ParseLocationsCsv, RejectsUnterminatedQuote) {
  EXPECT_THAT(LocationProblems("code,name,parent\n"
                               "FR,Freedonia,\n"
                               "PS-1,\"School,FR\n"
                               "PS-2,Hall,FR\n"),
              ElementsAre("stations.csv:3: name: quoted field is never closed (its closing quote "
                          "is missing)"));
}

TEST(ParseLocationsCsv, RejectsQuoteInsideUnquotedField) {
  EXPECT_THAT(LocationProblems("code,name,parent\n"
                               "FR,Freedonia,\n"
                               "PS-1,School \"Lenin\",FR\n"
                               "PS-2,Hall,XX\n"),
              ElementsAre("stations.csv:3: name: quote inside an unquoted field (quote the whole "
                          "field and write each quote inside it twice: \"\")",
                          "stations.csv:4: parent: unknown parent 'XX': not in this file nor in "
                          "the mission"));
}

TEST(ParseLocationsCsv, RejectsTextAfterClosingQuote) {
  EXPECT_THAT(LocationProblems("code,name,parent\n"
                               "PS-1,\"School\nNo. 1\" annex,\n"),
              ElementsAre("stations.csv:2: name: unexpected text after the closing quote of a "
                          "quoted field (a quote inside a quoted field is written twice: \"\") "
                          "on line 3"));
}

TEST(ParseLocationsCsv, ReadsNoRowsAfterMalformedHeader) {
  EXPECT_THAT(LocationProblems("code,\"name\"x,parent\n"
                               "FR,Freedonia,\n"),
              ElementsAre("stations.csv:1: -: unexpected text after the closing quote of a "
                          "quoted field (a quote inside a quoted field is written twice: \"\")"));
}

TEST(ParseLocationsCsv, QuotesControlCharactersInMessages) {
  EXPECT_THAT(LocationProblems("code,name,parent\nPS-1,School,\"X\nY\"\n"),
              ElementsAre("stations.csv:2: parent: unknown parent 'X\\nY': not in this file nor "
                          "in the mission"));
}

TEST(ParseLocationsCsv, CapsProblemListAtOneThousand) {
  std::string content(kLocationHeader);
  for (int i = 0; i < 1005; ++i) content += "PS-" + std::to_string(i) + ",,\n";
  std::vector<CsvProblem> problems;
  const auto result = ParseLocationsCsv("stations.csv", content, {}, &problems);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message(), "1005 problems in stations.csv");
  ASSERT_THAT(problems, SizeIs(kMaxCsvProblems + 1));
  EXPECT_EQ(problems[999].ToString(), "stations.csv:1001: name: required value is empty");
  EXPECT_EQ(problems[1000].ToString(), "stations.csv: ... and 5 more");
}

TEST(ParseLocationsCsv, AcceptsNullProblemList) {
  const auto result = ParseLocationsCsv("stations.csv", "code,name\n", {}, nullptr);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message(), "1 problem in stations.csv");
}

// 200,000 stations under 1,000 districts under 10 regions, built in memory.
TEST(ParseLocationsCsv, ParsesTwoHundredThousandStations) {
  constexpr int kRegions = 10;
  constexpr int kDistrictsPerRegion = 100;
  constexpr int kStationsPerDistrict = 200;
  std::string content = "code,name,parent,registered_voters,urban_rural,lat,lon\n";
  content.reserve(16 << 20);
  char line[160];
  for (int r = 0; r < kRegions; ++r) {
    std::snprintf(line, sizeof line, "R%d,Region %d,,,,,\n", r, r);
    content += line;
    for (int d = 0; d < kDistrictsPerRegion; ++d) {
      std::snprintf(line, sizeof line, "R%d-D%d,\"District %d, region %d\",R%d,,,,\n", r, d, d, r,
                    r);
      content += line;
      for (int s = 0; s < kStationsPerDistrict; ++s) {
        std::snprintf(line, sizeof line,
                      "R%d-D%d-PS%d,Polling station %d,R%d-D%d,%d,%s,%.4f,%.4f\n", r, d, s, s, r, d,
                      500 + s, s % 3 == 0 ? "rural" : "urban", 40 + s * 0.01, 20 + d * 0.01);
        content += line;
      }
    }
  }

  const auto start = std::chrono::steady_clock::now();
  std::vector<CsvProblem> problems;
  const auto result = ParseLocationsCsv("stations.csv", content, {}, &problems);
  const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  std::printf("parsed %zu bytes in %.3f s\n", content.size(), elapsed.count());

  ASSERT_TRUE(result.has_value()) << ::testing::PrintToString(Strings(problems));
  EXPECT_THAT(*result, SizeIs(kRegions + kRegions * kDistrictsPerRegion +
                              kRegions * kDistrictsPerRegion * kStationsPerDistrict));
  std::size_t stations = 0;
  for (const core::Location& l : *result) stations += l.registered_voters.has_value();
  EXPECT_EQ(stations, 200'000u);
  EXPECT_EQ(result->back().code, "R9-D99-PS199");
  EXPECT_EQ(result->back().parent_code, "R9-D99");
}

// ---------------------------------------------------------------- observers

constexpr std::string_view kObserverHeader = "code,name,phone,role,stations\n";

const CodeSet kStations = {"PS-1", "PS-2", "PS-3"};

TEST(ParseObserversCsv, ParsesObserversWithOptionalColumns) {
  std::vector<CsvProblem> problems;
  const auto result =
      ParseObserversCsv("observers.csv",
                        "team,code,name,phone,role,stations,language\n"
                        "T1,O-1,Anna Novak,+37369123456 +37379000111,sto,PS-1 PS-2,en\n"
                        "T1,O-2,\"O'Brien, Sean\",+37369000222,STO,  PS-3 ,en-GB\n"
                        ",O-3,Mira Lee,+4915112345678,coordinator,,\n",
                        In(kStations), &problems);
  ASSERT_TRUE(result.has_value()) << ::testing::PrintToString(Strings(problems));
  ASSERT_THAT(*result, SizeIs(3));
  const core::Observer& anna = (*result)[0];
  EXPECT_EQ(anna.code, "O-1");
  EXPECT_EQ(anna.name, "Anna Novak");
  EXPECT_THAT(anna.phones, ElementsAre("+37369123456", "+37379000111"));
  EXPECT_EQ(anna.role, core::ObserverRole::kShortTerm);
  EXPECT_EQ(anna.team, "T1");
  EXPECT_EQ(anna.language, "en");
  EXPECT_THAT(anna.stations, ElementsAre("PS-1", "PS-2"));
  EXPECT_EQ((*result)[1].name, "O'Brien, Sean");
  EXPECT_THAT((*result)[1].stations, ElementsAre("PS-3"));
  EXPECT_EQ((*result)[1].language, "en-GB");
  EXPECT_EQ((*result)[2].role, core::ObserverRole::kCoordinator);
  EXPECT_THAT((*result)[2].stations, SizeIs(0));
  EXPECT_EQ((*result)[2].team, "");
}

TEST(ParseObserversCsv, RejectsUnknownStation) {
  EXPECT_THAT(
      ObserverProblems(std::string(kObserverHeader) + "O-1,Anna,+37369123456,STO,PS-1 PS-9\n",
                       In(kStations)),
      ElementsAre("observers.csv:2: stations: 'PS-9' is not a polling station of the "
                  "mission"));
}

TEST(ParseObserversCsv, RejectsStationCodeThatIsNotAStation) {
  // FR-N exists in the mission but has children, so is_station says no.
  EXPECT_THAT(ObserverProblems(std::string(kObserverHeader) + "O-1,Anna,+37369123456,LTO,FR-N\n",
                               In(kStations)),
              ElementsAre("observers.csv:2: stations: 'FR-N' is not a polling station of the "
                          "mission"));
}

TEST(ParseObserversCsv, RejectsStationListedTwice) {
  EXPECT_THAT(
      ObserverProblems(std::string(kObserverHeader) + "O-1,Anna,+37369123456,STO,PS-1 PS-1\n",
                       In(kStations)),
      ElementsAre("observers.csv:2: stations: 'PS-1' is listed twice"));
}

TEST(ParseObserversCsv, RejectsBadRole) {
  EXPECT_THAT(
      ObserverProblems(std::string(kObserverHeader) + "O-1,Anna,+37369123456,observer,PS-1\n",
                       In(kStations)),
      ElementsAre("observers.csv:2: role: expected STO, LTO, core or coordinator, got "
                  "'observer'"));
}

TEST(ParseObserversCsv, RejectsShortTermObserverWithoutStations) {
  EXPECT_THAT(ObserverProblems(std::string(kObserverHeader) + "O-1,Anna,+37369123456,STO,\n",
                               In(kStations)),
              ElementsAre("observers.csv:2: stations: required value is empty: an STO needs at "
                          "least one station"));
}

TEST(ParseObserversCsv, RejectsBadPhoneNumber) {
  EXPECT_THAT(
      ObserverProblems(std::string(kObserverHeader) + "O-1,Anna,+37369123456 069-123,STO,PS-1\n",
                       In(kStations)),
      ElementsAre("observers.csv:2: phone: expected phone numbers such as +37369123456, "
                  "separated by spaces, got '069-123'"));
}

TEST(ParseObserversCsv, RejectsMissingPhone) {
  EXPECT_THAT(
      ObserverProblems(std::string(kObserverHeader) + "O-1,Anna,,STO,PS-1\n", In(kStations)),
      ElementsAre("observers.csv:2: phone: required value is empty"));
}

TEST(ParseObserversCsv, RejectsBadLanguageTag) {
  EXPECT_THAT(ObserverProblems("code,name,phone,role,stations,language\n"
                               "O-1,Anna,+37369123456,STO,PS-1,English\n",
                               In(kStations)),
              ElementsAre("observers.csv:2: language: expected a language tag such as en or ru, "
                          "got 'English'"));
}

TEST(ParseObserversCsv, ReportsDuplicateCodeWithBothLines) {
  EXPECT_THAT(ObserverProblems(std::string(kObserverHeader) + "O-1,Anna,+37369123456,STO,PS-1\n"
                                                              "O-1,Boris,+37369123457,STO,PS-2\n",
                               In(kStations)),
              ElementsAre("observers.csv:3: code: duplicate code 'O-1', first on line 2"));
}

TEST(ParseObserversCsv, RefusesUnknownColumnByName) {
  EXPECT_THAT(ObserverProblems("code,name,phone,role,stations,email\n", In(kStations)),
              ElementsAre("observers.csv:1: email: unknown column; expected code, name, phone, "
                          "role, stations, team, language"));
}

}  // namespace
}  // namespace vigil::ingest
