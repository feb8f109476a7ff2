// Tests for the mission index and submission validation (core/mission.h).
#include "core/mission.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "common/utf8.h"

namespace vigil::core {
namespace {

namespace json = boost::json;

// One question of every type; version "1" of form "T".
constexpr const char* kFormV1 = R"json({
  "code": "T", "version": "1", "phase": "voting",
  "questions": [
    {"code": "YN", "type": "yes_no", "required": true},
    {"code": "NA", "type": "yes_no_na"},
    {"code": "N", "type": "integer", "min": 0, "max": 100},
    {"code": "D", "type": "decimal", "min": 0, "max": 1},
    {"code": "S1", "type": "select_one", "options": [{"value": "a"}, {"value": "b"}]},
    {"code": "SM", "type": "select_multiple",
     "options": [{"value": "a"}, {"value": "b"}, {"value": "c"}]},
    {"code": "AS", "type": "assessment"},
    {"code": "TM", "type": "time"},
    {"code": "TX", "type": "text", "max": 10},
    {"code": "TL", "type": "text"},
    {"code": "PH", "type": "image"}
  ]
})json";

// Version "2" of form "T", installed after version "1": only asks YN.
constexpr const char* kFormV2 = R"json({
  "code": "T", "version": "2", "phase": "voting",
  "questions": [{"code": "YN", "type": "yes_no", "required": true}]
})json";

Form LoadForm(const char* definition) {
  auto form = FormFromJson(json::parse(definition));
  EXPECT_TRUE(form.has_value()) << (form ? "" : form.error().ToString());
  return form.value_or(Form{});
}

Location Place(std::string code, std::string parent) {
  Location l;
  l.code = std::move(code);
  l.name = l.code;
  l.parent_code = std::move(parent);
  return l;
}

Observer Person(std::string code, std::vector<std::string> stations) {
  Observer o;
  o.code = std::move(code);
  o.name = o.code;
  o.stations = std::move(stations);
  return o;
}

// Country FD with regions R1 (stations PS-1, PS-2) and R2 (station PS-3).
// OB-1 is assigned to PS-1, OB-2 to PS-2 and PS-3.
MissionIndex TinyMission(bool enforce_assignments = true) {
  Election election;
  election.name = "Parliamentary elections 2026";
  election.country = "Freedonia";
  election.date = "2026-11-28";
  election.enforce_assignments = enforce_assignments;
  return MissionIndex(election,
                      {Place("FD", ""), Place("R1", "FD"), Place("R2", "FD"), Place("PS-1", "R1"),
                       Place("PS-2", "R1"), Place("PS-3", "R2")},
                      {Person("OB-1", {"PS-1"}), Person("OB-2", {"PS-2", "PS-3"})},
                      {LoadForm(kFormV1), LoadForm(kFormV2)});
}

// A valid submission by OB-1 at PS-1 against T version 1.
Submission ValidSubmission() {
  Submission s;
  s.instance_id = "uuid:6f1c2a4e-3b7d-4c55-9a0e-2f8d1b6c7e90";
  s.form_code = "T";
  s.form_version = "1";
  s.station_code = "PS-1";
  s.observer_code = "OB-1";
  s.answers = json::parse(R"({
    "YN": "no", "NA": "na", "N": 7, "D": 0.5, "S1": "b", "SM": ["c", "a"],
    "AS": "very_good", "TM": "07:05", "TX": "calm", "TL": "nothing to add",
    "PH": "1717750000123.jpg"
  })")
                  .as_object();
  return s;
}

std::string Describe(const std::vector<FieldError>& errors) {
  std::string text;
  for (const FieldError& e : errors) text += e.field + ": " + e.problem + "\n";
  return text.empty() ? "no errors" : text;
}

// Validates `s` and expects exactly one error, on `field`, containing `problem`.
void ExpectOnlyError(const Submission& s, std::string_view field, std::string_view problem,
                     const MissionIndex& mission = TinyMission()) {
  const std::vector<FieldError> errors = ValidateSubmission(s, mission);
  ASSERT_EQ(errors.size(), 1u) << Describe(errors);
  EXPECT_EQ(errors[0].field, field);
  EXPECT_NE(errors[0].problem.find(problem), std::string::npos) << errors[0].problem;
}

void ExpectNoErrors(const Submission& s, const MissionIndex& mission = TinyMission()) {
  for (const FieldError& e : ValidateSubmission(s, mission)) {
    ADD_FAILURE() << e.field << ": " << e.problem;
  }
}

// `s` with the answer to `code` replaced by `answer` (parsed as JSON).
Submission WithAnswer(std::string_view code, std::string_view answer) {
  Submission s = ValidSubmission();
  s.answers[code] = json::parse(answer);
  return s;
}

TEST(MissionIndex, FindsLocationsByCode) {
  const MissionIndex mission = TinyMission();
  ASSERT_NE(mission.FindLocation("R2"), nullptr);
  EXPECT_EQ(mission.FindLocation("R2")->parent_code, "FD");
  EXPECT_EQ(mission.FindLocation("R3"), nullptr);
}

TEST(MissionIndex, TreatsLeavesAsPollingStations) {
  const MissionIndex mission = TinyMission();
  EXPECT_TRUE(mission.IsPollingStation("PS-1"));
  EXPECT_TRUE(mission.IsPollingStation("PS-3"));
  EXPECT_FALSE(mission.IsPollingStation("R1"));
  EXPECT_FALSE(mission.IsPollingStation("FD"));
  EXPECT_FALSE(mission.IsPollingStation("PS-9"));
  EXPECT_EQ(mission.station_count(), 3u);
}

TEST(MissionIndex, ListsAncestorsNearestFirst) {
  const MissionIndex mission = TinyMission();
  EXPECT_EQ(mission.Ancestors("PS-3"), (std::vector<std::string>{"R2", "FD"}));
  EXPECT_EQ(mission.Ancestors("R1"), (std::vector<std::string>{"FD"}));
}

TEST(MissionIndex, TopLevelAndUnknownLocationsHaveNoAncestors) {
  const MissionIndex mission = TinyMission();
  EXPECT_TRUE(mission.Ancestors("FD").empty());
  EXPECT_TRUE(mission.Ancestors("PS-9").empty());
}

TEST(MissionIndex, StopsAncestorsAtParentCycle) {
  const MissionIndex mission(Election{}, {Place("A", "B"), Place("B", "A")}, {}, {});
  EXPECT_LE(mission.Ancestors("A").size(), 2u);
}

TEST(MissionIndex, IsWithinAnAreaOrBelowIt) {
  const MissionIndex mission = TinyMission();
  const std::vector<std::string> r2{"R2"};
  EXPECT_TRUE(mission.IsWithin("PS-3", r2));
  EXPECT_TRUE(mission.IsWithin("R2", r2));
  EXPECT_FALSE(mission.IsWithin("PS-1", r2));
  EXPECT_FALSE(mission.IsWithin("FD", r2));  // above, not within
  EXPECT_FALSE(mission.IsWithin("PS-9", r2));
  EXPECT_FALSE(mission.IsWithin("PS-3", {}));
  const std::vector<std::string> both{"R1", "PS-3"};
  EXPECT_TRUE(mission.IsWithin("PS-1", both));
  EXPECT_TRUE(mission.IsWithin("PS-3", both));
  const MissionIndex cycle(Election{}, {Place("A", "B"), Place("B", "A")}, {}, {});
  EXPECT_FALSE(cycle.IsWithin("A", std::vector<std::string>{"C"}));
}

TEST(MissionIndex, FindsObserversAndAssignments) {
  const MissionIndex mission = TinyMission();
  ASSERT_NE(mission.FindObserver("OB-2"), nullptr);
  EXPECT_EQ(mission.FindObserver("OB-9"), nullptr);
  EXPECT_TRUE(mission.IsAssigned("OB-2", "PS-3"));
  EXPECT_FALSE(mission.IsAssigned("OB-1", "PS-3"));
  EXPECT_FALSE(mission.IsAssigned("OB-9", "PS-1"));
}

TEST(MissionIndex, FindsNamedFormVersion) {
  const MissionIndex mission = TinyMission();
  ASSERT_NE(mission.FindForm("T", "1"), nullptr);
  EXPECT_EQ(mission.FindForm("T", "1")->version, "1");
  EXPECT_EQ(mission.FindForm("T", "3"), nullptr);
  EXPECT_EQ(mission.FindForm("X", "1"), nullptr);
}

TEST(MissionIndex, CurrentFormIsTheLastInstalled) {
  const MissionIndex mission = TinyMission();
  ASSERT_NE(mission.FindForm("T"), nullptr);
  EXPECT_EQ(mission.FindForm("T")->version, "2");
  EXPECT_EQ(mission.FindForm("X"), nullptr);
}

TEST(ValidateSubmission, AcceptsValidSubmission) { ExpectNoErrors(ValidSubmission()); }

TEST(ValidateSubmission, AcceptsOnlyRequiredAnswers) {
  Submission s = ValidSubmission();
  s.answers = json::object{{"YN", "yes"}};
  ExpectNoErrors(s);
}

TEST(ValidateSubmission, AcceptsNullForOptionalQuestion) {
  ExpectNoErrors(WithAnswer("N", "null"));
}

TEST(ValidateSubmission, RejectsUnknownStation) {
  Submission s = ValidSubmission();
  s.station_code = "PS-9";
  ExpectOnlyError(s, "station", "unknown polling station 'PS-9'");
}

TEST(ValidateSubmission, RejectsLocationThatIsNotAStation) {
  Submission s = ValidSubmission();
  s.station_code = "R1";
  ExpectOnlyError(s, "station", "'R1' is not a polling station");
}

TEST(ValidateSubmission, RejectsUnknownObserver) {
  Submission s = ValidSubmission();
  s.observer_code = "OB-9";
  ExpectOnlyError(s, "observer", "unknown observer 'OB-9'");
}

TEST(ValidateSubmission, RejectsStationNotAssignedToObserver) {
  Submission s = ValidSubmission();
  s.station_code = "PS-2";
  ExpectOnlyError(s, "station", "observer 'OB-1' is not assigned to station 'PS-2'");
}

TEST(ValidateSubmission, AllowsUnassignedStationWhenAssignmentsAreNotEnforced) {
  Submission s = ValidSubmission();
  s.station_code = "PS-2";
  ExpectNoErrors(s, TinyMission(/*enforce_assignments=*/false));
}

TEST(ValidateSubmission, StillRejectsUnknownStationWhenAssignmentsAreNotEnforced) {
  Submission s = ValidSubmission();
  s.station_code = "PS-9";
  ExpectOnlyError(s, "station", "unknown polling station 'PS-9'",
                  TinyMission(/*enforce_assignments=*/false));
}

TEST(ValidateSubmission, RejectsUnknownForm) {
  Submission s = ValidSubmission();
  s.form_code = "X";
  ExpectOnlyError(s, "form", "unknown form 'X'");
}

TEST(ValidateSubmission, RejectsUnknownFormVersion) {
  Submission s = ValidSubmission();
  s.form_version = "3";
  ExpectOnlyError(s, "form_version", "form 'T' has no version '3'");
}

TEST(ValidateSubmission, ChecksAnswersAgainstTheNamedVersion) {
  // NA exists in version 1 but not in version 2.
  Submission s = ValidSubmission();
  s.form_version = "2";
  s.answers = json::object{{"YN", "yes"}, {"NA", "na"}};
  ExpectOnlyError(s, "answers.NA", "unknown question code 'NA' in form T version 2");
}

TEST(ValidateSubmission, RejectsUnknownQuestion) {
  ExpectOnlyError(WithAnswer("ZZ", R"("yes")"), "answers.ZZ",
                  "unknown question code 'ZZ' in form T version 1");
}

TEST(ValidateSubmission, RejectsNumberForYesNo) {
  ExpectOnlyError(WithAnswer("YN", "1"), "answers.YN",
                  "expected one of the answer values as text, got 1");
}

TEST(ValidateSubmission, RejectsValueOutsideYesNo) {
  ExpectOnlyError(WithAnswer("YN", R"("na")"), "answers.YN", "'na' is not one of: yes, no");
}

TEST(ValidateSubmission, RejectsValueOutsideAssessment) {
  ExpectOnlyError(WithAnswer("AS", R"("excellent")"), "answers.AS",
                  "'excellent' is not one of: very_good, good, bad, very_bad");
}

TEST(ValidateSubmission, RejectsValueOutsideSelectOneOptions) {
  ExpectOnlyError(WithAnswer("S1", R"("c")"), "answers.S1", "'c' is not one of: a, b");
}

TEST(ValidateSubmission, RejectsArrayForSelectOne) {
  ExpectOnlyError(WithAnswer("S1", R"(["a"])"), "answers.S1",
                  "expected one of the answer values as text");
}

TEST(ValidateSubmission, RejectsTextForInteger) {
  ExpectOnlyError(WithAnswer("N", R"("7")"), "answers.N", "expected a whole number, got \"7\"");
}

TEST(ValidateSubmission, RejectsNumberForImage) {
  ExpectOnlyError(WithAnswer("PH", "7"), "answers.PH", "expected an attachment's file name, got 7");
}

TEST(ValidateSubmission, RejectsPathForImage) {
  ExpectOnlyError(WithAnswer("PH", R"("../etc/passwd")"), "answers.PH",
                  "expected a file name (1 to 255 bytes, no '/' or '\\')");
  ExpectOnlyError(WithAnswer("PH", R"("")"), "answers.PH", "expected a file name");
}

TEST(ValidateSubmission, RejectsFractionForInteger) {
  ExpectOnlyError(WithAnswer("N", "7.5"), "answers.N", "expected a whole number");
}

TEST(ValidateSubmission, RejectsTextForDecimal) {
  ExpectOnlyError(WithAnswer("D", R"("0.5")"), "answers.D", "expected a number");
}

TEST(ValidateSubmission, RejectsIntegerAboveMaximum) {
  ExpectOnlyError(WithAnswer("N", "101"), "answers.N", "value 101 is out of range [0, 100]");
}

TEST(ValidateSubmission, RejectsIntegerBelowMinimum) {
  ExpectOnlyError(WithAnswer("N", "-1"), "answers.N", "value -1 is out of range [0, 100]");
}

TEST(ValidateSubmission, AcceptsIntegerBoundsInclusive) {
  ExpectNoErrors(WithAnswer("N", "0"));
  ExpectNoErrors(WithAnswer("N", "100"));
}

TEST(ValidateSubmission, RejectsHugeUnsignedInteger) {
  ExpectOnlyError(WithAnswer("N", "18446744073709551615"), "answers.N", "is out of range");
}

TEST(ValidateSubmission, RejectsDecimalOutOfRange) {
  ExpectOnlyError(WithAnswer("D", "1.25"), "answers.D", "is out of range [0, 1]");
}

TEST(ValidateSubmission, AcceptsIntegerForDecimal) { ExpectNoErrors(WithAnswer("D", "1")); }

TEST(ValidateSubmission, RejectsMissingRequiredAnswer) {
  Submission s = ValidSubmission();
  s.answers.erase("YN");
  ExpectOnlyError(s, "answers.YN", "required");
}

TEST(ValidateSubmission, RejectsNullRequiredAnswer) {
  ExpectOnlyError(WithAnswer("YN", "null"), "answers.YN", "required");
}

TEST(ValidateSubmission, RejectsDuplicateInSelectMultiple) {
  ExpectOnlyError(WithAnswer("SM", R"(["a", "b", "a"])"), "answers.SM", "'a' is given twice");
}

TEST(ValidateSubmission, RejectsUnknownOptionInSelectMultiple) {
  ExpectOnlyError(WithAnswer("SM", R"(["a", "z"])"), "answers.SM", "'z' is not one of: a, b, c");
}

TEST(ValidateSubmission, RejectsNonTextItemInSelectMultiple) {
  ExpectOnlyError(WithAnswer("SM", R"(["a", 2])"), "answers.SM",
                  "expected answer values as text, got 2");
}

TEST(ValidateSubmission, RejectsSingleValueForSelectMultiple) {
  ExpectOnlyError(WithAnswer("SM", R"("a")"), "answers.SM", "expected an array of answer values");
}

TEST(ValidateSubmission, AcceptsTimesOfDayAtTheEdges) {
  ExpectNoErrors(WithAnswer("TM", R"("00:00")"));
  ExpectNoErrors(WithAnswer("TM", R"("23:59")"));
}

TEST(ValidateSubmission, RejectsMalformedTimesOfDay) {
  for (const char* bad : {R"("7:05")", R"("07:5")", R"("24:00")", R"("07:60")", R"("07:05:00")",
                          R"("07.05")", R"("0a:05")", R"("")", "705"}) {
    SCOPED_TRACE(bad);
    ExpectOnlyError(WithAnswer("TM", bad), "answers.TM", "expected a time of day as HH:MM");
  }
}

TEST(ValidateSubmission, AcceptsTextAtCharacterLimit) {
  ExpectNoErrors(WithAnswer("TX", R"("0123456789")"));
}

TEST(ValidateSubmission, RejectsTextOverCharacterLimit) {
  ExpectOnlyError(WithAnswer("TX", R"("0123456789X")"), "answers.TX",
                  "text is longer than 10 characters");
}

TEST(ValidateSubmission, CountsCyrillicTextInCharactersNotBytes) {
  // Ten Cyrillic letters are twenty bytes of UTF-8.
  ExpectNoErrors(WithAnswer("TX", R"("Голосовани")"));
  ExpectOnlyError(WithAnswer("TX", R"("Голосование")"), "answers.TX",
                  "text is longer than 10 characters");
}

TEST(ValidateSubmission, CountsFourByteCharactersOnce) {
  ExpectNoErrors(WithAnswer("TX", R"("🗳🗳🗳🗳🗳🗳🗳🗳🗳🗳")"));
}

TEST(ValidateSubmission, LimitsTextToTwoThousandCharactersByDefault) {
  Submission s = ValidSubmission();
  s.answers["TL"] = std::string(2000, 'x');
  ExpectNoErrors(s);
  s.answers["TL"] = std::string(2001, 'x');
  ExpectOnlyError(s, "answers.TL", "text is longer than 2000 characters");
}

TEST(ValidateSubmission, RejectsNumberForText) {
  ExpectOnlyError(WithAnswer("TX", "5"), "answers.TX", "expected text, got 5");
}

TEST(ValidateSubmission, ShortensLongAnswersInMessages) {
  const std::string answer = std::string(100, 'x');
  const std::vector<FieldError> errors =
      ValidateSubmission(WithAnswer("N", "\"" + answer + "\""), TinyMission());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].problem.find(answer), std::string::npos) << errors[0].problem;
  EXPECT_NE(errors[0].problem.find("..."), std::string::npos) << errors[0].problem;
}

TEST(ValidateSubmission, KeepsShortenedCyrillicAnswersValidUtf8) {
  // The shortened answer must not end in half of a two-byte character,
  // whichever byte the cut falls on.
  for (const char* answer :
       {R"("ГолосованиеГолосованиеГолосование")", R"("xГолосованиеГолосованиеГолосование")"}) {
    SCOPED_TRACE(answer);
    const std::vector<FieldError> errors =
        ValidateSubmission(WithAnswer("N", answer), TinyMission());
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(FindInvalidUtf8(errors[0].problem), std::nullopt) << errors[0].problem;
  }
}

TEST(ValidateSubmission, RejectsSubmittedBeforeStarted) {
  Submission s = ValidSubmission();
  s.started_at = Timestamp{} + std::chrono::hours(2);
  s.submitted_at = Timestamp{} + std::chrono::hours(1);
  ExpectOnlyError(s, "submitted_at", "is earlier than started_at");
}

TEST(ValidateSubmission, ReportsEveryProblem) {
  Submission s = ValidSubmission();
  s.station_code = "PS-9";
  s.observer_code = "OB-9";
  s.answers["N"] = 1000;
  s.answers.erase("YN");
  std::vector<std::string> fields;
  for (const FieldError& e : ValidateSubmission(s, TinyMission())) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"station", "observer", "answers.N", "answers.YN"}));
}

TEST(ValidateSubmission, SkipsAnswerChecksWhenFormIsUnknown) {
  Submission s = WithAnswer("ZZ", "1");
  s.form_code = "X";
  ExpectOnlyError(s, "form", "unknown form 'X'");
}

// Form "X": the XLSForm types, a group and a repeat.
MissionIndex XlsMission() {
  Election election;
  election.name = "E";
  election.enforce_assignments = false;
  return MissionIndex(election, {Place("PS-1", "")}, {Person("OB-1", {})}, {LoadForm(R"json({
    "code": "X", "version": "1", "phase": "incident",
    "questions": [
      {"code": "G", "type": "group", "children": [
        {"code": "D", "type": "date", "required": true},
        {"code": "DT", "type": "datetime"},
        {"code": "P", "type": "geopoint"}]},
      {"code": "N", "type": "note"},
      {"code": "C", "type": "calculate", "calculation": "1 + 1"},
      {"code": "R", "type": "repeat", "children": [
        {"code": "R1", "type": "integer", "min": 0, "required": true},
        {"code": "RG", "type": "group", "children": [{"code": "R2", "type": "text"}]}]}
    ]})json")});
}

Submission XlsSubmission(std::string_view answers) {
  Submission s = ValidSubmission();
  s.form_code = "X";
  s.form_version = "1";
  s.answers = json::parse(answers).as_object();
  return s;
}

TEST(ValidateSubmission, AcceptsTheXlsFormTypes) {
  ExpectNoErrors(XlsSubmission(R"({"D": "2024-02-29", "DT": "2026-06-07T07:30:00+03:00",
                                   "P": "41.3275 19.8187 110 4.5", "C": 2,
                                   "R": [{"R1": 3, "R2": "ballot stuffing"}, {"R1": 0}]})"),
                 XlsMission());
  ExpectNoErrors(XlsSubmission(R"({"D": "2026-06-07", "P": "-33.9 151.2", "C": "x", "N": null,
                                   "R": []})"),
                 XlsMission());
}

TEST(ValidateSubmission, RejectsBadAnswersOfTheXlsFormTypes) {
  const MissionIndex m = XlsMission();
  ExpectOnlyError(XlsSubmission(R"({"D": "2026-02-29"})"), "answers.D", "expected a date", m);
  ExpectOnlyError(XlsSubmission(R"({"D": "7 June"})"), "answers.D", "YYYY-MM-DD", m);
  ExpectOnlyError(XlsSubmission(R"({"D": "2026-06-07", "DT": "2026-06-07 07:30"})"), "answers.DT",
                  "RFC 3339", m);
  ExpectOnlyError(XlsSubmission(R"({"D": "2026-06-07", "P": "91 10"})"), "answers.P",
                  "latitude is outside", m);
  ExpectOnlyError(XlsSubmission(R"({"D": "2026-06-07", "P": "10"})"), "answers.P",
                  "expected a geopoint", m);
  ExpectOnlyError(XlsSubmission(R"({"D": "2026-06-07", "P": "1 2 3 -4"})"), "answers.P",
                  "accuracy is negative", m);
  ExpectOnlyError(XlsSubmission(R"({"D": "2026-06-07", "N": "hello"})"), "answers.N",
                  "a note takes no answer", m);
  ExpectOnlyError(XlsSubmission(R"({"D": "2026-06-07", "C": [1]})"), "answers.C",
                  "expected a calculated value", m);
  ExpectOnlyError(XlsSubmission(R"({"D": "2026-06-07", "G": "x"})"), "answers.G", "is a group", m);
  ExpectOnlyError(XlsSubmission(R"({"D": "2026-06-07", "R1": 1})"), "answers.R1",
                  "inside its items", m);
}

TEST(ValidateSubmission, ChecksEveryItemOfARepeat) {
  const MissionIndex m = XlsMission();
  ExpectOnlyError(XlsSubmission(R"({"D": "2026-06-07", "R": {"R1": 1}})"), "answers.R",
                  "expected an array of items", m);
  ExpectOnlyError(XlsSubmission(R"({"D": "2026-06-07", "R": [{"R1": 1}, 5]})"), "answers.R[1]",
                  "expected an object of answers", m);
  ExpectOnlyError(XlsSubmission(R"({"D": "2026-06-07", "R": [{"R1": 1}, {"R2": "x"}]})"),
                  "answers.R[1].R1", "required", m);
  ExpectOnlyError(XlsSubmission(R"({"D": "2026-06-07", "R": [{"R1": -1}]})"), "answers.R[0].R1",
                  "out of range", m);
  ExpectOnlyError(XlsSubmission(R"({"D": "2026-06-07", "R": [{"R1": 1, "D": "2026-06-07"}]})"),
                  "answers.R[0].D", "is not answered here", m);
  ExpectOnlyError(XlsSubmission(R"({"R": []})"), "answers.D", "required", m);
}

}  // namespace
}  // namespace vigil::core
