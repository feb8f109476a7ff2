// Live coverage breakdowns (issue 5: any single breakdown in <= 20 ms at p50
// with 1,000,000 submissions over 100,000 stations): each computes one answer
// of the /api/v1/coverage/* routes from what service::LiveReports keeps (every
// current report, and per form the reports per station), as the route does.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
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
  // As service::LiveReports keeps them: the set-up's index and form V's
  // reports by location index.
  std::shared_ptr<const analysis::StationIndex> index;
  std::vector<std::int32_t> voting_by_location;
};

// Every station's two observers each send O, three V and one C: 10 reports
// per station, 1,000,000 in all, received over 14 hours from 06:00.
const Fixture& Data() {
  static const Fixture data = [] {
    const BenchMission m = GenerateBenchMission(kStations);
    Fixture f{IndexOf(m), {}, {}, nullptr, {}};
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
    f.index = std::make_shared<analysis::StationIndex>(
        std::shared_ptr<const core::MissionIndex>(std::shared_ptr<void>(), &f.mission));
    f.voting_by_location.assign(static_cast<std::size_t>(f.index->geography().size()), 0);
    for (const auto& [station, count] : f.voting) {
      f.voting_by_location[static_cast<std::size_t>(f.index->geography().Find(station))] =
          static_cast<std::int32_t>(count);
    }
    return f;
  }();
  return data;
}

// Reports p50 and p90 of the iterations' wall time (ms) besides the mean.
template <typename F>
void Timed(benchmark::State& state, F&& run) {
  std::vector<double> wall;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    run();
    wall.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(wall.begin(), wall.end());
  state.counters["p50_ms"] = wall[wall.size() / 2];
  state.counters["p90_ms"] = wall[wall.size() * 9 / 10];
}

// Planned vs. reported at `depth` (0: 10 regions, 1: 1,000 districts, 2:
// 100,000 stations) as the /api/v1/coverage route answers it: the live
// counts copied out of the lock, then one pass over the stations.
void BM_CoverageByArea(benchmark::State& state) {
  const Fixture& f = Data();
  const int depth = static_cast<int>(state.range(0));
  Timed(state, [&] {
    std::vector<std::int32_t> counts(f.voting_by_location);
    benchmark::DoNotOptimize(analysis::ComputeCoverage(*f.index, counts, depth));
  });
}
BENCHMARK(BM_CoverageByArea)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// A coordinator's (one region) breakdown by district.
void BM_CoverageByAreaCoordinator(benchmark::State& state) {
  const Fixture& f = Data();
  const std::vector<std::string> within{"R001"};
  Timed(state, [&] {
    std::vector<std::int32_t> counts(f.voting_by_location);
    benchmark::DoNotOptimize(analysis::ComputeCoverage(*f.index, counts, 1, within));
  });
}
BENCHMARK(BM_CoverageByAreaCoordinator)->Unit(benchmark::kMillisecond);

// Building the set-up's index, which LiveReports does once per set-up change.
void BM_CoverageStationIndex(benchmark::State& state) {
  const Fixture& f = Data();
  Timed(state, [&] {
    benchmark::DoNotOptimize(analysis::StationIndex(
        std::shared_ptr<const core::MissionIndex>(std::shared_ptr<void>(), &f.mission)));
  });
}
BENCHMARK(BM_CoverageStationIndex)->Unit(benchmark::kMillisecond);

// The code-keyed entry point (what the route did before the live index):
// builds the set-up's index and resolves every station's code per call.
void BM_CoverageByDistrictByCode(benchmark::State& state) {
  const Fixture& f = Data();
  Timed(state, [&] {
    std::vector<std::pair<std::string, std::int64_t>> counts(f.voting.begin(), f.voting.end());
    benchmark::DoNotOptimize(analysis::ComputeCoverage(f.mission, counts, 1));
  });
}
BENCHMARK(BM_CoverageByDistrictByCode)->Unit(benchmark::kMillisecond);

// The /api/v1/coverage/missing route: every planned station without a V
// report (none here: the worst case is the scan, not the list).
void BM_MissingReports(benchmark::State& state) {
  const Fixture& f = Data();
  Timed(state, [&] {
    std::vector<std::int32_t> counts(f.voting_by_location);
    benchmark::DoNotOptimize(analysis::MissingReports(*f.index, counts));
  });
}
BENCHMARK(BM_MissingReports)->Unit(benchmark::kMillisecond);

// The same when half the stations are missing (50,000 listed).
void BM_MissingReportsHalf(benchmark::State& state) {
  const Fixture& f = Data();
  std::vector<std::int32_t> half(f.voting_by_location);
  for (std::size_t i = 0; i < half.size(); i += 2) half[i] = 0;
  Timed(state, [&] {
    std::vector<std::int32_t> counts(half);
    benchmark::DoNotOptimize(analysis::MissingReports(*f.index, counts));
  });
}
BENCHMARK(BM_MissingReportsHalf)->Unit(benchmark::kMillisecond);

void BM_ObserverActivity(benchmark::State& state) {
  const Fixture& f = Data();
  Timed(state, [&] {
    benchmark::DoNotOptimize(analysis::ComputeObserverActivity(f.mission, f.reports, "V"));
  });
  state.counters["reports"] = static_cast<double>(f.reports.size());
}
BENCHMARK(BM_ObserverActivity)->Unit(benchmark::kMillisecond);

void BM_ReportsOverTime(benchmark::State& state) {
  const Fixture& f = Data();
  Timed(state, [&] {
    benchmark::DoNotOptimize(
        analysis::ReportsOverTime(f.mission, f.reports, "V", std::chrono::minutes(15)));
  });
}
BENCHMARK(BM_ReportsOverTime)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vigil::bench
