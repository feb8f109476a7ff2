// Data-quality rules and review through the HTTP API, end to end: a real
// server on a free port (support/test_mission.h), the default rules of the
// counting form, rules added by analysts, and the review of submissions
// with its permissions.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <span>

#include "service/quality.h"
#include "support/test_mission.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;
using boost::beast::http::verb;

class ReviewApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mission_.Create();
    server_ = std::make_unique<RunningServer>(mission_.dir.path() + "/mission");
  }

  // Posts as admin; ASSERTs 201.
  void Post(const std::string& body) {
    auto res = server_->Client(mission_.admin_token)->PostJson("/api/v1/submissions", body);
    ASSERT_TRUE(res.has_value()) << res.error().ToString();
    ASSERT_EQ(res->status, 201) << res->body;
  }

  json::value GetJson(const std::string& token, const std::string& target, int status = 200) {
    auto res = server_->Client(token)->Get(target);
    EXPECT_TRUE(res.has_value());
    if (!res) return nullptr;
    EXPECT_EQ(res->status, status) << target << ": " << res->body;
    return json::parse(res->body);
  }

  api::ClientResponse PostAs(const std::string& token, const std::string& target,
                             const std::string& body) {
    auto res = server_->Client(token)->PostJson(target, body);
    EXPECT_TRUE(res.has_value());
    return res.value_or(api::ClientResponse{});
  }

  std::vector<std::string> QualityIds(const std::string& token, const std::string& query = "") {
    const json::value v = GetJson(token, "/api/v1/quality" + query);
    std::vector<std::string> ids;
    if (!v.is_object()) return ids;
    for (const json::value& s : v.at("submissions").as_array()) {
      ids.emplace_back(s.at("instance_id").as_string());
    }
    return ids;
  }

  // Counting reports: one at PS-11 (region R2) with more ballots in the
  // boxes (500 + 100 = 600) than issued (550), one clean at PS-01 (R1),
  // one at PS-02 with more issued (1100) than registered (1000).
  void PostCountingReports() {
    ASSERT_NO_FATAL_FAILURE(Post(CountingSubmission(
        "uuid:c-r2", "OBS-3", "PS-11", {.issued = 550, .valid = 500, .invalid = 100})));
    ASSERT_NO_FATAL_FAILURE(Post(CountingSubmission("uuid:c-clean", "OBS-1", "PS-01", {})));
    ASSERT_NO_FATAL_FAILURE(Post(CountingSubmission(
        "uuid:c-r1", "OBS-1", "PS-02",
        {.issued = 1100, .valid = 1000, .invalid = 20, .alpha = 600, .beta = 400})));
  }

  TestMission mission_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(ReviewApiTest, DefaultRulesFlagProtocolsAsTheyArrive) {
  ASSERT_NO_FATAL_FAILURE(PostCountingReports());
  const json::value v = GetJson(mission_.analyst_token, "/api/v1/quality");
  EXPECT_EQ(v.at("total"), 2);
  const json::array& items = v.at("submissions").as_array();
  ASSERT_EQ(items.size(), 2U);
  EXPECT_EQ(items[0].at("instance_id"), "uuid:c-r2");
  EXPECT_EQ(items[0].at("station"), "PS-11");
  EXPECT_EQ(items[0].at("rules"), json::parse(R"(["in_boxes_at_most_issued"])"));
  EXPECT_EQ(items[0].at("status"), "unreviewed");
  EXPECT_EQ(items[1].at("instance_id"), "uuid:c-r1");
  EXPECT_EQ(items[1].at("rules"), json::parse(R"(["issued_at_most_registered"])"));
  // The submission shows its flags; the clean one has none.
  const json::value sub = GetJson(mission_.analyst_token, "/api/v1/submissions/uuid:c-r2");
  EXPECT_EQ(sub.at("current").at("review").at("rule_flags"),
            json::parse(R"(["in_boxes_at_most_issued"])"));
  EXPECT_EQ(sub.at("current").at("review").at("status"), "unreviewed");
  const json::value clean = GetJson(mission_.analyst_token, "/api/v1/submissions/uuid:c-clean");
  EXPECT_TRUE(clean.at("current").at("review").at("rule_flags").as_array().empty());
}

TEST_F(ReviewApiTest, QualityFiltersByRuleFormRegionStatusAndPages) {
  ASSERT_NO_FATAL_FAILURE(PostCountingReports());
  const std::string& t = mission_.analyst_token;
  EXPECT_EQ(QualityIds(t, "?rule=in_boxes_at_most_issued"), std::vector<std::string>{"uuid:c-r2"});
  EXPECT_EQ(QualityIds(t, "?form=V"), std::vector<std::string>{});
  EXPECT_EQ(QualityIds(t, "?region=R1"), std::vector<std::string>{"uuid:c-r1"});
  EXPECT_EQ(QualityIds(t, "?status=unreviewed&offset=1&limit=1"),
            std::vector<std::string>{"uuid:c-r1"});
  EXPECT_EQ(GetJson(t, "/api/v1/quality?limit=1").at("total"), 2);
  EXPECT_EQ(QualityIds(t, "?status=verified"), std::vector<std::string>{});
  const json::value bad = GetJson(t, "/api/v1/quality?status=fine&limit=x", 422);
  EXPECT_EQ(bad.at("fields").as_array().size(), 2U);
  GetJson(t, "/api/v1/quality?region=R9", 422);
}

TEST_F(ReviewApiTest, ReviewIsKeptAsHistoryAndShownWithTheSubmission) {
  ASSERT_NO_FATAL_FAILURE(PostCountingReports());
  const std::string target = "/api/v1/submissions/uuid:c-r2/review";
  auto res = PostAs(mission_.analyst_token, target,
                    R"({"status":"quarantined","note":"boxes hold more than issued"})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(json::parse(res.body).at("from"), "unreviewed");
  EXPECT_EQ(json::parse(res.body).at("to"), "quarantined");
  res = PostAs(mission_.admin_token, target,
               R"({"status":"verified","note":"called the observer","expected":"quarantined"})");
  ASSERT_EQ(res.status, 200) << res.body;
  // A second analyst who still saw it quarantined is told it changed.
  res = PostAs(mission_.analyst_token, target, R"({"status":"rejected","expected":"quarantined"})");
  EXPECT_EQ(res.status, 409) << res.body;

  const json::value review =
      GetJson(mission_.analyst_token, "/api/v1/submissions/uuid:c-r2").at("current").at("review");
  EXPECT_EQ(review.at("status"), "verified");
  const json::array& history = review.at("history").as_array();
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[0].at("from"), "unreviewed");
  EXPECT_EQ(history[0].at("to"), "quarantined");
  EXPECT_EQ(history[0].at("note"), "boxes hold more than issued");
  EXPECT_EQ(history[0].at("actor").as_string().ends_with("/analyst"), true);
  EXPECT_EQ(history[1].at("to"), "verified");
  EXPECT_EQ(history[1].at("note"), "called the observer");
  EXPECT_EQ(history[1].at("actor").as_string().ends_with("/admin"), true);
  EXPECT_EQ(QualityIds(mission_.analyst_token, "?status=verified"),
            std::vector<std::string>{"uuid:c-r2"});

  // Each change is in the audit log.
  auto store = mission_.OpenStore();
  int reviews = 0;
  ASSERT_TRUE(store
                  ->ForEachAuditEntry([&](const core::AuditEntry& e) {
                    if (e.action == "submission.review" && e.subject == "uuid:c-r2") ++reviews;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(reviews, 2);
}

TEST_F(ReviewApiTest, MalformedReviewIs422NamingTheFieldAndUnknownIs404) {
  ASSERT_NO_FATAL_FAILURE(PostCountingReports());
  auto res = PostAs(mission_.analyst_token, "/api/v1/submissions/uuid:c-r2/review",
                    R"({"status":"fine","colour":"red"})");
  ASSERT_EQ(res.status, 422) << res.body;
  const json::value error = json::parse(res.body);
  const json::array& fields = error.at("fields").as_array();
  ASSERT_EQ(fields.size(), 2U);
  EXPECT_EQ(fields[0].at("field"), "status");
  EXPECT_EQ(fields[1].at("field"), "colour");
  res = PostAs(mission_.analyst_token, "/api/v1/submissions/uuid:nope/review",
               R"({"status":"verified"})");
  EXPECT_EQ(res.status, 404) << res.body;
}

TEST_F(ReviewApiTest, ObserversAndViewersMayNotReview) {
  ASSERT_NO_FATAL_FAILURE(PostCountingReports());
  for (const std::string* token : {&mission_.observer1_token, &mission_.viewer_token}) {
    auto res =
        PostAs(*token, "/api/v1/submissions/uuid:c-clean/review", R"({"status":"verified"})");
    EXPECT_EQ(res.status, 403) << res.body;
    EXPECT_EQ(server_->Client(*token)->Get("/api/v1/quality")->status, 403);
  }
  // Nothing was changed.
  EXPECT_EQ(GetJson(mission_.analyst_token, "/api/v1/submissions/uuid:c-clean")
                .at("current")
                .at("review")
                .at("status"),
            "unreviewed");
}

TEST_F(ReviewApiTest, CoordinatorsReviewOnlyInTheirRegions) {
  ASSERT_NO_FATAL_FAILURE(PostCountingReports());
  const std::string& t = mission_.coordinator_token;  // region R2: PS-11..PS-20
  auto res = PostAs(t, "/api/v1/submissions/uuid:c-r2/review", R"({"status":"rejected"})");
  EXPECT_EQ(res.status, 200) << res.body;
  // PS-02 lies in R1: as if it did not exist.
  res = PostAs(t, "/api/v1/submissions/uuid:c-r1/review", R"({"status":"rejected"})");
  EXPECT_EQ(res.status, 404) << res.body;
  EXPECT_EQ(QualityIds(t), std::vector<std::string>{"uuid:c-r2"});
  EXPECT_EQ(QualityIds(t, "?region=R1"), std::vector<std::string>{});
  EXPECT_EQ(GetJson(mission_.analyst_token, "/api/v1/submissions/uuid:c-r1")
                .at("current")
                .at("review")
                .at("status"),
            "unreviewed");
}

TEST_F(ReviewApiTest, BadRuleIs422WithTheColumn) {
  auto res = PostAs(mission_.analyst_token, "/api/v1/rules",
                    R"({"code":"sums","form":"C","expression":"CF != CV + "})");
  ASSERT_EQ(res.status, 422) << res.body;
  json::value v = json::parse(res.body);
  EXPECT_EQ(v.at("message"), "at 12: expected a value after '+'");
  EXPECT_EQ(v.at("position"), 12);
  EXPECT_EQ(v.at("fields").at(0).at("field"), "expression");
  res = PostAs(mission_.analyst_token, "/api/v1/rules",
               R"({"code":"sums","form":"C","expression":"C_valid + C_invalid != C_in_boxes"})");
  ASSERT_EQ(res.status, 422) << res.body;
  v = json::parse(res.body);
  EXPECT_EQ(v.at("message"), "at 1: unknown question code 'C_valid' in form C");
  EXPECT_EQ(v.at("position"), 1);
  res = PostAs(mission_.analyst_token, "/api/v1/rules",
               R"({"code":"sums","form":"Q","expression":"CF > 1"})");
  EXPECT_EQ(res.status, 422) << res.body;
  res = PostAs(mission_.analyst_token, "/api/v1/rules", R"({"form":"C","severity":"fatal"})");
  ASSERT_EQ(res.status, 422) << res.body;
  EXPECT_EQ(json::parse(res.body).at("fields").as_array().size(),
            3U);  // code, expression, severity
  // Coordinators may not add rules.
  res = PostAs(mission_.coordinator_token, "/api/v1/rules",
               R"({"code":"x","form":"V","expression":"V7 > 1"})");
  EXPECT_EQ(res.status, 403);
}

TEST_F(ReviewApiTest, NewRuleIsEvaluatedOverStoredSubmissionsAndThenOnArrival) {
  ASSERT_NO_FATAL_FAILURE(Post(ValidSubmission("uuid:v-many", "OBS-1", "PS-01", 250)));
  ASSERT_NO_FATAL_FAILURE(Post(ValidSubmission("uuid:v-few", "OBS-1", "PS-02", 3)));
  auto res = PostAs(mission_.analyst_token, "/api/v1/rules",
                    R"({"code":"turned_away","form":"V","expression":"V7 > 200",)"
                    R"("description":{"en":"Many voters turned away"},"severity":"warning"})");
  ASSERT_EQ(res.status, 201) << res.body;
  const json::value saved = json::parse(res.body);
  EXPECT_EQ(saved.at("checked"), 2);
  EXPECT_EQ(saved.at("flagged"), 1);
  EXPECT_EQ(QualityIds(mission_.analyst_token, "?rule=turned_away"),
            std::vector<std::string>{"uuid:v-many"});
  // From now on the intake flags it.
  ASSERT_NO_FATAL_FAILURE(Post(ValidSubmission("uuid:v-more", "OBS-2", "PS-03", 300)));
  EXPECT_EQ(QualityIds(mission_.analyst_token, "?rule=turned_away"),
            (std::vector<std::string>{"uuid:v-many", "uuid:v-more"}));
  const json::value rules = GetJson(mission_.viewer_token, "/api/v1/rules");
  ASSERT_EQ(rules.at("rules").as_array().size(), 5U);
  EXPECT_EQ(rules.at("rules").at(4).at("code"), "turned_away");
  EXPECT_EQ(rules.at("rules").at(4).at("severity"), "warning");

  // Disabled, it lists nothing and flags nothing new; enabled again, it is
  // evaluated again, so what came meanwhile is flagged too.
  ASSERT_EQ(PostAs(mission_.analyst_token, "/api/v1/rules/turned_away/disable", "{}").status, 200);
  EXPECT_EQ(QualityIds(mission_.analyst_token, "?rule=turned_away"), std::vector<std::string>{});
  ASSERT_NO_FATAL_FAILURE(Post(ValidSubmission("uuid:v-off", "OBS-2", "PS-04", 400)));
  EXPECT_TRUE(server_->server().service().store().ListRuleFlags("uuid:v-off")->empty());
  ASSERT_EQ(PostAs(mission_.analyst_token, "/api/v1/rules/turned_away/enable", "{}").status, 200);
  EXPECT_EQ(QualityIds(mission_.analyst_token, "?rule=turned_away"),
            (std::vector<std::string>{"uuid:v-many", "uuid:v-more", "uuid:v-off"}));
  EXPECT_EQ(PostAs(mission_.analyst_token, "/api/v1/rules/nope/enable", "{}").status, 404);
}

TEST_F(ReviewApiTest, ReviewListenersAreToldAndStatesLoad) {
  ASSERT_NO_FATAL_FAILURE(PostCountingReports());
  service::MissionService& service = server_->server().service();
  std::mutex mu;
  std::vector<std::pair<std::string, core::ReviewStatus>> told;
  service.AddReviewListener([&](const storage::ReviewChange& c) {
    std::lock_guard lock(mu);
    told.emplace_back(c.instance_id, c.to);
  });
  ASSERT_EQ(PostAs(mission_.analyst_token, "/api/v1/submissions/uuid:c-r1/review",
                   R"({"status":"quarantined"})")
                .status,
            200);
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(told.size(), 1U);
    EXPECT_EQ(told[0].first, "uuid:c-r1");
    EXPECT_EQ(told[0].second, core::ReviewStatus::kQuarantined);
  }
  auto states = service.store().ListReviewStates();
  ASSERT_TRUE(states) << states.error().ToString();
  ASSERT_EQ(states->size(), 1U);
  EXPECT_EQ((*states)[0].instance_id, "uuid:c-r1");
}

TEST_F(ReviewApiTest, StoredListenersSeeTheRulesEachVersionFlagged) {
  std::mutex mu;
  std::map<std::string, std::vector<std::string>> seen;
  server_->server().service().AddStoredListener(
      [&](std::span<const storage::PendingSubmission> batch) {
        std::lock_guard lock(mu);
        for (const auto& p : batch) seen[p.submission.instance_id] = p.rule_flags;
      });
  ASSERT_NO_FATAL_FAILURE(PostCountingReports());
  // The listeners run on the live thread, just after the 201s.
  server_->server().service().WaitForListeners();
  std::lock_guard lock(mu);
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_EQ(seen["uuid:c-r2"], std::vector<std::string>{"in_boxes_at_most_issued"});
  EXPECT_EQ(seen["uuid:c-r1"], std::vector<std::string>{"issued_at_most_registered"});
  EXPECT_TRUE(seen["uuid:c-clean"].empty());
}

// The stored listeners run on the live thread, off the acknowledgement
// path: a listener still busy with a batch does not hold up its 201s, and
// WaitForListeners returns only once it has been told.
TEST_F(ReviewApiTest, ASlowStoredListenerDoesNotHoldUpTheAnswers) {
  struct Seen {  // shared: the listener outlives this test's body if it fails
    std::promise<void> answered;
    std::shared_future<void> answered_future = answered.get_future().share();
    std::atomic<bool> told_after_answer = false;
    std::atomic<int> told = 0;
  };
  auto seen = std::make_shared<Seen>();
  server_->server().service().AddStoredListener(
      [seen](std::span<const storage::PendingSubmission> batch) {
        // Still waiting after 10 s means the 201 waited for this listener.
        if (seen->answered_future.wait_for(std::chrono::seconds(10)) == std::future_status::ready)
          seen->told_after_answer = true;
        seen->told += static_cast<int>(batch.size());
      });
  ASSERT_NO_FATAL_FAILURE(Post(CountingSubmission("uuid:c-slow", "OBS-1", "PS-01", {})));
  EXPECT_EQ(seen->told, 0);  // the listener is still waiting for this
  seen->answered.set_value();
  server_->server().service().WaitForListeners();
  EXPECT_EQ(seen->told, 1);
  EXPECT_TRUE(seen->told_after_answer);
}

}  // namespace
}  // namespace vigil::testing
