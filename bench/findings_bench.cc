// Findings on a national scale (issue 5's target: the dashboard summary and
// any single breakdown in <= 20 ms at p50): 1,000,000 current reports over
// 100,000 stations (800,000 voting-form and 200,000 counting-form reports
// from the load generator, default forms), 2% quarantined. Also the cost of
// applying one committed batch of 100 reports to the live table.
//
// Each benchmark reports p50/p90 of its iterations in milliseconds
// (counters), besides Google Benchmark's mean.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <memory>

#include "analysis/findings.h"
#include "bench/bench_mission.h"
#include "core/submission.h"

namespace vigil::bench {
namespace {

constexpr int kStations = 100000;
constexpr int kVoting = 800000;
constexpr int kCounting = 200000;

std::vector<core::Submission> Generate(const core::MissionIndex& mission, const std::string& form,
                                       int count, std::uint64_t seed, const std::string& prefix,
                                       const std::vector<cli::StationAssignment>& assignments) {
  cli::SubmissionBodyGenerator gen(*mission.FindForm(form), assignments, seed);
  std::vector<core::Submission> out;
  out.reserve(static_cast<std::size_t>(count));
  std::string body;
  const Timestamp start = *ParseRfc3339("2026-12-06T07:00:00Z");
  for (int i = 0; i < count; ++i) {
    // Spread over 13 hours of election day.
    gen.Next(start + std::chrono::seconds(i % 46800), &body);
    std::vector<core::FieldError> errors;
    auto s = core::SubmissionFromJson(boost::json::parse(body), &errors);
    if (!s) continue;
    s->instance_id = prefix + std::to_string(i);
    out.push_back(std::move(*s));
  }
  return out;
}

struct Fixture {
  std::shared_ptr<const core::MissionIndex> mission;
  std::unique_ptr<analysis::ObservationTable> table;
  std::vector<core::Submission> more;  // for the batch benchmark
  std::string region;                  // a coordinator's region
};

Fixture& Shared() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    const BenchMission bm = GenerateBenchMission(kStations);
    fx->mission = std::make_shared<core::MissionIndex>(IndexOf(bm));
    fx->table = std::make_unique<analysis::ObservationTable>(
        std::make_shared<analysis::Geography>(fx->mission));
    const Timestamp t = Now();
    for (const auto& [form, count, seed] :
         {std::tuple{"V", kVoting, 1}, std::tuple{"C", kCounting, 2}}) {
      for (const core::Submission& s :
           Generate(*fx->mission, form, count, seed, std::string("uuid:") + form, bm.assignments)) {
        fx->table->Add(s, t);
      }
    }
    for (int i = 0; i < kVoting; i += 50) {
      (void)fx->table->SetReviewStatus("uuid:V" + std::to_string(i),
                                       core::ReviewStatus::kQuarantined);
    }
    fx->more = Generate(*fx->mission, "V", 100000, 3, "uuid:more", bm.assignments);
    fx->region = bm.locations[0].code;
    return fx;
  }();
  return *f;
}

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Times each iteration and reports p50 and p90 of wall time and of the
// thread's CPU time (on a shared machine wall time includes waiting for a core).
template <typename F>
void Timed(benchmark::State& state, F&& run) {
  std::vector<double> wall, cpu;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = ThreadCpuMs();
    run();
    cpu.push_back(ThreadCpuMs() - c0);
    wall.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  state.counters["p50_ms"] = wall[wall.size() / 2];
  state.counters["p90_ms"] = wall[wall.size() * 9 / 10];
  state.counters["cpu_p50_ms"] = cpu[cpu.size() / 2];
  state.counters["cpu_p90_ms"] = cpu[cpu.size() * 9 / 10];
  state.counters["rows"] = static_cast<double>(Shared().table->rows());
  state.counters["table_MB"] = static_cast<double>(Shared().table->MemoryBytes()) / 1e6;
}

// The admin's dashboard: every question of every form (running tallies).
void BM_FindingsSummary(benchmark::State& state) {
  Fixture& fx = Shared();
  Timed(state, [&] {
    benchmark::DoNotOptimize(analysis::ComputeSummary(*fx.table, {.exclude_quarantined = true}));
  });
}
BENCHMARK(BM_FindingsSummary)->Unit(benchmark::kMillisecond);

// A coordinator's dashboard: the same over one region's stations (a scan).
void BM_FindingsSummaryCoordinator(benchmark::State& state) {
  Fixture& fx = Shared();
  const analysis::FindingFilter filter{.within = {fx.region}};
  Timed(state, [&] { benchmark::DoNotOptimize(analysis::ComputeSummary(*fx.table, filter)); });
}
BENCHMARK(BM_FindingsSummaryCoordinator)->Unit(benchmark::kMillisecond);

// The dashboard for urban stations: running tallies kept per settlement
// (a full scan of 1,000,000 rows before they were).
void BM_FindingsSummaryUrban(benchmark::State& state) {
  Fixture& fx = Shared();
  const analysis::FindingFilter filter{.settlement = core::Settlement::kUrban};
  Timed(state, [&] { benchmark::DoNotOptimize(analysis::ComputeSummary(*fx.table, filter)); });
}
BENCHMARK(BM_FindingsSummaryUrban)->Unit(benchmark::kMillisecond);

// The dashboard over a time window (10:00 to 14:00, about a third of the
// day's reports): still a scan of every row.
void BM_FindingsSummaryTimeWindow(benchmark::State& state) {
  Fixture& fx = Shared();
  const analysis::FindingFilter filter{.from = *ParseRfc3339("2026-12-06T10:00:00Z"),
                                       .to = *ParseRfc3339("2026-12-06T14:00:00Z")};
  Timed(state, [&] { benchmark::DoNotOptimize(analysis::ComputeSummary(*fx.table, filter)); });
}
BENCHMARK(BM_FindingsSummaryTimeWindow)->Unit(benchmark::kMillisecond);

// One breakdown: V2 by district (depth 1, 1,000 areas), urban stations,
// quarantined excluded.
void BM_FindingsBreakdown(benchmark::State& state) {
  Fixture& fx = Shared();
  const analysis::FindingFilter filter{.exclude_quarantined = true,
                                       .settlement = core::Settlement::kUrban};
  Timed(state, [&] {
    auto areas = analysis::ComputeFindingByArea(*fx.table, "V", "V2", 1, filter);
    if (!areas) state.SkipWithError(areas.error().message().c_str());
    benchmark::DoNotOptimize(areas);
  });
}
BENCHMARK(BM_FindingsBreakdown)->Unit(benchmark::kMillisecond);

// A committed batch of 100 new voting reports applied to the live table
// (as LiveObservations does on the committer's sync thread).
void BM_FindingsApplyBatch(benchmark::State& state) {
  Fixture& fx = Shared();
  std::size_t next = 0;
  const Timestamp t = Now();
  Timed(state, [&] {
    for (int i = 0; i < 100; ++i) {
      fx.table->Add(fx.more[next % fx.more.size()], t);
      ++next;
    }
  });
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_FindingsApplyBatch)->Unit(benchmark::kMicrosecond)->Iterations(500);

}  // namespace
}  // namespace vigil::bench
