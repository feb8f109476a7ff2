// Reading a national station list: the 200,000-station CSV file a large
// country's mission imports.
#include <benchmark/benchmark.h>

#include "bench/bench_mission.h"
#include "ingest/setup_csv.h"

namespace vigil::bench {
namespace {

void BM_ParseLocationsCsv(benchmark::State& state) {
  const std::string csv = LocationsCsv(GenerateBenchMission(static_cast<int>(state.range(0))));
  for (auto _ : state) {
    auto locations = ingest::ParseLocationsCsv("stations.csv", csv, {}, nullptr);
    if (!locations) state.SkipWithError(locations.error().message().c_str());
    benchmark::DoNotOptimize(locations);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(csv.size()));
}
BENCHMARK(BM_ParseLocationsCsv)->Arg(10000)->Arg(200000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vigil::bench
