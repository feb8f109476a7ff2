// Data-quality rules at work: compiled once per set-up for the intake
// pipeline (MissionService::Check stores the codes of the rules each
// submission flags with it), checked when added, evaluated again over the
// stored submissions when one is added, changed or enabled, and the list
// of flagged submissions analysts review (docs/analytics.md, "Review").
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/rules.h"
#include "core/mission.h"
#include "core/review.h"
#include "service/mission_service.h"
#include "storage/store.h"

namespace vigil::service {

// The enabled rules, compiled against the current version of their form.
// Immutable once made, so one set serves every thread.
class RuleSet {
 public:
  // A rule that no longer compiles (its form was changed under it) is left
  // out and named in problems().
  static RuleSet Compile(std::span<const storage::QualityRule> rules,
                         const core::MissionIndex& mission);

  // The codes of the rules `submission` flags, in code order; empty for
  // most. Allocates only when something is flagged.
  std::vector<std::string> Flags(const core::Submission& submission) const;

  // "rule X: at 3: unknown question code 'CZ' in form C"
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  struct Compiled {
    std::string code;
    analysis::RuleExpression expression;
  };
  std::unordered_map<std::string, std::vector<Compiled>> by_form_;
  std::vector<std::string> problems_;
};

// Checks a rule before it is saved: a code of letters, digits and
// underscores, a known form, a severity, and an expression that parses
// against the form's current version. InvalidArgument naming the problem;
// for the expression, *syntax says where.
Status CheckRule(const storage::QualityRule& rule, const core::MissionIndex& mission,
                 analysis::RuleSyntaxError* syntax);

struct RuleEvaluation {
  std::int64_t checked = 0;  // current versions of the rule's form
  std::int64_t flagged = 0;
  std::int64_t not_applicable = 0;
  std::vector<std::string> flagged_ids;  // in commit order
};

// Evaluates `rule` over the current versions of its form's stored
// submissions. With `actor`, stores what it flags (Store::ReplaceRuleFlags:
// versions stored meanwhile keep the flags the intake gave them); without,
// only reports (vigil rules check).
Result<RuleEvaluation> EvaluateStored(storage::Store& store, const storage::QualityRule& rule,
                                      const core::MissionIndex& mission,
                                      const storage::Actor* actor);

// Adds or replaces a rule (checked), then evaluates it over the stored
// submissions if it is enabled. Runs in the caller's thread: one pass over
// the form's current submissions.
Result<RuleEvaluation> SaveRule(MissionService& service, const storage::QualityRule& rule,
                                const storage::Actor& actor, analysis::RuleSyntaxError* syntax);
// Enables (and evaluates again, since nothing was flagged while it was off)
// or disables a rule.
Status SetRuleEnabled(MissionService& service, const std::string& code, bool enabled,
                      const storage::Actor& actor);

struct QualityQuery {
  std::string rule;                          // empty: any
  std::string form;                          // empty: any
  std::optional<core::ReviewStatus> status;  // nullopt: any
  std::string region;                        // a location code; empty: anywhere
  std::int64_t offset = 0;
  std::int64_t limit = 100;  // at most 1000
};

struct QualityPage {
  std::int64_t total = 0;  // matching, before paging
  std::vector<storage::FlaggedSubmission> items;
};

// Flagged current versions `who` may see (coordinators: their regions),
// in commit order. InvalidArgument for an unknown region or a bad page.
Result<QualityPage> ListQuality(storage::Store& store, const core::MissionIndex& mission,
                                const Principal& who, const QualityQuery& query);

}  // namespace vigil::service
