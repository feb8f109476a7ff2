// The CPU work of the intake pipeline for one voting-form submission, step by
// step and together: what every POST /api/v1/submissions pays before the
// group commit.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include "bench/bench_mission.h"
#include "common/crypto.h"
#include "core/submission.h"
#include "service/quality.h"

namespace vigil::bench {
namespace {

namespace json = boost::json;

struct IntakeFixture {
  BenchMission mission = GenerateBenchMission(10000);
  core::MissionIndex index = IndexOf(mission);
  cli::SubmissionBodyGenerator generator{*index.FindForm("V"), mission.assignments, 1};
  std::vector<std::string> bodies;
  std::vector<core::Submission> submissions;  // the bodies, parsed, form version resolved

  IntakeFixture() {
    InitCrypto();
    bodies.resize(1024);
    for (std::string& body : bodies) {
      generator.Next(Now(), &body);
      std::vector<core::FieldError> errors;
      submissions.push_back(*core::SubmissionFromJson(json::parse(body), &errors));
      submissions.back().form_version = index.FindForm("V")->version;
    }
  }
};

IntakeFixture& Fixture() {
  static IntakeFixture fixture;
  return fixture;
}

void BM_ParseJson(benchmark::State& state) {
  auto& f = Fixture();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(json::parse(f.bodies[i++ % f.bodies.size()]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseJson);

void BM_Shape(benchmark::State& state) {
  auto& f = Fixture();
  std::vector<json::value> parsed;
  for (const std::string& body : f.bodies) parsed.push_back(json::parse(body));
  std::size_t i = 0;
  for (auto _ : state) {
    std::vector<core::FieldError> errors;
    benchmark::DoNotOptimize(core::SubmissionFromJson(parsed[i++ % parsed.size()], &errors));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Shape);

void BM_CanonicalAndHash(benchmark::State& state) {
  auto& f = Fixture();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        HashSha256(core::CanonicalJson(f.submissions[i++ % f.submissions.size()])));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CanonicalAndHash);

void BM_Sha256(benchmark::State& state) {
  auto& f = Fixture();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(HashSha256(f.bodies[i++ % f.bodies.size()]));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::to_string(f.bodies[0].size()) + " bytes");
}
BENCHMARK(BM_Sha256);

void BM_Validate(benchmark::State& state) {
  auto& f = Fixture();
  std::size_t i = 0;
  for (auto _ : state) {
    auto errors = core::ValidateSubmission(f.submissions[i++ % f.submissions.size()], f.index);
    if (!errors.empty()) state.SkipWithError(errors.front().problem.c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Validate);

// parse -> shape -> validate -> canonical encoding -> SHA-256, as
// MissionService::Check does it.
void BM_IntakeCheck(benchmark::State& state) {
  auto& f = Fixture();
  const std::string version = f.index.FindForm("V")->version;
  std::size_t i = 0;
  for (auto _ : state) {
    std::vector<core::FieldError> errors;
    auto s = core::SubmissionFromJson(json::parse(f.bodies[i++ % f.bodies.size()]), &errors);
    s->form_version = version;
    errors = core::ValidateSubmission(*s, f.index);
    const std::string canonical = core::CanonicalJson(*s);
    benchmark::DoNotOptimize(HashSha256(canonical));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IntakeCheck);

// The data-quality rules step of MissionService::Check: five rules of the
// voting form (as an analyst would add them) on each submission, beside
// BM_IntakeCheck's cost of the rest.
void BM_IntakeRules(benchmark::State& state) {
  auto& f = Fixture();
  std::vector<storage::QualityRule> rules;
  for (const char* e : {"V7 > 200", "V3 = \"no\" and V4 = \"yes\"", "not answered(V20)",
                        "V18 + V19 > 50", "V20 = \"very_bad\" and V1 = \"yes\""}) {
    rules.push_back(
        {.code = "r" + std::to_string(rules.size()), .form_code = "V", .expression = e});
  }
  const service::RuleSet set = service::RuleSet::Compile(rules, f.index);
  if (!set.problems().empty()) {
    state.SkipWithError(set.problems().front().c_str());
    return;
  }
  std::size_t i = 0;
  std::int64_t flagged = 0;
  for (auto _ : state) {
    flagged +=
        static_cast<std::int64_t>(set.Flags(f.submissions[i++ % f.submissions.size()]).size());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["flags_per_submission"] =
      static_cast<double>(flagged) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_IntakeRules);

}  // namespace
}  // namespace vigil::bench

BENCHMARK_MAIN();
