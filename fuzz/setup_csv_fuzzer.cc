// libFuzzer target: the CSV set-up importer (ingest/setup_csv.h): the same
// bytes as a locations file, an observers file and a PVT sample.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/setup_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::ingest;
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  std::vector<CsvProblem> problems;
  const auto known = [](std::string_view code) { return code.starts_with("R"); };
  auto locations = ParseLocationsCsv("stations.csv", content, known, &problems);
  // A file is taken whole or refused with its problems listed.
  if (locations.has_value() == !problems.empty()) __builtin_trap();
  for (const CsvProblem& p : problems) (void)p.ToString();
  auto observers = ParseObserversCsv("observers.csv", content, known, &problems);
  if (observers.has_value() == !problems.empty()) __builtin_trap();
  auto sample = ParsePvtSampleCsv("sample.csv", content, &problems);
  if (sample.has_value() == !problems.empty()) __builtin_trap();
  return 0;
}
