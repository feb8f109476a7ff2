// `vigil serve`: run the HTTP API on a mission.
#include <spdlog/spdlog.h>

#include "api/vigil_server.h"
#include "cli/cli.h"

namespace vigil::cli {

void RegisterServe(CLI::App& app, Context& ctx) {
  auto* cmd =
      app.add_subcommand("serve", "Serve the HTTP API (submissions, forms, coverage, metrics)");
  auto opts = std::make_shared<api::VigilServerOptions>();
  AddDataOption(*cmd, opts->data_dir);
  CLI::Option* web_root = AddWebRootOption(*cmd, opts->web_root);
  cmd->add_option("--listen", opts->http.listen, "Address to listen on, HOST:PORT")
      ->capture_default_str();
  cmd->add_option("--threads", opts->http.threads, "I/O threads (0: one per core)")
      ->capture_default_str();
  cmd->add_option("--max-body", opts->http.max_body_bytes,
                  "Largest request body accepted, in bytes")
      ->capture_default_str();
  cmd->add_option("--odk-max-body", opts->odk_max_body_bytes,
                  "Largest OpenRosa submission accepted (instance and photos), in bytes; ODK "
                  "Collect splits larger ones")
      ->capture_default_str();
  cmd->add_option("--public-url", opts->public_url,
                  "The URL clients reach this server by (https://vigil.example.org), for the "
                  "links it hands out; needed behind a TLS proxy");
  cmd->add_option("--tls-cert", opts->http.tls_cert_file,
                  "Serve HTTPS with this PEM certificate (chain); needs --tls-key");
  cmd->add_option("--tls-key", opts->http.tls_key_file,
                  "PEM private key of --tls-cert (unencrypted)");
  cmd->add_option("--odk-realm", opts->digest.realm,
                  "Digest realm of ODK logins on /openrosa (as given to vigil observer login "
                  "--realm)")
      ->capture_default_str();
  cmd->add_option(
      "--access-log", opts->access_log,
      "JSON access log: a file, or - for standard output (default: DATA/logs/access.log)");
  auto sms_file = std::make_shared<std::string>();
  cmd->add_option("--sms-gateways", *sms_file,
                  "File of SMS gateway secrets, `key = value` lines (docs/sms.md); a gateway "
                  "without a secret is disabled");
  auto webhooks_file = std::make_shared<std::string>();
  cmd->add_option("--webhooks", *webhooks_file,
                  "JSON file of outbound webhooks: [{\"url\", \"secret\", \"events\"}] "
                  "(docs/analytics.md); each event is POSTed signed with its secret");
  cmd->callback([opts, sms_file, webhooks_file, web_root, &ctx] {
    WebRootOrNone(*web_root, opts->web_root);
    if (!webhooks_file->empty()) {
      // A file, like the SMS secrets, so that no secret shows in `ps`.
      auto webhooks = api::ReadWebhookFile(*webhooks_file);
      if (!webhooks) {
        ctx.exit_code = ReportError(webhooks.error());
        return;
      }
      opts->webhooks = std::move(*webhooks);
    }
    if (!sms_file->empty()) {
      // From a file, not the command line, so that no secret shows in `ps`.
      auto secrets = api::ReadSmsGatewayFile(*sms_file);
      if (!secrets) {
        ctx.exit_code = ReportError(secrets.error());
        return;
      }
      opts->sms = std::move(*secrets);
    }
    auto server = api::VigilServer::Open(*opts);
    if (!server) {
      ctx.exit_code = ReportError(server.error());
      return;
    }
    if (Status s = (*server)->Start(); !s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    spdlog::info("vigil serving {} on {} (port {}, {}); SIGTERM or Ctrl-C stops it gracefully",
                 opts->data_dir, opts->http.listen, (*server)->port(),
                 opts->http.tls_cert_file.empty() ? "HTTP" : "HTTPS");
    (*server)->Run();
    spdlog::info("vigil stopped; every accepted submission is stored");
  });
}

}  // namespace vigil::cli
