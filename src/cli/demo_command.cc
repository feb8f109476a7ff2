// `vigil demo`: a generated mission of a fictional country, served live, with
// a simulated election day posting through the real HTTP API.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "analysis/pvt.h"
#include "api/http_client.h"
#include "api/vigil_server.h"
#include "cli/cli.h"
#include "service/admin.h"

namespace vigil::cli {

namespace json = boost::json;

namespace {

// The seed the demo's PVT sample is drawn with, as a mission would publish it.
constexpr std::uint64_t kDemoPvtSeed = 20261206;

// The demo election's contestants, in ballot order.
const std::vector<std::string> kDemoContestants = {"Freedom Party", "Union for Progress",
                                                   "Green Alliance", "Citizens' List"};

struct DemoOptions {
  std::string data_dir = "vigil-demo";
  std::string listen = "127.0.0.1:8080";
  std::string tls_cert_file;  // both set: serve HTTPS
  std::string tls_key_file;
  std::string web_root;  // the web application's files
  int regions = 10;
  int districts_per_region = 10;
  int stations_per_district = 100;
  int rate = 40;  // submissions per second posted by the simulation
  bool simulate = true;
};

constexpr const char* kRegionNames[] = {"Northmarch", "Eastvale", "Southbay",  "Westmoor",
                                        "Highfield",  "Lowlands", "Riverside", "Lakeland",
                                        "Stonegate",  "Sunridge", "Greenhill", "Ironwood"};
constexpr int kStationsPerTeam = 10;

// The simulation talks to its own server on loopback, under whatever name
// the certificate has: there is nobody in between to verify.
const api::ClientTlsOptions kLoopbackTls{.ca_file = {}, .verify = false};

std::string Code(const char* prefix, int n, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%0*d", prefix, width, n);
  return buf;
}

// Gives the demo's users admin, analyst, coordinator (of region R01) and
// viewer one new random password, creating them on the first run; returns
// the password.
Result<std::string> SetDemoLogins(storage::Store& store, const storage::Actor& actor) {
  const std::string password = RandomToken(12);
  const std::pair<const char*, service::Grant> logins[] = {
      {"admin", {.role = core::Role::kAdmin}},
      {"analyst", {.role = core::Role::kAnalyst}},
      {"coordinator", {.role = core::Role::kCoordinator, .regions = {Code("R", 1, 2)}}},
      {"viewer", {.role = core::Role::kViewer}}};
  for (const auto& [name, grant] : logins) {
    auto user = store.FindUser(name);
    if (!user) return Fail(user.error());
    if (*user) {
      VIGIL_RETURN_IF_ERROR(service::ChangePassword(store, name, password, actor));
    } else if (auto added = service::AddUser(store, name, grant, password, actor); !added) {
      return Fail(added.error());
    }
  }
  return password;
}

// Builds the fictional mission: regions > districts > polling stations, and
// observers in pairs, each pair assigned kStationsPerTeam stations.
Status GenerateMission(const DemoOptions& o, storage::Store& store, const storage::Actor& actor) {
  std::mt19937 rng(20261206);
  std::vector<core::Location> locations;
  int station_no = 0;
  // The polling stations, stratified by region for the PVT sample.
  std::vector<core::PvtStation> stations;
  for (int r = 0; r < o.regions; ++r) {
    const std::string region = Code("R", r + 1, 2);
    locations.push_back(
        {region, kRegionNames[r % 12], "", std::nullopt, core::Settlement::kUnknown, {}, {}});
    for (int d = 0; d < o.districts_per_region; ++d) {
      const std::string district = region + "-D" + Code("", d + 1, 2);
      locations.push_back({district,
                           std::string(kRegionNames[r % 12]) + " district " + std::to_string(d + 1),
                           region,
                           std::nullopt,
                           core::Settlement::kUnknown,
                           {},
                           {}});
      for (int s = 0; s < o.stations_per_district; ++s) {
        const std::string code = Code("PS-", ++station_no, 5);
        const bool urban = std::uniform_int_distribution<int>(0, 99)(rng) < 55;
        const double lat = 41.0 + r * 0.5 + std::uniform_real_distribution<double>(0, 0.5)(rng);
        const double lon = 19.0 + d * 0.4 + std::uniform_real_distribution<double>(0, 0.4)(rng);
        locations.push_back({code, "Polling station " + std::to_string(station_no), district,
                             std::uniform_int_distribution<std::int64_t>(urban ? 1200 : 300,
                                                                         urban ? 2500 : 1200)(rng),
                             urban ? core::Settlement::kUrban : core::Settlement::kRural, lat,
                             lon});
        stations.push_back({code, region, *locations.back().registered_voters});
      }
    }
  }
  VIGIL_RETURN_IF_ERROR(store.UpsertLocations(locations, actor, "demo-generator"));
  std::vector<core::Observer> observers;
  const int teams = static_cast<int>(stations.size()) / kStationsPerTeam;
  for (int t = 0; t < teams; ++t) {
    std::vector<std::string> assigned;
    for (int i = t * kStationsPerTeam; i < (t + 1) * kStationsPerTeam; ++i) {
      assigned.push_back(stations[static_cast<std::size_t>(i)].code);
    }
    for (int member = 0; member < 2; ++member) {
      const int n = t * 2 + member + 1;
      observers.push_back({Code("OBS-", n, 4),
                           "Observer " + std::to_string(n),
                           {"+1555" + Code("", n, 7)},
                           core::ObserverRole::kShortTerm,
                           Code("T-", t + 1, 4),
                           member == 0 ? "en" : "ru",
                           assigned});
    }
  }
  VIGIL_RETURN_IF_ERROR(store.UpsertObservers(observers, actor, "demo-generator"));
  // The PVT sample, drawn with a published seed.
  const auto size = static_cast<std::int64_t>(std::min<std::size_t>(400, stations.size() / 4));
  auto sample = analysis::DrawPvtSample(
      std::move(stations), {.seed = kDemoPvtSeed, .sample = size, .reserves = size / 10});
  if (!sample) return sample.error();
  return store.SavePvtSample(*sample, actor);
}

// The count at a station as its protocol says: the same every time it is
// reported (drawn from the station's code), so that observers' copies agree.
std::string SimulatedCount(const std::string& election_date, const core::Observer& o,
                           const core::Location& station, int region_index) {
  std::mt19937_64 rng(std::hash<std::string>{}(station.code));
  const std::int64_t registered = station.registered_voters.value_or(800);
  const double turnout =
      0.5 + 0.03 * (region_index % 5) + std::uniform_real_distribution<double>(-0.08, 0.08)(rng);
  const auto issued =
      static_cast<std::int64_t>(std::llround(static_cast<double>(registered) * turnout));
  const std::int64_t invalid = std::binomial_distribution<std::int64_t>(issued, 0.015)(rng);
  const std::int64_t valid = issued - invalid;
  // Votes by contestant, as binomial splits of what is left.
  const double tilt = 0.02 * (region_index % 4);
  const std::vector<double> shares = {0.42 + tilt, 0.31 - tilt, 0.17, 0.10};
  json::object answers{{"CA", "20:00"},
                       {"C1", "no"},
                       {"C2", "yes"},
                       {"C3", "yes"},
                       {"C4", "yes"},
                       {"C5", "yes"},
                       {"C6", "yes"},
                       {"C7", "yes"},
                       {"C8", "yes"},
                       {"CR", registered},
                       {"CB", registered},
                       {"CI", issued},
                       {"CX", registered - issued},
                       {"CF", issued},
                       {"CV", valid},
                       {"CN", invalid},
                       {"CO", "good"}};
  std::int64_t left = valid;
  double share_left = 1;
  for (std::size_t c = 0; c < shares.size(); ++c) {
    const std::int64_t votes = c + 1 == shares.size() ? left
                                                      : std::binomial_distribution<std::int64_t>(
                                                            left, shares[c] / share_left)(rng);
    answers["P" + std::to_string(c + 1)] = votes;
    left -= votes;
    share_left -= shares[c];
  }
  // A slip in copying at some stations, for the default data-quality rules
  // to flag (GET /api/v1/quality).
  if (std::uniform_real_distribution<double>(0, 1)(rng) < 0.03) answers["CF"] = issued + 10;
  return json::serialize(json::object{{"instance_id", "uuid:" + RandomUuid()},
                                      {"form", "C"},
                                      {"station", station.code},
                                      {"observer", o.code},
                                      {"submitted_at", election_date + "T21:30:00Z"},
                                      {"answers", std::move(answers)}});
}

// One simulated observation: a voting-form submission with answers whose
// problem rates differ by region, so the statistics have something to show.
std::string SimulatedSubmission(std::mt19937_64& rng, const std::string& election_date,
                                const core::Observer& o, const std::string& station,
                                int region_index, int visit_minute) {
  const auto chance = [&](double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng) < p;
  };
  const double trouble = 0.03 + 0.02 * (region_index % 5);
  const auto yn = [&](double p_yes) { return chance(p_yes) ? "yes" : "no"; };
  const auto clock = [](int minute_after_seven) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d", (7 + minute_after_seven / 60) % 24,
                  minute_after_seven % 60);
    return std::string(buf);
  };
  const std::string arrival = clock(visit_minute);
  const std::string departure = clock(visit_minute + 40);
  const char* assessment = chance(trouble * 2) ? (chance(0.3) ? "very_bad" : "bad")
                                               : (chance(0.6) ? "good" : "very_good");
  json::object answers{{"VA", arrival},
                       {"V1", yn(1 - trouble)},
                       {"V2", yn(0.15)},
                       {"V3", yn(trouble)},
                       {"V4", yn(1 - trouble)},
                       {"V5", yn(trouble / 2)},
                       {"V6", chance(0.05) ? "na" : yn(0.95)},
                       {"V7", chance(0.8) ? 0 : std::uniform_int_distribution<int>(1, 12)(rng)},
                       {"V9", yn(trouble * 1.5)},
                       {"V10", yn(trouble / 3)},
                       {"V11", yn(trouble / 4)},
                       {"V13", yn(trouble / 2)},
                       {"V14", yn(trouble)},
                       {"V15", yn(0.85)},
                       {"V16", yn(0.6)},
                       {"V17", yn(0.7)},
                       {"V18", std::uniform_int_distribution<int>(2, 9)(rng)},
                       {"V20", assessment},
                       {"VD", departure}};
  const std::string start = election_date + "T" + arrival + ":00Z";
  const std::string end = election_date + "T" + departure + ":00Z";
  return json::serialize(json::object{{"instance_id", "uuid:" + RandomUuid()},
                                      {"form", "V"},
                                      {"station", station},
                                      {"observer", o.code},
                                      {"started_at", start},
                                      {"submitted_at", end},
                                      {"answers", std::move(answers)}});
}

// Posts submissions at about `rate` per second until `stop`: each team
// visits its stations in turn through the day; a few posts are retried
// (stored once) and a few reports are later corrected by an edit.
void Simulate(const std::string& url, const std::string& token, const core::MissionIndex& mission,
              int rate, int worker, int workers, std::atomic<bool>& stop) {
  auto client = api::HttpClient::Connect(url, kLoopbackTls);
  if (!client) {
    spdlog::error("demo simulator: {}", client.error().message());
    return;
  }
  (*client)->set_bearer_token(token);
  std::mt19937_64 rng(static_cast<std::uint64_t>(worker) * 7919 + 1);
  const std::string date = mission.election().date.empty() ? "2026-12-06" : mission.election().date;
  std::vector<const core::Observer*> leaders;  // the first observer of each team reports for it
  for (std::size_t i = 0; i < mission.observers().size(); ++i) {
    if (static_cast<int>(i / 2) % workers == worker && i % 2 == 0)
      leaders.push_back(&mission.observers()[i]);
  }
  if (leaders.empty()) return;
  // Teams report in no particular order across the country.
  std::shuffle(leaders.begin(), leaders.end(), rng);
  const auto interval = std::chrono::microseconds(1000000LL * workers / std::max(rate, 1));
  auto next = std::chrono::steady_clock::now();
  std::size_t visit = 0;
  while (!stop.load()) {
    const core::Observer& o = *leaders[visit % leaders.size()];
    const std::size_t round = visit / leaders.size();
    const std::string& station = o.stations[round % o.stations.size()];
    const auto ancestors = mission.Ancestors(station);
    const int region = ancestors.empty() ? 0 : std::atoi(ancestors.back().c_str() + 1);
    const int minute = static_cast<int>((round % o.stations.size()) * 70 + (visit % 37));
    std::string body = SimulatedSubmission(rng, date, o, station, region, minute);
    auto res = (*client)->PostJson("/api/v1/submissions", body);
    if (res && res->status == 201 && std::uniform_int_distribution<int>(0, 99)(rng) < 2) {
      (void)(*client)->PostJson("/api/v1/submissions", body);  // a client retry: stored once
    }
    if (res && res->status == 201 && std::uniform_int_distribution<int>(0, 99)(rng) < 1) {
      // An observer corrects a report: a new version that replaces it.
      json::value edited = json::parse(body);
      edited.as_object()["replaces"] = edited.as_object()["instance_id"];
      edited.as_object()["instance_id"] = "uuid:" + RandomUuid();
      edited.as_object()["answers"].as_object()["V7"] = 1;
      (void)(*client)->PostJson("/api/v1/submissions", json::serialize(edited));
    }
    if (!res) spdlog::warn("demo simulator: {}", res.error().message());
    // Half the visits end with the team staying for the count there, so
    // that copies of the protocols arrive and the PVT estimate fills in.
    const core::Location* location = mission.FindLocation(station);
    if (location != nullptr && std::uniform_int_distribution<int>(0, 1)(rng) == 0) {
      auto count =
          (*client)->PostJson("/api/v1/submissions", SimulatedCount(date, o, *location, region));
      if (!count) spdlog::warn("demo simulator: {}", count.error().message());
    }
    ++visit;
    next += interval;
    std::this_thread::sleep_until(next);
  }
}

}  // namespace

void RegisterDemo(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "demo", "Serve a generated demo mission (fictional country) with a simulated election day");
  auto opts = std::make_shared<DemoOptions>();
  cmd->add_option("--data", opts->data_dir,
                  "Data directory of the demo mission (created if missing)")
      ->capture_default_str();
  cmd->add_option("--listen", opts->listen, "Address to listen on, HOST:PORT")
      ->capture_default_str();
  CLI::Option* web_root = AddWebRootOption(*cmd, opts->web_root);
  cmd->add_option("--tls-cert", opts->tls_cert_file,
                  "Serve HTTPS with this PEM certificate (chain); needs --tls-key");
  cmd->add_option("--tls-key", opts->tls_key_file, "PEM private key of --tls-cert (unencrypted)");
  cmd->add_option("--rate", opts->rate, "Submissions per second the simulation posts")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--regions", opts->regions, "Regions (level 1)")
      ->check(CLI::Range(1, 99))
      ->capture_default_str();
  cmd->add_option("--districts", opts->districts_per_region, "Districts per region (level 2)")
      ->check(CLI::Range(1, 99))
      ->capture_default_str();
  cmd->add_option("--stations", opts->stations_per_district,
                  "Polling stations per district (level 3)")
      ->check(CLI::Range(kStationsPerTeam, 9990))
      ->capture_default_str();
  cmd->add_flag("--no-simulate{false}", opts->simulate,
                "Serve the mission without simulating election day");
  cmd->callback([opts, web_root, &ctx] {
    WebRootOrNone(*web_root, opts->web_root);
    const storage::Actor actor = LocalActor();
    const bool fresh = !std::filesystem::exists(std::filesystem::path(opts->data_dir) / "vigil.db");
    if (fresh) {
      const core::Election election{"Parliamentary elections (demo)", "Freedonia", "2026-12-06",
                                    true};
      if (Status s = service::InitMission(opts->data_dir, election, kDemoContestants, actor);
          !s.ok()) {
        ctx.exit_code = ReportError(s);
        return;
      }
    }
    auto store = storage::OpenStore({.data_dir = opts->data_dir, .create = false});
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    if (fresh) {
      std::printf("Generating the demo mission: %d regions, %d districts, %d polling stations...\n",
                  opts->regions, opts->regions * opts->districts_per_region,
                  opts->regions * opts->districts_per_region * opts->stations_per_district);
      if (Status s = GenerateMission(*opts, **store, actor); !s.ok()) {
        ctx.exit_code = ReportError(s);
        return;
      }
    }
    auto demo_password = SetDemoLogins(**store, actor);
    if (!demo_password) {
      ctx.exit_code = ReportError(demo_password.error());
      return;
    }
    auto admin = service::IssueToken(**store, {.role = core::Role::kAdmin}, "demo admin",
                                     std::nullopt, actor);
    auto viewer = service::IssueToken(**store, {.role = core::Role::kViewer}, "demo viewer",
                                      std::nullopt, actor);
    auto simulator = service::IssueToken(**store, {.role = core::Role::kAdmin}, "demo simulator",
                                         std::nullopt, actor);
    if (!admin || !viewer || !simulator) {
      ctx.exit_code = ReportError(!admin    ? admin.error()
                                  : !viewer ? viewer.error()
                                            : simulator.error());
      return;
    }
    store->reset();

    auto server = api::VigilServer::Open({.data_dir = opts->data_dir,
                                          .http = {.listen = opts->listen,
                                                   .tls_cert_file = opts->tls_cert_file,
                                                   .tls_key_file = opts->tls_key_file},
                                          .access_log = {},
                                          .web_root = opts->web_root});
    if (!server) {
      ctx.exit_code = ReportError(server.error());
      return;
    }
    if (Status s = (*server)->Start(); !s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    const std::string url = std::string(opts->tls_cert_file.empty() ? "http" : "https") +
                            "://127.0.0.1:" + std::to_string((*server)->port());
    std::printf(
        "\nvigil demo mission \"%s\" is being served at %s\n\n"
        "  open it in a browser and sign in as admin, analyst, coordinator (region R01)\n"
        "  or viewer\n"
        "  with the password %s (new for each run)\n\n"
        "  admin token:  %s\n  viewer token: %s\n\n"
        "Try:\n  curl -H 'Authorization: Bearer %s' %s/api/v1/coverage?depth=0\n"
        "  curl -H 'Authorization: Bearer %s' %s/api/v1/forms/V\n"
        "  curl -H 'Authorization: Bearer %s' %s/metrics\n"
        "  curl -H 'Authorization: Bearer %s' %s/api/v1/pvt\n"
        "  curl -H 'Authorization: Bearer %s' '%s/api/v1/quality?limit=5'\n"
        "  curl -H 'Authorization: Bearer %s' %s/api/v1/coverage/timeline?form=V\n"
        "  curl -H 'Authorization: Bearer %s' '%s/api/v1/conflicts?form=C&status=open'\n"
        "  curl -H 'Authorization: Bearer %s' '%s/api/v1/findings?form=V&question=V7&level=0'\n"
        "  curl -H 'Authorization: Bearer %s' '%s/api/v1/report/statement?format=md'\n"
        "  curl -N -H 'Authorization: Bearer %s' '%s/api/v1/events?types=alert'   # live alerts\n"
        "  curl -H 'Authorization: Bearer %s' '%s/api/v1/alerts?status=open'\n\n"
        "%s Ctrl-C stops the demo (the data stays in %s).\n\n",
        (*server)->service().Mission()->election().name.c_str(), url.c_str(),
        demo_password->c_str(), admin->token.c_str(), viewer->token.c_str(), viewer->token.c_str(),
        url.c_str(), admin->token.c_str(), url.c_str(), admin->token.c_str(), url.c_str(),
        admin->token.c_str(), url.c_str(), admin->token.c_str(), url.c_str(), viewer->token.c_str(),
        url.c_str(), admin->token.c_str(), url.c_str(), admin->token.c_str(), url.c_str(),
        admin->token.c_str(), url.c_str(), viewer->token.c_str(), url.c_str(),
        viewer->token.c_str(), url.c_str(),
        opts->simulate ? "Election day is being simulated: observers report through the API." : "",
        opts->data_dir.c_str());
    std::fflush(stdout);

    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    const auto mission = (*server)->service().Mission();
    if (opts->simulate) {
      constexpr int kWorkers = 4;
      for (int w = 0; w < kWorkers; ++w) {
        threads.emplace_back(Simulate, url, simulator->token, std::cref(*mission), opts->rate, w,
                             kWorkers, std::ref(stop));
      }
      // A live line on the terminal, read through the API like any client.
      threads.emplace_back([url, token = viewer->token, &stop] {
        auto client = api::HttpClient::Connect(url, kLoopbackTls);
        if (!client) return;
        (*client)->set_bearer_token(token);
        while (!stop.load()) {
          for (int i = 0; i < 50 && !stop.load(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          auto res = (*client)->Get("/api/v1/coverage");
          if (!res || res->status != 200) continue;
          const json::value v = json::parse(res->body);
          std::printf("election day: %lld reports, %lld of %lld polling stations reported\n",
                      static_cast<long long>(v.at("reports").to_number<std::int64_t>()),
                      static_cast<long long>(v.at("reported").to_number<std::int64_t>()),
                      static_cast<long long>(v.at("stations").to_number<std::int64_t>()));
          std::fflush(stdout);
        }
      });
    }
    (*server)->Run();  // until Ctrl-C / SIGTERM
    stop.store(true);
    for (std::thread& t : threads) t.join();
    std::printf("demo stopped; data kept in %s\n", opts->data_dir.c_str());
  });
}

}  // namespace vigil::cli
