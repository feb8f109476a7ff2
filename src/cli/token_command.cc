// `vigil token create|list|revoke`: API bearer tokens.
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
    GrantOptions grant;
    std::string label;
    int expires_in_days = 0;
  };
  auto opts = std::make_shared<Options>();
  AddDataOption(*create, opts->data_dir);
  AddGrantOptions(*create, opts->grant);
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
    auto token =
        service::IssueToken(**store, opts->grant.ToGrant(), opts->label, expires, LocalActor());
    if (!token) {
      ctx.exit_code = ReportError(token.error());
      return;
    }
    // The token alone on stdout, so that scripts can capture it; the note on stderr.
    std::printf("%s\n", token->token.c_str());
    std::fprintf(stderr, "Token %lld (%s) created. It is shown only this once; store it safely.\n",
                 static_cast<long long>(token->record.id), opts->grant.role.c_str());
  });

  auto* list = cmd->add_subcommand("list", "List the tokens (never the tokens themselves)");
  auto list_data = std::make_shared<std::string>();
  AddDataOption(*list, *list_data);
  list->callback([list_data, &ctx] {
    auto tokens = [&]() -> Result<std::vector<storage::TokenRecord>> {
      auto store = storage::OpenStore({.data_dir = *list_data, .create = false});
      if (!store) return Fail(store.error());
      return (*store)->ListTokens();
    }();
    if (!tokens) {
      ctx.exit_code = ReportError(tokens.error());
      return;
    }
    const auto when = [](const std::optional<Timestamp>& t) {
      return t ? FormatRfc3339(*t).substr(0, 19) + "Z" : std::string("-");
    };
    std::printf("%5s  %-11s %-10s %-20s %-20s %-20s %-20s %s\n", "id", "role", "for", "created",
                "expires", "revoked", "last used", "label");
    for (const storage::TokenRecord& t : *tokens) {
      std::printf("%5lld  %-11s %-10s %-20s %-20s %-20s %-20s %s\n", static_cast<long long>(t.id),
                  std::string(core::RoleName(t.role)).c_str(),
                  t.observer_code.empty() ? JoinOrDash(t.regions).c_str() : t.observer_code.c_str(),
                  when(t.created_at).c_str(), when(t.expires_at).c_str(),
                  when(t.revoked_at).c_str(), when(t.last_used_at).c_str(), t.label.c_str());
    }
  });

  auto* revoke = cmd->add_subcommand("revoke",
                                     "Revoke a token for good (the server stops "
                                     "accepting it within 30 seconds)");
  struct RevokeOptions {
    std::string data_dir;
    std::int64_t id = 0;
  };
  auto r = std::make_shared<RevokeOptions>();
  AddDataOption(*revoke, r->data_dir);
  revoke->add_option("ID", r->id, "The token's id, as `vigil token list` shows it")->required();
  revoke->callback([r, &ctx] {
    auto store = storage::OpenStore({.data_dir = r->data_dir, .create = false});
    Status s = store ? (*store)->RevokeToken(r->id, LocalActor()) : store.error();
    if (!s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    std::printf("Token %lld revoked.\n", static_cast<long long>(r->id));
  });
}

}  // namespace vigil::cli
