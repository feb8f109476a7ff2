// Reliability under failure: a server killed with SIGKILL mid-load loses no
// acknowledged submission, and a storm of retries stores one copy.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <mutex>
#include <thread>

#include "support/test_mission.h"
#include "support/vigil_process.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

TEST(Reliability, KillDashNineLosesNoAcknowledgedSubmission) {
  TestMission mission;
  mission.Create();
  const std::string data = mission.dir.path() + "/mission";
  const std::string listen = "127.0.0.1:" + std::to_string(FreePort());
  const std::string url = "http://" + listen;
  const std::vector<std::string> serve = {"serve",    "--data",       data,
                                          "--listen", listen,         "--threads",
                                          "2",        "--access-log", data + "/access.log"};

  std::mutex ledger_mu;
  struct Acknowledged {
    std::string id, observer, station;
  };
  std::vector<Acknowledged> ledger;  // every submission that got a 201
  {
    VigilProcess server(serve, data + "/server.log");
    ASSERT_TRUE(WaitUntilHealthy(url, 20));
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < 6; ++c) {
      clients.emplace_back([&, c] {
        auto client = api::HttpClient::Connect(url);
        if (!client) return;
        (*client)->set_bearer_token(mission.admin_token);
        (*client)->set_timeout(std::chrono::milliseconds(3000));
        const std::string observer = "OBS-" + std::to_string(c % 4 + 1);
        const std::string station = c % 4 < 2 ? "PS-03" : "PS-13";
        for (int i = 0; !stop.load(); ++i) {
          const std::string id = "uuid:crash-" + std::to_string(c) + "-" + std::to_string(i);
          auto res =
              (*client)->PostJson("/api/v1/submissions", ValidSubmission(id, observer, station));
          if (!res) return;  // the server is gone
          if (res->status == 201) {
            std::lock_guard lock(ledger_mu);
            ledger.push_back({id, observer, station});
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    server.Kill(SIGKILL);
    EXPECT_EQ(server.Wait(), -SIGKILL);
    stop.store(true);
    for (auto& t : clients) t.join();
  }
  ASSERT_GT(ledger.size(), 50u) << "too little load reached the server to test anything";

  // Restart on the same data: every acknowledged submission is there, once.
  VigilProcess server(serve, data + "/server.log");
  ASSERT_TRUE(WaitUntilHealthy(url, 20));
  auto client = api::HttpClient::Connect(url);
  ASSERT_TRUE(client.has_value());
  (*client)->set_bearer_token(mission.admin_token);
  for (const Acknowledged& ack : ledger) {
    auto res = (*client)->Get("/api/v1/submissions/" + ack.id);
    ASSERT_TRUE(res.has_value());
    ASSERT_EQ(res->status, 200) << ack.id << " was acknowledged but is missing";
    EXPECT_EQ(json::parse(res->body).at("history").as_array().size(), 1u);
  }
  // A client that never saw its 201 retries: still stored once.
  const Acknowledged& last = ledger.back();
  auto retry = (*client)->PostJson("/api/v1/submissions",
                                   ValidSubmission(last.id, last.observer, last.station));
  EXPECT_EQ(retry->status, 201);
  EXPECT_EQ(json::parse(retry->body).at("status"), "duplicate");
  server.Kill(SIGTERM);
  EXPECT_EQ(server.Wait(), 0);

  const ProcessResult verify = RunVigil({"audit", "verify", "--data", data});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("OK:"), std::string::npos);
}

TEST(Reliability, RetryStormOfOneSubmissionStoresItOnce) {
  TestMission mission;
  mission.Create();
  RunningServer server(mission.dir.path() + "/mission");
  const std::string body = ValidSubmission("uuid:storm");
  constexpr int kThreads = 50;
  constexpr int kPostsPerThread = 20;  // 1,000 posts in all
  std::atomic<int> created{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto client = server.Client(mission.admin_token);
      for (int i = 0; i < kPostsPerThread; ++i) {
        auto res = client->PostJson("/api/v1/submissions", body);
        (res && res->status == 201 ? created : other)++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), kThreads * kPostsPerThread);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(*server.server().service().store().CountSubmissions(), 1);
}

}  // namespace
}  // namespace vigil::testing
