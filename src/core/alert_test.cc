// Tests for critical answers and alerts (core/alert.h), on the shipped forms
// and on small forms written here.
#include "core/alert.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/default_forms.h"

namespace vigil::core {
namespace {

namespace json = boost::json;

const Form& Default(std::string_view code) {
  static const std::vector<Form> forms = DefaultForms({"Party A", "Party B"});
  for (const Form& f : forms) {
    if (f.code == code) return f;
  }
  throw std::runtime_error("no default form " + std::string(code));
}

Submission WithAnswers(const Form& form, json::object answers) {
  Submission s;
  s.instance_id = "uuid:5a1f6f3e-8a7c-4b1e-9d2a-0c3b4d5e6f70";
  s.form_code = form.code;
  s.form_version = form.version;
  s.station_code = "S0001";
  s.observer_code = "OBS-0001";
  s.answers = std::move(answers);
  return s;
}

TEST(Alerts, DefaultFormsMarkTheCriticalAnswers) {
  EXPECT_EQ(Default("I").FindQuestion("I4")->critical_values, std::vector<std::string>{"critical"});
  EXPECT_EQ(Default("V").FindQuestion("V11")->critical_values, std::vector<std::string>{"yes"});
  // Unauthorized persons merely present are common (a statement's figure,
  // not an alarm); directing the process is, as an incident category.
  EXPECT_TRUE(Default("V").FindQuestion("V14")->critical_values.empty());
  EXPECT_EQ(Default("I").FindQuestion("I1")->critical_values,
            (std::vector<std::string>{"violence", "ballot_stuffing", "observer_obstructed",
                                      "unauthorized_persons"}));
  EXPECT_EQ(Default("C").FindQuestion("C11")->critical_values, std::vector<std::string>{"yes"});
  EXPECT_TRUE(HasCriticalQuestions(Default("I")));
  EXPECT_FALSE(HasCriticalQuestions(Default("T")));
  EXPECT_FALSE(HasCriticalQuestions(Default("O")));
}

TEST(Alerts, CriticalSeverityRaisesAnIncidentAlert) {
  const Form& form = Default("I");
  const auto alerts =
      AlertsFor(form, WithAnswers(form, {{"I1", "vote_buying"}, {"I4", "critical"}}), Timestamp{});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].kind, "critical_incident");
  EXPECT_EQ(alerts[0].question, "I4");
  EXPECT_EQ(alerts[0].value, "critical");
  EXPECT_EQ(alerts[0].station_code, "S0001");
  EXPECT_EQ(alerts[0].observer_code, "OBS-0001");
  EXPECT_EQ(alerts[0].form_code, "I");
  EXPECT_EQ(alerts[0].status, AlertStatus::kOpen);
}

TEST(Alerts, MinorIncidentOfANonCriticalCategoryRaisesNothing) {
  const Form& form = Default("I");
  EXPECT_TRUE(
      AlertsFor(form, WithAnswers(form, {{"I1", "vote_buying"}, {"I4", "minor"}}), Timestamp{})
          .empty());
}

TEST(Alerts, EveryCriticalAnswerIsOneAlertInQuestionOrder) {
  const Form& form = Default("I");
  const auto alerts =
      AlertsFor(form, WithAnswers(form, {{"I4", "critical"}, {"I1", "violence"}}), Timestamp{});
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].question, "I1");
  EXPECT_EQ(alerts[0].value, "violence");
  EXPECT_EQ(alerts[1].question, "I4");
}

TEST(Alerts, CriticalAnswerOnAChecklistIsNotAnIncident) {
  const Form& form = Default("V");
  const auto alerts =
      AlertsFor(form, WithAnswers(form, {{"V11", "yes"}, {"V14", "no"}}), Timestamp{});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].kind, "critical_answer");
  EXPECT_EQ(alerts[0].question, "V11");
}

// A select_multiple answers an array; a group's questions are answered by
// their own codes; repeats are not looked into.
TEST(Alerts, FindsCriticalValuesInMultipleChoiceAndGroups) {
  auto parsed = FormFromJson(json::parse(R"json({
    "code": "X", "version": "1", "phase": "voting", "title": {"en": "X"},
    "questions": [
      {"code": "M", "type": "select_multiple", "options": [{"value": "a"}, {"value": "b"},
       {"value": "c"}], "critical": ["b", "c"]},
      {"code": "G", "type": "group", "children": [
        {"code": "G1", "type": "yes_no", "critical": ["yes"]}]},
      {"code": "R", "type": "repeat", "children": [
        {"code": "R1", "type": "yes_no", "critical": ["yes"]}]}
    ]})json"));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  const auto found = FindCriticalAnswers(
      *parsed, WithAnswers(*parsed, {{"M", json::array{"a", "c", "b"}},
                                     {"G1", "yes"},
                                     {"R", json::array{json::object{{"R1", "yes"}}}}}));
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].question, "M");
  EXPECT_EQ(found[0].value, "c");
  EXPECT_EQ(found[1].value, "b");
  EXPECT_EQ(found[2].question, "G1");
}

TEST(Alerts, FormRefusesACriticalValueThatIsNoAnswer) {
  auto parsed = FormFromJson(json::parse(R"json({
    "code": "X", "version": "1", "phase": "voting", "title": {"en": "X"},
    "questions": [{"code": "A", "type": "yes_no", "critical": ["maybe"]}]})json"));
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().message().find("questions[0].critical"), std::string::npos)
      << parsed.error().message();
  EXPECT_NE(parsed.error().message().find("'maybe' is not an answer"), std::string::npos);
}

TEST(Alerts, FormRefusesCriticalValuesOnANumber) {
  auto parsed = FormFromJson(json::parse(R"json({
    "code": "X", "version": "1", "phase": "voting", "title": {"en": "X"},
    "questions": [{"code": "A", "type": "integer", "critical": ["5"]}]})json"));
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().message().find("only select, yes/no and assessment"), std::string::npos)
      << parsed.error().message();
}

TEST(Alerts, StatusNamesRoundTrip) {
  for (AlertStatus s : {AlertStatus::kOpen, AlertStatus::kAcknowledged, AlertStatus::kResolved}) {
    EXPECT_EQ(ParseAlertStatus(AlertStatusName(s)), s);
  }
  EXPECT_EQ(ParseAlertStatus("closed"), std::nullopt);
}

}  // namespace
}  // namespace vigil::core
