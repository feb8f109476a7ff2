// The embedded SQLite implementation of storage::Store: one file,
// DIR/vigil.db, in WAL mode. Writes are serialised on one connection (SQLite
// allows one writer); reads use a small pool of connections and never wait
// for writes.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/wal_checkpointer.h"
#include "storage/store.h"

namespace vigil::storage::sqlite {

class SqliteStore final : public Store {
 public:
  // Opens the database file at `path`, creating it if `create`, and migrates
  // it to the latest schema.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, bool create);
  ~SqliteStore() override;

  Result<core::Election> GetElection() override;
  Status SaveElection(const core::Election& election, const Actor& actor) override;
  Status UpsertLocations(std::span<const core::Location> locations, const Actor& actor,
                         const std::string& source) override;
  Result<std::vector<core::Location>> ListLocations() override;
  Status UpsertObservers(std::span<const core::Observer> observers, const Actor& actor,
                         const std::string& source) override;
  Result<std::vector<core::Observer>> ListObservers() override;
  Status InstallForm(const core::Form& form, const Actor& actor) override;
  Result<std::vector<core::Form>> ListForms() override;
  Result<std::int64_t> SetupVersion() override;
  Status CreateToken(TokenRecord* record, const Actor& actor) override;
  Result<std::optional<TokenRecord>> FindToken(const Sha256& token_hash) override;
  Result<std::vector<TokenRecord>> ListTokens() override;
  Status RevokeToken(std::int64_t id, const Actor& actor) override;
  Status RecordTokenUse(std::span<const TokenUse> uses, const Actor& actor) override;
  Status CreateUser(UserRecord* user, const Actor& actor) override;
  Result<std::optional<UserRecord>> FindUser(const std::string& name) override;
  Result<std::vector<UserRecord>> ListUsers() override;
  Status SetUserPassword(const std::string& name, const std::string& password_hash,
                         const Actor& actor) override;
  Status DisableUser(const std::string& name, const Actor& actor) override;
  Status SetUserRole(const std::string& name, core::Role role, const std::string& observer_code,
                     const std::vector<std::string>& regions, const Actor& actor) override;
  Status SetFieldLogin(const std::string& observer_code, const std::string& username,
                       const std::string& realm, const std::string& ha1,
                       const Actor& actor) override;
  Result<std::optional<FieldLogin>> FindFieldLogin(const std::string& username,
                                                   const std::string& realm) override;
  Status ClearFieldLogin(const std::string& observer_code, const Actor& actor) override;
  Status SetSmsPin(const std::string& observer_code, const std::string& pin_hash,
                   const Actor& actor) override;
  Status ClearSmsPin(const std::string& observer_code, const Actor& actor) override;
  Result<std::optional<std::string>> FindSmsPinHash(const std::string& observer_code) override;
  Result<std::vector<FieldCredentials>> ListFieldCredentials() override;
  Result<bool> AddSmsMessage(SmsMessage* message, const Actor& actor) override;
  Result<std::optional<SmsMessage>> FindSmsMessage(const std::string& gateway,
                                                   const std::string& gateway_message_id) override;
  Result<std::optional<SmsMessage>> FindAcceptedSmsText(const std::string& sender,
                                                        const std::string& text,
                                                        Timestamp since) override;
  Result<std::vector<SmsMessage>> ListSmsMessages(std::int64_t limit) override;
  Status AddConflictResolution(core::ConflictResolution* resolution, const Actor& actor) override;
  Result<std::vector<core::ConflictResolution>> ListConflictResolutions(
      const std::string& form_code, const std::string& station_code) override;
  Result<std::vector<core::Alert>> AddAlerts(const std::vector<core::Alert>& alerts,
                                             const Actor& actor) override;
  Result<core::Alert> ChangeAlert(const core::AlertChange& change, const Actor& actor) override;
  Result<std::optional<core::Alert>> GetAlert(std::int64_t id) override;
  Result<std::vector<core::Alert>> ListAlerts(std::optional<core::AlertStatus> status,
                                              std::int64_t limit) override;
  Result<std::vector<core::AlertChange>> AlertHistory(std::int64_t id) override;
  Result<std::vector<CommitOutcome>> WriteSubmissions(
      std::span<const PendingSubmission> batch) override;
  Status SyncWrites() override;
  Result<std::optional<SubmissionHistory>> GetSubmission(const std::string& instance_id) override;
  Status RecordAttachments(std::span<const AttachmentRecord> files, const Actor& actor) override;
  Result<std::vector<AttachmentRecord>> ListAttachments(const std::string& instance_id) override;
  Status ForEachSubmission(const std::function<Status(const StoredSubmission&)>& visit) override;
  Status ForEachCurrentSubmission(
      const std::string& form_code,
      const std::function<Status(const StoredSubmission&)>& visit) override;
  Status ForEachCurrentReport(const std::string& form_code,
                              const std::function<Status(const CurrentReport&)>& visit) override;
  Result<std::int64_t> CountSubmissions() override;
  Result<std::vector<StationReports>> CountReportsByStation(const std::string& form_code) override;
  Result<ResultSetInfo> SaveResultSet(const ResultSetInfo& info, const core::ResultsTable& table,
                                      const Actor& actor) override;
  Result<std::vector<ResultSetInfo>> ListResultSets() override;
  Result<core::ResultsTable> GetResultSet(const std::string& name) override;
  Status SavePvtSample(const core::PvtSample& sample, const Actor& actor) override;
  Result<std::optional<core::PvtSample>> GetPvtSample() override;
  Status RecordEvents(std::span<const AuditEvent> events) override;
  Status ForEachAuditEntry(const std::function<Status(const core::AuditEntry&)>& visit) override;
  Result<std::unique_ptr<ReadSnapshot>> PinSnapshot() override;
  Status SaveRule(const QualityRule& rule, const Actor& actor) override;
  Result<std::vector<QualityRule>> ListRules() override;
  Status SetRuleEnabled(const std::string& code, bool enabled, const Actor& actor) override;
  Status ReplaceRuleFlags(const std::string& code, std::int64_t through_audit_seq,
                          std::span<const std::string> flagged, const Actor& actor) override;
  Result<std::vector<std::string>> ListRuleFlags(const std::string& instance_id) override;
  Result<std::vector<FlaggedSubmission>> ListFlaggedSubmissions(
      const std::string& rule_code, const std::string& form_code) override;
  Result<ReviewChange> ReviewSubmission(const std::string& instance_id, core::ReviewStatus to,
                                        const std::string& note,
                                        std::optional<core::ReviewStatus> expected,
                                        const Actor& actor) override;
  Result<std::vector<ReviewChange>> ListReviews(const std::string& instance_id) override;
  Result<std::vector<ReviewState>> ListReviewStates() override;

 private:
  class ReadLease;
  class Snapshot;
  class WriteTransaction;

  explicit SqliteStore(std::string path) : path_(std::move(path)) {}

  // Counts again, into unfolded_reports_, the submissions committed after
  // the last fold into station_reports (see WriteSubmissions).
  Status LoadUnfoldedReports();
  // Folds them into station_reports in a transaction of its own.
  Status FoldReports();
  Result<ReadLease> AcquireReader();
  // Every submission row matching `where` (empty, or a WHERE clause with one
  // parameter, bound to form_code), in seq order.
  Status VisitSubmissions(const std::string& where, const std::string& form_code,
                          const std::function<Status(const StoredSubmission&)>& visit);
  void ReleaseReader(std::unique_ptr<Database> db);

  std::string path_;

  std::mutex write_mu_;
  Database writer_;                                // GUARDED_BY(write_mu_)
  std::unique_ptr<WalCheckpointer> checkpointer_;  // after writer_: hooks into it
  // The writer commits with synchronous=OFF; durability comes from
  // fdatasync on this descriptor of its write-ahead log (see Open()).
  int wal_fd_ = -1;

  // Changes to the current submissions per (form, station) committed since
  // the last fold into station_reports. Only the writer changes it; a fold
  // commits and clears it under reports_mu_, so a reader that starts its
  // query and copies this under reports_mu_ counts everything once.
  using ReportKey = std::pair<std::string, std::string>;  // form, station
  std::mutex reports_mu_;
  std::map<ReportKey, std::int64_t> unfolded_reports_;  // GUARDED_BY(reports_mu_) for readers
  std::chrono::steady_clock::time_point last_fold_;     // GUARDED_BY(write_mu_)

  std::mutex read_mu_;
  std::vector<std::unique_ptr<Database>> idle_readers_;  // GUARDED_BY(read_mu_)
};

}  // namespace vigil::storage::sqlite
