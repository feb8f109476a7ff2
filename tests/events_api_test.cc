// The event stream, critical alerts and outbound webhooks end to end: a real
// server on a free port, a raw socket reading the text/event-stream (so the
// chunked framing and the SSE lines are checked as a browser would get
// them), and a real local HTTP server receiving webhooks.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <set>
#include <thread>

#include "api/events_routes.h"
#include "api/http_server.h"
#include "api/sms_routes.h"
#include "api/webhooks.h"
#include "common/metrics.h"
#include "service/events.h"
#include "support/test_mission.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;
using boost::beast::http::verb;
using namespace std::chrono_literals;

// One block of an event stream: the fields of the lines up to a blank line.
struct SseBlock {
  std::string id;
  std::string event;
  std::string data;
  std::string comment;
  std::string retry;
};

// A raw HTTP/1.1 client of GET /api/v1/events: sends the request, checks the
// response header, undoes the chunked framing and splits SSE blocks.
class SseClient {
 public:
  SseClient(unsigned short port, const std::string& token, const std::string& target,
            const std::string& extra_headers = "") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ADD_FAILURE() << "cannot connect";
      return;
    }
    const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                                (token.empty() ? "" : "Authorization: Bearer " + token + "\r\n") +
                                extra_headers + "\r\n";
    (void)::send(fd_, request.data(), request.size(), MSG_NOSIGNAL);
  }
  ~SseClient() { Close(); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // The status line and headers; empty on timeout.
  std::string Header(std::chrono::milliseconds timeout = 5s) {
    while (raw_.find("\r\n\r\n") == std::string::npos) {
      if (!Receive(timeout)) return {};
    }
    const std::size_t end = raw_.find("\r\n\r\n");
    std::string header = raw_.substr(0, end);
    raw_.erase(0, end + 4);
    return header;
  }

  // The next block (after the header); nullopt on timeout or end of stream.
  std::optional<SseBlock> Next(std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      Dechunk();
      if (const std::size_t end = body_.find("\n\n"); end != std::string::npos) {
        SseBlock b;
        std::string block = body_.substr(0, end);
        body_.erase(0, end + 2);
        std::size_t at = 0;
        while (at <= block.size()) {
          const std::size_t nl = std::min(block.find('\n', at), block.size());
          const std::string line = block.substr(at, nl - at);
          at = nl + 1;
          const std::size_t colon = line.find(':');
          const std::string field = line.substr(0, colon);
          std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
          if (!value.empty() && value[0] == ' ') value.erase(0, 1);
          if (field.empty()) b.comment = value;
          if (field == "id") b.id = value;
          if (field == "event") b.event = value;
          if (field == "data") b.data += value;
          if (field == "retry") b.retry = value;
        }
        return b;
      }
      if (ended_) return std::nullopt;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms || !Receive(left)) return std::nullopt;
    }
  }

  // The next block that is an event (not the retry preamble or a comment).
  std::optional<SseBlock> NextEvent(std::chrono::milliseconds timeout = 5s) {
    for (;;) {
      auto b = Next(timeout);
      if (!b || !b->event.empty()) return b;
    }
  }

  // True once the server has ended the body (last chunk) or closed.
  bool Ended(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!ended_) {
      Dechunk();
      if (ended_) break;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms || !Receive(left)) return ended_ || closed_;
    }
    return true;
  }

 private:
  bool Receive(std::chrono::milliseconds timeout) {
    if (fd_ < 0 || closed_) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    raw_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  // Moves whole chunks from raw_ to body_.
  void Dechunk() {
    for (;;) {
      const std::size_t line_end = raw_.find("\r\n");
      if (line_end == std::string::npos) return;
      const std::size_t size = std::stoul(raw_.substr(0, line_end), nullptr, 16);
      if (size == 0) {
        ended_ = true;
        return;
      }
      if (raw_.size() < line_end + 2 + size + 2) return;
      body_ += raw_.substr(line_end + 2, size);
      raw_.erase(0, line_end + 2 + size + 2);
    }
  }

  int fd_ = -1;
  std::string raw_;   // as received, after the header
  std::string body_;  // dechunked, not yet split into blocks
  bool ended_ = false;
  bool closed_ = false;
};

std::string CriticalVoting(const std::string& instance_id, const std::string& observer = "OBS-1",
                           const std::string& station = "PS-01") {
  json::value v = json::parse(ValidSubmission(instance_id, observer, station));
  v.at("answers").as_object()["V11"] = "yes";  // indications of ballot stuffing
  return json::serialize(v);
}

std::string CriticalIncident(const std::string& instance_id) {
  return R"({"instance_id":")" + instance_id +
         R"(","form":"I","station":"PS-02","observer":"OBS-1","answers":{"IA":"10:05",)"
         R"("I1":"vote_buying","I2":"Police removed the observers","I3":"observed",)"
         R"("I4":"critical"}})";
}

class EventsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mission_.Create();
    server_ = std::make_unique<RunningServer>(mission_.dir.path() + "/mission");
  }

  // A stream whose preamble has arrived, so that it sees what comes next.
  std::unique_ptr<SseClient> Open(const std::string& token, const std::string& target,
                                  const std::string& headers = "") {
    auto c = std::make_unique<SseClient>(server_->server().port(), token, target, headers);
    const std::string header = c->Header();
    EXPECT_NE(header.find("HTTP/1.1 200"), std::string::npos) << header;
    EXPECT_NE(header.find("text/event-stream"), std::string::npos) << header;
    EXPECT_NE(header.find("chunked"), std::string::npos) << header;
    auto preamble = c->Next();
    EXPECT_TRUE(preamble.has_value());
    if (preamble) {
      EXPECT_EQ(preamble->retry, "2000");
    }
    return c;
  }

  TestMission mission_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(EventsApiTest, StoredSubmissionArrivesAsAnEventWithoutItsAnswers) {
  auto stream = Open(mission_.analyst_token, "/api/v1/events");
  auto client = server_->Client(mission_.admin_token);
  ASSERT_EQ(client->PostJson("/api/v1/submissions", ValidSubmission("uuid:e1"))->status, 201);

  auto e = stream->NextEvent();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->event, "submission");
  EXPECT_FALSE(e->id.empty());
  const json::value data = json::parse(e->data);
  EXPECT_EQ(data.at("instance_id"), "uuid:e1");
  EXPECT_EQ(data.at("form"), "V");
  EXPECT_EQ(data.at("station"), "PS-01");
  EXPECT_EQ(data.at("observer"), "OBS-1");
  EXPECT_EQ(data.at("submitted_at"), "2026-06-01T08:40:00.000000Z");
  EXPECT_EQ(data.as_object().if_contains("answers"), nullptr);

  // A retry stores nothing new, so it is no event.
  ASSERT_EQ(client->PostJson("/api/v1/submissions", ValidSubmission("uuid:e1"))->status, 201);
  ASSERT_EQ(client->PostJson("/api/v1/submissions", ValidSubmission("uuid:e2"))->status, 201);
  auto next = stream->NextEvent();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(json::parse(next->data).at("instance_id"), "uuid:e2");
  EXPECT_EQ(std::stoll(next->id), std::stoll(e->id) + 1);
}

TEST_F(EventsApiTest, StreamNeedsAuthenticationAndReadStatistics) {
  EXPECT_EQ(server_->Client("")->Get("/api/v1/events")->status, 401);
  EXPECT_EQ(server_->Client(mission_.observer1_token)->Get("/api/v1/events")->status, 403);
  auto bad_type = server_->Client(mission_.viewer_token)->Get("/api/v1/events?types=alert,votes");
  EXPECT_EQ(bad_type->status, 422);
  EXPECT_NE(bad_type->body.find("unknown event type 'votes'"), std::string::npos);
  auto bad_id = server_->Client(mission_.viewer_token)->Get("/api/v1/events?last_event_id=x1");
  EXPECT_EQ(bad_id->status, 422);
  EXPECT_NE(bad_id->body.find("Last-Event-ID"), std::string::npos);
}

TEST_F(EventsApiTest, ResumesAfterLastEventIdAndResetsAnUnknownOne) {
  auto client = server_->Client(mission_.admin_token);
  std::vector<std::string> ids;
  {
    auto stream = Open(mission_.analyst_token, "/api/v1/events");
    for (const char* id : {"uuid:r1", "uuid:r2", "uuid:r3"}) {
      ASSERT_EQ(client->PostJson("/api/v1/submissions", ValidSubmission(id))->status, 201);
    }
    for (int i = 0; i < 3; ++i) {
      auto e = stream->NextEvent();
      ASSERT_TRUE(e.has_value());
      ids.push_back(e->id);
    }
  }
  // Gone after the first: the other two again, in order, by header or query.
  for (const auto& [target, headers] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/events", "Last-Event-ID: " + ids[0] + "\r\n"},
           {"/api/v1/events?last_event_id=" + ids[0], ""}}) {
    auto resumed = Open(mission_.analyst_token, target, headers);
    auto e2 = resumed->NextEvent();
    ASSERT_TRUE(e2.has_value());
    EXPECT_EQ(e2->id, ids[1]);
    EXPECT_EQ(json::parse(e2->data).at("instance_id"), "uuid:r2");
    auto e3 = resumed->NextEvent();
    ASSERT_TRUE(e3.has_value());
    EXPECT_EQ(e3->id, ids[2]);
  }
  // An id of an earlier run (ids start at the run's start time in
  // microseconds) cannot be resumed: reset, then new events.
  auto old = Open(mission_.analyst_token, "/api/v1/events", "Last-Event-ID: 12345\r\n");
  auto reset = old->NextEvent();
  ASSERT_TRUE(reset.has_value());
  EXPECT_EQ(reset->event, "reset");
  EXPECT_EQ(reset->id, ids[2]);  // where to resume after reloading
  EXPECT_EQ(json::parse(reset->data).at("last_event_id"), 12345);
  ASSERT_EQ(client->PostJson("/api/v1/submissions", ValidSubmission("uuid:r4"))->status, 201);
  auto e4 = old->NextEvent();
  ASSERT_TRUE(e4.has_value());
  EXPECT_EQ(e4->event, "submission");
  EXPECT_EQ(json::parse(e4->data).at("instance_id"), "uuid:r4");
}

TEST_F(EventsApiTest, CriticalAnswerRaisesAStoredAlertAndItsEvent) {
  auto stream = Open(mission_.analyst_token, "/api/v1/events?types=alert");
  auto admin = server_->Client(mission_.admin_token);
  ASSERT_EQ(admin->PostJson("/api/v1/submissions", ValidSubmission("uuid:calm"))->status, 201);
  ASSERT_EQ(admin->PostJson("/api/v1/submissions", CriticalVoting("uuid:stuffing"))->status, 201);

  auto e = stream->NextEvent();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->event, "alert");  // the calm submission's event was filtered out
  const json::value alert = json::parse(e->data);
  EXPECT_EQ(alert.at("change"), "raised");
  EXPECT_EQ(alert.at("kind"), "critical_answer");
  EXPECT_EQ(alert.at("status"), "open");
  EXPECT_EQ(alert.at("instance_id"), "uuid:stuffing");
  EXPECT_EQ(alert.at("station"), "PS-01");
  EXPECT_EQ(alert.at("question"), "V11");
  EXPECT_EQ(alert.at("value"), "yes");
  const std::int64_t id = alert.at("id").as_int64();

  auto analyst = server_->Client(mission_.analyst_token);
  auto open = analyst->Get("/api/v1/alerts?status=open");
  ASSERT_EQ(open->status, 200) << open->body;
  const json::array list = json::parse(open->body).at("alerts").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("id"), id);
  const std::string base = "/api/v1/alerts/" + std::to_string(id);

  EXPECT_EQ(analyst->PostJson(base + "/acknowledge", R"({"note":"seen"})")->status, 200);
  auto twice = analyst->PostJson(base + "/acknowledge", "");
  EXPECT_EQ(twice->status, 409) << twice->body;
  auto nobody = analyst->PostJson(base + "/assign", R"({"note":"x"})");
  EXPECT_EQ(nobody->status, 422);
  EXPECT_NE(nobody->body.find("assignee"), std::string::npos);
  auto typo = analyst->PostJson(base + "/assign", R"({"asignee":"lena"})");
  EXPECT_EQ(typo->status, 422);
  EXPECT_NE(typo->body.find("unknown field 'asignee'"), std::string::npos);
  auto assigned = analyst->PostJson(base + "/assign", R"({"assignee":"lena"})");
  ASSERT_EQ(assigned->status, 200) << assigned->body;
  EXPECT_EQ(json::parse(assigned->body).at("alert").at("assignee"), "lena");
  auto resolved = analyst->PostJson(base + "/resolve", R"({"note":"observer called back"})");
  ASSERT_EQ(resolved->status, 200);
  EXPECT_EQ(json::parse(resolved->body).at("alert").at("status"), "resolved");
  EXPECT_EQ(analyst->PostJson(base + "/resolve", "")->status, 409);
  EXPECT_EQ(analyst->PostJson(base + "/close", "")->status, 404);
  EXPECT_EQ(analyst->PostJson("/api/v1/alerts/999999/resolve", "")->status, 404);
  // Viewers watch; they do not handle alerts.
  EXPECT_EQ(server_->Client(mission_.viewer_token)->PostJson(base + "/acknowledge", "")->status,
            403);

  auto detail = analyst->Get(base);
  ASSERT_EQ(detail->status, 200);
  const json::array history = json::parse(detail->body).at("history").as_array();
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0].at("action"), "raised");
  EXPECT_EQ(history[1].at("action"), "acknowledged");
  EXPECT_EQ(history[1].at("note"), "seen");
  EXPECT_EQ(history[2].at("action"), "assigned");
  EXPECT_EQ(history[3].at("action"), "resolved");
  EXPECT_EQ(history[3].at("actor"), json::parse(detail->body).at("history").at(1).at("actor"));
  EXPECT_EQ(
      json::parse(analyst->Get("/api/v1/alerts?status=open")->body).at("alerts").as_array().size(),
      0u);

  // Each change is an event too.
  for (const char* change : {"acknowledged", "assigned", "resolved"}) {
    auto c = stream->NextEvent();
    ASSERT_TRUE(c.has_value()) << change;
    EXPECT_EQ(c->event, "alert");
    EXPECT_EQ(json::parse(c->data).at("change"), change);
  }
}

TEST_F(EventsApiTest, ARuleFlaggingANewVersionIsARuleEvent) {
  auto analyst = server_->Client(mission_.analyst_token);
  auto rule = analyst->PostJson("/api/v1/rules",
                                R"({"code":"turned_away","form":"V","expression":"V7 > 2"})");
  ASSERT_EQ(rule->status, 201) << rule->body;
  auto stream = Open(mission_.analyst_token, "/api/v1/events?types=rule");
  auto admin = server_->Client(mission_.admin_token);
  ASSERT_EQ(admin->PostJson("/api/v1/submissions", ValidSubmission("uuid:few"))->status, 201);
  ASSERT_EQ(
      admin->PostJson("/api/v1/submissions", ValidSubmission("uuid:many", "OBS-1", "PS-02", 3))
          ->status,
      201);
  auto e = stream->NextEvent();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->event, "rule");
  const json::value data = json::parse(e->data);
  EXPECT_EQ(data.at("instance_id"), "uuid:many") << "uuid:few (V7 = 0) flags nothing";
  EXPECT_EQ(data.at("station"), "PS-02");
  EXPECT_EQ(data.at("rules"), json::array({"turned_away"}));
}

TEST_F(EventsApiTest, CriticalIncidentSeverityRaisesAnIncidentAlert) {
  auto admin = server_->Client(mission_.admin_token);
  auto res = admin->PostJson("/api/v1/submissions", CriticalIncident("uuid:inc1"));
  ASSERT_EQ(res->status, 201) << res->body;
  server_->server().alerts().Flush();
  auto list = admin->Get("/api/v1/alerts");
  ASSERT_EQ(list->status, 200);
  const json::array alerts = json::parse(list->body).at("alerts").as_array();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].at("kind"), "critical_incident");
  EXPECT_EQ(alerts[0].at("question"), "I4");
  EXPECT_EQ(alerts[0].at("station"), "PS-02");
  EXPECT_EQ(admin->Get("/api/v1/alerts?status=closed")->status, 422);
}

// Alerts raised while no server ran (or lost in a crash between commit and
// alert) are raised at the next start, once.
TEST_F(EventsApiTest, AlertsOfStoredSubmissionsAreRaisedAtStartOnce) {
  auto admin = server_->Client(mission_.admin_token);
  ASSERT_EQ(admin->PostJson("/api/v1/submissions", CriticalVoting("uuid:k1"))->status, 201);
  server_->server().alerts().Flush();
  server_.reset();
  // Remove the alert as if the server had died before storing it.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((mission_.dir.path() + "/mission/vigil.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "DELETE FROM alert_changes; DELETE FROM alerts", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  for (int run = 0; run < 2; ++run) {
    server_ = std::make_unique<RunningServer>(mission_.dir.path() + "/mission");
    server_->server().alerts().Flush();
    auto list = server_->Client(mission_.admin_token)->Get("/api/v1/alerts");
    ASSERT_EQ(list->status, 200);
    const json::array alerts = json::parse(list->body).at("alerts").as_array();
    ASSERT_EQ(alerts.size(), 1u) << "run " << run;
    EXPECT_EQ(alerts[0].at("instance_id"), "uuid:k1");
    server_.reset();
  }
}

TEST_F(EventsApiTest, CoordinatorGetsOnlyItsRegionsEventsAndAlerts) {
  auto stream = Open(mission_.coordinator_token, "/api/v1/events");
  auto admin = server_->Client(mission_.admin_token);
  ASSERT_EQ(admin->PostJson("/api/v1/submissions", CriticalVoting("uuid:north"))->status, 201);
  ASSERT_EQ(admin->PostJson("/api/v1/submissions", CriticalVoting("uuid:south", "OBS-3", "PS-11"))
                ->status,
            201);
  server_->server().alerts().Flush();
  std::set<std::string> seen;
  for (int i = 0; i < 2; ++i) {
    auto e = stream->NextEvent();
    ASSERT_TRUE(e.has_value());
    const json::value d = json::parse(e->data);
    EXPECT_EQ(d.at("station"), "PS-11") << e->data;
    seen.insert(e->event);
  }
  EXPECT_EQ(seen, (std::set<std::string>{"submission", "alert"}));
  EXPECT_FALSE(stream->NextEvent(300ms).has_value());

  auto coordinator = server_->Client(mission_.coordinator_token);
  const json::array alerts =
      json::parse(coordinator->Get("/api/v1/alerts")->body).at("alerts").as_array();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].at("station"), "PS-11");
  const json::array all = json::parse(admin->Get("/api/v1/alerts")->body).at("alerts").as_array();
  ASSERT_EQ(all.size(), 2u);
  const std::int64_t north =
      all[1].at("station") == "PS-01" ? all[1].at("id").as_int64() : all[0].at("id").as_int64();
  const std::string north_url = "/api/v1/alerts/" + std::to_string(north);
  EXPECT_EQ(coordinator->Get(north_url)->status, 404);
  EXPECT_EQ(coordinator->PostJson(north_url + "/acknowledge", "")->status, 404);
  EXPECT_EQ(coordinator
                ->PostJson("/api/v1/alerts/" + std::to_string(alerts[0].at("id").as_int64()) +
                               "/acknowledge",
                           "")
                ->status,
            200);
}

TEST_F(EventsApiTest, ShutdownEndsOpenStreams) {
  auto stream = Open(mission_.analyst_token, "/api/v1/events");
  const auto start = std::chrono::steady_clock::now();
  std::thread stopper([this] { server_->Stop(); });
  EXPECT_TRUE(stream->Ended(5s));
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

// ---- the bus and a stream's body, without HTTP --------------------------------

TEST(EventBus, IdsFollowOneAnotherAndOldOnesAreAGap) {
  MetricsRegistry metrics;
  service::EventBus bus({.capacity = 4, .first_id = 1000}, metrics);
  EXPECT_EQ(bus.LastId(), 999);
  std::vector<std::shared_ptr<const service::Event>> out;
  EXPECT_EQ(bus.Read(999, 10, &out), service::EventBus::ReadResult::kOk);
  EXPECT_TRUE(out.empty());
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(bus.Publish(service::EventType::kRule, "PS-01", {{"n", i}}), 1000 + i);
  }
  EXPECT_EQ(bus.OldestId(), 1002);
  EXPECT_EQ(bus.Read(1001, 10, &out), service::EventBus::ReadResult::kOk);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0]->id, 1002);
  EXPECT_EQ(out[0]->data, R"({"n":2})");
  EXPECT_EQ(out[3]->id, 1005);
  out.clear();
  EXPECT_EQ(bus.Read(1000, 10, &out), service::EventBus::ReadResult::kGap);  // 1001 is gone
  EXPECT_EQ(bus.Read(5, 10, &out), service::EventBus::ReadResult::kGap);     // an earlier run
  EXPECT_EQ(bus.Read(1006, 10, &out), service::EventBus::ReadResult::kGap);  // not yet
  EXPECT_EQ(bus.Read(1005, 10, &out), service::EventBus::ReadResult::kOk);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(bus.Read(1003, 1, &out), service::EventBus::ReadResult::kOk);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]->id, 1004);
}

TEST(EventBus, SubscribersAreWokenAfterAPublish) {
  MetricsRegistry metrics;
  service::EventBus bus({.first_id = 1}, metrics);
  std::mutex mu;
  std::condition_variable cv;
  int wakes = 0;
  const auto sub = bus.Subscribe([&] {
    std::lock_guard lock(mu);
    ++wakes;
    cv.notify_all();
  });
  bus.Publish(service::EventType::kAlert, "PS-01", {});
  std::unique_lock lock(mu);
  EXPECT_TRUE(cv.wait_for(lock, 2s, [&] { return wakes > 0; }));
  lock.unlock();
  bus.Unsubscribe(sub);
}

// A client that does not take what the ring holds before it moves on is
// ended (it resumes and is told to reload) instead of being buffered for.
TEST_F(EventsApiTest, StreamTooFarBehindTheRingEnds) {
  MetricsRegistry metrics;
  service::EventBus bus({.capacity = 4, .first_id = 100}, metrics);
  service::Principal analyst{.role = core::Role::kAnalyst, .actor = "test"};
  api::EventStream stream(bus, server_->server().service(), analyst, {});
  stream.Start([] {});
  std::string out;
  EXPECT_EQ(stream.Pull(&out), api::BodyStream::Next::kData);  // the retry preamble
  out.clear();
  EXPECT_EQ(stream.Pull(&out), api::BodyStream::Next::kWait);
  bus.Publish(service::EventType::kSubmission, "PS-01", {{"a", 1}});
  EXPECT_EQ(stream.Pull(&out), api::BodyStream::Next::kData);
  EXPECT_EQ(out, "id: 100\nevent: submission\ndata: {\"a\":1}\n\n");
  out.clear();
  for (int i = 0; i < 5; ++i) bus.Publish(service::EventType::kSubmission, "PS-01", {});
  EXPECT_EQ(stream.Pull(&out), api::BodyStream::Next::kEnd);
  stream.Stop();
}

// An idle stream sends a comment line once the heartbeat interval has
// passed without anything sent, and nothing before.
TEST_F(EventsApiTest, IdleStreamSendsAHeartbeat) {
  MetricsRegistry metrics;
  service::EventBus bus({.first_id = 100}, metrics);
  service::Principal viewer{.role = core::Role::kViewer, .actor = "test"};
  api::EventStream stream(bus, server_->server().service(), viewer, {.heartbeat = 200ms});
  stream.Start([] {});
  std::string out;
  EXPECT_EQ(stream.Pull(&out), api::BodyStream::Next::kData);
  EXPECT_EQ(out, "retry: 2000\n\n");
  out.clear();
  EXPECT_EQ(stream.Pull(&out), api::BodyStream::Next::kWait);
  std::this_thread::sleep_for(250ms);
  EXPECT_EQ(stream.Pull(&out), api::BodyStream::Next::kData);
  EXPECT_EQ(out, ": heartbeat\n\n");
  stream.Stop();
}

// ---- webhooks ------------------------------------------------------------------

// A real HTTP server standing in for the receiver: it checks the signature
// and the headers, refuses the first two deliveries with 503 and takes the
// third.
class Receiver {
 public:
  // Refuses the first `failures` deliveries.
  explicit Receiver(std::string secret, std::size_t failures = 2)
      : secret_(std::move(secret)), failures_(failures) {
    api::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 1;
    options.handle_signals = false;
    server_ = std::make_unique<api::HttpServer>(
        options,
        [this](api::Request& request, const api::Peer&, api::Responder respond) {
          std::lock_guard lock(mu_);
          Delivery d;
          d.body = request.body();
          d.event_id = request["X-Vigil-Event-Id"];
          d.event = request["X-Vigil-Event"];
          d.signature_ok = request["X-Vigil-Signature"] ==
                           "sha256=" + api::HmacSha256Hex(secret_, request.body());
          d.at = std::chrono::steady_clock::now();
          deliveries_.push_back(d);
          cv_.notify_all();
          api::Response res{deliveries_.size() <= failures_
                                ? boost::beast::http::status::service_unavailable
                                : boost::beast::http::status::no_content,
                            11};
          respond({std::move(res), "/hook", ""});
        },
        nullptr, metrics_);
    EXPECT_TRUE(server_->Start().ok());
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~Receiver() {
    server_->Shutdown();
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hook";
  }

  struct Delivery {
    std::string body, event_id, event;
    bool signature_ok = false;
    std::chrono::steady_clock::time_point at;
  };
  std::vector<Delivery> WaitFor(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return deliveries_.size() >= n; });
    return deliveries_;
  }

 private:
  std::string secret_;
  std::size_t failures_;
  MetricsRegistry metrics_;
  std::unique_ptr<api::HttpServer> server_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Delivery> deliveries_;
};

TEST(Webhooks, AlertIsPostedSignedAndRetriedWithBackoff) {
  TestMission mission;
  mission.Create();
  Receiver receiver("a-webhook-secret-of-32-characters");
  RunningServer server(mission.dir.path() + "/mission", {}, {}, {},
                       {{.url = receiver.url(),
                         .secret = "a-webhook-secret-of-32-characters",
                         .types = {service::EventType::kAlert}}},
                       {.first_retry = 100ms, .max_retry = 1000ms, .give_up_after = 10000ms});
  auto admin = server.Client(mission.admin_token);
  ASSERT_EQ(admin->PostJson("/api/v1/submissions", ValidSubmission("uuid:w0"))->status, 201);
  ASSERT_EQ(admin->PostJson("/api/v1/submissions", CriticalVoting("uuid:w1"))->status, 201);

  const auto got = receiver.WaitFor(3, 10s);
  ASSERT_EQ(got.size(), 3u);
  for (const auto& d : got) {
    EXPECT_TRUE(d.signature_ok) << d.body;
    EXPECT_EQ(d.event, "alert");  // the plain submission's event was not chosen
    EXPECT_EQ(d.event_id, got[0].event_id);
    EXPECT_EQ(d.body, got[0].body);
  }
  const json::value body = json::parse(got[0].body);
  EXPECT_EQ(std::to_string(body.at("id").as_int64()), got[0].event_id);
  EXPECT_EQ(body.at("type"), "alert");
  EXPECT_EQ(body.at("station"), "PS-01");
  EXPECT_EQ(body.at("data").at("instance_id"), "uuid:w1");
  EXPECT_EQ(body.at("data").at("question"), "V11");
  // Backoff: 100 ms, then 200 ms.
  EXPECT_GE(got[1].at - got[0].at, 90ms);
  EXPECT_GE(got[2].at - got[1].at, 190ms);
  // Nothing more: the third was taken.
  EXPECT_EQ(receiver.WaitFor(4, 500ms).size(), 3u);
  auto metrics = admin->Get("/metrics");
  EXPECT_NE(metrics->body.find("webhook_deliveries_total 1"), std::string::npos);
  EXPECT_NE(metrics->body.find("webhook_failed_attempts_total 2"), std::string::npos);
}

TEST(Webhooks, EventIsGivenUpAfterItsTimeAndCounted) {
  TestMission mission;
  mission.Create();
  Receiver receiver("a-webhook-secret-of-32-characters", /*failures=*/1000);
  RunningServer server(mission.dir.path() + "/mission", {}, {}, {},
                       {{.url = receiver.url(), .secret = "a-webhook-secret-of-32-characters"}},
                       {.first_retry = 100ms, .max_retry = 1000ms, .give_up_after = 250ms});
  auto admin = server.Client(mission.admin_token);
  ASSERT_EQ(admin->PostJson("/api/v1/submissions", ValidSubmission("uuid:g1"))->status, 201);
  // Attempts at 0, 100 and 300 ms would pass 250 ms: two, then given up.
  EXPECT_EQ(receiver.WaitFor(2, 5s).size(), 2u);
  EXPECT_EQ(receiver.WaitFor(3, 600ms).size(), 2u);
  auto metrics = admin->Get("/metrics");
  EXPECT_NE(metrics->body.find("webhook_given_up_total 1"), std::string::npos);
  EXPECT_NE(metrics->body.find("webhook_deliveries_total 0"), std::string::npos);
}

TEST(Webhooks, FileIsCheckedAndNamesTheProblem) {
  TempDir dir;
  const auto write = [&](const std::string& text) {
    const std::string path = dir.path() + "/hooks.json";
    std::ofstream(path) << text;
    return api::ReadWebhookFile(path);
  };
  auto ok = write(R"([{"url":"https://hooks.example.org/vigil?x=1","secret":"0123456789abcdef",)"
                  R"("events":["alert","rule"]}])");
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ((*ok)[0].types,
            (std::set<service::EventType>{service::EventType::kAlert, service::EventType::kRule}));
  const auto problem = [&](const std::string& text) {
    auto r = write(text);
    EXPECT_FALSE(r.has_value());
    return r ? std::string() : r.error().message();
  };
  EXPECT_NE(problem(R"({"url":"x"})").find("expected a JSON array"), std::string::npos);
  EXPECT_NE(problem(R"([{"url":"ftp://x/","secret":"0123456789abcdef"}])")
                .find("webhook 0: url: expected an http:// or https:// URL"),
            std::string::npos);
  const std::string short_secret = problem(R"([{"url":"http://x/","secret":"hunter2"}])");
  EXPECT_NE(short_secret.find("secret: at least 16 characters"), std::string::npos);
  EXPECT_EQ(short_secret.find("hunter2"), std::string::npos);  // never the secret itself
  EXPECT_NE(problem(R"([{"url":"http://x/","secret":"0123456789abcdef","events":["votes"]}])")
                .find("events: expected submission, alert or rule"),
            std::string::npos);
  EXPECT_NE(problem(R"([{"url":"http://x/","secret":"0123456789abcdef","retries":3}])")
                .find("unknown field 'retries'"),
            std::string::npos);
}

}  // namespace
}  // namespace vigil::testing
