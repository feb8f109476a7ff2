#include "support/test_mission.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "service/admin.h"

namespace vigil::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "vigil-test-XXXXXX").string();
  char* made = mkdtemp(tmpl.data());
  if (made == nullptr) std::abort();
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void TestMission::Create() {
  const storage::Actor actor{"test"};
  const std::string data = dir.path() + "/mission";
  ASSERT_TRUE(service::InitMission(data, {"Test election", "Testland", "2026-06-01", true},
                                   {"Alpha", "Beta"}, actor)
                  .ok());
  auto store = OpenStore();
  std::vector<core::Location> locations;
  for (int r = 1; r <= 2; ++r) {
    const std::string region = "R" + std::to_string(r);
    locations.push_back({region, "Region " + std::to_string(r), "", {}, {}, {}, {}});
    for (int d = 1; d <= 2; ++d) {
      const std::string district = region + "-D" + std::to_string(d);
      locations.push_back({district, "District " + district, region, {}, {}, {}, {}});
      for (int s = 1; s <= 5; ++s) {
        const int n = (r - 1) * 10 + (d - 1) * 5 + s;
        char code[16];
        std::snprintf(code, sizeof code, "PS-%02d", n);
        locations.push_back({code,
                             std::string("Station ") + code,
                             district,
                             1000,
                             core::Settlement::kUrban,
                             {},
                             {}});
      }
    }
  }
  ASSERT_TRUE(store->UpsertLocations(locations, actor, "test").ok());
  std::vector<core::Observer> observers;
  for (int o = 1; o <= 4; ++o) {
    core::Observer obs{"OBS-" + std::to_string(o),
                       "Observer " + std::to_string(o),
                       {"+15550000" + std::to_string(o)},
                       core::ObserverRole::kShortTerm,
                       o <= 2 ? "T-1" : "T-2",
                       "en",
                       {}};
    for (int s = 1; s <= 10; ++s) {
      char code[16];
      std::snprintf(code, sizeof code, "PS-%02d", o <= 2 ? s : s + 10);
      obs.stations.push_back(code);
    }
    observers.push_back(std::move(obs));
  }
  ASSERT_TRUE(store->UpsertObservers(observers, actor, "test").ok());
  const auto token = [&](core::Role role, const std::string& observer,
                         std::vector<std::string> regions = {}) {
    auto t = service::IssueToken(
        *store, {.role = role, .observer_code = observer, .regions = std::move(regions)}, "test",
        std::nullopt, actor);
    EXPECT_TRUE(t.has_value());
    return t ? t->token : std::string();
  };
  admin_token = token(core::Role::kAdmin, "");
  viewer_token = token(core::Role::kViewer, "");
  analyst_token = token(core::Role::kAnalyst, "");
  coordinator_token = token(core::Role::kCoordinator, "", {"R2"});
  observer1_token = token(core::Role::kObserver, "OBS-1");
}

std::unique_ptr<storage::Store> TestMission::OpenStore() const {
  auto store = storage::OpenStore({.data_dir = dir.path() + "/mission", .create = false});
  if (!store) {
    ADD_FAILURE() << store.error().ToString();
    return nullptr;
  }
  return std::move(*store);
}

std::string ValidSubmission(const std::string& instance_id, const std::string& observer,
                            const std::string& station, int voters_turned_away) {
  return R"({"instance_id":")" + instance_id + R"(","form":"V","station":")" + station +
         R"(","observer":")" + observer +
         R"(","started_at":"2026-06-01T08:00:00Z","submitted_at":"2026-06-01T08:40:00+00:00",)"
         R"("answers":{"VA":"08:00","V1":"yes","V7":)" +
         std::to_string(voters_turned_away) + R"(,"V20":"good"}})";
}

std::string CountingSubmission(const std::string& instance_id, const std::string& observer,
                               const std::string& station, const ProtocolCopy& copy) {
  const auto n = [](int v) { return std::to_string(v); };
  return R"({"instance_id":")" + instance_id + R"(","form":"C","station":")" + station +
         R"(","observer":")" + observer + R"(","answers":{"CA":"20:00","CO":"good","CR":)" +
         n(copy.registered) + R"(,"CI":)" + n(copy.issued) + R"(,"CF":)" +
         n(copy.valid + copy.invalid) + R"(,"CV":)" + n(copy.valid) + R"(,"CN":)" +
         n(copy.invalid) + R"(,"P1":)" + n(copy.alpha) + R"(,"P2":)" + n(copy.beta) + "}}";
}

RunningServer::RunningServer(const std::string& data_dir, api::ServerOptions http,
                             service::SessionOptions sessions, api::SmsGatewaySecrets sms,
                             std::vector<api::WebhookTarget> webhooks,
                             api::WebhookOptions webhook_options)
    : RunningServer({.data_dir = data_dir,
                     .http = std::move(http),
                     .access_log = data_dir + "/access.log",
                     .sessions = std::move(sessions),
                     .sms = std::move(sms),
                     .webhooks = std::move(webhooks),
                     .webhook_options = webhook_options}) {}

RunningServer::RunningServer(api::VigilServerOptions options) {
  options.http.listen = "127.0.0.1:0";
  options.http.handle_signals = false;
  if (options.http.threads == 0) options.http.threads = 2;
  if (options.access_log.empty()) options.access_log = options.data_dir + "/access.log";
  tls_ca_file_ = options.http.tls_cert_file;
  auto server = api::VigilServer::Open(std::move(options));
  if (!server) {
    ADD_FAILURE() << server.error().ToString();
    return;
  }
  server_ = std::move(*server);
  if (Status s = server_->Start(); !s.ok()) {
    ADD_FAILURE() << s.ToString();
    return;
  }
  thread_ = std::thread([this] { server_->Run(); });
}

RunningServer::~RunningServer() { Stop(); }

void RunningServer::Stop() {
  if (!thread_.joinable()) return;
  server_->Shutdown();
  thread_.join();
}

std::string RunningServer::url() const {
  return (tls_ca_file_.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") +
         std::to_string(server_->port());
}

std::unique_ptr<api::HttpClient> RunningServer::Client(const std::string& token) const {
  auto client = api::HttpClient::Connect(url(), {.ca_file = tls_ca_file_, .verify = true});
  if (!client) {
    ADD_FAILURE() << client.error().ToString();
    return nullptr;
  }
  (*client)->set_bearer_token(token);
  return std::move(*client);
}

}  // namespace vigil::testing
