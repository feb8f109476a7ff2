// Tests for form definitions (core/form.h) and the shipped forms
// (core/default_forms.h).
#include "core/form.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>
#include <string>

#include "core/default_forms.h"
#include "core/review.h"

namespace vigil::core {
namespace {

namespace json = boost::json;

// A form using every question type and every optional field.
constexpr const char* kFullForm = R"json({
  "code": "T",
  "version": "2026.1",
  "phase": "counting",
  "title": {"en": "Test", "ru": "Тест"},
  "questions": [
    {"code": "A", "type": "yes_no", "labels": {"en": "A?", "ru": "А?"}, "required": true,
     "negative": ["no"], "criteria": ["transparency", "confidence"]},
    {"code": "B", "type": "yes_no_na", "labels": {"en": "B?"}},
    {"code": "C", "type": "integer", "min": 0, "max": 5000, "negative_above": 0,
     "criteria": ["universality"]},
    {"code": "D", "type": "decimal", "min": -1.5, "max": 2.25},
    {"code": "E", "type": "select_one", "options": [
      {"value": "on_time", "labels": {"en": "On time"}},
      {"value": "late", "labels": {"en": "Late", "ru": "Поздно"}}],
     "negative": ["late"], "critical": ["late"]},
    {"code": "F", "type": "select_multiple", "options": [{"value": "1"}, {"value": "2"}]},
    {"code": "G", "type": "assessment", "negative": ["bad", "very_bad"]},
    {"code": "H", "type": "time"},
    {"code": "I", "type": "text", "max": 500},
    {"code": "J", "type": "integer", "min": 0, "figure": "valid"},
    {"code": "K", "type": "integer", "min": 0, "figure": "votes", "contestant": "Party A"}
  ]
})json";

// A minimal valid form with `question` as its only question.
json::value FormWithQuestion(std::string_view question) {
  return json::parse(R"({"code": "T", "version": "1", "phase": "voting", "questions": [)" +
                     std::string(question) + "]}");
}

Form ParseOrDie(const json::value& v) {
  auto form = FormFromJson(v);
  EXPECT_TRUE(form.has_value()) << (form ? "" : form.error().ToString());
  return form.value_or(Form{});
}

// Expects FormFromJson to fail with INVALID_ARGUMENT naming `path` and `problem`.
void ExpectRejected(const json::value& v, std::string_view path, std::string_view problem) {
  auto form = FormFromJson(v);
  ASSERT_FALSE(form.has_value()) << json::serialize(v);
  EXPECT_EQ(form.error().code(), StatusCode::kInvalidArgument);
  const std::string& message = form.error().message();
  EXPECT_NE(message.find(std::string(path) + ": "), std::string::npos) << message;
  EXPECT_NE(message.find(problem), std::string::npos) << message;
}

TEST(FormFromJson, ReadsEveryField) {
  const Form form = ParseOrDie(json::parse(kFullForm));
  EXPECT_EQ(form.code, "T");
  EXPECT_EQ(form.version, "2026.1");
  EXPECT_EQ(form.phase, Phase::kCounting);
  EXPECT_EQ(form.title.at("ru"), "Тест");
  ASSERT_EQ(form.questions.size(), 11u);

  const Question& a = form.questions[0];
  EXPECT_EQ(a.code, "A");
  EXPECT_EQ(a.type, QuestionType::kYesNo);
  EXPECT_TRUE(a.required);
  EXPECT_EQ(a.labels.at("ru"), "А?");
  EXPECT_EQ(a.negative_values, std::vector<std::string>{"no"});
  EXPECT_EQ(a.criteria, (std::vector<Criterion>{Criterion::kTransparency, Criterion::kConfidence}));

  const Question& c = form.questions[2];
  EXPECT_EQ(c.type, QuestionType::kInteger);
  EXPECT_FALSE(c.required);
  EXPECT_EQ(c.min, 0.0);
  EXPECT_EQ(c.max, 5000.0);
  EXPECT_EQ(c.negative_above, 0.0);

  const Question& e = form.questions[4];
  EXPECT_EQ(e.type, QuestionType::kSelectOne);
  ASSERT_EQ(e.options.size(), 2u);
  EXPECT_EQ(e.options[1].value, "late");
  EXPECT_EQ(e.options[1].labels.at("ru"), "Поздно");
  EXPECT_EQ(e.critical_values, std::vector<std::string>{"late"});
  EXPECT_TRUE(a.critical_values.empty());

  EXPECT_EQ(form.questions[8].type, QuestionType::kText);
  EXPECT_EQ(form.questions[8].max, 500.0);
  EXPECT_EQ(form.questions[8].figure, "");
  EXPECT_EQ(form.questions[9].figure, "valid");
  EXPECT_EQ(form.questions[9].contestant, "");
  EXPECT_EQ(form.questions[10].figure, "votes");
  EXPECT_EQ(form.questions[10].contestant, "Party A");
}

TEST(FormFromJson, RoundTripsThroughFormToJson) {
  const Form form = ParseOrDie(json::parse(kFullForm));
  const json::value encoded = FormToJson(form);
  const Form again = ParseOrDie(encoded);
  EXPECT_EQ(FormToJson(again), encoded);
  EXPECT_EQ(again.code, form.code);
  EXPECT_EQ(again.version, form.version);
  EXPECT_EQ(again.phase, form.phase);
  EXPECT_EQ(again.title, form.title);
  ASSERT_EQ(again.questions.size(), form.questions.size());
  for (std::size_t i = 0; i < form.questions.size(); ++i) {
    const Question& q = form.questions[i];
    const Question& r = again.questions[i];
    SCOPED_TRACE(q.code);
    EXPECT_EQ(r.code, q.code);
    EXPECT_EQ(r.type, q.type);
    EXPECT_EQ(r.labels, q.labels);
    ASSERT_EQ(r.options.size(), q.options.size());
    for (std::size_t k = 0; k < q.options.size(); ++k) {
      EXPECT_EQ(r.options[k].value, q.options[k].value);
      EXPECT_EQ(r.options[k].labels, q.options[k].labels);
    }
    EXPECT_EQ(r.min, q.min);
    EXPECT_EQ(r.max, q.max);
    EXPECT_EQ(r.required, q.required);
    EXPECT_EQ(r.negative_values, q.negative_values);
    EXPECT_EQ(r.negative_above, q.negative_above);
    EXPECT_EQ(r.critical_values, q.critical_values);
    EXPECT_EQ(r.criteria, q.criteria);
  }
}

TEST(FormFromJson, RejectsDuplicateQuestionCode) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q1", "type": "yes_no"},
                                      {"code": "Q2", "type": "yes_no"},
                                      {"code": "Q1", "type": "integer"})"),
                 "$.questions[2].code", "duplicate question code 'Q1'");
}

TEST(FormFromJson, RejectsSelectOneWithoutOptions) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "select_one"})"),
                 "$.questions[0].options", "a select question needs options");
}

TEST(FormFromJson, RejectsSelectMultipleWithEmptyOptions) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "select_multiple", "options": []})"),
                 "$.questions[0].options", "a select question needs options");
}

TEST(FormFromJson, RejectsOptionsOnNonSelectQuestion) {
  ExpectRejected(
      FormWithQuestion(R"({"code": "Q", "type": "yes_no", "options": [{"value": "x"}]})"),
      "$.questions[0].options", "only select questions take options");
}

TEST(FormFromJson, RejectsDuplicateOptionValue) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "select_one",
                                      "options": [{"value": "a"}, {"value": "a"}]})"),
                 "$.questions[0].options[1]", "duplicate option 'a'");
}

TEST(FormFromJson, RejectsOptionWithoutValue) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "select_one",
                                      "options": [{"labels": {"en": "A"}}]})"),
                 "$.questions[0].options[0].value", "required text is missing");
}

TEST(FormFromJson, RejectsUnknownQuestionType) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "yesno"})"), "$.questions[0].type",
                 "unknown question type 'yesno'");
}

TEST(FormFromJson, RejectsMissingQuestionType) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q"})"), "$.questions[0].type",
                 "required text is missing");
}

TEST(FormFromJson, RejectsMissingQuestionCode) {
  ExpectRejected(FormWithQuestion(R"({"type": "yes_no"})"), "$.questions[0].code",
                 "required text is missing");
}

TEST(FormFromJson, RejectsEmptyQuestionCode) {
  ExpectRejected(FormWithQuestion(R"({"code": "", "type": "yes_no"})"), "$.questions[0].code",
                 "required text is missing");
}

TEST(FormFromJson, RejectsMinGreaterThanMax) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "integer", "min": 10, "max": 5})"),
                 "$.questions[0]", "min is greater than max");
}

TEST(FormFromJson, RejectsProtocolFiguresThatCannotBeCopied) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "integer", "figure": "turnout"})"),
                 "$.questions[0].figure", "unknown protocol figure 'turnout'");
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "decimal", "figure": "valid"})"),
                 "$.questions[0].figure", "only integer questions");
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "integer", "figure": "votes"})"),
                 "$.questions[0].contestant", "exactly when the figure is \"votes\"");
  ExpectRejected(
      FormWithQuestion(R"({"code": "Q", "type": "integer", "figure": "valid", "contestant": "A"})"),
      "$.questions[0].contestant", "exactly when");
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "integer", "figure": "votes",
                                      "contestant": ""})"),
                 "$.questions[0].contestant", "expected the contestant's name");
}

TEST(FormFromJson, RejectsAFigureCopiedTwice) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q1", "type": "integer", "figure": "valid"},
                                     {"code": "Q2", "type": "integer", "figure": "valid"})"),
                 "$.questions[1].figure", "already copies this figure");
  ExpectRejected(FormWithQuestion(R"({"code": "Q1", "type": "integer", "figure": "votes",
                                      "contestant": "A"},
                                     {"code": "Q2", "type": "integer", "figure": "votes",
                                      "contestant": "A"})"),
                 "$.questions[1].figure", "already copies this figure");
  ParseOrDie(FormWithQuestion(R"({"code": "Q1", "type": "integer", "figure": "votes",
                                  "contestant": "A"},
                                 {"code": "Q2", "type": "integer", "figure": "votes",
                                  "contestant": "B"})"));
}

TEST(FormFromJson, AcceptsMinEqualToMax) {
  const Form form =
      ParseOrDie(FormWithQuestion(R"({"code": "Q", "type": "integer", "min": 5, "max": 5})"));
  ASSERT_EQ(form.questions.size(), 1u);
  EXPECT_EQ(form.questions[0].min, 5.0);
  EXPECT_EQ(form.questions[0].max, 5.0);
}

TEST(FormFromJson, RejectsNonNumericBound) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "integer", "max": "10"})"),
                 "$.questions[0].max", "expected a number");
}

TEST(FormFromJson, RejectsNegativeValueThatIsNotAnAnswer) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "yes_no", "negative": ["maybe"]})"),
                 "$.questions[0].negative", "'maybe' is not an answer of this question");
}

TEST(FormFromJson, RejectsNegativeValueNotAmongOptions) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "select_one",
                                      "options": [{"value": "a"}], "negative": ["b"]})"),
                 "$.questions[0].negative", "'b' is not an answer of this question");
}

TEST(FormFromJson, RejectsNaAsNegativeOfYesNo) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "yes_no", "negative": ["na"]})"),
                 "$.questions[0].negative", "'na' is not an answer of this question");
}

TEST(FormFromJson, RejectsNonTextNegativeValue) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "yes_no", "negative": [false]})"),
                 "$.questions[0].negative", "expected answer values as text");
}

TEST(FormFromJson, RejectsUnknownCriterion) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "yes_no", "criteria": ["fairness"]})"),
                 "$.questions[0].criteria", "unknown criterion \"fairness\"");
}

TEST(FormFromJson, RejectsNonBooleanRequired) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "yes_no", "required": "yes"})"),
                 "$.questions[0].required", "expected true or false");
}

TEST(FormFromJson, RejectsNonTextLabel) {
  ExpectRejected(FormWithQuestion(R"({"code": "Q", "type": "yes_no", "labels": {"en": 1}})"),
                 "$.questions[0].labels.en", "expected text");
}

TEST(FormFromJson, RejectsUnknownPhase) {
  ExpectRejected(json::parse(R"({"code": "T", "version": "1", "phase": "lunch",
                                 "questions": [{"code": "Q", "type": "yes_no"}]})"),
                 "$.phase", "unknown phase 'lunch'");
}

TEST(FormFromJson, RejectsMissingVersion) {
  ExpectRejected(json::parse(R"({"code": "T", "phase": "voting",
                                 "questions": [{"code": "Q", "type": "yes_no"}]})"),
                 "$.version", "required text is missing");
}

TEST(FormFromJson, RejectsFormWithoutQuestions) {
  ExpectRejected(
      json::parse(R"({"code": "T", "version": "1", "phase": "voting", "questions": []})"),
      "$.questions", "a form needs at least one question");
}

TEST(FormFromJson, RejectsNonObject) {
  ExpectRejected(json::parse(R"(["V"])"), "$", "expected an object");
}

TEST(Form, FindQuestionReturnsNullForUnknownCode) {
  const Form form = ParseOrDie(json::parse(kFullForm));
  ASSERT_NE(form.FindQuestion("C"), nullptr);
  EXPECT_EQ(form.FindQuestion("C")->type, QuestionType::kInteger);
  EXPECT_EQ(form.FindQuestion("Z"), nullptr);
}

TEST(Form, AllowedValuesAreImpliedByType) {
  Question q;
  q.type = QuestionType::kYesNoNa;
  EXPECT_EQ(Form::AllowedValues(q), (std::vector<std::string>{"yes", "no", "na"}));
  q.type = QuestionType::kAssessment;
  EXPECT_EQ(Form::AllowedValues(q),
            (std::vector<std::string>{"very_good", "good", "bad", "very_bad"}));
  q.type = QuestionType::kInteger;
  EXPECT_TRUE(Form::AllowedValues(q).empty());
}

TEST(QuestionTypeName, RoundTripsThroughParse) {
  for (QuestionType t : {QuestionType::kYesNo, QuestionType::kYesNoNa, QuestionType::kInteger,
                         QuestionType::kDecimal, QuestionType::kSelectOne,
                         QuestionType::kSelectMultiple, QuestionType::kAssessment,
                         QuestionType::kTime, QuestionType::kText, QuestionType::kImage}) {
    EXPECT_EQ(ParseQuestionType(QuestionTypeName(t)), t) << QuestionTypeName(t);
  }
  EXPECT_EQ(ParseQuestionType("YES_NO"), std::nullopt);
}

TEST(DefaultForms, LoadAndRoundTrip) {
  const std::vector<Form> forms = DefaultForms();
  ASSERT_FALSE(forms.empty());
  for (const Form& form : forms) {
    SCOPED_TRACE(form.code);
    const json::value encoded = FormToJson(form);
    EXPECT_EQ(FormToJson(ParseOrDie(encoded)), encoded);
  }
}

TEST(DefaultForms, HaveUniqueCodes) {
  std::set<std::string> codes;
  for (const Form& form : DefaultForms()) EXPECT_TRUE(codes.insert(form.code).second) << form.code;
}

TEST(DefaultForms, IncludeVotingFormV) {
  const std::vector<Form> forms = DefaultForms();
  const auto v =
      std::find_if(forms.begin(), forms.end(), [](const Form& f) { return f.code == "V"; });
  ASSERT_NE(v, forms.end());
  EXPECT_EQ(v->phase, Phase::kVoting);

  const Question* v1 = v->FindQuestion("V1");
  ASSERT_NE(v1, nullptr);
  EXPECT_EQ(v1->type, QuestionType::kYesNo);

  const Question* v7 = v->FindQuestion("V7");
  ASSERT_NE(v7, nullptr);
  EXPECT_EQ(v7->type, QuestionType::kInteger);
  EXPECT_EQ(v7->min, 0.0);
  EXPECT_EQ(v7->negative_above, 0.0);
}

TEST(DefaultForms, CountingFormCopiesEveryProtocolFigureAndEachContestantsVotes) {
  const Form c = CountingForm({"Alpha", "Beta"});
  EXPECT_EQ(c.code, "C");
  EXPECT_EQ(c.phase, Phase::kCounting);
  std::set<std::string> figures;
  std::vector<std::string> votes;
  for (const Question& q : c.questions) {
    if (q.figure.empty()) continue;
    EXPECT_EQ(q.type, QuestionType::kInteger) << q.code;
    EXPECT_EQ(q.min, 0.0) << q.code;
    if (q.figure == "votes") {
      votes.push_back(q.code + "=" + q.contestant);
    } else {
      figures.insert(q.figure);
    }
  }
  // Every figure of the control relations (analysis/protocol_checks).
  EXPECT_EQ(figures,
            (std::set<std::string>{"registered", "ballots_received", "issued", "cancelled", "lost",
                                   "unaccounted", "in_boxes", "valid", "invalid"}));
  EXPECT_EQ(votes, (std::vector<std::string>{"P1=Alpha", "P2=Beta"}));
  EXPECT_EQ(c.FindQuestion("P1")->sms, "PA");
  EXPECT_EQ(c.FindQuestion("P2")->sms, "PB");
  // The votes come right before the overall assessment, as on a protocol.
  const auto at = [&](const char* code) {
    return std::find_if(c.questions.begin(), c.questions.end(),
                        [&](const Question& q) { return q.code == code; }) -
           c.questions.begin();
  };
  EXPECT_EQ(at("P1") + 2, at("CO"));
  EXPECT_EQ(c.FindQuestion("P2")->labels.at("ru"), "Протокол: голоса за Beta");
  // A definition that round-trips is one the store and API can carry.
  EXPECT_EQ(FormToJson(ParseOrDie(FormToJson(c))), FormToJson(c));
  EXPECT_EQ(CountingForm({}).FindQuestion("P1"), nullptr);
}

TEST(DefaultForms, LabelEveryQuestionInEnglishAndRussian) {
  for (const Form& form : DefaultForms()) {
    EXPECT_TRUE(form.title.contains("en")) << form.code;
    EXPECT_TRUE(form.title.contains("ru")) << form.code;
    for (const Question& q : form.questions) {
      for (const char* lang : {"en", "ru"}) {
        const auto label = q.labels.find(lang);
        ASSERT_NE(label, q.labels.end()) << form.code << "." << q.code << " has no " << lang;
        EXPECT_FALSE(label->second.empty()) << form.code << "." << q.code << " " << lang;
      }
      for (const Option& o : q.options) {
        EXPECT_TRUE(o.labels.contains("en") && o.labels.contains("ru"))
            << form.code << "." << q.code << " option " << o.value;
      }
    }
  }
}

// The XLSForm additions: new types, groups, repeats, expressions, hints.
constexpr const char* kXlsFormForm = R"json({
  "code": "X", "version": "1", "phase": "incident", "default_language": "en",
  "title": {"en": "Incidents"},
  "questions": [
    {"code": "G", "type": "group", "labels": {"en": "Where"}, "appearance": "field-list",
     "relevant": "${A} = 'yes'",
     "children": [
       {"code": "D", "type": "date", "required": true, "hints": {"en": "Today?"}},
       {"code": "DT", "type": "datetime"},
       {"code": "P", "type": "geopoint"}]},
    {"code": "A", "type": "yes_no"},
    {"code": "N", "type": "note", "labels": {"en": "Read this"}},
    {"code": "C", "type": "calculate", "calculation": "1 + 1"},
    {"code": "R", "type": "repeat", "required": true, "children": [
       {"code": "R1", "type": "integer", "min": 0, "constraint": ". != 3",
        "constraint_messages": {"en": "Not three"}, "required": true},
       {"code": "RG", "type": "group", "children": [{"code": "R2", "type": "text"}]}]}
  ]
})json";

TEST(FormFromJson, ReadsGroupsRepeatsAndXlsFormFields) {
  const Form form = ParseOrDie(json::parse(kXlsFormForm));
  EXPECT_EQ(form.default_language, "en");
  ASSERT_EQ(form.questions.size(), 5u);
  const Question& g = form.questions[0];
  EXPECT_EQ(g.type, QuestionType::kGroup);
  EXPECT_EQ(g.relevant, "${A} = 'yes'");
  EXPECT_EQ(g.appearance, "field-list");
  ASSERT_EQ(g.children.size(), 3u);
  EXPECT_EQ(g.children[0].hints.at("en"), "Today?");
  EXPECT_EQ(form.FindQuestion("R2")->type, QuestionType::kText);  // two levels down
  EXPECT_EQ(form.FindQuestion("R1")->constraint, ". != 3");
  EXPECT_EQ(form.FindQuestion("R1")->constraint_messages.at("en"), "Not three");
  EXPECT_EQ(form.FindQuestion("C")->calculation, "1 + 1");
  // Answered side by side: the group opened, the repeat as one entry.
  std::vector<std::string> codes;
  for (const Question* q : AnswerFields(form.questions)) codes.push_back(q->code);
  EXPECT_EQ(codes, (std::vector<std::string>{"D", "DT", "P", "A", "N", "C", "R"}));
  EXPECT_EQ(FormToJson(ParseOrDie(FormToJson(form))), FormToJson(form));
}

TEST(FormFromJson, EncodesOldFormsAsBefore) {
  // No XLSForm field appears unless set, so stored forms keep their encoding.
  const json::value full = json::parse(kFullForm);
  const std::string text = json::serialize(FormToJson(ParseOrDie(full)));
  for (const char* key : {"hints", "relevant", "constraint", "calculation", "appearance",
                          "children", "default_language"}) {
    EXPECT_EQ(text.find(std::string("\"") + key + "\""), std::string::npos) << key;
  }
}

TEST(FormFromJson, RejectsBadStructure) {
  ExpectRejected(FormWithQuestion(R"({"code": "G", "type": "group"})"), "$.questions[0].children",
                 "a group or repeat needs at least one question");
  ExpectRejected(FormWithQuestion(R"({"code": "T", "type": "text",
                                      "children": [{"code": "U", "type": "text"}]})"),
                 "$.questions[0].children", "only groups and repeats hold questions");
  ExpectRejected(FormWithQuestion(R"({"code": "G", "type": "group",
                                      "children": [{"code": "G", "type": "text"}]})"),
                 "$.questions[0].children[0].code", "duplicate question code 'G'");
  ExpectRejected(FormWithQuestion(R"({"code": "C", "type": "calculate"})"),
                 "$.questions[0].calculation", "exactly for calculate questions");
  ExpectRejected(FormWithQuestion(R"({"code": "T", "type": "text", "calculation": "1"})"),
                 "$.questions[0].calculation", "exactly for calculate questions");
  ExpectRejected(FormWithQuestion(R"({"code": "N", "type": "note", "required": true})"),
                 "$.questions[0].required", "cannot be required");
  ExpectRejected(FormWithQuestion(R"({"code": "T", "type": "text", "relevant": 1})"),
                 "$.questions[0].relevant", "expected text");
  ExpectRejected(FormWithQuestion(R"({"code": "G", "type": "group",
                                      "children": [{"code": "Y", "type": "yes_no", "sms": "AA"}]})"),
                 "$.questions[0].children[0].sms", "inside a group or repeat");
  ExpectRejected(FormWithQuestion(R"({"code": "R", "type": "repeat", "children": [
                                      {"code": "N", "type": "integer", "figure": "valid"}]})"),
                 "$.questions[0].children[0].figure", "inside a repeat");
  std::string deep = R"({"code": "L0", "type": "text"})";
  for (int i = 1; i <= kMaxQuestionNesting + 1; ++i) {
    deep = std::string(R"({"code": "L)")
               .append(std::to_string(i))
               .append(R"(", "type": "group", "children": [)")
               .append(deep)
               .append("]}");
  }
  auto form = FormFromJson(FormWithQuestion(deep));
  ASSERT_FALSE(form.has_value());
  EXPECT_NE(form.error().message().find("nest more than"), std::string::npos);
}

TEST(DefaultForms, ShipOpeningVotingCountingTabulationAndIncident) {
  std::map<std::string, std::pair<Phase, std::string>> got;
  for (const Form& form : DefaultForms()) got[form.code] = {form.phase, form.sms_prefix};
  using P = std::pair<Phase, std::string>;
  EXPECT_EQ(got, (std::map<std::string, P>{{"O", P{Phase::kOpening, "O"}},
                                           {"V", P{Phase::kVoting, "V"}},
                                           {"C", P{Phase::kCounting, "C"}},
                                           {"T", P{Phase::kTabulation, "T"}},
                                           {"I", P{Phase::kIncident, "X"}}}));
  EXPECT_EQ(DefaultForms().front().code, "V");  // the demo and tests take the first
}

TEST(DefaultForms, GiveEverySmsAnswerableQuestionATagAndNameTheCommentQuestion) {
  for (const Form& form : DefaultForms({"Alpha"})) {
    SCOPED_TRACE(form.code);
    ASSERT_FALSE(form.sms_comment.empty());
    EXPECT_EQ(form.FindQuestion(form.sms_comment)->type, QuestionType::kText);
    for (const Question& q : form.questions) {
      if (q.type == QuestionType::kText) {
        EXPECT_EQ(q.sms, "") << q.code;
      } else {
        EXPECT_TRUE(IsSmsTag(q.sms)) << q.code;
        EXPECT_EQ(form.FindSmsTag(q.sms), &q) << q.code;
      }
    }
  }
}

TEST(DefaultForms, IncidentFormHasCategorySourceAndACriticalSeverity) {
  const std::vector<Form> forms = DefaultForms();
  const Form& i =
      *std::find_if(forms.begin(), forms.end(), [](const Form& f) { return f.code == "I"; });
  EXPECT_EQ(i.FindQuestion("I1")->type, QuestionType::kSelectOne);
  EXPECT_EQ(i.FindQuestion("I2")->type, QuestionType::kText);
  EXPECT_EQ(Form::AllowedValues(*i.FindQuestion("I3")),
            (std::vector<std::string>{"observed", "reported"}));
  const std::vector<std::string> severity = Form::AllowedValues(*i.FindQuestion("I4"));
  EXPECT_NE(std::find(severity.begin(), severity.end(), "critical"), severity.end());
}

json::value WithQuestion(const std::string& question_json, const std::string& form_fields = "") {
  return json::parse(R"({"code": "S", "version": "1", "phase": "voting",)" + form_fields +
                     R"( "questions": [{"code": "T1", "type": "text"}, )" + question_json + "]}");
}

std::string FormError(const json::value& v) {
  auto form = FormFromJson(v);
  return form ? "" : form.error().message();
}

TEST(FormSms, ReadsAndWritesTagsPrefixAndCommentQuestion) {
  const json::value v = WithQuestion(R"({"code": "Q1", "type": "yes_no", "sms": "AB"})",
                                     R"( "sms_prefix": "SX", "sms_comment": "T1",)");
  const Form form = ParseOrDie(v);
  EXPECT_EQ(form.sms_prefix, "SX");
  EXPECT_EQ(form.sms_comment, "T1");
  EXPECT_EQ(form.FindQuestion("Q1")->sms, "AB");
  EXPECT_EQ(form.FindSmsTag("AB"), form.FindQuestion("Q1"));
  EXPECT_EQ(form.FindSmsTag(""), nullptr);
  const json::value encoded = FormToJson(form);
  EXPECT_EQ(encoded.at("sms_prefix"), "SX");
  EXPECT_EQ(encoded.at("questions").at(1).at("sms"), "AB");
  EXPECT_EQ(FormToJson(ParseOrDie(encoded)), encoded);
}

TEST(FormSms, RefusesBadTagsNamingThePath) {
  for (const char* tag :
       {"\"AI\"", "\"LA\"", "\"O\"", "\"ab\"", "\"ABCD\"", "\"A1\"", "\"\"", "7"}) {
    EXPECT_EQ(FormError(WithQuestion(std::string(R"({"code": "Q1", "type": "yes_no", "sms": )") +
                                     tag + "}")),
              "form definition: $.questions[1].sms: expected 1 to 3 capital letters other than I, "
              "L and O")
        << tag;
  }
}

TEST(FormSms, RefusesDuplicateTags) {
  const json::value v = json::parse(R"({"code": "S", "version": "1", "phase": "voting",
    "questions": [{"code": "Q1", "type": "yes_no", "sms": "AB"},
                  {"code": "Q2", "type": "yes_no", "sms": "AB"}]})");
  EXPECT_EQ(FormError(v), "form definition: $.questions[1].sms: duplicate SMS tag 'AB'");
}

TEST(FormSms, RefusesTagsOnTextAndDecimalAndLongMultipleChoices) {
  EXPECT_EQ(FormError(WithQuestion(R"({"code": "Q1", "type": "text", "sms": "AB"})")),
            "form definition: $.questions[1].sms: a text question cannot be answered by SMS");
  EXPECT_EQ(FormError(WithQuestion(R"({"code": "Q1", "type": "decimal", "sms": "AB"})")),
            "form definition: $.questions[1].sms: a decimal question cannot be answered by SMS");
  std::string options;
  for (int i = 1; i <= 10; ++i)
    options += (i > 1 ? "," : "") + ("{\"value\": \"" + std::to_string(i) + "\"}");
  EXPECT_EQ(FormError(WithQuestion(R"({"code": "Q1", "type": "select_multiple", "sms": "AB",
                                      "options": [)" +
                                   options + "]}")),
            "form definition: $.questions[1].sms: an SMS can choose among at most 9 options");
}

TEST(FormSms, RefusesBadPrefixAndCommentQuestion) {
  const std::string q = R"({"code": "Q1", "type": "yes_no"})";
  EXPECT_EQ(FormError(WithQuestion(q, R"( "sms_prefix": "ABCD",)")),
            "form definition: $.sms_prefix: expected 1 to 3 capital letters");
  EXPECT_EQ(FormError(WithQuestion(q, R"( "sms_prefix": "v",)")),
            "form definition: $.sms_prefix: expected 1 to 3 capital letters");
  EXPECT_EQ(FormError(WithQuestion(q, R"( "sms_comment": "Q1",)")),
            "form definition: $.sms_comment: 'Q1' is not a text question of this form");
  EXPECT_EQ(FormError(WithQuestion(q, R"( "sms_comment": "NOPE",)")),
            "form definition: $.sms_comment: 'NOPE' is not a text question of this form");
}

}  // namespace
}  // namespace vigil::core

namespace vigil::core {
namespace {

TEST(ReviewStatus, NamesRoundTripAndUnknownNamesAreRefused) {
  for (ReviewStatus s : {ReviewStatus::kUnreviewed, ReviewStatus::kVerified,
                         ReviewStatus::kQuarantined, ReviewStatus::kRejected}) {
    EXPECT_EQ(ParseReviewStatus(ReviewStatusName(s)), s);
  }
  EXPECT_EQ(ReviewStatusName(ReviewStatus::kQuarantined), "quarantined");
  EXPECT_EQ(ParseReviewStatus("Verified"), std::nullopt);
  EXPECT_EQ(ParseReviewStatus(""), std::nullopt);
}

}  // namespace
}  // namespace vigil::core
