// Helpers shared by the subcommands.
#include <pwd.h>
#include <spdlog/spdlog.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "cli/cli.h"
#include "common/file.h"

namespace vigil::cli {

Result<std::string> ReadNewPassword(const std::string& file) {
  if (!file.empty()) {
    auto content = ReadWholeFile(file);
    if (!content) return Fail(content.error());
    return content->substr(0, content->find_first_of("\r\n"));
  }
  if (!isatty(STDIN_FILENO)) {
    return Fail(Status::InvalidArgument(
        "no terminal to type a password on: give the password in a file (--password-file)"));
  }
  termios saved{};
  tcgetattr(STDIN_FILENO, &saved);
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  std::string first, second;
  std::fprintf(stderr, "New password: ");
  std::getline(std::cin, first);
  std::fprintf(stderr, "\nAgain: ");
  std::getline(std::cin, second);
  std::fprintf(stderr, "\n");
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  if (first != second) return Fail(Status::InvalidArgument("the two passwords differ"));
  return first;
}

int ReportError(const Status& status) {
  std::fprintf(stderr, "vigil: %s\n", status.message().c_str());
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kAlreadyExists:
    case StatusCode::kConflict:
    case StatusCode::kResourceExhausted:
      return kExitBadInput;
    case StatusCode::kNotFound:
      return kExitNotFound;
    case StatusCode::kDataLoss:
      return kExitTampered;
    default:
      return kExitFailure;
  }
}

storage::Actor LocalActor() {
  const char* user = std::getenv("USER");
  if (user == nullptr || *user == '\0') {
    const passwd* pw = getpwuid(getuid());
    user = pw != nullptr ? pw->pw_name : "unknown";
  }
  return {std::string("cli:") + user};
}

void AddGrantOptions(CLI::App& cmd, GrantOptions& options) {
  cmd.add_option("--role", options.role, "admin, analyst, coordinator, observer or viewer")
      ->required()
      ->check(CLI::IsMember({"admin", "analyst", "coordinator", "observer", "viewer"}));
  cmd.add_option("--observer", options.observer, "For --role observer: the observer code");
  cmd.add_option("--region", options.regions,
                 "For --role coordinator: a location code whose stations it may see (repeat "
                 "for several)");
}

service::Grant GrantOptions::ToGrant() const {
  return {.role = *core::ParseRole(role), .observer_code = observer, .regions = regions};
}

std::string JoinOrDash(const std::vector<std::string>& items) {
  if (items.empty()) return "-";
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

CLI::Option* AddDataOption(CLI::App& cmd, std::string& data_dir) {
  const char* env = std::getenv("VIGIL_DATA");
  data_dir = env != nullptr && *env != '\0' ? env : "vigil-data";
  return cmd
      .add_option("--data", data_dir,
                  "The mission's data directory (default: $VIGIL_DATA or ./vigil-data)")
      ->capture_default_str();
}

CLI::Option* AddWebRootOption(CLI::App& cmd, std::string& web_root) {
  web_root = VIGIL_DEFAULT_WEB_ROOT;
  return cmd
      .add_option("--web-root", web_root,
                  "Directory of the web application's built files (made by the build from web/)")
      ->capture_default_str();
}

void WebRootOrNone(const CLI::Option& option, std::string& web_root) {
  if (option.count() > 0) return;
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path(web_root) / "index.html", ec)) return;
  spdlog::warn("no web application in {} (build web/ or pass --web-root); serving the API only",
               web_root);
  web_root.clear();
}

void AddResultsFileOptions(CLI::App& cmd, ResultsFileOptions& options, bool required,
                           const std::string& file_name) {
  cmd.add_option(file_name, options.file, "Results file (.csv, or a .zip holding one)")
      ->required(required);
  cmd.add_option("--format", options.format, "generic, ru-cec or openelections")
      ->check(CLI::IsMember({"generic", "ru-cec", "openelections"}))
      ->capture_default_str();
  cmd.add_option("--mapping", options.mapping,
                 "JSON file naming the columns of another layout (with --format generic)");
  cmd.add_option("--office", options.office,
                 "The office to read from an openelections file (e.g. President)");
}

Result<ingest::ResultsRead> ReadResults(const ResultsFileOptions& options) {
  std::optional<ingest::ResultsMapping> mapping;
  if (!options.mapping.empty()) {
    if (options.format != "generic") {
      return Fail(
          Status::InvalidArgument("--mapping describes a generic layout; use --format generic"));
    }
    auto parsed = ingest::ReadResultsMappingFile(options.mapping);
    if (!parsed) return Fail(parsed.error());
    mapping = std::move(*parsed);
  }
  auto read = ingest::ReadResultsFile(options.file, *ingest::ParseResultsFormat(options.format),
                                      options.office, mapping ? &*mapping : nullptr);
  if (read) {
    for (const std::string& note : read->notes) std::fprintf(stderr, "note: %s\n", note.c_str());
  }
  return read;
}

Status WriteFileAtomically(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text;
    return Status::Ok();
  }
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out.flush()) return Status::InvalidArgument("cannot write " + path);
    return Status::Ok();
  }
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return Status::InvalidArgument("cannot write " + temporary);
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) return Status::InvalidArgument("cannot write " + path + ": " + ec.message());
  return Status::Ok();
}

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)), enabled_(isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() {
  if (enabled_ && last_permille_ >= 0) std::fputc('\n', stderr);
}

void ProgressBar::Update(std::int64_t done, std::int64_t total) {
  if (!enabled_ || total <= 0) return;
  const int permille = static_cast<int>(std::min<std::int64_t>(1000, done * 1000 / total));
  if (permille == last_permille_) return;
  last_permille_ = permille;
  constexpr int kWidth = 30;
  const int filled = permille * kWidth / 1000;
  std::fprintf(stderr, "\r%s [%.*s%*s] %3d%% %lld/%lld", label_.c_str(), filled,
               "##############################", kWidth - filled, "", permille / 10,
               static_cast<long long>(done), static_cast<long long>(total));
  std::fflush(stderr);
}

}  // namespace vigil::cli
