// Tests for the observation table and findings (analysis/observations.h,
// analysis/findings.h) on a hand-built mission; every expected figure is
// worked out by hand in the comments.
#include "analysis/findings.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace vigil::analysis {
namespace {

namespace json = boost::json;
using core::ReviewStatus;

core::Location Place(std::string code, std::string parent,
                     core::Settlement settlement = core::Settlement::kUnknown) {
  core::Location l;
  l.code = code;
  l.name = "Place " + code;
  l.parent_code = std::move(parent);
  l.settlement = settlement;
  return l;
}

core::Question Ask(std::string code, core::QuestionType type, std::vector<std::string> negative,
                   std::vector<core::Criterion> criteria = {}) {
  core::Question q;
  q.code = std::move(code);
  q.type = type;
  q.labels = {{"en", "Question " + q.code}};
  q.negative_values = std::move(negative);
  q.criteria = std::move(criteria);
  return q;
}

// Country C (depth 0); regions N and S (depth 1); stations PS-1 (urban),
// PS-2 (rural) in N, PS-3 (urban), PS-4 (rural) in S.
// Form V: Q1 yes/no/na (negative: no), Q2 assessment (bad, very bad), Q3
// integer (negative above 0), Q4 multiple choice a/b/c (negative: c), Q5
// text (not counted).
std::shared_ptr<const core::MissionIndex> Mission() {
  core::Form v;
  v.code = "V";
  v.version = "1";
  v.title = {{"en", "Voting"}};
  v.questions.push_back(
      Ask("Q1", core::QuestionType::kYesNoNa, {"no"}, {core::Criterion::kTransparency}));
  v.questions.push_back(Ask("Q2", core::QuestionType::kAssessment, {"bad", "very_bad"},
                            {core::Criterion::kConfidence, core::Criterion::kTransparency}));
  core::Question q3 = Ask("Q3", core::QuestionType::kInteger, {}, {core::Criterion::kUniversality});
  q3.negative_above = 0;
  v.questions.push_back(q3);
  core::Question q4 = Ask("Q4", core::QuestionType::kSelectMultiple, {"c"});
  q4.options = {{"a", {}}, {"b", {}}, {"c", {}}};
  v.questions.push_back(q4);
  v.questions.push_back(Ask("Q5", core::QuestionType::kText, {}));
  return std::make_shared<core::MissionIndex>(
      core::Election{"Test", "Testland", "2026-06-01", false},
      std::vector<core::Location>{Place("C", ""), Place("N", "C"), Place("S", "C"),
                                  Place("PS-1", "N", core::Settlement::kUrban),
                                  Place("PS-2", "N", core::Settlement::kRural),
                                  Place("PS-3", "S", core::Settlement::kUrban),
                                  Place("PS-4", "S", core::Settlement::kRural)},
      std::vector<core::Observer>{}, std::vector<core::Form>{v});
}

Timestamp At(int hour) {
  return *ParseRfc3339("2026-06-01T" + std::to_string(10 + hour) + ":00:00Z");
}

core::Submission Report(std::string id, std::string station, std::string answers, int hour,
                        std::string replaces = "") {
  core::Submission s;
  s.instance_id = std::move(id);
  s.form_code = "V";
  s.form_version = "1";
  s.station_code = std::move(station);
  s.observer_code = "OBS-1";
  s.submitted_at = At(hour);
  s.replaces = std::move(replaces);
  s.answers = json::parse(answers).as_object();
  return s;
}

// Five reports; PS-1 has two (two teams), each counted:
//   s1 PS-1 08h: Q1 yes, Q2 good,      Q3 0, Q4 [a]
//   s2 PS-1 09h: Q1 no,  Q2 bad,       Q3 3, Q4 [a, c]
//   s3 PS-2 10h: Q1 na,  Q2 very_bad,  Q3 1
//   s4 PS-3 11h: Q1 no,  Q2 very_good
//   s5 PS-4 12h: Q1 yes,               Q3 0, Q4 [b]
class FindingsTest : public ::testing::Test {
 protected:
  FindingsTest() : table_(std::make_shared<Geography>(Mission())) {}

  void AddAll() {
    table_.Add(Report("uuid:s1", "PS-1", R"({"Q1":"yes","Q2":"good","Q3":0,"Q4":["a"]})", 8),
               At(8));
    table_.Add(
        Report("uuid:s2", "PS-1", R"({"Q1":"no","Q2":"bad","Q3":3,"Q4":["a","c"],"Q5":"x"})", 9),
        At(9));
    table_.Add(Report("uuid:s3", "PS-2", R"({"Q1":"na","Q2":"very_bad","Q3":1})", 10), At(10));
    table_.Add(Report("uuid:s4", "PS-3", R"({"Q1":"no","Q2":"very_good"})", 11), At(11));
    table_.Add(Report("uuid:s5", "PS-4", R"({"Q1":"yes","Q3":0,"Q4":["b"]})", 12), At(12));
  }

  QuestionFinding Find(const std::string& question, const FindingFilter& filter = {}) {
    auto f = ComputeFinding(table_, "V", question, filter);
    EXPECT_TRUE(f.has_value()) << (f ? "" : f.error().message());
    return f ? *f : QuestionFinding{};
  }

  ObservationTable table_;
};

std::int64_t Count(const QuestionFinding& f, const std::string& value) {
  for (const OptionCount& o : f.distribution) {
    if (o.value == value) return o.count;
  }
  return -1;
}

TEST_F(FindingsTest, YesNoNaShareExcludesNotApplicableFromN) {
  AddAll();
  const QuestionFinding f = Find("Q1");
  EXPECT_EQ(f.observations, 5);
  EXPECT_EQ(f.answered, 5);
  EXPECT_EQ(f.not_applicable, 1);  // s3
  EXPECT_EQ(f.n, 4);
  EXPECT_EQ(f.negative, 2);  // s2, s4
  ASSERT_TRUE(f.share.has_value());
  EXPECT_DOUBLE_EQ(*f.share, 0.5);
  EXPECT_EQ(Count(f, "yes"), 2);
  EXPECT_EQ(Count(f, "no"), 2);
  EXPECT_EQ(Count(f, "na"), 1);
  EXPECT_FALSE(f.interval.has_value());
  EXPECT_EQ(f.interval_note, "not a random sample");
}

TEST_F(FindingsTest, AssessedNegativelyIsBadPlusVeryBadAmongRated) {
  AddAll();
  const QuestionFinding f = Find("Q2");
  EXPECT_EQ(f.n, 4);         // s5 did not rate
  EXPECT_EQ(f.negative, 2);  // bad (s2) + very bad (s3)
  EXPECT_DOUBLE_EQ(*f.share, 0.5);
  EXPECT_EQ(Count(f, "very_good"), 1);
  EXPECT_EQ(Count(f, "good"), 1);
}

TEST_F(FindingsTest, IntegerIsNegativeAboveThresholdWithMean) {
  AddAll();
  const QuestionFinding f = Find("Q3");
  EXPECT_EQ(f.n, 4);         // 0, 3, 1, 0
  EXPECT_EQ(f.negative, 2);  // 3 and 1 are above 0
  EXPECT_DOUBLE_EQ(*f.share, 0.5);
  ASSERT_TRUE(f.mean.has_value());
  EXPECT_DOUBLE_EQ(*f.mean, 1.0);  // 4 / 4
}

TEST_F(FindingsTest, MultipleChoiceIsNegativeIfAnyNegativeOptionIsChosen) {
  AddAll();
  const QuestionFinding f = Find("Q4");
  EXPECT_EQ(f.n, 3);
  EXPECT_EQ(f.negative, 1);  // s2 chose c
  EXPECT_DOUBLE_EQ(*f.share, 1.0 / 3);
  EXPECT_EQ(Count(f, "a"), 2);
  EXPECT_EQ(Count(f, "b"), 1);
  EXPECT_EQ(Count(f, "c"), 1);
}

TEST_F(FindingsTest, TextQuestionsAndUnknownFormsAreNotFound) {
  AddAll();
  auto text = ComputeFinding(table_, "V", "Q5", {});
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().code(), StatusCode::kNotFound);
  EXPECT_NE(text.error().message().find("Q5"), std::string::npos);
  EXPECT_EQ(ComputeFinding(table_, "X", "Q1", {}).error().code(), StatusCode::kNotFound);
}

TEST_F(FindingsTest, NoAnswersGiveNZeroAndNoShare) {
  const QuestionFinding f = Find("Q1");
  EXPECT_EQ(f.observations, 0);
  EXPECT_EQ(f.n, 0);
  EXPECT_FALSE(f.share.has_value());
  EXPECT_FALSE(f.mean.has_value());
}

TEST_F(FindingsTest, AllNotApplicableGiveNZeroAndNoShare) {
  table_.Add(Report("uuid:s3", "PS-2", R"({"Q1":"na"})", 10), At(10));
  const QuestionFinding f = Find("Q1");
  EXPECT_EQ(f.answered, 1);
  EXPECT_EQ(f.not_applicable, 1);
  EXPECT_EQ(f.n, 0);
  EXPECT_FALSE(f.share.has_value());
}

TEST_F(FindingsTest, QuarantinedCountUnlessExcluded) {
  AddAll();
  ASSERT_TRUE(table_.SetReviewStatus("uuid:s2", ReviewStatus::kQuarantined));
  EXPECT_EQ(Find("Q1").n, 4);
  const QuestionFinding f = Find("Q1", {.exclude_quarantined = true});
  EXPECT_EQ(f.observations, 4);
  EXPECT_EQ(f.n, 3);
  EXPECT_EQ(f.negative, 1);  // s4
}

TEST_F(FindingsTest, AllQuarantinedAndExcludedLeaveNothing) {
  AddAll();
  for (const char* id : {"uuid:s1", "uuid:s2", "uuid:s3", "uuid:s4", "uuid:s5"}) {
    ASSERT_TRUE(table_.SetReviewStatus(id, ReviewStatus::kQuarantined));
  }
  const QuestionFinding f = Find("Q1", {.exclude_quarantined = true});
  EXPECT_EQ(f.observations, 0);
  EXPECT_EQ(f.n, 0);
  EXPECT_FALSE(f.share.has_value());
  // The scanning path agrees with the running tallies.
  const QuestionFinding scanned =
      Find("Q1", {.exclude_quarantined = true, .settlement = core::Settlement::kUrban});
  EXPECT_EQ(scanned.n, 0);
}

TEST_F(FindingsTest, RejectedNeverCount) {
  AddAll();
  ASSERT_TRUE(table_.SetReviewStatus("uuid:s4", ReviewStatus::kRejected));
  const QuestionFinding f = Find("Q1");
  EXPECT_EQ(f.observations, 4);
  EXPECT_EQ(f.n, 3);
  EXPECT_EQ(f.negative, 1);  // s2
  EXPECT_EQ(Find("Q1", {.within = {"C"}}).negative, 1);
}

TEST_F(FindingsTest, VerifiedOnly) {
  AddAll();
  ASSERT_TRUE(table_.SetReviewStatus("uuid:s1", ReviewStatus::kVerified));
  ASSERT_TRUE(table_.SetReviewStatus("uuid:s4", ReviewStatus::kVerified));
  const QuestionFinding f = Find("Q1", {.verified_only = true});
  EXPECT_EQ(f.observations, 2);
  EXPECT_EQ(f.n, 2);
  EXPECT_EQ(f.negative, 1);  // s4
  EXPECT_FALSE(table_.SetReviewStatus("uuid:unknown", ReviewStatus::kVerified));
  // Back to unreviewed: the tallies move back.
  ASSERT_TRUE(table_.SetReviewStatus("uuid:s4", ReviewStatus::kUnreviewed));
  EXPECT_EQ(Find("Q1", {.verified_only = true}).n, 1);
}

TEST_F(FindingsTest, AnEditReplacesTheRowItSupersedes) {
  AddAll();
  table_.Add(Report("uuid:s2b", "PS-1", R"({"Q1":"yes"})", 9, "uuid:s2"), At(9));
  EXPECT_FALSE(table_.Contains("uuid:s2"));
  EXPECT_TRUE(table_.Contains("uuid:s2b"));
  EXPECT_EQ(table_.rows(), 5U);
  const QuestionFinding f = Find("Q1");
  EXPECT_EQ(f.observations, 5);
  EXPECT_EQ(f.negative, 1);  // s4 only
  EXPECT_EQ(Count(f, "yes"), 3);
  // Scanned rows (the moved last row included) say the same.
  EXPECT_EQ(Find("Q1", {.within = {"N", "S"}}).negative, 1);
  EXPECT_EQ(Find("Q2", {.within = {"N", "S"}}).n, 3);  // s2b did not rate
  // A repeated delivery of a stored version does not add a row.
  table_.Add(Report("uuid:s5", "PS-4", R"({"Q1":"yes","Q3":0,"Q4":["b"]})", 12), At(12));
  EXPECT_EQ(table_.rows(), 5U);
}

TEST_F(FindingsTest, ByRegionAtDepthOne) {
  AddAll();
  auto areas = ComputeFindingByArea(table_, "V", "Q1", 1, {});
  ASSERT_TRUE(areas.has_value());
  ASSERT_EQ(areas->size(), 2U);
  // N: s1 yes, s2 no, s3 na -> n 2, negative 1.
  EXPECT_EQ((*areas)[0].code, "N");
  EXPECT_EQ((*areas)[0].finding.observations, 3);
  EXPECT_EQ((*areas)[0].finding.n, 2);
  EXPECT_EQ((*areas)[0].finding.negative, 1);
  // S: s4 no, s5 yes -> n 2, negative 1.
  EXPECT_EQ((*areas)[1].code, "S");
  EXPECT_EQ((*areas)[1].finding.n, 2);
  EXPECT_EQ((*areas)[1].finding.negative, 1);
  // Depth 0: the country holds everything.
  auto country = ComputeFindingByArea(table_, "V", "Q1", 0, {});
  ASSERT_EQ(country->size(), 1U);
  EXPECT_EQ((*country)[0].finding.n, 4);
}

TEST_F(FindingsTest, CoordinatorSeesOnlyItsRegions) {
  AddAll();
  const FindingFilter south{.within = {"S"}};
  const QuestionFinding f = Find("Q1", south);
  EXPECT_EQ(f.observations, 2);  // s4, s5
  EXPECT_EQ(f.n, 2);
  EXPECT_EQ(f.negative, 1);
  auto areas = ComputeFindingByArea(table_, "V", "Q1", 1, south);
  ASSERT_EQ(areas->size(), 1U);
  EXPECT_EQ((*areas)[0].code, "S");
  const auto summary = ComputeSummary(table_, south);
  ASSERT_EQ(summary.size(), 1U);
  EXPECT_EQ(summary[0].observations, 2);
  EXPECT_EQ(summary[0].questions[0].n, 2);
}

TEST_F(FindingsTest, UrbanRuralAndTimeWindow) {
  AddAll();
  // Urban: PS-1 and PS-3 -> s1 yes, s2 no, s4 no.
  const QuestionFinding urban = Find("Q1", {.settlement = core::Settlement::kUrban});
  EXPECT_EQ(urban.n, 3);
  EXPECT_EQ(urban.negative, 2);
  // [09h, 11h): s2 no, s3 na.
  const QuestionFinding window = Find("Q1", {.from = At(9), .to = At(11)});
  EXPECT_EQ(window.observations, 2);
  EXPECT_EQ(window.n, 1);
  EXPECT_EQ(window.negative, 1);
  EXPECT_DOUBLE_EQ(*window.share, 1.0);
}

TEST_F(FindingsTest, RandomSampleGetsAWilsonInterval) {
  AddAll();
  // Sample PS-1, PS-3: s1 yes, s2 no, s4 no -> 2 of 3.
  const QuestionFinding f = Find("Q1", {.sample = std::vector<std::string>{"PS-1", "PS-3"}});
  EXPECT_EQ(f.n, 3);
  EXPECT_EQ(f.negative, 2);
  ASSERT_TRUE(f.interval.has_value());
  EXPECT_NEAR(f.interval->low, 0.20766, 1e-5);
  EXPECT_NEAR(f.interval->high, 0.93851, 1e-5);
  EXPECT_EQ(f.interval_note, "");
}

TEST(WilsonInterval, MatchesNewcombe1998) {
  // Newcombe, Statistics in Medicine 17 (1998), table II: 81/263 gives
  // 0.2553 to 0.3662; 0/10 gives 0 to 0.2775.
  const Interval a = WilsonInterval(81, 263);
  EXPECT_NEAR(a.low, 0.2553, 5e-5);
  EXPECT_NEAR(a.high, 0.3662, 5e-5);
  const Interval b = WilsonInterval(0, 10);
  EXPECT_NEAR(b.low, 0.0, 1e-12);
  EXPECT_NEAR(b.high, 0.2775, 5e-5);
}

TEST_F(FindingsTest, SummaryCountsEveryFormAndStatus) {
  AddAll();
  ASSERT_TRUE(table_.SetReviewStatus("uuid:s3", ReviewStatus::kQuarantined));
  ASSERT_TRUE(table_.SetReviewStatus("uuid:s5", ReviewStatus::kRejected));
  const auto summary = ComputeSummary(table_, {});
  ASSERT_EQ(summary.size(), 1U);
  const FormSummary& v = summary[0];
  EXPECT_EQ(v.form, "V");
  EXPECT_EQ(v.title, "Voting");
  EXPECT_EQ(v.observations, 4);  // s5 rejected
  EXPECT_EQ(v.by_status[static_cast<int>(ReviewStatus::kUnreviewed)], 3);
  EXPECT_EQ(v.by_status[static_cast<int>(ReviewStatus::kQuarantined)], 1);
  EXPECT_EQ(v.by_status[static_cast<int>(ReviewStatus::kRejected)], 1);
  ASSERT_EQ(v.questions.size(), 4U);  // Q5 (text) is not counted
  // Q1 without s5: yes 1, no 2, na 1 -> n 3, negative 2.
  EXPECT_EQ(v.questions[0].n, 3);
  EXPECT_EQ(v.questions[0].negative, 2);
  // The same by scanning (a filter that keeps every station).
  const auto scanned = ComputeSummary(table_, {.within = {"C"}});
  for (std::size_t q = 0; q < 4; ++q) {
    EXPECT_EQ(scanned[0].questions[q].n, v.questions[q].n) << q;
    EXPECT_EQ(scanned[0].questions[q].negative, v.questions[q].negative) << q;
  }
}

TEST_F(FindingsTest, SummaryByAreaSplitsEachForm) {
  AddAll();
  const auto areas = ComputeSummaryByArea(table_, 1, {});
  ASSERT_EQ(areas.size(), 2U);
  EXPECT_EQ(areas[0].code, "N");
  EXPECT_EQ(areas[0].forms[0].observations, 3);
  // N, Q3: 0, 3, 1 -> 2 of 3 negative.
  EXPECT_EQ(areas[0].forms[0].questions[2].n, 3);
  EXPECT_EQ(areas[0].forms[0].questions[2].negative, 2);
  EXPECT_EQ(areas[1].forms[0].observations, 2);
}

TEST_F(FindingsTest, ScorecardListsTaggedQuestionsPerCriterion) {
  AddAll();
  const auto scores = ComputeScorecard(ComputeSummary(table_, {}));
  ASSERT_EQ(scores.size(), 6U);
  EXPECT_EQ(scores[0].criterion, core::Criterion::kEquality);
  EXPECT_TRUE(scores[0].questions.empty());
  // Universality: Q3.
  ASSERT_EQ(scores[1].questions.size(), 1U);
  EXPECT_EQ(scores[1].questions[0].question, "Q3");
  // Transparency: Q1 and Q2.
  const auto& transparency = scores[static_cast<int>(core::Criterion::kTransparency)];
  ASSERT_EQ(transparency.questions.size(), 2U);
  EXPECT_EQ(transparency.questions[0].question, "Q1");
  EXPECT_EQ(transparency.questions[1].question, "Q2");
  EXPECT_DOUBLE_EQ(*transparency.questions[1].share, 0.5);
}

// The urban/rural summary comes from running tallies kept per settlement;
// a time window that admits every row forces the scan over the same rows,
// so the two must agree after every kind of change. (Without a settlement
// they may not: the tallies count a report at a station the set-up does
// not know, any other filter leaves it out.)
void ExpectTalliesMatchScan(const ObservationTable& table) {
  for (const core::Settlement settlement :
       {core::Settlement::kUrban, core::Settlement::kRural, core::Settlement::kUnknown}) {
    for (const bool exclude_quarantined : {false, true}) {
      FindingFilter tallied{.exclude_quarantined = exclude_quarantined, .settlement = settlement};
      ASSERT_TRUE(tallied.FromTallies());
      FindingFilter scanned = tallied;
      scanned.from = Timestamp{};  // 1970: every row
      ASSERT_FALSE(scanned.FromTallies());
      const auto a = ComputeSummary(table, tallied);
      const auto b = ComputeSummary(table, scanned);
      ASSERT_EQ(a.size(), b.size());
      for (std::size_t f = 0; f < a.size(); ++f) {
        SCOPED_TRACE(a[f].form + " settlement " + std::to_string(static_cast<int>(settlement)) +
                     (exclude_quarantined ? " without quarantined" : ""));
        EXPECT_EQ(a[f].observations, b[f].observations);
        ASSERT_EQ(a[f].questions.size(), b[f].questions.size());
        for (std::size_t q = 0; q < a[f].questions.size(); ++q) {
          const QuestionFinding& x = a[f].questions[q];
          const QuestionFinding& y = b[f].questions[q];
          EXPECT_EQ(x.answered, y.answered) << x.question;
          EXPECT_EQ(x.not_applicable, y.not_applicable) << x.question;
          EXPECT_EQ(x.negative, y.negative) << x.question;
          EXPECT_EQ(x.mean, y.mean) << x.question;
          for (std::size_t o = 0; o < x.distribution.size(); ++o) {
            EXPECT_EQ(x.distribution[o].count, y.distribution[o].count) << x.question;
          }
        }
      }
    }
  }
}

TEST_F(FindingsTest, SettlementTalliesAgreeWithAScan) {
  AddAll();
  // Urban Q1 from tallies: s1 yes, s2 no, s4 no (as UrbanRuralAndTimeWindow).
  const QuestionFinding urban = Find("Q1", {.settlement = core::Settlement::kUrban});
  EXPECT_EQ(urban.observations, 3);
  EXPECT_EQ(urban.n, 3);
  EXPECT_EQ(urban.negative, 2);
  ExpectTalliesMatchScan(table_);
  // An edit that moves s4 from urban PS-3 to rural PS-2.
  table_.Add(Report("uuid:s4b", "PS-2", R"({"Q1":"yes","Q2":"bad"})", 13, "uuid:s4"), At(13));
  EXPECT_EQ(Find("Q1", {.settlement = core::Settlement::kUrban}).n, 2);  // s1, s2
  ExpectTalliesMatchScan(table_);
  // Review changes, a removal, and a station the set-up does not know.
  ASSERT_TRUE(table_.SetReviewStatus("uuid:s1", ReviewStatus::kQuarantined));
  ASSERT_TRUE(table_.SetReviewStatus("uuid:s3", ReviewStatus::kRejected));
  ASSERT_TRUE(table_.Remove("uuid:s5"));
  table_.Add(Report("uuid:s6", "PS-9", R"({"Q1":"no"})", 14), At(14));
  ExpectTalliesMatchScan(table_);
  // Urban, quarantined excluded: s2 only.
  const QuestionFinding urban2 =
      Find("Q1", {.exclude_quarantined = true, .settlement = core::Settlement::kUrban});
  EXPECT_EQ(urban2.observations, 1);
  EXPECT_EQ(urban2.negative, 1);
  // A new set-up: PS-1 becomes rural and PS-9 (urban) appears.
  auto old = Mission();
  std::vector<core::Location> places = old->locations();
  places[3].settlement = core::Settlement::kRural;
  places.push_back(Place("PS-9", "S", core::Settlement::kUrban));
  table_.SetGeography(std::make_shared<Geography>(std::make_shared<core::MissionIndex>(
      old->election(), places, std::vector<core::Observer>{}, old->forms())));
  // Urban now: s6 at PS-9 (no) only.
  const QuestionFinding urban3 = Find("Q1", {.settlement = core::Settlement::kUrban});
  EXPECT_EQ(urban3.observations, 1);
  EXPECT_EQ(urban3.negative, 1);
  ExpectTalliesMatchScan(table_);
}

TEST(Geography, DepthsAncestorsAndRegionDepth) {
  const Geography geo(Mission());
  const std::int32_t ps3 = geo.Find("PS-3");
  ASSERT_GE(ps3, 0);
  EXPECT_EQ(geo.depth(ps3), 2);
  EXPECT_TRUE(geo.is_station(ps3));
  EXPECT_FALSE(geo.is_station(geo.Find("S")));
  EXPECT_EQ(geo.AtDepth(ps3, 1), geo.Find("S"));
  EXPECT_EQ(geo.AtDepth(ps3, 0), geo.Find("C"));
  EXPECT_EQ(geo.AtDepth(geo.Find("S"), 2), -1);
  EXPECT_EQ(geo.RegionDepth(), 1);  // one country at the top
  EXPECT_EQ(geo.Find("nowhere"), -1);
}

}  // namespace
}  // namespace vigil::analysis
