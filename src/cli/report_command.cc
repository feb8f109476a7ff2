// `vigil report statement`: the statement tables (per-phase shares of
// negative answers with n, overall and by region) from the stored reports,
// as Markdown, CSV or XLSX.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

#include "cli/cli.h"
#include "service/admin.h"
#include "service/findings_report.h"
#include "service/live_observations.h"

namespace vigil::cli {

void RegisterReport(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("report", "Reports on the observations");
  cmd->require_subcommand(1);
  auto* sub = cmd->add_subcommand(
      "statement", "The statement tables: negative answers per phase with n, and by region");
  struct Options {
    std::string data_dir;
    std::string format = "md";
    std::string out = "-";
    int level = -1;
    bool verified_only = false;
    bool exclude_quarantined = false;
    std::string urban_rural;
    std::string from;
    std::string to;
    std::string sample;
  };
  auto o = std::make_shared<Options>();
  AddDataOption(*sub, o->data_dir);
  sub->add_option("--format", o->format, "md, csv or xlsx")
      ->check(CLI::IsMember({"md", "csv", "xlsx"}))
      ->capture_default_str();
  sub->add_option("--out,-o", o->out, "File to write (- for standard output; xlsx needs a file)")
      ->capture_default_str();
  sub->add_option("--level", o->level,
                  "Depth of the regions in the location hierarchy (0: top level; default: the "
                  "level below the country)");
  sub->add_flag("--verified-only", o->verified_only, "Count only verified reports");
  sub->add_flag("--exclude-quarantined", o->exclude_quarantined, "Leave out quarantined reports");
  sub->add_option("--urban-rural", o->urban_rural, "urban or rural stations only");
  sub->add_option("--from", o->from, "Reports submitted at or after this time (RFC 3339)");
  sub->add_option("--to", o->to, "Reports submitted before this time (RFC 3339)");
  sub->add_option("--sample", o->sample, "pvt: the PVT sample's stations only, with intervals");
  sub->callback([o, &ctx] {
    if (o->format == "xlsx" && o->out == "-") {
      ctx.exit_code = ReportError(Status::InvalidArgument("--format xlsx needs --out FILE"));
      return;
    }
    auto store = storage::OpenStore({.data_dir = o->data_dir, .create = false});
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    const std::map<std::string, std::string, std::less<>> params{
        {"verified_only", o->verified_only ? "1" : ""},
        {"exclude_quarantined", o->exclude_quarantined ? "1" : ""},
        {"urban_rural", o->urban_rural},
        {"from", o->from},
        {"to", o->to},
        {"sample", o->sample}};
    auto filter = service::FindingFilterFrom(
        [&](std::string_view key) {
          auto it = params.find(key);
          return it == params.end() ? std::string() : it->second;
        },
        **store);
    if (!filter) {
      ctx.exit_code = ReportError(filter.error());
      return;
    }
    auto mission = service::LoadMission(**store);
    if (!mission) {
      ctx.exit_code = ReportError(mission.error());
      return;
    }
    analysis::ObservationTable table(std::make_shared<analysis::Geography>(
        std::make_shared<const core::MissionIndex>(std::move(*mission))));
    if (Status s = service::LoadObservations(**store, table); !s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    const service::Statement statement = service::BuildStatement(table, o->level, *filter);
    if (o->format == "xlsx") {
      if (Status s = service::WriteStatementXlsx(statement, o->out); !s.ok()) {
        ctx.exit_code = ReportError(s);
      }
      return;
    }
    const std::string text = o->format == "md" ? service::StatementMarkdown(statement)
                                               : service::StatementCsv(statement);
    if (o->out == "-") {
      std::cout << text;
      return;
    }
    std::ofstream file(o->out, std::ios::binary | std::ios::trunc);
    file << text;
    if (!file.flush())
      ctx.exit_code = ReportError(Status::InvalidArgument("cannot write " + o->out));
  });
}

}  // namespace vigil::cli
