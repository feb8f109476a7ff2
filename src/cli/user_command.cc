// `vigil user add|list|disable|passwd`: people who sign in with a password.
#include <cstdio>

#include "cli/cli.h"
#include "service/admin.h"

namespace vigil::cli {

namespace {

Result<std::unique_ptr<storage::Store>> Open(const std::string& data_dir) {
  return storage::OpenStore({.data_dir = data_dir, .create = false});
}

void AddAdd(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand("add", "Add a user who signs in with a password");
  struct Options {
    std::string data_dir, name, password_file;
    GrantOptions grant;
  };
  auto o = std::make_shared<Options>();
  AddDataOption(*cmd, o->data_dir);
  cmd->add_option("NAME", o->name, "The login name")->required();
  AddGrantOptions(*cmd, o->grant);
  cmd->add_option("--password-file", o->password_file,
                  "Read the password from the first line of this file (else it is typed)");
  cmd->callback([&ctx, o] {
    auto user = [&]() -> Result<storage::UserRecord> {
      auto password = ReadNewPassword(o->password_file);
      if (!password) return Fail(password.error());
      auto store = Open(o->data_dir);
      if (!store) return Fail(store.error());
      return service::AddUser(**store, o->name, o->grant.ToGrant(), *password, LocalActor());
    }();
    if (!user) {
      ctx.exit_code = ReportError(user.error());
      return;
    }
    std::printf("User %s (%s) added.\n", user->name.c_str(), o->grant.role.c_str());
  });
}

void AddList(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand("list", "List the users");
  auto data_dir = std::make_shared<std::string>();
  AddDataOption(*cmd, *data_dir);
  cmd->callback([&ctx, data_dir] {
    auto users = [&]() -> Result<std::vector<storage::UserRecord>> {
      auto store = Open(*data_dir);
      if (!store) return Fail(store.error());
      return (*store)->ListUsers();
    }();
    if (!users) {
      ctx.exit_code = ReportError(users.error());
      return;
    }
    std::printf("%5s  %-24s %-11s %-16s %-20s %s\n", "id", "name", "role", "for", "created",
                "disabled");
    for (const storage::UserRecord& u : *users) {
      std::printf(
          "%5lld  %-24s %-11s %-16s %-20s %s\n", static_cast<long long>(u.id), u.name.c_str(),
          std::string(core::RoleName(u.role)).c_str(),
          u.observer_code.empty() ? JoinOrDash(u.regions).c_str() : u.observer_code.c_str(),
          (FormatRfc3339(u.created_at).substr(0, 19) + "Z").c_str(),
          u.disabled_at ? (FormatRfc3339(*u.disabled_at).substr(0, 19) + "Z").c_str() : "-");
    }
  });
}

void AddDisable(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand("disable", "Disable a user for good");
  struct Options {
    std::string data_dir, name;
  };
  auto o = std::make_shared<Options>();
  AddDataOption(*cmd, o->data_dir);
  cmd->add_option("NAME", o->name, "The login name")->required();
  cmd->callback([&ctx, o] {
    auto store = Open(o->data_dir);
    Status s = store ? (*store)->DisableUser(o->name, LocalActor()) : store.error();
    if (!s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    std::printf("User %s disabled.\n", o->name.c_str());
  });
}

void AddRole(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand(
      "role", "Give a user another role (or other regions); its sessions end within 30 s");
  struct Options {
    std::string data_dir, name;
    GrantOptions grant;
  };
  auto o = std::make_shared<Options>();
  AddDataOption(*cmd, o->data_dir);
  cmd->add_option("NAME", o->name, "The login name")->required();
  AddGrantOptions(*cmd, o->grant);
  cmd->callback([&ctx, o] {
    auto store = Open(o->data_dir);
    Status s = store ? service::ChangeRole(**store, o->name, o->grant.ToGrant(), LocalActor())
                     : store.error();
    if (!s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    std::printf("User %s is now %s.\n", o->name.c_str(), o->grant.role.c_str());
  });
}

void AddPasswd(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand("passwd", "Set a user's password");
  struct Options {
    std::string data_dir, name, password_file;
  };
  auto o = std::make_shared<Options>();
  AddDataOption(*cmd, o->data_dir);
  cmd->add_option("NAME", o->name, "The login name")->required();
  cmd->add_option("--password-file", o->password_file,
                  "Read the password from the first line of this file (else it is typed)");
  cmd->callback([&ctx, o] {
    const Status s = [&]() -> Status {
      auto password = ReadNewPassword(o->password_file);
      if (!password) return password.error();
      auto store = Open(o->data_dir);
      if (!store) return store.error();
      return service::ChangePassword(**store, o->name, *password, LocalActor());
    }();
    if (!s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    std::printf("Password of %s changed.\n", o->name.c_str());
  });
}

}  // namespace

void RegisterUser(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("user", "Manage the users who sign in with a password");
  cmd->require_subcommand(1);
  AddAdd(*cmd, ctx);
  AddList(*cmd, ctx);
  AddDisable(*cmd, ctx);
  AddRole(*cmd, ctx);
  AddPasswd(*cmd, ctx);
}

}  // namespace vigil::cli
