// Observers' copies of the result protocols, as a table of results: read
// from the current versions of the counting submissions, through the form
// questions that name the protocol figure they copy (core::Question::figure).
// They are compared with the official results (analysis/results_compare.h)
// and feed the live PVT estimate (service/pvt.h).
#pragma once

#include <boost/json/fwd.hpp>
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "analysis/results_compare.h"
#include "common/time.h"
#include "core/mission.h"
#include "core/results.h"
#include "storage/store.h"

namespace vigil::service {

struct ObserverCopies {
  // One station per polling station with a copy, in the order copies first
  // arrived. A copy without every contestant's votes has none (`votes`
  // empty), so that no blank is taken for a zero. Areas are the station's ancestors' codes, top
  // down, with the levels named by depth ("0" = the top level); contestants in the order the forms
  // name them.
  core::ResultsTable table;
  std::int64_t submissions = 0;  // counted submissions that carried figures
  // Stations whose observers copied different figures: the table holds the
  // latest copy, and an analyst should resolve which is right.
  std::vector<std::string> disagreeing;
  Timestamp read_at;  // when the submissions were read
};

// Reads every current submission of the forms whose questions copy protocol
// figures.
Result<ObserverCopies> ReadObserverCopies(storage::Store& store, const core::MissionIndex& mission);

// The copies for the server, re-read at most once per max_age (and when the
// set-up changes), so that dashboards polling the live PVT or the comparison
// share one read of every counting report instead of each making its own.
class ObserverCopiesCache {
 public:
  ObserverCopiesCache(storage::Store& store, std::chrono::milliseconds max_age)
      : store_(store), max_age_(max_age) {}

  Result<std::shared_ptr<const ObserverCopies>> Get(
      const std::shared_ptr<const core::MissionIndex>& mission);

 private:
  storage::Store& store_;
  const std::chrono::milliseconds max_age_;
  std::mutex mu_;  // held while reading: concurrent callers wait and share the result
  std::shared_ptr<const ObserverCopies> copies_;       // GUARDED_BY(mu_)
  std::shared_ptr<const core::MissionIndex> mission_;  // GUARDED_BY(mu_): read with it
  std::chrono::steady_clock::time_point read_at_;      // GUARDED_BY(mu_)
};

struct CopiesReport {
  Timestamp as_of;       // when the copies were read
  std::string official;  // the result set compared with
  std::string previous;  // an earlier publication, or empty
  std::string level;     // of the summary by area, or empty
  std::int64_t submissions = 0;
  std::vector<std::string> disagreeing;
  analysis::CopiesComparison comparison;
};

// The copies against official result set `official` (and, when named, an
// earlier publication `previous`), summarised by area at `level`: a level of
// the official set, or a depth of the mission's hierarchy ("1"). NotFound
// for an unknown set; InvalidArgument for an unknown level.
Result<CopiesReport> CompareObserverCopies(storage::Store& store, const ObserverCopies& copies,
                                           const std::string& official, const std::string& previous,
                                           const std::string& level);

// As documented in docs/results.md: JSON, and CSV with one row per station
// and differing figure.
boost::json::object CopiesReportJson(const CopiesReport& report);
void WriteCopiesCsv(std::ostream& out, const CopiesReport& report);

}  // namespace vigil::service
