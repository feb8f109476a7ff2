// A generated mission for the benchmarks: a three-level hierarchy of
// polling stations, observers in pairs and the default forms, plus valid
// voting-form bodies from the load generator's SubmissionBodyGenerator.
#pragma once

#include <string>
#include <vector>

#include "cli/bench_ingest.h"
#include "core/mission.h"

namespace vigil::bench {

struct BenchMission {
  std::vector<core::Location> locations;
  std::vector<core::Observer> observers;
  std::vector<cli::StationAssignment> assignments;
};

// `stations` polling stations, 100 per district, 100 districts per region;
// one observer pair per 10 stations.
BenchMission GenerateBenchMission(int stations);

// The stations as a set-up CSV file (code,name,parent,registered_voters,urban_rural).
std::string LocationsCsv(const BenchMission& mission);

core::MissionIndex IndexOf(const BenchMission& mission);

}  // namespace vigil::bench
