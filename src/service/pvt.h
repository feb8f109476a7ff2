// The PVT estimate for a mission: the kept sample (storage), the observers'
// copies of the sampled stations' protocols (observer_copies.h), and,
// when named, an official result set to compare with. Used by `vigil pvt
// estimate` and GET /api/v1/pvt, which show it live as the sample reports.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/pvt.h"
#include "core/mission.h"
#include "core/results.h"
#include "service/observer_copies.h"
#include "storage/store.h"

namespace vigil::service {

// Official shares over a whole table, for `contestants` by name (NaN for a
// contestant the table does not name): votes over all valid votes, ballots
// cast over registered, invalid over cast.
analysis::OfficialShares OfficialSharesOf(const core::ResultsTable& official,
                                          const std::vector<std::string>& contestants);

// Each station's figures as a PVT report.
std::vector<analysis::PvtReport> PvtReportsOf(const core::ResultsTable& table);

struct MissionPvt {
  Timestamp as_of;  // when the copies were read
  core::PvtSample sample;
  analysis::PvtEstimate estimate;
  std::string official_set;              // compared with, or empty
  std::vector<std::string> disagreeing;  // sampled stations whose observers' copies differ
};

// From the mission's kept sample and the observers' copies
// (observer_copies.h). NotFound (saying how to keep one) if the mission has
// no PVT sample, or if official_set names no result set.
Result<MissionPvt> EstimateMissionPvt(storage::Store& store, const ObserverCopies& copies,
                                      const std::string& official_set);

// The estimate as documented in docs/pvt.md.
boost::json::object PvtEstimateJson(const analysis::PvtEstimate& estimate, std::uint64_t seed);
// The same with as_of, official and copies_disagree, as GET /api/v1/pvt
// answers.
boost::json::object MissionPvtJson(const MissionPvt& pvt);

}  // namespace vigil::service
