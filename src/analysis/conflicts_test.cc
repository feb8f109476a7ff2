// Tests for conflict detection and the master record (analysis/conflicts.h)
// on hand-made reports of one station and form.
#include "analysis/conflicts.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace vigil::analysis {
namespace {

namespace json = boost::json;

core::Submission Report(std::string id, std::string observer, std::string_view answers,
                        std::string replaces = "") {
  core::Submission s;
  s.instance_id = std::move(id);
  s.form_code = "C";
  s.station_code = "PS-1";
  s.observer_code = std::move(observer);
  s.replaces = std::move(replaces);
  s.answers = json::parse(answers).as_object();
  return s;
}

ConflictResolution Choose(std::int64_t id, std::string question, std::string instance_id) {
  return {id,
          "PS-1",
          "C",
          std::move(question),
          std::move(instance_id),
          std::nullopt,
          "seen the protocol photo",
          "token:2/analyst",
          Timestamp()};
}

ConflictResolution Override(std::int64_t id, std::string question, json::value value) {
  return {id,         "PS-1",           "C",       std::move(question),
          "",         std::move(value), "recount", "token:2/analyst",
          Timestamp()};
}

TEST(DetectConflicts, AgreeingObserversHaveNoConflict) {
  const std::vector<core::Submission> reports = {
      Report("uuid:a", "OBS-1", R"({"CV":590,"CO":"good"})"),
      Report("uuid:b", "OBS-2", R"({"CO":"good","CV":590})")};
  EXPECT_TRUE(DetectConflicts(reports, {}).empty());
  const MasterRecord m = BuildMasterRecord(reports, {});
  EXPECT_EQ(m.reports, (std::vector<std::string>{"uuid:a", "uuid:b"}));
  ASSERT_EQ(m.answers.size(), 2u);
  EXPECT_EQ(m.answers[0].question, "CO");  // by question code
  EXPECT_EQ(m.answers[0].value, "good");
  EXPECT_EQ(m.answers[0].source, MasterSource::kAgreed);
  EXPECT_EQ(m.answers[0].from, (std::vector<std::string>{"uuid:a", "uuid:b"}));
  EXPECT_EQ(m.answers[1].value, 590);
}

TEST(DetectConflicts, DisagreementNamesTheQuestionTheAnswersAndWhoGaveThem) {
  const std::vector<core::Submission> reports = {
      Report("uuid:a", "OBS-1", R"({"CV":590,"CO":"good"})"),
      Report("uuid:b", "OBS-2", R"({"CV":580,"CO":"good"})")};
  const auto conflicts = DetectConflicts(reports, {});
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].question, "CV");
  ASSERT_EQ(conflicts[0].answers.size(), 2u);
  EXPECT_EQ(conflicts[0].answers[0].instance_id, "uuid:a");
  EXPECT_EQ(conflicts[0].answers[0].observer_code, "OBS-1");
  EXPECT_EQ(conflicts[0].answers[0].value, 590);
  EXPECT_EQ(conflicts[0].answers[1].observer_code, "OBS-2");
  EXPECT_EQ(conflicts[0].answers[1].value, 580);
  EXPECT_FALSE(conflicts[0].resolution.has_value());
  const MasterRecord m = BuildMasterRecord(reports, {});
  ASSERT_EQ(m.answers.size(), 2u);
  EXPECT_EQ(m.answers[1].question, "CV");
  EXPECT_EQ(m.answers[1].source, MasterSource::kConflict);
  EXPECT_TRUE(m.answers[1].value.is_null());
  EXPECT_TRUE(m.answers[1].from.empty());
}

TEST(DetectConflicts, AMissingAnswerTakesNoSide) {
  // OBS-2 did not answer CN; OBS-3 answered only CN. Nobody disagrees.
  const std::vector<core::Submission> reports = {Report("uuid:a", "OBS-1", R"({"CV":590,"CN":10})"),
                                                 Report("uuid:b", "OBS-2", R"({"CV":590})"),
                                                 Report("uuid:c", "OBS-3", R"({"CN":10})")};
  EXPECT_TRUE(DetectConflicts(reports, {}).empty());
  const MasterRecord m = BuildMasterRecord(reports, {});
  ASSERT_EQ(m.answers.size(), 2u);
  EXPECT_EQ(m.answers[0].question, "CN");
  EXPECT_EQ(m.answers[0].from, (std::vector<std::string>{"uuid:a", "uuid:c"}));
  EXPECT_EQ(m.answers[1].from, (std::vector<std::string>{"uuid:a", "uuid:b"}));
}

TEST(DetectConflicts, OneReportAloneIsTheMasterRecord) {
  const std::vector<core::Submission> reports = {Report("uuid:a", "OBS-1", R"({"CV":590})")};
  EXPECT_TRUE(DetectConflicts(reports, {}).empty());
  const MasterRecord m = BuildMasterRecord(reports, {});
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(m.answers[0].source, MasterSource::kAgreed);
  EXPECT_EQ(m.answers[0].from, (std::vector<std::string>{"uuid:a"}));
}

TEST(DetectConflicts, ThreeObserversTwoAgainstOneIsStillAConflict) {
  const std::vector<core::Submission> reports = {Report("uuid:a", "OBS-1", R"({"CV":590})"),
                                                 Report("uuid:b", "OBS-2", R"({"CV":590})"),
                                                 Report("uuid:c", "OBS-3", R"({"CV":509})")};
  const auto conflicts = DetectConflicts(reports, {});
  ASSERT_EQ(conflicts.size(), 1u);
  ASSERT_EQ(conflicts[0].answers.size(), 3u);  // a majority decides nothing: an analyst does
  EXPECT_EQ(conflicts[0].answers[2].observer_code, "OBS-3");
}

TEST(DetectConflicts, AnEditThatAgreesEndsTheConflict) {
  // uuid:b2 replaces uuid:b, which disagreed.
  std::vector<core::Submission> reports = {Report("uuid:a", "OBS-1", R"({"CV":590})"),
                                           Report("uuid:b", "OBS-2", R"({"CV":580})")};
  ASSERT_EQ(DetectConflicts(reports, {}).size(), 1u);
  reports.push_back(Report("uuid:b2", "OBS-2", R"({"CV":590})", "uuid:b"));
  EXPECT_TRUE(DetectConflicts(reports, {}).empty());
  const MasterRecord m = BuildMasterRecord(reports, {});
  EXPECT_EQ(m.reports, (std::vector<std::string>{"uuid:a", "uuid:b2"}));
  EXPECT_EQ(m.answers[0].from, (std::vector<std::string>{"uuid:a", "uuid:b2"}));
}

TEST(DetectConflicts, AnEditThatDisagreesStartsOne) {
  const std::vector<core::Submission> reports = {
      Report("uuid:a", "OBS-1", R"({"CV":590})"), Report("uuid:b", "OBS-2", R"({"CV":590})"),
      Report("uuid:b2", "OBS-2", R"({"CV":585})", "uuid:b")};
  const auto conflicts = DetectConflicts(reports, {});
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].answers[1].instance_id, "uuid:b2");
}

TEST(DetectConflicts, OneObserversLaterReportTakesThePlaceOfItsEarlierOne) {
  // Two reports of OBS-1 (not an edit): it does not disagree with itself.
  const std::vector<core::Submission> reports = {Report("uuid:a", "OBS-1", R"({"CV":590})"),
                                                 Report("uuid:a2", "OBS-1", R"({"CV":580})")};
  EXPECT_TRUE(DetectConflicts(reports, {}).empty());
  EXPECT_EQ(BuildMasterRecord(reports, {}).answers[0].value, 580);
}

TEST(SameAnswer, NumbersByValueAndMultipleChoiceAsASet) {
  EXPECT_TRUE(SameAnswer(json::value(5), json::value(5.0)));
  EXPECT_TRUE(SameAnswer(json::value(5), json::value(std::uint64_t{5})));
  EXPECT_FALSE(SameAnswer(json::value(5), json::value("5")));
  EXPECT_TRUE(SameAnswer(json::parse(R"(["a","b"])"), json::parse(R"(["b","a"])")));
  EXPECT_FALSE(SameAnswer(json::parse(R"(["a","a"])"), json::parse(R"(["a","b"])")));
  EXPECT_FALSE(SameAnswer(json::parse(R"(["a"])"), json::parse(R"(["a","b"])")));
}

TEST(DetectConflicts, MultipleChoiceInAnotherOrderAgrees) {
  const std::vector<core::Submission> reports = {
      Report("uuid:a", "OBS-1", R"({"CP":["police","party"],"CV":590.0})"),
      Report("uuid:b", "OBS-2", R"({"CP":["party","police"],"CV":590})")};
  EXPECT_TRUE(DetectConflicts(reports, {}).empty());
}

TEST(DetectConflicts, ChoosingAReportResolvesTheConflict) {
  const std::vector<core::Submission> reports = {Report("uuid:a", "OBS-1", R"({"CV":590})"),
                                                 Report("uuid:b", "OBS-2", R"({"CV":580})")};
  const std::vector<ConflictResolution> resolutions = {Choose(1, "CV", "uuid:b")};
  const auto conflicts = DetectConflicts(reports, resolutions);
  ASSERT_EQ(conflicts.size(), 1u);  // still listed, as resolved
  ASSERT_TRUE(conflicts[0].resolution.has_value());
  EXPECT_EQ(conflicts[0].resolution->instance_id, "uuid:b");
  const MasterRecord m = BuildMasterRecord(reports, resolutions);
  EXPECT_EQ(m.answers[0].source, MasterSource::kChosen);
  EXPECT_EQ(m.answers[0].value, 580);
  EXPECT_EQ(m.answers[0].from, (std::vector<std::string>{"uuid:b"}));
  EXPECT_EQ(m.answers[0].resolution->note, "seen the protocol photo");
}

TEST(DetectConflicts, TheLatestResolutionHoldsAndAnOverrideGivesItsValue) {
  const std::vector<core::Submission> reports = {Report("uuid:a", "OBS-1", R"({"CV":590})"),
                                                 Report("uuid:b", "OBS-2", R"({"CV":580})")};
  // Given out of order: id 3 is the latest.
  const std::vector<ConflictResolution> resolutions = {
      Override(3, "CV", 588), Choose(2, "CV", "uuid:a"), Choose(1, "CV", "uuid:b")};
  const MasterRecord m = BuildMasterRecord(reports, resolutions);
  EXPECT_EQ(m.answers[0].source, MasterSource::kOverride);
  EXPECT_EQ(m.answers[0].value, 588);
  EXPECT_TRUE(m.answers[0].from.empty());
  EXPECT_EQ(m.answers[0].resolution->id, 3);
}

TEST(DetectConflicts, ResolutionsOfOtherStationsFormsAndQuestionsDoNotApply) {
  const std::vector<core::Submission> reports = {Report("uuid:a", "OBS-1", R"({"CV":590})"),
                                                 Report("uuid:b", "OBS-2", R"({"CV":580})")};
  ConflictResolution other_station = Override(1, "CV", 1);
  other_station.station_code = "PS-2";
  ConflictResolution other_form = Override(2, "CV", 2);
  other_form.form_code = "V";
  const std::vector<ConflictResolution> resolutions = {other_station, other_form,
                                                       Override(3, "CN", 3)};
  const auto conflicts = DetectConflicts(reports, resolutions);
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_FALSE(conflicts[0].resolution.has_value());
}

TEST(DetectConflicts, AChoiceOfAnEditedReportNoLongerHolds) {
  // The analyst chose uuid:b; OBS-2 then edited it (uuid:b2), still disagreeing.
  const std::vector<core::Submission> reports = {
      Report("uuid:a", "OBS-1", R"({"CV":590})"), Report("uuid:b", "OBS-2", R"({"CV":580})"),
      Report("uuid:b2", "OBS-2", R"({"CV":570})", "uuid:b")};
  const std::vector<ConflictResolution> resolutions = {Choose(1, "CV", "uuid:b")};
  const auto conflicts = DetectConflicts(reports, resolutions);
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_FALSE(conflicts[0].resolution.has_value());  // open again
  EXPECT_EQ(BuildMasterRecord(reports, resolutions).answers[0].source, MasterSource::kConflict);
}

TEST(DetectConflicts, NoReportsNoConflictsAndAnEmptyMasterRecord) {
  EXPECT_TRUE(DetectConflicts({}, {}).empty());
  const MasterRecord m = BuildMasterRecord({}, {});
  EXPECT_TRUE(m.reports.empty());
  EXPECT_TRUE(m.answers.empty());
}

}  // namespace
}  // namespace vigil::analysis
