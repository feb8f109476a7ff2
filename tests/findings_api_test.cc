// Findings through the HTTP API: a real server on a free port, reports
// posted through the submission route, figures read back from
// /api/v1/findings, /summary, /criteria and /report/statement. Expected
// figures are worked out in the comments.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "support/test_mission.h"
#include "support/vigil_process.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

class FindingsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mission_.Create();
    server_ = std::make_unique<RunningServer>(Dir());
  }
  std::string Dir() const { return mission_.dir.path() + "/mission"; }

  // V7 ("voters turned away", negative above 0): PS-01 0, PS-02 3 (both in
  // R1), PS-11 5 (R2) -> 2 negative of 3.
  void PostThree() {
    auto admin = server_->Client(mission_.admin_token);
    ASSERT_EQ(admin->PostJson("/api/v1/submissions", ValidSubmission("uuid:f1"))->status, 201);
    ASSERT_EQ(
        admin->PostJson("/api/v1/submissions", ValidSubmission("uuid:f2", "OBS-2", "PS-02", 3))
            ->status,
        201);
    ASSERT_EQ(
        admin->PostJson("/api/v1/submissions", ValidSubmission("uuid:f3", "OBS-3", "PS-11", 5))
            ->status,
        201);
  }

  json::value GetJson(const std::string& token, const std::string& target, int status = 200) {
    auto res = server_->Client(token)->Get(target);
    EXPECT_TRUE(res.has_value());
    if (!res) return nullptr;
    EXPECT_EQ(res->status, status) << target << ": " << res->body;
    return json::parse(res->body);
  }

  TestMission mission_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(FindingsApiTest, QuestionFindingWithNAndNoIntervalForChosenStations) {
  PostThree();
  const json::value v = GetJson(mission_.admin_token, "/api/v1/findings?form=V&question=V7");
  const json::value& f = v.at("finding");
  EXPECT_EQ(f.at("n").as_int64(), 3);
  EXPECT_EQ(f.at("negative").as_int64(), 2);
  EXPECT_NEAR(f.at("share").as_double(), 2.0 / 3, 1e-12);
  EXPECT_NEAR(f.at("mean").as_double(), 8.0 / 3, 1e-12);
  EXPECT_EQ(f.at("negative_answers"), "> 0");
  EXPECT_TRUE(f.at("interval").is_null());
  EXPECT_EQ(f.at("interval_note"), "not a random sample");
  EXPECT_FALSE(v.as_object().contains("areas"));
}

TEST_F(FindingsApiTest, ByRegionAtLevelZero) {
  PostThree();
  const json::value v =
      GetJson(mission_.analyst_token, "/api/v1/findings?form=V&question=V7&level=0");
  const json::array& areas = v.at("areas").as_array();
  ASSERT_EQ(areas.size(), 2U);
  EXPECT_EQ(areas[0].at("code"), "R1");  // PS-01 0, PS-02 3
  EXPECT_EQ(areas[0].at("finding").at("n").as_int64(), 2);
  EXPECT_EQ(areas[0].at("finding").at("negative").as_int64(), 1);
  EXPECT_EQ(areas[1].at("code"), "R2");  // PS-11 5
  EXPECT_EQ(areas[1].at("finding").at("negative").as_int64(), 1);
}

TEST_F(FindingsApiTest, CoordinatorSeesOnlyItsRegion) {
  PostThree();
  const json::value v =
      GetJson(mission_.coordinator_token, "/api/v1/findings?form=V&question=V7&level=0");
  EXPECT_EQ(v.at("finding").at("n").as_int64(), 1);  // PS-11 only
  ASSERT_EQ(v.at("areas").as_array().size(), 1U);
  EXPECT_EQ(v.at("areas").at(0).at("code"), "R2");
  const json::value summary = GetJson(mission_.coordinator_token, "/api/v1/findings/summary");
  for (const json::value& form : summary.at("forms").as_array()) {
    if (form.at("form") == "V") {
      EXPECT_EQ(form.at("observations").as_int64(), 1);
    }
  }
}

TEST_F(FindingsApiTest, ViewersObserversAndCoordinatorsAreRefusedWhatTheyMayNotSee) {
  PostThree();
  GetJson(mission_.viewer_token, "/api/v1/findings/summary", 403);
  GetJson(mission_.observer1_token, "/api/v1/criteria", 403);
  // The statement covers the whole country.
  GetJson(mission_.coordinator_token, "/api/v1/report/statement", 403);
}

TEST_F(FindingsApiTest, AnEditReplacesTheFigureOfTheVersionItSupersedes) {
  PostThree();
  json::value edit = json::parse(ValidSubmission("uuid:f2b", "OBS-2", "PS-02", 0));
  edit.as_object()["replaces"] = "uuid:f2";
  auto admin = server_->Client(mission_.admin_token);
  ASSERT_EQ(admin->PostJson("/api/v1/submissions", json::serialize(edit))->status, 201);
  const json::value v = GetJson(mission_.admin_token, "/api/v1/findings?form=V&question=V7");
  EXPECT_EQ(v.at("finding").at("n").as_int64(), 3);
  EXPECT_EQ(v.at("finding").at("negative").as_int64(), 1);  // PS-11 only
}

TEST_F(FindingsApiTest, ReviewsFilterTheFiguresLiveAndAfterARestart) {
  PostThree();
  auto analyst = server_->Client(mission_.analyst_token);
  // f3 (PS-11, 5 turned away) quarantined, f1 (PS-01, 0) verified.
  ASSERT_EQ(analyst
                ->PostJson("/api/v1/submissions/uuid:f3/review",
                           R"({"status":"quarantined","note":"call the observer"})")
                ->status,
            200);
  ASSERT_EQ(
      analyst->PostJson("/api/v1/submissions/uuid:f1/review", R"({"status":"verified"})")->status,
      200);
  const auto check = [&] {
    const json::value without =
        GetJson(mission_.admin_token, "/api/v1/findings?form=V&question=V7&exclude_quarantined=1");
    EXPECT_EQ(without.at("finding").at("n").as_int64(), 2);         // f1, f2
    EXPECT_EQ(without.at("finding").at("negative").as_int64(), 1);  // f2
    const json::value verified =
        GetJson(mission_.admin_token, "/api/v1/findings?form=V&question=V7&verified_only=1");
    EXPECT_EQ(verified.at("finding").at("n").as_int64(), 1);  // f1
    EXPECT_EQ(verified.at("finding").at("negative").as_int64(), 0);
  };
  check();
  server_.reset();
  server_ = std::make_unique<RunningServer>(Dir());
  check();
  // Rejected: never counted.
  ASSERT_EQ(server_->Client(mission_.analyst_token)
                ->PostJson("/api/v1/submissions/uuid:f2/review", R"({"status":"rejected"})")
                ->status,
            200);
  const json::value all = GetJson(mission_.admin_token, "/api/v1/findings?form=V&question=V7");
  EXPECT_EQ(all.at("finding").at("n").as_int64(), 2);  // f1 and the quarantined f3
}

TEST_F(FindingsApiTest, ARestartedServerLoadsTheStoredReports) {
  PostThree();
  server_.reset();
  server_ = std::make_unique<RunningServer>(Dir());
  const json::value v = GetJson(mission_.admin_token, "/api/v1/findings?form=V&question=V7");
  EXPECT_EQ(v.at("finding").at("n").as_int64(), 3);
  EXPECT_EQ(v.at("finding").at("negative").as_int64(), 2);
}

TEST_F(FindingsApiTest, SummaryAndCriteria) {
  PostThree();
  const json::value summary = GetJson(mission_.admin_token, "/api/v1/findings/summary");
  bool seen = false;
  for (const json::value& form : summary.at("forms").as_array()) {
    if (form.at("form") != "V") continue;
    seen = true;
    EXPECT_EQ(form.at("observations").as_int64(), 3);
    EXPECT_EQ(form.at("by_status").at("unreviewed").as_int64(), 3);
    for (const json::value& q : form.at("questions").as_array()) {
      if (q.at("question") == "V1") {  // "yes" three times; negative is "no"
        EXPECT_EQ(q.at("n").as_int64(), 3);
        EXPECT_EQ(q.at("share").as_double(), 0.0);
      }
      if (q.at("question") == "V2") {
        EXPECT_TRUE(q.at("share").is_null());  // not answered
      }
    }
  }
  EXPECT_TRUE(seen);
  const json::value criteria = GetJson(mission_.admin_token, "/api/v1/criteria");
  ASSERT_EQ(criteria.at("criteria").as_array().size(), 6U);
  bool v7 = false;
  for (const json::value& c : criteria.at("criteria").as_array()) {
    for (const json::value& q : c.at("questions").as_array()) {
      if (q.at("question") == "V7") {
        EXPECT_EQ(c.at("criterion"), "universality");
        EXPECT_EQ(q.at("negative").as_int64(), 2);
        v7 = true;
      }
    }
  }
  EXPECT_TRUE(v7);
}

TEST_F(FindingsApiTest, StatementAsMarkdownAndCsv) {
  PostThree();
  auto analyst = server_->Client(mission_.analyst_token);
  auto md = analyst->Get("/api/v1/report/statement?format=md");
  ASSERT_EQ(md->status, 200) << md->body;
  EXPECT_NE(md->body.find("| How many voters were turned away? (V7) | > 0 | 67% | 3 |"),
            std::string::npos)
      << md->body;
  EXPECT_NE(md->body.find("not a random sample"), std::string::npos);
  // By region (level 0: two top-level regions): R1 1 of 2, R2 1 of 1.
  EXPECT_NE(md->body.find("| How many voters were turned away? (V7) | 50% (n=2) | 100% (n=1) |"),
            std::string::npos)
      << md->body;
  auto csv = analyst->Get("/api/v1/report/statement?format=csv");
  ASSERT_EQ(csv->status, 200);
  EXPECT_EQ(csv->body.substr(0, csv->body.find("\r\n")),
            "section,form,phase,area_code,area_name,question,label,negative_answers,negative,n,"
            "share");
  EXPECT_NE(csv->body.find("phase,V,voting,,,V7,How many voters were turned away?,> 0,2,3,0.6667"),
            std::string::npos)
      << csv->body;
}

TEST_F(FindingsApiTest, CsvOfABreakdown) {
  PostThree();
  auto admin = server_->Client(mission_.admin_token);
  admin->set_header("Accept", "text/csv");
  auto res = admin->Get("/api/v1/findings?form=V&question=V7&level=0");
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->headers["content-type"], "text/csv; charset=utf-8; header=present");
  EXPECT_NE(res->body.find("V,R1,"), std::string::npos) << res->body;
}

TEST_F(FindingsApiTest, BadFiltersAreNamed) {
  const json::value bad = GetJson(mission_.admin_token,
                                  "/api/v1/findings?form=V&question=V7&urban_rural=suburban", 422);
  EXPECT_NE(json::value_to<std::string>(bad.at("message")).find("urban_rural"), std::string::npos);
  GetJson(mission_.admin_token, "/api/v1/findings?form=V&question=VC", 404);  // free text
  GetJson(mission_.admin_token, "/api/v1/findings?form=V&question=V7&from=yesterday", 422);
  const json::value no_sample =
      GetJson(mission_.admin_token, "/api/v1/findings/summary?sample=pvt", 404);
  EXPECT_NE(json::value_to<std::string>(no_sample.at("message")).find("PVT"), std::string::npos);
}

TEST_F(FindingsApiTest, ReportStatementCommandWritesMarkdownCsvAndXlsx) {
  PostThree();
  server_.reset();  // the CLI reads the store itself
  const ProcessResult md = RunVigil({"report", "statement", "--data", Dir()});
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_NE(md.out.find("| How many voters were turned away? (V7) | > 0 | 67% | 3 |"),
            std::string::npos)
      << md.out;
  const ProcessResult csv =
      RunVigil({"report", "statement", "--data", Dir(), "--format", "csv", "--level", "0"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  // R2: PS-11 only, 5 voters turned away.
  EXPECT_NE(csv.out.find("region,V,voting,R2,"), std::string::npos) << csv.out;
  const std::string xlsx = mission_.dir.path() + "/statement.xlsx";
  const ProcessResult x =
      RunVigil({"report", "statement", "--data", Dir(), "--format", "xlsx", "--out", xlsx});
  ASSERT_EQ(x.exit_code, 0) << x.err;
  std::ifstream in(xlsx, std::ios::binary);
  std::string magic(2, '\0');
  in.read(magic.data(), 2);
  EXPECT_EQ(magic, "PK");  // a zip container, as every .xlsx
  const ProcessResult no_file =
      RunVigil({"report", "statement", "--data", Dir(), "--format", "xlsx"});
  EXPECT_EQ(no_file.exit_code, 3);
  EXPECT_NE(no_file.err.find("--out"), std::string::npos);
  const ProcessResult bad =
      RunVigil({"report", "statement", "--data", Dir(), "--urban-rural", "suburban"});
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find("urban_rural"), std::string::npos);
}

}  // namespace
}  // namespace vigil::testing
