// `vigil results list`: the result sets kept in the mission store.
#include <cstdio>

#include "cli/cli.h"

namespace vigil::cli {

void RegisterResults(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("results", "Official result sets kept in the mission");
  cmd->require_subcommand(1);
  auto* list = cmd->add_subcommand("list", "List the result sets, oldest first");
  auto data_dir = std::make_shared<std::string>();
  AddDataOption(*list, *data_dir);
  list->callback([&ctx, data_dir] {
    auto store = storage::OpenStore({.data_dir = *data_dir, .create = false});
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    auto sets = (*store)->ListResultSets();
    if (!sets) {
      ctx.exit_code = ReportError(sets.error());
      return;
    }
    if (sets->empty()) {
      std::printf("No result sets yet; vigil import results FILE --name NAME adds one.\n");
      return;
    }
    std::printf("%-20s %9s  %-27s %-13s %s\n", "name", "stations", "imported", "format", "source");
    for (const storage::ResultSetInfo& s : *sets) {
      std::printf("%-20s %9lld  %-27s %-13s %s\n", s.name.c_str(),
                  static_cast<long long>(s.stations), FormatRfc3339(s.imported_at).c_str(),
                  s.format.c_str(), s.source.c_str());
    }
  });
}

}  // namespace vigil::cli
