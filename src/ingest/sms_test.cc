// The coded-SMS parser: each reading rule on its own, the replies, and the
// golden file tests/data/sms/messages.{txt,expected} (set
// VIGIL_UPDATE_GOLDEN=1 to rewrite the expected file after a deliberate
// change, then review the diff).
#include "ingest/sms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/default_forms.h"
#include "core/mission.h"

namespace vigil::ingest {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::Field;

const SmsCodebook& Book() {
  static const SmsCodebook book = SmsCodebook::Build(core::DefaultForms({"Alpha", "Beta"})).value();
  return book;
}

std::vector<SmsProblemCode> Codes(const SmsReport& r) {
  std::vector<SmsProblemCode> codes;
  for (const SmsProblem& p : r.problems) codes.push_back(p.code);
  return codes;
}

json::object Answers(const SmsReport& r) { return SmsAnswersJson(r, Book()); }

TEST(SmsParser, ReadsFormObserverAndAnswers) {
  const SmsReport r = ParseSms("V1001AA0930AB1AC2", Book());
  ASSERT_TRUE(r.ok()) << SmsReply(r, Book(), "en");
  EXPECT_EQ(Book().forms()[r.form].code, "V");
  EXPECT_EQ(r.observer_id, "1001");
  EXPECT_EQ(r.pin, "");
  EXPECT_FALSE(r.incident);
  EXPECT_EQ(Answers(r), (json::object{{"VA", "09:30"}, {"V1", "yes"}, {"V2", "no"}}));
}

TEST(SmsParser, DigitsBeforeTheFirstLetterAreThePin) {
  const SmsReport r = ParseSms("482913 V1001AA1", Book());
  EXPECT_EQ(r.pin, "482913");
  EXPECT_EQ(r.observer_id, "1001");
}

TEST(SmsParser, DropsSpacesAndPunctuationAndUpperCases) {
  const SmsReport r = ParseSms("v 10-01, ab 1; ac.2", Book());
  ASSERT_TRUE(r.ok()) << SmsReply(r, Book(), "en");
  EXPECT_EQ(r.observer_id, "1001");
  EXPECT_EQ(Answers(r), (json::object{{"V1", "yes"}, {"V2", "no"}}));
}

TEST(SmsParser, ReadsOAsZeroAndIAndLAsOneInTheDataPart) {
  const SmsReport r = ParseSms("VlOIIAAO93OABl", Book());
  ASSERT_TRUE(r.ok()) << SmsReply(r, Book(), "en");
  EXPECT_EQ(r.observer_id, "1011");
  EXPECT_EQ(Answers(r), (json::object{{"VA", "09:30"}, {"V1", "yes"}}));
}

TEST(SmsParser, OpeningFormPrefixOIsALetterBeforeTheDataPart) {
  const SmsReport r = ParseSms("OO42AA645", Book());
  ASSERT_TRUE(r.ok()) << SmsReply(r, Book(), "en");
  EXPECT_EQ(Book().forms()[r.form].code, "O");
  EXPECT_EQ(r.observer_id, "42");
}

TEST(SmsParser, ObserverIdLosesLeadingZeros) {
  EXPECT_EQ(ParseSms("V0042AA1", Book()).observer_id, "42");
  EXPECT_EQ(ParseSms("V000AA1", Book()).observer_id, "0");
  EXPECT_EQ(SmsNumber("OBS-0042"), "42");
  EXPECT_EQ(SmsNumber("OBS-0000"), "0");
  EXPECT_EQ(SmsNumber("R1-OBS-7"), "17");
  EXPECT_EQ(SmsNumber("NONE"), "");
  EXPECT_EQ(SmsNumber("PS-00123"), "123");
}

TEST(SmsParser, ReadsCyrillicLookalikesAsLatin) {
  // "С" and "А" typed on a Russian keyboard.
  const SmsReport r = ParseSms(
      "\xD0\xA1"
      "1001 \xD0\x90\xD0\x90"
      "2130",
      Book());
  ASSERT_TRUE(r.ok()) << SmsReply(r, Book(), "en");
  EXPECT_EQ(Book().forms()[r.form].code, "C");
  EXPECT_EQ(Answers(r), (json::object{{"CA", "21:30"}}));
}

TEST(SmsParser, ReportsOtherCharacters) {
  const SmsReport r = ParseSms(
      "V1001AB\xD0\x96"
      "1",
      Book());
  EXPECT_THAT(r.problems, ElementsAre(Field(&SmsProblem::value, "\xD0\x96")));
  EXPECT_EQ(r.problems[0].code, SmsProblemCode::kBadCharacter);
}

TEST(SmsParser, BareTagMeansYesOrOne) {
  const SmsReport r = ParseSms("V1001AB AJ", Book());
  ASSERT_TRUE(r.ok()) << SmsReply(r, Book(), "en");
  EXPECT_EQ(Answers(r), (json::object{{"V1", "yes"}, {"V7", 1}}));
}

TEST(SmsParser, SplitsARunOfLettersIntoKnownTags) {
  const SmsReport r = ParseSms("V1001ABACAD2", Book());
  ASSERT_TRUE(r.ok()) << SmsReply(r, Book(), "en");
  EXPECT_EQ(Answers(r), (json::object{{"V1", "yes"}, {"V2", "yes"}, {"V21", "no"}}));
}

TEST(SmsParser, ExclamationMarkFlagsAnIncident) {
  EXPECT_TRUE(ParseSms("V1001!AB1", Book()).incident);
  EXPECT_TRUE(ParseSms("V1001AB1!", Book()).incident);
  EXPECT_FALSE(ParseSms("V1001AB1", Book()).incident);
}

TEST(SmsParser, KeepsTheCommentVerbatimAndFillsTheCommentQuestion) {
  const SmsReport r = ParseSms("V1001AB1 @  Queue of 40, OIL!  ", Book());
  ASSERT_TRUE(r.ok()) << SmsReply(r, Book(), "en");
  EXPECT_EQ(r.comment, "Queue of 40, OIL!");
  EXPECT_EQ(Answers(r), (json::object{{"V1", "yes"}, {"VC", "Queue of 40, OIL!"}}));
  EXPECT_FALSE(r.incident);  // the "!" is in the comment
}

TEST(SmsParser, AnswerValuesPerType) {
  // yes_no_na (AH: V6), assessment (AY: V20), integer (AJ: V7).
  SmsReport r = ParseSms("V1AH3AY4AJ12", Book());
  ASSERT_TRUE(r.ok()) << SmsReply(r, Book(), "en");
  EXPECT_EQ(Answers(r), (json::object{{"V6", "na"}, {"V20", "very_bad"}, {"V7", 12}}));
  // select_one (AC: O2, opening time), select_multiple (AJ: O8).
  r = ParseSms("O1AC3AJ31", Book());
  ASSERT_TRUE(r.ok()) << SmsReply(r, Book(), "en");
  EXPECT_EQ(Answers(r), (json::object{{"O2", "late"}, {"O8", json::array{"police", "party"}}}));
}

TEST(SmsParser, ReadsTimesOfThreeOrFourDigits) {
  EXPECT_EQ(Answers(ParseSms("V1AA730", Book())), (json::object{{"VA", "07:30"}}));
  EXPECT_EQ(Answers(ParseSms("V1AA0000", Book())), (json::object{{"VA", "00:00"}}));
  EXPECT_EQ(Answers(ParseSms("V1AA2359", Book())), (json::object{{"VA", "23:59"}}));
  for (const char* bad : {"V1AA2400", "V1AA960", "V1AA12", "V1AA12345"}) {
    EXPECT_THAT(Codes(ParseSms(bad, Book())), ElementsAre(SmsProblemCode::kBadTime)) << bad;
  }
  EXPECT_THAT(Codes(ParseSms("V1AA", Book())), ElementsAre(SmsProblemCode::kMissingValue));
}

TEST(SmsParser, ChecksIntegerBounds) {
  const SmsReport r = ParseSms("V1AJ5001", Book());  // V7: 0..5000
  ASSERT_THAT(Codes(r), ElementsAre(SmsProblemCode::kOutOfRange));
  EXPECT_EQ(r.problems[0].tag, "AJ");
  EXPECT_EQ(r.problems[0].value, "5001");
  EXPECT_TRUE(ParseSms("V1AJ5000", Book()).ok());
  EXPECT_THAT(Codes(ParseSms("V1AJ99999999999999999999", Book())),
              ElementsAre(SmsProblemCode::kOutOfRange));
}

TEST(SmsParser, RejectsChoicesOutOfRange) {
  EXPECT_THAT(Codes(ParseSms("V1AB3", Book())), ElementsAre(SmsProblemCode::kOutOfRange));
  EXPECT_THAT(Codes(ParseSms("V1AB0", Book())), ElementsAre(SmsProblemCode::kOutOfRange));
  EXPECT_THAT(Codes(ParseSms("V1AY5", Book())), ElementsAre(SmsProblemCode::kOutOfRange));
  EXPECT_THAT(Codes(ParseSms("O1AJ5", Book())), ElementsAre(SmsProblemCode::kOutOfRange));
  EXPECT_THAT(Codes(ParseSms("O1AJ11", Book())), ElementsAre(SmsProblemCode::kRepeatedOption));
}

TEST(SmsParser, RejectsUnknownQuestionCode) {
  const SmsReport r = ParseSms("V1001AB1QQ3", Book());
  ASSERT_THAT(Codes(r), ElementsAre(SmsProblemCode::kUnknownQuestion));
  EXPECT_EQ(r.problems[0].tag, "QQ");
  EXPECT_EQ(Answers(r), (json::object{{"V1", "yes"}}));  // the rest is still read
}

TEST(SmsParser, RejectsRepeatedQuestionKeepingTheFirstAnswer) {
  const SmsReport r = ParseSms("V1001AB1AB2", Book());
  EXPECT_THAT(Codes(r), ElementsAre(SmsProblemCode::kRepeatedQuestion));
  EXPECT_EQ(Answers(r), (json::object{{"V1", "yes"}}));
}

TEST(SmsParser, ReportsMissingPartsAndEveryProblem) {
  EXPECT_THAT(Codes(ParseSms("", Book())), ElementsAre(SmsProblemCode::kEmpty));
  EXPECT_THAT(Codes(ParseSms(" .,- ", Book())), ElementsAre(SmsProblemCode::kEmpty));
  EXPECT_THAT(Codes(ParseSms("1001", Book())), ElementsAre(SmsProblemCode::kNoForm));
  // Letters after the PIN are the prefix.
  EXPECT_THAT(Codes(ParseSms("1001AB1", Book())), ElementsAre(SmsProblemCode::kUnknownForm));
  EXPECT_THAT(Codes(ParseSms("@hello", Book())), ElementsAre(SmsProblemCode::kNoForm));
  EXPECT_THAT(Codes(ParseSms("VAB1", Book())), ElementsAre(SmsProblemCode::kMissingObserver));
  const SmsReport unknown = ParseSms("QZ1001AB1", Book());
  ASSERT_THAT(Codes(unknown), ElementsAre(SmsProblemCode::kUnknownForm));
  EXPECT_EQ(unknown.problems[0].value, "QZ");
  EXPECT_THAT(Codes(ParseSms("V1001AB1!5", Book())), ElementsAre(SmsProblemCode::kStrayValue));
  EXPECT_THAT(Codes(ParseSms("VAB7QQAB1AA9999", Book())),
              ElementsAre(SmsProblemCode::kMissingObserver, SmsProblemCode::kOutOfRange,
                          SmsProblemCode::kUnknownQuestion, SmsProblemCode::kBadTime));
}

TEST(SmsParser, IncidentFormHasPrefixX) {
  const SmsReport r = ParseSms("X1001AA1405AB3AC1AD3 @Police removed our observer", Book());
  ASSERT_TRUE(r.ok()) << SmsReply(r, Book(), "en");
  EXPECT_EQ(Book().forms()[r.form].code, "I");
  EXPECT_EQ(Answers(r), (json::object{{"IA", "14:05"},
                                      {"I1", "ballot_stuffing"},
                                      {"I3", "observed"},
                                      {"I4", "critical"},
                                      {"I2", "Police removed our observer"}}));
}

TEST(SmsParser, ReusesTheReportBetweenMessages) {
  SmsReport r;
  ParseSms("V1001AB9QQ1 @x", Book(), r);
  ParseSms("C7AA2000", Book(), r);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.observer_id, "7");
  EXPECT_EQ(r.comment, "");
  EXPECT_EQ(Answers(r), (json::object{{"CA", "20:00"}}));
}

TEST(SmsParser, AnswersMakeAValidSubmission) {
  const std::vector<core::Form> forms = core::DefaultForms({"Alpha", "Beta"});
  core::MissionIndex mission({}, {{.code = "PS1", .name = "School 1"}},
                             {{.code = "OBS-1001", .stations = {"PS1"}}}, forms);
  const char* messages[] = {
      "V1001AA0930AB1AC2AD1AE2AF1AG2AH1AJ0AK3AM2AN2AP2AQ2AR2AS2AT1AU1AV1AW5AX12AY2AZ1015 @ok",
      "C1001AA2130AB2AC1AD1AE1AF1AG1AH1AJ1AK0AM135AN2AP1AQ2AR1500AS1480AT1200AU280AV0AW0"
      "AX1100AY1000AZ100PA700PB300BA2BB2300",
      "O1001AA0645AB1AC2AD1AE1AF1AG1AH2AM1AN2",
      "T1001AA2300AB1AC1AD1AE2AF2AG2AH2AJ40AK2AM0100",
      "X1001!AA1405AB6AC2AD3AE2AF1 @Observer expelled",
  };
  for (const char* text : messages) {
    const SmsReport r = ParseSms(text, Book());
    ASSERT_TRUE(r.ok()) << text << ": " << SmsReply(r, Book(), "en");
    core::Submission s;
    s.instance_id = "uuid:00000000-0000-4000-8000-000000000000";
    s.form_code = Book().forms()[r.form].code;
    s.form_version = Book().forms()[r.form].version;
    s.station_code = "PS1";
    s.observer_code = "OBS-1001";
    s.answers = Answers(r);
    const auto errors = core::ValidateSubmission(s, mission);
    for (const core::FieldError& e : errors)
      ADD_FAILURE() << text << ": " << e.field << " " << e.problem;
  }
}

TEST(SmsReply, ConfirmsWhatWasReceived) {
  SmsReport r = ParseSms("V1001AB1AC2", Book());
  EXPECT_EQ(SmsReply(r, Book(), "en"), "Received V from 1001, answers: 2.");
  EXPECT_EQ(SmsReply(r, Book(), "ru"), "Принято: V, наблюдатель 1001, ответов: 2.");
  EXPECT_EQ(SmsReply(r, Book(), "fr"), "Received V from 1001, answers: 2.");
  r = ParseSms("V1001!AB1", Book());
  EXPECT_EQ(SmsReply(r, Book(), "en"), "Received V from 1001, answers: 1, incident noted.");
}

TEST(SmsReply, NamesEachProblem) {
  const SmsReport r = ParseSms("V1001AZ1AB7", Book());
  EXPECT_EQ(SmsReply(r, Book(), "en"),
            "Not accepted: bad time 1 for AZ (use HHMM); value 7 out of range for AB. Please "
            "correct and resend.");
  const SmsReport q = ParseSms("V1001QZ1AB7", Book());
  EXPECT_EQ(SmsReply(q, Book(), "en"),
            "Not accepted: unknown question code QZ; value 7 out of range for AB. Please correct "
            "and resend.");
  EXPECT_EQ(SmsReply(q, Book(), "ru"),
            "Не принято: неизвестный код вопроса QZ; значение 7 вне диапазона для AB. Исправьте "
            "и отправьте снова.");
}

TEST(SmsReply, NamesProblemsTheCallerAdds) {
  SmsReport r = ParseSms("V1001AB1", Book());
  r.problems.push_back({SmsProblemCode::kUnknownObserver, "", r.observer_id});
  EXPECT_EQ(SmsReply(r, Book(), "en"),
            "Not accepted: unknown observer number 1001. Please correct and resend.");
  r.problems = {{SmsProblemCode::kWrongPin, "", ""}};
  EXPECT_EQ(SmsReply(r, Book(), "ru"), "Не принято: неверный PIN. Исправьте и отправьте снова.");
  r.problems = {{SmsProblemCode::kStationNeeded, "", "3"}};
  EXPECT_EQ(SmsReply(r, Book(), "en"),
            "Not accepted: you observe 3 stations: add # and the station number after your "
            "observer number. Please correct and resend.");
  r.problems = {{SmsProblemCode::kUnknownStation, "", "77"}};
  EXPECT_EQ(SmsReply(r, Book(), "ru"),
            "Не принято: участок #77 не ваш. Исправьте и отправьте снова.");
}

TEST(SmsParse, ReadsTheStationAfterAHashAnywhereAfterTheObserverOnce) {
  SmsReport r = ParseSms("V1001#0123 AB1", Book());
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.observer_id, "1001");
  EXPECT_EQ(r.station, "123") << "leading zeros are not significant";
  EXPECT_EQ(r.answers.size(), 1u);
  EXPECT_EQ(SmsReply(r, Book(), "en"), "Received V from 1001 at station #123, answers: 1.");
  EXPECT_EQ(SmsReply(r, Book(), "ru"), "Принято: V, наблюдатель 1001, участок #123, ответов: 1.");

  r = ParseSms("V1001 AB1 # 12O", Book());  // late, spaced, with an O for a zero
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.station, "120");

  r = ParseSms("V1001#AB1", Book());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].code, SmsProblemCode::kMissingStation);

  r = ParseSms("V1001#12AB1#13", Book());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].code, SmsProblemCode::kRepeatedStation);
  EXPECT_EQ(r.problems[0].value, "13");
  EXPECT_EQ(r.station, "12") << "the first is kept";

  r = ParseSms("#12 V1001AB1", Book());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].code, SmsProblemCode::kStrayValue) << "a # before the form";
  EXPECT_EQ(r.pin, "12");
}

TEST(SmsReply, HasANameAndATextForEveryProblemCode) {
  const SmsReport base = ParseSms("V1001AB1", Book());
  for (int c = 0; c <= static_cast<int>(SmsProblemCode::kLastCode); ++c) {
    const auto code = static_cast<SmsProblemCode>(c);
    EXPECT_FALSE(SmsProblemName(code).empty()) << c;
    SmsReport r = base;
    r.problems = {{code, "AB", "7"}};
    for (const char* language : {"en", "ru"}) {
      const std::string reply = SmsReply(r, Book(), language);
      EXPECT_THAT(reply, ::testing::Not(::testing::HasSubstr("{"))) << c << " " << language;
      EXPECT_GT(reply.size(), 30u) << c << " " << language;
    }
  }
}

std::size_t Characters(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

TEST(SmsReply, FitsTwoSegmentsCountingTheProblemsLeftOut) {
  std::string text = "V1001";
  for (const char* tag : {"QA", "QB", "QC", "QD", "QE", "QF", "QG", "QH", "QJ", "QK", "QM", "QN",
                          "QP", "QQ", "QR", "QS", "QT", "QU", "QV", "QW", "QX", "QY", "QZ", "RA"})
    text += std::string(tag) + "1";
  const SmsReport r = ParseSms(text, Book());
  ASSERT_EQ(r.problems.size(), 24u);
  const std::string en = SmsReply(r, Book(), "en");
  const std::string ru = SmsReply(r, Book(), "ru");
  EXPECT_LE(Characters(en), 306u) << en;
  EXPECT_LE(Characters(ru), 134u) << ru;
  EXPECT_THAT(en, ::testing::HasSubstr("more. Please correct and resend."));
  EXPECT_THAT(ru, ::testing::HasSubstr("и ещё"));
}

TEST(SmsCodebook, RefusesTwoFormsWithOnePrefix) {
  std::vector<core::Form> forms = core::DefaultForms();
  forms[1].sms_prefix = "V";
  auto book = SmsCodebook::Build(forms);
  ASSERT_FALSE(book.has_value());
  EXPECT_THAT(book.error().message(),
              ::testing::HasSubstr("forms V and C share the SMS prefix 'V'"));
}

TEST(SmsCodebook, BuildsFromTheCurrentVersionOfEachOfTheMissionsForms) {
  std::vector<core::Form> forms = core::DefaultForms();
  core::Form v2 = forms[0];
  v2.version = "2026.2";
  v2.questions[1].sms = "ZZ";  // V1
  forms.push_back(v2);
  const core::MissionIndex mission({}, {}, {}, forms);
  auto book = SmsCodebook::Build(mission);
  ASSERT_TRUE(book.has_value()) << book.error().message();
  EXPECT_EQ(book->forms().size(), 5u);
  const SmsReport r = ParseSms("V1ZZ2", *book);
  ASSERT_TRUE(r.ok()) << SmsReply(r, *book, "en");
  EXPECT_EQ(book->forms()[r.form].version, "2026.2");
  EXPECT_EQ(SmsAnswersJson(r, *book), (json::object{{"V1", "no"}}));
}

TEST(SmsCodebook, LeavesOutFormsWithoutPrefix) {
  std::vector<core::Form> forms = core::DefaultForms();
  forms[0].sms_prefix.clear();
  auto book = SmsCodebook::Build(forms);
  ASSERT_TRUE(book.has_value());
  EXPECT_EQ(book->FindForm("V"), -1);
  EXPECT_THAT(Codes(ParseSms("V1AB1", *book)), ElementsAre(SmsProblemCode::kUnknownForm));
}

// One block per message: the message, then what was read and both replies.
std::string Describe(const std::string& text) {
  const SmsReport r = ParseSms(text, Book());
  std::ostringstream out;
  out << "> " << text << "\n";
  out << "form=" << (r.form >= 0 ? Book().forms()[r.form].code : "-")
      << " observer=" << r.observer_id << " pin=" << r.pin
      << " incident=" << (r.incident ? "yes" : "no");
  if (!r.station.empty()) out << " station=" << r.station;
  out << "\n";
  if (r.form >= 0) out << "answers=" << json::serialize(Answers(r)) << "\n";
  if (!r.comment.empty()) out << "comment=" << r.comment << "\n";
  for (const SmsProblem& p : r.problems) {
    out << "problem=" << SmsProblemName(p.code);
    if (!p.tag.empty()) out << " tag=" << p.tag;
    if (!p.value.empty()) out << " value=" << p.value;
    out << "\n";
  }
  out << "en: " << SmsReply(r, Book(), "en") << "\n";
  out << "ru: " << SmsReply(r, Book(), "ru") << "\n\n";
  return out.str();
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SmsGolden, MessagesGiveTheExpectedReports) {
  const char* source = std::getenv("VIGIL_SOURCE_DIR");
  const std::string dir = std::string(source != nullptr ? source : ".") + "/tests/data/sms/";
  std::istringstream messages(ReadAll(dir + "messages.txt"));
  ASSERT_FALSE(messages.str().empty()) << "cannot read " << dir << "messages.txt";
  std::string actual;
  int count = 0;
  for (std::string line; std::getline(messages, line);) {
    if (line.starts_with("#")) continue;
    actual += Describe(line);
    ++count;
  }
  EXPECT_GE(count, 40);
  if (std::getenv("VIGIL_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(dir + "messages.expected", std::ios::binary) << actual;
  }
  EXPECT_EQ(actual, ReadAll(dir + "messages.expected"));
}

}  // namespace
}  // namespace vigil::ingest
