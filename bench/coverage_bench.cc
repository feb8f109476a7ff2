// Live coverage breakdowns (issue 5: any single breakdown in <= 20 ms at p50
// with 1,000,000 submissions over 100,000 stations): each computes one answer
// of the /api/v1/coverage/* routes from what service::LiveReports keeps (every
// current report, and per form the reports per station), as the route does.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "analysis/coverage.h"
#include "bench/bench_mission.h"

namespace vigil::bench {
namespace {

constexpr int kStations = 100'000;

struct Fixture {
  core::MissionIndex mission;
  std::vector<analysis::ReportRef> reports;  // every form
  core::StringMap<std::int64_t> voting;      // form V: station -> reports
};

// Every station's two observers each send O, three V and one C: 10 reports
// per station, 1,000,000 in all, received over 14 hours from 06:00.
const Fixture& Data() {
  static const Fixture data = [] {
    const BenchMission m = GenerateBenchMission(kStations);
    Fixture f{IndexOf(m), {}, {}};
    const Timestamp start = *ParseRfc3339("2026-06-07T06:00:00Z");
    std::int64_t n = 0;
    for (const core::Observer& o : f.mission.observers()) {
      for (const std::string& station : o.stations) {
        for (const char* form : {"O", "V", "V", "V", "C"}) {
          const Timestamp at = start + std::chrono::seconds((n * 7919) % (14 * 3600));
          f.reports.push_back({"uuid:" + std::to_string(n++), form, station, o.code, at});
          if (form[0] == 'V') ++f.voting[station];
        }
      }
    }
    return f;
  }();
  return data;
}

void BM_CoverageByDistrict(benchmark::State& state) {
  const Fixture& f = Data();
  for (auto _ : state) {
    // The route copies the counts out of the lock, then counts.
    std::vector<std::pair<std::string, std::int64_t>> counts(f.voting.begin(), f.voting.end());
    benchmark::DoNotOptimize(analysis::ComputeCoverage(f.mission, counts, 1));
  }
}
BENCHMARK(BM_CoverageByDistrict)->Unit(benchmark::kMillisecond);

void BM_MissingReports(benchmark::State& state) {
  const Fixture& f = Data();
  for (auto _ : state) {
    benchmark::DoNotOptimize(analysis::MissingReports(f.mission, f.voting));
  }
}
BENCHMARK(BM_MissingReports)->Unit(benchmark::kMillisecond);

void BM_ObserverActivity(benchmark::State& state) {
  const Fixture& f = Data();
  for (auto _ : state) {
    benchmark::DoNotOptimize(analysis::ComputeObserverActivity(f.mission, f.reports, "V"));
  }
  state.counters["reports"] = static_cast<double>(f.reports.size());
}
BENCHMARK(BM_ObserverActivity)->Unit(benchmark::kMillisecond);

void BM_ReportsOverTime(benchmark::State& state) {
  const Fixture& f = Data();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        analysis::ReportsOverTime(f.mission, f.reports, "V", std::chrono::minutes(15)));
  }
}
BENCHMARK(BM_ReportsOverTime)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vigil::bench
