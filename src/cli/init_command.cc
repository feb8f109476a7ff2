// `vigil init`: create a mission's data directory.
#include <unistd.h>

#include <cstdio>

#include "cli/cli.h"
#include "common/crypto.h"
#include "service/admin.h"

namespace vigil::cli {

void RegisterInit(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("init", "Create a new mission store with the default forms");
  struct Options {
    std::string data_dir;
    core::Election election{"Election", "", "", true};
    bool open_assignments = false;
    std::vector<std::string> contestants;
    std::string admin = "admin";
    std::string admin_password_file;
  };
  auto opts = std::make_shared<Options>();
  AddDataOption(*cmd, opts->data_dir);
  cmd->add_option("--name", opts->election.name, "Name of the election observed")
      ->capture_default_str();
  cmd->add_option("--country", opts->election.country, "Country");
  cmd->add_option("--date", opts->election.date, "Election day, YYYY-MM-DD");
  cmd->add_flag("--open-assignments", opts->open_assignments,
                "Let observers report from any station, not only their assigned ones");
  cmd->add_option("--contestant", opts->contestants,
                  "A contestant (party or candidate) as named in the official results; repeat "
                  "in ballot order. The counting form asks for each one's votes");
  cmd->add_option("--admin", opts->admin, "Login name of the first administrator")
      ->capture_default_str();
  cmd->add_option("--admin-password-file", opts->admin_password_file,
                  "Read the administrator's password from this file (else it is typed on a "
                  "terminal, or without one generated and printed once)");
  cmd->callback([opts, &ctx] {
    opts->election.enforce_assignments = !opts->open_assignments;
    // The password is settled before anything is created, so that a bad one
    // leaves no mission behind.
    std::string password;
    const bool generate = opts->admin_password_file.empty() && !isatty(STDIN_FILENO);
    if (generate) {
      password = RandomToken(15);
    } else {
      auto typed = ReadNewPassword(opts->admin_password_file);
      if (!typed) {
        ctx.exit_code = ReportError(typed.error());
        return;
      }
      password = *typed;
    }
    if (Status s = service::CheckUserName(opts->admin); !s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    if (Status s = service::CheckNewPassword(password); !s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    const Status created = [&]() -> Status {
      VIGIL_RETURN_IF_ERROR(
          service::InitMission(opts->data_dir, opts->election, opts->contestants, LocalActor()));
      auto store = storage::OpenStore({.data_dir = opts->data_dir, .create = false});
      if (!store) return store.error();
      auto admin = service::AddUser(**store, opts->admin, {.role = core::Role::kAdmin}, password,
                                    LocalActor());
      return admin ? Status::Ok() : admin.error();
    }();
    if (!created.ok()) {
      ctx.exit_code = ReportError(created);
      return;
    }
    std::printf("Created mission \"%s\" in %s with the default forms.\n",
                opts->election.name.c_str(), opts->data_dir.c_str());
    if (generate) {
      std::printf(
          "Administrator \"%s\" has the password %s (shown only this once; change it "
          "with vigil user passwd %s).\n",
          opts->admin.c_str(), password.c_str(), opts->admin.c_str());
    }
    std::printf("Next: vigil import stations FILE.csv --data %s\n", opts->data_dir.c_str());
  });
}

}  // namespace vigil::cli
