// The SMS intake end to end: each gateway's webhook on a real server, the
// message log, deduplication, sender identification and its lockout, and
// the signatures (Twilio's against Twilio's documented example).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/sms_routes.h"
#include "service/field_credentials.h"
#include "service/sms_intake.h"
#include "support/test_mission.h"
#include "support/vigil_process.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;
using http_verb = boost::beast::http::verb;

// ---- Signatures and helpers, without a server ---------------------------

// Twilio's documented request-validation example (the vector of Twilio's
// own SDK tests, e.g. twilio-php tests/Twilio/Unit/Security/
// RequestValidatorTest.php): auth token 12345.
TEST(TwilioSignature, MatchesTwilioDocumentedExample) {
  const std::vector<std::pair<std::string, std::string>> params = {{"CallSid", "CA1234567890ABCDE"},
                                                                   {"Caller", "+14158675309"},
                                                                   {"Digits", "1234"},
                                                                   {"From", "+14158675309"},
                                                                   {"To", "+18005551212"}};
  const std::string url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  EXPECT_EQ(api::TwilioSignature("12345", url, params), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  // The order the parameters came in does not matter; their values do.
  std::vector<std::pair<std::string, std::string>> shuffled(params.rbegin(), params.rend());
  EXPECT_EQ(api::TwilioSignature("12345", url, shuffled), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  shuffled[0].second = "+18005551213";
  EXPECT_NE(api::TwilioSignature("12345", url, shuffled), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  EXPECT_NE(api::TwilioSignature("12346", url, params), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

// RFC 4231 section 4.3 (test case 2).
TEST(HmacSha256Hex, MatchesRfc4231) {
  EXPECT_EQ(api::HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SmsIntakeInstanceId, IsAVersion8UuidFixedByGatewayAndMessageId) {
  const std::string id = service::SmsIntake::InstanceId("twilio", "SM1");
  EXPECT_THAT(id, ::testing::MatchesRegex(
                      "uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_EQ(id, service::SmsIntake::InstanceId("twilio", "SM1"));
  EXPECT_NE(id, service::SmsIntake::InstanceId("kannel", "SM1"));
  EXPECT_NE(id, service::SmsIntake::InstanceId("twilio", "SM2"));
  // Length-prefixed: the boundary between gateway and id cannot move.
  EXPECT_NE(service::SmsIntake::InstanceId("a:b", "c"), service::SmsIntake::InstanceId("a", "b:c"));
}

TEST(SmsIntakeMaskPin, MasksTheDigitsBeforeTheFirstLetterOnlyWhenThereIsAPin) {
  EXPECT_EQ(service::SmsIntake::MaskPin("482913 V5 AA0930", true), "****** V5 AA0930");
  EXPECT_EQ(service::SmsIntake::MaskPin("48-29 13v5AA1", true), "**-** **v5AA1");
  EXPECT_EQ(service::SmsIntake::MaskPin("V5 AA0930", false), "V5 AA0930");
  EXPECT_EQ(service::SmsIntake::MaskPin("12345", true), "*****");
}

TEST(ReadSmsGatewayFile, ReadsKeysAndNamesTheLineOfAnError) {
  TempDir dir;
  const std::string path = dir.path() + "/sms.conf";
  {
    std::ofstream out(path);
    out << "# gateways\n\ntwilio_auth_token = abc\n  kannel_secret=k s  \n";
  }
  auto secrets = api::ReadSmsGatewayFile(path);
  ASSERT_TRUE(secrets.has_value()) << secrets.error().ToString();
  EXPECT_EQ(secrets->twilio_auth_token, "abc");
  EXPECT_EQ(secrets->kannel_secret, "k s");
  EXPECT_EQ(secrets->telerivet_secret, "");
  {
    std::ofstream out(path);
    out << "twilio_auth_token = abc\ntwillio = x\n";
  }
  secrets = api::ReadSmsGatewayFile(path);
  ASSERT_FALSE(secrets.has_value());
  EXPECT_THAT(secrets.error().message(), HasSubstr(path + ":2: unknown key 'twillio'"));
  {
    std::ofstream out(path);
    out << "generic_secret\n";
  }
  secrets = api::ReadSmsGatewayFile(path);
  ASSERT_FALSE(secrets.has_value());
  EXPECT_THAT(secrets.error().message(), HasSubstr(":1: expected key = value"));
}

// ---- End to end -----------------------------------------------------------

constexpr char kTwilioToken[] = "twilio-token";
constexpr char kTelerivetSecret[] = "telerivet-secret";
constexpr char kGenericSecret[] = "generic-secret";
constexpr char kKannelSecret[] = "kannel-secret";
constexpr char kPublicUrl[] = "https://vigil.example.org";
constexpr char kPin[] = "482913";

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    for (const std::string* s : {&k, &v}) {
      for (unsigned char c : *s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
          out += static_cast<char>(c);
        } else if (c == ' ') {
          out += '+';
        } else {
          char hex[4];
          std::snprintf(hex, sizeof hex, "%%%02X", c);
          out += hex;
        }
      }
      if (s == &k) out += '=';
    }
  }
  return out;
}

class SmsGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mission_.Create();
    auto store = mission_.OpenStore();
    ASSERT_NE(store, nullptr);
    // OBS-5 (English, PIN) and OBS-6 (Russian, no PIN) have one station
    // each; OBS-1 of the test mission has ten and no PIN.
    auto observers = store->ListObservers();
    ASSERT_TRUE(observers.has_value());
    observers->push_back({"OBS-5",
                          "Observer 5",
                          {"+1-555-0005"},
                          core::ObserverRole::kShortTerm,
                          "T-3",
                          "en",
                          {"PS-05"}});
    observers->push_back({"OBS-6",
                          "Observer 6",
                          {"+15550006"},
                          core::ObserverRole::kShortTerm,
                          "T-3",
                          "ru",
                          {"PS-15"}});
    ASSERT_TRUE(store->UpsertObservers(*observers, {"cli:test"}, "test").ok());
    ASSERT_TRUE(service::SetSmsPin(*store, "OBS-5", kPin, {"cli:test"}).ok());
    store.reset();
    server_ = std::make_unique<RunningServer>(
        mission_.dir.path() + "/mission", api::ServerOptions{}, service::SessionOptions{},
        api::SmsGatewaySecrets{.twilio_auth_token = kTwilioToken,
                               .telerivet_secret = kTelerivetSecret,
                               .generic_secret = kGenericSecret,
                               .kannel_secret = kKannelSecret,
                               .public_url = kPublicUrl});
    client_ = server_->Client("");
    ASSERT_NE(client_, nullptr);
  }

  api::ClientResponse Post(const std::string& target, const std::string& body,
                           const std::string& content_type) {
    auto res = client_->Send(http_verb::post, target, body, content_type);
    EXPECT_TRUE(res.has_value()) << res.error().ToString();
    return res.value_or(api::ClientResponse{});
  }

  api::ClientResponse Twilio(const std::string& sid, const std::string& from,
                             const std::string& body, std::string signature = "") {
    const std::vector<std::pair<std::string, std::string>> params = {{"MessageSid", sid},
                                                                     {"AccountSid", "AC1"},
                                                                     {"From", from},
                                                                     {"To", "+15559999"},
                                                                     {"Body", body}};
    if (signature.empty()) {
      signature = api::TwilioSignature(kTwilioToken,
                                       std::string(kPublicUrl) + "/sms/inbound/twilio", params);
    }
    client_->set_header("X-Twilio-Signature", signature);
    auto res = Post("/sms/inbound/twilio", FormEncode(params), "application/x-www-form-urlencoded");
    client_->set_header("X-Twilio-Signature", "");
    return res;
  }

  api::ClientResponse Telerivet(const std::string& id, const std::string& from,
                                const std::string& content,
                                const std::string& secret = kTelerivetSecret) {
    return Post("/sms/inbound/telerivet",
                FormEncode({{"event", "incoming_message"},
                            {"id", id},
                            {"from_number", from},
                            {"content", content},
                            {"secret", secret}}),
                "application/x-www-form-urlencoded");
  }

  api::ClientResponse Generic(const std::string& body, std::string signature = "") {
    if (signature.empty()) signature = "sha256=" + api::HmacSha256Hex(kGenericSecret, body);
    client_->set_header("X-Vigil-Signature", signature);
    auto res = Post("/sms/inbound/generic", body, "application/json");
    client_->set_header("X-Vigil-Signature", "");
    return res;
  }

  api::ClientResponse Kannel(const std::string& id, const std::string& from,
                             const std::string& text, const std::string& secret = kKannelSecret) {
    auto res =
        client_->Get("/sms/inbound/kannel?" +
                     FormEncode({{"secret", secret}, {"id", id}, {"from", from}, {"text", text}}));
    EXPECT_TRUE(res.has_value()) << res.error().ToString();
    return res.value_or(api::ClientResponse{});
  }

  std::vector<storage::SmsMessage> Log() {
    auto log = server_->server().service().store().ListSmsMessages(100);
    EXPECT_TRUE(log.has_value());
    return log.value_or(std::vector<storage::SmsMessage>{});
  }

  std::int64_t Submissions() {
    auto n = server_->server().service().store().CountSubmissions();
    EXPECT_TRUE(n.has_value());
    return n.value_or(-1);
  }

  TestMission mission_;
  std::unique_ptr<RunningServer> server_;
  std::unique_ptr<api::HttpClient> client_;
};

TEST_F(SmsGatewayTest, TwilioValidMessageBecomesTheObserversSubmissionAndIsLogged) {
  const auto res = Twilio("SM100", "+15550005", "482913 V5 AA0930 AB1 AY2 @long queue");
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_THAT(res.headers.at("content-type"), HasSubstr("text/xml"));
  EXPECT_EQ(res.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Received V from 5, "
            "answers: 3.</Message></Response>");

  const std::string instance_id = service::SmsIntake::InstanceId("twilio", "SM100");
  auto admin = server_->Client(mission_.admin_token);
  auto got = admin->Get("/api/v1/submissions/" + instance_id);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->status, 200) << got->body;
  const json::object current = json::parse(got->body).at("current").as_object();
  EXPECT_EQ(current.at("station"), "PS-05");
  EXPECT_EQ(current.at("observer"), "OBS-5");
  EXPECT_EQ(current.at("form"), "V");
  EXPECT_EQ(current.at("answers").at("VA"), "09:30");
  EXPECT_EQ(current.at("answers").at("VC"), "long queue");

  const auto log = Log();
  ASSERT_THAT(log, SizeIs(1));
  EXPECT_EQ(log[0].gateway, "twilio");
  EXPECT_EQ(log[0].gateway_message_id, "SM100");
  EXPECT_EQ(log[0].sender, "+15550005");
  EXPECT_EQ(log[0].text, "****** V5 AA0930 AB1 AY2 @long queue");  // no PIN in the log
  EXPECT_EQ(log[0].outcome, storage::SmsOutcome::kAccepted);
  EXPECT_EQ(log[0].observer_code, "OBS-5");
  EXPECT_EQ(log[0].instance_id, instance_id);
  EXPECT_EQ(log[0].reply, "Received V from 5, answers: 3.");
}

TEST_F(SmsGatewayTest, TwilioBadSignatureIs403AndNothingIsLogged) {
  const auto res =
      Twilio("SM101", "+15550005", "482913 V5 AA0930 AB1 AY2", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  EXPECT_EQ(res.status, 403);
  EXPECT_THAT(res.body, Not(HasSubstr("Response")));
  // A signature made with another URL fails too.
  const std::vector<std::pair<std::string, std::string>> params = {
      {"MessageSid", "SM101"},
      {"AccountSid", "AC1"},
      {"From", "+15550005"},
      {"To", "+15559999"},
      {"Body", "482913 V5 AA0930 AB1 AY2"}};
  EXPECT_EQ(
      Twilio("SM101", "+15550005", "482913 V5 AA0930 AB1 AY2",
             api::TwilioSignature(kTwilioToken, "https://elsewhere/sms/inbound/twilio", params))
          .status,
      403);
  EXPECT_THAT(Log(), SizeIs(0));
  EXPECT_EQ(Submissions(), 0);
}

TEST_F(SmsGatewayTest, RedeliveryOfAMessageIdGetsTheSameAnswerAndStoresNothingAgain) {
  const auto first = Twilio("SM200", "+15550005", "482913 V5 AA0930 AB1 AY2");
  ASSERT_EQ(first.status, 200);
  const auto again = Twilio("SM200", "+15550005", "482913 V5 AA0930 AB1 AY2");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_THAT(Log(), SizeIs(1));
  EXPECT_EQ(Submissions(), 1);

  // A rejected message's redelivery is answered alike.
  const auto bad = Twilio("SM201", "+15550005", "482913 V5 AA0930 AB7 AY2");
  const auto bad_again = Twilio("SM201", "+15550005", "482913 V5 AA0930 AB7 AY2");
  EXPECT_THAT(bad.body, HasSubstr("value 7 out of range for AB"));
  EXPECT_EQ(bad_again.body, bad.body);
  EXPECT_THAT(Log(), SizeIs(2));
}

TEST_F(SmsGatewayTest, SameTextFromTheSameSenderWithin12HoursIsADuplicate) {
  ASSERT_EQ(Telerivet("t-1", "+15550005", "482913 V5 AA0930 AB1 AY2").status, 200);
  const auto dup = Telerivet("t-2", "+15550005", "482913 V5 AA0930 AB1 AY2");
  ASSERT_EQ(dup.status, 200);
  EXPECT_THAT(std::string(json::parse(dup.body).at("messages").at(0).at("content").as_string()),
              HasSubstr("Already received"));
  EXPECT_EQ(Submissions(), 1);
  const auto log = Log();
  ASSERT_THAT(log, SizeIs(2));
  EXPECT_EQ(log[0].outcome, storage::SmsOutcome::kDuplicate);
  EXPECT_EQ(log[0].instance_id, log[1].instance_id);

  // A changed text is a new report.
  ASSERT_EQ(Telerivet("t-3", "+15550005", "482913 V5 AA0930 AB1 AY2 @second visit").status, 200);
  EXPECT_EQ(Submissions(), 2);
}

TEST_F(SmsGatewayTest, CopiesArrivingTogetherAreOneReportWhicheverIsLoggedFirst) {
  // Two gateways (or a gateway's two ids) deliver the same text at once:
  // the second arrives while the first is still being committed.
  service::SmsIntake& intake = server_->server().sms();
  std::mutex mu;
  std::condition_variable cv;
  std::vector<service::SmsIntakeResult> results;
  for (const char* id : {"c-1", "c-2"}) {
    intake.Handle({.gateway = "generic",
                   .message_id = id,
                   .sender = "+15550005",
                   .text = "482913 V5 AA0930 AB1 AY2",
                   .received_at = Now()},
                  [&](service::SmsIntakeResult r) {
                    std::lock_guard lock(mu);
                    results.push_back(std::move(r));
                    cv.notify_all();
                  });
  }
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return results.size() == 2; }));
  std::multiset<storage::SmsOutcome> outcomes;
  for (const auto& r : results) {
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    outcomes.insert(r.message.outcome);
  }
  EXPECT_EQ(outcomes,
            (std::multiset{storage::SmsOutcome::kAccepted, storage::SmsOutcome::kDuplicate}));
  EXPECT_EQ(results[0].message.instance_id, results[1].message.instance_id);
  EXPECT_EQ(Submissions(), 1);
}

TEST_F(SmsGatewayTest, TelerivetRepliesInTheObserversLanguageAndRefusesAWrongSecret) {
  const auto res = Telerivet("t-10", "+15550006", "V6 AA0930 AB1 AY2");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_THAT(res.headers.at("content-type"), HasSubstr("application/json"));
  EXPECT_EQ(json::parse(res.body),
            json::parse(R"({"messages":[{"content":"Принято: V, наблюдатель 6, ответов: 3."}]})"));

  const auto unknown = Telerivet("t-11", "+15550006", "V6 AA0930 AB1 AY2 ZZ1");
  EXPECT_THAT(std::string(json::parse(unknown.body).at("messages").at(0).at("content").as_string()),
              HasSubstr("неизвестный код вопроса ZZ"));

  EXPECT_EQ(Telerivet("t-12", "+15550006", "V6 AA0930 AB1 AY2", "wrong").status, 403);
  EXPECT_THAT(Log(), SizeIs(2));
}

TEST_F(SmsGatewayTest, GenericNamesEveryProblemAndLogsTheRejection) {
  const auto res = Generic(
      R"({"id":"g-1","from":"+15550005","text":"482913 V5 AA0930 AB7 ZZ1 AY2","received_at":"2026-06-07T08:00:00Z"})");
  ASSERT_EQ(res.status, 200) << res.body;
  const json::value body = json::parse(res.body);
  EXPECT_EQ(body.at("outcome"), "rejected");
  EXPECT_EQ(body.at("reply"),
            "Not accepted: value 7 out of range for AB; unknown question code ZZ. Please correct "
            "and resend.");
  EXPECT_EQ(body.at("problems"), json::parse(R"(["out_of_range","unknown_question"])"));
  EXPECT_EQ(body.at("instance_id"), nullptr);
  const auto log = Log();
  ASSERT_THAT(log, SizeIs(1));
  EXPECT_EQ(log[0].outcome, storage::SmsOutcome::kRejected);
  EXPECT_EQ(log[0].received_at, *ParseRfc3339("2026-06-07T08:00:00Z"));
  EXPECT_EQ(log[0].observer_code, "OBS-5");
  EXPECT_EQ(Submissions(), 0);
}

TEST_F(SmsGatewayTest, GenericRefusesABadSignatureAndMalformedBodies) {
  const std::string body = R"({"id":"g-2","from":"+15550005","text":"V5AA0930AB1AY2"})";
  EXPECT_EQ(Generic(body, "sha256=" + api::HmacSha256Hex("other", body)).status, 403);
  EXPECT_EQ(Generic(body, api::HmacSha256Hex(kGenericSecret, body)).status, 403);  // no "sha256="

  const auto missing = Generic(R"({"id":"g-3","text":"V5AA0930AB1AY2"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_THAT(missing.body, HasSubstr("bad: from"));
  const auto not_json = Generic("id=g-4");
  EXPECT_EQ(not_json.status, 400);
  const auto bad_time = Generic(R"({"id":"g-5","from":"+1","text":"x","received_at":"today"})");
  EXPECT_EQ(bad_time.status, 400);
  EXPECT_THAT(bad_time.body, HasSubstr("received_at"));
  EXPECT_THAT(Log(), SizeIs(0));
}

TEST_F(SmsGatewayTest, KannelUnknownPhoneAndWrongPinGetTheSameReplyAndThreeFailuresLock) {
  const auto unknown = Kannel("k-1", "+19990000", "482913 V5 AA0930 AB1 AY2");
  EXPECT_EQ(unknown.status, 200);
  EXPECT_THAT(unknown.headers.at("content-type"), HasSubstr("text/plain"));
  EXPECT_EQ(unknown.body, "Not accepted: wrong PIN. Please correct and resend.");
  const auto wrong = Kannel("k-2", "+15550005", "111111 V5 AA0930 AB1 AY2");
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(Kannel("k-3", "+15550005", "222222 V5 AA0930 AB1 AY2").body, unknown.body);
  EXPECT_EQ(Kannel("k-4", "+15550005", "333333 V5 AA0930 AB1 AY2").body, unknown.body);
  // Locked now: even the right PIN is not checked.
  const auto locked = Kannel("k-5", "+15550005", "482913 V5 AA0930 AB1 AY2");
  EXPECT_THAT(locked.body, HasSubstr("too many wrong PINs"));
  EXPECT_EQ(Submissions(), 0);
  // Another phone is not locked.
  EXPECT_THAT(Kannel("k-6", "+15550006", "V6 AA0930 AB1 AY2").body, HasSubstr("Принято"));

  const auto log = Log();
  ASSERT_THAT(log, SizeIs(6));
  EXPECT_THAT(log[1].problems, ElementsAre("locked"));
  EXPECT_EQ(log[1].observer_code, "");
  EXPECT_EQ(log[1].text, "****** V5 AA0930 AB1 AY2");
  EXPECT_THAT(log[2].problems, ElementsAre("wrong_pin"));
  EXPECT_EQ(log[2].observer_code, "");
  EXPECT_EQ(log[5].sender, "+19990000");

  EXPECT_EQ(Kannel("k-7", "+15550005", "V5 AA0930", "wrong").status, 403);
}

TEST_F(SmsGatewayTest, ObserverNumberMustBeTheSendersAndTheStationOneOfTheirs) {
  const auto other = Kannel("k-20", "+15550005", "482913 V6 AA0930 AB1 AY2");
  EXPECT_EQ(other.body, "Not accepted: unknown observer number 6. Please correct and resend.");
  // OBS-1 has ten stations, PS-01..PS-10: a report must say which.
  const auto unnamed = Kannel("k-21", "+155500001", "V1 AA0930 AB1 AY2");
  EXPECT_THAT(unnamed.body, HasSubstr("you observe 10 stations: add # and the station number"));
  const auto foreign = Kannel("k-22", "+155500001", "V1#11 AA0930 AB1 AY2");
  EXPECT_THAT(foreign.body, HasSubstr("station #11 is not one of yours"));
  EXPECT_EQ(Submissions(), 0);
  const auto log = Log();
  ASSERT_THAT(log, SizeIs(3));
  EXPECT_THAT(log[0].problems, ElementsAre("unknown_station"));
  EXPECT_THAT(log[1].problems, ElementsAre("station_needed"));
  EXPECT_EQ(log[1].observer_code, "OBS-1");
  EXPECT_THAT(log[2].problems, ElementsAre("unknown_observer"));

  const auto named = Kannel("k-23", "+155500001", "V1#07 AA0930 AB1 AY2");
  EXPECT_EQ(named.body, "Received V from 1 at station #7, answers: 3.");
  auto admin = server_->Client(mission_.admin_token);
  auto got = admin->Get("/api/v1/submissions/" + service::SmsIntake::InstanceId("kannel", "k-23"));
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->status, 200) << got->body;
  EXPECT_EQ(json::parse(got->body).at("current").at("station"), "PS-07");
}

TEST_F(SmsGatewayTest, ValidationProblemsAreNamedByTheirTags) {
  // AY (overall assessment) is required.
  const auto res = Kannel("k-30", "+15550005", "482913 V5 AA0930 AB1");
  EXPECT_THAT(res.body, HasSubstr("Not accepted: AY: "));
  const auto log = Log();
  ASSERT_THAT(log, SizeIs(1));
  EXPECT_THAT(log[0].problems, ElementsAre("invalid"));
  EXPECT_EQ(log[0].observer_code, "OBS-5");
  EXPECT_EQ(Submissions(), 0);
}

TEST_F(SmsGatewayTest, MessagesAreAuditedAndTheChainVerifies) {
  ASSERT_EQ(Kannel("k-40", "+15550005", "482913 V5 AA0930 AB1 AY2").status, 200);
  ASSERT_EQ(Kannel("k-41", "+19990000", "V5 AA0930").status, 200);
  std::vector<core::AuditEntry> sms;
  core::AuditChainVerifier verifier;
  ASSERT_TRUE(server_->server()
                  .service()
                  .store()
                  .ForEachAuditEntry([&](const core::AuditEntry& e) {
                    verifier.Add(e);
                    if (e.action == "sms.message") sms.push_back(e);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_FALSE(verifier.first_break().has_value());
  ASSERT_THAT(sms, SizeIs(2));
  EXPECT_EQ(sms[0].actor, "sms:kannel");
  EXPECT_THAT(sms[0].detail, HasSubstr(R"("outcome":"accepted")"));
  EXPECT_THAT(sms[1].detail, HasSubstr(R"("problems":["wrong_pin"])"));
  EXPECT_THAT(sms[1].detail, Not(HasSubstr("V5")));  // never the text
}

TEST_F(SmsGatewayTest, VigilSmsLogPrintsTheNewestMessagesAsJsonLines) {
  ASSERT_EQ(Kannel("k-50", "+15550005", "482913 V5 AA0930 AB1 AY2").status, 200);
  ASSERT_EQ(Kannel("k-51", "+19990000", "V5 AA0930").status, 200);
  server_->Stop();
  const ProcessResult r =
      RunVigil({"sms", "log", "--data", mission_.dir.path() + "/mission", "--limit", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  const json::value line = json::parse(r.out);
  EXPECT_EQ(line.at("gateway_message_id"), "k-51");
  EXPECT_EQ(line.at("sender"), "+19990000");
  EXPECT_EQ(line.at("outcome"), "rejected");
  EXPECT_EQ(line.at("problems"), json::parse(R"(["wrong_pin"])"));
  EXPECT_EQ(line.at("reply"), "Not accepted: wrong PIN. Please correct and resend.");
  EXPECT_EQ(RunVigil({"sms", "log", "--data", mission_.dir.path() + "/mission", "--limit", "0"})
                .exit_code,
            2);
}

TEST(SmsGatewayRoutes, AGatewayWithoutASecretHasNoRoute) {
  TestMission mission;
  mission.Create();
  RunningServer server(mission.dir.path() + "/mission", {}, {},
                       api::SmsGatewaySecrets{.twilio_auth_token = kTwilioToken});
  auto client = server.Client("");
  auto kannel = client->Get("/sms/inbound/kannel?secret=&id=1&from=1&text=V");
  ASSERT_TRUE(kannel.has_value());
  EXPECT_EQ(kannel->status, 404);
  auto generic = client->Send(http_verb::post, "/sms/inbound/generic", "{}");
  ASSERT_TRUE(generic.has_value());
  EXPECT_EQ(generic->status, 404);
  auto twilio = client->Send(http_verb::post, "/sms/inbound/twilio", "From=1",
                             "application/x-www-form-urlencoded");
  ASSERT_TRUE(twilio.has_value());
  EXPECT_EQ(twilio->status, 403);  // enabled, unsigned
}

}  // namespace
}  // namespace vigil::testing
