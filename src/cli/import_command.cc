// `vigil import stations|observers FILE.csv`: load a mission's set-up;
// `vigil import results FILE`: keep a published table of official results.
#include <cstdio>

#include "cli/cli.h"
#include "service/admin.h"
#include "service/results.h"

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

void AddImportResults(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand(
      "results", "Import official polling-station results as a named result set");
  struct Options {
    ResultsFileOptions input;
    std::string name;
    std::string data_dir;
  };
  auto opts = std::make_shared<Options>();
  AddResultsFileOptions(*cmd, opts->input);
  cmd->add_option("--name", opts->name,
                  "Name of the result set, e.g. preliminary or final (sets are never replaced)")
      ->required();
  AddDataOption(*cmd, opts->data_dir);
  cmd->callback([&ctx, opts] {
    auto store = storage::OpenStore({.data_dir = opts->data_dir, .create = false});
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    auto read = ReadResults(opts->input);
    if (!read) {
      ctx.exit_code = ReportError(read.error());
      return;
    }
    auto imported = service::ImportResults(
        **store, {.name = opts->name, .source = opts->input.file, .format = opts->input.format},
        read->table, LocalActor());
    if (!imported) {
      ctx.exit_code = ReportError(imported.error());
      return;
    }
    const auto& set = imported->set;
    std::printf("Imported result set '%s': %lld stations from %s (SHA-256 %s).\n", set.name.c_str(),
                static_cast<long long>(set.stations), set.source.c_str(),
                ToHex(set.content_hash).c_str());
    std::printf("%lld match the mission's polling stations",
                static_cast<long long>(imported->matched));
    if (imported->unmatched.empty()) {
      std::printf(".\n");
      return;
    }
    std::printf("; %zu do not:\n", imported->unmatched.size());
    constexpr std::size_t kShown = 10;
    for (std::size_t i = 0; i < imported->unmatched.size() && i < kShown; ++i) {
      std::printf("  %s\n", imported->unmatched[i].c_str());
    }
    if (imported->unmatched.size() > kShown) {
      std::printf("  ... and %zu more\n", imported->unmatched.size() - kShown);
    }
    std::printf(
        "Forensics use every station; comparisons with observers' copies only matched ones.\n");
  });
}

}  // namespace

void RegisterImport(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("import", "Import the mission's set-up or official results");
  cmd->require_subcommand(1);
  cmd->footer(
      "stations: columns code,name,parent (required), registered_voters,urban_rural,lat,lon "
      "(optional).\n"
      "observers: columns code,name,phone,role,stations (required), team,language (optional).\n"
      "results: a results file (see vigil forensics --help and docs/forensics.md).\n"
      "A file with any problem is refused whole; every problem is listed as file:line: column: "
      "problem.");
  AddImportKind(*cmd, ctx, "stations", "Import the location hierarchy down to polling stations",
                "locations", &service::ImportLocationsFile);
  AddImportKind(*cmd, ctx, "observers", "Import observers and their station assignments",
                "observers", &service::ImportObserversFile);
  AddImportResults(*cmd, ctx);
}

}  // namespace vigil::cli
