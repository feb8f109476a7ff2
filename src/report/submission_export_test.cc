// Tests for the submission export writers (report/submission_export.h):
// golden CSV and JSON Lines text for hand-built submissions; XLSX workbooks
// read back with ingest::ReadXlsx, and their sheet XML for the cell types.
#include "report/submission_export.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <boost/json.hpp>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "ingest/xlsx.h"

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
  for (const core::Submission& s : submissions) {
    EXPECT_TRUE(writer->Write({s, no_json, ReceivedAt(), current}).ok());
  }
  EXPECT_TRUE(writer->Finish().ok());
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
  ASSERT_TRUE(writer->Write({s, canonical, ReceivedAt(), true}).ok());
  ASSERT_TRUE(writer->Finish().ok());
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
  ASSERT_TRUE(writer->Write({s, first, ReceivedAt(), false}).ok());
  ASSERT_TRUE(writer->Write({s, second, ReceivedAt(), true}).ok());
  ASSERT_TRUE(writer->Finish().ok());
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
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(out.str(), "");
}

// ---------------------------------------------------------------------- XLSX

// A fresh directory for the writer's temporary files, removed afterwards.
class ScratchDir {
 public:
  ScratchDir()
      : path_(std::filesystem::temp_directory_path() / ("vigil-xlsx-test-" + RandomUuid())) {
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }
  bool Empty() const { return std::filesystem::is_empty(path_); }

 private:
  std::filesystem::path path_;
};

std::string Xlsx(const std::vector<core::Form>& forms,
                 const std::vector<core::Submission>& submissions,
                 const std::filesystem::path& scratch, std::int64_t rows_per_sheet = kXlsxMaxRows) {
  std::ostringstream out;
  auto writer = MakeXlsxSubmissionWriter(out, forms, scratch, rows_per_sheet);
  const std::string no_json;
  for (const core::Submission& s : submissions) {
    const Status written = writer->Write({s, no_json, ReceivedAt(), true});
    EXPECT_TRUE(written.ok()) << written.message();
  }
  const Status finished = writer->Finish();
  EXPECT_TRUE(finished.ok()) << finished.message();
  return out.str();
}

std::vector<ingest::XlsxSheet> ReadBack(const std::string& bytes) {
  auto sheets = ingest::ReadXlsx(bytes);
  EXPECT_TRUE(sheets.has_value()) << (sheets ? "" : sheets.error().message());
  return sheets.value_or(std::vector<ingest::XlsxSheet>{});
}

// The texts of a row's cells by column, "" where a cell is missing.
std::vector<std::string> Cells(const ingest::XlsxRow& row, int columns) {
  std::vector<std::string> out(columns);
  for (const ingest::XlsxCell& c : row.cells) {
    if (c.column < columns) out[c.column] = c.text;
  }
  return out;
}

// One part of the zip, e.g. "xl/worksheets/sheet1.xml".
std::string ZipPart(const std::string& bytes, const char* name) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* zip = source ? zip_open_from_source(source, ZIP_RDONLY, &error) : nullptr;
  std::string out;
  if (zip == nullptr) {
    ADD_FAILURE() << "not a zip";
    if (source) zip_source_free(source);
    return out;
  }
  if (zip_file_t* file = zip_fopen(zip, name, 0)) {
    char buf[4096];
    for (zip_int64_t n; (n = zip_fread(file, buf, sizeof buf)) > 0;) out.append(buf, n);
    zip_fclose(file);
  } else {
    ADD_FAILURE() << "no part " << name;
  }
  zip_close(zip);
  return out;
}

TEST(XlsxSubmissionWriter, WritesTheCsvHeaderAndValues) {
  ScratchDir scratch;
  core::Submission first = MakeSubmission({{"T", "all calm"}, {"N", 12}, {"SM", {"a", "c"}}});
  core::Submission second = MakeSubmission({{"N", 2.5}});
  second.instance_id = "uuid:2";
  second.started_at.reset();
  second.replaces = "uuid:1";
  const auto sheets = ReadBack(Xlsx(FormA(), {first, second}, scratch.path()));
  ASSERT_EQ(sheets.size(), 1u);
  EXPECT_EQ(sheets[0].name, "submissions");
  ASSERT_EQ(sheets[0].rows.size(), 3u);
  EXPECT_EQ(Cells(sheets[0].rows[0], 13),
            (std::vector<std::string>{"instance_id", "form", "form_version", "station", "observer",
                                      "started_at", "submitted_at", "received_at", "replaces",
                                      "current", "T", "N", "SM"}));
  const std::vector<std::string> row1 = Cells(sheets[0].rows[1], 13);
  EXPECT_EQ(row1, (std::vector<std::string>{
                      "uuid:1", "A", "1", "PS-1", "OB-1", "2026-11-28T07:00:00.000000Z",
                      "2026-11-28T07:30:00.000000Z", "2026-11-28T07:30:05.000000Z", "", "TRUE",
                      "all calm", "12", "a c"}));
  const std::vector<std::string> row2 = Cells(sheets[0].rows[2], 13);
  EXPECT_EQ(row2[0], "uuid:2");
  EXPECT_EQ(row2[5], "") << "no start time";
  EXPECT_EQ(row2[8], "uuid:1");
  EXPECT_EQ(row2[11], "2.5");
  EXPECT_EQ(row2[10], "");
}

TEST(XlsxSubmissionWriter, WritesNumbersAsNumbersCurrentAsBooleanAndTextAsText) {
  ScratchDir scratch;
  const std::string sheet =
      ZipPart(Xlsx(FormA(), {MakeSubmission({{"T", "=1+1"}, {"N", 12}})}, scratch.path()),
              "xl/worksheets/sheet1.xml");
  // Number cells carry no type; booleans t="b"; text is an inline string,
  // never a formula.
  EXPECT_NE(sheet.find(R"(<c r="L2"><v>12</v></c>)"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find(R"(<c r="J2" t="b"><v>1</v></c>)"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find(R"(<c r="K2" t="inlineStr"><is><t>=1+1</t></is></c>)"), std::string::npos)
      << sheet;
  EXPECT_NE(sheet.find(R"(<c r="F2" t="inlineStr"><is><t>2026-11-28T07:00:00.000000Z</t>)"),
            std::string::npos)
      << sheet;
  EXPECT_EQ(sheet.find("<f>"), std::string::npos) << sheet;
}

TEST(XlsxSubmissionWriter, WritesOnlyTheHeaderWithoutSubmissions) {
  ScratchDir scratch;
  const auto sheets = ReadBack(Xlsx(FormA(), {}, scratch.path()));
  ASSERT_EQ(sheets.size(), 1u);
  ASSERT_EQ(sheets[0].rows.size(), 1u);
  EXPECT_EQ(sheets[0].rows[0].cells.size(), 13u);
}

TEST(XlsxSubmissionWriter, GoesOnToANewSheetWithTheHeaderWhenOneIsFull) {
  ScratchDir scratch;
  std::vector<core::Submission> submissions;
  for (int i = 1; i <= 5; ++i) {
    submissions.push_back(MakeSubmission({{"N", i}}));
    submissions.back().instance_id = "uuid:" + std::to_string(i);
  }
  // Three rows a sheet: the header and two submissions.
  const auto sheets = ReadBack(Xlsx(FormA(), submissions, scratch.path(), 3));
  ASSERT_EQ(sheets.size(), 3u);
  EXPECT_EQ(sheets[0].name, "submissions");
  EXPECT_EQ(sheets[1].name, "submissions 2");
  EXPECT_EQ(sheets[2].name, "submissions 3");
  std::vector<std::string> ids;
  for (const auto& sheet : sheets) {
    ASSERT_FALSE(sheet.rows.empty());
    EXPECT_EQ(Cells(sheet.rows[0], 1)[0], "instance_id") << sheet.name;
    EXPECT_LE(sheet.rows.size(), 3u) << sheet.name;
    for (std::size_t r = 1; r < sheet.rows.size(); ++r) ids.push_back(Cells(sheet.rows[r], 1)[0]);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"uuid:1", "uuid:2", "uuid:3", "uuid:4", "uuid:5"}));
}

TEST(XlsxSubmissionWriter, CutsTextLongerThanACellHoldsOnACharacterBoundary) {
  ScratchDir scratch;
  std::string long_text;
  for (int i = 0; i < 40000; ++i) long_text += "\xc3\xa9";  // é, two bytes
  const auto sheets = ReadBack(Xlsx(FormA(), {MakeSubmission({{"T", long_text}})}, scratch.path()));
  ASSERT_EQ(sheets.size(), 1u);
  ASSERT_EQ(sheets[0].rows.size(), 2u);
  const std::string cell = Cells(sheets[0].rows[1], 13)[10];
  ASSERT_TRUE(cell.ends_with(" [cut]")) << cell.substr(cell.size() - 20);
  const std::string kept = cell.substr(0, cell.size() - 6);
  EXPECT_EQ(kept.size(), 2 * (kXlsxMaxCellChars - 6));
  EXPECT_EQ(kept, long_text.substr(0, kept.size()));
}

TEST(XlsxSubmissionWriter, LeavesNoTemporaryFileBehind) {
  ScratchDir scratch;
  Xlsx(FormA(), {MakeSubmission({{"N", 1}})}, scratch.path());
  EXPECT_TRUE(scratch.Empty());
  {
    // Abandoned before Finish, e.g. a failed export.
    std::ostringstream out;
    auto writer = MakeSubmissionWriter(ExportFormat::kXlsx, out, FormA(), scratch.path());
    ASSERT_TRUE(writer->Write({MakeSubmission({}), "", ReceivedAt(), true}).ok());
    // Meanwhile the workbook sits in a directory only its owner may enter:
    // it holds the submissions in full.
    std::vector<std::filesystem::directory_entry> entries(
        std::filesystem::directory_iterator(scratch.path()), {});
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_TRUE(entries[0].is_directory());
    EXPECT_EQ(entries[0].status().permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_all);
  }
  EXPECT_TRUE(scratch.Empty());
}

TEST(XlsxSubmissionWriter, FailsNamingTheDirectoryItCannotWriteIn) {
  std::ostringstream out;
  const std::filesystem::path missing =
      std::filesystem::temp_directory_path() / ("vigil-missing-" + RandomUuid());
  auto writer = MakeSubmissionWriter(ExportFormat::kXlsx, out, FormA(), missing);
  const Status s = writer->Write({MakeSubmission({}), "", ReceivedAt(), true});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(missing.string()), std::string::npos) << s.message();
  EXPECT_FALSE(writer->Finish().ok());
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace vigil::report
