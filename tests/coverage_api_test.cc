// Live coverage and conflicts through the HTTP API (api/coverage_routes.h):
// a real server on the test mission (tests/support/test_mission.h: OBS-1 and
// OBS-2 at PS-01..PS-10 in R1, OBS-3 and OBS-4 at PS-11..PS-20 in R2, the
// coordinator limited to R2).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>

#include "support/test_mission.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

class CoverageApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mission_.Create();
    server_ = std::make_unique<RunningServer>(mission_.dir.path() + "/mission");
    admin_ = server_->Client(mission_.admin_token);
  }

  void Post(const std::string& body) {
    auto res = admin_->PostJson("/api/v1/submissions", body);
    ASSERT_TRUE(res.has_value());
    ASSERT_EQ(res->status, 201) << res->body;
  }

  json::value Get(const std::string& token, const std::string& target, int status = 200) {
    auto res = server_->Client(token)->Get(target);
    EXPECT_TRUE(res.has_value());
    if (!res) return nullptr;
    EXPECT_EQ(res->status, status) << target << ": " << res->body;
    return json::parse(res->body);
  }

  // POSTs a resolution as `token`; returns the answer's status and body.
  std::pair<int, json::value> Resolve(const std::string& token, const json::object& body) {
    auto res = server_->Client(token)->PostJson("/api/v1/conflicts/resolve", json::serialize(body));
    EXPECT_TRUE(res.has_value());
    if (!res) return {0, nullptr};
    return {res->status, json::parse(res->body)};
  }

  static std::vector<std::string> Codes(const json::value& list, const char* key) {
    std::vector<std::string> out;
    for (const json::value& item : list.as_array()) out.emplace_back(item.at(key).as_string());
    return out;
  }

  // OBS-1 and OBS-2 copy the protocol at PS-01 differently: votes for Alpha
  // 300 and 310, for Beta 290 and 280; every other figure agrees.
  void TwoCopiesDisagree() {
    Post(CountingSubmission("uuid:c1", "OBS-1", "PS-01", {}));
    Post(CountingSubmission("uuid:c2", "OBS-2", "PS-01", {.alpha = 310, .beta = 280}));
  }

  TestMission mission_;
  std::unique_ptr<RunningServer> server_;
  std::unique_ptr<api::HttpClient> admin_;
};

TEST_F(CoverageApiTest, DisagreeingCopiesAreAConflictPerQuestion) {
  TwoCopiesDisagree();
  Post(CountingSubmission("uuid:c3", "OBS-3", "PS-11", {}));  // alone: no conflict
  const json::value v = Get(mission_.analyst_token, "/api/v1/conflicts?form=C");
  EXPECT_EQ(v.at("stations"), 1);
  const json::array& conflicts = v.at("conflicts").as_array();
  ASSERT_EQ(conflicts.size(), 2u) << v;
  EXPECT_EQ(conflicts[0].at("station"), "PS-01");
  EXPECT_EQ(conflicts[0].at("question"), "P1");
  EXPECT_EQ(conflicts[0].at("status"), "open");
  EXPECT_TRUE(conflicts[0].at("resolution").is_null());
  EXPECT_EQ(conflicts[0].at("answers"),
            json::parse(R"([{"instance_id":"uuid:c1","observer":"OBS-1","value":300},)"
                        R"({"instance_id":"uuid:c2","observer":"OBS-2","value":310}])"));
  EXPECT_EQ(conflicts[1].at("question"), "P2");
}

TEST_F(CoverageApiTest, ResolutionsCloseConflictsAndMakeTheMasterRecord) {
  TwoCopiesDisagree();
  auto [status, chosen] = Resolve(mission_.analyst_token, {{"station", "PS-01"},
                                                           {"form", "C"},
                                                           {"question", "P1"},
                                                           {"instance_id", "uuid:c2"},
                                                           {"note", "the photo shows 310"}});
  ASSERT_EQ(status, 201) << chosen;
  EXPECT_EQ(chosen.at("instance_id"), "uuid:c2");
  EXPECT_EQ(chosen.at("note"), "the photo shows 310");
  EXPECT_EQ(chosen.at("by").as_string().find("analyst"), chosen.at("by").as_string().size() - 7);
  EXPECT_EQ(Get(mission_.analyst_token, "/api/v1/conflicts?form=C&status=open")
                .at("conflicts")
                .as_array()
                .size(),
            1u);
  auto [status2, override] = Resolve(mission_.admin_token, {{"station", "PS-01"},
                                                            {"form", "C"},
                                                            {"question", "P2"},
                                                            {"value", 285},
                                                            {"note", "district recount"}});
  ASSERT_EQ(status2, 201) << override;
  EXPECT_TRUE(override.at("instance_id").is_null());
  EXPECT_EQ(override.at("value"), 285);

  EXPECT_TRUE(Get(mission_.analyst_token, "/api/v1/conflicts?status=open")
                  .at("conflicts")
                  .as_array()
                  .empty());
  const json::value resolved = Get(mission_.analyst_token, "/api/v1/conflicts?status=resolved");
  ASSERT_EQ(resolved.at("conflicts").as_array().size(), 2u);
  EXPECT_EQ(resolved.at("conflicts").at(1).at("resolution").at("value"), 285);

  const json::value master = Get(mission_.analyst_token, "/api/v1/stations/PS-01/master?form=C");
  EXPECT_EQ(master.at("reports"), json::parse(R"(["uuid:c1","uuid:c2"])"));
  std::map<std::string, json::value> by_question;
  for (const json::value& a : master.at("answers").as_array()) {
    by_question[std::string(a.at("question").as_string())] = a;
  }
  EXPECT_EQ(by_question["CV"].at("value"), 590);
  EXPECT_EQ(by_question["CV"].at("source"), "agreed");
  EXPECT_EQ(by_question["CV"].at("from"), json::parse(R"(["uuid:c1","uuid:c2"])"));
  EXPECT_EQ(by_question["P1"].at("value"), 310);
  EXPECT_EQ(by_question["P1"].at("source"), "chosen");
  EXPECT_EQ(by_question["P1"].at("from"), json::parse(R"(["uuid:c2"])"));
  EXPECT_EQ(by_question["P2"].at("value"), 285);
  EXPECT_EQ(by_question["P2"].at("source"), "override");
  EXPECT_EQ(by_question["P2"].at("resolution").at("note"), "district recount");

  // Each resolution is in the audit log.
  int audited = 0;
  ASSERT_TRUE(server_->server()
                  .service()
                  .store()
                  .ForEachAuditEntry([&](const core::AuditEntry& e) {
                    if (e.action == "conflict.resolve") {
                      EXPECT_EQ(e.subject, "station:PS-01/form:C");
                      ++audited;
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(audited, 2);
}

TEST_F(CoverageApiTest, AnEditThatAgreesEndsTheConflictAndReopensAChoiceOfTheOldVersion) {
  TwoCopiesDisagree();
  ASSERT_EQ(
      Resolve(mission_.analyst_token,
              {{"station", "PS-01"}, {"form", "C"}, {"question", "P2"}, {"instance_id", "uuid:c2"}})
          .first,
      201);
  // OBS-2 corrects Alpha to 300 but now gives Beta 270: P1 agrees, and P2's
  // resolution chose a version that is no longer current.
  json::value edit =
      json::parse(CountingSubmission("uuid:c2b", "OBS-2", "PS-01", {.alpha = 300, .beta = 270}));
  edit.as_object()["replaces"] = "uuid:c2";
  Post(json::serialize(edit));
  const json::value v = Get(mission_.analyst_token, "/api/v1/conflicts?form=C");
  ASSERT_EQ(v.at("conflicts").as_array().size(), 1u) << v;
  EXPECT_EQ(v.at("conflicts").at(0).at("question"), "P2");
  EXPECT_EQ(v.at("conflicts").at(0).at("status"), "open");
  EXPECT_EQ(v.at("conflicts").at(0).at("answers").at(1).at("instance_id"), "uuid:c2b");
}

TEST_F(CoverageApiTest, BadResolutionsAreRefusedWithTheProblemNamed) {
  TwoCopiesDisagree();
  const std::string& token = mission_.analyst_token;
  const auto problem = [&](const json::object& body, int status) {
    auto [got, answer] = Resolve(token, body);
    EXPECT_EQ(got, status) << answer;
    return json::serialize(answer);
  };
  const json::object base{{"station", "PS-01"}, {"form", "C"}, {"question", "P1"}};
  const auto with = [&](std::initializer_list<std::pair<std::string, json::value>> fields) {
    json::object o = base;
    for (const auto& [k, v] : fields) o[k] = v;
    return o;
  };
  EXPECT_NE(problem(with({}), 422).find("either instance_id"), std::string::npos);
  EXPECT_NE(problem(with({{"instance_id", "uuid:c1"}, {"value", 1}, {"note", "n"}}), 422)
                .find("either instance_id"),
            std::string::npos);
  EXPECT_NE(problem(with({{"value", 305}}), 422).find("needs a note"), std::string::npos);
  EXPECT_NE(problem(with({{"value", "many"}, {"note", "n"}}), 422).find("value: "),
            std::string::npos);
  EXPECT_NE(problem(with({{"instance_id", "uuid:nope"}}), 422).find("uuid:nope"),
            std::string::npos);
  EXPECT_NE(problem(with({{"colour", "red"}}), 422).find("colour"), std::string::npos);
  json::object no_station = base;
  no_station.erase("station");
  EXPECT_NE(problem(no_station, 422).find("station"), std::string::npos);
  EXPECT_NE(problem(with({{"question", "ZZ"}, {"instance_id", "uuid:c1"}}), 404).find("ZZ"),
            std::string::npos);
  EXPECT_NE(problem(with({{"station", "PS-99"}, {"instance_id", "uuid:c1"}}), 404).find("PS-99"),
            std::string::npos);
  // CV agrees: nothing to resolve.
  EXPECT_NE(problem(with({{"question", "CV"}, {"instance_id", "uuid:c1"}}), 409).find("CV"),
            std::string::npos);
}

TEST_F(CoverageApiTest, CoordinatorsSeeTheirRegionsConflictsAndMayNotResolve) {
  TwoCopiesDisagree();  // at PS-01, in R1
  Post(CountingSubmission("uuid:s1", "OBS-3", "PS-11", {}));
  Post(CountingSubmission("uuid:s2", "OBS-4", "PS-11", {.valid = 580, .alpha = 290}));
  const std::string& coordinator = mission_.coordinator_token;
  const json::value mine = Get(coordinator, "/api/v1/conflicts");
  EXPECT_EQ(Codes(mine.at("conflicts"), "station"),
            (std::vector<std::string>{"PS-11", "PS-11", "PS-11"}));  // CF, CV, P1
  EXPECT_EQ(
      Get(mission_.analyst_token, "/api/v1/conflicts?region=R1").at("conflicts").as_array().size(),
      2u);
  Get(coordinator, "/api/v1/conflicts?region=R1", 404);
  Get(coordinator, "/api/v1/stations/PS-01/master", 404);
  EXPECT_EQ(Get(coordinator, "/api/v1/stations/PS-11/master").at("reports").as_array().size(), 2u);
  EXPECT_EQ(
      Resolve(coordinator,
              {{"station", "PS-11"}, {"form", "C"}, {"question", "CV"}, {"instance_id", "uuid:s1"}})
          .first,
      403);
  Get(mission_.viewer_token, "/api/v1/conflicts", 403);
  Get(mission_.analyst_token, "/api/v1/conflicts?form=Q", 404);
  Get(mission_.analyst_token, "/api/v1/conflicts?status=closed", 422);
}

TEST_F(CoverageApiTest, MissingReportsArePagedAndFilteredByRegion) {
  Post(ValidSubmission("uuid:v1", "OBS-1", "PS-01"));
  Post(ValidSubmission("uuid:v2", "OBS-3", "PS-12"));
  const json::value all = Get(mission_.analyst_token, "/api/v1/coverage/missing?form=V&limit=5");
  EXPECT_EQ(all.at("total"), 18);
  EXPECT_EQ(Codes(all.at("stations"), "code"),
            (std::vector<std::string>{"PS-02", "PS-03", "PS-04", "PS-05", "PS-06"}));
  EXPECT_EQ(all.at("stations").at(0).at("observers"), json::parse(R"(["OBS-1","OBS-2"])"));
  const json::value last =
      Get(mission_.analyst_token, "/api/v1/coverage/missing?offset=15&limit=5");
  EXPECT_EQ(Codes(last.at("stations"), "code"),
            (std::vector<std::string>{"PS-18", "PS-19", "PS-20"}));
  const json::value r2 = Get(mission_.analyst_token, "/api/v1/coverage/missing?region=R2-D1");
  EXPECT_EQ(Codes(r2.at("stations"), "code"),
            (std::vector<std::string>{"PS-11", "PS-13", "PS-14", "PS-15"}));
  EXPECT_EQ(Get(mission_.coordinator_token, "/api/v1/coverage/missing").at("total"), 9);
  Get(mission_.coordinator_token, "/api/v1/coverage/missing?region=R1", 404);
  EXPECT_EQ(Get(mission_.analyst_token, "/api/v1/coverage/missing?form=O").at("total"), 20);
  Get(mission_.analyst_token, "/api/v1/coverage/missing?limit=0", 422);
  Get(mission_.viewer_token, "/api/v1/coverage/missing", 403);  // names observers
}

TEST_F(CoverageApiTest, ObserversWhoHaveNotCheckedInOrReported) {
  Post(ValidSubmission("uuid:v1", "OBS-1", "PS-01"));
  Post(CountingSubmission("uuid:c3", "OBS-3", "PS-11", {}));
  const json::value all = Get(mission_.analyst_token, "/api/v1/coverage/observers?form=V");
  EXPECT_EQ(all.at("observers_total"), 4);
  EXPECT_EQ(all.at("not_checked_in"), 2);  // OBS-2, OBS-4
  EXPECT_EQ(all.at("not_reported"), 3);    // of form V: all but OBS-1
  EXPECT_EQ(all.at("observers").at(2).at("code"), "OBS-3");
  EXPECT_EQ(all.at("observers").at(2).at("checked_in"), true);
  EXPECT_EQ(all.at("observers").at(2).at("form_reports"), 0);
  EXPECT_TRUE(all.at("observers").at(1).at("last_report").is_null());
  EXPECT_EQ(Codes(Get(mission_.analyst_token, "/api/v1/coverage/observers?status=not_checked_in")
                      .at("observers"),
                  "code"),
            (std::vector<std::string>{"OBS-2", "OBS-4"}));
  EXPECT_EQ(Codes(Get(mission_.coordinator_token, "/api/v1/coverage/observers?status=not_reported")
                      .at("observers"),
                  "code"),
            (std::vector<std::string>{"OBS-3", "OBS-4"}));
  Get(mission_.analyst_token, "/api/v1/coverage/observers?status=late", 422);
}

TEST_F(CoverageApiTest, TimelineAndPerFormCoverageCountCurrentReports) {
  Post(ValidSubmission("uuid:v1", "OBS-1", "PS-01"));
  Post(ValidSubmission("uuid:v2", "OBS-2", "PS-01"));
  Post(ValidSubmission("uuid:v3", "OBS-3", "PS-12"));
  const json::value t = Get(mission_.viewer_token, "/api/v1/coverage/timeline?minutes=60");
  EXPECT_EQ(t.at("minutes"), 60);
  const json::array& buckets = t.at("buckets").as_array();
  ASSERT_FALSE(buckets.empty());
  ASSERT_LE(buckets.size(), 2u);  // received within the test, maybe across an hour
  EXPECT_EQ(buckets.back().at("cumulative"), 3);
  EXPECT_EQ(Get(mission_.coordinator_token, "/api/v1/coverage/timeline")
                .at("buckets")
                .as_array()
                .back()
                .at("cumulative"),
            1);
  EXPECT_TRUE(Get(mission_.viewer_token, "/api/v1/coverage/timeline?form=O")
                  .at("buckets")
                  .as_array()
                  .empty());
  Get(mission_.viewer_token, "/api/v1/coverage/timeline?minutes=0", 422);

  const json::value forms = Get(mission_.viewer_token, "/api/v1/coverage/forms");
  for (const json::value& f : forms.at("forms").as_array()) {
    SCOPED_TRACE(json::serialize(f));
    EXPECT_EQ(f.at("stations"), 20);
    EXPECT_EQ(f.at("planned"), 20);
    EXPECT_EQ(f.at("reported"), f.at("form") == "V" ? 2 : 0);
    EXPECT_EQ(f.at("reports"), f.at("form") == "V" ? 3 : 0);
  }
  EXPECT_EQ(Codes(forms.at("forms"), "form").size(), 5u);
}

TEST_F(CoverageApiTest, AnEditReplacesTheReportItEditsAsItArrives) {
  Post(ValidSubmission("uuid:v1", "OBS-1", "PS-01"));
  json::value edit = json::parse(ValidSubmission("uuid:v1b", "OBS-1", "PS-01", 2));
  edit.as_object()["replaces"] = "uuid:v1";
  Post(json::serialize(edit));
  const json::value observers = Get(mission_.analyst_token, "/api/v1/coverage/observers");
  EXPECT_EQ(observers.at("observers").at(0).at("reports"), 1);
  const json::value forms = Get(mission_.analyst_token, "/api/v1/coverage/forms");
  for (const json::value& f : forms.at("forms").as_array()) {
    if (f.at("form") != "V") continue;
    EXPECT_EQ(f.at("reported"), 1);
    EXPECT_EQ(f.at("reports"), 1);
  }
  EXPECT_EQ(Get(mission_.analyst_token, "/api/v1/coverage/missing").at("total"), 19);
  EXPECT_EQ(Get(mission_.analyst_token, "/api/v1/coverage/timeline")
                .at("buckets")
                .as_array()
                .back()
                .at("cumulative"),
            1);
}

// /api/v1/coverage answers from LiveReports' counts by station index: an
// edit that moves a report to another district moves it in the breakdown,
// and the counts loaded at start agree with those kept as reports arrive.
TEST_F(CoverageApiTest, CoverageByAreaFollowsAnEditThatMovesTheReport) {
  Post(ValidSubmission("uuid:v1", "OBS-1", "PS-01"));
  Post(ValidSubmission("uuid:v2", "OBS-2", "PS-02"));
  Post(ValidSubmission("uuid:v3", "OBS-3", "PS-12"));
  using Counts = std::map<std::string, std::int64_t>;
  // Reported stations in all ("") and per area at `depth`.
  const auto reported = [&](const std::string& token, int depth) {
    const json::value v = Get(token, "/api/v1/coverage?depth=" + std::to_string(depth));
    Counts out{{"", v.at("reported").as_int64()}};
    for (const json::value& a : v.at("areas").as_array()) {
      EXPECT_EQ(a.at("stations"), depth == 0 ? 10 : 5);
      EXPECT_EQ(a.at("planned"), a.at("stations"));
      out[std::string(a.at("code").as_string())] = a.at("reported").as_int64();
    }
    EXPECT_EQ(v.at("reports"), out.at(""));  // one report per station here
    return out;
  };
  EXPECT_EQ(reported(mission_.viewer_token, 0), (Counts{{"", 3}, {"R1", 2}, {"R2", 1}}));
  EXPECT_EQ(reported(mission_.viewer_token, 1),
            (Counts{{"", 3}, {"R1-D1", 2}, {"R1-D2", 0}, {"R2-D1", 1}, {"R2-D2", 0}}));
  // v2 was sent for the wrong station: its edit says PS-07 (in R1-D2).
  json::value edit = json::parse(ValidSubmission("uuid:v2b", "OBS-2", "PS-07", 2));
  edit.as_object()["replaces"] = "uuid:v2";
  Post(json::serialize(edit));
  const Counts moved{{"", 3}, {"R1-D1", 1}, {"R1-D2", 1}, {"R2-D1", 1}, {"R2-D2", 0}};
  EXPECT_EQ(reported(mission_.viewer_token, 1), moved);
  EXPECT_EQ(reported(mission_.coordinator_token, 1), (Counts{{"", 1}, {"R2-D1", 1}, {"R2-D2", 0}}));
  EXPECT_EQ(Get(mission_.viewer_token, "/api/v1/coverage?form=O").at("reported"), 0);
  admin_.reset();
  server_.reset();
  server_ = std::make_unique<RunningServer>(mission_.dir.path() + "/mission");
  EXPECT_EQ(reported(mission_.viewer_token, 1), moved);
}

TEST_F(CoverageApiTest, LiveReportsAreLoadedFromTheStoreWhenTheServerStarts) {
  TwoCopiesDisagree();
  Post(ValidSubmission("uuid:v1", "OBS-1", "PS-01"));
  json::value edit = json::parse(ValidSubmission("uuid:v1b", "OBS-1", "PS-01", 2));
  edit.as_object()["replaces"] = "uuid:v1";
  Post(json::serialize(edit));
  admin_.reset();
  server_.reset();
  server_ = std::make_unique<RunningServer>(mission_.dir.path() + "/mission");
  EXPECT_EQ(Get(mission_.analyst_token, "/api/v1/conflicts").at("conflicts").as_array().size(), 2u);
  const json::value observers = Get(mission_.analyst_token, "/api/v1/coverage/observers");
  EXPECT_EQ(observers.at("observers").at(0).at("reports"), 2);  // c1 and v1b, not v1
  EXPECT_EQ(observers.at("observers").at(0).at("form_reports"), 1);
}

}  // namespace
}  // namespace vigil::testing
