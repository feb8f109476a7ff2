// The integer-percentage test (R = 1,000) and the Klimek fit at the scale of
// a Russian federal election (95,000 stations), on synthetic results so that it runs
// without ../shared/data; scripts/bench times `vigil forensics` on the real
// 2011 file when it is there. Threads 1 and 2 side by side give the
// parallel speed-up on this machine.
#include <benchmark/benchmark.h>

#include "analysis/integer_percentage.h"
#include "analysis/klimek.h"
#include "analysis/random.h"

namespace vigil::bench {
namespace {

std::vector<analysis::IntegerTestStation> SyntheticElection(int stations) {
  analysis::Random random(2011);
  std::vector<analysis::IntegerTestStation> out;
  for (int i = 0; i < stations; ++i) {
    analysis::IntegerTestStation s;
    s.registered = 200 + static_cast<std::int64_t>(random.Below(2800));
    s.issued = static_cast<std::int64_t>(static_cast<double>(s.registered) *
                                         (0.4 + 0.5 * random.Uniform01()));
    s.cast = s.issued;
    s.leader =
        static_cast<std::int64_t>(static_cast<double>(s.cast) * (0.3 + 0.6 * random.Uniform01()));
    out.push_back(s);
  }
  return out;
}

void BM_IntegerTest(benchmark::State& state) {
  const auto election = SyntheticElection(95000);
  for (auto _ : state) {
    auto report = analysis::RunIntegerTest(
        election, {.replicates = 1000, .seed = 1, .threads = static_cast<int>(state.range(0))});
    benchmark::DoNotOptimize(report);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(election.size()));
}
BENCHMARK(BM_IntegerTest)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The Klimek fit on an election simulated at the same scale, with fraud.
void BM_KlimekFit(benchmark::State& state) {
  std::vector<std::int64_t> electorates;
  for (const auto& s : SyntheticElection(95000)) electorates.push_back(s.registered);
  const auto election = analysis::SimulateKlimek(
      electorates,
      {.fair = {.turnout = 0.5, .turnout_sd = 0.07, .share = 0.3, .share_sd = 0.05},
       .incremental = 0.6,
       .extreme = 0.03,
       .alpha = 2,
       .theta = 0.4},
      2011);
  for (auto _ : state) {
    auto fit = analysis::FitKlimekModel(
        election, {.seed = 1, .simulations = 10, .threads = static_cast<int>(state.range(0))});
    benchmark::DoNotOptimize(fit);
  }
}
BENCHMARK(BM_KlimekFit)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
}  // namespace vigil::bench
