#include "service/quality.h"

#include <algorithm>

namespace vigil::service {

RuleSet RuleSet::Compile(std::span<const storage::QualityRule> rules,
                         const core::MissionIndex& mission) {
  RuleSet set;
  for (const storage::QualityRule& rule : rules) {
    if (!rule.enabled) continue;
    const core::Form* form = mission.FindForm(rule.form_code);
    if (form == nullptr) continue;  // a rule for a form not installed (yet)
    auto expression = analysis::RuleExpression::Parse(rule.expression, form);
    if (!expression) {
      set.problems_.push_back("rule " + rule.code + ": " + expression.error().message());
      continue;
    }
    set.by_form_[rule.form_code].push_back({rule.code, std::move(*expression)});
  }
  for (auto& [form, compiled] : set.by_form_) {
    std::sort(compiled.begin(), compiled.end(),
              [](const Compiled& a, const Compiled& b) { return a.code < b.code; });
  }
  return set;
}

std::vector<std::string> RuleSet::Flags(const core::Submission& submission) const {
  std::vector<std::string> flags;
  auto it = by_form_.find(submission.form_code);
  if (it == by_form_.end()) return flags;
  for (const Compiled& rule : it->second) {
    if (rule.expression.Evaluate(submission.answers) == analysis::RuleOutcome::kFlagged) {
      flags.push_back(rule.code);
    }
  }
  return flags;
}

Status CheckRule(const storage::QualityRule& rule, const core::MissionIndex& mission,
                 analysis::RuleSyntaxError* syntax) {
  if (rule.code.empty() || rule.code.size() > 64 ||
      !std::all_of(rule.code.begin(), rule.code.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
      })) {
    return Status::InvalidArgument("rule code '" + rule.code +
                                   "': use 1-64 letters, digits and underscores");
  }
  const core::Form* form = mission.FindForm(rule.form_code);
  if (form == nullptr) {
    return Status::InvalidArgument("no form '" + rule.form_code + "'; vigil forms list shows them");
  }
  auto expression = analysis::RuleExpression::Parse(rule.expression, form, syntax);
  if (!expression) return expression.error();
  return Status::Ok();
}

Result<RuleEvaluation> EvaluateStored(storage::Store& store, const storage::QualityRule& rule,
                                      const core::MissionIndex& mission,
                                      const storage::Actor* actor) {
  const core::Form* form = mission.FindForm(rule.form_code);
  if (form == nullptr) {
    return Fail(Status::InvalidArgument("no form '" + rule.form_code + "'"));
  }
  auto expression = analysis::RuleExpression::Parse(rule.expression, form);
  if (!expression) return Fail(expression.error());
  RuleEvaluation out;
  std::int64_t through = 0;
  VIGIL_RETURN_IF_ERROR(
      store.ForEachCurrentSubmission(rule.form_code, [&](const storage::StoredSubmission& s) {
        ++out.checked;
        through = std::max(through, s.audit_seq);
        switch (expression->Evaluate(s.submission.answers)) {
          case analysis::RuleOutcome::kFlagged:
            ++out.flagged;
            out.flagged_ids.push_back(s.submission.instance_id);
            break;
          case analysis::RuleOutcome::kNotApplicable:
            ++out.not_applicable;
            break;
          case analysis::RuleOutcome::kPassed:
            break;
        }
        return Status::Ok();
      }));
  if (actor != nullptr) {
    VIGIL_RETURN_IF_ERROR(store.ReplaceRuleFlags(rule.code, through, out.flagged_ids, *actor));
  }
  return out;
}

Result<RuleEvaluation> SaveRule(MissionService& service, const storage::QualityRule& rule,
                                const storage::Actor& actor, analysis::RuleSyntaxError* syntax) {
  const auto mission = service.Mission();
  VIGIL_RETURN_IF_ERROR(CheckRule(rule, *mission, syntax));
  VIGIL_RETURN_IF_ERROR(service.store().SaveRule(rule, actor));
  // The intake uses the rule from now on; the pass covers what came before.
  VIGIL_RETURN_IF_ERROR(service.ReloadRules());
  if (!rule.enabled) return RuleEvaluation{};
  return EvaluateStored(service.store(), rule, *mission, &actor);
}

Status SetRuleEnabled(MissionService& service, const std::string& code, bool enabled,
                      const storage::Actor& actor) {
  VIGIL_RETURN_IF_ERROR(service.store().SetRuleEnabled(code, enabled, actor));
  VIGIL_RETURN_IF_ERROR(service.ReloadRules());
  if (!enabled) return Status::Ok();
  auto rules = service.store().ListRules();
  if (!rules) return rules.error();
  for (const storage::QualityRule& rule : *rules) {
    if (rule.code != code) continue;
    auto evaluated = EvaluateStored(service.store(), rule, *service.Mission(), &actor);
    if (!evaluated) return evaluated.error();
  }
  return Status::Ok();
}

Result<QualityPage> ListQuality(storage::Store& store, const core::MissionIndex& mission,
                                const Principal& who, const QualityQuery& query) {
  if (query.offset < 0 || query.limit < 1 || query.limit > 1000) {
    return Fail(Status::InvalidArgument("offset must be >= 0 and limit within 1..1000"));
  }
  if (!query.region.empty() && mission.FindLocation(query.region) == nullptr) {
    return Fail(Status::InvalidArgument("no location '" + query.region + "'"));
  }
  auto flagged = store.ListFlaggedSubmissions(query.rule, query.form);
  if (!flagged) return Fail(flagged.error());
  const std::vector<std::string> region = {query.region};
  QualityPage page;
  for (storage::FlaggedSubmission& f : *flagged) {
    if (query.status && f.status != *query.status) continue;
    if (!who.SeesStation(mission, f.station_code)) continue;
    if (!query.region.empty() && !mission.IsWithin(f.station_code, region)) continue;
    if (page.total >= query.offset && page.total < query.offset + query.limit) {
      page.items.push_back(std::move(f));
    }
    ++page.total;
  }
  return page;
}

}  // namespace vigil::service
