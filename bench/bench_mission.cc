#include "bench/bench_mission.h"

#include <fmt/format.h>

#include "core/default_forms.h"

namespace vigil::bench {

BenchMission GenerateBenchMission(int stations) {
  BenchMission m;
  constexpr int kPerDistrict = 100;
  constexpr int kDistrictsPerRegion = 100;
  constexpr int kStationsPerPair = 10;
  std::string region, district;
  for (int s = 0; s < stations; ++s) {
    if (s % (kPerDistrict * kDistrictsPerRegion) == 0) {
      region = fmt::format("R{:03}", s / (kPerDistrict * kDistrictsPerRegion) + 1);
      m.locations.push_back(
          {region, "Region " + region, "", std::nullopt, core::Settlement::kUnknown, {}, {}});
    }
    if (s % kPerDistrict == 0) {
      district = fmt::format("{}-D{:03}", region, (s / kPerDistrict) % kDistrictsPerRegion + 1);
      m.locations.push_back({district,
                             "District " + district,
                             region,
                             std::nullopt,
                             core::Settlement::kUnknown,
                             {},
                             {}});
    }
    const std::string code = fmt::format("PS-{:06}", s + 1);
    const bool urban = s % 2 == 0;
    m.locations.push_back({code,
                           "Polling station " + code,
                           district,
                           urban ? 1800 : 700,
                           urban ? core::Settlement::kUrban : core::Settlement::kRural,
                           {},
                           {}});
    const int pair = s / kStationsPerPair;
    for (int member = 0; member < 2; ++member) {
      const std::string observer = fmt::format("OBS-{:05}", pair * 2 + member + 1);
      if (s % kStationsPerPair == 0) {
        m.observers.push_back({observer,
                               "Observer " + observer,
                               {"+1555" + observer.substr(4)},
                               core::ObserverRole::kShortTerm,
                               fmt::format("T-{}", pair + 1),
                               "en",
                               {}});
      }
      m.observers[pair * 2 + member].stations.push_back(code);
      m.assignments.push_back({observer, code});
    }
  }
  return m;
}

std::string LocationsCsv(const BenchMission& mission) {
  std::string csv = "code,name,parent,registered_voters,urban_rural\n";
  for (const core::Location& l : mission.locations) {
    csv += fmt::format("{},\"{}\",{},{},{}\n", l.code, l.name, l.parent_code,
                       l.registered_voters ? std::to_string(*l.registered_voters) : "",
                       l.settlement == core::Settlement::kUrban   ? "urban"
                       : l.settlement == core::Settlement::kRural ? "rural"
                                                                  : "");
  }
  return csv;
}

core::MissionIndex IndexOf(const BenchMission& mission) {
  return core::MissionIndex({"Bench election", "Benchland", "2026-12-06", false}, mission.locations,
                            mission.observers, core::DefaultForms());
}

}  // namespace vigil::bench
