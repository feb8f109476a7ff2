// `vigil audit verify`: recompute the audit hash chain.
#include <cstdio>

#include "cli/cli.h"
#include "service/admin.h"

namespace vigil::cli {

void RegisterAudit(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("audit", "Check the tamper-evident audit log");
  cmd->require_subcommand(1);
  auto* verify = cmd->add_subcommand(
      "verify", "Recompute the audit hash chain and check every submission against it");
  auto data_dir = std::make_shared<std::string>();
  AddDataOption(*verify, *data_dir);
  verify->callback([data_dir, &ctx] {
    auto store = storage::OpenStore({.data_dir = *data_dir, .create = false});
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    ProgressBar bar("verifying");
    auto report =
        service::VerifyAudit(**store, [&](std::int64_t d, std::int64_t t) { bar.Update(d, t); });
    if (!report) {
      ctx.exit_code = ReportError(report.error());
      return;
    }
    bool ok = true;
    if (report->chain_break) {
      ok = false;
      std::printf("BROKEN: audit entry %lld: %s\n",
                  static_cast<long long>(report->chain_break->seq),
                  report->chain_break->problem.c_str());
    }
    for (const std::string& p : report->problems) {
      ok = false;
      std::printf("BROKEN: %s\n", p.c_str());
    }
    std::printf("%s: %lld audit entries, %lld submissions checked; head %s\n", ok ? "OK" : "FAILED",
                static_cast<long long>(report->entries),
                static_cast<long long>(report->submissions_checked), report->head_hash.c_str());
    if (!ok) ctx.exit_code = kExitTampered;
  });
}

}  // namespace vigil::cli
