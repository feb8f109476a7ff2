// vigil: election observation platform. Entry point of the single binary.
#include <CLI/CLI.hpp>

#include "cli/cli.h"
#include "common/crypto.h"

int main(int argc, char** argv) {
  vigil::InitCrypto();
  CLI::App app{
      "vigil: election observation for OSCE/ODIHR-style missions and citizen observer groups"};
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 ok, 1 failure, 2 bad command line, 3 input refused (nothing changed),\n"
      "4 not found, 5 audit verification failed.\nRun `vigil COMMAND --help` for a command's "
      "options.");
  app.set_version_flag("--version", "vigil 0.1.0");
  vigil::cli::Context ctx;
  vigil::cli::RegisterInit(app, ctx);
  vigil::cli::RegisterServe(app, ctx);
  vigil::cli::RegisterImport(app, ctx);
  vigil::cli::RegisterExport(app, ctx);
  vigil::cli::RegisterToken(app, ctx);
  vigil::cli::RegisterAudit(app, ctx);
  vigil::cli::RegisterDemo(app, ctx);
  vigil::cli::RegisterBench(app, ctx);
  vigil::cli::RegisterForensics(app, ctx);
  vigil::cli::RegisterResults(app, ctx);
  vigil::cli::RegisterPvt(app, ctx);
  vigil::cli::RegisterUser(app, ctx);
  vigil::cli::RegisterObserver(app, ctx);
  vigil::cli::RegisterForms(app, ctx);
  vigil::cli::RegisterSms(app, ctx);
  vigil::cli::RegisterRules(app, ctx);
  vigil::cli::RegisterReview(app, ctx);
  vigil::cli::RegisterReport(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : vigil::cli::kExitUsage;
  }
  return ctx.exit_code;
}
