// Mission administration used by the CLI: creating a mission, importing its
// set-up from CSV, issuing tokens, exporting submissions and verifying the
// audit log. Each works directly on a Store (no server needed).
#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "core/election.h"
#include "core/mission.h"
#include "ingest/setup_csv.h"
#include "report/submission_export.h"
#include "storage/store.h"

namespace vigil::service {

// Called now and then with (done, total) during long operations.
using Progress = std::function<void(std::int64_t done, std::int64_t total)>;

// The mission's set-up as one index (election, locations, observers, forms).
Result<core::MissionIndex> LoadMission(storage::Store& store);

// Creates the store in data_dir, saves the election and installs the default
// forms, the counting form with a question for each contestant's votes (in
// ballot order). AlreadyExists if data_dir already holds a mission.
Status InitMission(const std::string& data_dir, const core::Election& election,
                   const std::vector<std::string>& contestants, const storage::Actor& actor);

// Imports a locations or observers CSV file whole or not at all. On a bad
// file, returns InvalidArgument and fills *problems.
Status ImportLocationsFile(storage::Store& store, const std::string& path,
                           const storage::Actor& actor, std::vector<ingest::CsvProblem>* problems,
                           std::size_t* imported);
Status ImportObserversFile(storage::Store& store, const std::string& path,
                           const storage::Actor& actor, std::vector<ingest::CsvProblem>* problems,
                           std::size_t* imported);

// What a token or an account may act for, besides its role: an observer
// role names its observer; a coordinator names the regions (any locations)
// it may see; other roles name neither.
struct Grant {
  core::Role role = core::Role::kViewer;
  std::string observer_code;
  std::vector<std::string> regions;
};
// InvalidArgument or NotFound (naming the code) unless `grant` follows
// those rules and names an existing observer and existing locations.
Status CheckGrant(storage::Store& store, const Grant& grant);

struct NewToken {
  std::string token;  // shown once; only its hash is stored
  storage::TokenRecord record;
};
// Issues a bearer token (CheckGrant first).
Result<NewToken> IssueToken(storage::Store& store, const Grant& grant, const std::string& label,
                            std::optional<Timestamp> expires_at, const storage::Actor& actor);

// A new password must have at least 10 characters; nothing else is
// required of it (NIST SP 800-63B: length, not composition rules).
Status CheckNewPassword(std::string_view password);
// A login name is 1-64 letters, digits or . _ - @.
Status CheckUserName(const std::string& name);
// Adds a user whose password is stored as an Argon2id hash. InvalidArgument
// for a bad name, a short password or a bad grant (CheckGrant);
// AlreadyExists for a taken name.
Result<storage::UserRecord> AddUser(storage::Store& store, const std::string& name,
                                    const Grant& grant, std::string_view password,
                                    const storage::Actor& actor);
// Gives a user another role (CheckGrant first); its sessions end.
Status ChangeRole(storage::Store& store, const std::string& name, const Grant& grant,
                  const storage::Actor& actor);
Status ChangePassword(storage::Store& store, const std::string& name, std::string_view password,
                      const storage::Actor& actor);

struct ExportOptions {
  report::ExportFormat format = report::ExportFormat::kCsv;
  bool current_only = false;  // leave out versions replaced by an edit
  bool anonymize = false;     // report::Anonymize every row
  // Only the submissions for which this is true; all if empty.
  std::function<bool(const core::Submission&)> include;
  // Stops the export (Cancelled) when it turns true, e.g. the client left.
  std::function<bool()> cancelled;
  // Where an XLSX export is built before it is copied to the stream (empty:
  // the system's temporary directory, $TMPDIR).
  std::filesystem::path scratch_dir;
};
// Streams the stored submission versions, in commit order.
Status ExportSubmissions(storage::Store& store, const ExportOptions& options, std::ostream& out,
                         const Progress& progress, std::int64_t* exported);

struct AuditReport {
  std::int64_t entries = 0;
  std::int64_t submissions_checked = 0;
  std::string head_hash;  // hex; publish it to anchor the chain
  // Empty when everything verifies; else the first problem found.
  std::optional<core::AuditBreak> chain_break;
  std::vector<std::string> problems;  // submissions that disagree with the log
};
// Recomputes the hash chain and checks that every stored submission matches
// the audit entry that recorded it, and that no recorded submission is
// missing.
Result<AuditReport> VerifyAudit(storage::Store& store, const Progress& progress);

}  // namespace vigil::service
