// A PVT (quick count) sample: the stations drawn, by stratum, with the
// reserves, and each stratum's size. Drawn by analysis/pvt.h, written and
// read as CSV by report and ingest, so that the sample a mission publishes
// is the one it estimates from.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::core {

// A station of the population the sample is drawn from.
struct PvtStation {
  std::string code;
  std::string stratum;  // empty for a simple random sample
  std::int64_t registered = 0;
};

struct DrawnStation {
  std::string code;
  std::string stratum;
  bool reserve = false;
  int rank = 0;  // 1, 2, ... within its stratum and role: the order reserves are used in
};

struct StratumSummary {
  std::string stratum;
  std::int64_t stations = 0;    // in the population
  std::int64_t registered = 0;  // in the population
  std::int64_t sample = 0;
  std::int64_t reserves = 0;
};

struct PvtSample {
  std::uint64_t seed = 0;
  std::vector<DrawnStation> stations;  // by stratum, then sample before reserves, by rank
  std::vector<StratumSummary> strata;  // by stratum name (bytewise)
};

}  // namespace vigil::core
