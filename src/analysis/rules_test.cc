#include "analysis/rules.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/default_forms.h"

namespace vigil::analysis {
namespace {

const std::vector<core::Form>& Forms() {
  static const std::vector<core::Form> forms = core::DefaultForms({"Alpha", "Beta"});
  return forms;
}

const core::Form& FormNamed(std::string_view code) {
  for (const core::Form& f : Forms()) {
    if (f.code == code) return f;
  }
  ADD_FAILURE() << "no default form " << code;
  return Forms()[0];
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string DataDir() {
  const char* source = std::getenv("VIGIL_SOURCE_DIR");
  return std::string(source != nullptr ? source : ".") + "/tests/data/rules/";
}

std::string Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

// "A | B | C" -> {"A", "B", "C"}; the expression may not contain " | ".
std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = line.find(" |", start);
    if (bar == std::string::npos) {
      out.push_back(Trim(std::string_view(line).substr(start)));
      return out;
    }
    out.push_back(Trim(std::string_view(line).substr(start, bar - start)));
    start = bar + 2;
  }
}

RuleOutcome Eval(std::string_view expression, std::string_view form, std::string_view answers) {
  auto rule = RuleExpression::Parse(expression, &FormNamed(form));
  EXPECT_TRUE(rule) << expression << ": " << rule.error().message();
  if (!rule) return RuleOutcome::kNotApplicable;
  return rule->Evaluate(boost::json::parse(answers).as_object());
}

TEST(RulesGolden, EvaluationsGiveTheOutcomesWorkedOutByHand) {
  std::istringstream lines(ReadAll(DataDir() + "evaluations.txt"));
  ASSERT_FALSE(lines.str().empty()) << "cannot read " << DataDir() << "evaluations.txt";
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("#") || line.empty()) continue;
    const auto f = Fields(line);
    ASSERT_EQ(f.size(), 4U) << line;
    EXPECT_EQ(RuleOutcomeName(Eval(f[1], f[0], f[2])), f[3]) << line;
    ++count;
  }
  EXPECT_GE(count, 50);
}

TEST(RulesGolden, ErrorsNameTheColumnAndWhatWasExpected) {
  std::istringstream lines(ReadAll(DataDir() + "errors.txt"));
  ASSERT_FALSE(lines.str().empty()) << "cannot read " << DataDir() << "errors.txt";
  std::string actual;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("#") || line.empty()) continue;
    const std::size_t bar = line.find(" |");
    ASSERT_NE(bar, std::string::npos) << line;
    const std::string form = line.substr(0, bar);
    const std::string expression = line.size() > bar + 3 ? line.substr(bar + 3) : "";
    RuleSyntaxError error;
    auto rule = RuleExpression::Parse(expression, &FormNamed(form), &error);
    EXPECT_FALSE(rule) << line;
    if (!rule) {
      EXPECT_EQ(rule.error().code(), StatusCode::kInvalidArgument);
      EXPECT_EQ(rule.error().message(), error.ToString());
    }
    actual += line + "\n    " + (rule ? "accepted" : error.ToString()) + "\n";
  }
  if (std::getenv("VIGIL_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(DataDir() + "errors.expected", std::ios::binary) << actual;
  }
  EXPECT_EQ(actual, ReadAll(DataDir() + "errors.expected"));
}

TEST(Rules, ErrorAfterAnOperatorNamesIt) {
  RuleSyntaxError error;
  auto rule = RuleExpression::Parse("CF != CV + ", &FormNamed("C"), &error);
  ASSERT_FALSE(rule);
  EXPECT_EQ(error.column, 12U);
  EXPECT_EQ(rule.error().message(), "at 12: expected a value after '+'");
}

TEST(Rules, ColumnsCountCharactersNotBytes) {
  RuleSyntaxError error;
  // "Время" is 5 characters and 10 bytes: "#" is the 21st character.
  ASSERT_FALSE(RuleExpression::Parse("CA = \"Время\" and CF # 1", &FormNamed("C"), &error));
  EXPECT_EQ(error.column, 21U);
}

TEST(Rules, CodesListsWhatItReadsOnce) {
  auto rule = RuleExpression::Parse("CB + coalesce(CU, 0) != CI + CX + coalesce(CL, 0) or CB > CI",
                                    &FormNamed("C"));
  ASSERT_TRUE(rule) << rule.error().message();
  EXPECT_EQ(rule->codes(), (std::vector<std::string>{"CB", "CI", "CL", "CU", "CX"}));
}

TEST(Rules, WithoutAFormAnyCodeParsesAndTypesAreCheckedWhenEvaluated) {
  auto rule = RuleExpression::Parse("X + 1 > Y", nullptr);
  ASSERT_TRUE(rule) << rule.error().message();
  EXPECT_EQ(rule->Evaluate(boost::json::parse(R"({"X": 5, "Y": 5})").as_object()),
            RuleOutcome::kFlagged);
  EXPECT_EQ(rule->Evaluate(boost::json::parse(R"({"X": "5", "Y": 5})").as_object()),
            RuleOutcome::kNotApplicable);
  EXPECT_FALSE(RuleExpression::Parse("X + ", nullptr));
}

TEST(Rules, RefusesAnOverlongExpression) {
  const std::string text(kMaxRuleLength + 1, ' ');
  RuleSyntaxError error;
  ASSERT_FALSE(RuleExpression::Parse(text, nullptr, &error));
  EXPECT_EQ(error.message, "longer than 2000 characters");
}

TEST(Rules, LongChainsEvaluate) {
  // 900 additions: the evaluator recurses once per node of a left-deep tree.
  std::string text = "CN";
  for (int i = 0; i < 900; ++i) text += "+1";
  text += " = 920";
  EXPECT_EQ(Eval(text, "C", R"({"CN": 20})"), RuleOutcome::kFlagged);
}

}  // namespace
}  // namespace vigil::analysis
