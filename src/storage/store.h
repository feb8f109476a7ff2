// The mission store: everything vigil keeps, behind one interface with one
// implementation per database (sqlite/ now, postgres/ next). Every method is
// thread-safe. Every write is one transaction that also appends its audit
// entries, so a write and its audit record exist together or not at all.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/status.h"
#include "common/time.h"
#include "core/alert.h"
#include "core/audit.h"
#include "core/conflict.h"
#include "core/election.h"
#include "core/form.h"
#include "core/pvt_sample.h"
#include "core/results.h"
#include "core/review.h"
#include "core/role.h"
#include "core/submission.h"

namespace vigil::storage {

// Who performs a write, as recorded in the audit log.
struct Actor {
  std::string name;  // "token:3/admin", "cli:root"
};

struct TokenRecord {
  std::int64_t id = 0;  // assigned by the store
  Sha256 token_hash{};  // SHA-256 of the bearer token; the token itself is never stored
  core::Role role = core::Role::kViewer;
  std::string observer_code;         // for observer tokens: whom they act for
  std::vector<std::string> regions;  // for coordinator tokens: the locations they may see
  std::string label;
  Timestamp created_at;
  std::optional<Timestamp> expires_at;
  std::optional<Timestamp> revoked_at;
  std::optional<Timestamp> last_used_at;  // recorded in batches (RecordTokenUse)
};

// A person who signs in with a name and password (the web application;
// tokens serve programs and phones).
struct UserRecord {
  std::int64_t id = 0;  // assigned by the store
  std::string name;     // unique login name
  core::Role role = core::Role::kViewer;
  std::string observer_code;         // for observers: whom they act for
  std::vector<std::string> regions;  // for coordinators: the locations they may see
  std::string password_hash;         // Argon2id (HashPassword); the password itself is never stored
  Timestamp created_at;
  std::optional<Timestamp> disabled_at;
};

// Something that happened without changing anything stored, but that the
// audit log must show: a sign-in, a failed sign-in, a lockout, a sign-out.
struct AuditEvent {
  std::string actor;
  std::string action;  // "auth.login", "auth.login_failed", ...
  std::string subject;
  std::string detail = "{}";  // JSON
  Timestamp at;
};

// An observer's login for ODK Collect, Enketo or KoboCollect, which sign in
// with HTTP Digest (RFC 7616, MD5). Digest needs HA1, not the password, so
// only HA1 is kept; it is bound to its realm, so a new realm needs new
// passwords.
struct FieldLogin {
  std::string observer_code;
  std::string username;  // unique across observers
  std::string realm;
  std::string ha1;  // hex MD5(username ":" realm ":" password)
  Timestamp set_at;
};

// Which field credentials an observer has, without the secrets.
struct FieldCredentials {
  std::string observer_code;
  std::string username;                   // empty without an ODK login
  std::string realm;                      // of the ODK login
  std::optional<Timestamp> login_set_at;  // nullopt without an ODK login
  std::optional<Timestamp> pin_set_at;    // nullopt without an SMS PIN
};

// One inbound SMS as the message log keeps it.
enum class SmsOutcome { kAccepted, kDuplicate, kRejected };
std::string_view SmsOutcomeName(SmsOutcome outcome);  // "accepted", "duplicate", "rejected"

struct SmsMessage {
  std::int64_t id = 0;             // assigned by the store
  std::string gateway;             // "twilio", "telerivet", "kannel", "generic"
  std::string gateway_message_id;  // unique per gateway
  std::string sender;              // the phone number as compared (NormalizePhone)
  std::string text;                // as received, with the PIN's digits masked
  Timestamp received_at;
  SmsOutcome outcome = SmsOutcome::kRejected;
  std::vector<std::string> problems;  // problem codes ("wrong_pin", "unknown_question")
  std::string observer_code;          // when the sender was identified
  std::string instance_id;            // of the submission it made or duplicated
  std::string reply;                  // the SMS sent back
};

// A token seen in use at `at`.
struct TokenUse {
  std::int64_t token_id = 0;
  Timestamp at;
};

// A validated submission waiting to be committed.
struct PendingSubmission {
  core::Submission submission;
  std::string canonical_json;  // core::CanonicalJson(submission)
  Sha256 content_hash{};       // HashSha256(canonical_json)
  std::string actor;
  Timestamp received_at;
  // Codes of the data-quality rules it flagged (usually none), stored with
  // it when it is stored.
  std::vector<std::string> rule_flags;
};

enum class CommitOutcome {
  kStored,              // new version stored
  kDuplicate,           // the same instance_id with identical content was stored before
  kConflict,            // the instance_id exists with different content
  kReplacesUnknown,     // `replaces` names no stored version
  kReplacesSuperseded,  // `replaces` names a version that was already replaced
  kReplacesMismatch,    // `replaces` names a version of another form or station
};

struct StoredSubmission {
  core::Submission submission;
  std::string canonical_json;
  Sha256 content_hash{};
  Timestamp received_at;
  std::string actor;
  std::string superseded_by;  // instance_id of the version that replaced this, or empty
  std::int64_t audit_seq = 0;
};

// Who sent what where and when: a stored version's indexed columns, without
// its body.
struct CurrentReport {
  std::string instance_id;
  std::string form_code;
  std::string station_code;
  std::string observer_code;
  Timestamp received_at;
};

// A version chain, oldest first; the last element is the current version.
struct SubmissionHistory {
  std::vector<StoredSubmission> versions;
};

// A file sent with a submission (OpenRosa attachment, e.g. a photo of the
// protocol). The bytes are kept outside the database, content-addressed by
// their SHA-256 (service/attachments.h); this row says which submission
// sent them under which name.
struct AttachmentRecord {
  std::string instance_id;
  std::string file_name;  // as the client named the part; unique per instance
  Sha256 sha256{};
  std::int64_t size = 0;
  std::string content_type;
  Timestamp received_at;
};

struct StationReports {
  std::string station_code;
  std::int64_t current_submissions = 0;  // versions not superseded
};

// A published table of official results, kept under a name
// ("preliminary", "final"). A set is never changed: a re-publication is a
// new set.
struct ResultSetInfo {
  std::string name;
  std::string source;  // the file it was imported from
  std::string format;  // generic, ru-cec, openelections
  // Set by the store:
  Timestamp imported_at;
  std::int64_t stations = 0;
  std::vector<std::string> area_levels;  // the table's, top down
  Sha256 content_hash{};                 // core::ResultsDigest of the table
};

// A data-quality rule: an expression (analysis/rules.h) over the answers of
// one form's submissions that describes a problem.
enum class RuleSeverity { kWarning, kError };
std::string_view RuleSeverityName(RuleSeverity severity);  // "warning", "error"
std::optional<RuleSeverity> ParseRuleSeverity(std::string_view text);

struct QualityRule {
  std::string code;  // unique: "in_boxes_valid_invalid"
  std::string form_code;
  std::string expression;
  std::map<std::string, std::string, std::less<>> description;  // language -> text
  RuleSeverity severity = RuleSeverity::kWarning;
  bool enabled = true;
  Timestamp updated_at;  // set by the store
};

// A current (not superseded) version that enabled rules flagged.
struct FlaggedSubmission {
  std::string instance_id;
  std::string form_code;
  std::string station_code;
  std::string observer_code;
  Timestamp received_at;
  std::vector<std::string> rules;  // the enabled rules it flagged, by code
  core::ReviewStatus status = core::ReviewStatus::kUnreviewed;
};

// One change of a version's review status.
struct ReviewChange {
  std::string instance_id;
  core::ReviewStatus from = core::ReviewStatus::kUnreviewed;
  core::ReviewStatus to = core::ReviewStatus::kUnreviewed;
  std::string note;
  std::string actor;
  Timestamp at;
  std::int64_t audit_seq = 0;
};

// A version's review status, where it is not unreviewed.
struct ReviewState {
  std::string instance_id;
  core::ReviewStatus status = core::ReviewStatus::kUnreviewed;
};

// See Store::PinSnapshot.
class ReadSnapshot {
 public:
  virtual ~ReadSnapshot() = default;
};

class Store {
 public:
  virtual ~Store() = default;

  // ---- Mission set-up ----------------------------------------------------
  virtual Result<core::Election> GetElection() = 0;
  virtual Status SaveElection(const core::Election& election, const Actor& actor) = 0;
  // Adds or updates (by code) all locations in one transaction. REQUIRES: the
  // caller has checked that every parent exists in the batch or the store.
  virtual Status UpsertLocations(std::span<const core::Location> locations, const Actor& actor,
                                 const std::string& source) = 0;
  // In the order codes were first added.
  virtual Result<std::vector<core::Location>> ListLocations() = 0;
  // Adds or updates (by code) observers and replaces their assignments.
  virtual Status UpsertObservers(std::span<const core::Observer> observers, const Actor& actor,
                                 const std::string& source) = 0;
  // In the order codes were first added; each observer's stations in no set order.
  virtual Result<std::vector<core::Observer>> ListObservers() = 0;
  // Stores a new form version; AlreadyExists if (code, version) is taken.
  virtual Status InstallForm(const core::Form& form, const Actor& actor) = 0;
  // Every version of every form, in installation order.
  virtual Result<std::vector<core::Form>> ListForms() = 0;
  // Increases with every change to the election, locations, observers or
  // forms, from any process; cheap to call.
  virtual Result<std::int64_t> SetupVersion() = 0;

  // ---- Tokens ------------------------------------------------------------
  // Stores the token and sets record->id.
  virtual Status CreateToken(TokenRecord* record, const Actor& actor) = 0;
  virtual Result<std::optional<TokenRecord>> FindToken(const Sha256& token_hash) = 0;
  // Every token, revoked and expired ones too, by id.
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;
  // Revokes a token for good, with its audit entry: NotFound for an unknown
  // id, Conflict if it was revoked already.
  virtual Status RevokeToken(std::int64_t id, const Actor& actor) = 0;
  // Records when tokens were last used, in one transaction with one audit
  // entry; a time earlier than the one stored is ignored.
  virtual Status RecordTokenUse(std::span<const TokenUse> uses, const Actor& actor) = 0;

  // ---- Users -------------------------------------------------------------
  // Stores the user and sets user->id; AlreadyExists if the name is taken.
  virtual Status CreateUser(UserRecord* user, const Actor& actor) = 0;
  virtual Result<std::optional<UserRecord>> FindUser(const std::string& name) = 0;
  // Every user, disabled ones too, by id.
  virtual Result<std::vector<UserRecord>> ListUsers() = 0;
  // NotFound for an unknown name.
  virtual Status SetUserPassword(const std::string& name, const std::string& password_hash,
                                 const Actor& actor) = 0;
  // For good; NotFound for an unknown name, Conflict if disabled already.
  virtual Status DisableUser(const std::string& name, const Actor& actor) = 0;
  // Gives a user another role, observer and regions (the caller checks
  // them); NotFound for an unknown name.
  virtual Status SetUserRole(const std::string& name, core::Role role,
                             const std::string& observer_code,
                             const std::vector<std::string>& regions, const Actor& actor) = 0;

  // ---- Field credentials -------------------------------------------------
  // Audit entries name the observer (and the username and realm of a
  // login), never a hash: a hash of a PIN or of a Digest password is open to
  // offline guessing.
  //
  // Sets or replaces the observer's ODK login; set_at is now. NotFound for
  // an unknown observer; AlreadyExists if another observer has the username.
  virtual Status SetFieldLogin(const std::string& observer_code, const std::string& username,
                               const std::string& realm, const std::string& ha1,
                               const Actor& actor) = 0;
  // The login with this username in this realm, or nullopt.
  virtual Result<std::optional<FieldLogin>> FindFieldLogin(const std::string& username,
                                                           const std::string& realm) = 0;
  // NotFound for an unknown observer or one without a login.
  virtual Status ClearFieldLogin(const std::string& observer_code, const Actor& actor) = 0;
  // Sets or replaces the observer's SMS PIN, given as a HashPin string.
  // NotFound for an unknown observer.
  virtual Status SetSmsPin(const std::string& observer_code, const std::string& pin_hash,
                           const Actor& actor) = 0;
  // NotFound for an unknown observer or one without a PIN.
  virtual Status ClearSmsPin(const std::string& observer_code, const Actor& actor) = 0;
  // The observer's PIN hash, or nullopt if it has none (or is unknown).
  virtual Result<std::optional<std::string>> FindSmsPinHash(const std::string& observer_code) = 0;
  // Every observer, in the order codes were first added, with what it has.
  virtual Result<std::vector<FieldCredentials>> ListFieldCredentials() = 0;

  // ---- SMS message log ---------------------------------------------------
  // Every inbound SMS, accepted or not, with the reply it got. A row is
  // never changed; a gateway's redelivery of a logged message is answered
  // from its row and not logged again.
  //
  // Logs the message and sets message->id, with an audit entry; if the
  // gateway's message id is logged already, stores nothing and returns
  // false with *message replaced by the logged row (two deliveries racing).
  virtual Result<bool> AddSmsMessage(SmsMessage* message, const Actor& actor) = 0;
  virtual Result<std::optional<SmsMessage>> FindSmsMessage(
      const std::string& gateway, const std::string& gateway_message_id) = 0;
  // The latest accepted message from `sender` with exactly this text
  // received at or after `since`, or nullopt.
  virtual Result<std::optional<SmsMessage>> FindAcceptedSmsText(const std::string& sender,
                                                                const std::string& text,
                                                                Timestamp since) = 0;
  // The newest `limit` messages, newest first.
  virtual Result<std::vector<SmsMessage>> ListSmsMessages(std::int64_t limit) = 0;

  // ---- Alerts ------------------------------------------------------------
  // Critical alerts (core/alert.h) and the history of their changes. An
  // alert is one per submission version and question, so raising the same
  // one again (after a restart, or twice) stores nothing.
  //
  // Stores those of `alerts` not stored before, each with a "raised" history
  // row and an audit entry, in one transaction; returns them with their ids
  // (the ones already stored are left out).
  virtual Result<std::vector<core::Alert>> AddAlerts(const std::vector<core::Alert>& alerts,
                                                     const Actor& actor) = 0;
  // Records `change` (its status, assignee and note; alert_id names the
  // alert) with a history row and an audit entry; `change.at` and
  // `change.actor` are taken as given. NotFound if there is no such alert.
  // Returns the alert as changed. Which changes make sense is the caller's
  // business.
  virtual Result<core::Alert> ChangeAlert(const core::AlertChange& change, const Actor& actor) = 0;
  virtual Result<std::optional<core::Alert>> GetAlert(std::int64_t id) = 0;
  // Newest first, at most `limit`; with a status, only alerts in it.
  virtual Result<std::vector<core::Alert>> ListAlerts(std::optional<core::AlertStatus> status,
                                                      std::int64_t limit) = 0;
  // Oldest first, the "raised" row included.
  virtual Result<std::vector<core::AlertChange>> AlertHistory(std::int64_t id) = 0;

  // ---- Submissions -------------------------------------------------------
  // Writes a batch in one transaction (group commit): on success
  // outcomes[i] says what happened to batch[i], and the batch is visible to
  // readers, but it is durable only once a later SyncWrites() returns OK. On
  // failure nothing of the batch is stored.
  virtual Result<std::vector<CommitOutcome>> WriteSubmissions(
      std::span<const PendingSubmission> batch) = 0;
  // Flushes everything written so far to disk. Safe to call from another
  // thread while WriteSubmissions runs, so that one batch is flushed while
  // the next is written.
  virtual Status SyncWrites() = 0;
  // WriteSubmissions, then SyncWrites: on success the batch is on disk.
  Result<std::vector<CommitOutcome>> CommitSubmissions(std::span<const PendingSubmission> batch);
  // The version chain that `instance_id` belongs to, or nullopt.
  virtual Result<std::optional<SubmissionHistory>> GetSubmission(
      const std::string& instance_id) = 0;
  // Every stored version in commit order. Stops at the first non-OK status
  // returned by `visit` and returns it.
  virtual Status ForEachSubmission(const std::function<Status(const StoredSubmission&)>& visit) = 0;
  // The current (not superseded) versions of one form's submissions, in
  // commit order; stops like ForEachSubmission.
  virtual Status ForEachCurrentSubmission(
      const std::string& form_code,
      const std::function<Status(const StoredSubmission&)>& visit) = 0;
  // The same versions' indexed columns only, without reading or parsing
  // their bodies (live coverage at start: several times faster; the audit
  // checks the columns against the bodies). Stops like ForEachSubmission.
  virtual Status ForEachCurrentReport(const std::string& form_code,
                                      const std::function<Status(const CurrentReport&)>& visit) = 0;
  virtual Result<std::int64_t> CountSubmissions() = 0;

  // Records files received for stored submissions, in one transaction with
  // one audit entry each ("attachment.add"), flushed before it returns. A
  // file already recorded for its instance under the same name with the
  // same hash is skipped (a client's retry); with another hash the whole
  // call fails with Conflict and records nothing. NotFound if a record's
  // instance is not stored.
  virtual Status RecordAttachments(std::span<const AttachmentRecord> files, const Actor& actor) = 0;
  // The files recorded for one instance (one version), by file name.
  virtual Result<std::vector<AttachmentRecord>> ListAttachments(const std::string& instance_id) = 0;
  virtual Result<std::vector<StationReports>> CountReportsByStation(
      const std::string& form_code) = 0;

  // ---- Conflict resolutions ----------------------------------------------
  // Keeps an analyst's resolution with its audit entry ("conflict.resolve"),
  // setting its id, actor and resolved_at; earlier ones stay as history. The
  // caller checks that it names a conflict.
  virtual Status AddConflictResolution(core::ConflictResolution* resolution,
                                       const Actor& actor) = 0;
  // The resolutions of one form (of one station if `station_code` is not
  // empty), oldest first.
  virtual Result<std::vector<core::ConflictResolution>> ListConflictResolutions(
      const std::string& form_code, const std::string& station_code = {}) = 0;

  // ---- Official results --------------------------------------------------
  // Stores `table` as a new set named info.name, with its audit entry, and
  // returns the info as stored; AlreadyExists if the name is taken.
  virtual Result<ResultSetInfo> SaveResultSet(const ResultSetInfo& info,
                                              const core::ResultsTable& table,
                                              const Actor& actor) = 0;
  // In import order.
  virtual Result<std::vector<ResultSetInfo>> ListResultSets() = 0;
  // The table as imported (StationResult::line is 0); NotFound if no set
  // has that name.
  virtual Result<core::ResultsTable> GetResultSet(const std::string& name) = 0;

  // ---- PVT sample ------------------------------------------------------
  // Keeps the mission's PVT sample, with its audit entry. A mission has one
  // sample, published before election day: AlreadyExists if one is kept.
  virtual Status SavePvtSample(const core::PvtSample& sample, const Actor& actor) = 0;
  // The sample as saved (stations and strata in the same order), or nullopt.
  virtual Result<std::optional<core::PvtSample>> GetPvtSample() = 0;

  // ---- Data-quality rules and review -----------------------------------
  // The rules of the counting form's protocol relations come with the
  // schema (migration 12). Flags are kept only where a rule flagged a
  // version (WriteSubmissions stores PendingSubmission::rule_flags).
  //
  // Adds a rule or replaces the one with its code; updated_at is now. A
  // replaced rule's flags are dropped (the caller evaluates it again: see
  // ReplaceRuleFlags). The caller has checked the expression. Audit:
  // "rule.save". Like SetRuleEnabled, it changes SetupVersion(), so that
  // servers reload their rules.
  virtual Status SaveRule(const QualityRule& rule, const Actor& actor) = 0;
  // By code.
  virtual Result<std::vector<QualityRule>> ListRules() = 0;
  // NotFound for an unknown code. Audit: "rule.enable" / "rule.disable".
  virtual Status SetRuleEnabled(const std::string& code, bool enabled, const Actor& actor) = 0;
  // The result of evaluating rule `code` over stored versions: replaces its
  // flags on every version whose submission audit entry is at or before
  // `through_audit_seq` (what the caller read) with `flagged`, leaving later
  // versions' flags, which the intake wrote, alone. NotFound for an unknown
  // rule. Audit: "rule.evaluate" with the number flagged.
  virtual Status ReplaceRuleFlags(const std::string& code, std::int64_t through_audit_seq,
                                  std::span<const std::string> flagged, const Actor& actor) = 0;
  // The codes of the rules that flagged version `instance_id` (enabled or
  // not), sorted.
  virtual Result<std::vector<std::string>> ListRuleFlags(const std::string& instance_id) = 0;
  // Current versions flagged by enabled rules, in commit order; an empty
  // rule or form code matches any.
  virtual Result<std::vector<FlaggedSubmission>> ListFlaggedSubmissions(
      const std::string& rule_code, const std::string& form_code) = 0;
  // Sets the review status of stored version `instance_id`, keeping the
  // change with its note, and returns it. NotFound for an unknown version;
  // Conflict if `expected` is given and the status is not that (someone
  // reviewed it meanwhile). Audit: "submission.review".
  virtual Result<ReviewChange> ReviewSubmission(const std::string& instance_id,
                                                core::ReviewStatus to, const std::string& note,
                                                std::optional<core::ReviewStatus> expected,
                                                const Actor& actor) = 0;
  // The changes of one version, oldest first.
  virtual Result<std::vector<ReviewChange>> ListReviews(const std::string& instance_id) = 0;
  // Every version whose status is not unreviewed (for live views to load
  // at start), in no set order.
  virtual Result<std::vector<ReviewState>> ListReviewStates() = 0;

  // Until the returned object is destroyed, every read made by the calling
  // thread sees the store as it was when this was called, whatever is written
  // meanwhile (used to verify the audit log against a running server).
  // REQUIRES: no snapshot is pinned on this thread already.
  virtual Result<std::unique_ptr<ReadSnapshot>> PinSnapshot() = 0;

  // ---- Audit -------------------------------------------------------------
  // Appends events that change nothing else, in one transaction.
  virtual Status RecordEvents(std::span<const AuditEvent> events) = 0;
  // Every entry in seq order, as stored (not verified).
  virtual Status ForEachAuditEntry(const std::function<Status(const core::AuditEntry&)>& visit) = 0;
};

struct StoreOptions {
  std::string data_dir;  // the mission's data directory
  bool create = false;   // create the store if missing (else NotFound)
};

// Opens the store in options.data_dir (SQLite: DIR/vigil.db) and applies any
// pending migrations.
Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options);

}  // namespace vigil::storage
