// `vigil export submissions`: stream stored submissions as CSV, JSON Lines or
// an XLSX workbook.
#include <fstream>
#include <iostream>

#include "cli/cli.h"
#include "service/admin.h"

namespace vigil::cli {

void RegisterExport(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("export", "Export data");
  cmd->require_subcommand(1);
  auto* sub =
      cmd->add_subcommand("submissions", "Export submissions (every version, or --current-only)");
  struct Options {
    std::string data_dir;
    std::string format = "csv";
    std::string output = "-";
    bool current_only = false;
    bool anonymize = false;
  };
  auto opts = std::make_shared<Options>();
  AddDataOption(*sub, opts->data_dir);
  sub->add_option("--format", opts->format,
                  "csv, jsonl or xlsx (the CSV's columns; past 1,048,576 rows a sheet, rows go on "
                  "to the next sheet; built in $TMPDIR first)")
      ->check(CLI::IsMember({"csv", "jsonl", "xlsx"}))
      ->capture_default_str();
  sub->add_option("--output,-o", opts->output, "File to write (- for standard output)")
      ->capture_default_str();
  sub->add_flag("--current-only", opts->current_only,
                "Leave out versions that were replaced by an edit");
  sub->add_flag("--anonymize", opts->anonymize,
                "Leave out observers, free text and links between versions; times to the hour "
                "(what the viewer role gets)");
  sub->callback([opts, &ctx] {
    auto store = storage::OpenStore({.data_dir = opts->data_dir, .create = false});
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    std::ofstream file;
    std::ostream* out = &std::cout;
    if (opts->output != "-") {
      file.open(opts->output, std::ios::binary | std::ios::trunc);
      if (!file) {
        ctx.exit_code = ReportError(Status::InvalidArgument("cannot write " + opts->output));
        return;
      }
      out = &file;
    }
    ProgressBar bar("exporting");
    std::int64_t exported = 0;
    const service::ExportOptions options{
        .format = opts->format == "xlsx"    ? report::ExportFormat::kXlsx
                  : opts->format == "jsonl" ? report::ExportFormat::kJsonl
                                            : report::ExportFormat::kCsv,
        .current_only = opts->current_only,
        .anonymize = opts->anonymize};
    Status s = service::ExportSubmissions(
        **store, options, *out,
        [&](std::int64_t done, std::int64_t total) { bar.Update(done, total); }, &exported);
    if (!s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    if (opts->output != "-")
      std::fprintf(stderr, "Exported %lld submissions to %s.\n", static_cast<long long>(exported),
                   opts->output.c_str());
  });
}

}  // namespace vigil::cli
