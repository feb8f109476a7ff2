// The group committer: no submission is answered before the flush that
// follows its write, everything queued is stored on Stop(), and a failed
// flush fails its submissions and every later one.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <map>
#include <mutex>
#include <vector>

#include "core/submission.h"
#include "service/submission_committer.h"
#include "support/test_mission.h"

namespace vigil::testing {
namespace {

using storage::CommitOutcome;
using storage::PendingSubmission;

// Delegates to a real store, counting writes and flushes; SyncWrites() can
// be made to fail.
class ProbeStore final : public storage::Store {
 public:
  explicit ProbeStore(std::unique_ptr<storage::Store> inner) : inner_(std::move(inner)) {}

  Result<std::vector<CommitOutcome>> WriteSubmissions(
      std::span<const PendingSubmission> batch) override {
    auto outcomes = inner_->WriteSubmissions(batch);
    std::lock_guard lock(mu_);
    ++writes_;
    // The first write of an id is the one that stored it: a retry written in
    // a later batch (a duplicate) must not move it to a write not yet flushed.
    for (const PendingSubmission& p : batch)
      written_in_.try_emplace(p.submission.instance_id, writes_);
    return outcomes;
  }

  Status SyncWrites() override {
    std::int64_t covered;
    {
      std::lock_guard lock(mu_);
      covered = writes_;
    }
    if (fail_syncs_) return Status::Internal("injected fsync failure");
    VIGIL_RETURN_IF_ERROR(inner_->SyncWrites());
    std::lock_guard lock(mu_);
    synced_through_ = std::max(synced_through_, covered);
    return Status::Ok();
  }

  // Whether the write holding `instance_id` has been followed by a flush.
  bool Flushed(const std::string& instance_id) {
    std::lock_guard lock(mu_);
    auto it = written_in_.find(instance_id);
    return it != written_in_.end() && it->second <= synced_through_;
  }

  std::atomic<bool> fail_syncs_ = false;

  Result<core::Election> GetElection() override { return inner_->GetElection(); }
  Status SaveElection(const core::Election& e, const storage::Actor& a) override {
    return inner_->SaveElection(e, a);
  }
  Status UpsertLocations(std::span<const core::Location> l, const storage::Actor& a,
                         const std::string& s) override {
    return inner_->UpsertLocations(l, a, s);
  }
  Result<std::vector<core::Location>> ListLocations() override { return inner_->ListLocations(); }
  Status UpsertObservers(std::span<const core::Observer> o, const storage::Actor& a,
                         const std::string& s) override {
    return inner_->UpsertObservers(o, a, s);
  }
  Result<std::vector<core::Observer>> ListObservers() override { return inner_->ListObservers(); }
  Status InstallForm(const core::Form& f, const storage::Actor& a) override {
    return inner_->InstallForm(f, a);
  }
  Result<std::vector<core::Form>> ListForms() override { return inner_->ListForms(); }
  Result<std::int64_t> SetupVersion() override { return inner_->SetupVersion(); }
  Status CreateToken(storage::TokenRecord* r, const storage::Actor& a) override {
    return inner_->CreateToken(r, a);
  }
  Result<storage::ResultSetInfo> SaveResultSet(const storage::ResultSetInfo& i,
                                               const core::ResultsTable& t,
                                               const storage::Actor& a) override {
    return inner_->SaveResultSet(i, t, a);
  }
  Result<std::vector<storage::ResultSetInfo>> ListResultSets() override {
    return inner_->ListResultSets();
  }
  Result<core::ResultsTable> GetResultSet(const std::string& n) override {
    return inner_->GetResultSet(n);
  }
  Status SavePvtSample(const core::PvtSample& s, const storage::Actor& a) override {
    return inner_->SavePvtSample(s, a);
  }
  Result<std::optional<core::PvtSample>> GetPvtSample() override { return inner_->GetPvtSample(); }
  Status ForEachCurrentSubmission(
      const std::string& form,
      const std::function<Status(const storage::StoredSubmission&)>& visit) override {
    return inner_->ForEachCurrentSubmission(form, visit);
  }
  Status ForEachCurrentReport(
      const std::string& form,
      const std::function<Status(const storage::CurrentReport&)>& visit) override {
    return inner_->ForEachCurrentReport(form, visit);
  }
  Result<std::optional<storage::TokenRecord>> FindToken(const Sha256& h) override {
    return inner_->FindToken(h);
  }
  Result<std::vector<storage::TokenRecord>> ListTokens() override { return inner_->ListTokens(); }
  Status RevokeToken(std::int64_t id, const storage::Actor& a) override {
    return inner_->RevokeToken(id, a);
  }
  Status RecordTokenUse(std::span<const storage::TokenUse> u, const storage::Actor& a) override {
    return inner_->RecordTokenUse(u, a);
  }
  Status CreateUser(storage::UserRecord* u, const storage::Actor& a) override {
    return inner_->CreateUser(u, a);
  }
  Result<std::optional<storage::UserRecord>> FindUser(const std::string& n) override {
    return inner_->FindUser(n);
  }
  Result<std::vector<storage::UserRecord>> ListUsers() override { return inner_->ListUsers(); }
  Status SetUserPassword(const std::string& n, const std::string& h,
                         const storage::Actor& a) override {
    return inner_->SetUserPassword(n, h, a);
  }
  Status DisableUser(const std::string& n, const storage::Actor& a) override {
    return inner_->DisableUser(n, a);
  }
  Status SetUserRole(const std::string& n, core::Role r, const std::string& o,
                     const std::vector<std::string>& regions, const storage::Actor& a) override {
    return inner_->SetUserRole(n, r, o, regions, a);
  }
  Status SetFieldLogin(const std::string& o, const std::string& u, const std::string& r,
                       const std::string& h, const storage::Actor& a) override {
    return inner_->SetFieldLogin(o, u, r, h, a);
  }
  Result<std::optional<storage::FieldLogin>> FindFieldLogin(const std::string& u,
                                                            const std::string& r) override {
    return inner_->FindFieldLogin(u, r);
  }
  Status ClearFieldLogin(const std::string& o, const storage::Actor& a) override {
    return inner_->ClearFieldLogin(o, a);
  }
  Status SetSmsPin(const std::string& o, const std::string& h, const storage::Actor& a) override {
    return inner_->SetSmsPin(o, h, a);
  }
  Status ClearSmsPin(const std::string& o, const storage::Actor& a) override {
    return inner_->ClearSmsPin(o, a);
  }
  Result<std::optional<std::string>> FindSmsPinHash(const std::string& o) override {
    return inner_->FindSmsPinHash(o);
  }
  Result<std::vector<storage::FieldCredentials>> ListFieldCredentials() override {
    return inner_->ListFieldCredentials();
  }
  Result<bool> AddSmsMessage(storage::SmsMessage* m, const storage::Actor& a) override {
    return inner_->AddSmsMessage(m, a);
  }
  Result<std::optional<storage::SmsMessage>> FindSmsMessage(const std::string& g,
                                                            const std::string& id) override {
    return inner_->FindSmsMessage(g, id);
  }
  Result<std::optional<storage::SmsMessage>> FindAcceptedSmsText(const std::string& s,
                                                                 const std::string& t,
                                                                 Timestamp since) override {
    return inner_->FindAcceptedSmsText(s, t, since);
  }
  Result<std::vector<storage::SmsMessage>> ListSmsMessages(std::int64_t limit) override {
    return inner_->ListSmsMessages(limit);
  }
  Status AddConflictResolution(core::ConflictResolution* r, const storage::Actor& actor) override {
    return inner_->AddConflictResolution(r, actor);
  }
  Result<std::vector<core::ConflictResolution>> ListConflictResolutions(
      const std::string& form, const std::string& station) override {
    return inner_->ListConflictResolutions(form, station);
  }
  Result<std::vector<core::Alert>> AddAlerts(const std::vector<core::Alert>& alerts,
                                             const storage::Actor& a) override {
    return inner_->AddAlerts(alerts, a);
  }
  Result<core::Alert> ChangeAlert(const core::AlertChange& change,
                                  const storage::Actor& a) override {
    return inner_->ChangeAlert(change, a);
  }
  Result<std::optional<core::Alert>> GetAlert(std::int64_t id) override {
    return inner_->GetAlert(id);
  }
  Result<std::vector<core::Alert>> ListAlerts(std::optional<core::AlertStatus> status,
                                              std::int64_t limit) override {
    return inner_->ListAlerts(status, limit);
  }
  Result<std::vector<core::AlertChange>> AlertHistory(std::int64_t id) override {
    return inner_->AlertHistory(id);
  }
  Result<std::optional<storage::SubmissionHistory>> GetSubmission(const std::string& id) override {
    return inner_->GetSubmission(id);
  }
  Status ForEachSubmission(
      const std::function<Status(const storage::StoredSubmission&)>& visit) override {
    return inner_->ForEachSubmission(visit);
  }
  Result<std::int64_t> CountSubmissions() override { return inner_->CountSubmissions(); }
  Status RecordAttachments(std::span<const storage::AttachmentRecord> files,
                           const storage::Actor& a) override {
    return inner_->RecordAttachments(files, a);
  }
  Result<std::vector<storage::AttachmentRecord>> ListAttachments(const std::string& id) override {
    return inner_->ListAttachments(id);
  }
  Result<std::vector<storage::StationReports>> CountReportsByStation(
      const std::string& form) override {
    return inner_->CountReportsByStation(form);
  }
  Result<std::unique_ptr<storage::ReadSnapshot>> PinSnapshot() override {
    return inner_->PinSnapshot();
  }
  Status SaveRule(const storage::QualityRule& rule, const storage::Actor& actor) override {
    return inner_->SaveRule(rule, actor);
  }
  Result<std::vector<storage::QualityRule>> ListRules() override { return inner_->ListRules(); }
  Status SetRuleEnabled(const std::string& code, bool enabled,
                        const storage::Actor& actor) override {
    return inner_->SetRuleEnabled(code, enabled, actor);
  }
  Status ReplaceRuleFlags(const std::string& code, std::int64_t through_audit_seq,
                          std::span<const std::string> flagged,
                          const storage::Actor& actor) override {
    return inner_->ReplaceRuleFlags(code, through_audit_seq, flagged, actor);
  }
  Result<std::vector<std::string>> ListRuleFlags(const std::string& instance_id) override {
    return inner_->ListRuleFlags(instance_id);
  }
  Result<std::vector<storage::FlaggedSubmission>> ListFlaggedSubmissions(
      const std::string& rule_code, const std::string& form_code) override {
    return inner_->ListFlaggedSubmissions(rule_code, form_code);
  }
  Result<storage::ReviewChange> ReviewSubmission(const std::string& instance_id,
                                                 core::ReviewStatus to, const std::string& note,
                                                 std::optional<core::ReviewStatus> expected,
                                                 const storage::Actor& actor) override {
    return inner_->ReviewSubmission(instance_id, to, note, expected, actor);
  }
  Result<std::vector<storage::ReviewChange>> ListReviews(const std::string& instance_id) override {
    return inner_->ListReviews(instance_id);
  }
  Result<std::vector<storage::ReviewState>> ListReviewStates() override {
    return inner_->ListReviewStates();
  }
  Status RecordEvents(std::span<const storage::AuditEvent> events) override {
    return inner_->RecordEvents(events);
  }
  Status ForEachAuditEntry(const std::function<Status(const core::AuditEntry&)>& visit) override {
    return inner_->ForEachAuditEntry(visit);
  }

 private:
  std::unique_ptr<storage::Store> inner_;
  std::mutex mu_;
  std::int64_t writes_ = 0;                         // GUARDED_BY(mu_)
  std::int64_t synced_through_ = 0;                 // GUARDED_BY(mu_)
  std::map<std::string, std::int64_t> written_in_;  // GUARDED_BY(mu_)
};

PendingSubmission Pending(const std::string& instance_id) {
  std::vector<core::FieldError> errors;
  auto submission =
      core::SubmissionFromJson(boost::json::parse(ValidSubmission(instance_id)), &errors);
  EXPECT_TRUE(submission.has_value() && errors.empty());
  PendingSubmission p;
  p.canonical_json = core::CanonicalJson(*submission);
  p.content_hash = HashSha256(p.canonical_json);
  p.submission = std::move(*submission);
  p.actor = "test";
  p.received_at = Now();
  return p;
}

std::string Id(int i) { return "uuid:committer-" + std::to_string(i); }

class CommitterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mission_.Create();
    store_ = std::make_unique<ProbeStore>(mission_.OpenStore());
  }

  TestMission mission_;
  std::unique_ptr<ProbeStore> store_;
  MetricsRegistry metrics_;
};

TEST_F(CommitterTest, AnswersOnlyAfterTheFlushThatFollowsTheWrite) {
  constexpr int kSubmissions = 500;
  std::atomic<int> answered = 0;
  std::atomic<int> answered_unflushed = 0;
  {
    service::SubmissionCommitter committer(*store_, metrics_, {});
    for (int i = 0; i < kSubmissions; ++i) {
      ASSERT_TRUE(committer
                      .Enqueue(Pending(Id(i)),
                               [&, id = Id(i)](Result<CommitOutcome> outcome) {
                                 EXPECT_EQ(outcome, CommitOutcome::kStored) << id;
                                 if (!store_->Flushed(id)) ++answered_unflushed;
                                 ++answered;
                               })
                      .ok());
    }
    committer.Stop();  // drains: everything queued is written and flushed
  }
  EXPECT_EQ(answered, kSubmissions);
  EXPECT_EQ(answered_unflushed, 0);
  EXPECT_EQ(store_->CountSubmissions(), kSubmissions);
}

TEST_F(CommitterTest, TellsTheListenerOfStoredVersionsOnlyOnceDurableAndBeforeAnswering) {
  std::mutex mu;
  std::vector<std::string> heard;  // GUARDED_BY(mu)
  std::atomic<int> heard_unflushed = 0;
  std::atomic<int> answered_unheard = 0;
  service::SubmissionCommitter::Options options;
  options.on_stored = [&](std::span<const PendingSubmission> stored) {
    std::lock_guard lock(mu);
    for (const PendingSubmission& p : stored) {
      if (!store_->Flushed(p.submission.instance_id)) ++heard_unflushed;
      heard.push_back(p.submission.instance_id);
    }
  };
  auto was_heard = [&](const std::string& id) {
    std::lock_guard lock(mu);
    return std::find(heard.begin(), heard.end(), id) != heard.end();
  };
  {
    service::SubmissionCommitter committer(*store_, metrics_, options);
    for (int i = 0; i < 50; ++i) {
      // Every submission twice: the retry is a duplicate, not news.
      for (int copy = 0; copy < 2; ++copy) {
        ASSERT_TRUE(committer
                        .Enqueue(Pending(Id(i)),
                                 [&, id = Id(i)](Result<CommitOutcome>) {
                                   if (!was_heard(id)) ++answered_unheard;
                                 })
                        .ok());
      }
    }
    committer.Stop();
  }
  std::lock_guard lock(mu);
  ASSERT_EQ(heard.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(heard[i], Id(i)) << "in commit order";
  EXPECT_EQ(heard_unflushed, 0);
  EXPECT_EQ(answered_unheard, 0);
}

TEST_F(CommitterTest, AFailedFlushFailsItsSubmissionsAndRefusesLaterOnes) {
  service::SubmissionCommitter committer(*store_, metrics_, {});
  store_->fail_syncs_ = true;
  std::mutex mu;
  std::vector<Result<CommitOutcome>> outcomes;
  // The first flush may fail before all are queued; from then on Enqueue
  // refuses, so count what was accepted.
  std::size_t accepted = 0;
  for (int i = 0; i < 20; ++i) {
    const Status s = committer.Enqueue(Pending(Id(i)), [&](Result<CommitOutcome> outcome) {
      std::lock_guard lock(mu);
      outcomes.push_back(std::move(outcome));
    });
    if (s.ok()) ++accepted;
  }
  ASSERT_GE(accepted, 1u);
  // Wait for every answer, then check that the failure is sticky even once
  // the disk recovers: pages a failed fsync dropped may be gone.
  for (int spin = 0; spin < 1000; ++spin) {
    {
      std::lock_guard lock(mu);
      if (outcomes.size() == accepted) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  store_->fail_syncs_ = false;
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(outcomes.size(), accepted);
    for (const auto& o : outcomes) {
      ASSERT_FALSE(o.has_value());
      EXPECT_NE(o.error().message().find("injected fsync failure"), std::string::npos);
    }
  }
  const Status refused = committer.Enqueue(Pending(Id(100)), [](Result<CommitOutcome>) {
    ADD_FAILURE() << "a refused submission must not be answered again";
  });
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.message().find("restarted"), std::string::npos) << refused.message();
  committer.Stop();
}

}  // namespace
}  // namespace vigil::testing
