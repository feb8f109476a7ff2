// vigil_bench_store DATA_DIR SUBMISSIONS STATIONS: a new mission in DATA_DIR
// (the default forms, GenerateBenchMission's stations and observers) holding
// SUBMISSIONS valid voting-form submissions from SubmissionBodyGenerator,
// written straight through the Store in big transactions, as the server's
// committer would store them but without HTTP. scripts/bench exports it.
#include <boost/json.hpp>
#include <charconv>
#include <cstdio>
#include <string_view>

#include "bench/bench_mission.h"
#include "common/crypto.h"
#include "core/submission.h"
#include "service/admin.h"
#include "storage/store.h"

namespace vigil::bench {
namespace {

std::optional<long long> Count(std::string_view text) {
  long long n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n <= 0) return std::nullopt;
  return n;
}

Status Fill(const std::string& data_dir, long long submissions, int stations) {
  const storage::Actor actor{"cli:bench"};
  VIGIL_RETURN_IF_ERROR(service::InitMission(
      data_dir, {"Bench election", "Benchland", "2026-12-06", false}, {"A", "B"}, actor));
  auto store = storage::OpenStore({.data_dir = data_dir, .create = false});
  if (!store) return store.error();
  const BenchMission mission = GenerateBenchMission(stations);
  VIGIL_RETURN_IF_ERROR((*store)->UpsertLocations(mission.locations, actor, "bench"));
  VIGIL_RETURN_IF_ERROR((*store)->UpsertObservers(mission.observers, actor, "bench"));
  auto forms = (*store)->ListForms();
  if (!forms) return forms.error();
  const core::Form* voting = nullptr;
  for (const core::Form& f : *forms) {
    if (f.code == "V") voting = &f;
  }
  if (voting == nullptr) return Status::NotFound("no voting form V among the default forms");
  cli::SubmissionBodyGenerator generator(*voting, mission.assignments, 1);
  constexpr long long kBatch = 20000;
  std::vector<storage::PendingSubmission> batch;
  std::string body;
  Timestamp at = Now();
  for (long long done = 0; done < submissions;) {
    batch.clear();
    for (; batch.size() < kBatch && done < submissions; ++done) {
      at += std::chrono::milliseconds(7);
      generator.Next(at, &body);
      std::vector<core::FieldError> errors;
      auto s = core::SubmissionFromJson(boost::json::parse(body), &errors);
      if (!s) return Status::Internal("a generated submission does not parse: " + body);
      storage::PendingSubmission& p = batch.emplace_back();
      p.submission = std::move(*s);
      p.submission.form_version = voting->version;
      p.canonical_json = core::CanonicalJson(p.submission);
      p.content_hash = HashSha256(p.canonical_json);
      p.actor = "token:1/observer";
      p.received_at = at;
    }
    auto outcomes = (*store)->WriteSubmissions(batch);
    if (!outcomes) return outcomes.error();
    std::fprintf(stderr, "\r  %lld of %lld stored", done, submissions);
  }
  std::fprintf(stderr, "\n");
  return (*store)->SyncWrites();
}

}  // namespace
}  // namespace vigil::bench

int main(int argc, char** argv) {
  using namespace vigil;
  const auto submissions = argc == 4 ? bench::Count(argv[2]) : std::nullopt;
  const auto stations = argc == 4 ? bench::Count(argv[3]) : std::nullopt;
  if (!submissions || !stations || *stations > 1000000) {
    std::fprintf(stderr,
                 "usage: vigil_bench_store DATA_DIR SUBMISSIONS STATIONS (positive counts, at most "
                 "1,000,000 stations)\n");
    return 2;
  }
  InitCrypto();
  const Status s = bench::Fill(argv[1], *submissions, static_cast<int>(*stations));
  if (!s.ok()) {
    std::fprintf(stderr, "vigil_bench_store: %s\n", s.message().c_str());
    return 1;
  }
  return 0;
}
