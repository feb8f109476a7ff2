#include "storage/store.h"

#include <filesystem>
#include <system_error>

#include "storage/sqlite/sqlite_store.h"

namespace vigil::storage {

std::string_view SmsOutcomeName(SmsOutcome outcome) {
  switch (outcome) {
    case SmsOutcome::kAccepted:
      return "accepted";
    case SmsOutcome::kDuplicate:
      return "duplicate";
    case SmsOutcome::kRejected:
      return "rejected";
  }
  return "rejected";
}

std::string_view RuleSeverityName(RuleSeverity severity) {
  return severity == RuleSeverity::kError ? "error" : "warning";
}

std::optional<RuleSeverity> ParseRuleSeverity(std::string_view text) {
  if (text == "error") return RuleSeverity::kError;
  if (text == "warning") return RuleSeverity::kWarning;
  return std::nullopt;
}

Result<std::vector<CommitOutcome>> Store::CommitSubmissions(
    std::span<const PendingSubmission> batch) {
  auto outcomes = WriteSubmissions(batch);
  if (!outcomes) return outcomes;
  VIGIL_RETURN_IF_ERROR(SyncWrites());
  return outcomes;
}

Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (options.create) {
    fs::create_directories(options.data_dir, ec);
    if (ec)
      return Fail(Status::InvalidArgument("cannot create data directory " + options.data_dir +
                                          ": " + ec.message()));
  } else if (!fs::is_directory(options.data_dir, ec)) {
    return Fail(Status::NotFound("data directory " + options.data_dir +
                                 " does not exist (run `vigil init --data " + options.data_dir +
                                 "` first)"));
  }
  auto store =
      sqlite::SqliteStore::Open((fs::path(options.data_dir) / "vigil.db").string(), options.create);
  if (!store) return Fail(store.error());
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace vigil::storage
