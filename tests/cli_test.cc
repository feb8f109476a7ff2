// End-to-end tests of the `vigil` command line: each test runs the real
// binary (RunVigil) on a mission in a temporary directory and checks its exit
// code, standard output and standard error. Input files are in tests/data.
#include "cli/cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/json.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ingest/xlsx.h"
#include "service/admin.h"
#include "service/field_credentials.h"
#include "service/mission_service.h"
#include "support/test_certificate.h"
#include "support/test_mission.h"
#include "support/vigil_process.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;
using cli::kExitBadInput;
using cli::kExitNotFound;
using cli::kExitOk;
using cli::kExitTampered;
using cli::kExitUsage;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string TestData(const std::string& name) {
  return std::string(VIGIL_TEST_DATA_DIR) + "/" + name;
}

// Splits `text` at each `separator`; a trailing separator ends the last part.
std::vector<std::string> Split(const std::string& text, const std::string& separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(separator, start);
    if (end == std::string::npos) end = text.size();
    parts.push_back(text.substr(start, end - start));
    start = end + separator.size();
  }
  return parts;
}

// Shows a child's output when an expectation about it fails.
std::string Describe(const ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout:\n" + r.out + "--- stderr:\n" +
         r.err;
}

// A fresh, empty temporary directory; Data() is where the mission goes.
class CliTest : public ::testing::Test {
 protected:
  std::string Data() const { return dir_.path() + "/mission"; }

  // `vigil init` on Data(); fails the test if it does not succeed.
  void Init() {
    const ProcessResult r = RunVigil({"init", "--data", Data()});
    ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  }

  ProcessResult Import(const std::string& kind, const std::string& file) {
    return RunVigil({"import", kind, file, "--data", Data()});
  }

  TempDir dir_;
};

// ------------------------------------------------------------------ general

TEST(Cli, HelpListsEverySubcommandAndExitsOk) {
  const ProcessResult r = RunVigil({"--help"});
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  for (const char* command :
       {"init", "serve", "import", "export", "token", "audit", "demo", "forensics", "results",
        "pvt", "user", "observer", "forms", "report"}) {
    EXPECT_TRUE(std::regex_search(r.out, std::regex(std::string("\n +") + command + " ")))
        << command << " missing from:\n"
        << r.out;
  }
  EXPECT_THAT(r.out, HasSubstr("Exit codes: 0 ok, 1 failure, 2 bad command line, 3 input refused"));
}

TEST(Cli, UnknownSubcommandExitsUsage) {
  const ProcessResult r = RunVigil({"frobnicate"});
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
  // CLI11 reports the missing subcommand rather than the unknown word.
  EXPECT_THAT(r.err, HasSubstr("Run with --help for more information."));
  EXPECT_EQ(r.out, "");
}

TEST(Cli, NoSubcommandExitsUsage) {
  const ProcessResult r = RunVigil({});
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("A subcommand is required"));
}

TEST_F(CliTest, EveryCommandOnAMissingMissionExitsNotFoundAndSuggestsInit) {
  const std::vector<std::vector<std::string>> commands = {
      {"import", "stations", TestData("stations_good.csv")},
      {"import", "observers", TestData("observers_good.csv")},
      {"export", "submissions"},
      {"token", "create", "--role", "admin"},
      {"audit", "verify"},
      {"import", "results", TestData("ru_cec_2011_excerpt.csv.zip"), "--name", "x"},
      {"results", "list"},
      {"observer", "list-credentials"},
      {"forms", "list"},
      {"forms", "import", TestData("xlsform/observer_checklist.xlsx")},
      {"report", "statement"},
  };
  for (std::vector<std::string> args : commands) {
    SCOPED_TRACE(args[0] + " " + args[1]);
    args.insert(args.end(), {"--data", Data()});
    const ProcessResult r = RunVigil(args);
    EXPECT_EQ(r.exit_code, kExitNotFound) << Describe(r);
    EXPECT_EQ(r.err, "vigil: data directory " + Data() +
                         " does not exist (run `vigil init --data " + Data() + "` first)\n");
    EXPECT_EQ(r.out, "");
  }
  EXPECT_FALSE(std::filesystem::exists(Data()));
}

TEST_F(CliTest, EmptyDataDirectoryIsNotAMissionAndIsLeftEmpty) {
  std::filesystem::create_directories(Data());
  const ProcessResult r = Import("stations", TestData("stations_good.csv"));
  EXPECT_EQ(r.exit_code, kExitNotFound) << Describe(r);
  EXPECT_THAT(r.err, StartsWith("vigil: no vigil store at " + Data() + "/vigil.db"));
  EXPECT_THAT(r.err, HasSubstr("run `vigil init --data DIR` first"));
  EXPECT_TRUE(std::filesystem::is_empty(Data()));
}

// --------------------------------------------------------------------- init

TEST_F(CliTest, InitCreatesTheMission) {
  const ProcessResult r = RunVigil({"init", "--data", Data(), "--name", "Test election"});
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, StartsWith("Created mission \"Test election\" in " + Data() +
                                " with the default forms.\n"));
  EXPECT_TRUE(std::filesystem::exists(Data() + "/vigil.db"));
  auto store = storage::OpenStore({.data_dir = Data(), .create = false});
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  auto election = (*store)->GetElection();
  ASSERT_TRUE(election.has_value());
  EXPECT_EQ(election->name, "Test election");
  auto forms = (*store)->ListForms();
  ASSERT_TRUE(forms.has_value());
  EXPECT_FALSE(forms->empty());
}

TEST_F(CliTest, InitWithoutATerminalGeneratesTheAdminPasswordAndPrintsItOnce) {
  const ProcessResult r = RunVigil({"init", "--data", Data()});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(r.out, m, std::regex(R"(Administrator "admin" has the password (\S+) )")))
      << r.out;
  auto store = storage::OpenStore({.data_dir = Data(), .create = false});
  ASSERT_TRUE(store.has_value());
  auto admin = (*store)->FindUser("admin");
  ASSERT_TRUE(admin.has_value() && admin->has_value());
  EXPECT_EQ((*admin)->role, core::Role::kAdmin);
  EXPECT_TRUE(VerifyPassword((*admin)->password_hash, m[1].str()));
}

TEST_F(CliTest, UsersAreAddedListedChangedAndDisabled) {
  const std::string password = dir_.path() + "/password";
  WriteFile(password, "first admin secret\n");
  ASSERT_EQ(
      RunVigil({"init", "--data", Data(), "--admin", "root", "--admin-password-file", password})
          .exit_code,
      kExitOk);
  WriteFile(password, "analyst secret 1\n");
  const ProcessResult add = RunVigil(
      {"user", "add", "ana", "--role", "analyst", "--password-file", password, "--data", Data()});
  ASSERT_EQ(add.exit_code, kExitOk) << Describe(add);
  EXPECT_EQ(add.out, "User ana (analyst) added.\n");
  EXPECT_EQ(RunVigil({"user", "add", "ana", "--role", "viewer", "--password-file", password,
                      "--data", Data()})
                .exit_code,
            kExitBadInput);
  WriteFile(password, "short\n");
  const ProcessResult weak = RunVigil(
      {"user", "add", "bo", "--role", "viewer", "--password-file", password, "--data", Data()});
  EXPECT_EQ(weak.exit_code, kExitBadInput) << Describe(weak);
  EXPECT_THAT(weak.err, HasSubstr("at least 10 characters"));
  WriteFile(password, "a new analyst secret\n");
  ASSERT_EQ(
      RunVigil({"user", "passwd", "ana", "--password-file", password, "--data", Data()}).exit_code,
      kExitOk);
  ASSERT_EQ(RunVigil({"user", "disable", "ana", "--data", Data()}).exit_code, kExitOk);
  EXPECT_EQ(RunVigil({"user", "disable", "ana", "--data", Data()}).exit_code, kExitBadInput);

  const ProcessResult list = RunVigil({"user", "list", "--data", Data()});
  ASSERT_EQ(list.exit_code, kExitOk) << Describe(list);
  const auto lines = Split(list.out, "\n");
  ASSERT_EQ(lines.size(), 3u) << list.out;  // header, root, ana (no bo)
  EXPECT_TRUE(std::regex_search(lines[1], std::regex(R"(^ +1  root +admin +- +\S+Z +-$)")))
      << lines[1];
  EXPECT_TRUE(std::regex_search(lines[2], std::regex(R"(^ +2  ana +analyst +- +\S+Z +\S+Z$)")))
      << lines[2];
  auto store = storage::OpenStore({.data_dir = Data(), .create = false});
  ASSERT_TRUE(store.has_value());
  const auto ana = (*store)->FindUser("ana");
  EXPECT_TRUE(VerifyPassword((*ana)->password_hash, "a new analyst secret"));
  EXPECT_FALSE(VerifyPassword((*ana)->password_hash, "analyst secret 1"));
  EXPECT_TRUE(VerifyPassword((*(*store)->FindUser("root"))->password_hash, "first admin secret"));
}

TEST_F(CliTest, InitWithABadAdminNameOrPasswordCreatesNothing) {
  const std::string password = dir_.path() + "/password";
  WriteFile(password, "long enough secret\n");
  const ProcessResult name =
      RunVigil({"init", "--data", Data(), "--admin", "not ok", "--admin-password-file", password});
  EXPECT_EQ(name.exit_code, kExitBadInput) << Describe(name);
  EXPECT_THAT(name.err, HasSubstr("user name 'not ok'"));
  WriteFile(password, "short\n");
  const ProcessResult weak =
      RunVigil({"init", "--data", Data(), "--admin-password-file", password});
  EXPECT_EQ(weak.exit_code, kExitBadInput) << Describe(weak);
  EXPECT_FALSE(std::filesystem::exists(Data() + "/vigil.db"));
}

TEST_F(CliTest, SecondInitExitsBadInputAndKeepsTheMission) {
  ASSERT_NO_FATAL_FAILURE(Init());
  ASSERT_EQ(Import("stations", TestData("stations_good.csv")).exit_code, kExitOk);
  const ProcessResult r = RunVigil({"init", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_EQ(r.err, "vigil: " + Data() + " already holds a mission (vigil.db exists)\n");
  auto store = storage::OpenStore({.data_dir = Data(), .create = false});
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ((*store)->ListLocations()->size(), 7u);
}

// ------------------------------------------------------------------- import

TEST_F(CliTest, ResultsCheckAndDiffNameTheStationsAndFigures) {
  ASSERT_NO_FATAL_FAILURE(Init());
  const std::string official = dir_.path() + "/official.csv";
  const std::string copies = dir_.path() + "/copies.csv";
  WriteFile(official,
            "station,area:district,registered,issued,in_boxes,valid,invalid,vote:A,vote:B\n"
            "PS-1,D1,1000,600,600,590,10,400,190\n"
            "PS-2,D1,800,500,500,495,5,300,196\n"  // 300 + 196 != 495
            "PS-3,D2,900,450,450,440,10,200,240\n");
  WriteFile(copies,
            "station,area:district,registered,issued,in_boxes,valid,invalid,vote:A,vote:B\n"
            "PS-1,D1,1000,600,600,590,10,350,240\n"
            "PS-2,D1,800,500,500,495,5,300,196\n");
  for (const auto& [file, name] : {std::pair{official, "official"}, std::pair{copies, "copies"}}) {
    ASSERT_EQ(RunVigil({"import", "results", file, "--name", name, "--data", Data()}).exit_code,
              kExitOk);
  }
  const ProcessResult check =
      RunVigil({"results", "check", "official", "--by", "district", "--data", Data()});
  ASSERT_EQ(check.exit_code, kExitOk) << Describe(check);
  EXPECT_TRUE(std::regex_search(check.out, std::regex(R"(valid = sum of votes +3 +1\n)")))
      << check.out;
  const ProcessResult failing =
      RunVigil({"results", "check", "official", "--csv", "-", "--data", Data()});
  EXPECT_EQ(failing.out,
            "station,district,relation,left,right,difference\r\n"
            "PS-2,D1,valid_sum_of_votes,495,496,-1\r\n");

  const ProcessResult diff =
      RunVigil({"results", "diff", "official", "copies", "--by", "district", "--data", Data()});
  ASSERT_EQ(diff.exit_code, kExitOk) << Describe(diff);
  EXPECT_TRUE(std::regex_search(diff.out, std::regex(R"(all stations +1 +1 +1 +0 +100\n)")))
      << diff.out;
  const ProcessResult rows =
      RunVigil({"results", "diff", "official", "copies", "--csv", "-", "--data", Data()});
  EXPECT_EQ(rows.out,
            "station,area,match,figure,a,b,change\r\n"
            "PS-1,,differs,A,400,350,-50\r\n"
            "PS-1,,differs,B,190,240,50\r\n"
            "PS-3,,only_in_a,,,,\r\n");
  EXPECT_EQ(RunVigil({"results", "diff", "official", "nope", "--data", Data()}).exit_code,
            kExitNotFound);
}

// ---------------------------------------------------------------------- pvt

TEST(CliPvt, SizeGivesBothFormulas) {
  const ProcessResult r =
      RunVigil({"pvt", "size", "--voters", "14570774", "--stations", "91000", "--margin", "0.0032",
                "--z", "2.58", "--voters-per-station", "160"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("160717 voters, 1005 stations"));
  const ProcessResult s =
      RunVigil({"pvt", "size", "--voters", "2680500", "--stations", "5361", "--margin", "0.03"});
  EXPECT_THAT(s.out, HasSubstr("sampler (rsampcalc, stations as units): 890 stations"));
  const ProcessResult bad =
      RunVigil({"pvt", "size", "--voters", "1000", "--stations", "10", "--margin", "2"});
  EXPECT_EQ(bad.exit_code, kExitBadInput) << Describe(bad);
  EXPECT_THAT(bad.err, HasSubstr("margin"));
}

TEST_F(CliTest, PvtDrawFromTheMissionIsReproducibleAndStratifies) {
  ASSERT_NO_FATAL_FAILURE(Init());
  ASSERT_EQ(Import("stations", TestData("stations_good.csv")).exit_code, kExitOk);
  const std::vector<std::string> args = {"pvt",        "draw", "--seed", "5",
                                         "--sample",   "2",    "--by",   "urban-rural",
                                         "--reserves", "1",    "--data", Data()};
  const ProcessResult a = RunVigil(args);
  const ProcessResult b = RunVigil(args);
  ASSERT_EQ(a.exit_code, kExitOk) << Describe(a);
  EXPECT_EQ(a.out, b.out);
  const auto lines = Split(a.out, "\r\n");
  EXPECT_EQ(lines[0], "station,stratum,role,rank,stratum_stations,stratum_registered,seed");
  // 3 stations: PS-002 rural, PS-001 and PS-003 urban; 2 sampled, 1 reserve.
  EXPECT_THAT(a.out, HasSubstr(",rural,sample,1,1,340,5\r\n"));
  EXPECT_THAT(a.out, HasSubstr(",urban,sample,1,2,2000,5\r\n"));
  EXPECT_THAT(a.out, HasSubstr(",urban,reserve,1,2,2000,5\r\n"));
  const ProcessResult by_depth =
      RunVigil({"pvt", "draw", "--seed", "5", "--sample", "2", "--by", "0", "--data", Data()});
  EXPECT_THAT(by_depth.out, HasSubstr(",R1,sample,1,2,1540,5"));
  EXPECT_THAT(by_depth.out, HasSubstr(",R2,sample,1,1,800,5"));
}

TEST_F(CliTest, PvtEstimateFromADrawnSampleComparesWithTheOfficialSet) {
  ASSERT_NO_FATAL_FAILURE(Init());
  const std::string results = TestData("ru_cec_2011_excerpt.csv.zip");
  ASSERT_EQ(RunVigil({"import", "results", results, "--format", "ru-cec", "--name", "official",
                      "--data", Data()})
                .exit_code,
            kExitOk);
  const std::string sample = dir_.path() + "/sample.csv";
  const ProcessResult draw = RunVigil({"pvt", "draw", results, "--format", "ru-cec", "--by", "tik",
                                       "--seed", "9", "--sample", "20", "--output", sample});
  ASSERT_EQ(draw.exit_code, kExitOk) << Describe(draw);
  const std::string json = dir_.path() + "/estimate.json";
  const ProcessResult r =
      RunVigil({"pvt", "estimate", sample, results, "--format", "ru-cec", "--official-set",
                "official", "--data", Data(), "--json", json});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("20 of 20 sampled stations reported (100.0%)"));
  const auto v = boost::json::parse(ReadFile(json));
  EXPECT_EQ(v.at("seed"), 9);
  EXPECT_EQ(v.at("sampled"), 20);
  const auto& estimates = v.at("estimates").as_array();
  ASSERT_EQ(estimates.size(), 9u);  // 7 parties, turnout, invalid
  for (const auto& e : estimates) {
    EXPECT_TRUE(e.as_object().contains("official")) << e;
    EXPECT_GT(e.at("margin95").to_number<double>(), 0) << e;
  }
}

TEST_F(CliTest, PvtEstimateNamesTheLineOfABadSample) {
  const std::string sample = dir_.path() + "/sample.csv";
  WriteFile(sample,
            "station,stratum,role,rank,stratum_stations,stratum_registered,seed\n"
            "A,,sample,1,10,1000,4\n"
            "B,,spare,2,10,1000,4\n");
  const ProcessResult r = RunVigil(
      {"pvt", "estimate", sample, TestData("ru_cec_2011_excerpt.csv.zip"), "--format", "ru-cec"});
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr(sample + ":3: role: expected sample or reserve, got 'spare'"));
}

// ------------------------------------------------------------------ results

TEST_F(CliTest, ImportResultsReportsMatchedAndUnmatchedStations) {
  ASSERT_NO_FATAL_FAILURE(Init());
  ASSERT_EQ(Import("stations", TestData("stations_good.csv")).exit_code, kExitOk);
  const std::string file = dir_.path() + "/official.csv";
  WriteFile(file,
            "station,area:region,registered,issued,valid,invalid,vote:A,vote:B\n"
            "PS-001,R1,1200,700,690,10,400,290\n"
            "PS-002,R1,340,200,196,4,100,96\n"
            "PS-999,R2,800,500,490,10,250,240\n");
  const ProcessResult r =
      RunVigil({"import", "results", file, "--name", "preliminary", "--data", Data()});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("Imported result set 'preliminary': 3 stations from " + file));
  EXPECT_THAT(r.out, HasSubstr("2 match the mission's polling stations; 1 do not:\n  PS-999\n"));

  auto store = storage::OpenStore({.data_dir = Data(), .create = false});
  ASSERT_TRUE(store.has_value());
  auto table = (*store)->GetResultSet("preliminary");
  ASSERT_TRUE(table.has_value()) << table.error().ToString();
  ASSERT_EQ(table->stations.size(), 3u);
  EXPECT_EQ(table->contestants, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(table->stations[2].votes, (std::vector<std::int64_t>{250, 240}));
}

TEST_F(CliTest, ImportResultsKeepsSetsApartAndListsThem) {
  ASSERT_NO_FATAL_FAILURE(Init());
  const std::string file = TestData("ru_cec_2011_excerpt.csv.zip");
  for (const char* name : {"preliminary", "final"}) {
    const ProcessResult r = RunVigil(
        {"import", "results", file, "--format", "ru-cec", "--name", name, "--data", Data()});
    ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  }
  const ProcessResult again = RunVigil(
      {"import", "results", file, "--format", "ru-cec", "--name", "final", "--data", Data()});
  EXPECT_EQ(again.exit_code, kExitBadInput) << Describe(again);
  EXPECT_THAT(again.err, HasSubstr("a result set named 'final' exists already"));

  const ProcessResult list = RunVigil({"results", "list", "--data", Data()});
  ASSERT_EQ(list.exit_code, kExitOk) << Describe(list);
  const auto lines = Split(list.out, "\n");
  ASSERT_GE(lines.size(), 3u) << list.out;
  EXPECT_THAT(lines[1], StartsWith("preliminary"));
  EXPECT_THAT(lines[2], StartsWith("final"));
  EXPECT_THAT(lines[1], HasSubstr("ru-cec"));
}

TEST_F(CliTest, ImportOfABadResultsFileExitsBadInputAndStoresNothing) {
  ASSERT_NO_FATAL_FAILURE(Init());
  const std::string file = dir_.path() + "/bad.csv";
  WriteFile(file, "station,registered,vote:A\nPS-001,many,3\n");
  const ProcessResult r =
      RunVigil({"import", "results", file, "--name", "preliminary", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr(file + ":2"));
  const ProcessResult list = RunVigil({"results", "list", "--data", Data()});
  EXPECT_THAT(list.out, HasSubstr("No result sets yet"));
}

TEST_F(CliTest, ImportStationsReportsHowManyLocations) {
  ASSERT_NO_FATAL_FAILURE(Init());
  const std::string file = TestData("stations_good.csv");
  const ProcessResult r = Import("stations", file);
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_EQ(r.out, "Imported 7 locations from " + file + ".\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(CliTest, ImportStationsStoresTheHierarchy) {
  ASSERT_NO_FATAL_FAILURE(Init());
  ASSERT_EQ(Import("stations", TestData("stations_good.csv")).exit_code, kExitOk);
  auto store = storage::OpenStore({.data_dir = Data(), .create = false});
  ASSERT_TRUE(store.has_value());
  auto locations = (*store)->ListLocations();
  ASSERT_TRUE(locations.has_value());
  ASSERT_EQ(locations->size(), 7u);
  const auto school = std::find_if(locations->begin(), locations->end(),
                                   [](const core::Location& l) { return l.code == "PS-001"; });
  ASSERT_NE(school, locations->end());
  EXPECT_EQ(school->name, "School No. 1, Main St");
  EXPECT_EQ(school->parent_code, "R1-D1");
  EXPECT_EQ(school->registered_voters, 1200);
  EXPECT_EQ(school->settlement, core::Settlement::kUrban);
}

TEST_F(CliTest, BadStationsFileExitsBadInputListingEveryProblem) {
  ASSERT_NO_FATAL_FAILURE(Init());
  const ProcessResult r = Import("stations", TestData("stations_bad.csv"));
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_EQ(r.err,
            "stations_bad.csv:3: registered_voters: expected a whole number >= 0, got 'abc'\n"
            "stations_bad.csv:4: name: required value is empty\n"
            "stations_bad.csv:4: urban_rural: expected urban, rural or nothing, got 'suburban'\n"
            "stations_bad.csv:5: parent: unknown parent 'R9': not in this file nor in the mission\n"
            "stations_bad.csv:6: code: duplicate code 'PS-101', first on line 3\n"
            "stations_bad.csv:7: lat: expected a number from -90 to 90, got '95'\n"
            "vigil: 6 problems in stations_bad.csv; nothing was imported\n");
  EXPECT_EQ(r.out, "");
}

TEST_F(CliTest, BadStationsFileImportsNothing) {
  ASSERT_NO_FATAL_FAILURE(Init());
  ASSERT_EQ(Import("stations", TestData("stations_bad.csv")).exit_code, kExitBadInput);
  {
    auto store = storage::OpenStore({.data_dir = Data(), .create = false});
    ASSERT_TRUE(store.has_value());
    auto locations = (*store)->ListLocations();
    ASSERT_TRUE(locations.has_value());
    EXPECT_TRUE(locations->empty());
  }
  // PS-104 is a valid row of the bad file, so it would be a station had
  // anything been imported.
  const std::string observers = dir_.path() + "/observers.csv";
  WriteFile(observers, "code,name,phone,role,stations\nOBS-9,Nobody,+37369000000,STO,PS-104\n");
  const ProcessResult r = Import("observers", observers);
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("observers.csv:2: stations: 'PS-104' is not a polling station of "
                               "the mission\n"));
}

TEST_F(CliTest, ImportObserversReportsHowMany) {
  ASSERT_NO_FATAL_FAILURE(Init());
  ASSERT_EQ(Import("stations", TestData("stations_good.csv")).exit_code, kExitOk);
  const std::string file = TestData("observers_good.csv");
  const ProcessResult r = Import("observers", file);
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_EQ(r.out, "Imported 3 observers from " + file + ".\n");
  auto store = storage::OpenStore({.data_dir = Data(), .create = false});
  ASSERT_TRUE(store.has_value());
  auto stored = (*store)->ListObservers();
  ASSERT_TRUE(stored.has_value());
  ASSERT_EQ(stored->size(), 3u);
  const auto ivan = std::find_if(stored->begin(), stored->end(),
                                 [](const core::Observer& o) { return o.code == "OBS-2"; });
  ASSERT_NE(ivan, stored->end());
  EXPECT_EQ(ivan->phones, (std::vector<std::string>{"+37369123457", "+37322123456"}));
  EXPECT_EQ(ivan->stations, (std::vector<std::string>{"PS-003"}));
}

TEST_F(CliTest, ImportObserversBeforeStationsExitsBadInput) {
  ASSERT_NO_FATAL_FAILURE(Init());
  const ProcessResult r = Import("observers", TestData("observers_good.csv"));
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("observers_good.csv:2: stations: 'PS-001' is not a polling station "
                               "of the mission\n"));
  EXPECT_THAT(r.err, HasSubstr("; nothing was imported\n"));
}

TEST_F(CliTest, ImportOfAMissingFileExitsNotFound) {
  ASSERT_NO_FATAL_FAILURE(Init());
  const std::string file = dir_.path() + "/no-such.csv";
  const ProcessResult r = Import("stations", file);
  EXPECT_EQ(r.exit_code, kExitNotFound) << Describe(r);
  EXPECT_THAT(r.err, StartsWith("vigil: cannot read " + file));
}

TEST_F(CliTest, ImportWithoutKindExitsUsage) {
  ASSERT_NO_FATAL_FAILURE(Init());
  const ProcessResult r = RunVigil({"import", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
}

// -------------------------------------------------------------------- token

// A mission with observers OBS-1..OBS-4 (support/test_mission.h).
class CliMissionTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(mission_.Create()); }
  std::string Data() const { return mission_.dir.path() + "/mission"; }

  TestMission mission_;
};

TEST_F(CliMissionTest, TokenCreatePrintsOnlyTheTokenOnStdout) {
  const ProcessResult r =
      RunVigil({"token", "create", "--role", "observer", "--observer", "OBS-2", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  ASSERT_TRUE(r.out.ends_with("\n")) << r.out;
  const std::string token = r.out.substr(0, r.out.size() - 1);
  EXPECT_TRUE(std::regex_match(token, std::regex("vgl_[A-Za-z0-9_-]{43}"))) << r.out;
  EXPECT_THAT(r.err, HasSubstr("(observer) created. It is shown only this once"));
  EXPECT_THAT(r.err, Not(HasSubstr(token)));
}

TEST_F(CliMissionTest, CreatedTokenIsStoredHashedForItsObserver) {
  const ProcessResult r =
      RunVigil({"token", "create", "--role", "observer", "--observer", "OBS-2", "--data", Data()});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const std::string token = r.out.substr(0, r.out.find('\n'));
  auto store = mission_.OpenStore();
  ASSERT_NE(store, nullptr);
  auto record = store->FindToken(service::HashBearerToken(token));
  ASSERT_TRUE(record.has_value()) << record.error().ToString();
  ASSERT_TRUE(record->has_value());
  EXPECT_EQ((*record)->role, core::Role::kObserver);
  EXPECT_EQ((*record)->observer_code, "OBS-2");
}

TEST_F(CliMissionTest, TokenListShowsEveryTokenAndWhenTheServerLastSawIt) {
  {
    RunningServer server(Data());
    auto client = server.Client(mission_.viewer_token);
    ASSERT_EQ(client->Get("/api/v1/results")->status, 200);
    client.reset();
    server.Stop();  // records the uses it saw
  }
  const ProcessResult r = RunVigil({"token", "list", "--data", Data()});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const auto lines = Split(r.out, "\n");
  ASSERT_EQ(lines.size(), 6u) << r.out;  // header and the mission's 5 tokens
  EXPECT_THAT(lines[0], HasSubstr("last used"));
  EXPECT_TRUE(
      std::regex_search(lines[2], std::regex(R"(^ +2  viewer +- +\S+Z +- +- +\S+Z +test$)")))
      << lines[2];  // the viewer token was used
  EXPECT_TRUE(std::regex_search(lines[3], std::regex(R"(^ +3  analyst .* - +test$)"))) << lines[3];
  EXPECT_THAT(r.out, Not(HasSubstr("vgl_")));  // never the tokens themselves
}

TEST_F(CliMissionTest, RevokedTokenIsRefusedAndCannotBeRevokedAgain) {
  const ProcessResult r = RunVigil({"token", "revoke", "2", "--data", Data()});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_EQ(r.out, "Token 2 revoked.\n");
  const ProcessResult again = RunVigil({"token", "revoke", "2", "--data", Data()});
  EXPECT_EQ(again.exit_code, kExitBadInput) << Describe(again);
  EXPECT_THAT(again.err, HasSubstr("revoked already"));
  EXPECT_EQ(RunVigil({"token", "revoke", "99", "--data", Data()}).exit_code, kExitNotFound);
  RunningServer server(Data());
  EXPECT_EQ(server.Client(mission_.viewer_token)->Get("/api/v1/results")->status, 401);
  EXPECT_EQ(server.Client(mission_.analyst_token)->Get("/api/v1/results")->status, 200);
}

TEST_F(CliMissionTest, TwoTokensDiffer) {
  const ProcessResult a = RunVigil({"token", "create", "--role", "viewer", "--data", Data()});
  const ProcessResult b = RunVigil({"token", "create", "--role", "viewer", "--data", Data()});
  ASSERT_EQ(a.exit_code, kExitOk) << Describe(a);
  ASSERT_EQ(b.exit_code, kExitOk) << Describe(b);
  EXPECT_NE(a.out, b.out);
}

TEST_F(CliMissionTest, ObserverTokenWithoutObserverExitsBadInput) {
  const ProcessResult r = RunVigil({"token", "create", "--role", "observer", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_EQ(r.err, "vigil: the observer role needs --observer CODE\n");
  EXPECT_EQ(r.out, "");
}

TEST_F(CliMissionTest, ObserverOnANonObserverTokenExitsBadInput) {
  const ProcessResult r =
      RunVigil({"token", "create", "--role", "admin", "--observer", "OBS-1", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_EQ(r.err, "vigil: --observer applies only to the observer role, not admin\n");
  EXPECT_EQ(r.out, "");
}

TEST_F(CliMissionTest, CoordinatorTokensAndUsersNeedKnownRegions) {
  const auto token = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"token", "create"});
    args.insert(args.end(), {"--data", Data()});
    return RunVigil(args);
  };
  const ProcessResult none = token({"--role", "coordinator"});
  EXPECT_EQ(none.exit_code, kExitBadInput) << Describe(none);
  EXPECT_EQ(none.err, "vigil: the coordinator role needs at least one --region CODE\n");
  const ProcessResult unknown = token({"--role", "coordinator", "--region", "R9"});
  EXPECT_EQ(unknown.exit_code, kExitNotFound) << Describe(unknown);
  EXPECT_EQ(unknown.err, "vigil: no location 'R9' (import stations first)\n");
  const ProcessResult analyst = token({"--role", "analyst", "--region", "R1"});
  EXPECT_EQ(analyst.exit_code, kExitBadInput) << Describe(analyst);
  EXPECT_EQ(analyst.err, "vigil: --region applies only to the coordinator role, not analyst\n");
  const ProcessResult ok =
      token({"--role", "coordinator", "--region", "R1", "--region", "R2-D1", "--label", "north"});
  ASSERT_EQ(ok.exit_code, kExitOk) << Describe(ok);
  const ProcessResult list = RunVigil({"token", "list", "--data", Data()});
  EXPECT_THAT(list.out, ContainsRegex("coordinator +R1,R2-D1 .* north"));

  const std::string password = mission_.dir.path() + "/password";
  WriteFile(password, "coordinator secret\n");
  const ProcessResult user = RunVigil({"user", "add", "cora", "--role", "coordinator", "--region",
                                       "R2", "--password-file", password, "--data", Data()});
  ASSERT_EQ(user.exit_code, kExitOk) << Describe(user);
  const ProcessResult users = RunVigil({"user", "list", "--data", Data()});
  EXPECT_THAT(users.out, ContainsRegex("cora +coordinator +R2 "));

  const ProcessResult no_region =
      RunVigil({"user", "role", "cora", "--role", "coordinator", "--data", Data()});
  EXPECT_EQ(no_region.exit_code, kExitBadInput) << Describe(no_region);
  const ProcessResult moved = RunVigil(
      {"user", "role", "cora", "--role", "coordinator", "--region", "R1", "--data", Data()});
  ASSERT_EQ(moved.exit_code, kExitOk) << Describe(moved);
  EXPECT_EQ(moved.out, "User cora is now coordinator.\n");
  EXPECT_THAT(RunVigil({"user", "list", "--data", Data()}).out,
              ContainsRegex("cora +coordinator +R1 "));
  EXPECT_EQ(RunVigil({"user", "role", "nobody", "--role", "viewer", "--data", Data()}).exit_code,
            kExitNotFound);
}

TEST_F(CliMissionTest, ObserverTokenForAnUnknownObserverExitsNotFound) {
  const ProcessResult r =
      RunVigil({"token", "create", "--role", "observer", "--observer", "OBS-x", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitNotFound) << Describe(r);
  EXPECT_EQ(r.err, "vigil: no observer 'OBS-x' (import observers first)\n");
  EXPECT_EQ(r.out, "");
}

TEST_F(CliMissionTest, UnknownRoleExitsUsage) {
  const ProcessResult r = RunVigil({"token", "create", "--role", "wizard", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("--role"));
  EXPECT_THAT(r.err, HasSubstr("wizard"));
  EXPECT_EQ(r.out, "");
}

// ------------------------------------------------- observers' credentials

TEST_F(CliMissionTest, ObserverLoginWithoutATerminalGeneratesThePasswordAndPrintsItOnce) {
  const ProcessResult r =
      RunVigil({"observer", "login", "OBS-1", "--username", "ana", "--data", Data()});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  ASSERT_TRUE(r.out.ends_with("\n")) << r.out;
  const std::string password = r.out.substr(0, r.out.size() - 1);
  EXPECT_TRUE(service::CheckNewPassword(password).ok()) << password;
  EXPECT_EQ(r.err,
            "ODK login of OBS-1 set: username ana, realm \"vigil\". The password is shown only "
            "this once.\n");
  auto store = mission_.OpenStore();
  ASSERT_NE(store, nullptr);
  auto login = store->FindFieldLogin("ana", "vigil");
  ASSERT_TRUE(login.has_value() && login->has_value());
  EXPECT_EQ((*login)->observer_code, "OBS-1");
  EXPECT_EQ((*login)->ha1, service::DigestHa1("ana", "vigil", password));
}

TEST_F(CliMissionTest, ObserverLoginReadsThePasswordFileForTheRealmGiven) {
  const std::string file = mission_.dir.path() + "/password";
  WriteFile(file, "Circle Of Life\n");
  const ProcessResult r =
      RunVigil({"observer", "login", "OBS-2", "--username", "Mufasa", "--realm",
                "testrealm@host.com", "--password-file", file, "--data", Data()});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_EQ(r.out, "ODK login of OBS-2 set: username Mufasa, realm \"testrealm@host.com\".\n");
  auto store = mission_.OpenStore();
  ASSERT_NE(store, nullptr);
  auto login = store->FindFieldLogin("Mufasa", "testrealm@host.com");
  ASSERT_TRUE(login.has_value() && login->has_value());
  EXPECT_EQ((*login)->ha1, "939e7578ed9e3c518a452acee763bce9");
}

TEST_F(CliMissionTest, ObserverLoginRefusalsExitWithTheirCodesAndChangeNothing) {
  ASSERT_EQ(
      RunVigil({"observer", "login", "OBS-1", "--username", "ana", "--data", Data()}).exit_code,
      kExitOk);
  const ProcessResult taken =
      RunVigil({"observer", "login", "OBS-2", "--username", "ana", "--data", Data()});
  EXPECT_EQ(taken.exit_code, kExitBadInput) << Describe(taken);
  EXPECT_EQ(taken.err, "vigil: another observer has the username 'ana'\n");
  EXPECT_EQ(taken.out, "");  // the generated password of a refused login is not shown
  const ProcessResult unknown =
      RunVigil({"observer", "login", "OBS-9", "--username", "zed", "--data", Data()});
  EXPECT_EQ(unknown.exit_code, kExitNotFound) << Describe(unknown);
  EXPECT_EQ(unknown.err, "vigil: no observer 'OBS-9' (import observers first)\n");
  const std::string file = mission_.dir.path() + "/password";
  WriteFile(file, "short\n");
  const ProcessResult weak = RunVigil({"observer", "login", "OBS-2", "--username", "bo",
                                       "--password-file", file, "--data", Data()});
  EXPECT_EQ(weak.exit_code, kExitBadInput) << Describe(weak);
  EXPECT_THAT(weak.err, HasSubstr("at least 10 characters"));
  EXPECT_EQ(RunVigil({"observer", "login", "OBS-2", "--data", Data()}).exit_code, kExitUsage);

  const ProcessResult list = RunVigil({"observer", "list-credentials", "--data", Data()});
  ASSERT_EQ(list.exit_code, kExitOk) << Describe(list);
  EXPECT_THAT(list.out, Not(HasSubstr(" bo ")));
  EXPECT_TRUE(std::regex_search(list.out, std::regex(R"(\nOBS-2 +- +- +- +-\n)"))) << list.out;
}

TEST_F(CliMissionTest, ObserverPinIsGeneratedAndPrintedOnceOrReadFromAFile) {
  const ProcessResult generated = RunVigil({"observer", "pin", "OBS-3", "--data", Data()});
  ASSERT_EQ(generated.exit_code, kExitOk) << Describe(generated);
  EXPECT_TRUE(std::regex_match(generated.out, std::regex("[0-9]{6}\n"))) << generated.out;
  EXPECT_EQ(generated.err, "SMS PIN of OBS-3 set. It is shown only this once.\n");
  const std::string file = mission_.dir.path() + "/pin";
  WriteFile(file, "4829\n");
  const ProcessResult from_file =
      RunVigil({"observer", "pin", "OBS-4", "--pin-file", file, "--data", Data()});
  ASSERT_EQ(from_file.exit_code, kExitOk) << Describe(from_file);
  EXPECT_EQ(from_file.out, "SMS PIN of OBS-4 set.\n");

  auto store = mission_.OpenStore();
  ASSERT_NE(store, nullptr);
  auto mission = service::LoadMission(*store);
  ASSERT_TRUE(mission.has_value());
  EXPECT_EQ(service::CheckSmsSender(*mission, *store, "+155500003", generated.out.substr(0, 6)),
            "OBS-3");
  EXPECT_EQ(service::CheckSmsSender(*mission, *store, "+155500004", "4829"), "OBS-4");
  EXPECT_FALSE(service::CheckSmsSender(*mission, *store, "+155500004", "4830").has_value());
}

TEST_F(CliMissionTest, ObserverPinRefusesABadPinAndAnUnknownObserver) {
  const std::string file = mission_.dir.path() + "/pin";
  WriteFile(file, "12ab\n");
  const ProcessResult bad =
      RunVigil({"observer", "pin", "OBS-1", "--pin-file", file, "--data", Data()});
  EXPECT_EQ(bad.exit_code, kExitBadInput) << Describe(bad);
  EXPECT_EQ(bad.err, "vigil: an SMS PIN is 4 to 8 digits\n");
  const ProcessResult unknown = RunVigil({"observer", "pin", "OBS-9", "--data", Data()});
  EXPECT_EQ(unknown.exit_code, kExitNotFound) << Describe(unknown);
  EXPECT_EQ(unknown.out, "");
}

TEST_F(CliMissionTest, ObserverCredentialsAreListedWithoutSecretsAndCleared) {
  const ProcessResult login =
      RunVigil({"observer", "login", "OBS-2", "--username", "bo", "--data", Data()});
  ASSERT_EQ(login.exit_code, kExitOk) << Describe(login);
  const ProcessResult pin = RunVigil({"observer", "pin", "OBS-2", "--data", Data()});
  ASSERT_EQ(pin.exit_code, kExitOk) << Describe(pin);
  ASSERT_EQ(RunVigil({"observer", "pin", "OBS-4", "--data", Data()}).exit_code, kExitOk);

  const ProcessResult list = RunVigil({"observer", "list-credentials", "--data", Data()});
  ASSERT_EQ(list.exit_code, kExitOk) << Describe(list);
  const auto lines = Split(list.out, "\n");
  ASSERT_EQ(lines.size(), 5u) << list.out;  // header and OBS-1..OBS-4
  EXPECT_THAT(lines[0], HasSubstr("odk username"));
  EXPECT_TRUE(std::regex_search(lines[1], std::regex(R"(^OBS-1 +- +- +- +-$)"))) << lines[1];
  EXPECT_TRUE(std::regex_search(lines[2], std::regex(R"(^OBS-2 +bo +vigil +\S+Z +\S+Z$)")))
      << lines[2];
  EXPECT_TRUE(std::regex_search(lines[4], std::regex(R"(^OBS-4 +- +- +- +\S+Z$)"))) << lines[4];
  EXPECT_THAT(list.out, Not(HasSubstr(login.out.substr(0, login.out.size() - 1))));
  EXPECT_THAT(list.out, Not(HasSubstr(pin.out.substr(0, 6))));

  const ProcessResult clear_login =
      RunVigil({"observer", "clear-login", "OBS-2", "--data", Data()});
  ASSERT_EQ(clear_login.exit_code, kExitOk) << Describe(clear_login);
  EXPECT_EQ(clear_login.out, "ODK login of OBS-2 removed.\n");
  const ProcessResult clear_pin = RunVigil({"observer", "clear-pin", "OBS-2", "--data", Data()});
  ASSERT_EQ(clear_pin.exit_code, kExitOk) << Describe(clear_pin);
  EXPECT_EQ(clear_pin.out, "SMS PIN of OBS-2 removed.\n");
  const ProcessResult again = RunVigil({"observer", "clear-login", "OBS-2", "--data", Data()});
  EXPECT_EQ(again.exit_code, kExitNotFound) << Describe(again);
  EXPECT_EQ(again.err, "vigil: observer OBS-2 has no ODK login\n");
  EXPECT_EQ(RunVigil({"observer", "clear-pin", "OBS-9", "--data", Data()}).exit_code,
            kExitNotFound);
  const ProcessResult after = RunVigil({"observer", "list-credentials", "--data", Data()});
  EXPECT_TRUE(std::regex_search(after.out, std::regex(R"(\nOBS-2 +- +- +- +-\n)"))) << after.out;
}

TEST(Cli, ObserverCommandsHaveHelp) {
  const ProcessResult group = RunVigil({"observer", "--help"});
  EXPECT_EQ(group.exit_code, kExitOk) << Describe(group);
  for (const char* sub : {"login", "pin", "clear-login", "clear-pin", "list-credentials"}) {
    EXPECT_THAT(group.out, HasSubstr(sub));
    const ProcessResult help = RunVigil({"observer", sub, "--help"});
    EXPECT_EQ(help.exit_code, kExitOk) << sub << "\n" << Describe(help);
    EXPECT_THAT(help.out, HasSubstr("--data")) << sub;
  }
}

// ------------------------------------------- observers' copies and live PVT

// Every station of the mission reported the same protocol copy; the
// official results differ at PS-05 (20 votes moved) and lack PS-20.
class CliCopiesTest : public CliMissionTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CliMissionTest::SetUp());
    RunningServer server(Data());
    auto client = server.Client(mission_.admin_token);
    std::string official =
        "station,area:district,registered,issued,in_boxes,valid,invalid,vote:Alpha,vote:Beta\n";
    for (int n = 1; n <= 20; ++n) {
      char code[16];
      std::snprintf(code, sizeof code, "PS-%02d", n);
      const std::string observer = n <= 10 ? "OBS-1" : "OBS-3";
      auto res = client->PostJson(
          "/api/v1/submissions",
          CountingSubmission("uuid:count-" + std::to_string(n), observer, code, {}));
      ASSERT_TRUE(res.has_value()) << res.error().ToString();
      ASSERT_EQ(res->status, 201) << res->body;
      if (n == 20) continue;
      official += std::string(code) + (n <= 10 ? ",D1" : ",D2") + ",1000,600,600,590,10," +
                  (n == 5 ? "320,270" : "300,290") + "\n";
    }
    client.reset();
    server.Stop();
    const std::string file = mission_.dir.path() + "/official.csv";
    WriteFile(file, official);
    const ProcessResult r =
        RunVigil({"import", "results", file, "--name", "official", "--data", Data()});
    ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  }
};

TEST_F(CliCopiesTest, ResultsCopiesSummarisesByDistrictAndListsEveryStation) {
  const ProcessResult r =
      RunVigil({"results", "copies", "official", "--by", "district", "--data", Data()});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("20 counting reports"));
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(all stations +20 +18 +1 +1 +0 +40\n)")))
      << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n  D1 +10 +9 +1 +0 +0 +40\n)"))) << r.out;
  const ProcessResult csv =
      RunVigil({"results", "copies", "official", "--csv", "-", "--data", Data()});
  ASSERT_EQ(csv.exit_code, kExitOk) << Describe(csv);
  const auto lines = Split(csv.out, "\r\n");
  ASSERT_EQ(lines.size(), 22u) << csv.out;  // header, 18 matches, 2 rows for PS-05, PS-20
  EXPECT_EQ(lines[5], "PS-05,,discrepancy,no,Alpha,300,320,20");
  EXPECT_EQ(lines[6], "PS-05,,discrepancy,no,Beta,290,270,-20");
  EXPECT_EQ(lines[21], "PS-20,,official_missing,no,,,,");
  const ProcessResult level =
      RunVigil({"results", "copies", "official", "--by", "tik", "--data", Data()});
  EXPECT_EQ(level.exit_code, kExitBadInput) << Describe(level);
  EXPECT_THAT(level.err, HasSubstr("neither a level of result set official (district)"));
}

TEST_F(CliCopiesTest, PvtDrawSaveKeepsTheSampleAndEstimateUsesTheCopies) {
  const std::string sample = mission_.dir.path() + "/sample.csv";
  const std::vector<std::string> draw = {"pvt",  "draw",   "--seed", "3",      "--sample",
                                         "4",    "--by",   "0",      "--save", "--output",
                                         sample, "--data", Data()};
  const ProcessResult d = RunVigil(draw);
  ASSERT_EQ(d.exit_code, kExitOk) << Describe(d);
  const ProcessResult again = RunVigil(draw);
  EXPECT_EQ(again.exit_code, kExitBadInput) << Describe(again);
  EXPECT_THAT(again.err, HasSubstr("never replaced"));

  const ProcessResult e =
      RunVigil({"pvt", "estimate", "--official-set", "official", "--json", "-", "--data", Data()});
  ASSERT_EQ(e.exit_code, kExitOk) << Describe(e);
  const auto v = boost::json::parse(e.out);
  EXPECT_EQ(v.at("seed"), 3);
  EXPECT_EQ(v.at("sampled"), 4);
  EXPECT_EQ(v.at("reported"), 4);
  const auto& alpha = v.at("estimates").at(0);
  EXPECT_EQ(alpha.at("quantity"), "Alpha");
  EXPECT_NEAR(alpha.at("estimate").to_number<double>(), 300.0 / 590, 1e-12);
  // Official: 19 stations, 20 votes more for Alpha at one of them.
  EXPECT_NEAR(alpha.at("official").to_number<double>(), (19 * 300.0 + 20) / (19 * 590), 1e-12);

  // The same estimate from the files the draw wrote and the official CSV.
  const ProcessResult f =
      RunVigil({"pvt", "estimate", sample, mission_.dir.path() + "/official.csv", "--json", "-"});
  ASSERT_EQ(f.exit_code, kExitOk) << Describe(f);
  EXPECT_EQ(boost::json::parse(f.out).at("sampled"), 4);
  const ProcessResult half = RunVigil({"pvt", "estimate", sample, "--data", Data()});
  EXPECT_EQ(half.exit_code, kExitUsage) << Describe(half);
}

// -------------------------------------------------------------------- serve

TEST_F(CliTest, ServeWithAMissingTlsKeyExitsNamingTheFile) {
  Init();
  const TestCertificate cert = MakeSelfSignedCertificate(dir_.path(), "server");
  const std::string key = dir_.path() + "/absent.key";
  const ProcessResult r = RunVigil({"serve", "--data", Data(), "--listen", "127.0.0.1:0",
                                    "--tls-cert", cert.cert_file, "--tls-key", key});
  EXPECT_EQ(r.exit_code, kExitNotFound) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("cannot read the TLS private key '" + key + "'"));
}

TEST_F(CliTest, ServeWithTlsAnswersOverHttps) {
  Init();
  const TestCertificate cert = MakeSelfSignedCertificate(dir_.path(), "server");
  const std::string listen = "127.0.0.1:" + std::to_string(FreePort());
  const std::string url = "https://" + listen;
  VigilProcess serve({"serve", "--data", Data(), "--listen", listen, "--tls-cert", cert.cert_file,
                      "--tls-key", cert.key_file},
                     dir_.path() + "/serve.log");
  int status = 0;
  for (int i = 0; i < 200 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto client = api::HttpClient::Connect(url, {.ca_file = cert.cert_file});
    if (!client) continue;
    auto res = (*client)->Get("/healthz");
    if (res) status = res->status;
  }
  EXPECT_EQ(status, 200) << ReadFile(dir_.path() + "/serve.log");
  serve.Kill(SIGTERM);
  EXPECT_EQ(serve.Wait(), kExitOk) << ReadFile(dir_.path() + "/serve.log");
}

// -------------------------------------------------------------------- bench

// `vigil bench ingest --sign-in-clients` against a server in this process,
// as user "ana" (password in PasswordFile()).
class CliBenchTest : public CliMissionTest {
 protected:
  void SetUp() override {
    CliMissionTest::SetUp();
    auto store = mission_.OpenStore();
    ASSERT_TRUE(
        service::AddUser(*store, "ana", {.role = core::Role::kViewer}, "correct horse", {"test"})
            .has_value());
    WriteFile(PasswordFile(), "correct horse\n");
    server_ = std::make_unique<RunningServer>(Data());
  }
  std::string PasswordFile() const { return mission_.dir.path() + "/password"; }

  ProcessResult BenchIngest(const std::string& password_file,
                            const std::vector<std::string>& more_args = {}) {
    std::vector<std::string> args = {"bench",
                                     "ingest",
                                     "--url",
                                     server_->url(),
                                     "--token",
                                     mission_.admin_token,
                                     "--clients",
                                     "2",
                                     "--warmup",
                                     "0",
                                     "--duration",
                                     "1",
                                     "--sign-in-clients",
                                     "1",
                                     "--sign-in-user",
                                     "ana",
                                     "--sign-in-password-file",
                                     password_file,
                                     "--json"};
    args.insert(args.end(), more_args.begin(), more_args.end());
    return RunVigil(args);
  }

  std::unique_ptr<RunningServer> server_;
};

TEST_F(CliBenchTest, IngestWithSignInsReportsBothRates) {
  const ProcessResult r = BenchIngest(PasswordFile());
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const json::object report = json::parse(r.out).as_object();
  EXPECT_GT(report.at("ok").to_number<std::int64_t>(), 0) << r.out;
  EXPECT_GT(report.at("sign_ins").to_number<std::int64_t>(), 0) << r.out;
  EXPECT_EQ(report.at("sign_in_errors").to_number<std::int64_t>(), 0) << r.out;
  EXPECT_EQ(report.at("sign_in_clients").to_number<std::int64_t>(), 1) << r.out;
}

TEST_F(CliBenchTest, IngestWithPacedSignInsKeepsToTheRate) {
  const ProcessResult r = BenchIngest(PasswordFile(), {"--sign-ins-per-second", "2"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const json::object report = json::parse(r.out).as_object();
  // 2 in the one-second window; a third may fall on its edge.
  EXPECT_GE(report.at("sign_ins").to_number<std::int64_t>(), 1) << r.out;
  EXPECT_LE(report.at("sign_ins").to_number<std::int64_t>(), 3) << r.out;
}

TEST_F(CliBenchTest, IngestWithAWrongPasswordFailsBeforeTheRun) {
  const std::string wrong = mission_.dir.path() + "/wrong";
  WriteFile(wrong, "not the password\n");
  const ProcessResult r = BenchIngest(wrong);
  EXPECT_EQ(r.exit_code, cli::kExitFailure) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("POST /api/v1/session as ana answered HTTP 401"));
  EXPECT_EQ(r.out, "");
}

// ------------------------------------------------------------------- export

// The mission with three submissions posted through the HTTP API: uuid:a
// (PS-01, V7 = 0), uuid:b (PS-02, V7 = 3) and uuid:c, an edit of uuid:a
// (V7 = 1). uuid:a is therefore no longer current.
class CliSubmissionsTest : public CliMissionTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CliMissionTest::SetUp());
    RunningServer server(Data());
    auto client = server.Client(mission_.observer1_token);
    ASSERT_NE(client, nullptr);
    std::string edit = ValidSubmission("uuid:c", "OBS-1", "PS-01", 1);
    edit.insert(1, R"("replaces":"uuid:a",)");
    for (const std::string& body : {ValidSubmission("uuid:a", "OBS-1", "PS-01", 0),
                                    ValidSubmission("uuid:b", "OBS-1", "PS-02", 3), edit}) {
      auto res = client->PostJson("/api/v1/submissions", body);
      ASSERT_TRUE(res.has_value()) << res.error().ToString();
      ASSERT_EQ(res->status, 201) << res->body;
    }
    // Hang up first: a keep-alive connection whose last response is still
    // being finished when Stop() runs is otherwise kept open until the drain
    // timeout (20 s).
    client.reset();
    server.Stop();
  }

  ProcessResult Export(std::vector<std::string> args) {
    args.insert(args.begin(), {"export", "submissions", "--data", Data()});
    return RunVigil(args);
  }
};

// CSV rows (without line ends) split into fields; no field of these
// submissions needs quoting.
std::vector<std::vector<std::string>> CsvTable(const std::string& csv) {
  std::vector<std::vector<std::string>> table;
  for (const std::string& line : Split(csv, "\r\n")) table.push_back(Split(line + ",", ","));
  return table;
}

std::size_t ColumnOf(const std::vector<std::string>& header, const std::string& name) {
  const auto it = std::find(header.begin(), header.end(), name);
  EXPECT_NE(it, header.end()) << "no column " << name;
  return static_cast<std::size_t>(it - header.begin());
}

TEST_F(CliSubmissionsTest, ExportsCsvWithEveryVersion) {
  const ProcessResult r = Export({"--format", "csv"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  ASSERT_TRUE(r.out.ends_with("\r\n"));
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'),
            std::count(r.out.begin(), r.out.end(), '\r'))
      << "lines must end in CRLF";
  const auto table = CsvTable(r.out);
  ASSERT_EQ(table.size(), 4u) << r.out;
  const std::vector<std::string>& header = table[0];
  ASSERT_GE(header.size(), 10u);
  EXPECT_EQ(std::vector<std::string>(header.begin(), header.begin() + 10),
            (std::vector<std::string>{"instance_id", "form", "form_version", "station", "observer",
                                      "started_at", "submitted_at", "received_at", "replaces",
                                      "current"}));
  const std::size_t v7 = ColumnOf(header, "V7");
  const std::size_t v20 = ColumnOf(header, "V20");
  std::map<std::string, std::vector<std::string>> rows;
  for (std::size_t i = 1; i < table.size(); ++i) {
    ASSERT_EQ(table[i].size(), header.size()) << "row " << i;
    rows[table[i][0]] = table[i];
  }
  ASSERT_EQ(rows.size(), 3u);
  const auto& a = rows["uuid:a"];
  EXPECT_EQ(a[1], "V");
  EXPECT_EQ(a[3], "PS-01");
  EXPECT_EQ(a[4], "OBS-1");
  EXPECT_EQ(a[5], "2026-06-01T08:00:00.000000Z");
  EXPECT_EQ(a[6], "2026-06-01T08:40:00.000000Z");
  EXPECT_EQ(a[8], "");
  EXPECT_EQ(a[9], "false");
  EXPECT_EQ(a[v7], "0");
  EXPECT_EQ(a[v20], "good");
  EXPECT_EQ(rows["uuid:b"][3], "PS-02");
  EXPECT_EQ(rows["uuid:b"][9], "true");
  EXPECT_EQ(rows["uuid:b"][v7], "3");
  EXPECT_EQ(rows["uuid:c"][8], "uuid:a");
  EXPECT_EQ(rows["uuid:c"][9], "true");
  EXPECT_EQ(rows["uuid:c"][v7], "1");
}

TEST_F(CliSubmissionsTest, ExportsCsvOfCurrentVersionsOnly) {
  const ProcessResult r = Export({"--format", "csv", "--current-only"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const auto table = CsvTable(r.out);
  ASSERT_EQ(table.size(), 3u) << r.out;
  std::vector<std::string> ids = {table[1][0], table[2][0]};
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"uuid:b", "uuid:c"}));
}

TEST_F(CliSubmissionsTest, ExportsJsonLines) {
  const ProcessResult r = Export({"--format", "jsonl"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  ASSERT_TRUE(r.out.ends_with("\n"));
  EXPECT_EQ(r.out.find('\r'), std::string::npos);
  const std::vector<std::string> lines = Split(r.out, "\n");
  ASSERT_EQ(lines.size(), 3u) << r.out;
  std::map<std::string, json::object> by_id;
  for (const std::string& line : lines) {
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    ASSERT_FALSE(ec) << line;
    ASSERT_TRUE(v.is_object()) << line;
    by_id[std::string(v.at("instance_id").as_string())] = v.as_object();
  }
  ASSERT_EQ(by_id.size(), 3u);
  const json::object& a = by_id["uuid:a"];
  EXPECT_EQ(a.at("station"), "PS-01");
  EXPECT_EQ(a.at("answers").at("V7"), 0);
  EXPECT_EQ(a.at("current"), false);
  ASSERT_TRUE(a.at("received_at").is_string());
  EXPECT_TRUE(std::regex_match(std::string(a.at("received_at").as_string()),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)")));
  EXPECT_EQ(by_id["uuid:b"].at("current"), true);
  EXPECT_EQ(by_id["uuid:c"].at("replaces"), "uuid:a");
  EXPECT_EQ(by_id["uuid:c"].at("current"), true);
  EXPECT_EQ(by_id["uuid:c"].at("answers").at("V7"), 1);
}

TEST_F(CliSubmissionsTest, ExportsToAFileAndSaysHowMany) {
  const std::string file = mission_.dir.path() + "/export.csv";
  const ProcessResult to_file = Export({"--format", "csv", "--output", file});
  ASSERT_EQ(to_file.exit_code, kExitOk) << Describe(to_file);
  EXPECT_EQ(to_file.out, "");
  EXPECT_EQ(to_file.err, "Exported 3 submissions to " + file + ".\n");
  const ProcessResult to_stdout = Export({"--format", "csv"});
  ASSERT_EQ(to_stdout.exit_code, kExitOk);
  EXPECT_EQ(ReadFile(file), to_stdout.out);
}

TEST_F(CliSubmissionsTest, ExportsXlsxWithTheCsvColumnsAndRows) {
  const std::string file = mission_.dir.path() + "/export.xlsx";
  const ProcessResult r = Export({"--format", "xlsx", "--output", file});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_EQ(r.err, "Exported 3 submissions to " + file + ".\n");
  auto sheets = ingest::ReadXlsx(ReadFile(file));
  ASSERT_TRUE(sheets.has_value()) << sheets.error().message();
  ASSERT_EQ(sheets->size(), 1u);
  // The same table as the CSV export's, cell for cell (booleans read back
  // as TRUE/FALSE).
  const auto csv = CsvTable(Export({"--format", "csv"}).out);
  const auto& rows = (*sheets)[0].rows;
  ASSERT_EQ(rows.size(), 4u);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::vector<std::string> texts(csv[r].size());
    for (const ingest::XlsxCell& c : rows[r].cells) {
      ASSERT_LT(static_cast<std::size_t>(c.column), texts.size());
      texts[c.column] = c.text == "TRUE" ? "true" : c.text == "FALSE" ? "false" : c.text;
    }
    EXPECT_EQ(texts, csv[r]) << "row " << r;
  }
}

TEST_F(CliSubmissionsTest, UnknownExportFormatExitsUsage) {
  const ProcessResult r = Export({"--format", "ods"});
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("ods"));
  EXPECT_EQ(r.out, "");
}

// -------------------------------------------------------------------- audit

// Runs one SQL statement on the mission's database behind vigil's back; it
// must change exactly one row.
void TamperWith(const std::string& data_dir, const char* sql) {
  sqlite3* db = nullptr;
  const int open =
      sqlite3_open_v2((data_dir + "/vigil.db").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  if (open != SQLITE_OK) {
    ADD_FAILURE() << "cannot open the database: " << sqlite3_errstr(open);
    sqlite3_close(db);
    return;
  }
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK)
      << (error != nullptr ? error : "");
  sqlite3_free(error);
  EXPECT_EQ(sqlite3_changes(db), 1) << sql;
  sqlite3_close(db);
}

TEST_F(CliSubmissionsTest, AuditVerifyOnAnUntouchedMissionSaysOk) {
  const ProcessResult r = RunVigil({"audit", "verify", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, StartsWith("OK: "));
  EXPECT_THAT(r.out, HasSubstr(" audit entries, 3 submissions checked; head "));
  EXPECT_THAT(r.out, Not(HasSubstr("BROKEN")));
}

TEST_F(CliSubmissionsTest, AuditVerifyAfterAnAuditEntryIsAlteredExitsTampered) {
  TamperWith(Data(), "UPDATE audit_log SET actor = 'x' WHERE seq = 2");
  const ProcessResult r = RunVigil({"audit", "verify", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitTampered) << Describe(r);
  EXPECT_THAT(r.out, StartsWith("BROKEN: audit entry 2: "));
  EXPECT_THAT(r.out, HasSubstr("\nFAILED: "));
  EXPECT_THAT(r.out, Not(HasSubstr("OK:")));
}

TEST_F(CliSubmissionsTest, AuditVerifyAfterASubmissionIsAlteredExitsTampered) {
  TamperWith(Data(),
             "UPDATE submissions SET body = replace(body, '\"V7\":3', "
             "'\"V7\":0') WHERE instance_id = 'uuid:b'");
  const ProcessResult r = RunVigil({"audit", "verify", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitTampered) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("BROKEN: submission uuid:b: stored content does not match its "
                               "content hash (altered)\n"));
  EXPECT_THAT(r.out, HasSubstr("FAILED: "));
}

TEST_F(CliTest, AuditVerifyOnAFreshMissionSaysOk) {
  ASSERT_NO_FATAL_FAILURE(Init());
  const ProcessResult r = RunVigil({"audit", "verify", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, StartsWith("OK: "));
  EXPECT_THAT(r.out, HasSubstr(" 0 submissions checked"));
}

// ---------------------------------------------------------------- forensics

TEST_F(CliTest, ForensicsReadsZippedRussianResultsAndWritesItsJson) {
  const std::string out = dir_.path() + "/report.json";
  const std::string flags = dir_.path() + "/flags.csv";
  const ProcessResult r =
      RunVigil({"forensics", TestData("ru_cec_2011_excerpt.csv.zip"), "--format", "ru-cec", "--by",
                "tik", "--replicates", "200", "--seed", "7", "--json", out, "--flags", flags});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("40 stations read"));
  EXPECT_THAT(r.out, HasSubstr("Integer percentages (Kobak et al. 2016)"));
  const json::object report = json::parse(ReadFile(out)).as_object();
  EXPECT_EQ(report.at("stations").as_int64(), 40);
  EXPECT_EQ(report.at("by").as_string(), "tik");
  const json::object& integer = report.at("integer_percentage").as_object();
  EXPECT_EQ(integer.at("replicates").as_int64(), 200);
  EXPECT_EQ(integer.at("seed").to_number<std::uint64_t>(), 7u);
  EXPECT_EQ(integer.at("results").as_array().size(), 12u);
  // Overall and per tik, each for turnout and the leader.
  EXPECT_GT(report.at("digit_tests").as_array().size(), 2u);
  const json::object& overall = report.at("digit_tests").as_array()[0].as_object();
  EXPECT_GT(overall.at("dip").as_double(), 0);
  EXPECT_LE(overall.at("dip_p").as_double(), 1);
  EXPECT_FALSE(overall.contains("sobyanin"));  // turnout comes first and has none
  const json::object& leader = report.at("digit_tests").as_array()[1].as_object();
  EXPECT_TRUE(leader.at("sobyanin").is_double());
  EXPECT_TRUE(leader.at("correlation").is_double());
  EXPECT_GT(report.at("shpilkin").at("leader_votes").as_int64(), 0);
  EXPECT_EQ(report.at("last_digits").as_array().size(),
            report.at("digit_tests").as_array().size() / 2);
  EXPECT_FALSE(std::filesystem::exists(out + ".tmp"));
  // One CSV row per flagged station, as many as the JSON counts.
  const std::vector<std::string> rows = Split(ReadFile(flags), "\r\n");
  ASSERT_FALSE(rows.empty());
  EXPECT_THAT(rows[0], StartsWith("station,region,tik,registered,issued,cast,leader_votes,"));
  EXPECT_EQ(static_cast<std::int64_t>(rows.size()) - 1,
            report.at("station_flags").at("stations_flagged").as_int64());
}

TEST_F(CliTest, ForensicsWritesEveryResultAsOneLongCsvTable) {
  const std::string json_file = dir_.path() + "/report.json";
  const ProcessResult r =
      RunVigil({"forensics", TestData("ru_cec_2011_excerpt.csv.zip"), "--format", "ru-cec",
                "--replicates", "100", "--json", json_file, "--csv", "-"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const std::vector<std::string> rows = Split(r.out, "\r\n");
  EXPECT_EQ(rows[0],
            "method,area,quantity,statistic,value,expected,ci_low,ci_high,p,null_mean,null_sd,"
            "null_p999,n,flagged");
  const json::object report = json::parse(ReadFile(json_file)).as_object();
  // The integer test's row for turnout by stations carries the JSON's numbers.
  const json::object& first =
      report.at("integer_percentage").at("results").as_array()[0].as_object();
  const std::vector<std::string> cells = Split(rows[1], ",");
  EXPECT_EQ(cells[0], "integer_percentage");
  EXPECT_EQ(cells[2], "turnout");
  EXPECT_EQ(cells[3], "count_by_stations");
  EXPECT_DOUBLE_EQ(std::stod(cells[4]), first.at("observed").to_number<double>());
  EXPECT_NEAR(std::stod(cells[9]), first.at("null_mean").to_number<double>(), 1e-6);
  EXPECT_THAT(r.out, HasSubstr("\r\ndigits,,Turnout,2BL,"));
  EXPECT_THAT(r.out, HasSubstr("\r\nlast_digits,,,repeated_share,"));
  EXPECT_THAT(r.out, HasSubstr(",excess_votes,"));
  EXPECT_THAT(r.out, HasSubstr("\r\nklimek,,"));
}

TEST_F(CliTest, ForensicsWritesASelfContainedHtmlReport) {
  const std::string html = dir_.path() + "/report.html";
  const ProcessResult r = RunVigil({"forensics", TestData("ru_cec_2011_excerpt.csv.zip"),
                                    "--format", "ru-cec", "--replicates", "100", "--html", html});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const std::string page = ReadFile(html);
  EXPECT_THAT(page, StartsWith("<!DOCTYPE html>"));
  for (const char* section :
       {"Turnout and the leader", "Election fingerprint", "Integer percentages",
        "Excess votes for the leader", "Digit and distribution tests", "Last digits"}) {
    EXPECT_THAT(page, HasSubstr(std::string("<h2>") + section)) << section;
  }
  EXPECT_THAT(page, HasSubstr("<svg"));
  // Names are escaped, and nothing is loaded from anywhere.
  EXPECT_THAT(page, HasSubstr("&quot;ЕДИНАЯ РОССИЯ&quot;"));
  EXPECT_THAT(page, Not(HasSubstr("<script")));
  EXPECT_THAT(page, Not(HasSubstr("src=")));
  EXPECT_THAT(page, Not(HasSubstr("href=")));
}

TEST_F(CliTest, ForensicsWritesIntoAFifoInsteadOfReplacingIt) {
  // Reports go through a temporary file and a rename, which must never
  // replace something that is not a regular file (such as /dev/null).
  const std::string fifo = dir_.path() + "/pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = ReadFile(fifo); });
  const ProcessResult r = RunVigil({"forensics", TestData("ru_cec_2011_excerpt.csv.zip"),
                                    "--format", "ru-cec", "--only", "shpilkin", "--json", fifo});
  reader.join();
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
  EXPECT_THAT(received, HasSubstr("\"shpilkin\""));
}

TEST_F(CliTest, ForensicsReadsAnotherLayoutThroughAMappingAndReproducesEFToolkit) {
  const ProcessResult r =
      RunVigil({"forensics", TestData("albania2013_berat_fier.csv"), "--mapping",
                TestData("albania2013_mapping.json"), "--by", "prefecture", "--only", "digits",
                "--replicates", "50", "--json", "-"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  // EFToolkit's published turnout values for BERAT (see
  // src/analysis/digit_tests_test.cc), through the whole command.
  bool found = false;
  const json::value report = json::parse(r.out);
  for (const json::value& g : report.at("digit_tests").as_array()) {
    if (!g.as_object().contains("area") || g.at("area").as_string() != "BERAT" ||
        g.at("quantity").as_string() != "Turnout") {
      continue;
    }
    found = true;
    std::map<std::string, double> values;
    for (const json::value& v : g.at("results").as_array()) {
      values[std::string(v.at("statistic").as_string())] = v.at("value").as_double();
    }
    EXPECT_NEAR(values["2BL"], 4.244, 0.0005);
    EXPECT_NEAR(values["C05s"], 0.217, 0.0005);
    EXPECT_NEAR(values["Skew"], 0.261, 0.0005);
  }
  EXPECT_TRUE(found) << r.out;
}

TEST_F(CliTest, ForensicsRefusesABadMappingNamingTheProblem) {
  const std::string mapping = dir_.path() + "/mapping.json";
  WriteFile(mapping, R"({"station": "Precincts", "issued": "Ballotz", "contestants": "*"})");
  ProcessResult r =
      RunVigil({"forensics", TestData("albania2013_berat_fier.csv"), "--mapping", mapping});
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("the mapping names column 'Ballotz', which the header does not "
                               "have (it has: Prefectures, Precincts, Ballots"));
  WriteFile(mapping, R"({"station": "Precincts", "colour": "red"})");
  r = RunVigil({"forensics", TestData("albania2013_berat_fier.csv"), "--mapping", mapping});
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("mapping.json: unknown key \"colour\""));
}

TEST_F(CliTest, ForensicsRefusesAnUnknownAreaLevelNamingTheKnownOnes) {
  const ProcessResult r = RunVigil(
      {"forensics", TestData("ru_cec_2011_excerpt.csv.zip"), "--format", "ru-cec", "--by", "oik"});
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_THAT(r.err,
              HasSubstr("--by oik: the results have no such area level (they have: region, tik)"));
}

TEST_F(CliTest, ForensicsRefusesABadFileNamingLineAndColumn) {
  const std::string file = dir_.path() + "/results.csv";
  WriteFile(file, "station,registered,vote:A\nPS-1,1000,12\nPS-2,lots,5\n");
  const ProcessResult r = RunVigil({"forensics", file});
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr(file + ":3: column 'registered': 'lots' is not a count"));
  EXPECT_EQ(r.out, "");
}

// -------------------------------------------------------------------- forms

TEST_F(CliTest, FormsImportInstallsANewVersionOnceAndListShowsIt) {
  Init();
  const std::string file = TestData("xlsform/observer_checklist.xlsx");
  ProcessResult r = RunVigil({"forms", "import", file, "--data", Data()});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_EQ(r.out, "Installed form PS version 2026061 (voting, 17 questions) from " + file +
                       "; it is now current.\n");
  r = RunVigil({"forms", "list", "--data", Data()});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("\nV +[^ ]+ +voting +[0-9]+ +yes "));
  EXPECT_THAT(r.out, ContainsRegex("\nPS +2026061 +voting +17 +yes +Polling station checklist\n"));
  // The same definition again changes nothing; another one under the same
  // version is refused.
  r = RunVigil({"forms", "import", file, "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("already installed with this definition; nothing changed"));
  r = RunVigil(
      {"forms", "import", TestData("xlsform/observer_checklist_changed.xlsx"), "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("form PS version 2026061 is already installed with a different "
                               "definition"));
  r = RunVigil({"audit", "verify", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  // One form.install entry for the import, none for the repeats.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((Data() + "/vigil.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT count(*) FROM audit_log WHERE action = 'form.install' "
                               "AND subject = 'PS'",
                               -1, &stmt, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 1);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(CliTest, FormsImportListsEveryProblemAndInstallsNothing) {
  Init();
  const std::string before = RunVigil({"forms", "list", "--data", Data()}).out;
  const std::string file = TestData("xlsform/bad_form.xlsx");
  ProcessResult r = RunVigil({"forms", "import", file, "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr(file + ": survey!A3: unknown type \"barcode\"\n"));
  EXPECT_THAT(r.err, HasSubstr(file + ": survey!B4: name \"a\" is already used at row 2\n"));
  EXPECT_THAT(
      r.err, HasSubstr("vigil: " + file + ": 11 problems in the XLSForm; nothing was installed\n"));
  r = RunVigil({"forms", "import", TestData("xlsform/bad_not_a_zip.xlsx"), "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("not a readable ZIP archive"));
  r = RunVigil({"forms", "import", dir_.path() + "/missing.xlsx", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitNotFound) << Describe(r);
  EXPECT_EQ(RunVigil({"forms", "list", "--data", Data()}).out, before);
}

TEST_F(CliTest, FormsExportThenImportGivesTheSameForm) {
  Init();
  const std::string out = dir_.path() + "/V.xlsx";
  ProcessResult r = RunVigil({"forms", "export", "V", "--xlsform", out, "--data", Data()});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, StartsWith("Wrote form V version "));
  // Importing the export finds the very definition already installed.
  r = RunVigil({"forms", "import", out, "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("already installed with this definition; nothing changed"));
  // The rich form too, by version.
  ASSERT_EQ(
      RunVigil({"forms", "import", TestData("xlsform/observer_checklist.xlsx"), "--data", Data()})
          .exit_code,
      kExitOk);
  r = RunVigil(
      {"forms", "export", "PS", "--version", "2026061", "--xlsform", out, "--data", Data()});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  r = RunVigil({"forms", "import", out, "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("nothing changed"));
}

TEST_F(CliTest, FormsExportOfAnUnknownFormExitsNotFound) {
  Init();
  const std::string out = dir_.path() + "/X.xlsx";
  ProcessResult r = RunVigil({"forms", "export", "X", "--xlsform", out, "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitNotFound) << Describe(r);
  EXPECT_EQ(r.err, "vigil: no form X\n");
  r = RunVigil({"forms", "export", "V", "--version", "0.0", "--xlsform", out, "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitNotFound) << Describe(r);
  EXPECT_EQ(r.err, "vigil: form V has no version 0.0\n");
  EXPECT_FALSE(std::filesystem::exists(out));
  r = RunVigil({"forms", "export", "V", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);  // --xlsform is required
}

// ------------------------------------------------------------- rules, review

TEST_F(CliTest, RulesListTheDefaultsAndCheckNamesTheColumnOfAnError) {
  ASSERT_NO_FATAL_FAILURE(Init());
  ProcessResult r = RunVigil({"rules", "list", "--data", Data()});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out,
              HasSubstr(R"("code":"in_boxes_valid_invalid","form":"C",)"
                        R"("expression":"CF != CV + CN","severity":"error","enabled":true)"));
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 4);
  r = RunVigil({"rules", "check", "CF != CV + ", "--form", "C", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_EQ(r.err, "  CF != CV + \n             ^\nvigil: at 12: expected a value after '+'\n");
  r = RunVigil({"rules", "check", "CF > CI", "--form", "C", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_EQ(r.out, "0 current submissions checked: 0 flagged, 0 not applicable\n");
  r = RunVigil(
      {"rules", "add", "turned_away", "--form", "V", "--expression", "V7 > 200", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  r = RunVigil({"rules", "disable", "turned_away", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  r = RunVigil({"rules", "list", "--data", Data()});
  EXPECT_THAT(r.out, HasSubstr(R"("code":"turned_away","form":"V","expression":"V7 > 200",)"
                               R"("severity":"warning","enabled":false)"));
  r = RunVigil({"rules", "add", "bad", "--form", "V", "--expression", "V99 > 1", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
  EXPECT_EQ(r.err, "vigil: at 1: unknown question code 'V99' in form V\n");
}

TEST_F(CliTest, ReviewOfAnUnknownSubmissionExitsNotFound) {
  ASSERT_NO_FATAL_FAILURE(Init());
  ProcessResult r = RunVigil({"review", "uuid:nope", "--status", "verified", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitNotFound) << Describe(r);
  EXPECT_EQ(r.err, "vigil: no submission uuid:nope\n");
  r = RunVigil({"review", "uuid:nope", "--status", "fine", "--data", Data()});
  EXPECT_EQ(r.exit_code, kExitBadInput) << Describe(r);
}

}  // namespace
}  // namespace vigil::testing
