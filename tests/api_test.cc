// The HTTP API end to end: a real server on a free port, a real client.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "analysis/forensics.h"
#include "ingest/results_reader.h"
#include "service/forms.h"
#include "support/test_mission.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;
using boost::beast::http::verb;

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mission_.Create();
    server_ = std::make_unique<RunningServer>(mission_.dir.path() + "/mission");
  }

  std::int64_t StoredCount() { return *server_->server().service().store().CountSubmissions(); }

  TestMission mission_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(ApiTest, HealthzNeedsNoToken) {
  auto res = server_->Client("")->Get("/healthz");
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body).at("status"), "ok");
}

TEST_F(ApiTest, SubmissionIsStoredAndReturned201) {
  auto client = server_->Client(mission_.admin_token);
  auto res = client->PostJson("/api/v1/submissions", ValidSubmission("uuid:a1"));
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(json::parse(res->body).at("status"), "stored");
  EXPECT_EQ(res->headers["location"], "/api/v1/submissions/uuid:a1");
  EXPECT_EQ(StoredCount(), 1);
}

TEST_F(ApiTest, IdenticalRetryIs201AndStoredOnce) {
  auto client = server_->Client(mission_.admin_token);
  ASSERT_EQ(client->PostJson("/api/v1/submissions", ValidSubmission("uuid:r1"))->status, 201);
  auto again = client->PostJson("/api/v1/submissions", ValidSubmission("uuid:r1"));
  EXPECT_EQ(again->status, 201);
  EXPECT_EQ(json::parse(again->body).at("status"), "duplicate");
  EXPECT_EQ(StoredCount(), 1);
}

TEST_F(ApiTest, RetryWithReorderedKeysIsStillADuplicate) {
  auto client = server_->Client(mission_.admin_token);
  ASSERT_EQ(client->PostJson("/api/v1/submissions", ValidSubmission("uuid:r2"))->status, 201);
  json::value v = json::parse(ValidSubmission("uuid:r2"));
  json::object reordered;
  for (auto it = v.as_object().end(); it != v.as_object().begin();) {
    --it;
    reordered[it->key()] = it->value();
  }
  EXPECT_EQ(client->PostJson("/api/v1/submissions", json::serialize(reordered))->status, 201);
  EXPECT_EQ(StoredCount(), 1);
}

TEST_F(ApiTest, SameInstanceIdWithDifferentBodyIs409) {
  auto client = server_->Client(mission_.admin_token);
  ASSERT_EQ(client->PostJson("/api/v1/submissions", ValidSubmission("uuid:c1"))->status, 201);
  auto res =
      client->PostJson("/api/v1/submissions", ValidSubmission("uuid:c1", "OBS-1", "PS-01", 5));
  EXPECT_EQ(res->status, 409);
  EXPECT_EQ(json::parse(res->body).at("error"), "CONFLICT");
  EXPECT_EQ(StoredCount(), 1);
}

TEST_F(ApiTest, InvalidSubmissionIs422WithFieldErrorsAndNothingStored) {
  auto client = server_->Client(mission_.admin_token);
  std::string body = ValidSubmission("uuid:v1", "OBS-1", "PS-99", 9999);
  auto res = client->PostJson("/api/v1/submissions", body);
  ASSERT_EQ(res->status, 422) << res->body;
  const json::value v = json::parse(res->body);
  std::set<std::string> fields;
  for (const auto& f : v.at("fields").as_array())
    fields.insert(std::string(f.at("field").as_string()));
  EXPECT_TRUE(fields.contains("station"));
  EXPECT_TRUE(fields.contains("answers.V7"));
  EXPECT_EQ(StoredCount(), 0);
}

TEST_F(ApiTest, UnknownQuestionAndWrongTypeAreNamed) {
  auto client = server_->Client(mission_.admin_token);
  json::value v = json::parse(ValidSubmission("uuid:v2"));
  v.as_object()["answers"].as_object()["ZZ9"] = "yes";
  v.as_object()["answers"].as_object()["V1"] = 1;
  auto res = client->PostJson("/api/v1/submissions", json::serialize(v));
  ASSERT_EQ(res->status, 422);
  const std::string body = res->body;
  EXPECT_NE(body.find("answers.ZZ9"), std::string::npos);
  EXPECT_NE(body.find("unknown question code"), std::string::npos);
  EXPECT_NE(body.find("answers.V1"), std::string::npos);
}

TEST_F(ApiTest, ObserverNotAssignedToStationIs422) {
  auto client = server_->Client(mission_.admin_token);
  auto res = client->PostJson("/api/v1/submissions", ValidSubmission("uuid:v3", "OBS-1", "PS-15"));
  ASSERT_EQ(res->status, 422);
  EXPECT_NE(res->body.find("is not assigned to station"), std::string::npos);
}

TEST_F(ApiTest, MalformedJsonIs400AndNothingStored) {
  auto client = server_->Client(mission_.admin_token);
  auto res = client->PostJson("/api/v1/submissions", R"({"instance_id": "uuid:x", )");
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("not valid JSON"), std::string::npos);
  EXPECT_EQ(StoredCount(), 0);
}

TEST_F(ApiTest, WrongContentTypeIs415) {
  auto client = server_->Client(mission_.admin_token);
  auto res =
      client->Send(verb::post, "/api/v1/submissions", ValidSubmission("uuid:t1"), "text/plain");
  EXPECT_EQ(res->status, 415);
  EXPECT_EQ(StoredCount(), 0);
}

TEST_F(ApiTest, TenMegabyteBodyIs413AndNothingStored) {
  auto client = server_->Client(mission_.admin_token);
  std::string huge = ValidSubmission("uuid:big");
  huge.insert(huge.size() - 2, ",\"VC\":\"" + std::string(10 << 20, 'x') + "\"");
  auto res = client->PostJson("/api/v1/submissions", huge);
  ASSERT_TRUE(res.has_value()) << res.error().ToString();
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(StoredCount(), 0);
  // The server is fine afterwards.
  EXPECT_EQ(server_->Client(mission_.admin_token)->Get("/healthz")->status, 200);
}

TEST_F(ApiTest, MissingTokenIs401WithChallenge) {
  auto res = server_->Client("")->PostJson("/api/v1/submissions", ValidSubmission("uuid:n1"));
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(res->headers["www-authenticate"], "Bearer realm=\"vigil\"");
  EXPECT_EQ(StoredCount(), 0);
}

TEST_F(ApiTest, InvalidTokenIs401AndNothingStored) {
  auto res = server_->Client("vgl_" + std::string(43, 'A'))
                 ->PostJson("/api/v1/submissions", ValidSubmission("uuid:n2"));
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(json::parse(res->body).at("message"), "invalid or expired token");
  EXPECT_EQ(StoredCount(), 0);
}

TEST_F(ApiTest, ViewerMayNotSubmit) {
  auto res = server_->Client(mission_.viewer_token)
                 ->PostJson("/api/v1/submissions", ValidSubmission("uuid:n3"));
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(StoredCount(), 0);
}

TEST_F(ApiTest, ObserverTokenSubmitsOnlyAsItsObserver) {
  auto client = server_->Client(mission_.observer1_token);
  EXPECT_EQ(client->PostJson("/api/v1/submissions", ValidSubmission("uuid:o1"))->status, 201);
  auto res = client->PostJson("/api/v1/submissions", ValidSubmission("uuid:o2", "OBS-2"));
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(StoredCount(), 1);
}

TEST_F(ApiTest, EditCreatesNewVersionAndKeepsHistory) {
  auto client = server_->Client(mission_.admin_token);
  ASSERT_EQ(client->PostJson("/api/v1/submissions", ValidSubmission("uuid:e1"))->status, 201);
  json::value edit = json::parse(ValidSubmission("uuid:e2", "OBS-1", "PS-01", 3));
  edit.as_object()["replaces"] = "uuid:e1";
  ASSERT_EQ(client->PostJson("/api/v1/submissions", json::serialize(edit))->status, 201);

  for (const std::string id : {"uuid:e1", "uuid:e2"}) {
    auto res = client->Get("/api/v1/submissions/" + id);
    ASSERT_EQ(res->status, 200);
    const json::value v = json::parse(res->body);
    EXPECT_EQ(v.at("instance_id"), "uuid:e2");
    EXPECT_EQ(v.at("current").at("answers").at("V7"), 3);
    ASSERT_EQ(v.at("history").as_array().size(), 2u);
    EXPECT_EQ(v.at("history").at(0).at("superseded_by"), "uuid:e2");
  }
}

TEST_F(ApiTest, EditingAReplacedVersionIs409) {
  auto client = server_->Client(mission_.admin_token);
  ASSERT_EQ(client->PostJson("/api/v1/submissions", ValidSubmission("uuid:f1"))->status, 201);
  json::value edit = json::parse(ValidSubmission("uuid:f2", "OBS-1", "PS-01", 3));
  edit.as_object()["replaces"] = "uuid:f1";
  ASSERT_EQ(client->PostJson("/api/v1/submissions", json::serialize(edit))->status, 201);
  edit.as_object()["instance_id"] = "uuid:f3";
  EXPECT_EQ(client->PostJson("/api/v1/submissions", json::serialize(edit))->status, 409);
}

TEST_F(ApiTest, UnknownSubmissionIs404) {
  EXPECT_EQ(server_->Client(mission_.admin_token)->Get("/api/v1/submissions/uuid:none")->status,
            404);
}

TEST_F(ApiTest, ObserverCannotReadOthersSubmissions) {
  ASSERT_EQ(server_->Client(mission_.admin_token)
                ->PostJson("/api/v1/submissions", ValidSubmission("uuid:p1", "OBS-2"))
                ->status,
            201);
  EXPECT_EQ(server_->Client(mission_.observer1_token)->Get("/api/v1/submissions/uuid:p1")->status,
            404);
  EXPECT_EQ(server_->Client(mission_.analyst_token)->Get("/api/v1/submissions/uuid:p1")->status,
            200);
}

TEST_F(ApiTest, ValidateRouteChecksButStoresNothing) {
  auto client = server_->Client(mission_.admin_token);
  auto ok = client->PostJson("/api/v1/submissions/validate", ValidSubmission("uuid:d1"));
  EXPECT_EQ(ok->status, 200);
  auto bad = client->PostJson("/api/v1/submissions/validate",
                              ValidSubmission("uuid:d2", "OBS-1", "PS-01", -1));
  EXPECT_EQ(bad->status, 422);
  EXPECT_EQ(StoredCount(), 0);
}

TEST_F(ApiTest, FormsAreListedWithQuestions) {
  auto client = server_->Client(mission_.viewer_token);
  auto list = client->Get("/api/v1/forms");
  ASSERT_EQ(list->status, 200);
  EXPECT_EQ(json::parse(list->body).at("forms").at(0).at("code"), "V");
  auto form = client->Get("/api/v1/forms/V");
  ASSERT_EQ(form->status, 200);
  const json::value v = json::parse(form->body);
  EXPECT_EQ(v.at("questions").at(1).at("code"), "V1");
  EXPECT_EQ(client->Get("/api/v1/forms/NOPE")->status, 404);
  EXPECT_EQ(client->Get("/api/v1/forms/V?version=0.0")->status, 404);
}

TEST_F(ApiTest, CoverageCountsCurrentReportsByRegion) {
  auto client = server_->Client(mission_.admin_token);
  ASSERT_EQ(
      client->PostJson("/api/v1/submissions", ValidSubmission("uuid:g1", "OBS-1", "PS-01"))->status,
      201);
  ASSERT_EQ(
      client->PostJson("/api/v1/submissions", ValidSubmission("uuid:g2", "OBS-2", "PS-01"))->status,
      201);
  ASSERT_EQ(
      client->PostJson("/api/v1/submissions", ValidSubmission("uuid:g3", "OBS-3", "PS-12"))->status,
      201);
  auto res = server_->Client(mission_.viewer_token)->Get("/api/v1/coverage?depth=0");
  ASSERT_EQ(res->status, 200);
  const json::value v = json::parse(res->body);
  EXPECT_EQ(v.at("stations"), 20);
  EXPECT_EQ(v.at("reported"), 2);
  EXPECT_EQ(v.at("reports"), 3);
  EXPECT_EQ(v.at("areas").at(0).at("reported"), 1);
  EXPECT_EQ(v.at("areas").at(1).at("reported"), 1);
  EXPECT_EQ(server_->Client(mission_.viewer_token)->Get("/api/v1/coverage?depth=x")->status, 422);
}

TEST_F(ApiTest, MetricsNeedAdminAndCountSubmissions) {
  ASSERT_EQ(server_->Client(mission_.admin_token)
                ->PostJson("/api/v1/submissions", ValidSubmission("uuid:m1"))
                ->status,
            201);
  EXPECT_EQ(server_->Client(mission_.viewer_token)->Get("/metrics")->status, 403);
  // A request is counted once its answer is written, which the client may
  // see a moment before the server does.
  const std::string counted =
      R"(http_requests_total{route="/api/v1/submissions",method="POST",code="201"} 1)";
  auto res = server_->Client(mission_.admin_token)->Get("/metrics");
  for (int i = 0; i < 100 && res && res->body.find(counted) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    res = server_->Client(mission_.admin_token)->Get("/metrics");
  }
  ASSERT_EQ(res->status, 200);
  EXPECT_NE(res->body.find(counted), std::string::npos);
  EXPECT_NE(res->body.find("vigil_submissions_stored_total 1"), std::string::npos);
  EXPECT_NE(res->body.find("vigil_commit_batch_size_bucket"), std::string::npos);
  EXPECT_NE(res->body.find("http_request_duration_seconds_bucket"), std::string::npos);
}

// ---- Official results -------------------------------------------------------

class ApiResultsTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    auto read =
        ingest::ReadResultsFile(std::string(VIGIL_TEST_DATA_DIR) + "/ru_cec_2011_excerpt.csv.zip",
                                ingest::ResultsFormat::kRuCec);
    ASSERT_TRUE(read.has_value()) << read.error().ToString();
    table_ = read->table;
    auto saved = server_->server().service().store().SaveResultSet(
        {.name = "duma 2011", .source = "excerpt", .format = "ru-cec"}, table_, {"test"});
    ASSERT_TRUE(saved.has_value()) << saved.error().ToString();
  }

  // Polls `target` while it answers 202, as a client following Retry-After.
  Result<api::ClientResponse> Poll(const std::string& target) {
    auto client = server_->Client(mission_.analyst_token);
    for (int i = 0; i < 600; ++i) {
      auto res = client->Get(target);
      if (!res || res->status != 202) return res;
      EXPECT_EQ(res->headers["retry-after"], "2");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Fail(Status::Unavailable("the report was not ready within a minute"));
  }

  core::ResultsTable table_;
};

TEST_F(ApiResultsTest, ResultSetsAreListed) {
  auto res = server_->Client(mission_.viewer_token)->Get("/api/v1/results");
  ASSERT_EQ(res->status, 200);
  const json::value v = json::parse(res->body);
  ASSERT_EQ(v.at("result_sets").as_array().size(), 1u);
  EXPECT_EQ(v.at("result_sets").at(0).at("name"), "duma 2011");
  EXPECT_EQ(v.at("result_sets").at(0).at("stations"), table_.stations.size());
  EXPECT_EQ(v.at("result_sets").at(0).at("sha256").as_string(), ToHex(core::ResultsDigest(table_)));
}

TEST_F(ApiResultsTest, ForensicsReportIsTheSameAsOnTheFile) {
  auto res = Poll("/api/v1/results/duma%202011/forensics?seed=7&by=region");
  ASSERT_TRUE(res.has_value()) << res.error().ToString();
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->headers["content-type"], "application/json");
  analysis::ForensicsOptions options{.seed = 7, .by_level = 0};
  EXPECT_EQ(res->body,
            json::serialize(analysis::ForensicsToJson(analysis::RunForensics(table_, options))));

  auto html = Poll("/api/v1/results/duma%202011/forensics?seed=7&by=region&format=html");
  ASSERT_TRUE(html.has_value()) << html.error().ToString();
  ASSERT_EQ(html->status, 200);
  EXPECT_EQ(html->headers["content-type"], "text/html; charset=utf-8");
  EXPECT_NE(html->body.find("<section id=\"klimek\">"), std::string::npos);

  auto csv = Poll("/api/v1/results/duma%202011/forensics?seed=7&by=region&format=csv");
  ASSERT_TRUE(csv.has_value()) << csv.error().ToString();
  ASSERT_EQ(csv->status, 200);
  EXPECT_EQ(csv->body.rfind("method,area,quantity,statistic,value,", 0), 0u) << csv->body;
}

TEST_F(ApiResultsTest, ForensicsRefusesUnknownSetsLevelsAndSeeds) {
  auto client = server_->Client(mission_.analyst_token);
  EXPECT_EQ(client->Get("/api/v1/results/nothing/forensics")->status, 404);
  auto level = client->Get("/api/v1/results/duma%202011/forensics?by=oik");
  EXPECT_EQ(level->status, 422);
  EXPECT_NE(level->body.find("by=oik: the results have no such area level (they have: region, "
                             "tik)"),
            std::string::npos)
      << level->body;
  EXPECT_EQ(client->Get("/api/v1/results/duma%202011/forensics?seed=-1")->status, 422);
  EXPECT_EQ(client->Get("/api/v1/results/duma%202011/forensics?format=pdf")->status, 422);
}

TEST_F(ApiResultsTest, ForensicsNeedAnAnalystOrAdmin) {
  const std::string target = "/api/v1/results/duma%202011/forensics";
  EXPECT_EQ(server_->Client("")->Get(target)->status, 401);
  EXPECT_EQ(server_->Client(mission_.viewer_token)->Get(target)->status, 403);
  EXPECT_EQ(server_->Client(mission_.observer1_token)->Get(target)->status, 403);
  EXPECT_NE(server_->Client(mission_.admin_token)->Get(target)->status, 403);
}

// ---- Observers' copies and the live PVT ----------------------------------------

class ApiCopiesTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    auto client = server_->Client(mission_.admin_token);
    const auto post = [&](const std::string& id, const std::string& observer,
                          const std::string& station, ProtocolCopy copy) {
      auto res =
          client->PostJson("/api/v1/submissions", CountingSubmission(id, observer, station, copy));
      ASSERT_TRUE(res.has_value());
      ASSERT_EQ(res->status, 201) << res->body;
    };
    // Two observers at PS-01 disagree; the later copy is the right one.
    post("uuid:c1", "OBS-2", "PS-01", {.alpha = 310, .beta = 280});
    post("uuid:c2", "OBS-1", "PS-01", {});
    post("uuid:c3", "OBS-1", "PS-02", {});
    post("uuid:c4", "OBS-1", "PS-03", {});
    // Published: PS-01..PS-04 as copied; then PS-02 re-published with 50
    // votes moved from Alpha to Beta, and PS-03 dropped.
    core::ResultsTable preliminary;
    preliminary.area_levels = {"district"};
    preliminary.contestants = {"Alpha", "Beta"};
    for (const char* code : {"PS-01", "PS-02", "PS-03", "PS-04"}) {
      core::StationResult r;
      r.code = code;
      r.areas = {code < std::string("PS-03") ? "East" : "West"};
      r.registered = 1000;
      r.issued = 600;
      r.in_boxes = 600;
      r.valid = 590;
      r.invalid = 10;
      r.votes = {300, 290};
      preliminary.stations.push_back(r);
    }
    core::ResultsTable final_results = preliminary;
    final_results.stations[1].votes = {250, 340};
    final_results.stations.erase(final_results.stations.begin() + 2);
    storage::Store& store = server_->server().service().store();
    ASSERT_TRUE(store.SaveResultSet({.name = "preliminary"}, preliminary, {"test"}).has_value());
    ASSERT_TRUE(store.SaveResultSet({.name = "final"}, final_results, {"test"}).has_value());
  }
};

TEST_F(ApiCopiesTest, CopiesAreComparedWithTheOfficialResultsAndTheEarlierPublication) {
  auto res = server_->Client(mission_.analyst_token)
                 ->Get("/api/v1/results/final/copies?previous=preliminary&by=district");
  ASSERT_EQ(res->status, 200) << res->body;
  const json::value v = json::parse(res->body);
  EXPECT_EQ(v.at("submissions"), 4);
  EXPECT_EQ(v.at("copies_disagree"), json::parse(R"(["PS-01"])"));
  EXPECT_EQ(v.at("total"), json::parse(R"({"area":"","copies":3,"match":1,"discrepancy":1,
      "official_missing":1,"changed":2,"votes_differing":100})"));
  const json::array& stations = v.at("stations").as_array();
  ASSERT_EQ(stations.size(), 3u);
  EXPECT_EQ(stations[0].at("station"), "PS-01");
  EXPECT_EQ(stations[0].at("match"), "match");
  EXPECT_EQ(stations[0].at("area"), "East");
  EXPECT_EQ(stations[1].at("match"), "discrepancy");
  EXPECT_EQ(stations[1].at("differences"),
            json::parse(R"([{"figure":"Alpha","copy":300,"official":250,"change":-50},
                            {"figure":"Beta","copy":290,"official":340,"change":50}])"));
  EXPECT_EQ(stations[1].at("changed"), true);
  EXPECT_EQ(stations[2].at("station"), "PS-03");
  EXPECT_EQ(stations[2].at("match"), "official_missing");
  EXPECT_EQ(stations[2].at("changed"), true);
  // PS-03 has no district in the final set, so it is summarised apart.
  ASSERT_EQ(v.at("by_area").as_array().size(), 2u);
  EXPECT_EQ(v.at("by_area").at(1).at("area"), "East");
  EXPECT_EQ(v.at("by_area").at(1).at("discrepancy"), 1);

  auto csv = server_->Client(mission_.analyst_token)
                 ->Get("/api/v1/results/final/copies?previous=preliminary&format=csv");
  ASSERT_EQ(csv->status, 200);
  EXPECT_EQ(csv->headers["content-type"], "text/csv; charset=utf-8; header=present");
  EXPECT_EQ(csv->body,
            "station,area,match,changed,figure,copy,official,difference\r\n"
            "PS-01,,match,no,,,,\r\n"
            "PS-02,,discrepancy,yes,Alpha,300,250,-50\r\n"
            "PS-02,,discrepancy,yes,Beta,290,340,50\r\n"
            "PS-03,,official_missing,yes,,,,\r\n");
}

TEST_F(ApiCopiesTest, VotesCopiedInPartAreNotCompared) {
  json::value body = json::parse(CountingSubmission("uuid:c5", "OBS-1", "PS-04", {.invalid = 12}));
  body.at("answers").as_object().erase("P2");  // the observer could not read Beta's line
  auto client = server_->Client(mission_.admin_token);
  ASSERT_EQ(client->PostJson("/api/v1/submissions", json::serialize(body))->status, 201);
  auto res = client->Get("/api/v1/results/final/copies");
  ASSERT_EQ(res->status, 200) << res->body;
  const json::value v = json::parse(res->body);
  const json::value& ps04 = v.at("stations").at(3);
  EXPECT_EQ(ps04.at("station"), "PS-04");
  EXPECT_EQ(ps04.at("differences"),
            json::parse(R"([{"figure":"in_boxes","copy":602,"official":600,"change":-2},
                            {"figure":"invalid","copy":12,"official":10,"change":-2}])"));
}

TEST_F(ApiCopiesTest, CopiesCacheSharesOneReadWithinItsMaxAge) {
  service::MissionService& service = server_->server().service();
  service::ObserverCopiesCache kept(service.store(), std::chrono::hours(1));
  service::ObserverCopiesCache fresh(service.store(), std::chrono::milliseconds(0));
  auto first = kept.Get(service.Mission());
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_EQ((*first)->table.stations.size(), 3u);
  ASSERT_EQ(
      server_->Client(mission_.admin_token)
          ->PostJson("/api/v1/submissions", CountingSubmission("uuid:c6", "OBS-1", "PS-04", {}))
          ->status,
      201);
  auto again = kept.Get(service.Mission());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->get(), first->get());  // the same read, not a new one
  auto now = fresh.Get(service.Mission());
  ASSERT_TRUE(now.has_value());
  EXPECT_EQ((*now)->table.stations.size(), 4u);
  EXPECT_EQ((*now)->submissions, 5);
}

TEST_F(ApiCopiesTest, CopiesRefuseUnknownSetsAndLevelsAndNeedRunAnalyses) {
  auto client = server_->Client(mission_.analyst_token);
  EXPECT_EQ(client->Get("/api/v1/results/nothing/copies")->status, 404);
  EXPECT_EQ(client->Get("/api/v1/results/final/copies?previous=nothing")->status, 404);
  auto level = client->Get("/api/v1/results/final/copies?by=tik");
  EXPECT_EQ(level->status, 422);
  EXPECT_NE(level->body.find("neither a level of result set final (district)"), std::string::npos)
      << level->body;
  EXPECT_EQ(client->Get("/api/v1/results/final/copies?format=xml")->status, 422);
  EXPECT_EQ(server_->Client(mission_.viewer_token)->Get("/api/v1/results/final/copies")->status,
            403);
  EXPECT_EQ(server_->Client(mission_.observer1_token)->Get("/api/v1/pvt")->status, 403);
}

TEST_F(ApiCopiesTest, PvtIsEstimatedLiveFromTheSampledStationsCopies) {
  auto client = server_->Client(mission_.analyst_token);
  auto none = client->Get("/api/v1/pvt");
  EXPECT_EQ(none->status, 404);
  EXPECT_NE(none->body.find("vigil pvt draw"), std::string::npos) << none->body;

  core::PvtSample sample;
  sample.seed = 42;
  sample.stations = {{"PS-01", "", false, 1},
                     {"PS-02", "", false, 2},
                     {"PS-03", "", false, 3},
                     {"PS-05", "", false, 4},  // has not reported
                     {"PS-04", "", true, 1}};
  sample.strata = {{"", 20, 20000, 4, 1}};
  ASSERT_TRUE(server_->server().service().store().SavePvtSample(sample, {"test"}).ok());

  auto res = client->Get("/api/v1/pvt?official=final");
  ASSERT_EQ(res->status, 200) << res->body;
  const json::value v = json::parse(res->body);
  EXPECT_EQ(v.at("seed"), 42);
  EXPECT_EQ(v.at("official"), "final");
  EXPECT_TRUE(ParseRfc3339(v.at("as_of").as_string()).has_value()) << v.at("as_of");
  EXPECT_EQ(v.at("sampled"), 4);
  EXPECT_EQ(v.at("reported"), 3);
  EXPECT_EQ(v.at("reporting_rate").to_number<double>(), 0.75);
  EXPECT_EQ(v.at("copies_disagree"), json::parse(R"(["PS-01"])"));
  const json::value& alpha = v.at("estimates").at(0);
  EXPECT_EQ(alpha.at("quantity"), "Alpha");
  EXPECT_EQ(alpha.at("n"), 3);
  EXPECT_NEAR(alpha.at("estimate").to_number<double>(), 900.0 / 1770, 1e-12);
  // Official: (300 + 250 + 300) of 3 x 590 valid votes.
  EXPECT_NEAR(alpha.at("official").to_number<double>(), 850.0 / 1770, 1e-12);
  const json::value& turnout = v.at("estimates").at(2);
  EXPECT_EQ(turnout.at("quantity"), "turnout");
  EXPECT_NEAR(turnout.at("estimate").to_number<double>(), 0.6, 1e-12);

  EXPECT_EQ(client->Get("/api/v1/pvt?official=nothing")->status, 404);
}

TEST_F(ApiTest, UnknownRouteIs404AndWrongMethodIs405) {
  auto client = server_->Client(mission_.admin_token);
  EXPECT_EQ(client->Get("/api/v1/nothing")->status, 404);
  auto res = client->Send(verb::delete_, "/api/v1/submissions");
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->headers["allow"], "POST");
}

TEST_F(ApiTest, AccessLogHasOneJsonLinePerRequestAndNoToken) {
  auto client = server_->Client(mission_.admin_token);
  ASSERT_EQ(client->PostJson("/api/v1/submissions", ValidSubmission("uuid:l1"))->status, 201);
  server_->Stop();
  std::ifstream in(mission_.dir.path() + "/mission/access.log");
  std::string line, all;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    all += line;
    const json::value v = json::parse(line);
    EXPECT_TRUE(v.as_object().contains("status"));
  }
  EXPECT_GE(lines, 1);
  EXPECT_NE(all.find("\"route\":\"/api/v1/submissions\""), std::string::npos);
  EXPECT_EQ(all.find(mission_.admin_token), std::string::npos);
}

TEST_F(ApiTest, ShutdownCompletesRequestsInFlight) {
  // Many submissions queued at once; Stop() must not lose any acknowledged one.
  std::vector<std::thread> clients;
  std::atomic<int> created{0};
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      auto client = api::HttpClient::Connect(server_->url());
      if (!client) return;
      (*client)->set_bearer_token(mission_.admin_token);
      for (int i = 0; i < 50; ++i) {
        auto res = (*client)->PostJson(
            "/api/v1/submissions",
            ValidSubmission("uuid:s" + std::to_string(c) + "-" + std::to_string(i)));
        if (res && res->status == 201) ++created;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server_->Stop();
  for (auto& t : clients) t.join();
  auto store = mission_.OpenStore();
  EXPECT_GE(*store->CountSubmissions(), created.load());
}

// A server that accepts and then says nothing must not hang the client:
// its timeout covers the whole exchange.
TEST(HttpClientTimeout, ASilentServerFailsTheRequestWithinTheTimeout) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor acceptor(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  boost::asio::ip::tcp::socket silent(ioc);
  std::thread accept([&] { acceptor.accept(silent); });
  auto client = api::HttpClient::Connect("http://127.0.0.1:" +
                                         std::to_string(acceptor.local_endpoint().port()));
  ASSERT_TRUE(client.has_value()) << client.error().ToString();
  accept.join();
  (*client)->set_timeout(std::chrono::milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  auto res = (*client)->Get("/healthz");
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(res.has_value());
  EXPECT_NE(res.error().message().find("timeout"), std::string::npos) << res.error().ToString();
  EXPECT_LT(took, std::chrono::seconds(5));
}

// A form imported from XLSForm, with a group and a repeat, through the API.
class ApiXlsFormTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mission_.Create();
    {
      auto store = mission_.OpenStore();
      std::vector<ingest::XlsFormProblem> problems;
      auto imported = service::ImportXlsFormFile(
          *store, std::string(VIGIL_TEST_DATA_DIR) + "/xlsform/observer_checklist.xlsx", {"test"},
          &problems);
      ASSERT_TRUE(imported.has_value()) << imported.error().ToString();
    }
    server_ = std::make_unique<RunningServer>(mission_.dir.path() + "/mission");
  }

  static std::string Checklist(const std::string& instance_id, const std::string& incidents) {
    return R"({"instance_id": ")" + instance_id + R"(", "form": "PS", "form_version": "2026061",
      "station": "PS-01", "observer": "OBS-1",
      "answers": {"T1": "07:05", "D1": "2026-06-07", "G1": "41.3275 19.8187 110 4.5",
                  "V1": "no", "V2": ["ink"], "V3": 3, "V5": "2026-06-07T20:00:00+02:00",
                  "C1": 500, "C2": 200, "C3": 300, "incidents": )" +
           incidents + "}}";
  }

  TestMission mission_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(ApiXlsFormTest, FormCarriesItsStructureAndExpressions) {
  auto res = server_->Client(mission_.viewer_token)->Get("/api/v1/forms/PS");
  ASSERT_EQ(res->status, 200) << res->body;
  const json::value form = json::parse(res->body);
  EXPECT_EQ(form.at("default_language"), "en");
  const json::array& questions = form.at("questions").as_array();
  EXPECT_EQ(questions[0].at("type"), "group");
  EXPECT_EQ(questions[0].at("children").as_array()[1].at("code"), "D1");
  EXPECT_EQ(questions[2].at("relevant"), "${V1} = 'no'");
  EXPECT_EQ(questions[10].at("type"), "repeat");
}

TEST_F(ApiXlsFormTest, AnswersInGroupsAndRepeatsAreValidatedAndStored) {
  auto client = server_->Client(mission_.admin_token);
  auto res = client->PostJson(
      "/api/v1/submissions",
      Checklist("uuid:x1", R"([{"I1": "ballot stuffing", "I2": "bad"}, {"I1": "a fight"}])"));
  ASSERT_EQ(res->status, 201) << res->body;
  // The same answers with the keys of a repeat item in another order: a retry.
  res = client->PostJson(
      "/api/v1/submissions",
      Checklist("uuid:x1", R"([{"I2": "bad", "I1": "ballot stuffing"}, {"I1": "a fight"}])"));
  EXPECT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(json::parse(res->body).at("status"), "duplicate");
  res = client->PostJson("/api/v1/submissions",
                         Checklist("uuid:x2", R"([{"I1": "x"}, {"I2": "awful"}])"));
  ASSERT_EQ(res->status, 422) << res->body;
  const json::value errors = json::parse(res->body);
  std::set<std::string> fields;
  for (const auto& f : errors.at("fields").as_array())
    fields.insert(std::string(f.at("field").as_string()));
  EXPECT_EQ(fields, (std::set<std::string>{"answers.incidents[1].I1", "answers.incidents[1].I2"}));
  EXPECT_EQ(*server_->server().service().store().CountSubmissions(), 1);
}

}  // namespace
}  // namespace vigil::testing
