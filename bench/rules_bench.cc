// Data-quality rules (analysis/rules.h) are evaluated on every submission
// in the intake pipeline, so they must cost little next to validation:
// the counting form's protocol rules and a few checklist rules on a
// counting report with every figure, and the parse a rule costs once.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "analysis/rules.h"
#include "core/default_forms.h"

namespace vigil::bench {
namespace {

// The default rules (storage migration 12) and three of the kind analysts add.
const std::vector<std::string>& Expressions() {
  static const std::vector<std::string> expressions = {
      "CB + coalesce(CU, 0) != CI + CX + coalesce(CL, 0)",
      "CF != CV + CN",
      "CF > CI",
      "CI > CR",
      "CV != P1 + P2",
      "C4 = \"no\" and C5 = \"yes\"",
      "not answered(C9) or C9 > 3",
  };
  return expressions;
}

boost::json::object CountingAnswers() {
  return boost::json::parse(R"({"CA": "21:30", "C1": "no", "C2": "yes", "C3": "yes", "C4": "yes",
      "C5": "yes", "C6": "yes", "C7": "no", "C8": "yes", "C9": 0, "C11": "yes", "C12": "yes",
      "C13": "no", "CR": 1500, "CB": 1500, "CI": 1200, "CX": 300, "CF": 1200, "CV": 1180,
      "CN": 20, "P1": 700, "P2": 480, "CO": "good", "CD": "23:10"})")
      .as_object();
}

void BM_EvaluateRules(benchmark::State& state) {
  const auto forms = core::DefaultForms({"Alpha", "Beta"});
  std::vector<analysis::RuleExpression> rules;
  for (const std::string& e : Expressions()) {
    auto rule = analysis::RuleExpression::Parse(e, &forms[1]);
    if (!rule) {
      state.SkipWithError(rule.error().message().c_str());
      return;
    }
    rules.push_back(std::move(*rule));
  }
  const boost::json::object answers = CountingAnswers();
  for (auto _ : state) {
    int flagged = 0;
    for (const analysis::RuleExpression& r : rules) {
      flagged += r.Evaluate(answers) == analysis::RuleOutcome::kFlagged;
    }
    benchmark::DoNotOptimize(flagged);
  }
  // Items: submissions, each checked against every rule.
  state.SetItemsProcessed(state.iterations());
  state.counters["rules"] = static_cast<double>(rules.size());
}
BENCHMARK(BM_EvaluateRules);

void BM_ParseRule(benchmark::State& state) {
  const auto forms = core::DefaultForms({"Alpha", "Beta"});
  const std::string& text = Expressions()[0];
  for (auto _ : state) {
    auto rule = analysis::RuleExpression::Parse(text, &forms[1]);
    benchmark::DoNotOptimize(rule);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseRule);

}  // namespace
}  // namespace vigil::bench
