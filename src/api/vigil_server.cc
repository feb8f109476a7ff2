#include "api/vigil_server.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "api/openrosa_routes.h"
#include "api/routes.h"
#include "service/field_credentials.h"

namespace vigil::api {

namespace {

Result<std::shared_ptr<spdlog::logger>> MakeAccessLog(const std::string& data_dir,
                                                      std::string path) {
  try {
    if (path == "-") {
      auto logger = std::make_shared<spdlog::logger>(
          "access", std::make_shared<spdlog::sinks::stdout_sink_mt>());
      logger->set_pattern("%v");
      return logger;
    }
    if (path.empty()) path = (std::filesystem::path(data_dir) / "logs" / "access.log").string();
    auto logger = std::make_shared<spdlog::logger>(
        "access", std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, /*truncate=*/false));
    logger->set_pattern("%v");
    // Buffered: flushed every second by spdlog's flusher and at exit.
    logger->flush_on(spdlog::level::off);
    return logger;
  } catch (const spdlog::spdlog_ex& e) {
    return Fail(Status::InvalidArgument(std::string("cannot open the access log: ") + e.what()));
  }
}

}  // namespace

Result<std::unique_ptr<VigilServer>> VigilServer::Open(VigilServerOptions options) {
  if (Status s = service::CheckDigestRealm(options.digest.realm); !s.ok()) return Fail(s);
  while (options.public_url.ends_with('/')) options.public_url.pop_back();
  if (!options.public_url.empty() && !options.public_url.starts_with("https://") &&
      !options.public_url.starts_with("http://")) {
    return Fail(Status::InvalidArgument("--public-url must start with https:// or http://; got '" +
                                        options.public_url + "'"));
  }
  if (options.sms.public_url.empty()) options.sms.public_url = options.public_url;
  std::unique_ptr<VigilServer> server(new VigilServer());
  auto service = service::MissionService::Open({.data_dir = options.data_dir, .committer = {}},
                                               server->metrics_);
  if (!service) return Fail(service.error());
  server->service_ = std::move(*service);
  auto access_log = MakeAccessLog(options.data_dir, options.access_log);
  if (!access_log) return Fail(access_log.error());
  server->access_log_ = *access_log;
  spdlog::flush_every(std::chrono::seconds(1));
  server->events_ =
      std::make_unique<service::EventBus>(service::EventBus::Options{}, server->metrics_);
  server->alerts_ = std::make_unique<service::AlertService>(
      *server->service_, *server->events_, server->metrics_, service::AlertService::Options{});
  if (!options.webhooks.empty()) {
    server->webhooks_ = std::make_unique<WebhookDispatcher>(
        options.webhooks, *server->events_, server->metrics_, options.webhook_options);
  }
  server->forensics_ = std::make_unique<service::ForensicsJobs>(server->service_->store());
  // Copies are re-read at most every 5 s: about 0.8 s per 100,000 counting
  // reports, which every dashboard poll would otherwise pay.
  server->copies_ = std::make_unique<service::ObserverCopiesCache>(server->service_->store(),
                                                                   std::chrono::seconds(5));
  server->digest_ =
      std::make_unique<service::DigestAuthenticator>(server->service_->store(), options.digest);
  server->attachments_ =
      std::make_unique<service::AttachmentStore>(server->service_->store(), options.data_dir);
  server->sessions_ = std::make_unique<service::SessionManager>(server->service_->store(),
                                                                options.sessions, server->metrics_);
  server->sms_ = std::make_unique<service::SmsIntake>(*server->service_);
  auto live = service::LiveReports::Start(*server->service_);
  if (!live) return Fail(live.error());
  server->live_ = std::move(*live);
  auto observations = service::LiveObservations::Open(*server->service_);
  if (!observations) return Fail(observations.error());
  server->observations_ = std::move(*observations);
  std::vector<Route> routes = ApiRoutes({.mission = *server->service_,
                                         .sessions = *server->sessions_,
                                         .forensics = *server->forensics_,
                                         .copies = *server->copies_,
                                         .metrics = server->metrics_,
                                         .digest = *server->digest_,
                                         .attachments = *server->attachments_,
                                         .live = *server->live_,
                                         .observations = *server->observations_,
                                         .odk_max_body_bytes = options.odk_max_body_bytes,
                                         .public_url = options.public_url,
                                         .events = *server->events_,
                                         .alerts = *server->alerts_});
  for (Route& route : SmsRoutes(*server->sms_, options.sms)) routes.push_back(std::move(route));
  if (!options.web_root.empty()) {
    auto web = WebAssets::Load(options.web_root);
    if (!web) return Fail(web.error());
    server->web_ = std::move(*web);
    // The app's index.html takes the place of the landing page.
    std::erase_if(routes, [](const Route& r) { return r.pattern == "/"; });
  }
  server->router_ =
      std::make_unique<Router>(std::move(routes), *server->service_, *server->sessions_);
  if (server->web_) {
    server->router_->set_fallback(
        [web = server->web_](const Request& request, std::string_view path) {
          return web->Serve(path, request[boost::beast::http::field::accept_encoding]);
        });
  }
  Router* router = server->router_.get();
  options.http.body_limits.push_back({.path_prefix = "/openrosa/",
                                      .max_bytes = options.odk_max_body_bytes,
                                      .too_large = OpenRosaTooLarge});
  server->http_ = std::make_unique<HttpServer>(
      options.http,
      [router](Request& request, const Peer& peer, Responder respond) {
        router->Handle(request, peer, std::move(respond));
      },
      server->access_log_, server->metrics_);
  return server;
}

VigilServer::~VigilServer() {
  if (http_) http_->Shutdown();
}

Status VigilServer::Start() { return http_->Start(); }

void VigilServer::Run() {
  http_->Run();
  service_->Drain();
  alerts_->Drain();  // the alerts of that last commit are stored too
  if (webhooks_) webhooks_->Stop();
  sms_->Drain();  // the SMS accepted by that last commit are logged too
  access_log_->flush();
}

}  // namespace vigil::api
