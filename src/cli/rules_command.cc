// `vigil rules` (data-quality rules) and `vigil review` (an analyst's
// verdict on a submission version) from the command line, on the store
// directly; a running server picks up rule changes within a second.
#include <boost/json.hpp>
#include <cstdio>

#include "cli/cli.h"
#include "service/quality.h"

namespace vigil::cli {

namespace json = boost::json;

namespace {

struct Opened {
  std::unique_ptr<storage::Store> store;
  core::MissionIndex mission;
};

Result<Opened> OpenMission(const std::string& data_dir) {
  auto store = storage::OpenStore({.data_dir = data_dir, .create = false});
  if (!store) return Fail(store.error());
  auto mission = service::LoadMission(**store);
  if (!mission) return Fail(mission.error());
  return Opened{std::move(*store), std::move(*mission)};
}

void PrintEvaluation(const service::RuleEvaluation& e) {
  std::printf("%lld current submissions checked: %lld flagged, %lld not applicable\n",
              static_cast<long long>(e.checked), static_cast<long long>(e.flagged),
              static_cast<long long>(e.not_applicable));
}

}  // namespace

void RegisterRules(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("rules", "Data-quality rules over submissions' answers");
  cmd->require_subcommand(1);

  struct Options {
    std::string data_dir;
    std::string code;
    std::string form;
    std::string expression;
    std::string severity = "warning";
    std::string description;
    bool disabled = false;
  };
  auto opts = std::make_shared<Options>();

  auto* list = cmd->add_subcommand("list", "Print every rule as JSON Lines");
  AddDataOption(*list, opts->data_dir);
  list->callback([&ctx, opts] {
    auto store = storage::OpenStore({.data_dir = opts->data_dir, .create = false});
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    auto rules = (*store)->ListRules();
    if (!rules) {
      ctx.exit_code = ReportError(rules.error());
      return;
    }
    for (const storage::QualityRule& r : *rules) {
      json::object description;
      for (const auto& [language, text] : r.description) description[language] = text;
      const json::object line{{"code", r.code},
                              {"form", r.form_code},
                              {"expression", r.expression},
                              {"severity", storage::RuleSeverityName(r.severity)},
                              {"enabled", r.enabled},
                              {"description", std::move(description)}};
      std::printf("%s\n", json::serialize(line).c_str());
    }
  });

  auto* add = cmd->add_subcommand(
      "add", "Add or replace a rule, then flag the stored submissions it finds");
  AddDataOption(*add, opts->data_dir);
  add->add_option("CODE", opts->code, "Rule code (letters, digits, _)")->required();
  add->add_option("--form", opts->form, "Form code")->required();
  add->add_option("--expression", opts->expression, "What is wrong, e.g. 'CF != CV + CN'")
      ->required();
  add->add_option("--severity", opts->severity, "warning or error")->capture_default_str();
  add->add_option("--description", opts->description, "What it means, in English");
  add->add_flag("--disabled", opts->disabled, "Store it switched off");
  add->callback([&ctx, opts] {
    auto opened = OpenMission(opts->data_dir);
    if (!opened) {
      ctx.exit_code = ReportError(opened.error());
      return;
    }
    storage::QualityRule rule;
    rule.code = opts->code;
    rule.form_code = opts->form;
    rule.expression = opts->expression;
    rule.enabled = !opts->disabled;
    if (!opts->description.empty()) rule.description["en"] = opts->description;
    auto severity = storage::ParseRuleSeverity(opts->severity);
    if (!severity) {
      ctx.exit_code = ReportError(Status::InvalidArgument("--severity: warning or error"));
      return;
    }
    rule.severity = *severity;
    analysis::RuleSyntaxError syntax;
    Status s = service::CheckRule(rule, opened->mission, &syntax);
    if (s.ok()) s = opened->store->SaveRule(rule, LocalActor());
    if (!s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    if (!rule.enabled) return;
    const storage::Actor actor = LocalActor();
    auto evaluated = service::EvaluateStored(*opened->store, rule, opened->mission, &actor);
    if (!evaluated) {
      ctx.exit_code = ReportError(evaluated.error());
      return;
    }
    PrintEvaluation(*evaluated);
  });

  auto* check =
      cmd->add_subcommand("check", "Try an expression on the stored submissions without saving it");
  AddDataOption(*check, opts->data_dir);
  check->add_option("EXPR", opts->expression, "The expression")->required();
  check->add_option("--form", opts->form, "Form code")->required();
  check->callback([&ctx, opts] {
    auto opened = OpenMission(opts->data_dir);
    if (!opened) {
      ctx.exit_code = ReportError(opened.error());
      return;
    }
    storage::QualityRule rule;
    rule.code = "check";
    rule.form_code = opts->form;
    rule.expression = opts->expression;
    analysis::RuleSyntaxError syntax;
    if (Status s = service::CheckRule(rule, opened->mission, &syntax); !s.ok()) {
      if (syntax.column > 0) {
        // Point at the column under the expression as typed.
        std::fprintf(stderr, "  %s\n  %*s^\n", opts->expression.c_str(),
                     static_cast<int>(syntax.column - 1), "");
      }
      ctx.exit_code = ReportError(s);
      return;
    }
    auto evaluated = service::EvaluateStored(*opened->store, rule, opened->mission, nullptr);
    if (!evaluated) {
      ctx.exit_code = ReportError(evaluated.error());
      return;
    }
    for (const std::string& id : evaluated->flagged_ids) std::printf("%s\n", id.c_str());
    PrintEvaluation(*evaluated);
  });

  for (const bool enable : {true, false}) {
    auto* sub = cmd->add_subcommand(
        enable ? "enable" : "disable",
        enable ? "Switch a rule on (and flag what it finds)" : "Switch a rule off");
    AddDataOption(*sub, opts->data_dir);
    sub->add_option("CODE", opts->code, "Rule code")->required();
    sub->callback([&ctx, opts, enable] {
      auto opened = OpenMission(opts->data_dir);
      if (!opened) {
        ctx.exit_code = ReportError(opened.error());
        return;
      }
      if (Status s = opened->store->SetRuleEnabled(opts->code, enable, LocalActor()); !s.ok()) {
        ctx.exit_code = ReportError(s);
        return;
      }
      if (!enable) return;
      auto rules = opened->store->ListRules();
      if (!rules) {
        ctx.exit_code = ReportError(rules.error());
        return;
      }
      const storage::Actor actor = LocalActor();
      for (const storage::QualityRule& rule : *rules) {
        if (rule.code != opts->code) continue;
        auto evaluated = service::EvaluateStored(*opened->store, rule, opened->mission, &actor);
        if (!evaluated) {
          ctx.exit_code = ReportError(evaluated.error());
          return;
        }
        PrintEvaluation(*evaluated);
      }
    });
  }
}

void RegisterReview(CLI::App& app, Context& ctx) {
  struct Options {
    std::string data_dir;
    std::string instance_id;
    std::string status;
    std::string note;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("review",
                                 "Verify, quarantine or reject a submission version, with a note");
  AddDataOption(*cmd, opts->data_dir);
  cmd->add_option("INSTANCE", opts->instance_id, "instance_id of the version")->required();
  cmd->add_option("--status", opts->status, "verified, quarantined, rejected or unreviewed")
      ->required();
  cmd->add_option("--note", opts->note, "Why (kept in its history)");
  cmd->callback([&ctx, opts] {
    const auto status = core::ParseReviewStatus(opts->status);
    if (!status) {
      ctx.exit_code = ReportError(
          Status::InvalidArgument("--status: verified, quarantined, rejected or unreviewed"));
      return;
    }
    auto store = storage::OpenStore({.data_dir = opts->data_dir, .create = false});
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    auto change = (*store)->ReviewSubmission(opts->instance_id, *status, opts->note, std::nullopt,
                                             LocalActor());
    if (!change) {
      ctx.exit_code = ReportError(change.error());
      return;
    }
    std::printf("%s: %s -> %s\n", change->instance_id.c_str(),
                std::string(core::ReviewStatusName(change->from)).c_str(),
                std::string(core::ReviewStatusName(change->to)).c_str());
  });
}

}  // namespace vigil::cli
