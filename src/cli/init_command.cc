// `vigil init`: create a mission's data directory.
#include <cstdio>

#include "cli/cli.h"
#include "service/admin.h"

namespace vigil::cli {

void RegisterInit(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("init", "Create a new mission store with the default forms");
  struct Options {
    std::string data_dir;
    core::Election election{"Election", "", "", true};
    bool open_assignments = false;
    std::vector<std::string> contestants;
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
  cmd->callback([opts, &ctx] {
    opts->election.enforce_assignments = !opts->open_assignments;
    if (Status s =
            service::InitMission(opts->data_dir, opts->election, opts->contestants, LocalActor());
        !s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    std::printf(
        "Created mission \"%s\" in %s with the default forms.\n"
        "Next: vigil import stations FILE.csv --data %s\n",
        opts->election.name.c_str(), opts->data_dir.c_str(), opts->data_dir.c_str());
  });
}

}  // namespace vigil::cli
