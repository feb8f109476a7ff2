// `vigil token create`: issue an API bearer token.
#include <cstdio>

#include "cli/cli.h"
#include "service/admin.h"

namespace vigil::cli {

void RegisterToken(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("token", "Manage API tokens");
  cmd->require_subcommand(1);
  auto* create = cmd->add_subcommand(
      "create", "Issue a bearer token; it is printed once and stored only hashed");
  struct Options {
    std::string data_dir;
    std::string role;
    std::string observer;
    std::string label;
    int expires_in_days = 0;
  };
  auto opts = std::make_shared<Options>();
  AddDataOption(*create, opts->data_dir);
  create->add_option("--role", opts->role, "admin, analyst, coordinator, observer or viewer")
      ->required()
      ->check(CLI::IsMember({"admin", "analyst", "coordinator", "observer", "viewer"}));
  create->add_option("--observer", opts->observer,
                     "For --role observer: the observer code it acts for");
  create->add_option("--label", opts->label, "A note on what the token is for");
  create
      ->add_option("--expires-in", opts->expires_in_days, "Days until the token expires (0: never)")
      ->check(CLI::Range(0, 36500));
  create->callback([opts, &ctx] {
    auto store = storage::OpenStore({.data_dir = opts->data_dir, .create = false});
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    std::optional<Timestamp> expires;
    if (opts->expires_in_days > 0)
      expires = Now() + std::chrono::hours(24 * static_cast<std::int64_t>(opts->expires_in_days));
    auto token = service::IssueToken(**store, *core::ParseRole(opts->role), opts->observer,
                                     opts->label, expires, LocalActor());
    if (!token) {
      ctx.exit_code = ReportError(token.error());
      return;
    }
    // The token alone on stdout, so that scripts can capture it; the note on stderr.
    std::printf("%s\n", token->token.c_str());
    std::fprintf(stderr, "Token %lld (%s) created. It is shown only this once; store it safely.\n",
                 static_cast<long long>(token->record.id), opts->role.c_str());
  });
}

}  // namespace vigil::cli
