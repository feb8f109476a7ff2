// `vigil import stations|observers FILE.csv`: load a mission's set-up.
#include <cstdio>

#include "cli/cli.h"
#include "service/admin.h"

namespace vigil::cli {

namespace {

using ImportFn = Status (*)(storage::Store&, const std::string&, const storage::Actor&,
                            std::vector<ingest::CsvProblem>*, std::size_t*);

void AddImportKind(CLI::App& parent, Context& ctx, const char* name, const char* description,
                   const char* noun, ImportFn import) {
  auto* cmd = parent.add_subcommand(name, description);
  auto data_dir = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  cmd->add_option("FILE", *file, "CSV file (UTF-8, header row)")->required();
  AddDataOption(*cmd, *data_dir);
  cmd->callback([&ctx, data_dir, file, noun, import] {
    auto store = storage::OpenStore({.data_dir = *data_dir, .create = false});
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    std::vector<ingest::CsvProblem> problems;
    std::size_t imported = 0;
    Status s = import(**store, *file, LocalActor(), &problems, &imported);
    for (const auto& p : problems) std::fprintf(stderr, "%s\n", p.ToString().c_str());
    if (!s.ok()) {
      ctx.exit_code = ReportError(
          problems.empty() ? s : Status(s.code(), s.message() + "; nothing was imported"));
      return;
    }
    std::printf("Imported %zu %s from %s.\n", imported, noun, file->c_str());
  });
}

}  // namespace

void RegisterImport(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("import", "Import the mission's set-up from CSV files");
  cmd->require_subcommand(1);
  cmd->footer(
      "stations: columns code,name,parent (required), registered_voters,urban_rural,lat,lon "
      "(optional).\n"
      "observers: columns code,name,phone,role,stations (required), team,language (optional).\n"
      "A file with any problem is refused whole; every problem is listed as file:line: column: "
      "problem.");
  AddImportKind(*cmd, ctx, "stations", "Import the location hierarchy down to polling stations",
                "locations", &service::ImportLocationsFile);
  AddImportKind(*cmd, ctx, "observers", "Import observers and their station assignments",
                "observers", &service::ImportObserversFile);
}

}  // namespace vigil::cli
