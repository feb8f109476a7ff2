// `vigil serve` as an object: the mission service, the API routes and the
// HTTP server wired together. Used by the CLI, the demo and the tests.
#pragma once

#include <memory>
#include <string>

#include "api/http_server.h"
#include "api/router.h"
#include "api/sms_routes.h"
#include "api/web_assets.h"
#include "api/webhooks.h"
#include "common/metrics.h"
#include "service/alerts.h"
#include "service/attachments.h"
#include "service/digest_auth.h"
#include "service/events.h"
#include "service/forensics_jobs.h"
#include "service/live_observations.h"
#include "service/live_reports.h"
#include "service/mission_service.h"
#include "service/observer_copies.h"
#include "service/sessions.h"
#include "service/sms_intake.h"

namespace spdlog {
class logger;
}

namespace vigil::api {

struct VigilServerOptions {
  std::string data_dir;
  ServerOptions http;
  // Where the JSON access log goes: a file path, "-" for standard output, or
  // empty for DATA_DIR/logs/access.log.
  std::string access_log;
  service::SessionOptions sessions;
  service::DigestOptions digest;  // ODK logins on the OpenRosa routes
  // The body limit of /openrosa/ requests, which carry photos; OpenRosa's
  // default (X-OpenRosa-Accept-Content-Length) is 10 MB.
  std::size_t odk_max_body_bytes = 10 << 20;
  // The base URL clients reach the server by ("https://vigil.example.org"),
  // for the absolute URLs it hands out (OpenRosa form downloads) and the
  // URL Twilio signs; empty: taken from each request's Host header, which
  // behind a TLS proxy gives http:// URLs.
  std::string public_url;
  // The SMS gateways' secrets; a gateway without one has no route.
  SmsGatewaySecrets sms;
  // Outbound webhooks (--webhooks FILE); none: no dispatcher thread.
  std::vector<WebhookTarget> webhooks;
  WebhookOptions webhook_options;
  // The web application's built files (web_assets.h), served at / ahead of
  // nothing but the API's routes; empty: no app, / is a plain landing page.
  std::string web_root;
};

class VigilServer {
 public:
  static Result<std::unique_ptr<VigilServer>> Open(VigilServerOptions options);
  ~VigilServer();

  Status Start();  // binds; port() is valid afterwards
  unsigned short port() const { return http_->port(); }
  // Serves until Shutdown() (or SIGTERM/SIGINT), then stores every
  // submission already accepted before returning.
  void Run();
  void Shutdown() { http_->Shutdown(); }
  service::MissionService& service() { return *service_; }
  service::SessionManager& sessions() { return *sessions_; }
  service::SmsIntake& sms() { return *sms_; }
  service::EventBus& events() { return *events_; }
  service::AlertService& alerts() { return *alerts_; }
  const Router& router() const { return *router_; }
  // The web application's files, or null without --web-root.
  const WebAssets* web() const { return web_.get(); }

 private:
  VigilServer() = default;

  MetricsRegistry metrics_;
  std::shared_ptr<spdlog::logger> access_log_;
  // Before service_, so destroyed after it: the service's last commits
  // (while it drains) still tell it of their versions.
  std::unique_ptr<service::LiveObservations> observations_;
  std::unique_ptr<service::MissionService> service_;
  // After service_: the alerts' listener stops reaching them first.
  std::unique_ptr<service::EventBus> events_;
  std::unique_ptr<service::AlertService> alerts_;         // publishes to events_
  std::unique_ptr<WebhookDispatcher> webhooks_;           // reads events_
  std::unique_ptr<service::ForensicsJobs> forensics_;     // uses service_'s store
  std::unique_ptr<service::ObserverCopiesCache> copies_;  // likewise
  std::unique_ptr<service::DigestAuthenticator> digest_;  // likewise
  std::unique_ptr<service::SmsIntake> sms_;               // uses service_
  // Shared with the listener it registers with service_, which outlives it.
  std::shared_ptr<service::LiveReports> live_;
  std::shared_ptr<const WebAssets> web_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<HttpServer> http_;
  // After http_, so destroyed before it: its thread answers through it.
  std::unique_ptr<service::AttachmentStore> attachments_;  // uses service_'s store
  // Last, so destroyed first: its password threads finish their sign-ins
  // while the HTTP server they answer through still exists.
  std::unique_ptr<service::SessionManager> sessions_;  // uses service_'s store
};

}  // namespace vigil::api
