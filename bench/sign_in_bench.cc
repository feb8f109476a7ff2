// Signing in: what one Argon2id check costs, and how many sign-ins per second
// a server on this machine answers to 1..8 clients signing in at once,
// against the bound that cost sets: password_threads checks at a time, so
// password_threads / check time per second (the check timed as the server
// starts). `vigil bench ingest --sign-in-clients` measures what sign-ins
// take from submissions.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

#include "api/http_client.h"
#include "api/vigil_server.h"
#include "common/crypto.h"
#include "service/admin.h"

namespace vigil::bench {
namespace {

namespace fs = std::filesystem;

constexpr char kUser[] = "bench";
constexpr char kPassword[] = "correct horse battery staple";

void BM_VerifyPassword(benchmark::State& state) {
  InitCrypto();
  const std::string hash = HashPassword(kPassword);
  for (auto _ : state) {
    if (!VerifyPassword(hash, kPassword)) state.SkipWithError("the password did not verify");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyPassword)->Unit(benchmark::kMillisecond)->UseRealTime();

// A mission with one user, served on 127.0.0.1 by a background thread, as
// `vigil serve` would with two I/O threads and the default password threads.
class SignInServer {
 public:
  SignInServer() : dir_(fs::temp_directory_path() / ("vigil-bench-" + RandomUuid())) {
    InitCrypto();
    if (Status s = Open(); !s.ok()) error_ = s.message();
  }
  ~SignInServer() {
    if (thread_.joinable()) {
      server_->Shutdown();
      thread_.join();
    }
    server_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  const std::string& error() const { return error_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  int password_threads() const { return server_->sessions().options().password_threads; }
  // Sign-ins per second if every password thread did nothing but check.
  double Argon2Bound() const { return password_threads() / verify_seconds_; }

 private:
  Status Open() {
    const storage::Actor actor{"bench"};
    VIGIL_RETURN_IF_ERROR(service::InitMission(
        dir_.string(), {"Bench election", "Benchland", "2026-12-06", false}, {}, actor));
    {
      auto store = storage::OpenStore({.data_dir = dir_.string(), .create = false});
      if (!store) return store.error();
      auto user = service::AddUser(**store, kUser, {.role = core::Role::kViewer}, kPassword, actor);
      if (!user) return user.error();
      // The fastest of a few checks before any load: the cost itself,
      // without interference from whatever else the machine runs.
      verify_seconds_ = std::numeric_limits<double>::infinity();
      for (int i = 0; i < 7; ++i) {
        const auto start = std::chrono::steady_clock::now();
        (void)VerifyPassword(user->password_hash, kPassword);
        verify_seconds_ = std::min(
            verify_seconds_,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      }
    }
    service::SessionOptions sessions;
    // Only failures count towards a lockout, and none are expected; this
    // keeps a stray one from turning the run into 429s.
    sessions.account_failures = 1 << 30;
    sessions.address_failures = 1 << 30;
    auto server = api::VigilServer::Open(
        {.data_dir = dir_.string(),
         .http = {.listen = "127.0.0.1:0", .threads = 2, .handle_signals = false},
         .access_log = {},
         .sessions = std::move(sessions)});
    if (!server) return server.error();
    server_ = std::move(*server);
    VIGIL_RETURN_IF_ERROR(server_->Start());
    thread_ = std::thread([this] { server_->Run(); });
    return Status::Ok();
  }

  fs::path dir_;
  std::unique_ptr<api::VigilServer> server_;
  std::thread thread_;
  double verify_seconds_ = 0;
  std::string error_;
};

SignInServer& Server() {
  static SignInServer server;
  return server;
}

// `clients` clients, each a thread with its own keep-alive connection,
// sign in again and again (one request in flight each) for fixed windows;
// only sign-ins answered inside a window count. One benchmark thread, so
// that the ratio to the bound can be a plain counter.
void BM_SignIn(benchmark::State& state) {
  constexpr auto kWindow = std::chrono::seconds(3);
  SignInServer& server = Server();
  if (!server.error().empty()) {
    state.SkipWithError(server.error().c_str());
    return;
  }
  std::vector<std::unique_ptr<api::HttpClient>> clients;
  for (int i = 0; i < state.range(0); ++i) {
    auto client = api::HttpClient::Connect(server.url());
    if (!client) {
      state.SkipWithError(client.error().message().c_str());
      return;
    }
    clients.push_back(std::move(*client));
  }
  const std::string body =
      boost::json::serialize(boost::json::object{{"name", kUser}, {"password", kPassword}});
  std::int64_t signed_in = 0;
  std::mutex mu;
  std::string error;  // guarded by mu
  for (auto _ : state) {
    const auto deadline = std::chrono::steady_clock::now() + kWindow;
    std::atomic<std::int64_t> in_window{0};
    std::vector<std::thread> threads;
    for (auto& client : clients) {
      threads.emplace_back([&, c = client.get()] {
        while (std::chrono::steady_clock::now() < deadline) {
          auto res = c->PostJson("/api/v1/session", body);
          if (!res || res->status != 201) {
            std::lock_guard lock(mu);
            if (error.empty()) {
              error = res ? "HTTP " + std::to_string(res->status) + ": " + res->body
                          : res.error().message();
            }
            return;
          }
          if (std::chrono::steady_clock::now() <= deadline) ++in_window;
        }
      });
    }
    for (std::thread& t : threads) t.join();
    if (!error.empty()) {
      state.SkipWithError(error.c_str());
      break;
    }
    signed_in += in_window.load();
    state.SetIterationTime(std::chrono::duration<double>(kWindow).count());
  }
  const double seconds =
      static_cast<double>(state.iterations()) * std::chrono::duration<double>(kWindow).count();
  const double per_second = seconds > 0 ? static_cast<double>(signed_in) / seconds : 0;
  state.counters["sign_ins_per_s"] = per_second;
  state.counters["argon2_bound_per_s"] = server.Argon2Bound();
  state.counters["of_bound"] = per_second / server.Argon2Bound();
}
BENCHMARK(BM_SignIn)
    ->ArgName("clients")
    ->RangeMultiplier(2)
    ->Range(1, 8)
    ->Iterations(2)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace vigil::bench
