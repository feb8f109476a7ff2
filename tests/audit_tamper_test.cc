// End-to-end tamper evidence: a mission is written through vigil, then its
// SQLite file is changed behind vigil's back, as someone with access to the
// disk could; service::VerifyAudit must notice every change and name the
// first broken audit entry or the submission concerned.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/metrics.h"
#include "common/time.h"
#include "core/audit.h"
#include "core/default_forms.h"
#include "core/submission.h"
#include "service/admin.h"
#include "service/mission_service.h"
#include "storage/store.h"
#include "support/test_mission.h"

namespace vigil {
namespace {

namespace json = boost::json;

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::UnorderedElementsAre;

const char* const kFirst = "uuid:00000000-0000-4000-8000-000000000001";
const char* const kSecond = "uuid:00000000-0000-4000-8000-000000000002";
const char* const kThird = "uuid:00000000-0000-4000-8000-000000000003";
const char* const kFirstEdit = "uuid:00000000-0000-4000-8000-000000000004";
const char* const kForged = "uuid:00000000-0000-4000-8000-0000000000ff";

// A raw connection to the mission's SQLite file, bypassing vigil.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db_);
    }
  }
  ~RawDatabase() { sqlite3_close_v2(db_); }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;

  // Runs one statement with `blobs` bound to its parameters in order; returns
  // the number of rows it changed, or -1 after an ADD_FAILURE.
  int Run(const std::string& sql, const std::vector<std::string>& blobs = {}) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sqlite3_errmsg(db_) << " in: " << sql;
      return -1;
    }
    for (std::size_t i = 0; i < blobs.size(); ++i) {
      sqlite3_bind_blob(stmt, static_cast<int>(i + 1), blobs[i].data(),
                        static_cast<int>(blobs[i].size()), SQLITE_TRANSIENT);
    }
    const int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
      ADD_FAILURE() << sqlite3_errmsg(db_) << " in: " << sql;
      return -1;
    }
    return sqlite3_changes(db_);
  }

  // The first column of the first row `sql` returns, as text.
  std::string Text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sqlite3_errmsg(db_) << " in: " << sql;
      return out;
    }
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      if (text != nullptr) out = text;
    } else {
      ADD_FAILURE() << "no row from: " << sql;
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string Bytes(const Sha256& hash) { return std::string(hash.begin(), hash.end()); }

// A voting-form submission as MissionService::Check would store it, built
// without the service (for rows forged outside vigil).
storage::PendingSubmission Forge(const std::string& instance_id, const std::string& station) {
  std::vector<core::FieldError> errors;
  auto submission = core::SubmissionFromJson(
      json::parse(testing::ValidSubmission(instance_id, "OBS-1", station)), &errors);
  EXPECT_TRUE(submission.has_value());
  storage::PendingSubmission p;
  p.submission = submission.value_or(core::Submission{});
  p.submission.form_version = core::DefaultForms().front().version;
  p.canonical_json = core::CanonicalJson(p.submission);
  p.content_hash = HashSha256(p.canonical_json);
  p.actor = "token:4/observer";
  p.received_at = Now();
  return p;
}

// A TestMission with four submissions of OBS-1 committed through the
// service's intake checks: kFirst (PS-01), kSecond (PS-02), kThird (PS-03),
// then kFirstEdit, which replaces kFirst.
class AuditTamper : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(mission_.Create());
    MetricsRegistry metrics;
    auto service = service::MissionService::Open({.data_dir = DataDir()}, metrics);
    ASSERT_TRUE(service.has_value()) << service.error().ToString();
    auto observer = (*service)->Authenticate(mission_.observer1_token);
    ASSERT_TRUE(observer.has_value()) << observer.error().ToString();
    json::object edit =
        json::parse(testing::ValidSubmission(kFirstEdit, "OBS-1", "PS-01", 7)).as_object();
    edit["replaces"] = kFirst;
    const std::vector<json::value> bodies = {
        json::parse(testing::ValidSubmission(kFirst, "OBS-1", "PS-01")),
        json::parse(testing::ValidSubmission(kSecond, "OBS-1", "PS-02")),
        json::parse(testing::ValidSubmission(kThird, "OBS-1", "PS-03")), edit};
    for (const json::value& body : bodies) {
      storage::PendingSubmission pending;
      const service::SubmitResult checked = (*service)->Check(body, *observer, &pending);
      ASSERT_TRUE(checked.status.ok()) << checked.status.ToString();
      auto outcomes = (*service)->store().CommitSubmissions(std::span(&pending, 1));
      ASSERT_TRUE(outcomes.has_value()) << outcomes.error().ToString();
      ASSERT_THAT(*outcomes, ElementsAre(storage::CommitOutcome::kStored));
    }
    const Status s = (*service)->store().ForEachAuditEntry([&](const core::AuditEntry& e) {
      log_.push_back(e);
      return Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::string DataDir() const { return mission_.dir.path() + "/mission"; }
  std::string DbPath() const { return DataDir() + "/vigil.db"; }

  // The seq of the entry that recorded `instance_id`.
  std::int64_t SeqOf(const std::string& instance_id) const {
    for (const core::AuditEntry& e : log_) {
      if (e.subject == instance_id) return e.seq;
    }
    ADD_FAILURE() << "no audit entry for " << instance_id;
    return 0;
  }

  // Runs `sql` against the mission's file; ADD_FAILUREs unless it changed rows.
  void Tamper(const std::string& sql, const std::vector<std::string>& blobs = {}) {
    RawDatabase db(DbPath());
    EXPECT_GE(db.Run(sql, blobs), 1) << "tampering changed nothing: " << sql;
  }

  // Inserts a well-formed row for kForged at PS-04, with a matching content
  // hash, that claims to be recorded by audit entry `audit_seq`.
  void InsertForgedSubmission(std::int64_t audit_seq) {
    const storage::PendingSubmission forged = Forge(kForged, "PS-04");
    Tamper(
        "INSERT INTO submissions(instance_id, chain_seq, form_code, form_version, station_code, "
        "observer_code, received_at, actor, content_hash, body, audit_seq) VALUES ('" +
            std::string(kForged) + "', 1000, 'V', '" + forged.submission.form_version +
            "', 'PS-04', 'OBS-1', '" + FormatRfc3339(forged.received_at) + "', '" + forged.actor +
            "', ?, CAST(? AS TEXT), " + std::to_string(audit_seq) + ")",
        {Bytes(forged.content_hash), forged.canonical_json});
  }

  std::optional<service::AuditReport> Verify() {
    auto store = mission_.OpenStore();
    if (store == nullptr) return std::nullopt;
    auto report = service::VerifyAudit(*store, {});
    if (!report) {
      ADD_FAILURE() << report.error().ToString();
      return std::nullopt;
    }
    return *report;
  }

  testing::TestMission mission_;
  std::vector<core::AuditEntry> log_;  // as written, before any tampering
};

void ExpectBreakAt(const service::AuditReport& report, std::int64_t seq,
                   const std::string& problem) {
  ASSERT_TRUE(report.chain_break.has_value()) << "the change went unnoticed";
  EXPECT_EQ(report.chain_break->seq, seq) << report.chain_break->problem;
  EXPECT_THAT(report.chain_break->problem, HasSubstr(problem));
}

// ---- (g) An untouched mission ------------------------------------------------

TEST_F(AuditTamper, UntamperedMissionVerifiesClean) {
  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());

  EXPECT_FALSE(report->chain_break.has_value()) << report->chain_break->problem;
  EXPECT_THAT(report->problems, IsEmpty());
  // election, forms, locations, observers, 5 tokens, 4 submissions, and the
  // server's record of the tokens it saw in use
  const std::int64_t expected =
      1 + static_cast<std::int64_t>(core::DefaultForms().size()) + 2 + 5 + 4 + 1;
  EXPECT_EQ(report->entries, expected);
  EXPECT_EQ(static_cast<std::int64_t>(log_.size()), expected);
  EXPECT_EQ(report->submissions_checked, 4);
  EXPECT_THAT(report->head_hash, MatchesRegex("[0-9a-f]{64}"));
  EXPECT_EQ(report->head_hash, ToHex(log_.back().hash));
}

// ---- (a)-(c) The audit log --------------------------------------------------

struct AlteredColumn {
  const char* name;       // the test-name suffix
  const char* column;     // of audit_log
  const char* new_value;  // SQL expression
};

void PrintTo(const AlteredColumn& c, std::ostream* os) { *os << c.name; }

class AuditTamperAlteredEntry : public AuditTamper,
                                public ::testing::WithParamInterface<AlteredColumn> {};

TEST_P(AuditTamperAlteredEntry, BreaksTheChainAtThatEntry) {
  const std::int64_t seq = SeqOf(kSecond);
  ASSERT_NO_FATAL_FAILURE(Tamper(std::string("UPDATE audit_log SET ") + GetParam().column + " = " +
                                 GetParam().new_value + " WHERE seq = " + std::to_string(seq)));

  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());
  ExpectBreakAt(*report, seq, "");
  EXPECT_EQ(report->entries, seq - 1);
}

INSTANTIATE_TEST_SUITE_P(
    Columns, AuditTamperAlteredEntry,
    ::testing::Values(AlteredColumn{"Detail", "detail", "replace(detail, 'PS-02', 'PS-12')"},
                      AlteredColumn{"Actor", "actor", "'token:1/admin'"},
                      AlteredColumn{"Time", "at", "'2026-06-01T23:59:59.000000Z'"},
                      AlteredColumn{"UnreadableTime", "at", "'yesterday'"},
                      AlteredColumn{"Action", "action", "'token.create'"},
                      AlteredColumn{"Subject", "subject", "'uuid:someone-else'"},
                      AlteredColumn{"Hash", "hash", "zeroblob(32)"},
                      AlteredColumn{"PreviousHash", "prev_hash", "zeroblob(32)"}),
    [](const ::testing::TestParamInfo<AlteredColumn>& info) { return info.param.name; });

TEST_F(AuditTamper, AlteredEntryIsReportedAsAltered) {
  const std::int64_t seq = SeqOf(kSecond);
  ASSERT_NO_FATAL_FAILURE(
      Tamper("UPDATE audit_log SET actor = 'cli:root' WHERE seq = " + std::to_string(seq)));

  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());
  ExpectBreakAt(*report, seq, "altered");
}

TEST_F(AuditTamper, DeletedMiddleEntryBreaksTheChainAtTheNextEntry) {
  const std::int64_t seq = SeqOf(kSecond);
  ASSERT_NO_FATAL_FAILURE(Tamper("DELETE FROM audit_log WHERE seq = " + std::to_string(seq)));

  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());
  ExpectBreakAt(*report, seq + 1, "missing");
}

TEST_F(AuditTamper, DeletedMiddleEntryIsDetectedEvenWhenTheRestIsRenumbered) {
  const std::int64_t seq = SeqOf(kSecond);
  ASSERT_NO_FATAL_FAILURE(Tamper("DELETE FROM audit_log WHERE seq = " + std::to_string(seq)));
  ASSERT_NO_FATAL_FAILURE(
      Tamper("UPDATE audit_log SET seq = seq - 1 WHERE seq > " + std::to_string(seq)));

  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());
  ExpectBreakAt(*report, seq, "previous-hash link");
}

TEST_F(AuditTamper, ForgedEntryInsertedInTheMiddleBreaksTheChainAfterIt) {
  // The forger knows the hash algorithm and chains the forged entry correctly
  // to its predecessor; the displaced entry no longer links to it.
  const std::int64_t seq = SeqOf(kSecond);
  core::AuditEntry forged;
  forged.at = log_[seq - 2].at;
  forged.actor = "cli:root";
  forged.action = "token.create";
  forged.subject = "token:99";
  forged.detail = R"({"role":"admin","label":"backdoor"})";
  core::ChainAuditEntry(&log_[seq - 2], &forged);
  ASSERT_EQ(forged.seq, seq);
  const std::string from = std::to_string(seq);
  ASSERT_NO_FATAL_FAILURE(Tamper("UPDATE audit_log SET seq = -seq WHERE seq >= " + from));
  ASSERT_NO_FATAL_FAILURE(Tamper("UPDATE audit_log SET seq = 1 - seq WHERE seq < 0"));
  ASSERT_NO_FATAL_FAILURE(
      Tamper("UPDATE submissions SET audit_seq = audit_seq + 1 WHERE audit_seq >= " + from));
  ASSERT_NO_FATAL_FAILURE(
      Tamper("INSERT INTO audit_log(seq, at, actor, action, subject, detail, prev_hash, hash) "
             "VALUES (" +
                 from + ", '" + FormatRfc3339(forged.at) + "', '" + forged.actor + "', '" +
                 forged.action + "', '" + forged.subject + "', '" + forged.detail + "', ?, ?)",
             {Bytes(forged.prev_hash), Bytes(forged.hash)}));

  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());
  ExpectBreakAt(*report, seq + 1, "previous-hash link");
}

TEST_F(AuditTamper, AppendedEntryWithAWrongHashBreaksTheChainThere) {
  const core::AuditEntry& last = log_.back();
  const std::string next = std::to_string(last.seq + 1);
  ASSERT_NO_FATAL_FAILURE(
      Tamper("INSERT INTO audit_log(seq, at, actor, action, subject, detail, prev_hash, hash) "
             "VALUES (" +
                 next + ", '" + FormatRfc3339(Now()) +
                 "', 'cli:root', 'token.create', 'token:99', '{}', ?, ?)",
             {Bytes(last.hash), Bytes(HashSha256("not the hash"))}));

  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());
  ExpectBreakAt(*report, last.seq + 1, "altered");
}

TEST_F(AuditTamper, AppendedEntryRecordingAnAbsentSubmissionIsReported) {
  // Correctly chained, so only the cross-check with the store can tell.
  core::AuditEntry forged;
  forged.at = Now();
  forged.actor = "token:4/observer";
  forged.action = "submission.create";
  forged.subject = kForged;
  forged.detail = R"({"content_sha256":")" + ToHex(HashSha256("x")) + R"(","form":"V"})";
  core::ChainAuditEntry(&log_.back(), &forged);
  ASSERT_NO_FATAL_FAILURE(Tamper(
      "INSERT INTO audit_log(seq, at, actor, action, subject, detail, prev_hash, hash) "
      "VALUES (" +
          std::to_string(forged.seq) + ", '" + FormatRfc3339(forged.at) + "', '" + forged.actor +
          "', '" + forged.action + "', '" + forged.subject + "', '" + forged.detail + "', ?, ?)",
      {Bytes(forged.prev_hash), Bytes(forged.hash)}));

  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(report->chain_break.has_value());
  EXPECT_THAT(report->problems,
              ElementsAre(AllOf(HasSubstr("audit entry " + std::to_string(forged.seq)),
                                HasSubstr("deleted"))));
}

TEST_F(AuditTamper, DeletedLastEntryLeavesItsSubmissionUnrecorded) {
  // Cutting the tail keeps the chain valid; the published head and the
  // submission the entry recorded both give it away.
  const std::int64_t seq = SeqOf(kFirstEdit);
  ASSERT_EQ(seq, log_.back().seq);
  ASSERT_NO_FATAL_FAILURE(Tamper("DELETE FROM audit_log WHERE seq = " + std::to_string(seq)));

  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_NE(report->head_hash, ToHex(log_.back().hash));
  EXPECT_THAT(report->problems,
              ElementsAre(AllOf(HasSubstr(kFirstEdit), HasSubstr("no audit entry"))));
}

// ---- (d)-(f) Submissions ----------------------------------------------------

TEST_F(AuditTamper, AlteredSubmissionBodyIsNamed) {
  ASSERT_NO_FATAL_FAILURE(
      Tamper(std::string("UPDATE submissions SET body = replace(body, '\"V7\":0', '\"V7\":5') "
                         "WHERE instance_id = '") +
             kSecond + "'"));

  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(report->chain_break.has_value());
  EXPECT_THAT(report->problems, Contains(AllOf(HasSubstr(kSecond), HasSubstr("altered"))));
  for (const std::string& problem : report->problems) EXPECT_THAT(problem, HasSubstr(kSecond));
}

TEST_F(AuditTamper, AlteredSubmissionBodyWithAMatchingHashIsNamed) {
  // The forger also recomputes the content hash; the audit entry still holds the old one.
  std::string body;
  {
    RawDatabase db(DbPath());
    body =
        db.Text(std::string("SELECT body FROM submissions WHERE instance_id = '") + kSecond + "'");
  }
  const std::size_t at = body.find("\"V7\":0");
  ASSERT_NE(at, std::string::npos) << body;
  body.replace(at, 6, "\"V7\":5");
  ASSERT_NO_FATAL_FAILURE(
      Tamper(std::string("UPDATE submissions SET body = CAST(? AS TEXT), content_hash = ? "
                         "WHERE instance_id = '") +
                 kSecond + "'",
             {body, Bytes(HashSha256(body))}));

  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(report->chain_break.has_value());
  EXPECT_THAT(report->problems,
              ElementsAre(AllOf(HasSubstr(kSecond),
                                HasSubstr("audit entry " + std::to_string(SeqOf(kSecond))),
                                HasSubstr("altered"))));
}

TEST_F(AuditTamper, UnreadableSubmissionBodyIsNamed) {
  ASSERT_NO_FATAL_FAILURE(
      Tamper(std::string("UPDATE submissions SET body = 'shredded' WHERE instance_id = '") +
             kSecond + "'"));

  auto store = mission_.OpenStore();
  ASSERT_NE(store, nullptr);
  auto report = service::VerifyAudit(*store, {});
  ASSERT_FALSE(report.has_value()) << "an unreadable submission went unnoticed";
  EXPECT_EQ(report.error().code(), StatusCode::kDataLoss);
  EXPECT_THAT(report.error().message(), HasSubstr(kSecond));
}

TEST_F(AuditTamper, DeletedSubmissionIsNamedByItsAuditEntry) {
  ASSERT_NO_FATAL_FAILURE(
      Tamper(std::string("DELETE FROM submissions WHERE instance_id = '") + kSecond + "'"));

  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(report->chain_break.has_value());
  EXPECT_THAT(report->problems,
              UnorderedElementsAre(AllOf(HasSubstr("audit entry " + std::to_string(SeqOf(kSecond))),
                                         HasSubstr("deleted")),
                                   HasSubstr("station PS-02: the store counts 1 current reports, "
                                             "its submissions hold 0")));
}

TEST_F(AuditTamper, SubmissionInsertedOutsideVigilIsReported) {
  ASSERT_NO_FATAL_FAILURE(InsertForgedSubmission(log_.back().seq + 1));

  // The reports per station agree: the store counts rows added after its
  // last fold again when it opens (see SqliteStore::WriteSubmissions).
  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(report->chain_break.has_value());
  EXPECT_THAT(report->problems,
              ElementsAre(AllOf(HasSubstr(kForged), HasSubstr("no audit entry"))));
}

TEST_F(AuditTamper, SubmissionInsertedUnderAnotherSubmissionsEntryIsReported) {
  ASSERT_NO_FATAL_FAILURE(InsertForgedSubmission(SeqOf(kSecond)));

  // The reports per station agree: the store counts rows added after its
  // last fold again when it opens (see SqliteStore::WriteSubmissions).
  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(report->chain_break.has_value());
  EXPECT_THAT(report->problems,
              ElementsAre(AllOf(HasSubstr(kForged), HasSubstr("no audit entry"))));
}

TEST_F(AuditTamper, RevivedSupersededVersionIsReported) {
  // Un-replacing kFirst makes PS-01 count two current reports.
  ASSERT_NO_FATAL_FAILURE(
      Tamper(std::string("UPDATE submissions SET superseded_by = NULL WHERE instance_id = '") +
             kFirst + "'"));

  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_THAT(report->problems,
              UnorderedElementsAre(
                  AllOf(HasSubstr(kFirst), HasSubstr("not marked"), HasSubstr("altered")),
                  HasSubstr("station PS-01: the store counts 1 current reports, its submissions "
                            "hold 2")));
}

TEST_F(AuditTamper, CurrentVersionMarkedAsReplacedIsReported) {
  // Marking kSecond as replaced drops it from the counts.
  ASSERT_NO_FATAL_FAILURE(Tamper(std::string("UPDATE submissions SET superseded_by = '") + kThird +
                                 "' WHERE instance_id = '" + kSecond + "'"));

  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_THAT(report->problems,
              UnorderedElementsAre(
                  AllOf(HasSubstr(kSecond), HasSubstr("does not replace it")),
                  HasSubstr("station PS-02: the store counts 1 current reports, its submissions "
                            "hold 0")));
}

TEST_F(AuditTamper, SubmissionMovedToAnotherStationIsReported) {
  // The body still names PS-02; only the column that reports are counted by moves.
  ASSERT_NO_FATAL_FAILURE(
      Tamper(std::string("UPDATE submissions SET station_code = 'PS-09' WHERE instance_id = '") +
             kSecond + "'"));

  auto store = mission_.OpenStore();
  ASSERT_NE(store, nullptr);
  const auto report = service::VerifyAudit(*store, {});
  ASSERT_FALSE(report.has_value()) << "a moved submission went unnoticed";
  EXPECT_EQ(report.error().code(), StatusCode::kDataLoss);
  EXPECT_THAT(report.error().message(),
              AllOf(HasSubstr(kSecond), HasSubstr("station_code says 'PS-09'"),
                    HasSubstr("content says 'PS-02'")));
}

TEST_F(AuditTamper, StationCountAlteredIsReported) {
  ASSERT_NO_FATAL_FAILURE(
      Tamper("UPDATE station_reports SET current = 5 WHERE station_code = 'PS-03'"));

  const std::optional<service::AuditReport> report = Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_THAT(report->problems,
              ElementsAre(HasSubstr("form V station PS-03: the store counts 5 current reports, "
                                    "its submissions hold 1 (altered)")));
}

}  // namespace
}  // namespace vigil
