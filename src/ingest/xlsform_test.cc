#include "ingest/xlsform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/default_forms.h"
#include "ingest/xlsform_writer.h"
#include "ingest/xlsx.h"

namespace vigil::ingest {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Fixture(const std::string& name) {
  const char* source = std::getenv("VIGIL_SOURCE_DIR");
  return std::string(source != nullptr ? source : ".") + "/tests/data/xlsform/" + name;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> Problems(const std::string& bytes) {
  std::vector<XlsFormProblem> problems;
  auto form = ReadXlsForm(bytes, &problems);
  EXPECT_FALSE(form.has_value());
  std::vector<std::string> out;
  out.reserve(problems.size());
  for (const XlsFormProblem& p : problems) out.push_back(p.ToString());
  return out;
}

// Writes `form` with the writer and reads it back.
Result<core::Form> RoundTrip(const core::Form& form, std::vector<XlsFormProblem>* problems) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("vigil-xlsform-" + std::to_string(getpid()) + ".xlsx");
  Status written = WriteXlsForm(form, path.string());
  if (!written.ok()) return Fail(written);
  const std::string bytes = ReadBytes(path.string());
  std::filesystem::remove(path);
  return ReadXlsForm(bytes, problems);
}

std::string Describe(const std::vector<XlsFormProblem>& problems) {
  std::string out;
  for (const XlsFormProblem& p : problems) out += p.ToString() + "\n";
  return out;
}

TEST(Xlsx, ReadsCellsOfEveryKind) {
  auto sheets = ReadXlsx(ReadBytes(Fixture("observer_checklist.xlsx")));
  ASSERT_TRUE(sheets.has_value()) << sheets.error().ToString();
  ASSERT_EQ(sheets->size(), 3u);
  const XlsxSheet& survey = (*sheets)[0];
  EXPECT_EQ(survey.name, "survey");
  // Row 3: a boolean cell; row 7: rich text runs joined, phonetic run left out.
  EXPECT_EQ(survey.rows[2].cells[5].text, "TRUE");
  EXPECT_EQ(survey.rows[6].cells[2].text, "Was the ballot box sealed?");
  const XlsxSheet& settings = (*sheets)[2];
  EXPECT_EQ(settings.rows[1].cells[2].text, "2026061");  // a number cell
  EXPECT_EQ(XlsxColumnName(0), "A");
  EXPECT_EQ(XlsxColumnName(25), "Z");
  EXPECT_EQ(XlsxColumnName(26), "AA");
  EXPECT_EQ(XlsxColumnName(16383), "XFD");
}

// The golden file was made by this reader and checked by hand against the
// workbook (tests/data/xlsform/make_fixtures.py): every row, label, bound,
// expression and vigil column.
TEST(XlsForm, ReadsTheObserverChecklist) {
  std::vector<XlsFormProblem> problems;
  auto form = ReadXlsForm(ReadBytes(Fixture("observer_checklist.xlsx")), &problems);
  ASSERT_TRUE(form.has_value()) << Describe(problems);
  const json::value golden = json::parse(ReadBytes(Fixture("observer_checklist.json")));
  EXPECT_EQ(core::FormToJson(*form), golden) << json::serialize(core::FormToJson(*form));

  EXPECT_EQ(form->code, "PS");
  EXPECT_EQ(form->version, "2026061");
  EXPECT_EQ(form->default_language, "en");
  EXPECT_EQ(form->title.at("en"), "Polling station checklist");
  const core::Question* v1 = form->FindQuestion("V1");
  ASSERT_NE(v1, nullptr);
  EXPECT_EQ(v1->type, core::QuestionType::kYesNo);  // the list "yes_no" of yes, no
  EXPECT_TRUE(v1->options.empty());
  EXPECT_EQ(form->FindQuestion("V6")->type, core::QuestionType::kYesNoNa);
  EXPECT_EQ(form->FindQuestion("I2")->type, core::QuestionType::kAssessment);
  const core::Question* v3 = form->FindQuestion("V3");
  EXPECT_EQ(v3->min, 0);
  EXPECT_EQ(v3->max, 5000);
  EXPECT_TRUE(v3->constraint.empty());
  EXPECT_EQ(v3->negative_above, 0);
  EXPECT_EQ(form->FindQuestion("V4")->constraint, ". >= 0 and . < ${V3}");  // not only bounds
  EXPECT_EQ(form->FindQuestion("I1")->max, 500);  // string-length(.) <= 500
  EXPECT_EQ(form->FindQuestion("C1")->min, 0);    // ".>=0"
  EXPECT_FALSE(form->FindQuestion("C1")->max.has_value());
  ASSERT_EQ(form->questions.size(), 12u);
  EXPECT_EQ(form->questions[0].type, core::QuestionType::kGroup);
  EXPECT_EQ(form->questions[0].appearance, "field-list");
  EXPECT_EQ(form->questions[0].children.size(), 3u);
  EXPECT_EQ(form->questions[10].type, core::QuestionType::kRepeat);
  EXPECT_EQ(form->questions[10].children.size(), 2u);
}

TEST(XlsForm, ReadsAKoboToolboxStyleWorkbook) {
  std::vector<XlsFormProblem> problems;
  auto form = ReadXlsForm(ReadBytes(Fixture("kobo_style.xlsx")), &problems);
  ASSERT_TRUE(form.has_value()) << Describe(problems);
  EXPECT_EQ(form->code, "opening_kobo");
  EXPECT_EQ(form->version, "1 (2026-06-01 08:00:00)");
  EXPECT_EQ(form->phase, core::Phase::kVoting);  // no phase in settings
  EXPECT_EQ(form->title.at("en"), "Opening (Kobo)");
  // start, end and deviceid are no questions; $kuid and $autoname are skipped.
  ASSERT_EQ(form->questions.size(), 4u);
  EXPECT_EQ(form->questions[0].code, "observer_name");
  EXPECT_TRUE(form->questions[0].required);
  EXPECT_EQ(form->questions[0].labels.at("en"), "Your name");  // plain "label": English
  // A list of yes and no not named yes_no stays a select question.
  EXPECT_EQ(form->questions[1].type, core::QuestionType::kSelectOne);
  ASSERT_EQ(form->questions[1].options.size(), 2u);
  EXPECT_EQ(form->questions[1].options[1].labels.at("en"), "No");
  ASSERT_EQ(form->questions[2].type, core::QuestionType::kGroup);  // "begin group"
  ASSERT_EQ(form->questions[2].children.size(), 1u);
  const core::Question& staff = form->questions[2].children[0];
  EXPECT_FALSE(staff.required);
  EXPECT_EQ(staff.hints.at("en"), "Count everyone");
  EXPECT_EQ(form->questions[3].type, core::QuestionType::kNote);
}

TEST(XlsForm, ListsEveryProblemWithSheetRowAndColumn) {
  EXPECT_THAT(
      Problems(ReadBytes(Fixture("bad_form.xlsx"))),
      ElementsAre(
          "settings!C2: unknown phase \"lunch\" (opening, voting, counting, tabulation or "
          "incident)",
          "choices!B3: choice \"x\" is given twice in list \"l\"",
          "survey!E1: unsupported column \"choice_filter\"", "survey!A3: unknown type \"barcode\"",
          "survey!B4: name \"a\" is already used at row 2",
          "survey!D4: expected yes or no, got \"maybe\"",
          "survey!A5: unknown list \"nolist\" (no such list_name in choices)",
          "survey!A6: group \"g\" is never closed (end_group)",
          "survey!A7: repeat \"r\" is never closed (end_repeat)",
          "survey!A9: end_group closes repeat \"r\" (begun at row 7)",
          "survey!B11: name \"1bad\" is not a name (a letter or _, then letters, digits, _ - .; "
          "at most 64)"));
}

TEST(XlsForm, ChecksVigilColumnsSettingsAndRows) {
  EXPECT_THAT(
      Problems(ReadBytes(Fixture("bad_columns.xlsx"))),
      ElementsAre("settings!1: column \"form_id\" is missing",
                  "settings!C2: sms_prefix \"toolong\" is not 1 to 3 capital letters",
                  "settings!D2: sms_comment \"n\" is not a text question of the survey",
                  "settings!3: only one row of settings is read; this one would be lost",
                  "choices!B2: choice name \"a b\" holds a space (select_multiple answers "
                  "are separated by spaces)",
                  "survey!D1: column \"label\" and this one both give language \"en\"",
                  "survey!E2: note rows take no answer",
                  "survey!F3: a calculate row needs a calculation",
                  "survey!F4: only calculate rows take a calculation",
                  "survey!G5: \"maybe\" is not an answer of this question",
                  "survey!G6: expected >N for a number question, got \"lots\"",
                  "survey!H6: unknown criterion \"fairness\" (equality, universality, "
                  "political_pluralism, confidence, transparency, accountability)",
                  "survey!J7: a contestant is named exactly when the figure is \"votes\"",
                  "survey!I8: only integer questions copy protocol figures",
                  "survey!I9: unknown protocol figure \"turnout\"",
                  "survey!G10: only select, yes/no and number questions have negative "
                  "answers",
                  "survey!B12: name is missing", "survey!A13: repeat \"copies\" holds no question",
                  "survey!I14: a protocol figure is copied once per station, not inside a repeat",
                  "survey!K14: a question inside a group or repeat cannot be answered by SMS",
                  "survey!A16: group \"empty\" holds no question",
                  "survey!B17: end_group names \"other\" but closes \"empty\"",
                  "survey!K18: SMS tag \"AL\" is not 1 to 3 capital letters other than I, L and O",
                  "survey!K19: a text row cannot be answered by SMS",
                  "survey!K21: SMS tag \"AB\" is already used at row 20"));
}

TEST(XlsForm, RefusesAMissingSheet) {
  EXPECT_THAT(Problems(ReadBytes(Fixture("bad_missing_settings.xlsx"))),
              ElementsAre("settings: the sheet is missing (it names form_id and version)"));
}

TEST(XlsForm, RefusesWhatIsNotAWorkbook) {
  EXPECT_THAT(Problems(ReadBytes(Fixture("bad_not_a_zip.xlsx"))),
              ElementsAre(HasSubstr("xlsx: not a readable ZIP archive")));
  EXPECT_THAT(Problems(ReadBytes(Fixture("bad_xml.xlsx"))),
              ElementsAre(HasSubstr("xlsx: xl/worksheets/sheet1.xml: malformed XML at byte")));
  EXPECT_THAT(Problems(""), ElementsAre("xlsx: not a workbook: the ZIP archive is empty"));
}

TEST(XlsForm, DamagedWorkbooksFailCleanly) {
  // Cheap stand-in for the fuzzer: flipped bytes must give an error or a
  // form, never a crash.
  const std::string good = ReadBytes(Fixture("observer_checklist.xlsx"));
  std::mt19937 rng(7);
  for (int i = 0; i < 300; ++i) {
    std::string bytes = good;
    for (int k = 0; k < 4; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    std::vector<XlsFormProblem> problems;
    auto form = ReadXlsForm(bytes, &problems);
    EXPECT_EQ(form.has_value(), problems.empty());
    bytes.resize(rng() % bytes.size());
    form = ReadXlsForm(bytes, &problems);
    EXPECT_EQ(form.has_value(), problems.empty());
  }
}

TEST(XlsForm, ImportExportImportIsTheIdentityForTheDefaultForms) {
  for (const core::Form& form : core::DefaultForms({"Party A", "Party B"})) {
    std::vector<XlsFormProblem> problems;
    auto back = RoundTrip(form, &problems);
    ASSERT_TRUE(back.has_value()) << form.code << ": " << back.error().ToString() << "\n"
                                  << Describe(problems);
    EXPECT_EQ(core::FormToJson(*back), core::FormToJson(form)) << form.code;
  }
}

TEST(XlsForm, ImportExportImportIsTheIdentityForARichForm) {
  std::vector<XlsFormProblem> problems;
  auto form = ReadXlsForm(ReadBytes(Fixture("observer_checklist.xlsx")), &problems);
  ASSERT_TRUE(form.has_value()) << Describe(problems);
  auto back = RoundTrip(*form, &problems);
  ASSERT_TRUE(back.has_value()) << back.error().ToString() << "\n" << Describe(problems);
  EXPECT_EQ(core::FormToJson(*back), core::FormToJson(*form));
  auto kobo = ReadXlsForm(ReadBytes(Fixture("kobo_style.xlsx")), &problems);
  ASSERT_TRUE(kobo.has_value()) << Describe(problems);
  back = RoundTrip(*kobo, &problems);
  ASSERT_TRUE(back.has_value()) << Describe(problems);
  EXPECT_EQ(core::FormToJson(*back), core::FormToJson(*kobo));
}

// The `critical` column: the answers that raise an alert, space-separated
// like `negative`, kept through export and import.
TEST(XlsForm, CriticalColumnRoundTrips) {
  core::Form form;
  form.code = "I";
  form.version = "1";
  form.phase = core::Phase::kIncident;
  core::Question severity;
  severity.code = "SEV";
  severity.type = core::QuestionType::kSelectOne;
  severity.options = {{"minor", {}}, {"serious", {}}, {"critical", {}}};
  severity.critical_values = {"serious", "critical"};
  core::Question police;
  police.code = "POL";
  police.type = core::QuestionType::kYesNo;
  police.critical_values = {"yes"};
  core::Question note;
  note.code = "N";
  note.type = core::QuestionType::kText;
  form.questions = {severity, police, note};
  std::vector<XlsFormProblem> problems;
  auto back = RoundTrip(form, &problems);
  ASSERT_TRUE(back.has_value()) << Describe(problems);
  EXPECT_EQ(back->questions[0].critical_values, (std::vector<std::string>{"serious", "critical"}));
  EXPECT_EQ(back->questions[1].critical_values, std::vector<std::string>{"yes"});
  EXPECT_TRUE(back->questions[2].critical_values.empty());
  EXPECT_EQ(core::FormToJson(*back), core::FormToJson(form));
  // The shipped incident form's severity comes back critical too.
  for (const core::Form& f : core::DefaultForms()) {
    if (f.code != "I") continue;
    auto i = RoundTrip(f, &problems);
    ASSERT_TRUE(i.has_value()) << Describe(problems);
    EXPECT_EQ(i->FindQuestion("I4")->critical_values, std::vector<std::string>{"critical"});
  }
}

TEST(XlsForm, ExportNamesItsListsWithoutClashes) {
  core::Form form;
  form.code = "F";
  form.version = "1";
  core::Question q;
  q.code = "yes_no";  // the name of a generated list
  q.type = core::QuestionType::kSelectOne;
  q.options = {{"yes", {}}, {"no", {}}};
  core::Question y;
  y.code = "Y";
  y.type = core::QuestionType::kYesNo;
  form.questions = {q, y};
  std::vector<XlsFormProblem> problems;
  auto back = RoundTrip(form, &problems);
  ASSERT_TRUE(back.has_value()) << Describe(problems);
  EXPECT_EQ(core::FormToJson(*back), core::FormToJson(form));
}

}  // namespace
}  // namespace vigil::ingest
