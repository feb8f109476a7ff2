// The `vigil` command line: one Register function per subcommand, each in
// its own file. A subcommand's callback sets the process exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "common/status.h"
#include "ingest/results_reader.h"
#include "service/admin.h"
#include "storage/store.h"

namespace vigil::cli {

// Exit codes, documented in `vigil --help` and the README.
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,   // the operation failed (I/O, database, server)
  kExitUsage = 2,     // bad command line
  kExitBadInput = 3,  // an input file or argument was refused; nothing was changed
  kExitNotFound = 4,  // no mission in --data, or the named thing does not exist
  kExitTampered = 5,  // `audit verify` found the log or the data altered
};

struct Context {
  int exit_code = kExitOk;
};

void RegisterInit(CLI::App& app, Context& ctx);
void RegisterServe(CLI::App& app, Context& ctx);
void RegisterImport(CLI::App& app, Context& ctx);
void RegisterExport(CLI::App& app, Context& ctx);
void RegisterToken(CLI::App& app, Context& ctx);
void RegisterAudit(CLI::App& app, Context& ctx);
void RegisterDemo(CLI::App& app, Context& ctx);
void RegisterBench(CLI::App& app, Context& ctx);
void RegisterForensics(CLI::App& app, Context& ctx);
void RegisterResults(CLI::App& app, Context& ctx);
void RegisterPvt(CLI::App& app, Context& ctx);
void RegisterUser(CLI::App& app, Context& ctx);
void RegisterObserver(CLI::App& app, Context& ctx);
void RegisterForms(CLI::App& app, Context& ctx);
void RegisterSms(CLI::App& app, Context& ctx);
void RegisterRules(CLI::App& app, Context& ctx);
void RegisterReview(CLI::App& app, Context& ctx);
void RegisterReport(CLI::App& app, Context& ctx);

// A new password: the first line of `file` when given, else typed twice on
// the terminal without echo. InvalidArgument when there is neither, or the
// two differ.
Result<std::string> ReadNewPassword(const std::string& file);

// Prints "vigil: <message>" to stderr and returns the exit code for `status`.
int ReportError(const Status& status);
// The audit actor for commands run by the local user: "cli:<user>".
storage::Actor LocalActor();
// Adds the common `--data DIR` option (default: $VIGIL_DATA or ./vigil-data).
CLI::Option* AddDataOption(CLI::App& cmd, std::string& data_dir);
// Adds `--web-root DIR`: the web application's built files, by default the
// build tree's (web/dist), so that a built vigil serves its app with no
// option. Call WebRootOrNone in the callback.
CLI::Option* AddWebRootOption(CLI::App& cmd, std::string& web_root);
// Empties a default web root that was never built (with a warning: / is
// then a plain landing page); a --web-root given must exist, so it is kept.
void WebRootOrNone(const CLI::Option& option, std::string& web_root);

// --role, --observer and --region, shared by `token create` and `user add`.
struct GrantOptions {
  std::string role;
  std::string observer;
  std::vector<std::string> regions;
  service::Grant ToGrant() const;
};
void AddGrantOptions(CLI::App& cmd, GrantOptions& options);
// "-" for none, else the items joined by commas.
std::string JoinOrDash(const std::vector<std::string>& items);

// Where and how to read a file of official results.
struct ResultsFileOptions {
  std::string file;
  std::string format = "generic";
  std::string mapping;  // JSON column mapping, for the generic format
  std::string office;   // for openelections files holding several offices
};
// Adds FILE (`file_name`), --format, --mapping and --office.
void AddResultsFileOptions(CLI::App& cmd, ResultsFileOptions& options, bool required = true,
                           const std::string& file_name = "FILE");
// Reads the file as `options` say; prints the reader's notes to stderr.
Result<ingest::ResultsRead> ReadResults(const ResultsFileOptions& options);

// Writes `text` to `path` ("-": standard output). A regular file (or a new
// one) is written through a temporary file and a rename, so that a reader
// never sees half of it; anything else (a device such as /dev/null, a pipe)
// is written in place, never replaced.
Status WriteFileAtomically(const std::string& path, const std::string& text);

// A progress bar on stderr when it is a terminal; silent otherwise.
class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();
  void Update(std::int64_t done, std::int64_t total);

 private:
  std::string label_;
  bool enabled_;
  int last_permille_ = -1;
};

}  // namespace vigil::cli
