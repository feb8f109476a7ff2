// The storage conformance suite: the behaviour every storage::Store backend
// must share, written once and run against each backend (TEST_P). A new
// backend is tested by appending its factory to Backends(); nothing here may
// depend on how a backend stores its data (no SQL, no file names).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "common/crypto.h"
#include "common/time.h"
#include "core/audit.h"
#include "core/default_forms.h"
#include "core/election.h"
#include "core/form.h"
#include "core/submission.h"
#include "storage/store.h"
#include "support/test_mission.h"

namespace vigil::storage {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

// ---- Backends ---------------------------------------------------------------

struct Backend {
  std::string name;  // the test-name suffix: "sqlite"
  // Opens the store kept for `dir`: an empty one the first time, the same data
  // on every later call with the same dir (also while another is open).
  std::function<Result<std::unique_ptr<Store>>(const std::string& dir)> open;
};

void PrintTo(const Backend& backend, std::ostream* os) { *os << backend.name; }

std::vector<Backend> Backends() {
  return {
      {"sqlite",
       [](const std::string& dir) {
         return OpenStore({.data_dir = dir + "/store", .create = true});
       }},
  };
}

// ---- Test data --------------------------------------------------------------

Actor Admin() { return {"cli:root"}; }

core::Location Place(const std::string& code, const std::string& parent) {
  core::Location l;
  l.code = code;
  l.name = "Place " + code;
  l.parent_code = parent;
  return l;
}

core::Location Station(const std::string& code, const std::string& parent) {
  core::Location l = Place(code, parent);
  l.registered_voters = 1200;
  l.settlement = core::Settlement::kRural;
  l.lat = 47.0105;
  l.lon = 28.8638;
  return l;
}

core::Observer ObserverAt(const std::string& code, std::vector<std::string> stations) {
  core::Observer o;
  o.code = code;
  o.name = "Observer " + code;
  o.phones = {"+37369123456", "+37369654321"};
  o.role = core::ObserverRole::kLongTerm;
  o.team = "T-1";
  o.language = "ro";
  o.stations = std::move(stations);
  return o;
}

// The voting form "V" of the default set, and an "O" form that differs only in code.
core::Form VotingForm() { return core::DefaultForms().front(); }
core::Form OpeningForm() {
  core::Form form = VotingForm();
  form.code = "O";
  return form;
}

std::string Id(int n) {
  char id[64];
  std::snprintf(id, sizeof id, "uuid:00000000-0000-4000-8000-%012d", n);
  return id;
}

struct SubmissionSpec {
  int id = 1;
  int replaces = 0;  // 0: a first version
  std::string form = "V";
  std::string station = "PS-01";
  int voters_turned_away = 0;  // vary to change the content
};

// A submission ready to commit, built the way MissionService::Check does.
PendingSubmission Pending(const SubmissionSpec& spec) {
  core::Submission s;
  s.instance_id = Id(spec.id);
  if (spec.replaces != 0) s.replaces = Id(spec.replaces);
  s.form_code = spec.form;
  s.form_version = VotingForm().version;
  s.station_code = spec.station;
  s.observer_code = "OBS-1";
  s.started_at = ParseRfc3339("2026-06-01T08:00:00Z").value();
  s.submitted_at = ParseRfc3339("2026-06-01T08:40:00Z").value();
  s.answers = {{"VA", "08:00"}, {"V1", "yes"}, {"V7", spec.voters_turned_away}, {"V20", "good"}};
  PendingSubmission p;
  p.canonical_json = core::CanonicalJson(s);
  p.content_hash = HashSha256(p.canonical_json);
  p.submission = std::move(s);
  p.actor = "token:7/observer";
  p.received_at = ParseRfc3339("2026-06-01T08:41:02.123456Z").value();
  return p;
}

TokenRecord Token(const std::string& secret) {
  TokenRecord t;
  t.token_hash = HashSha256(secret);
  t.role = core::Role::kObserver;
  t.observer_code = "OBS-1";
  t.label = "phone of " + secret;
  t.created_at = ParseRfc3339("2026-05-30T10:00:00.000001Z").value();
  return t;
}

auto LocationFields(const core::Location& l) {
  return std::tie(l.code, l.name, l.parent_code, l.registered_voters, l.settlement, l.lat, l.lon);
}

auto ObserverFields(const core::Observer& o) {
  return std::make_tuple(o.code, o.name, o.phones, o.role, o.team, o.language,
                         std::set<std::string>(o.stations.begin(), o.stations.end()));
}

std::vector<std::string> Versions(const SubmissionHistory& history) {
  std::vector<std::string> ids;
  for (const StoredSubmission& v : history.versions) ids.push_back(v.submission.instance_id);
  return ids;
}

// ---- Fixture ----------------------------------------------------------------

class StoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    store_ = Open();
    ASSERT_NE(store_, nullptr);
  }

  // Another handle on this test's store, as a second process would open it.
  std::unique_ptr<Store> Open() {
    auto store = GetParam().open(dir_.path());
    if (!store) {
      ADD_FAILURE() << "cannot open the " << GetParam().name
                    << " store: " << store.error().ToString();
      return nullptr;
    }
    return std::move(*store);
  }

  // Closes the store and opens it again.
  void Reopen() {
    store_.reset();
    store_ = Open();
    ASSERT_NE(store_, nullptr);
  }

  // The set-up submissions refer to: forms V and O, stations PS-01..PS-03,
  // observer OBS-1.
  void SetUpMission() {
    ASSERT_TRUE(store_->InstallForm(VotingForm(), Admin()).ok());
    ASSERT_TRUE(store_->InstallForm(OpeningForm(), Admin()).ok());
    const std::vector<core::Location> locations = {Place("R1", ""), Station("PS-01", "R1"),
                                                   Station("PS-02", "R1"), Station("PS-03", "R1")};
    ASSERT_TRUE(store_->UpsertLocations(locations, Admin(), "locations.csv").ok());
    const std::vector<core::Observer> observers = {ObserverAt("OBS-1", {"PS-01", "PS-02"})};
    ASSERT_TRUE(store_->UpsertObservers(observers, Admin(), "observers.csv").ok());
  }

  // Commits `batch` in one transaction; ADD_FAILUREs on error.
  std::vector<CommitOutcome> Commit(const std::vector<SubmissionSpec>& batch) {
    std::vector<PendingSubmission> pending;
    for (const SubmissionSpec& spec : batch) pending.push_back(Pending(spec));
    auto outcomes = store_->CommitSubmissions(pending);
    if (!outcomes) {
      ADD_FAILURE() << outcomes.error().ToString();
      return {};
    }
    return *outcomes;
  }

  std::optional<SubmissionHistory> History(int id) {
    auto history = store_->GetSubmission(Id(id));
    if (!history) {
      ADD_FAILURE() << history.error().ToString();
      return std::nullopt;
    }
    return *history;
  }

  std::vector<core::AuditEntry> AuditLog() { return AuditLogOf(*store_); }

  static std::vector<core::AuditEntry> AuditLogOf(Store& store) {
    std::vector<core::AuditEntry> entries;
    const Status s = store.ForEachAuditEntry([&](const core::AuditEntry& e) {
      entries.push_back(e);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return entries;
  }

  std::int64_t SetupVersion() {
    auto version = store_->SetupVersion();
    EXPECT_TRUE(version.has_value()) << version.error().ToString();
    return version.value_or(-1);
  }

  std::int64_t Count() {
    auto count = store_->CountSubmissions();
    EXPECT_TRUE(count.has_value()) << count.error().ToString();
    return count.value_or(-1);
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

// Feeds the audit log to a verifier; ADD_FAILUREs at a break.
void ExpectChainVerifies(const std::vector<core::AuditEntry>& entries) {
  core::AuditChainVerifier verifier;
  for (const core::AuditEntry& e : entries) verifier.Add(e);
  EXPECT_FALSE(verifier.first_break().has_value())
      << "entry " << verifier.first_break()->seq << ": " << verifier.first_break()->problem;
  EXPECT_EQ(verifier.entries(), static_cast<std::int64_t>(entries.size()));
}

// ---- Election ---------------------------------------------------------------

TEST_P(StoreConformance, SaveElectionThenGetElectionRoundTrips) {
  const core::Election saved{"Parliamentary elections 2026", "Freedonia", "2026-06-01", false};
  ASSERT_TRUE(store_->SaveElection(saved, Admin()).ok());

  auto got = store_->GetElection();
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(got->name, saved.name);
  EXPECT_EQ(got->country, saved.country);
  EXPECT_EQ(got->date, saved.date);
  EXPECT_EQ(got->enforce_assignments, saved.enforce_assignments);
}

TEST_P(StoreConformance, SaveElectionReplacesThePreviousElection) {
  ASSERT_TRUE(store_->SaveElection({"First", "Freedonia", "2026-06-01", true}, Admin()).ok());
  ASSERT_TRUE(store_->SaveElection({"Run-off", "Freedonia", "2026-06-15", true}, Admin()).ok());

  auto got = store_->GetElection();
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(got->name, "Run-off");
  EXPECT_EQ(got->date, "2026-06-15");
}

// ---- Locations and observers ------------------------------------------------

TEST_P(StoreConformance, UpsertLocationsAddsLocationsWithAllTheirFields) {
  const std::vector<core::Location> locations = {Place("R1", ""), Station("PS-01", "R1")};
  ASSERT_TRUE(store_->UpsertLocations(locations, Admin(), "locations.csv").ok());

  auto listed = store_->ListLocations();
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  ASSERT_THAT(*listed, SizeIs(2));
  EXPECT_EQ(LocationFields((*listed)[0]), LocationFields(locations[0]));
  EXPECT_EQ(LocationFields((*listed)[1]), LocationFields(locations[1]));
}

TEST_P(StoreConformance, UpsertLocationsUpdatesAnExistingCode) {
  const std::vector<core::Location> first = {Place("R1", ""), Station("PS-01", "R1")};
  ASSERT_TRUE(store_->UpsertLocations(first, Admin(), "locations.csv").ok());
  core::Location renamed = Place("PS-01", "R1");  // loses its station fields too
  renamed.name = "School No. 5";
  const std::vector<core::Location> second = {renamed};
  ASSERT_TRUE(store_->UpsertLocations(second, Admin(), "locations-fix.csv").ok());

  auto listed = store_->ListLocations();
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  ASSERT_THAT(*listed, SizeIs(2));
  EXPECT_EQ(LocationFields((*listed)[1]), LocationFields(renamed));
}

TEST_P(StoreConformance, ListLocationsKeepsTheOrderInWhichCodesWereFirstAdded) {
  const std::vector<core::Location> first = {Place("R2", ""), Place("R1", ""),
                                             Station("PS-09", "R1")};
  ASSERT_TRUE(store_->UpsertLocations(first, Admin(), "a.csv").ok());
  const std::vector<core::Location> second = {Station("PS-01", "R2"), Place("R1", "")};
  ASSERT_TRUE(store_->UpsertLocations(second, Admin(), "b.csv").ok());

  auto listed = store_->ListLocations();
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  EXPECT_THAT(
      *listed,
      ElementsAre(Field(&core::Location::code, "R2"), Field(&core::Location::code, "R1"),
                  Field(&core::Location::code, "PS-09"), Field(&core::Location::code, "PS-01")));
}

TEST_P(StoreConformance, UpsertObserversAddsObserversWithAllTheirFields) {
  const std::vector<core::Location> locations = {Place("R1", ""), Station("PS-01", "R1"),
                                                 Station("PS-02", "R1")};
  ASSERT_TRUE(store_->UpsertLocations(locations, Admin(), "locations.csv").ok());
  const std::vector<core::Observer> observers = {ObserverAt("OBS-1", {"PS-02", "PS-01"}),
                                                 ObserverAt("OBS-2", {})};
  ASSERT_TRUE(store_->UpsertObservers(observers, Admin(), "observers.csv").ok());

  auto listed = store_->ListObservers();
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  ASSERT_THAT(*listed, SizeIs(2));
  EXPECT_EQ(ObserverFields((*listed)[0]), ObserverFields(observers[0]));
  EXPECT_EQ(ObserverFields((*listed)[1]), ObserverFields(observers[1]));
}

TEST_P(StoreConformance, UpsertObserversReplacesAssignments) {
  const std::vector<core::Location> locations = {Place("R1", ""), Station("PS-01", "R1"),
                                                 Station("PS-02", "R1"), Station("PS-03", "R1")};
  ASSERT_TRUE(store_->UpsertLocations(locations, Admin(), "locations.csv").ok());
  const std::vector<core::Observer> first = {ObserverAt("OBS-1", {"PS-01", "PS-02"}),
                                             ObserverAt("OBS-2", {"PS-01"})};
  ASSERT_TRUE(store_->UpsertObservers(first, Admin(), "observers.csv").ok());
  const std::vector<core::Observer> second = {ObserverAt("OBS-1", {"PS-03"})};
  ASSERT_TRUE(store_->UpsertObservers(second, Admin(), "observers-fix.csv").ok());

  auto listed = store_->ListObservers();
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  ASSERT_THAT(*listed, SizeIs(2));
  EXPECT_THAT((*listed)[0].stations, ElementsAre("PS-03"));
  EXPECT_THAT((*listed)[1].stations, ElementsAre("PS-01"));  // untouched
}

// ---- Forms ------------------------------------------------------------------

TEST_P(StoreConformance, InstallFormThenListFormsRoundTrips) {
  ASSERT_TRUE(store_->InstallForm(VotingForm(), Admin()).ok());

  auto forms = store_->ListForms();
  ASSERT_TRUE(forms.has_value()) << forms.error().ToString();
  ASSERT_THAT(*forms, SizeIs(1));
  EXPECT_EQ(core::FormToJson((*forms)[0]), core::FormToJson(VotingForm()));
}

TEST_P(StoreConformance, InstallFormRefusesATakenCodeAndVersion) {
  ASSERT_TRUE(store_->InstallForm(VotingForm(), Admin()).ok());
  core::Form changed = VotingForm();
  changed.questions.pop_back();

  const Status s = store_->InstallForm(changed, Admin());
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
  auto forms = store_->ListForms();
  ASSERT_TRUE(forms.has_value()) << forms.error().ToString();
  ASSERT_THAT(*forms, SizeIs(1));
  EXPECT_EQ(core::FormToJson((*forms)[0]), core::FormToJson(VotingForm()));
}

TEST_P(StoreConformance, RefusedInstallFormChangesNothing) {
  ASSERT_TRUE(store_->InstallForm(VotingForm(), Admin()).ok());
  const std::int64_t version = SetupVersion();
  const std::size_t audited = AuditLog().size();

  ASSERT_EQ(store_->InstallForm(VotingForm(), Admin()).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(SetupVersion(), version);
  EXPECT_EQ(AuditLog().size(), audited);
}

TEST_P(StoreConformance, InstallFormAcceptsANewVersionAndListsItAfterTheOld) {
  ASSERT_TRUE(store_->InstallForm(VotingForm(), Admin()).ok());
  core::Form next = VotingForm();
  next.version = "2026.2";
  next.questions.pop_back();
  next.sms_comment.clear();  // it named the comment question just removed

  ASSERT_TRUE(store_->InstallForm(next, Admin()).ok());
  auto forms = store_->ListForms();
  ASSERT_TRUE(forms.has_value()) << forms.error().ToString();
  ASSERT_THAT(*forms, SizeIs(2));
  EXPECT_EQ(core::FormToJson((*forms)[0]), core::FormToJson(VotingForm()));
  EXPECT_EQ(core::FormToJson((*forms)[1]), core::FormToJson(next));
}

// ---- Set-up version ---------------------------------------------------------

TEST_P(StoreConformance, SetupVersionIncreasesWithEverySetUpWrite) {
  std::int64_t last = SetupVersion();
  const auto expect_increase = [&](const char* write) {
    const std::int64_t now = SetupVersion();
    EXPECT_GT(now, last) << "after " << write;
    last = now;
  };
  ASSERT_TRUE(store_->SaveElection({"E", "Freedonia", "2026-06-01", true}, Admin()).ok());
  expect_increase("SaveElection");
  const std::vector<core::Location> locations = {Place("R1", ""), Station("PS-01", "R1")};
  ASSERT_TRUE(store_->UpsertLocations(locations, Admin(), "locations.csv").ok());
  expect_increase("UpsertLocations");
  const std::vector<core::Observer> observers = {ObserverAt("OBS-1", {"PS-01"})};
  ASSERT_TRUE(store_->UpsertObservers(observers, Admin(), "observers.csv").ok());
  expect_increase("UpsertObservers");
  ASSERT_TRUE(store_->InstallForm(VotingForm(), Admin()).ok());
  expect_increase("InstallForm");
}

TEST_P(StoreConformance, SetupVersionSeesWritesThroughAnotherOpenStore) {
  std::unique_ptr<Store> other = Open();
  ASSERT_NE(other, nullptr);
  const std::int64_t before = SetupVersion();

  ASSERT_TRUE(other->InstallForm(VotingForm(), Admin()).ok());
  EXPECT_GT(SetupVersion(), before);
}

// ---- Tokens -----------------------------------------------------------------

TEST_P(StoreConformance, CreateTokenAssignsDistinctIds) {
  TokenRecord a = Token("a");
  TokenRecord b = Token("b");
  ASSERT_TRUE(store_->CreateToken(&a, Admin()).ok());
  ASSERT_TRUE(store_->CreateToken(&b, Admin()).ok());

  EXPECT_GT(a.id, 0);
  EXPECT_GT(b.id, 0);
  EXPECT_NE(a.id, b.id);
}

TEST_P(StoreConformance, FindTokenFindsTheRecordByHash) {
  TokenRecord a = Token("a");
  TokenRecord b = Token("b");
  b.role = core::Role::kAnalyst;
  b.observer_code.clear();
  ASSERT_TRUE(store_->CreateToken(&a, Admin()).ok());
  ASSERT_TRUE(store_->CreateToken(&b, Admin()).ok());

  auto found = store_->FindToken(HashSha256("b"));
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  ASSERT_TRUE(found->has_value());
  const TokenRecord& t = **found;
  EXPECT_EQ(t.id, b.id);
  EXPECT_EQ(t.token_hash, b.token_hash);
  EXPECT_EQ(t.role, core::Role::kAnalyst);
  EXPECT_EQ(t.observer_code, "");
  EXPECT_EQ(t.label, b.label);
  EXPECT_EQ(t.created_at, b.created_at);
  EXPECT_FALSE(t.expires_at.has_value());
  EXPECT_FALSE(t.revoked_at.has_value());
}

TEST_P(StoreConformance, FindTokenKeepsTheObserverAndExpiry) {
  TokenRecord a = Token("a");
  a.expires_at = ParseRfc3339("2026-06-02T06:00:00.654321Z").value();
  ASSERT_TRUE(store_->CreateToken(&a, Admin()).ok());

  auto found = store_->FindToken(HashSha256("a"));
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->observer_code, "OBS-1");
  EXPECT_EQ((*found)->expires_at, a.expires_at);
}

TEST_P(StoreConformance, FindTokenReturnsNulloptForAnUnknownHash) {
  TokenRecord a = Token("a");
  ASSERT_TRUE(store_->CreateToken(&a, Admin()).ok());

  auto found = store_->FindToken(HashSha256("not issued"));
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  EXPECT_FALSE(found->has_value());
}

TEST_P(StoreConformance, CreateTokenRefusesATakenHash) {
  TokenRecord a = Token("a");
  TokenRecord again = Token("a");
  ASSERT_TRUE(store_->CreateToken(&a, Admin()).ok());

  EXPECT_EQ(store_->CreateToken(&again, Admin()).code(), StatusCode::kAlreadyExists);
}

TEST_P(StoreConformance, ListTokensListsEveryTokenByIdWithItsFields) {
  TokenRecord a = Token("a");
  TokenRecord b = Token("b");
  b.role = core::Role::kViewer;
  b.observer_code.clear();
  b.expires_at = ParseRfc3339("2026-06-02T06:00:00Z").value();
  ASSERT_TRUE(store_->CreateToken(&a, Admin()).ok());
  ASSERT_TRUE(store_->CreateToken(&b, Admin()).ok());
  ASSERT_TRUE(store_->RevokeToken(a.id, Admin()).ok());

  auto tokens = store_->ListTokens();
  ASSERT_TRUE(tokens.has_value()) << tokens.error().ToString();
  ASSERT_THAT(*tokens, SizeIs(2));
  EXPECT_EQ((*tokens)[0].id, a.id);
  EXPECT_EQ((*tokens)[0].token_hash, a.token_hash);
  EXPECT_EQ((*tokens)[0].observer_code, "OBS-1");
  EXPECT_TRUE((*tokens)[0].revoked_at.has_value());
  EXPECT_EQ((*tokens)[1].id, b.id);
  EXPECT_EQ((*tokens)[1].role, core::Role::kViewer);
  EXPECT_EQ((*tokens)[1].expires_at, b.expires_at);
  EXPECT_FALSE((*tokens)[1].revoked_at.has_value());
  EXPECT_FALSE((*tokens)[1].last_used_at.has_value());
}

TEST_P(StoreConformance, RevokeTokenIsForGoodAndAudited) {
  TokenRecord a = Token("a");
  ASSERT_TRUE(store_->CreateToken(&a, Admin()).ok());
  const Timestamp before = Now();
  ASSERT_TRUE(store_->RevokeToken(a.id, Admin()).ok());
  ASSERT_NO_FATAL_FAILURE(Reopen());
  auto found = store_->FindToken(HashSha256("a"));
  ASSERT_TRUE(found.has_value() && found->has_value());
  ASSERT_TRUE((*found)->revoked_at.has_value());
  EXPECT_GE(*(*found)->revoked_at, before);

  const Status again = store_->RevokeToken(a.id, Admin());
  EXPECT_EQ(again.code(), StatusCode::kConflict);
  EXPECT_THAT(again.message(), HasSubstr("revoked already"));
  EXPECT_EQ(store_->RevokeToken(a.id + 100, Admin()).code(), StatusCode::kNotFound);
  const std::vector<core::AuditEntry> log = AuditLog();
  ASSERT_THAT(log, SizeIs(2));
  EXPECT_EQ(log[1].action, "token.revoke");
  EXPECT_EQ(log[1].subject, "token:" + std::to_string(a.id));
  ExpectChainVerifies(log);
}

TEST_P(StoreConformance, RecordTokenUseKeepsTheLatestTimeInOneAuditedWrite) {
  TokenRecord a = Token("a");
  TokenRecord b = Token("b");
  ASSERT_TRUE(store_->CreateToken(&a, Admin()).ok());
  ASSERT_TRUE(store_->CreateToken(&b, Admin()).ok());
  const Timestamp t1 = ParseRfc3339("2026-06-01T08:00:00.000001Z").value();
  const Timestamp t2 = ParseRfc3339("2026-06-01T09:30:00Z").value();
  const std::vector<TokenUse> first = {{a.id, t2}, {b.id, t1}};
  ASSERT_TRUE(store_->RecordTokenUse(first, {"server"}).ok());
  const std::vector<TokenUse> older = {{a.id, t1}};  // e.g. a late flush: ignored
  ASSERT_TRUE(store_->RecordTokenUse(older, {"server"}).ok());
  ASSERT_TRUE(store_->RecordTokenUse({}, {"server"}).ok());  // nothing: no entry

  auto tokens = store_->ListTokens();
  ASSERT_TRUE(tokens.has_value());
  EXPECT_EQ((*tokens)[0].last_used_at, t2);
  EXPECT_EQ((*tokens)[1].last_used_at, t1);
  const std::vector<core::AuditEntry> log = AuditLog();
  ASSERT_THAT(log, SizeIs(4));  // 2 creations, 2 uses
  EXPECT_EQ(log[2].action, "tokens.used");
  EXPECT_EQ(log[2].actor, "server");
  EXPECT_THAT(log[2].detail, HasSubstr("2026-06-01T09:30:00"));
  ExpectChainVerifies(log);
}

TEST_P(StoreConformance, UsersRoundTripAndEveryChangeIsAuditedWithoutTheHash) {
  UserRecord ana{.name = "ana",
                 .role = core::Role::kAnalyst,
                 .password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA",
                 .created_at = ParseRfc3339("2026-05-30T10:00:00.000001Z").value()};
  UserRecord bo{.name = "bo", .role = core::Role::kViewer, .password_hash = "h2"};
  ASSERT_TRUE(store_->CreateUser(&ana, Admin()).ok());
  ASSERT_TRUE(store_->CreateUser(&bo, Admin()).ok());
  EXPECT_NE(ana.id, bo.id);
  UserRecord again = ana;
  EXPECT_EQ(store_->CreateUser(&again, Admin()).code(), StatusCode::kAlreadyExists);

  ASSERT_TRUE(store_->SetUserPassword("ana", "h3", Admin()).ok());
  EXPECT_EQ(store_->SetUserPassword("nobody", "h3", Admin()).code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->DisableUser("bo", Admin()).ok());
  EXPECT_EQ(store_->DisableUser("bo", Admin()).code(), StatusCode::kConflict);
  EXPECT_EQ(store_->DisableUser("nobody", Admin()).code(), StatusCode::kNotFound);
  ASSERT_NO_FATAL_FAILURE(Reopen());

  auto found = store_->FindUser("ana");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->id, ana.id);
  EXPECT_EQ((*found)->role, core::Role::kAnalyst);
  EXPECT_EQ((*found)->password_hash, "h3");
  EXPECT_EQ((*found)->created_at, ana.created_at);
  EXPECT_FALSE((*found)->disabled_at.has_value());
  EXPECT_FALSE(store_->FindUser("nobody")->has_value());
  auto users = store_->ListUsers();
  ASSERT_TRUE(users.has_value());
  ASSERT_THAT(*users, SizeIs(2));
  EXPECT_EQ((*users)[1].name, "bo");
  EXPECT_TRUE((*users)[1].disabled_at.has_value());

  const std::vector<core::AuditEntry> log = AuditLog();
  ASSERT_THAT(log, SizeIs(4));
  EXPECT_EQ(log[0].action, "user.create");
  EXPECT_EQ(log[0].subject, "user:ana");
  EXPECT_THAT(log[0].detail, HasSubstr("analyst"));
  EXPECT_EQ(log[2].action, "user.passwd");
  EXPECT_EQ(log[3].action, "user.disable");
  for (const core::AuditEntry& e : log) {
    EXPECT_THAT(e.detail, Not(HasSubstr("argon2id")));
    EXPECT_THAT(e.detail, Not(HasSubstr("h3")));
  }
  ExpectChainVerifies(log);
}

TEST_P(StoreConformance, CoordinatorRegionsRoundTripForTokensAndUsers) {
  TokenRecord t = Token("t");
  t.role = core::Role::kCoordinator;
  t.observer_code.clear();
  t.regions = {"R-1", "D-7"};
  ASSERT_TRUE(store_->CreateToken(&t, Admin()).ok());
  UserRecord u{.name = "cora", .role = core::Role::kCoordinator, .regions = {"R-2"}};
  u.password_hash = "h";
  ASSERT_TRUE(store_->CreateUser(&u, Admin()).ok());
  UserRecord o{.name = "oleg", .role = core::Role::kObserver, .observer_code = "OBS-1"};
  o.password_hash = "h";
  ASSERT_TRUE(store_->CreateUser(&o, Admin()).ok());
  ASSERT_NO_FATAL_FAILURE(Reopen());

  auto token = store_->FindToken(HashSha256("t"));
  ASSERT_TRUE(token.has_value() && token->has_value());
  EXPECT_THAT((*token)->regions, ElementsAre("R-1", "D-7"));
  auto user = store_->FindUser("cora");
  ASSERT_TRUE(user.has_value() && user->has_value());
  EXPECT_THAT((*user)->regions, ElementsAre("R-2"));
  EXPECT_EQ((*user)->observer_code, "");
  auto observer = store_->FindUser("oleg");
  ASSERT_TRUE(observer.has_value() && observer->has_value());
  EXPECT_EQ((*observer)->observer_code, "OBS-1");
  EXPECT_THAT((*observer)->regions, IsEmpty());
  const std::vector<core::AuditEntry> log = AuditLog();
  ASSERT_THAT(log, SizeIs(3));
  EXPECT_THAT(log[0].detail, HasSubstr("\"regions\":[\"R-1\",\"D-7\"]"));
  EXPECT_THAT(log[1].detail, HasSubstr("\"regions\":[\"R-2\"]"));
}

TEST_P(StoreConformance, SetUserRoleChangesTheGrantWithItsAuditEntry) {
  UserRecord u{.name = "cora", .role = core::Role::kAnalyst};
  u.password_hash = "h";
  ASSERT_TRUE(store_->CreateUser(&u, Admin()).ok());
  ASSERT_TRUE(store_->SetUserRole("cora", core::Role::kCoordinator, "", {"R-1"}, Admin()).ok());
  EXPECT_EQ(store_->SetUserRole("nobody", core::Role::kViewer, "", {}, Admin()).code(),
            StatusCode::kNotFound);
  ASSERT_NO_FATAL_FAILURE(Reopen());

  auto user = store_->FindUser("cora");
  ASSERT_TRUE(user.has_value() && user->has_value());
  EXPECT_EQ((*user)->role, core::Role::kCoordinator);
  EXPECT_THAT((*user)->regions, ElementsAre("R-1"));
  EXPECT_EQ((*user)->password_hash, "h");
  const std::vector<core::AuditEntry> log = AuditLog();
  ASSERT_THAT(log, SizeIs(2));
  EXPECT_EQ(log[1].action, "user.role");
  EXPECT_EQ(log[1].subject, "user:cora");
  EXPECT_EQ(log[1].detail, R"({"role":"coordinator","regions":["R-1"]})");
  ExpectChainVerifies(log);
}

TEST_P(StoreConformance, RecordEventsAppendsAuditEntriesInOrder) {
  const Timestamp at = ParseRfc3339("2026-06-01T08:00:00Z").value();
  const std::vector<AuditEvent> events = {
      {"user:ana/analyst", "auth.login", "user:ana", R"({"address":"10.0.0.1"})", at},
      {"anonymous", "auth.login_failed", "user:bo", R"({"address":"10.0.0.2"})", at}};
  ASSERT_TRUE(store_->RecordEvents(events).ok());
  ASSERT_TRUE(store_->RecordEvents({}).ok());  // nothing: no entry
  ASSERT_NO_FATAL_FAILURE(Reopen());

  const std::vector<core::AuditEntry> log = AuditLog();
  ASSERT_THAT(log, SizeIs(2));
  EXPECT_EQ(log[0].actor, "user:ana/analyst");
  EXPECT_EQ(log[0].action, "auth.login");
  EXPECT_EQ(log[0].at, at);
  EXPECT_EQ(log[1].action, "auth.login_failed");
  EXPECT_EQ(log[1].subject, "user:bo");
  EXPECT_EQ(log[1].detail, R"({"address":"10.0.0.2"})");
  ExpectChainVerifies(log);
}

// ---- Field credentials ------------------------------------------------------

class FieldCredentialsConformance : public StoreConformance {
 protected:
  // Observers OBS-1, OBS-2 and OBS-3, in that order, with no stations.
  void SetUpObservers() {
    const std::vector<core::Observer> observers = {ObserverAt("OBS-1", {}), ObserverAt("OBS-2", {}),
                                                   ObserverAt("OBS-3", {})};
    ASSERT_TRUE(store_->UpsertObservers(observers, Admin(), "observers.csv").ok());
  }

  std::optional<FieldLogin> Login(const std::string& username, const std::string& realm) {
    auto found = store_->FindFieldLogin(username, realm);
    EXPECT_TRUE(found.has_value()) << found.error().ToString();
    return found.value_or(std::nullopt);
  }

  std::optional<std::string> PinHash(const std::string& observer) {
    auto found = store_->FindSmsPinHash(observer);
    EXPECT_TRUE(found.has_value()) << found.error().ToString();
    return found.value_or(std::nullopt);
  }

  // The audit entries after the observers' import.
  std::vector<core::AuditEntry> CredentialEntries() {
    std::vector<core::AuditEntry> log = AuditLog();
    ExpectChainVerifies(log);
    if (!log.empty()) log.erase(log.begin());
    return log;
  }
};

const std::string kHa1 = "939e7578ed9e3c518a452acee763bce9";
const std::string kOtherHa1 = "0123456789abcdef0123456789abcdef";

TEST_P(FieldCredentialsConformance, FieldLoginIsFoundByUsernameAndRealmAfterReopening) {
  ASSERT_NO_FATAL_FAILURE(SetUpObservers());
  const Timestamp before = Now();
  ASSERT_TRUE(store_->SetFieldLogin("OBS-2", "mufasa", "vigil", kHa1, Admin()).ok());
  ASSERT_NO_FATAL_FAILURE(Reopen());

  const std::optional<FieldLogin> login = Login("mufasa", "vigil");
  ASSERT_TRUE(login.has_value());
  EXPECT_EQ(login->observer_code, "OBS-2");
  EXPECT_EQ(login->username, "mufasa");
  EXPECT_EQ(login->realm, "vigil");
  EXPECT_EQ(login->ha1, kHa1);
  EXPECT_GE(login->set_at, before);
  EXPECT_FALSE(Login("mufasa", "other realm").has_value());  // HA1 is bound to its realm
  EXPECT_FALSE(Login("Mufasa", "vigil").has_value());
  EXPECT_FALSE(Login("nobody", "vigil").has_value());
}

TEST_P(FieldCredentialsConformance, SetFieldLoginReplacesTheObserversLogin) {
  ASSERT_NO_FATAL_FAILURE(SetUpObservers());
  ASSERT_TRUE(store_->SetFieldLogin("OBS-1", "ana", "vigil", kHa1, Admin()).ok());
  ASSERT_TRUE(store_->SetFieldLogin("OBS-1", "ana", "vigil", kOtherHa1, Admin()).ok());
  EXPECT_EQ(Login("ana", "vigil")->ha1, kOtherHa1);
  ASSERT_TRUE(store_->SetFieldLogin("OBS-1", "ana.m", "field", kHa1, Admin()).ok());
  EXPECT_FALSE(Login("ana", "vigil").has_value());
  EXPECT_EQ(Login("ana.m", "field")->observer_code, "OBS-1");
  // The old username is free again.
  EXPECT_TRUE(store_->SetFieldLogin("OBS-2", "ana", "vigil", kHa1, Admin()).ok());
}

TEST_P(FieldCredentialsConformance, SetFieldLoginRefusesATakenUsernameAndAnUnknownObserver) {
  ASSERT_NO_FATAL_FAILURE(SetUpObservers());
  ASSERT_TRUE(store_->SetFieldLogin("OBS-1", "ana", "vigil", kHa1, Admin()).ok());
  const Status taken = store_->SetFieldLogin("OBS-2", "ana", "other", kOtherHa1, Admin());
  EXPECT_EQ(taken.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(taken.message(), HasSubstr("'ana'"));
  const Status unknown = store_->SetFieldLogin("OBS-9", "bo", "vigil", kHa1, Admin());
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound);
  EXPECT_THAT(unknown.message(), HasSubstr("OBS-9"));

  EXPECT_EQ(Login("ana", "vigil")->observer_code, "OBS-1");
  EXPECT_FALSE(Login("ana", "other").has_value());
  EXPECT_FALSE(Login("bo", "vigil").has_value());
  EXPECT_THAT(CredentialEntries(), SizeIs(1));  // refused writes leave no entry
}

TEST_P(FieldCredentialsConformance, ClearFieldLoginRemovesItOnceAndNamesWhatIsMissing) {
  ASSERT_NO_FATAL_FAILURE(SetUpObservers());
  ASSERT_TRUE(store_->SetFieldLogin("OBS-1", "ana", "vigil", kHa1, Admin()).ok());
  ASSERT_TRUE(store_->ClearFieldLogin("OBS-1", Admin()).ok());
  EXPECT_FALSE(Login("ana", "vigil").has_value());
  const Status again = store_->ClearFieldLogin("OBS-1", Admin());
  EXPECT_EQ(again.code(), StatusCode::kNotFound);
  EXPECT_THAT(again.message(), HasSubstr("has no ODK login"));
  const Status unknown = store_->ClearFieldLogin("OBS-9", Admin());
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound);
  EXPECT_THAT(unknown.message(), HasSubstr("no observer 'OBS-9'"));
  EXPECT_THAT(CredentialEntries(), SizeIs(2));
}

TEST_P(FieldCredentialsConformance, SmsPinIsSetReplacedFoundAndCleared) {
  ASSERT_NO_FATAL_FAILURE(SetUpObservers());
  EXPECT_FALSE(PinHash("OBS-1").has_value());
  ASSERT_TRUE(store_->SetSmsPin("OBS-1", "blake2b$first", Admin()).ok());
  ASSERT_TRUE(store_->SetSmsPin("OBS-1", "blake2b$second", Admin()).ok());
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_EQ(PinHash("OBS-1"), "blake2b$second");
  EXPECT_FALSE(PinHash("OBS-2").has_value());
  EXPECT_FALSE(PinHash("OBS-9").has_value());

  ASSERT_TRUE(store_->ClearSmsPin("OBS-1", Admin()).ok());
  EXPECT_FALSE(PinHash("OBS-1").has_value());
  const Status again = store_->ClearSmsPin("OBS-1", Admin());
  EXPECT_EQ(again.code(), StatusCode::kNotFound);
  EXPECT_THAT(again.message(), HasSubstr("has no SMS PIN"));
  EXPECT_EQ(store_->SetSmsPin("OBS-9", "blake2b$x", Admin()).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ClearSmsPin("OBS-9", Admin()).code(), StatusCode::kNotFound);
}

TEST_P(FieldCredentialsConformance, EveryChangeIsAuditedWithoutAHash) {
  ASSERT_NO_FATAL_FAILURE(SetUpObservers());
  ASSERT_TRUE(store_->SetFieldLogin("OBS-1", "ana", "vigil", kHa1, Admin()).ok());
  ASSERT_TRUE(store_->ClearFieldLogin("OBS-1", Admin()).ok());
  ASSERT_TRUE(store_->SetSmsPin("OBS-2", "blake2b$secret-hash", Admin()).ok());
  ASSERT_TRUE(store_->ClearSmsPin("OBS-2", Admin()).ok());

  const std::vector<core::AuditEntry> log = CredentialEntries();
  ASSERT_THAT(log, SizeIs(4));
  EXPECT_EQ(log[0].action, "field_login.set");
  EXPECT_EQ(log[0].subject, "observer:OBS-1");
  EXPECT_EQ(log[0].actor, "cli:root");
  EXPECT_THAT(log[0].detail, AllOf(HasSubstr("\"ana\""), HasSubstr("\"vigil\"")));
  EXPECT_EQ(log[1].action, "field_login.clear");
  EXPECT_EQ(log[2].action, "sms_pin.set");
  EXPECT_EQ(log[2].subject, "observer:OBS-2");
  EXPECT_EQ(log[3].action, "sms_pin.clear");
  for (const core::AuditEntry& e : log) {
    EXPECT_THAT(e.detail, Not(HasSubstr(kHa1)));
    EXPECT_THAT(e.detail, Not(HasSubstr("secret-hash")));
  }
}

TEST_P(FieldCredentialsConformance, ListFieldCredentialsShowsEveryObserverInOrderWithoutSecrets) {
  ASSERT_NO_FATAL_FAILURE(SetUpObservers());
  ASSERT_TRUE(store_->SetFieldLogin("OBS-3", "cy", "vigil", kHa1, Admin()).ok());
  ASSERT_TRUE(store_->SetSmsPin("OBS-3", "blake2b$x", Admin()).ok());
  ASSERT_TRUE(store_->SetSmsPin("OBS-1", "blake2b$y", Admin()).ok());

  auto listed = store_->ListFieldCredentials();
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  ASSERT_THAT(*listed, SizeIs(3));
  const FieldCredentials& one = (*listed)[0];
  EXPECT_EQ(one.observer_code, "OBS-1");
  EXPECT_EQ(one.username, "");
  EXPECT_FALSE(one.login_set_at.has_value());
  EXPECT_TRUE(one.pin_set_at.has_value());
  const FieldCredentials& two = (*listed)[1];
  EXPECT_EQ(two.observer_code, "OBS-2");
  EXPECT_FALSE(two.login_set_at.has_value());
  EXPECT_FALSE(two.pin_set_at.has_value());
  const FieldCredentials& three = (*listed)[2];
  EXPECT_EQ(three.observer_code, "OBS-3");
  EXPECT_EQ(three.username, "cy");
  EXPECT_EQ(three.realm, "vigil");
  EXPECT_TRUE(three.login_set_at.has_value());
  EXPECT_TRUE(three.pin_set_at.has_value());
}

// ---- Submissions ------------------------------------------------------------

TEST_P(StoreConformance, CommitStoresANewSubmission) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  const PendingSubmission p = Pending({.id = 1});

  auto outcomes = store_->CommitSubmissions(std::span(&p, 1));
  ASSERT_TRUE(outcomes.has_value()) << outcomes.error().ToString();
  EXPECT_THAT(*outcomes, ElementsAre(CommitOutcome::kStored));
  const std::optional<SubmissionHistory> history = History(1);
  ASSERT_TRUE(history.has_value());
  ASSERT_THAT(history->versions, SizeIs(1));
  const StoredSubmission& s = history->versions[0];
  EXPECT_EQ(s.submission.instance_id, Id(1));
  EXPECT_EQ(s.submission.station_code, "PS-01");
  EXPECT_EQ(core::CanonicalJson(s.submission), p.canonical_json);
  EXPECT_EQ(s.canonical_json, p.canonical_json);
  EXPECT_EQ(s.content_hash, p.content_hash);
  EXPECT_EQ(s.received_at, p.received_at);
  EXPECT_EQ(s.actor, p.actor);
  EXPECT_EQ(s.superseded_by, "");
}

TEST_P(StoreConformance, CommitReportsAnIdenticalRetryAsDuplicate) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kStored));

  EXPECT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kDuplicate));
  EXPECT_EQ(Count(), 1);
}

TEST_P(StoreConformance, CommitReportsAnIdenticalRetryWithinOneBatchAsDuplicate) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());

  EXPECT_THAT(Commit({{.id = 1}, {.id = 1}}),
              ElementsAre(CommitOutcome::kStored, CommitOutcome::kDuplicate));
  EXPECT_EQ(Count(), 1);
}

TEST_P(StoreConformance, CommitReportsTheSameIdWithOtherContentAsConflict) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kStored));

  EXPECT_THAT(Commit({{.id = 1, .voters_turned_away = 3}}), ElementsAre(CommitOutcome::kConflict));
  const std::optional<SubmissionHistory> history = History(1);
  ASSERT_TRUE(history.has_value());
  ASSERT_THAT(history->versions, SizeIs(1));
  EXPECT_EQ(history->versions[0].content_hash, Pending({.id = 1}).content_hash);
}

TEST_P(StoreConformance, CommitReportsTheSameIdWithOtherContentWithinOneBatchAsConflict) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());

  EXPECT_THAT(Commit({{.id = 1}, {.id = 1, .voters_turned_away = 3}}),
              ElementsAre(CommitOutcome::kStored, CommitOutcome::kConflict));
  EXPECT_EQ(Count(), 1);
}

TEST_P(StoreConformance, EditStoresANewVersionAndSupersedesTheOld) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kStored));

  EXPECT_THAT(Commit({{.id = 2, .replaces = 1, .voters_turned_away = 4}}),
              ElementsAre(CommitOutcome::kStored));
  const std::optional<SubmissionHistory> history = History(2);
  ASSERT_TRUE(history.has_value());
  EXPECT_THAT(Versions(*history), ElementsAre(Id(1), Id(2)));
  EXPECT_EQ(history->versions[0].superseded_by, Id(2));
  EXPECT_EQ(history->versions[1].superseded_by, "");
  EXPECT_EQ(history->versions[1].submission.replaces, Id(1));
}

TEST_P(StoreConformance, GetSubmissionOfAnyVersionReturnsTheWholeChainOldestFirst) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kStored));
  ASSERT_THAT(Commit({{.id = 2}}), ElementsAre(CommitOutcome::kStored));  // another chain
  ASSERT_THAT(Commit({{.id = 3, .replaces = 1, .voters_turned_away = 1}}),
              ElementsAre(CommitOutcome::kStored));
  ASSERT_THAT(Commit({{.id = 4, .replaces = 3, .voters_turned_away = 2}}),
              ElementsAre(CommitOutcome::kStored));

  for (int id : {1, 3, 4}) {
    SCOPED_TRACE("GetSubmission(" + Id(id) + ")");
    const std::optional<SubmissionHistory> history = History(id);
    ASSERT_TRUE(history.has_value());
    EXPECT_THAT(Versions(*history), ElementsAre(Id(1), Id(3), Id(4)));
    ASSERT_THAT(history->versions, SizeIs(3));
    EXPECT_EQ(history->versions[0].superseded_by, Id(3));
    EXPECT_EQ(history->versions[1].superseded_by, Id(4));
    EXPECT_EQ(history->versions[2].superseded_by, "");
  }
}

TEST_P(StoreConformance, GetSubmissionReturnsNulloptForAnUnknownId) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kStored));

  EXPECT_FALSE(History(2).has_value());
}

TEST_P(StoreConformance, EditWithinTheBatchOfItsOriginalIsStored) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());

  EXPECT_THAT(Commit({{.id = 1}, {.id = 2, .replaces = 1, .voters_turned_away = 1}}),
              ElementsAre(CommitOutcome::kStored, CommitOutcome::kStored));
  const std::optional<SubmissionHistory> history = History(1);
  ASSERT_TRUE(history.has_value());
  EXPECT_THAT(Versions(*history), ElementsAre(Id(1), Id(2)));
}

TEST_P(StoreConformance, EditOfAReplacedVersionIsReplacesSuperseded) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kStored));
  ASSERT_THAT(Commit({{.id = 2, .replaces = 1, .voters_turned_away = 1}}),
              ElementsAre(CommitOutcome::kStored));

  EXPECT_THAT(Commit({{.id = 3, .replaces = 1, .voters_turned_away = 2}}),
              ElementsAre(CommitOutcome::kReplacesSuperseded));
  EXPECT_FALSE(History(3).has_value());
  EXPECT_EQ(Count(), 2);
}

TEST_P(StoreConformance, TwoEditsOfOneVersionInOneBatchStoreOnlyTheFirst) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kStored));

  EXPECT_THAT(Commit({{.id = 2, .replaces = 1, .voters_turned_away = 1},
                      {.id = 3, .replaces = 1, .voters_turned_away = 2}}),
              ElementsAre(CommitOutcome::kStored, CommitOutcome::kReplacesSuperseded));
  EXPECT_EQ(Count(), 2);
}

TEST_P(StoreConformance, EditOfAnUnknownVersionIsReplacesUnknown) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kStored));

  EXPECT_THAT(Commit({{.id = 2, .replaces = 9}}), ElementsAre(CommitOutcome::kReplacesUnknown));
  EXPECT_FALSE(History(2).has_value());
  EXPECT_EQ(Count(), 1);
}

TEST_P(StoreConformance, EditThatChangesTheFormIsReplacesMismatch) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kStored));

  EXPECT_THAT(Commit({{.id = 2, .replaces = 1, .form = "O"}}),
              ElementsAre(CommitOutcome::kReplacesMismatch));
  EXPECT_FALSE(History(2).has_value());
  const std::optional<SubmissionHistory> original = History(1);
  ASSERT_TRUE(original.has_value());
  EXPECT_EQ(original->versions[0].superseded_by, "");
}

TEST_P(StoreConformance, RefusedCommitsAppendNoAuditEntry) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kStored));
  const std::size_t audited = AuditLog().size();

  EXPECT_THAT(Commit({{.id = 1},
                      {.id = 1, .voters_turned_away = 5},
                      {.id = 2, .replaces = 9},
                      {.id = 3, .replaces = 1, .form = "O"}}),
              ElementsAre(CommitOutcome::kDuplicate, CommitOutcome::kConflict,
                          CommitOutcome::kReplacesUnknown, CommitOutcome::kReplacesMismatch));
  EXPECT_EQ(AuditLog().size(), audited);
}

TEST_P(StoreConformance, ForEachSubmissionVisitsEveryVersionInCommitOrder) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 5}, {.id = 2}}), SizeIs(2));
  ASSERT_THAT(Commit({{.id = 9, .replaces = 5, .voters_turned_away = 1}, {.id = 1}}), SizeIs(2));
  ASSERT_THAT(Commit({{.id = 3}}), SizeIs(1));

  std::vector<std::string> visited;
  const Status s = store_->ForEachSubmission([&](const StoredSubmission& v) {
    visited.push_back(v.submission.instance_id);
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_THAT(visited, ElementsAre(Id(5), Id(2), Id(9), Id(1), Id(3)));
}

TEST_P(StoreConformance, ForEachCurrentSubmissionVisitsOneFormsCurrentVersionsInCommitOrder) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 5}, {.id = 2, .form = "O"}}), SizeIs(2));
  ASSERT_THAT(Commit({{.id = 9, .replaces = 5, .voters_turned_away = 1}, {.id = 1}}), SizeIs(2));
  ASSERT_THAT(Commit({{.id = 3, .form = "O"}, {.id = 4}}), SizeIs(2));

  const auto visit = [&](const std::string& form) {
    std::vector<std::string> visited;
    const Status s = store_->ForEachCurrentSubmission(form, [&](const StoredSubmission& v) {
      EXPECT_EQ(v.submission.form_code, form);
      EXPECT_EQ(v.superseded_by, "");
      visited.push_back(v.submission.instance_id);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return visited;
  };
  EXPECT_THAT(visit("V"), ElementsAre(Id(9), Id(1), Id(4)));  // 5 was replaced by 9
  EXPECT_THAT(visit("O"), ElementsAre(Id(2), Id(3)));
  EXPECT_THAT(visit("X"), IsEmpty());
}

TEST_P(StoreConformance, ForEachCurrentReportGivesTheCurrentVersionsColumns) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 5}, {.id = 2, .form = "O"}}), SizeIs(2));
  ASSERT_THAT(Commit({{.id = 9, .replaces = 5, .voters_turned_away = 1}, {.id = 1}}), SizeIs(2));
  ASSERT_THAT(Commit({{.id = 3, .form = "O"}, {.id = 4}}), SizeIs(2));

  for (const std::string form : {"V", "O", "X"}) {
    SCOPED_TRACE(form);
    // The same versions, in the same order, with the same fields as the
    // full read.
    std::vector<CurrentReport> full;
    ASSERT_TRUE(store_
                    ->ForEachCurrentSubmission(
                        form,
                        [&](const StoredSubmission& v) {
                          full.push_back({v.submission.instance_id, v.submission.form_code,
                                          v.submission.station_code, v.submission.observer_code,
                                          v.received_at});
                          return Status::Ok();
                        })
                    .ok());
    std::vector<CurrentReport> columns;
    const Status s = store_->ForEachCurrentReport(form, [&](const CurrentReport& r) {
      columns.push_back(r);
      return Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(columns.size(), full.size());
    for (std::size_t i = 0; i < full.size(); ++i) {
      EXPECT_EQ(columns[i].instance_id, full[i].instance_id);
      EXPECT_EQ(columns[i].form_code, form);
      EXPECT_EQ(columns[i].station_code, full[i].station_code);
      EXPECT_EQ(columns[i].observer_code, full[i].observer_code);
      EXPECT_EQ(columns[i].received_at, full[i].received_at);
    }
    if (form == "V") {
      ASSERT_EQ(columns.size(), 3u);
      EXPECT_EQ(columns[0].instance_id, Id(9));  // 5 was replaced by 9
    }
  }
  // A visitor's error stops the walk and is returned.
  int visits = 0;
  const Status stopped = store_->ForEachCurrentReport("V", [&](const CurrentReport&) {
    ++visits;
    return Status::Internal("stop");
  });
  EXPECT_EQ(stopped.code(), StatusCode::kInternal);
  EXPECT_EQ(visits, 1);
}

TEST_P(StoreConformance, ForEachSubmissionStopsAtTheFirstErrorAndReturnsIt) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}, {.id = 2}, {.id = 3}}), SizeIs(3));

  int visits = 0;
  const Status s = store_->ForEachSubmission([&](const StoredSubmission&) {
    return ++visits == 2 ? Status::Unavailable("disk full") : Status::Ok();
  });
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "disk full");
  EXPECT_EQ(visits, 2);
}

AttachmentRecord Photo(int id, std::string name, std::string_view content) {
  return {.instance_id = Id(id),
          .file_name = std::move(name),
          .sha256 = HashSha256(content),
          .size = static_cast<std::int64_t>(content.size()),
          .content_type = "image/jpeg",
          .received_at = ParseRfc3339("2026-06-01T08:41:03Z").value()};
}

TEST_P(StoreConformance, RecordAttachmentsListsThemByNameAndAuditsEach) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kStored));
  const std::size_t entries_before = AuditLog().size();
  const std::vector<AttachmentRecord> files = {Photo(1, "b.jpg", "bbb"), Photo(1, "a.jpg", "a")};
  ASSERT_TRUE(store_->RecordAttachments(files, {"odk:OBS-1/observer"}).ok());

  auto listed = store_->ListAttachments(Id(1));
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  ASSERT_THAT(*listed, SizeIs(2));
  EXPECT_EQ((*listed)[0].file_name, "a.jpg");
  EXPECT_EQ((*listed)[0].sha256, HashSha256("a"));
  EXPECT_EQ((*listed)[0].size, 1);
  EXPECT_EQ((*listed)[0].content_type, "image/jpeg");
  EXPECT_EQ((*listed)[0].received_at, files[1].received_at);
  EXPECT_EQ((*listed)[1].file_name, "b.jpg");
  const std::vector<core::AuditEntry> log = AuditLog();
  ASSERT_EQ(log.size(), entries_before + 2);
  EXPECT_EQ(log.back().action, "attachment.add");
  EXPECT_EQ(log.back().actor, "odk:OBS-1/observer");
  EXPECT_EQ(log.back().subject, "submission:" + Id(1));
  EXPECT_THAT(log.back().detail, HasSubstr(ToHex(HashSha256("a"))));
  ExpectChainVerifies(log);
  EXPECT_THAT(store_->ListAttachments(Id(2)).value(), SizeIs(0));
}

TEST_P(StoreConformance, RecordAttachmentsSkipsARetryAndRefusesOtherContentUnderOneName) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kStored));
  ASSERT_TRUE(store_->RecordAttachments(std::vector{Photo(1, "a.jpg", "a")}, Admin()).ok());
  const std::size_t entries = AuditLog().size();
  // The same file again, with a new one: only the new one is added.
  ASSERT_TRUE(
      store_
          ->RecordAttachments(std::vector{Photo(1, "a.jpg", "a"), Photo(1, "c.jpg", "c")}, Admin())
          .ok());
  EXPECT_EQ(AuditLog().size(), entries + 1);
  // Other bytes under a taken name: Conflict, and nothing of the call is kept.
  const Status s = store_->RecordAttachments(
      std::vector{Photo(1, "d.jpg", "d"), Photo(1, "a.jpg", "other")}, Admin());
  EXPECT_EQ(s.code(), StatusCode::kConflict) << s.ToString();
  EXPECT_THAT(store_->ListAttachments(Id(1)).value(), SizeIs(2));
  EXPECT_EQ(AuditLog().size(), entries + 1);
}

TEST_P(StoreConformance, RecordAttachmentsRefusesAnUnknownSubmission) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  const Status s = store_->RecordAttachments(std::vector{Photo(9, "a.jpg", "a")}, Admin());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr(Id(9)));
}

TEST_P(StoreConformance, CountSubmissionsCountsEveryStoredVersion) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  EXPECT_EQ(Count(), 0);
  ASSERT_THAT(Commit({{.id = 1}, {.id = 2}, {.id = 1}}), SizeIs(3));
  ASSERT_THAT(Commit({{.id = 3, .replaces = 1, .voters_turned_away = 1}}), SizeIs(1));

  EXPECT_EQ(Count(), 3);
}

TEST_P(StoreConformance, WrittenBatchesAreVisibleAtOnceAndKeptOnceSynced) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  // One thread writes while another flushes, as the group committer does.
  constexpr int kBatches = 50;
  std::atomic<bool> writing = true;
  std::thread syncer([&] {
    while (writing) EXPECT_TRUE(store_->SyncWrites().ok());
  });
  for (int b = 0; b < kBatches; ++b) {
    std::vector<PendingSubmission> batch = {Pending({.id = 2 * b + 1}), Pending({.id = 2 * b + 2})};
    auto outcomes = store_->WriteSubmissions(batch);
    ASSERT_TRUE(outcomes.has_value()) << outcomes.error().ToString();
    EXPECT_THAT(*outcomes, ElementsAre(CommitOutcome::kStored, CommitOutcome::kStored));
    EXPECT_EQ(Count(), 2 * (b + 1));  // visible before any flush
  }
  writing = false;
  syncer.join();
  ASSERT_TRUE(store_->SyncWrites().ok());

  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_EQ(Count(), 2 * kBatches);
}

TEST_P(StoreConformance, CountReportsByStationExcludesSupersededVersions) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1, .station = "PS-01"},
                      {.id = 2, .station = "PS-02"},
                      {.id = 3, .station = "PS-02", .voters_turned_away = 1}}),
              SizeIs(3));
  ASSERT_THAT(Commit({{.id = 4, .replaces = 1, .voters_turned_away = 1}}), SizeIs(1));
  ASSERT_THAT(Commit({{.id = 5, .replaces = 4, .voters_turned_away = 2}}), SizeIs(1));

  auto counts = store_->CountReportsByStation("V");
  ASSERT_TRUE(counts.has_value()) << counts.error().ToString();
  EXPECT_THAT(*counts, UnorderedElementsAre(AllOf(Field(&StationReports::station_code, "PS-01"),
                                                  Field(&StationReports::current_submissions, 1)),
                                            AllOf(Field(&StationReports::station_code, "PS-02"),
                                                  Field(&StationReports::current_submissions, 2))));
}

TEST_P(StoreConformance, CountReportsByStationFollowsAnEditToAnotherStation) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1, .station = "PS-01"}, {.id = 2, .station = "PS-02"}}), SizeIs(2));
  // The observer corrects the station of report 1; a refused edit changes nothing.
  ASSERT_THAT(Commit({{.id = 3, .replaces = 1, .station = "PS-02"},
                      {.id = 4, .replaces = 1, .station = "PS-03"}}),
              ElementsAre(CommitOutcome::kStored, CommitOutcome::kReplacesSuperseded));

  auto counts = store_->CountReportsByStation("V");
  ASSERT_TRUE(counts.has_value()) << counts.error().ToString();
  EXPECT_THAT(*counts, ElementsAre(AllOf(Field(&StationReports::station_code, "PS-02"),
                                         Field(&StationReports::current_submissions, 2))));
}

// The SQLite store folds these counts into its table about once a second
// and counts the rest again when it opens: commits right after opening and
// just before closing must both be counted, edits across the two included.
TEST_P(StoreConformance, CountReportsByStationSurvivesReopening) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1, .station = "PS-01"}, {.id = 2, .station = "PS-02"}}), SizeIs(2));
  ASSERT_THAT(Commit({{.id = 3, .station = "PS-02"}}), SizeIs(1));
  ASSERT_THAT(Commit({{.id = 4, .replaces = 1, .station = "PS-03"}}), SizeIs(1));
  const auto expected = ElementsAre(AllOf(Field(&StationReports::station_code, "PS-02"),
                                          Field(&StationReports::current_submissions, 2)),
                                    AllOf(Field(&StationReports::station_code, "PS-03"),
                                          Field(&StationReports::current_submissions, 1)));
  ASSERT_NO_FATAL_FAILURE(Reopen());
  auto counts = store_->CountReportsByStation("V");
  ASSERT_TRUE(counts.has_value()) << counts.error().ToString();
  EXPECT_THAT(*counts, expected);

  ASSERT_THAT(Commit({{.id = 5, .replaces = 3, .station = "PS-01"}}), SizeIs(1));
  ASSERT_NO_FATAL_FAILURE(Reopen());
  counts = store_->CountReportsByStation("V");
  ASSERT_TRUE(counts.has_value()) << counts.error().ToString();
  EXPECT_THAT(*counts, ElementsAre(AllOf(Field(&StationReports::station_code, "PS-01"),
                                         Field(&StationReports::current_submissions, 1)),
                                   AllOf(Field(&StationReports::station_code, "PS-02"),
                                         Field(&StationReports::current_submissions, 1)),
                                   AllOf(Field(&StationReports::station_code, "PS-03"),
                                         Field(&StationReports::current_submissions, 1))));
}

TEST_P(StoreConformance, CountReportsByStationCountsOnlyTheNamedForm) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1, .form = "O", .station = "PS-01"},
                      {.id = 2, .form = "V", .station = "PS-02"}}),
              SizeIs(2));

  auto counts = store_->CountReportsByStation("O");
  ASSERT_TRUE(counts.has_value()) << counts.error().ToString();
  EXPECT_THAT(*counts, ElementsAre(AllOf(Field(&StationReports::station_code, "PS-01"),
                                         Field(&StationReports::current_submissions, 1))));
  auto none = store_->CountReportsByStation("X");
  ASSERT_TRUE(none.has_value()) << none.error().ToString();
  EXPECT_THAT(*none, IsEmpty());
}

// ---- Official results ---------------------------------------------------------

core::ResultsTable SmallResults() {
  core::ResultsTable t;
  t.area_levels = {"region", "tik"};
  t.contestants = {"Единая Россия", "КПРФ"};
  core::StationResult a;
  a.code = "Москва/ТИК 1/УИК 1";
  a.areas = {"Москва", "ТИК 1"};
  a.registered = 2000;
  a.issued = 1100;
  a.in_boxes = 1090;
  a.lost = 3;
  a.unaccounted = 1;
  a.valid = 1080;
  a.invalid = 10;
  a.votes = {700, 380};
  core::StationResult b;  // figures absent, as in a partial publication
  b.code = "Москва/ТИК 1/УИК 2";
  b.areas = {"Москва", "ТИК 1"};
  b.votes = {0, 5};
  t.stations = {a, b};
  return t;
}

TEST_P(StoreConformance, SaveResultSetThenGetResultSetRoundTrips) {
  const core::ResultsTable table = SmallResults();
  auto saved = store_->SaveResultSet(
      {.name = "preliminary", .source = "2011.csv.zip", .format = "ru-cec"}, table, Admin());
  ASSERT_TRUE(saved.has_value()) << saved.error().ToString();
  EXPECT_EQ(saved->stations, 2);
  EXPECT_EQ(saved->content_hash, core::ResultsDigest(table));

  auto got = store_->GetResultSet("preliminary");
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(got->area_levels, table.area_levels);
  EXPECT_EQ(got->contestants, table.contestants);
  ASSERT_THAT(got->stations, SizeIs(2));
  EXPECT_EQ(core::ResultsDigest(*got), core::ResultsDigest(table));
  const core::StationResult& b = got->stations[1];
  EXPECT_EQ(b.code, "Москва/ТИК 1/УИК 2");
  EXPECT_FALSE(b.registered.has_value());
  EXPECT_FALSE(b.invalid.has_value());
  EXPECT_EQ(b.votes, (std::vector<std::int64_t>{0, 5}));
  EXPECT_EQ(got->stations[0].valid, 1080);
  EXPECT_EQ(got->stations[0].lost, 3);
  EXPECT_EQ(got->stations[0].unaccounted, 1);

  auto sets = store_->ListResultSets();
  ASSERT_TRUE(sets.has_value()) << sets.error().ToString();
  ASSERT_THAT(*sets, SizeIs(1));
  EXPECT_EQ((*sets)[0].name, "preliminary");
  EXPECT_EQ((*sets)[0].source, "2011.csv.zip");
  EXPECT_EQ((*sets)[0].format, "ru-cec");
  EXPECT_EQ((*sets)[0].stations, 2);
  EXPECT_EQ((*sets)[0].area_levels, table.area_levels);
  EXPECT_EQ((*sets)[0].content_hash, saved->content_hash);
  EXPECT_EQ((*sets)[0].imported_at, saved->imported_at);
}

TEST_P(StoreConformance, SaveResultSetIsAuditedWithItsDigest) {
  auto saved = store_->SaveResultSet({.name = "final", .source = "f.csv", .format = "generic"},
                                     SmallResults(), Admin());
  ASSERT_TRUE(saved.has_value()) << saved.error().ToString();
  const std::vector<core::AuditEntry> log = AuditLog();
  ASSERT_THAT(log, SizeIs(1));
  EXPECT_EQ(log[0].action, "results.import");
  EXPECT_EQ(log[0].subject, "final");
  EXPECT_THAT(log[0].detail, HasSubstr(ToHex(saved->content_hash)));
  ExpectChainVerifies(log);
}

TEST_P(StoreConformance, SaveResultSetRefusesATakenNameAndKeepsTheFirst) {
  ASSERT_TRUE(store_->SaveResultSet({.name = "final"}, SmallResults(), Admin()).has_value());
  core::ResultsTable other = SmallResults();
  other.stations.pop_back();
  auto again = store_->SaveResultSet({.name = "final"}, other, Admin());
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), StatusCode::kAlreadyExists);
  auto got = store_->GetResultSet("final");
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_THAT(got->stations, SizeIs(2));
  EXPECT_THAT(AuditLog(), SizeIs(1));
}

TEST_P(StoreConformance, GetResultSetOfAnUnknownNameIsNotFound) {
  auto got = store_->GetResultSet("nope");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), StatusCode::kNotFound);
}

// ---- PVT sample -------------------------------------------------------------

core::PvtSample SmallSample() {
  core::PvtSample sample;
  sample.seed = 18446744073709551557u;  // above INT64_MAX: kept exactly
  sample.stations = {{"PS-02", "north", false, 1},
                     {"PS-01", "north", true, 1},
                     {"PS-03", "south", false, 1},
                     {"PS-04", "south", false, 2}};
  sample.strata = {{"north", 10, 12000, 1, 1}, {"south", 8, 7000, 2, 0}};
  return sample;
}

TEST_P(StoreConformance, PvtSampleIsAbsentUntilSaved) {
  auto got = store_->GetPvtSample();
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_FALSE(got->has_value());
}

TEST_P(StoreConformance, SavePvtSampleThenGetPvtSampleRoundTripsAfterReopening) {
  ASSERT_TRUE(store_->SavePvtSample(SmallSample(), Admin()).ok());
  ASSERT_NO_FATAL_FAILURE(Reopen());
  auto got = store_->GetPvtSample();
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  ASSERT_TRUE(got->has_value());
  const core::PvtSample& s = **got;
  const core::PvtSample want = SmallSample();
  EXPECT_EQ(s.seed, want.seed);
  ASSERT_THAT(s.stations, SizeIs(4));
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(std::tie(s.stations[i].code, s.stations[i].stratum, s.stations[i].reserve,
                       s.stations[i].rank),
              std::tie(want.stations[i].code, want.stations[i].stratum, want.stations[i].reserve,
                       want.stations[i].rank));
  }
  ASSERT_THAT(s.strata, SizeIs(2));
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(std::tie(s.strata[i].stratum, s.strata[i].stations, s.strata[i].registered,
                       s.strata[i].sample, s.strata[i].reserves),
              std::tie(want.strata[i].stratum, want.strata[i].stations, want.strata[i].registered,
                       want.strata[i].sample, want.strata[i].reserves));
  }
}

TEST_P(StoreConformance, SavePvtSampleIsAuditedAndNeverReplaced) {
  ASSERT_TRUE(store_->SavePvtSample(SmallSample(), Admin()).ok());
  core::PvtSample other = SmallSample();
  other.seed = 1;
  const Status again = store_->SavePvtSample(other, Admin());
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(again.message(), HasSubstr("never replaced"));
  EXPECT_EQ((*store_->GetPvtSample())->seed, SmallSample().seed);
  const std::vector<core::AuditEntry> log = AuditLog();
  ASSERT_THAT(log, SizeIs(1));
  EXPECT_EQ(log[0].action, "pvt_sample.save");
  EXPECT_THAT(log[0].detail, HasSubstr("\"sample\":3"));
  EXPECT_THAT(log[0].detail, HasSubstr("18446744073709551557"));
  ExpectChainVerifies(log);
}

// ---- Audit log --------------------------------------------------------------

TEST_P(StoreConformance, EveryWriteAppendsOneEntryNamingItsAction) {
  struct Expected {
    std::string action;
    std::string subject;
  };
  std::vector<Expected> expected;
  const auto expect_appended = [&](const Expected& e) {
    expected.push_back(e);
    const std::vector<core::AuditEntry> log = AuditLog();
    ASSERT_EQ(log.size(), expected.size()) << "after " << e.action;
    EXPECT_EQ(log.back().action, e.action);
    EXPECT_EQ(log.back().subject, e.subject) << e.action;
  };
  ASSERT_TRUE(store_->SaveElection({"E", "Freedonia", "2026-06-01", true}, Admin()).ok());
  ASSERT_NO_FATAL_FAILURE(expect_appended({"election.save", "E"}));
  ASSERT_TRUE(store_->InstallForm(VotingForm(), Admin()).ok());
  ASSERT_NO_FATAL_FAILURE(expect_appended({"form.install", "V"}));
  const std::vector<core::Location> locations = {Place("R1", ""), Station("PS-01", "R1")};
  ASSERT_TRUE(store_->UpsertLocations(locations, Admin(), "locations.csv").ok());
  ASSERT_NO_FATAL_FAILURE(expect_appended({"locations.import", "locations.csv"}));
  const std::vector<core::Observer> observers = {ObserverAt("OBS-1", {"PS-01"})};
  ASSERT_TRUE(store_->UpsertObservers(observers, Admin(), "observers.csv").ok());
  ASSERT_NO_FATAL_FAILURE(expect_appended({"observers.import", "observers.csv"}));
  TokenRecord token = Token("a");
  ASSERT_TRUE(store_->CreateToken(&token, Admin()).ok());
  ASSERT_NO_FATAL_FAILURE(expect_appended({"token.create", "token:" + std::to_string(token.id)}));
  ASSERT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kStored));
  ASSERT_NO_FATAL_FAILURE(expect_appended({"submission.create", Id(1)}));
  ASSERT_THAT(Commit({{.id = 2, .replaces = 1, .voters_turned_away = 1}}),
              ElementsAre(CommitOutcome::kStored));
  ASSERT_NO_FATAL_FAILURE(expect_appended({"submission.edit", Id(2)}));
  ASSERT_TRUE(store_->SaveResultSet({.name = "final"}, SmallResults(), Admin()).has_value());
  ASSERT_NO_FATAL_FAILURE(expect_appended({"results.import", "final"}));
  ASSERT_TRUE(store_->SavePvtSample(SmallSample(), Admin()).ok());
  ASSERT_NO_FATAL_FAILURE(expect_appended({"pvt_sample.save", "seed 18446744073709551557"}));
}

TEST_P(StoreConformance, AuditEntriesRecordTheActor) {
  ASSERT_TRUE(store_->SaveElection({"E", "Freedonia", "2026-06-01", true}, {"token:3/admin"}).ok());
  ASSERT_NO_FATAL_FAILURE(SetUpMission());  // as cli:root
  ASSERT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kStored));

  const std::vector<core::AuditEntry> log = AuditLog();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.front().actor, "token:3/admin");
  EXPECT_EQ(log.back().actor, Pending({.id = 1}).actor);
}

TEST_P(StoreConformance, AuditEntriesFormAChainThatVerifies) {
  ASSERT_TRUE(store_->SaveElection({"E", "Freedonia", "2026-06-01", true}, Admin()).ok());
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  TokenRecord token = Token("a");
  ASSERT_TRUE(store_->CreateToken(&token, Admin()).ok());
  ASSERT_THAT(Commit({{.id = 1}, {.id = 2}, {.id = 3, .replaces = 1, .voters_turned_away = 1}}),
              SizeIs(3));

  const std::vector<core::AuditEntry> log = AuditLog();
  EXPECT_THAT(log, SizeIs(9));
  for (std::size_t i = 0; i < log.size(); ++i) EXPECT_EQ(log[i].seq, std::int64_t(i) + 1);
  ExpectChainVerifies(log);
}

TEST_P(StoreConformance, StoredSubmissionPointsAtTheEntryThatRecordedIt) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}, {.id = 2, .station = "PS-02"}}), SizeIs(2));

  const std::optional<SubmissionHistory> history = History(2);
  ASSERT_TRUE(history.has_value());
  const StoredSubmission& s = history->versions[0];
  const std::vector<core::AuditEntry> log = AuditLog();
  ASSERT_GE(s.audit_seq, 1);
  ASSERT_LE(s.audit_seq, static_cast<std::int64_t>(log.size()));
  const core::AuditEntry& entry = log[s.audit_seq - 1];
  EXPECT_EQ(entry.action, "submission.create");
  EXPECT_EQ(entry.subject, Id(2));
  EXPECT_EQ(entry.actor, s.actor);
  EXPECT_THAT(entry.detail, HasSubstr(ToHex(s.content_hash)));
}

TEST_P(StoreConformance, TwoOpenStoresExtendOneAuditChain) {
  std::unique_ptr<Store> other = Open();
  ASSERT_NE(other, nullptr);

  ASSERT_TRUE(store_->InstallForm(VotingForm(), Admin()).ok());
  ASSERT_TRUE(other->InstallForm(OpeningForm(), Admin()).ok());
  TokenRecord token = Token("a");
  ASSERT_TRUE(store_->CreateToken(&token, Admin()).ok());

  const std::vector<core::AuditEntry> log = AuditLogOf(*other);
  EXPECT_THAT(log, SizeIs(3));
  ExpectChainVerifies(log);
}

TEST_P(StoreConformance, ConcurrentCommitsFormOneChain) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  constexpr int kThreads = 2;
  constexpr int kPerThread = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const PendingSubmission p = Pending({.id = 1 + t * kPerThread + i});
        auto outcomes = store_->CommitSubmissions(std::span(&p, 1));
        if (!outcomes || outcomes->front() != CommitOutcome::kStored) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count(), kThreads * kPerThread);
  ExpectChainVerifies(AuditLog());
}

// ---- Durability -------------------------------------------------------------

TEST_P(StoreConformance, DataSurvivesClosingAndReopening) {
  ASSERT_TRUE(store_->SaveElection({"E", "Freedonia", "2026-06-01", false}, Admin()).ok());
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  TokenRecord token = Token("a");
  ASSERT_TRUE(store_->CreateToken(&token, Admin()).ok());
  ASSERT_THAT(Commit({{.id = 1}, {.id = 2, .replaces = 1, .voters_turned_away = 1}}), SizeIs(2));
  const std::int64_t version = SetupVersion();
  const std::vector<core::AuditEntry> log = AuditLog();

  ASSERT_NO_FATAL_FAILURE(Reopen());

  auto election = store_->GetElection();
  ASSERT_TRUE(election.has_value()) << election.error().ToString();
  EXPECT_EQ(election->name, "E");
  EXPECT_FALSE(election->enforce_assignments);
  auto locations = store_->ListLocations();
  ASSERT_TRUE(locations.has_value()) << locations.error().ToString();
  EXPECT_THAT(*locations, SizeIs(4));
  auto observers = store_->ListObservers();
  ASSERT_TRUE(observers.has_value()) << observers.error().ToString();
  EXPECT_THAT(*observers, ElementsAre(Field(&core::Observer::code, "OBS-1")));
  auto forms = store_->ListForms();
  ASSERT_TRUE(forms.has_value()) << forms.error().ToString();
  EXPECT_THAT(*forms, ElementsAre(Field(&core::Form::code, "V"), Field(&core::Form::code, "O")));
  EXPECT_EQ(SetupVersion(), version);
  auto found = store_->FindToken(token.token_hash);
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, token.id);
  const std::optional<SubmissionHistory> history = History(1);
  ASSERT_TRUE(history.has_value());
  EXPECT_THAT(Versions(*history), ElementsAre(Id(1), Id(2)));
  EXPECT_EQ(history->versions[0].superseded_by, Id(2));
  const std::vector<core::AuditEntry> reopened = AuditLog();
  ASSERT_EQ(reopened.size(), log.size());
  EXPECT_EQ(reopened.back().hash, log.back().hash);
}

TEST_P(StoreConformance, AuditChainContinuesAfterReopening) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  const std::size_t before = AuditLog().size();
  ASSERT_NO_FATAL_FAILURE(Reopen());

  ASSERT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kStored));
  const std::vector<core::AuditEntry> log = AuditLog();
  ASSERT_EQ(log.size(), before + 1);
  EXPECT_EQ(log.back().seq, static_cast<std::int64_t>(before) + 1);
  ExpectChainVerifies(log);
}

TEST_P(StoreConformance, DuplicateIsRecognisedAfterReopening) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kStored));
  ASSERT_NO_FATAL_FAILURE(Reopen());

  EXPECT_THAT(Commit({{.id = 1}}), ElementsAre(CommitOutcome::kDuplicate));
}

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) { return info.param.name; }

// ---- SMS message log --------------------------------------------------------

SmsMessage Sms(const std::string& gateway, const std::string& id, const std::string& sender,
               const std::string& text, Timestamp at, SmsOutcome outcome) {
  return SmsMessage{.gateway = gateway,
                    .gateway_message_id = id,
                    .sender = sender,
                    .text = text,
                    .received_at = at,
                    .outcome = outcome};
}

TEST_P(StoreConformance, SmsMessageIsLoggedWithEveryFieldAndAudited) {
  const Timestamp at = *ParseRfc3339("2026-06-07T07:30:00.000001Z");
  SmsMessage m = Sms("twilio", "SM1", "+37369123456", "****** V1 AA1", at, SmsOutcome::kRejected);
  m.problems = {"unknown_question", "out_of_range"};
  m.observer_code = "OBS-1";
  m.instance_id = "uuid:0b0e6f1c-0000-5000-8000-000000000001";
  m.reply = "Not received: unknown question code ZZ";
  auto added = store_->AddSmsMessage(&m, {"sms:twilio"});
  ASSERT_TRUE(added.has_value()) << added.error().ToString();
  EXPECT_TRUE(*added);
  EXPECT_GT(m.id, 0);
  ASSERT_NO_FATAL_FAILURE(Reopen());

  auto found = store_->FindSmsMessage("twilio", "SM1");
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  ASSERT_TRUE(found->has_value());
  const SmsMessage& f = **found;
  EXPECT_EQ(f.id, m.id);
  EXPECT_EQ(f.gateway, "twilio");
  EXPECT_EQ(f.gateway_message_id, "SM1");
  EXPECT_EQ(f.sender, "+37369123456");
  EXPECT_EQ(f.text, "****** V1 AA1");
  EXPECT_EQ(f.received_at, at);
  EXPECT_EQ(f.outcome, SmsOutcome::kRejected);
  EXPECT_THAT(f.problems, ElementsAre("unknown_question", "out_of_range"));
  EXPECT_EQ(f.observer_code, "OBS-1");
  EXPECT_EQ(f.instance_id, m.instance_id);
  EXPECT_EQ(f.reply, m.reply);
  auto other_gateway = store_->FindSmsMessage("kannel", "SM1");
  ASSERT_TRUE(other_gateway.has_value());
  EXPECT_FALSE(other_gateway->has_value());

  const std::vector<core::AuditEntry> log = AuditLog();
  ASSERT_THAT(log, SizeIs(1));
  EXPECT_EQ(log[0].actor, "sms:twilio");
  EXPECT_EQ(log[0].action, "sms.message");
  EXPECT_EQ(log[0].subject, "sms:" + std::to_string(m.id));
  // What became of it, never the text (which the log holds).
  EXPECT_EQ(log[0].detail,
            R"({"gateway":"twilio","outcome":"rejected","problems":["unknown_question",)"
            R"("out_of_range"],"observer":"OBS-1","instance_id":")" +
                m.instance_id + R"("})");
  ExpectChainVerifies(log);
}

TEST_P(StoreConformance, SmsMessageWithALoggedGatewayIdIsNotStoredAgain) {
  const Timestamp at = Now();
  SmsMessage first = Sms("telerivet", "m-1", "+1555", "V1 AA1", at, SmsOutcome::kAccepted);
  first.reply = "Received V from 1";
  ASSERT_TRUE(store_->AddSmsMessage(&first, {"sms:telerivet"}).value_or(false));
  // The same id through another gateway is another message.
  SmsMessage other = Sms("kannel", "m-1", "+1555", "V1 AA1", at, SmsOutcome::kRejected);
  ASSERT_TRUE(store_->AddSmsMessage(&other, {"sms:kannel"}).value_or(false));

  SmsMessage again = Sms("telerivet", "m-1", "+1999", "something else", at, SmsOutcome::kRejected);
  auto added = store_->AddSmsMessage(&again, {"sms:telerivet"});
  ASSERT_TRUE(added.has_value()) << added.error().ToString();
  EXPECT_FALSE(*added);
  // Replaced by the logged row.
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.sender, "+1555");
  EXPECT_EQ(again.outcome, SmsOutcome::kAccepted);
  EXPECT_EQ(again.reply, "Received V from 1");

  auto listed = store_->ListSmsMessages(10);
  ASSERT_TRUE(listed.has_value());
  ASSERT_THAT(*listed, SizeIs(2));
  EXPECT_EQ((*listed)[0].gateway, "kannel");  // newest first
  EXPECT_EQ((*listed)[1].gateway, "telerivet");
  EXPECT_THAT(AuditLog(), SizeIs(2));
  auto limited = store_->ListSmsMessages(1);
  ASSERT_TRUE(limited.has_value());
  EXPECT_THAT(*limited, SizeIs(1));
}

TEST_P(StoreConformance, FindAcceptedSmsTextMatchesSenderTextTimeAndOutcome) {
  const Timestamp t0 = *ParseRfc3339("2026-06-07T08:00:00Z");
  const std::vector<SmsMessage> log = {
      Sms("generic", "1", "+1555", "V1 AA1", t0, SmsOutcome::kAccepted),
      Sms("generic", "2", "+1555", "V1 AA2", t0 + std::chrono::hours(1), SmsOutcome::kRejected),
      Sms("generic", "3", "+1666", "V1 AA3", t0 + std::chrono::hours(2), SmsOutcome::kAccepted),
  };
  for (SmsMessage m : log) ASSERT_TRUE(store_->AddSmsMessage(&m, {"sms:generic"}).value_or(false));
  const auto find = [&](const std::string& sender, const std::string& text, Timestamp since) {
    auto found = store_->FindAcceptedSmsText(sender, text, since);
    EXPECT_TRUE(found.has_value()) << found.error().ToString();
    return found.value_or(std::nullopt);
  };
  auto hit = find("+1555", "V1 AA1", t0);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->gateway_message_id, "1");
  EXPECT_FALSE(find("+1555", "V1 AA1", t0 + std::chrono::microseconds(1)).has_value());
  EXPECT_FALSE(find("+1666", "V1 AA1", t0).has_value());  // another sender
  EXPECT_FALSE(find("+1555", "V1 AA2", t0).has_value());  // rejected
  EXPECT_FALSE(find("+1555", "V1 AA11", t0).has_value());
  EXPECT_TRUE(find("+1666", "V1 AA3", t0).has_value());
}

// ---- Data-quality rules and review -------------------------------------------

QualityRule Rule(const std::string& code, const std::string& expression, bool enabled = true) {
  QualityRule r;
  r.code = code;
  r.form_code = "V";
  r.expression = expression;
  r.description = {{"en", "Many voters turned away"}, {"ru", "Многим избирателям отказано"}};
  r.severity = RuleSeverity::kError;
  r.enabled = enabled;
  return r;
}

TEST_P(StoreConformance, DefaultRulesAreTheCountingFormsProtocolRelations) {
  auto rules = store_->ListRules();
  ASSERT_TRUE(rules) << rules.error().ToString();
  std::vector<std::string> codes;
  for (const QualityRule& r : *rules) {
    codes.push_back(r.code);
    EXPECT_EQ(r.form_code, "C") << r.code;
    EXPECT_TRUE(r.enabled) << r.code;
    EXPECT_THAT(r.description, SizeIs(2)) << r.code;
  }
  EXPECT_THAT(codes, ElementsAre("in_boxes_at_most_issued", "in_boxes_valid_invalid",
                                 "issued_at_most_registered", "received_issued_cancelled"));
  EXPECT_EQ((*rules)[1].expression, "CF != CV + CN");
  EXPECT_EQ((*rules)[1].severity, RuleSeverity::kError);
  EXPECT_EQ((*rules)[2].severity, RuleSeverity::kWarning);
}

TEST_P(StoreConformance, SaveRuleAddsReplacesAndIsAudited) {
  ASSERT_TRUE(store_->SaveRule(Rule("turned_away", "V7 > 200"), Admin()).ok());
  ASSERT_TRUE(store_->SaveRule(Rule("turned_away", "V7 > 100"), Admin()).ok());
  auto rules = store_->ListRules();
  ASSERT_TRUE(rules) << rules.error().ToString();
  ASSERT_THAT(*rules, SizeIs(5));
  const QualityRule& r = rules->back();
  EXPECT_EQ(r.code, "turned_away");
  EXPECT_EQ(r.expression, "V7 > 100");
  EXPECT_EQ(r.description.at("ru"), "Многим избирателям отказано");
  EXPECT_EQ(r.severity, RuleSeverity::kError);
  const auto log = AuditLog();
  ASSERT_THAT(log, SizeIs(2));
  EXPECT_EQ(log[1].action, "rule.save");
  EXPECT_EQ(log[1].subject, "rule:turned_away");
  EXPECT_THAT(log[1].detail, HasSubstr("V7 > 100"));
}

TEST_P(StoreConformance, SetRuleEnabledTurnsARuleOffAndOn) {
  ASSERT_TRUE(store_->SetRuleEnabled("in_boxes_valid_invalid", false, Admin()).ok());
  auto rules = store_->ListRules();
  ASSERT_TRUE(rules);
  EXPECT_FALSE((*rules)[1].enabled);
  ASSERT_TRUE(store_->SetRuleEnabled("in_boxes_valid_invalid", true, Admin()).ok());
  EXPECT_TRUE(store_->ListRules().value()[1].enabled);
  EXPECT_EQ(store_->SetRuleEnabled("nope", false, Admin()).code(), StatusCode::kNotFound);
  const auto log = AuditLog();
  ASSERT_THAT(log, SizeIs(2));
  EXPECT_EQ(log[0].action, "rule.disable");
  EXPECT_EQ(log[1].action, "rule.enable");
}

TEST_P(StoreConformance, RuleFlagsAreStoredWithTheSubmissionAndListedForCurrentVersions) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_TRUE(store_->SaveRule(Rule("turned_away", "V7 > 200"), Admin()).ok());
  ASSERT_TRUE(store_->SaveRule(Rule("turned_away_off", "V7 > 100", false), Admin()).ok());
  std::vector<PendingSubmission> batch = {Pending({.id = 1}), Pending({.id = 2}),
                                          Pending({.id = 3, .station = "PS-02"})};
  batch[0].rule_flags = {"turned_away", "turned_away_off"};
  batch[2].rule_flags = {"turned_away"};
  ASSERT_TRUE(store_->CommitSubmissions(batch));
  EXPECT_THAT(store_->ListRuleFlags(Id(1)).value(), ElementsAre("turned_away", "turned_away_off"));
  EXPECT_THAT(store_->ListRuleFlags(Id(2)).value(), IsEmpty());
  auto flagged = store_->ListFlaggedSubmissions("", "");
  ASSERT_TRUE(flagged) << flagged.error().ToString();
  ASSERT_THAT(*flagged, SizeIs(2));
  EXPECT_EQ((*flagged)[0].instance_id, Id(1));
  EXPECT_THAT((*flagged)[0].rules, ElementsAre("turned_away"));  // the other is disabled
  EXPECT_EQ((*flagged)[0].status, core::ReviewStatus::kUnreviewed);
  EXPECT_EQ((*flagged)[1].station_code, "PS-02");
  EXPECT_THAT(store_->ListFlaggedSubmissions("turned_away", "O").value(), IsEmpty());
  EXPECT_THAT(store_->ListFlaggedSubmissions("in_boxes_valid_invalid", "").value(), IsEmpty());
  // An edit that flags nothing replaces version 1: only version 3 is left.
  ASSERT_THAT(Commit({{.id = 4, .replaces = 1, .voters_turned_away = 3}}),
              ElementsAre(CommitOutcome::kStored));
  flagged = store_->ListFlaggedSubmissions("turned_away", "V");
  ASSERT_TRUE(flagged);
  ASSERT_THAT(*flagged, SizeIs(1));
  EXPECT_EQ((*flagged)[0].instance_id, Id(3));
}

TEST_P(StoreConformance, ReplaceRuleFlagsLeavesLaterVersionsAlone) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_TRUE(store_->SaveRule(Rule("turned_away", "V7 > 200"), Admin()).ok());
  std::vector<PendingSubmission> batch = {Pending({.id = 1}), Pending({.id = 2})};
  batch[0].rule_flags = {"turned_away"};
  ASSERT_TRUE(store_->CommitSubmissions(batch));
  const std::int64_t through = History(2)->versions[0].audit_seq;
  std::vector<PendingSubmission> later = {Pending({.id = 3})};
  later[0].rule_flags = {"turned_away"};
  ASSERT_TRUE(store_->CommitSubmissions(later));
  // The pass read versions 1 and 2 and found only 2.
  const std::vector<std::string> found = {Id(2)};
  ASSERT_TRUE(store_->ReplaceRuleFlags("turned_away", through, found, Admin()).ok());
  auto flagged = store_->ListFlaggedSubmissions("turned_away", "");
  ASSERT_TRUE(flagged) << flagged.error().ToString();
  std::vector<std::string> ids;
  for (const FlaggedSubmission& f : *flagged) ids.push_back(f.instance_id);
  EXPECT_THAT(ids, ElementsAre(Id(2), Id(3)));
  EXPECT_EQ(AuditLog().back().action, "rule.evaluate");
  EXPECT_EQ(store_->ReplaceRuleFlags("nope", through, found, Admin()).code(),
            StatusCode::kNotFound);
}

TEST_P(StoreConformance, ChangingARulesExpressionDropsItsFlags) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_TRUE(store_->SaveRule(Rule("turned_away", "V7 > 200"), Admin()).ok());
  std::vector<PendingSubmission> batch = {Pending({.id = 1})};
  batch[0].rule_flags = {"turned_away"};
  ASSERT_TRUE(store_->CommitSubmissions(batch));
  QualityRule same = Rule("turned_away", "V7 > 200");
  same.severity = RuleSeverity::kWarning;
  ASSERT_TRUE(store_->SaveRule(same, Admin()).ok());
  EXPECT_THAT(store_->ListRuleFlags(Id(1)).value(), ElementsAre("turned_away"));
  ASSERT_TRUE(store_->SaveRule(Rule("turned_away", "V7 > 300"), Admin()).ok());
  EXPECT_THAT(store_->ListRuleFlags(Id(1)).value(), IsEmpty());
}

TEST_P(StoreConformance, ReviewKeepsEveryChangeWithItsAuditEntry) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}, {.id = 2}}),
              ElementsAre(CommitOutcome::kStored, CommitOutcome::kStored));
  auto first = store_->ReviewSubmission(Id(1), core::ReviewStatus::kQuarantined, "figures odd",
                                        std::nullopt, {"user:ana"});
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->from, core::ReviewStatus::kUnreviewed);
  EXPECT_EQ(first->to, core::ReviewStatus::kQuarantined);
  auto second =
      store_->ReviewSubmission(Id(1), core::ReviewStatus::kVerified, "called the observer",
                               core::ReviewStatus::kQuarantined, {"user:bob"});
  ASSERT_TRUE(second) << second.error().ToString();
  // Someone who still thinks it quarantined is told it changed.
  auto stale = store_->ReviewSubmission(Id(1), core::ReviewStatus::kRejected, "",
                                        core::ReviewStatus::kQuarantined, {"user:ana"});
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), StatusCode::kConflict);
  EXPECT_EQ(
      store_->ReviewSubmission(Id(9), core::ReviewStatus::kVerified, "", std::nullopt, {"user:ana"})
          .error()
          .code(),
      StatusCode::kNotFound);
  auto history = store_->ListReviews(Id(1));
  ASSERT_TRUE(history) << history.error().ToString();
  ASSERT_THAT(*history, SizeIs(2));
  EXPECT_EQ((*history)[0].note, "figures odd");
  EXPECT_EQ((*history)[0].actor, "user:ana");
  EXPECT_EQ((*history)[1].from, core::ReviewStatus::kQuarantined);
  EXPECT_EQ((*history)[1].to, core::ReviewStatus::kVerified);
  EXPECT_EQ((*history)[1].note, "called the observer");
  EXPECT_EQ((*history)[1].actor, "user:bob");
  const auto log = AuditLog();
  EXPECT_EQ(log.back().action, "submission.review");
  EXPECT_EQ(log.back().subject, Id(1));
  EXPECT_EQ(log.back().seq, (*history)[1].audit_seq);
  EXPECT_THAT(log.back().detail, HasSubstr("\"to\":\"verified\""));
  EXPECT_THAT(store_->ListReviews(Id(2)).value(), IsEmpty());
}

TEST_P(StoreConformance, ListReviewStatesGivesEveryReviewedVersionsLatestStatus) {
  ASSERT_NO_FATAL_FAILURE(SetUpMission());
  ASSERT_THAT(Commit({{.id = 1}, {.id = 2}, {.id = 3}}), SizeIs(3));
  const auto review = [&](int id, core::ReviewStatus to) {
    ASSERT_TRUE(store_->ReviewSubmission(Id(id), to, "", std::nullopt, Admin()));
  };
  review(1, core::ReviewStatus::kQuarantined);
  review(1, core::ReviewStatus::kRejected);
  review(2, core::ReviewStatus::kVerified);
  review(2, core::ReviewStatus::kUnreviewed);  // back to as it arrived: not listed
  review(3, core::ReviewStatus::kVerified);
  auto states = store_->ListReviewStates();
  ASSERT_TRUE(states) << states.error().ToString();
  std::vector<std::pair<std::string, core::ReviewStatus>> pairs;
  for (const ReviewState& s : *states) pairs.emplace_back(s.instance_id, s.status);
  EXPECT_THAT(pairs, UnorderedElementsAre(std::pair(Id(1), core::ReviewStatus::kRejected),
                                          std::pair(Id(3), core::ReviewStatus::kVerified)));
}

core::ConflictResolution Resolution(const std::string& station, const std::string& form,
                                    const std::string& question) {
  core::ConflictResolution r;
  r.station_code = station;
  r.form_code = form;
  r.question = question;
  return r;
}

TEST_P(StoreConformance, ConflictResolutionsAreKeptWithHistoryAndAudited) {
  core::ConflictResolution chosen = Resolution("PS-1", "C", "CV");
  chosen.instance_id = "uuid:a";
  chosen.note = "the protocol photo shows 590";
  ASSERT_TRUE(store_->AddConflictResolution(&chosen, {"token:2/analyst"}).ok());
  EXPECT_GT(chosen.id, 0);
  EXPECT_EQ(chosen.actor, "token:2/analyst");
  core::ConflictResolution override = Resolution("PS-1", "C", "CV");
  override.value = boost::json::value(588);
  override.note = "recounted at the district";
  ASSERT_TRUE(store_->AddConflictResolution(&override, {"token:3/admin"}).ok());
  EXPECT_GT(override.id, chosen.id);
  core::ConflictResolution other_station = Resolution("PS-2", "C", "CN");
  other_station.value = boost::json::parse(R"(["a","b"])");
  ASSERT_TRUE(store_->AddConflictResolution(&other_station, {"token:3/admin"}).ok());
  core::ConflictResolution other_form = Resolution("PS-1", "V", "V7");
  other_form.instance_id = "uuid:v";
  ASSERT_TRUE(store_->AddConflictResolution(&other_form, {"token:3/admin"}).ok());
  ASSERT_NO_FATAL_FAILURE(Reopen());

  auto station = store_->ListConflictResolutions("C", "PS-1");
  ASSERT_TRUE(station.has_value()) << station.error().ToString();
  ASSERT_THAT(*station, SizeIs(2));  // oldest first
  const core::ConflictResolution& a = (*station)[0];
  EXPECT_EQ(a.id, chosen.id);
  EXPECT_EQ(a.station_code, "PS-1");
  EXPECT_EQ(a.form_code, "C");
  EXPECT_EQ(a.question, "CV");
  EXPECT_EQ(a.instance_id, "uuid:a");
  EXPECT_FALSE(a.value.has_value());
  EXPECT_EQ(a.note, "the protocol photo shows 590");
  EXPECT_EQ(a.actor, "token:2/analyst");
  EXPECT_EQ(a.resolved_at, chosen.resolved_at);
  const core::ConflictResolution& b = (*station)[1];
  EXPECT_EQ(b.instance_id, "");
  ASSERT_TRUE(b.value.has_value());
  EXPECT_EQ(*b.value, 588);
  EXPECT_EQ(b.actor, "token:3/admin");

  auto form = store_->ListConflictResolutions("C");
  ASSERT_TRUE(form.has_value());
  ASSERT_THAT(*form, SizeIs(3));
  EXPECT_EQ(*(*form)[2].value, boost::json::parse(R"(["a","b"])"));
  EXPECT_THAT(*store_->ListConflictResolutions("V"), SizeIs(1));
  EXPECT_THAT(*store_->ListConflictResolutions("C", "PS-9"), IsEmpty());

  const std::vector<core::AuditEntry> log = AuditLog();
  ASSERT_THAT(log, SizeIs(4));
  EXPECT_EQ(log[0].actor, "token:2/analyst");
  EXPECT_EQ(log[0].action, "conflict.resolve");
  EXPECT_EQ(log[0].subject, "station:PS-1/form:C");
  EXPECT_EQ(log[0].detail, R"({"id":)" + std::to_string(chosen.id) +
                               R"(,"question":"CV","instance_id":"uuid:a",)"
                               R"("note":"the protocol photo shows 590"})");
  EXPECT_EQ(log[1].detail,
            R"({"id":)" + std::to_string(override.id) +
                R"(,"question":"CV","value":588,"note":"recounted at the district"})");
  ExpectChainVerifies(log);
}

// ---- Alerts ---------------------------------------------------------------------

core::Alert MakeAlert(const std::string& instance_id, const std::string& question, Timestamp at) {
  core::Alert a;
  a.kind = "critical_incident";
  a.instance_id = instance_id;
  a.form_code = "I";
  a.station_code = "S1";
  a.observer_code = "OBS-1";
  a.question = question;
  a.value = "critical";
  a.created_at = at;
  a.updated_at = at;
  return a;
}

TEST_P(StoreConformance, AlertIsStoredOnceWithItsRaisingAndAudited) {
  const Timestamp at = *ParseRfc3339("2026-06-07T09:15:00.000002Z");
  const std::string id1 = "uuid:0b0e6f1c-0000-5000-8000-000000000001";
  auto added =
      store_->AddAlerts({MakeAlert(id1, "I4", at), MakeAlert(id1, "I1", at)}, {"service:alerts"});
  ASSERT_TRUE(added.has_value()) << added.error().ToString();
  ASSERT_THAT(*added, SizeIs(2));
  EXPECT_GT((*added)[0].id, 0);
  EXPECT_NE((*added)[0].id, (*added)[1].id);
  // Raising the same alert again stores nothing; a new question does.
  auto again =
      store_->AddAlerts({MakeAlert(id1, "I4", at), MakeAlert(id1, "V11", at)}, {"service:alerts"});
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  ASSERT_THAT(*again, SizeIs(1));
  EXPECT_EQ((*again)[0].question, "V11");
  ASSERT_NO_FATAL_FAILURE(Reopen());

  auto found = store_->GetAlert((*added)[0].id);
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  ASSERT_TRUE(found->has_value());
  const core::Alert& f = **found;
  EXPECT_EQ(f.kind, "critical_incident");
  EXPECT_EQ(f.instance_id, id1);
  EXPECT_EQ(f.form_code, "I");
  EXPECT_EQ(f.station_code, "S1");
  EXPECT_EQ(f.observer_code, "OBS-1");
  EXPECT_EQ(f.question, "I4");
  EXPECT_EQ(f.value, "critical");
  EXPECT_EQ(f.created_at, at);
  EXPECT_EQ(f.updated_at, at);
  EXPECT_EQ(f.status, core::AlertStatus::kOpen);
  EXPECT_EQ(f.assignee, "");
  auto missing = store_->GetAlert(9999);
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->has_value());

  auto history = store_->AlertHistory(f.id);
  ASSERT_TRUE(history.has_value());
  ASSERT_THAT(*history, SizeIs(1));
  EXPECT_EQ((*history)[0].action, "raised");
  EXPECT_EQ((*history)[0].actor, "service:alerts");
  EXPECT_EQ((*history)[0].at, at);

  const std::vector<core::AuditEntry> log = AuditLog();
  ASSERT_THAT(log, SizeIs(3));
  EXPECT_EQ(log[0].action, "alert.raise");
  EXPECT_EQ(log[0].subject, "alert:" + std::to_string(f.id));
  EXPECT_EQ(log[0].detail, R"({"kind":"critical_incident","instance_id":")" + id1 +
                               R"(","station":"S1","question":"I4","value":"critical"})");
  ExpectChainVerifies(log);
}

TEST_P(StoreConformance, AlertChangesAreKeptInOrderAndListedByStatus) {
  const Timestamp t0 = *ParseRfc3339("2026-06-07T09:00:00Z");
  auto added = store_->AddAlerts({MakeAlert("uuid:a", "I4", t0), MakeAlert("uuid:b", "I4", t0)},
                                 {"service:alerts"});
  ASSERT_TRUE(added.has_value()) << added.error().ToString();
  const std::int64_t a = (*added)[0].id;
  const std::int64_t b = (*added)[1].id;
  const Timestamp t1 = t0 + std::chrono::minutes(1);
  auto changed = store_->ChangeAlert({.alert_id = a,
                                      .at = t1,
                                      .actor = "token:3/analyst",
                                      .action = "assigned",
                                      .status = core::AlertStatus::kAcknowledged,
                                      .assignee = "lena",
                                      .note = "calling the observer"},
                                     {"token:3/analyst"});
  ASSERT_TRUE(changed.has_value()) << changed.error().ToString();
  EXPECT_EQ(changed->status, core::AlertStatus::kAcknowledged);
  EXPECT_EQ(changed->assignee, "lena");
  EXPECT_EQ(changed->updated_at, t1);
  EXPECT_EQ(changed->created_at, t0);
  ASSERT_TRUE(store_
                  ->ChangeAlert({.alert_id = a,
                                 .at = t1 + std::chrono::minutes(5),
                                 .actor = "token:3/analyst",
                                 .action = "resolved",
                                 .status = core::AlertStatus::kResolved,
                                 .assignee = "lena",
                                 .note = "police left; voting resumed"},
                                {"token:3/analyst"})
                  .has_value());
  auto unknown = store_->ChangeAlert({.alert_id = 9999, .at = t1, .action = "resolved"}, {"x"});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), StatusCode::kNotFound);

  auto history = store_->AlertHistory(a);
  ASSERT_TRUE(history.has_value());
  ASSERT_THAT(*history, SizeIs(3));
  EXPECT_EQ((*history)[1].action, "assigned");
  EXPECT_EQ((*history)[1].note, "calling the observer");
  EXPECT_EQ((*history)[1].assignee, "lena");
  EXPECT_EQ((*history)[2].action, "resolved");
  EXPECT_EQ((*history)[2].status, core::AlertStatus::kResolved);
  EXPECT_EQ((*history)[2].note, "police left; voting resumed");

  auto open = store_->ListAlerts(core::AlertStatus::kOpen, 100);
  ASSERT_TRUE(open.has_value());
  ASSERT_THAT(*open, SizeIs(1));
  EXPECT_EQ((*open)[0].id, b);
  auto all = store_->ListAlerts(std::nullopt, 100);
  ASSERT_TRUE(all.has_value());
  ASSERT_THAT(*all, SizeIs(2));
  EXPECT_EQ((*all)[0].id, b);  // newest first
  auto one = store_->ListAlerts(std::nullopt, 1);
  ASSERT_TRUE(one.has_value());
  EXPECT_THAT(*one, SizeIs(1));
  const std::vector<core::AuditEntry> log = AuditLog();
  ASSERT_THAT(log, SizeIs(4));
  EXPECT_EQ(log[2].action, "alert.assigned");
  EXPECT_EQ(log[3].action, "alert.resolved");
  ExpectChainVerifies(log);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::ValuesIn(Backends()), BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, FieldCredentialsConformance, ::testing::ValuesIn(Backends()),
                         BackendName);

}  // namespace
}  // namespace vigil::storage
