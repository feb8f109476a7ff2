// Tests for reading submissions and their canonical encoding (core/submission.h).
#include "core/submission.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace vigil::core {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kInstanceId = "uuid:6f1c2a4e-3b7d-4c55-9a0e-2f8d1b6c7e90";

// A complete, well-formed submission.
json::object ValidJson() {
  return json::parse(R"({
    "instance_id": "uuid:6f1c2a4e-3b7d-4c55-9a0e-2f8d1b6c7e90",
    "form": "V",
    "form_version": "2026.1",
    "station": "PS-101",
    "observer": "OB-7",
    "started_at": "2026-11-28T07:05:00Z",
    "submitted_at": "2026-11-28T07:35:00.250+00:00",
    "replaces": "uuid:0a7c3e51-9d2b-4f86-8e14-5b3a6c9d0f12",
    "answers": {"V1": "yes", "V7": 3, "VC": "Всё спокойно"}
  })")
      .as_object();
}

Submission ParseOrDie(const json::value& v) {
  std::vector<FieldError> errors;
  auto s = SubmissionFromJson(v, &errors);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().ToString());
  EXPECT_TRUE(errors.empty()) << errors.front().field << ": " << errors.front().problem;
  return s.value_or(Submission{});
}

// Parses `v`, expects it to be rejected, and returns the field errors.
std::vector<FieldError> Errors(const json::value& v) {
  std::vector<FieldError> errors;
  auto s = SubmissionFromJson(v, &errors);
  EXPECT_FALSE(s.has_value()) << json::serialize(v);
  if (!s) {
    EXPECT_EQ(s.error().code(), StatusCode::kInvalidArgument);
  }
  return errors;
}

// Expects exactly one error, on `field`, whose text contains `problem`.
void ExpectOnlyError(const json::value& v, std::string_view field, std::string_view problem) {
  const std::vector<FieldError> errors = Errors(v);
  ASSERT_EQ(errors.size(), 1u) << json::serialize(v);
  EXPECT_EQ(errors[0].field, field);
  EXPECT_NE(errors[0].problem.find(problem), std::string::npos) << errors[0].problem;
}

Timestamp At(std::chrono::sys_days day, std::chrono::microseconds since_midnight) {
  return Timestamp{day} + since_midnight;
}

TEST(SubmissionFromJson, ReadsEveryField) {
  const Submission s = ParseOrDie(ValidJson());
  EXPECT_EQ(s.instance_id, kInstanceId);
  EXPECT_EQ(s.form_code, "V");
  EXPECT_EQ(s.form_version, "2026.1");
  EXPECT_EQ(s.station_code, "PS-101");
  EXPECT_EQ(s.observer_code, "OB-7");
  using std::chrono::November;
  EXPECT_EQ(s.started_at, At(2026y / November / 28, 7h + 5min));
  EXPECT_EQ(s.submitted_at, At(2026y / November / 28, 7h + 35min + 250ms));
  EXPECT_EQ(s.replaces, "uuid:0a7c3e51-9d2b-4f86-8e14-5b3a6c9d0f12");
  ASSERT_EQ(s.answers.size(), 3u);
  EXPECT_EQ(s.answers.at("V1"), "yes");
  EXPECT_EQ(s.answers.at("V7"), 3);
  EXPECT_EQ(s.answers.at("VC"), "Всё спокойно");
}

TEST(SubmissionFromJson, ReadsTheSameWhenTheJsonIsMovedIn) {
  const Submission copied = ParseOrDie(ValidJson());
  std::vector<FieldError> errors;
  auto moved = SubmissionFromJson(json::value(ValidJson()), &errors);
  ASSERT_TRUE(moved.has_value()) << moved.error().ToString();
  EXPECT_EQ(moved->answers, copied.answers);
  EXPECT_EQ(CanonicalJson(*moved), CanonicalJson(copied));
  // Still rejected with the same errors when the answers are no object.
  json::object bad = ValidJson();
  bad["answers"] = json::array{1};
  errors.clear();
  EXPECT_FALSE(SubmissionFromJson(json::value(bad), &errors).has_value());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "answers");
}

TEST(SubmissionFromJson, TreatsOptionalFieldsAsAbsentWhenMissingOrNull) {
  json::object o = ValidJson();
  o.erase("form_version");
  o.erase("started_at");
  o["submitted_at"] = nullptr;
  o["replaces"] = nullptr;
  const Submission s = ParseOrDie(o);
  EXPECT_EQ(s.form_version, "");
  EXPECT_EQ(s.started_at, std::nullopt);
  EXPECT_EQ(s.submitted_at, std::nullopt);
  EXPECT_EQ(s.replaces, "");
}

TEST(SubmissionFromJson, AcceptsEmptyAnswers) {
  json::object o = ValidJson();
  o["answers"] = json::object{};
  EXPECT_TRUE(ParseOrDie(o).answers.empty());
}

TEST(SubmissionFromJson, RejectsMissingInstanceId) {
  json::object o = ValidJson();
  o.erase("instance_id");
  ExpectOnlyError(o, "instance_id", "required");
}

TEST(SubmissionFromJson, RejectsNullInstanceId) {
  json::object o = ValidJson();
  o["instance_id"] = nullptr;
  ExpectOnlyError(o, "instance_id", "required");
}

TEST(SubmissionFromJson, RejectsInstanceIdWithoutUuidPrefix) {
  json::object o = ValidJson();
  o["instance_id"] = "6f1c2a4e-3b7d-4c55-9a0e-2f8d1b6c7e90";
  ExpectOnlyError(o, "instance_id", "expected 'uuid:' followed by a UUID");
}

TEST(SubmissionFromJson, RejectsInstanceIdWithUpperCasePrefix) {
  json::object o = ValidJson();
  o["instance_id"] = "UUID:6f1c2a4e-3b7d-4c55-9a0e-2f8d1b6c7e90";
  ExpectOnlyError(o, "instance_id", "expected 'uuid:' followed by a UUID");
}

TEST(SubmissionFromJson, RejectsInstanceIdThatIsOnlyThePrefix) {
  json::object o = ValidJson();
  o["instance_id"] = "uuid:";
  ExpectOnlyError(o, "instance_id", "expected 'uuid:' followed by a UUID");
}

TEST(SubmissionFromJson, RejectsNonTextInstanceId) {
  json::object o = ValidJson();
  o["instance_id"] = 42;
  ExpectOnlyError(o, "instance_id", "expected text");
}

TEST(SubmissionFromJson, RejectsEmptyInstanceId) {
  json::object o = ValidJson();
  o["instance_id"] = "";
  ExpectOnlyError(o, "instance_id", "expected 1 to 200 printable characters");
}

TEST(SubmissionFromJson, RejectsInstanceIdWithSpace) {
  json::object o = ValidJson();
  o["instance_id"] = "uuid:6f1c2a4e 3b7d";
  ExpectOnlyError(o, "instance_id", "expected 1 to 200 printable characters");
}

TEST(SubmissionFromJson, RejectsOverlongStationCode) {
  json::object o = ValidJson();
  o["station"] = std::string(201, 'S');
  ExpectOnlyError(o, "station", "expected 1 to 200 printable characters");
}

TEST(SubmissionFromJson, AcceptsStationCodeOfMaximumLength) {
  json::object o = ValidJson();
  o["station"] = std::string(200, 'S');
  EXPECT_EQ(ParseOrDie(o).station_code.size(), 200u);
}

TEST(SubmissionFromJson, RejectsNonAsciiObserverCode) {
  json::object o = ValidJson();
  o["observer"] = "НБ-7";
  ExpectOnlyError(o, "observer", "expected 1 to 200 printable characters");
}

TEST(SubmissionFromJson, RejectsMissingForm) {
  json::object o = ValidJson();
  o.erase("form");
  ExpectOnlyError(o, "form", "required");
}

TEST(SubmissionFromJson, RejectsMissingStation) {
  json::object o = ValidJson();
  o.erase("station");
  ExpectOnlyError(o, "station", "required");
}

TEST(SubmissionFromJson, RejectsMissingObserver) {
  json::object o = ValidJson();
  o.erase("observer");
  ExpectOnlyError(o, "observer", "required");
}

TEST(SubmissionFromJson, RejectsUnknownField) {
  json::object o = ValidJson();
  o["statoin"] = "PS-102";
  ExpectOnlyError(o, "statoin", "unknown field");
}

TEST(SubmissionFromJson, RejectsMissingAnswers) {
  json::object o = ValidJson();
  o.erase("answers");
  ExpectOnlyError(o, "answers", "required");
}

TEST(SubmissionFromJson, RejectsAnswersThatAreNotAnObject) {
  json::object o = ValidJson();
  o["answers"] = json::array{"yes", 3};
  ExpectOnlyError(o, "answers", "expected an object of question code -> answer");
}

TEST(SubmissionFromJson, RejectsNullAnswers) {
  json::object o = ValidJson();
  o["answers"] = nullptr;
  ExpectOnlyError(o, "answers", "expected an object");
}

TEST(SubmissionFromJson, RejectsImpossibleDate) {
  json::object o = ValidJson();
  o["started_at"] = "2026-02-30T07:05:00Z";
  ExpectOnlyError(o, "started_at", "RFC 3339");
}

TEST(SubmissionFromJson, RejectsTimeWithoutZone) {
  json::object o = ValidJson();
  o["submitted_at"] = "2026-11-28T07:35:00";
  ExpectOnlyError(o, "submitted_at", "RFC 3339");
}

TEST(SubmissionFromJson, RejectsTimeAsNumber) {
  json::object o = ValidJson();
  o["started_at"] = 1795849500;
  ExpectOnlyError(o, "started_at", "expected an RFC 3339 time");
}

TEST(SubmissionFromJson, ReportsEveryProblemAtOnce) {
  json::object o = ValidJson();
  o.erase("instance_id");
  o["station"] = 101;
  o["started_at"] = "soon";
  o["extra"] = true;
  const std::vector<FieldError> errors = Errors(o);
  std::vector<std::string> fields;
  for (const FieldError& e : errors) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"instance_id", "station", "started_at", "extra"}));
}

TEST(SubmissionFromJson, RejectsNonObject) {
  ExpectOnlyError(json::array{}, "$", "expected a JSON object");
}

TEST(SubmissionFromJson, KeepsErrorsAlreadyCollected) {
  std::vector<FieldError> errors = {{"row 3", "earlier problem"}};
  auto s = SubmissionFromJson(ValidJson(), &errors);
  EXPECT_TRUE(s.has_value());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "row 3");
}

TEST(CanonicalJson, HasFixedLayout) {
  EXPECT_EQ(CanonicalJson(ParseOrDie(ValidJson())),
            R"({"instance_id":"uuid:6f1c2a4e-3b7d-4c55-9a0e-2f8d1b6c7e90","form":"V",)"
            R"("form_version":"2026.1","station":"PS-101","observer":"OB-7",)"
            R"("started_at":"2026-11-28T07:05:00.000000Z",)"
            R"("submitted_at":"2026-11-28T07:35:00.250000Z",)"
            R"("replaces":"uuid:0a7c3e51-9d2b-4f86-8e14-5b3a6c9d0f12",)"
            R"("answers":{"V1":"yes","V7":3,"VC":"Всё спокойно"}})");
}

TEST(CanonicalJson, WritesAbsentOptionalFieldsAsNull) {
  json::object o = ValidJson();
  o.erase("started_at");
  o.erase("submitted_at");
  o.erase("replaces");
  const std::string canonical = CanonicalJson(ParseOrDie(o));
  EXPECT_NE(canonical.find(R"("started_at":null,"submitted_at":null,"replaces":null)"),
            std::string::npos)
      << canonical;
}

TEST(CanonicalJson, IgnoresTopLevelKeyOrder) {
  const json::value reordered = json::parse(R"({
    "answers": {"V1": "yes", "V7": 3, "VC": "Всё спокойно"},
    "replaces": "uuid:0a7c3e51-9d2b-4f86-8e14-5b3a6c9d0f12",
    "submitted_at": "2026-11-28T07:35:00.250+00:00",
    "started_at": "2026-11-28T07:05:00Z",
    "observer": "OB-7",
    "station": "PS-101",
    "form_version": "2026.1",
    "form": "V",
    "instance_id": "uuid:6f1c2a4e-3b7d-4c55-9a0e-2f8d1b6c7e90"
  })");
  EXPECT_EQ(CanonicalJson(ParseOrDie(reordered)), CanonicalJson(ParseOrDie(ValidJson())));
}

TEST(CanonicalJson, IgnoresAnswerOrder) {
  json::object o = ValidJson();
  o["answers"] = json::parse(R"({"VC": "Всё спокойно", "V7": 3, "V1": "yes"})");
  EXPECT_EQ(CanonicalJson(ParseOrDie(o)), CanonicalJson(ParseOrDie(ValidJson())));
}

TEST(CanonicalJson, SortsAnswerCodesBytewise) {
  json::object o = ValidJson();
  o["answers"] = json::parse(R"({"V10": "no", "V2": "yes", "V1": "yes"})");
  const std::string canonical = CanonicalJson(ParseOrDie(o));
  EXPECT_NE(canonical.find(R"("answers":{"V1":"yes","V10":"no","V2":"yes"})"), std::string::npos)
      << canonical;
}

TEST(CanonicalJson, IgnoresTimeZoneOfTheSameInstant) {
  json::object o = ValidJson();
  o["started_at"] = "2026-11-28T10:05:00+03:00";
  o["submitted_at"] = "2026-11-27T23:35:00.25-08:00";
  EXPECT_EQ(CanonicalJson(ParseOrDie(o)), CanonicalJson(ParseOrDie(ValidJson())));
}

TEST(CanonicalJson, DiffersForDifferentAnswerValue) {
  json::object o = ValidJson();
  o["answers"].as_object()["V7"] = 4;
  EXPECT_NE(CanonicalJson(ParseOrDie(o)), CanonicalJson(ParseOrDie(ValidJson())));
}

TEST(CanonicalJson, DiffersForMissingAnswer) {
  json::object o = ValidJson();
  o["answers"].as_object().erase("VC");
  EXPECT_NE(CanonicalJson(ParseOrDie(o)), CanonicalJson(ParseOrDie(ValidJson())));
}

TEST(CanonicalJson, DiffersForDifferentInstant) {
  json::object o = ValidJson();
  o["started_at"] = "2026-11-28T07:05:00.000001Z";
  EXPECT_NE(CanonicalJson(ParseOrDie(o)), CanonicalJson(ParseOrDie(ValidJson())));
}

TEST(CanonicalJson, DiffersForDifferentStation) {
  json::object o = ValidJson();
  o["station"] = "PS-102";
  EXPECT_NE(CanonicalJson(ParseOrDie(o)), CanonicalJson(ParseOrDie(ValidJson())));
}

TEST(CanonicalJson, SortsTheAnswersInsideRepeatItems) {
  json::object a = ValidJson();
  a["answers"] = json::parse(R"({"R": [{"R2": "x", "R1": 1}, {"R1": 2}], "V1": "yes"})");
  json::object b = ValidJson();
  b["answers"] = json::parse(R"({"V1": "yes", "R": [{"R1": 1, "R2": "x"}, {"R1": 2}]})");
  const std::string canonical = CanonicalJson(ParseOrDie(a));
  EXPECT_EQ(canonical, CanonicalJson(ParseOrDie(b)));
  EXPECT_NE(canonical.find(R"("answers":{"R":[{"R1":1,"R2":"x"},{"R1":2}],"V1":"yes"})"),
            std::string::npos)
      << canonical;
}

}  // namespace
}  // namespace vigil::core
