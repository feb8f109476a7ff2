// Tests for the submission export writers (report/submission_export.h):
// golden CSV and JSON Lines text for hand-built submissions.
#include "report/submission_export.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace vigil::report {
namespace {

namespace json = boost::json;

constexpr const char* kFixedColumns =
    "instance_id,form,form_version,station,observer,started_at,submitted_at,received_at,"
    "replaces,current";

core::Question Ask(std::string code, core::QuestionType type) {
  core::Question q;
  q.code = std::move(code);
  q.type = type;
  return q;
}

core::Form MakeForm(std::string code, std::string version, std::vector<core::Question> questions) {
  core::Form f;
  f.code = std::move(code);
  f.version = std::move(version);
  f.questions = std::move(questions);
  return f;
}

// Form A version 1 asks T (text), N (integer) and SM (select_multiple).
std::vector<core::Form> FormA() {
  return {MakeForm("A", "1",
                   {Ask("T", core::QuestionType::kText), Ask("N", core::QuestionType::kInteger),
                    Ask("SM", core::QuestionType::kSelectMultiple)})};
}

Timestamp At(const char* rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(Timestamp{});
}

// uuid:1 on form A version 1 at PS-1 by OB-1, with `answers`.
core::Submission MakeSubmission(json::object answers) {
  core::Submission s;
  s.instance_id = "uuid:1";
  s.form_code = "A";
  s.form_version = "1";
  s.station_code = "PS-1";
  s.observer_code = "OB-1";
  s.started_at = At("2026-11-28T07:00:00Z");
  s.submitted_at = At("2026-11-28T07:30:00Z");
  s.answers = std::move(answers);
  return s;
}

Timestamp ReceivedAt() { return At("2026-11-28T07:30:05Z"); }

std::string Csv(const std::vector<core::Form>& forms,
                const std::vector<core::Submission>& submissions, bool current = true) {
  std::ostringstream out;
  auto writer = MakeSubmissionWriter(ExportFormat::kCsv, out, forms);
  const std::string no_json;
  for (const core::Submission& s : submissions) writer->Write({s, no_json, ReceivedAt(), current});
  writer->Finish();
  return out.str();
}

// The answer columns (after `current`) of the one data row that form A's
// export of a submission with `answers` holds, without the line end.
std::string AnswerColumns(json::object answers) {
  const std::string csv = Csv(FormA(), {MakeSubmission(std::move(answers))});
  const std::string row_start = "Z,,true,";
  const std::size_t start = csv.find(row_start);
  if (start == std::string::npos || !csv.ends_with("\r\n")) {
    ADD_FAILURE() << "unexpected export: " << csv;
    return {};
  }
  const std::size_t from = start + row_start.size();
  return csv.substr(from, csv.size() - 2 - from);
}

TEST(CsvSubmissionWriter, HeaderHasFixedColumnsThenQuestionCodes) {
  EXPECT_EQ(Csv(FormA(), {}), std::string(kFixedColumns) + ",T,N,SM\r\n");
}

TEST(CsvSubmissionWriter, HeaderListsEachQuestionCodeOnceInFirstAppearanceOrder) {
  // B repeats N; A version 2 repeats T and adds X; C adds Y after a repeat of SM.
  const std::vector<core::Form> forms = {
      FormA()[0],
      MakeForm("B", "1",
               {Ask("D", core::QuestionType::kDecimal), Ask("N", core::QuestionType::kInteger)}),
      MakeForm("A", "2",
               {Ask("X", core::QuestionType::kText), Ask("T", core::QuestionType::kText)}),
      MakeForm(
          "C", "1",
          {Ask("SM", core::QuestionType::kSelectMultiple), Ask("Y", core::QuestionType::kTime)}),
  };
  EXPECT_EQ(Csv(forms, {}), std::string(kFixedColumns) + ",T,N,SM,D,X,Y\r\n");
}

TEST(CsvSubmissionWriter, WritesOneRowPerSubmissionEndingInCrlf) {
  core::Submission first = MakeSubmission({{"T", "all calm"}, {"N", 12}, {"SM", {"a", "c"}}});
  core::Submission second = MakeSubmission({{"N", 0}});
  second.instance_id = "uuid:2";
  second.station_code = "PS-2";
  second.started_at.reset();
  second.replaces = "uuid:1";
  EXPECT_EQ(Csv(FormA(), {first, second}),
            std::string(kFixedColumns) +
                ",T,N,SM\r\n"
                "uuid:1,A,1,PS-1,OB-1,2026-11-28T07:00:00.000000Z,2026-11-28T07:30:00.000000Z,"
                "2026-11-28T07:30:05.000000Z,,true,all calm,12,a c\r\n"
                "uuid:2,A,1,PS-2,OB-1,,2026-11-28T07:30:00.000000Z,"
                "2026-11-28T07:30:05.000000Z,uuid:1,true,,0,\r\n");
}

TEST(CsvSubmissionWriter, WritesSupersededVersionsAsNotCurrent) {
  const std::string csv = Csv(FormA(), {MakeSubmission({})}, /*current=*/false);
  EXPECT_EQ(csv.substr(csv.find("\r\n") + 2),
            "uuid:1,A,1,PS-1,OB-1,2026-11-28T07:00:00.000000Z,2026-11-28T07:30:00.000000Z,"
            "2026-11-28T07:30:05.000000Z,,false,,,\r\n");
}

TEST(CsvSubmissionWriter, LeavesMissingAnswersEmpty) {
  EXPECT_EQ(AnswerColumns({}), ",,");
  EXPECT_EQ(AnswerColumns({{"N", 3}}), ",3,");
}

TEST(CsvSubmissionWriter, LeavesNullAnswersEmpty) {
  EXPECT_EQ(AnswerColumns({{"T", nullptr}}), ",,");
}

TEST(CsvSubmissionWriter, SeparatesSelectMultipleAnswersWithSpaces) {
  EXPECT_EQ(AnswerColumns({{"SM", {"late", "no_ink", "crowded"}}}), ",,late no_ink crowded");
  EXPECT_EQ(AnswerColumns({{"SM", json::array()}}), ",,");
}

TEST(CsvSubmissionWriter, QuotesFieldsWithCommas) {
  EXPECT_EQ(AnswerColumns({{"T", "late, then calm"}}), "\"late, then calm\",,");
}

TEST(CsvSubmissionWriter, QuotesFieldsWithQuotesAndDoublesThem) {
  EXPECT_EQ(AnswerColumns({{"T", "the \"chairman\" left"}}), "\"the \"\"chairman\"\" left\",,");
}

TEST(CsvSubmissionWriter, QuotesFieldsWithLineBreaks) {
  EXPECT_EQ(AnswerColumns({{"T", "line 1\nline 2"}}), "\"line 1\nline 2\",,");
  EXPECT_EQ(AnswerColumns({{"T", "line 1\r\nline 2"}}), "\"line 1\r\nline 2\",,");
}

TEST(CsvSubmissionWriter, LeavesPlainTextUnquoted) {
  EXPECT_EQ(AnswerColumns({{"T", "queue of 40 people; 'orderly'"}}),
            "queue of 40 people; 'orderly',,");
}

TEST(CsvSubmissionWriter, PrefixesTextThatLooksLikeAFormulaAndQuotesIt) {
  EXPECT_EQ(AnswerColumns({{"T", "=1+1"}}), "\"'=1+1\",,");
  EXPECT_EQ(AnswerColumns({{"T", "+1"}}), "\"'+1\",,");
  EXPECT_EQ(AnswerColumns({{"T", "-1"}}), "\"'-1\",,");
  EXPECT_EQ(AnswerColumns({{"T", "@SUM(A1)"}}), "\"'@SUM(A1)\",,");
}

TEST(CsvSubmissionWriter, PrefixesFormulaAndStillEscapesQuotes) {
  EXPECT_EQ(AnswerColumns({{"T", "=HYPERLINK(\"http://x\",\"y\")"}}),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",,");
}

TEST(CsvSubmissionWriter, GuardsFixedColumnsAgainstFormulas) {
  core::Submission s = MakeSubmission({});
  s.observer_code = "=cmd";
  const std::string csv = Csv(FormA(), {s});
  EXPECT_NE(csv.find(",PS-1,\"'=cmd\",2026-11-28T07:00:00.000000Z,"), std::string::npos) << csv;
}

TEST(CsvSubmissionWriter, DoesNotPrefixNegativeIntegers) {
  EXPECT_EQ(AnswerColumns({{"N", -3}}), ",-3,");
}

TEST(CsvSubmissionWriter, DoesNotPrefixNegativeDecimals) {
  const std::string columns = AnswerColumns({{"N", -2.5}});
  ASSERT_GE(columns.size(), 3u);
  EXPECT_EQ(columns.substr(0, 2), ",-") << columns;  // unquoted, no leading '
  EXPECT_EQ(json::parse(columns.substr(1, columns.size() - 2)).as_double(), -2.5) << columns;
}

// The canonical encoding of MakeSubmission with T, N and SM answered.
constexpr const char* kCanonical =
    R"({"instance_id":"uuid:1","form":"A","form_version":"1","station":"PS-1",)"
    R"("observer":"OB-1","started_at":"2026-11-28T07:00:00.000000Z",)"
    R"("submitted_at":"2026-11-28T07:30:00.000000Z","replaces":null,)"
    R"("answers":{"N":12,"SM":["a","c"],"T":"all, \"calm\"\n"}})";

TEST(JsonlSubmissionWriter, WritesCanonicalJsonWithReceivedAtAndCurrent) {
  const core::Submission s = MakeSubmission({});
  const std::string canonical = kCanonical;
  std::ostringstream out;
  auto writer = MakeSubmissionWriter(ExportFormat::kJsonl, out, FormA());
  writer->Write({s, canonical, ReceivedAt(), true});
  writer->Finish();
  EXPECT_EQ(out.str(), R"({"instance_id":"uuid:1","form":"A","form_version":"1","station":"PS-1",)"
                       R"("observer":"OB-1","started_at":"2026-11-28T07:00:00.000000Z",)"
                       R"("submitted_at":"2026-11-28T07:30:00.000000Z","replaces":null,)"
                       R"("answers":{"N":12,"SM":["a","c"],"T":"all, \"calm\"\n"},)"
                       R"("received_at":"2026-11-28T07:30:05.000000Z","current":true})"
                       "\n");
}

TEST(JsonlSubmissionWriter, WritesOneLinePerSubmission) {
  const core::Submission s = MakeSubmission({});
  const std::string first = R"({"instance_id":"uuid:1"})";
  const std::string second = R"({"instance_id":"uuid:2","replaces":"uuid:1"})";
  std::ostringstream out;
  auto writer = MakeSubmissionWriter(ExportFormat::kJsonl, out, FormA());
  writer->Write({s, first, ReceivedAt(), false});
  writer->Write({s, second, ReceivedAt(), true});
  writer->Finish();
  EXPECT_EQ(
      out.str(),
      R"({"instance_id":"uuid:1","received_at":"2026-11-28T07:30:05.000000Z","current":false})"
      "\n"
      R"({"instance_id":"uuid:2","replaces":"uuid:1",)"
      R"("received_at":"2026-11-28T07:30:05.000000Z","current":true})"
      "\n");
}

TEST(JsonlSubmissionWriter, WritesNothingWithoutSubmissions) {
  std::ostringstream out;
  auto writer = MakeSubmissionWriter(ExportFormat::kJsonl, out, FormA());
  writer->Finish();
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace vigil::report
