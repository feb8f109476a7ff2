// Reading an XLSForm: a long checklist (N select questions of five options
// each, labels in two languages) as `vigil forms export` writes it.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ingest/xlsform.h"
#include "ingest/xlsform_writer.h"

namespace vigil::bench {
namespace {

std::string LongFormWorkbook(int questions) {
  core::Form form;
  form.code = "LONG";
  form.version = "1";
  form.title = {{"en", "Long"}, {"ru", "Длинная"}};
  for (int i = 0; i < questions; ++i) {
    core::Question q;
    q.code = "Q" + std::to_string(i);
    q.type = core::QuestionType::kSelectOne;
    q.labels = {{"en", "Question " + std::to_string(i)}, {"ru", "Вопрос " + std::to_string(i)}};
    for (int k = 0; k < 5; ++k) {
      q.options.push_back(
          {"o" + std::to_string(k), {{"en", "Option " + std::to_string(k)}, {"ru", "Ответ"}}});
    }
    form.questions.push_back(std::move(q));
  }
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("vigil-bench-" + std::to_string(getpid()) + ".xlsx"))
                               .string();
  if (!ingest::WriteXlsForm(form, path).ok()) return {};
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::filesystem::remove(path);
  return bytes.str();
}

void BM_ReadXlsForm(benchmark::State& state) {
  const std::string bytes = LongFormWorkbook(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto form = ingest::ReadXlsForm(bytes, nullptr);
    if (!form) state.SkipWithError(form.error().message().c_str());
    benchmark::DoNotOptimize(form);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_ReadXlsForm)->Arg(100)->Arg(2000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vigil::bench
