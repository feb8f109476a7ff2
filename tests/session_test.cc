// Signing in end to end: session cookies and their expiry, CSRF tokens on
// state-changing requests, lockout after failed sign-ins, the same answer
// for unknown users as for wrong passwords, and the audit entries of it all.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <thread>

#include "service/admin.h"
#include "support/test_mission.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

// A clock the test moves by hand.
struct ManualClock {
  std::atomic<std::int64_t> offset_seconds{0};
  Timestamp start = Now();
  Timestamp operator()() const { return start + std::chrono::seconds(offset_seconds.load()); }
  void Advance(std::chrono::seconds by) { offset_seconds += by.count(); }
};

constexpr const char* kPassword = "correct horse battery";

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(mission_.Create());
    auto store = mission_.OpenStore();
    const storage::Actor actor{"test"};
    for (const auto& [name, grant] : std::vector<std::pair<std::string, service::Grant>>{
             {"ana", {.role = core::Role::kAnalyst}},
             {"oleg", {.role = core::Role::kObserver, .observer_code = "OBS-1"}},
             {"cora", {.role = core::Role::kCoordinator, .regions = {"R2"}}}}) {
      ASSERT_TRUE(service::AddUser(*store, name, grant, kPassword, actor).has_value());
    }
    StartServer({});
  }

  void StartServer(service::SessionOptions options) {
    server_.reset();
    options.clock = [this] { return clock_(); };
    server_ = std::make_unique<RunningServer>(Data(), api::ServerOptions{}, std::move(options));
  }

  std::string Data() const { return mission_.dir.path() + "/mission"; }

  Result<api::ClientResponse> SignIn(api::HttpClient& client, const std::string& name,
                                     const std::string& password) {
    return client.PostJson("/api/v1/session",
                           json::serialize(json::object{{"name", name}, {"password", password}}));
  }

  // Signs in and sets the cookie on a new client; returns the client and
  // the CSRF token.
  std::pair<std::unique_ptr<api::HttpClient>, std::string> SignedIn(const std::string& name) {
    auto client = server_->Client("");
    auto res = SignIn(*client, name, kPassword);
    EXPECT_TRUE(res.has_value());
    EXPECT_EQ(res->status, 201) << res->body;
    const std::string set_cookie = res->headers["set-cookie"];
    client->set_header("Cookie", set_cookie.substr(0, set_cookie.find(';')));
    return {std::move(client), std::string(json::parse(res->body).at("csrf_token").as_string())};
  }

  std::vector<core::AuditEntry> AuditOf(std::string_view action_prefix) {
    std::vector<core::AuditEntry> out;
    auto store = mission_.OpenStore();
    EXPECT_TRUE(store
                    ->ForEachAuditEntry([&](const core::AuditEntry& e) {
                      if (e.action.starts_with(action_prefix)) out.push_back(e);
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  TestMission mission_;
  ManualClock clock_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(SessionTest, SignInSetsAHardenedCookieThatAuthenticates) {
  auto client = server_->Client("");
  auto res = SignIn(*client, "ana", kPassword);
  ASSERT_EQ(res->status, 201) << res->body;
  const std::string cookie = res->headers["set-cookie"];
  EXPECT_THAT(cookie, ::testing::StartsWith("vigil_session="));
  EXPECT_THAT(cookie, HasSubstr("; HttpOnly"));
  EXPECT_THAT(cookie, HasSubstr("; SameSite=Strict"));
  EXPECT_THAT(cookie, HasSubstr("; Path=/"));
  EXPECT_THAT(cookie, HasSubstr("; Max-Age=43200"));
  EXPECT_THAT(cookie, Not(HasSubstr("Secure")));  // plain HTTP here; tls_test checks Secure
  const json::value body = json::parse(res->body);
  EXPECT_EQ(body.at("user").as_string(), "ana");
  EXPECT_EQ(body.at("role").as_string(), "analyst");
  const std::string csrf(body.at("csrf_token").as_string());
  EXPECT_GE(csrf.size(), 40u);

  EXPECT_EQ(client->Get("/api/v1/coverage")->status, 401);  // no cookie yet
  client->set_header("Cookie", cookie.substr(0, cookie.find(';')));
  EXPECT_EQ(client->Get("/api/v1/coverage")->status, 200);
  EXPECT_EQ(client->Get("/api/v1/results")->status, 200);
  EXPECT_EQ(client->Get("/metrics")->status, 200);
  auto me = client->Get("/api/v1/session");
  ASSERT_EQ(me->status, 200);
  EXPECT_EQ(json::parse(me->body).at("csrf_token").as_string(), csrf);

  const auto logins = AuditOf("auth.login");
  ASSERT_EQ(logins.size(), 1u);
  EXPECT_THAT(logins[0].actor, ::testing::MatchesRegex("user#[0-9]+/analyst"));
  EXPECT_EQ(logins[0].subject, "user:ana");
  EXPECT_THAT(logins[0].detail, HasSubstr("127.0.0.1"));
}

TEST_F(SessionTest, UnknownUsersAndWrongPasswordsGetTheSameAnswer) {
  auto client = server_->Client("");
  auto wrong = SignIn(*client, "ana", "not the password");
  auto unknown = SignIn(*client, "nobody", kPassword);
  auto invalid = SignIn(*client, "no such\nname", kPassword);
  ASSERT_EQ(wrong->status, 401);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_EQ(invalid->status, 401);
  EXPECT_EQ(unknown->body, wrong->body);
  EXPECT_EQ(invalid->body, wrong->body);
  EXPECT_THAT(wrong->body, HasSubstr("wrong user name or password"));
  EXPECT_EQ(wrong->headers.count("set-cookie"), 0u);

  // The audit log tells them apart; the answer does not.
  const auto failed = AuditOf("auth.login_failed");
  ASSERT_EQ(failed.size(), 3u);
  EXPECT_EQ(failed[0].subject, "user:ana");
  EXPECT_THAT(failed[0].detail, HasSubstr("wrong password"));
  EXPECT_EQ(failed[1].subject, "user:(unknown)");  // it could be a password
  EXPECT_THAT(failed[1].detail, HasSubstr("unknown user"));
  EXPECT_EQ(failed[2].subject, "user:(unknown)");
  EXPECT_THAT(failed[2].detail, HasSubstr("invalid name"));

  EXPECT_EQ(client->PostJson("/api/v1/session", R"({"name":"ana"})")->status, 422);
  EXPECT_EQ(client
                ->Send(boost::beast::http::verb::post, "/api/v1/session", "name=ana&password=x",
                       "application/x-www-form-urlencoded")
                ->status,
            415);
}

// Unknown names must cost a password check too, or timing would tell which
// names exist. Argon2id takes about 0.1 s; without the dummy check an
// unknown name would answer in about a millisecond.
TEST_F(SessionTest, UnknownUsersTakeAboutAsLongAsWrongPasswords) {
  auto client = server_->Client("");
  const auto median_ms = [&](const std::string& name) {
    std::vector<double> ms;
    for (int i = 0; i < 3; ++i) {
      const auto start = std::chrono::steady_clock::now();
      EXPECT_EQ(SignIn(*client, name, "wrong password " + std::to_string(i))->status, 401);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[1];
  };
  (void)median_ms("warm-up");
  const double unknown = median_ms("nobody");
  const double wrong = median_ms("cora");
  EXPECT_GT(unknown, 0.3 * wrong) << "unknown " << unknown << " ms, wrong " << wrong << " ms";
}

TEST_F(SessionTest, StateChangingRequestsNeedTheCsrfToken) {
  auto [client, csrf] = SignedIn("oleg");
  const std::string submission = ValidSubmission("uuid:csrf");
  auto missing = client->PostJson("/api/v1/submissions", submission);
  EXPECT_EQ(missing->status, 403);
  EXPECT_THAT(missing->body, HasSubstr("X-CSRF-Token"));
  client->set_header("X-CSRF-Token", csrf + "x");
  EXPECT_EQ(client->PostJson("/api/v1/submissions", submission)->status, 403);
  client->set_header("X-CSRF-Token", csrf);
  auto stored = client->PostJson("/api/v1/submissions", submission);
  EXPECT_EQ(stored->status, 201) << stored->body;

  // The observer's account acts for its observer only.
  auto other =
      client->PostJson("/api/v1/submissions", ValidSubmission("uuid:csrf2", "OBS-3", "PS-11"));
  EXPECT_EQ(other->status, 403) << other->body;
  // A token is not sent by browsers on their own: no CSRF token needed.
  auto token = server_->Client(mission_.observer1_token);
  EXPECT_EQ(token->PostJson("/api/v1/submissions", ValidSubmission("uuid:csrf3"))->status, 201);
}

TEST_F(SessionTest, SignOutNeedsTheCsrfTokenAndEndsTheSession) {
  auto [client, csrf] = SignedIn("ana");
  EXPECT_EQ(client->Send(boost::beast::http::verb::delete_, "/api/v1/session")->status, 403);
  client->set_header("X-CSRF-Token", csrf);
  auto out = client->Send(boost::beast::http::verb::delete_, "/api/v1/session");
  ASSERT_EQ(out->status, 204) << out->body;
  EXPECT_THAT(out->headers["set-cookie"], HasSubstr("vigil_session=; Path=/; Max-Age=0"));
  EXPECT_EQ(client->Get("/api/v1/coverage")->status, 401);

  const auto logouts = AuditOf("auth.logout");
  ASSERT_EQ(logouts.size(), 1u);
  EXPECT_EQ(logouts[0].actor, AuditOf("auth.login")[0].actor);

  auto token = server_->Client(mission_.analyst_token);
  EXPECT_EQ(token->Send(boost::beast::http::verb::delete_, "/api/v1/session")->status, 422);
}

TEST_F(SessionTest, SessionsEndAfterIdleTimeAndAtTheAbsoluteLimit) {
  StartServer(
      {.idle_timeout = std::chrono::minutes(30), .absolute_timeout = std::chrono::hours(2)});
  auto [idle, csrf1] = SignedIn("ana");
  clock_.Advance(std::chrono::minutes(29));
  EXPECT_EQ(idle->Get("/api/v1/coverage")->status, 200);  // use restarts the idle time
  clock_.Advance(std::chrono::minutes(29));
  EXPECT_EQ(idle->Get("/api/v1/coverage")->status, 200);
  clock_.Advance(std::chrono::minutes(31));
  EXPECT_EQ(idle->Get("/api/v1/coverage")->status, 401);

  auto [busy, csrf2] = SignedIn("ana");
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(std::chrono::minutes(25));
    EXPECT_EQ(busy->Get("/api/v1/coverage")->status, 200) << i;
  }                                          // 100 minutes in, used every 25
  clock_.Advance(std::chrono::minutes(25));  // 125 minutes: past the absolute 2 hours
  auto late = busy->Get("/api/v1/coverage");
  EXPECT_EQ(late->status, 401);
  EXPECT_THAT(late->body, HasSubstr("expired"));
}

TEST_F(SessionTest, DisablingAUserOrChangingItsPasswordOrRoleEndsItsSessions) {
  auto [ana, csrf1] = SignedIn("ana");
  auto [cora, csrf2] = SignedIn("cora");
  auto [oleg, csrf3] = SignedIn("oleg");
  auto store = mission_.OpenStore();
  ASSERT_TRUE(store->DisableUser("ana", {"test"}).ok());
  ASSERT_TRUE(service::ChangePassword(*store, "cora", "a brand new secret", {"test"}).ok());
  ASSERT_TRUE(service::ChangeRole(*store, "oleg", {.role = core::Role::kViewer}, {"test"}).ok());
  EXPECT_EQ(oleg->Get("/api/v1/session")->status, 200);  // not yet: users are re-read every 30 s
  clock_.Advance(std::chrono::seconds(31));
  EXPECT_EQ(ana->Get("/api/v1/coverage")->status, 401);
  EXPECT_EQ(cora->Get("/api/v1/coverage")->status, 401);
  EXPECT_EQ(oleg->Get("/api/v1/session")->status, 401);
  EXPECT_EQ(SignIn(*server_->Client(""), "ana", kPassword)->status, 401);
}

TEST_F(SessionTest, FailedSignInsLockTheNameForAWhile) {
  StartServer({.account_failures = 3, .lockout = std::chrono::minutes(15)});
  auto client = server_->Client("");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(SignIn(*client, "ana", "guess")->status, 401);
  auto locked = SignIn(*client, "ana", kPassword);  // even the right password
  EXPECT_EQ(locked->status, 429);
  EXPECT_EQ(locked->headers["retry-after"], "900");
  EXPECT_THAT(locked->body, HasSubstr("too many failed sign-ins"));
  EXPECT_EQ(SignIn(*client, "cora", kPassword)->status, 201);  // other names are not locked
  // Unknown names lock the same way, so that a lockout reveals nothing.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(SignIn(*client, "nobody", "guess")->status, 401);
  EXPECT_EQ(SignIn(*client, "nobody", "guess")->status, 429);

  clock_.Advance(std::chrono::minutes(16));
  EXPECT_EQ(SignIn(*client, "ana", kPassword)->status, 201);
  const auto lockouts = AuditOf("auth.lockout");
  ASSERT_EQ(lockouts.size(), 2u);
  EXPECT_EQ(lockouts[0].subject, "user:ana");
  EXPECT_EQ(lockouts[1].subject, "user:(unknown)");
}

// Guesses queued while others were being checked are refused once the name
// is locked: a burst buys no more guesses than the limit (plus those
// already being checked).
TEST_F(SessionTest, AQueuedBurstOfGuessesStopsAtTheLockout) {
  StartServer({.account_failures = 3, .password_threads = 1});
  std::vector<std::thread> guessers;
  std::atomic<int> unauthorized{0}, locked{0};
  for (int i = 0; i < 8; ++i) {
    guessers.emplace_back([&] {
      auto client = server_->Client("");
      const int status = SignIn(*client, "ana", "guess")->status;
      if (status == 401) ++unauthorized;
      if (status == 429) ++locked;
    });
  }
  for (auto& t : guessers) t.join();
  EXPECT_LE(unauthorized.load(), 4);  // 3, and perhaps one more checked at the same moment
  EXPECT_EQ(unauthorized.load() + locked.load(), 8);
  EXPECT_LE(AuditOf("auth.login_failed").size(), 4u);
}

// Tokens and accounts made before coordinators had regions see nothing.
TEST_F(SessionTest, ACoordinatorWithoutRegionsIsRefused) {
  auto store = mission_.OpenStore();
  storage::TokenRecord token{.token_hash = service::HashBearerToken("vgl_" + std::string(43, 'c')),
                             .role = core::Role::kCoordinator};
  ASSERT_TRUE(store->CreateToken(&token, {"test"}).ok());
  storage::UserRecord user{.name = "old", .role = core::Role::kCoordinator};
  user.password_hash = HashPassword(kPassword);
  ASSERT_TRUE(store->CreateUser(&user, {"test"}).ok());

  auto by_token = server_->Client("vgl_" + std::string(43, 'c'))->Get("/api/v1/coverage");
  EXPECT_EQ(by_token->status, 403);
  EXPECT_THAT(by_token->body, HasSubstr("names no regions"));
  auto by_password = SignIn(*server_->Client(""), "old", kPassword);
  EXPECT_EQ(by_password->status, 403);
  EXPECT_THAT(by_password->body, HasSubstr("names no regions"));
}

TEST_F(SessionTest, FailedSignInsFromOneAddressLockTheAddress) {
  StartServer({.account_failures = 100, .address_failures = 4});
  auto client = server_->Client("");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(SignIn(*client, "user" + std::to_string(i), "guess")->status, 401);
  }
  EXPECT_EQ(SignIn(*client, "ana", kPassword)->status, 429);
  const auto lockouts = AuditOf("auth.lockout");
  ASSERT_EQ(lockouts.size(), 1u);
  EXPECT_EQ(lockouts[0].subject, "address:127.0.0.1");
}

TEST_F(SessionTest, ACoordinatorsSessionSeesOnlyItsRegion) {
  auto [client, csrf] = SignedIn("cora");
  auto observers = client->Get("/api/v1/observers");
  ASSERT_EQ(observers->status, 200);
  EXPECT_THAT(observers->body, HasSubstr("OBS-3"));
  EXPECT_THAT(observers->body, Not(HasSubstr("OBS-1")));
  const json::value me = json::parse(client->Get("/api/v1/session")->body);
  EXPECT_EQ(me.at("regions").as_array().size(), 1u);
  EXPECT_EQ(me.at("regions").as_array()[0].as_string(), "R2");
}

}  // namespace
}  // namespace vigil::testing
