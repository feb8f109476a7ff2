// Group commit: the cost per submission of one durable SQLite transaction
// (audit entry, insert, fsync) at different batch sizes, side by side. The
// server's committer forms batches by itself; this shows why it pays.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <filesystem>

#include "bench/bench_mission.h"
#include "common/crypto.h"
#include "core/submission.h"
#include "storage/store.h"

namespace vigil::bench {
namespace {

namespace fs = std::filesystem;

void BM_CommitBatch(benchmark::State& state) {
  InitCrypto();
  const fs::path dir = fs::temp_directory_path() / ("vigil-bench-" + RandomUuid());
  auto store = storage::OpenStore({.data_dir = dir.string(), .create = true});
  if (!store) {
    state.SkipWithError(store.error().message().c_str());
    return;
  }
  const BenchMission mission = GenerateBenchMission(10000);
  const core::MissionIndex index = IndexOf(mission);
  cli::SubmissionBodyGenerator generator(*index.FindForm("V"), mission.assignments, 2);
  const auto batch_size = static_cast<std::size_t>(state.range(0));
  std::vector<storage::PendingSubmission> batch(batch_size);
  std::string body;
  for (auto _ : state) {
    state.PauseTiming();
    for (storage::PendingSubmission& p : batch) {
      generator.Next(Now(), &body);
      std::vector<core::FieldError> errors;
      p.submission = *core::SubmissionFromJson(boost::json::parse(body), &errors);
      p.submission.form_version = index.FindForm("V")->version;
      p.canonical_json = core::CanonicalJson(p.submission);
      p.content_hash = HashSha256(p.canonical_json);
      p.actor = "token:1/observer";
      p.received_at = Now();
    }
    state.ResumeTiming();
    auto outcomes = (*store)->CommitSubmissions(batch);
    if (!outcomes) state.SkipWithError(outcomes.error().message().c_str());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  store->reset();
  fs::remove_all(dir);
}
BENCHMARK(BM_CommitBatch)
    ->Arg(1)
    ->Arg(16)
    ->Arg(128)
    ->Arg(1024)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace vigil::bench
