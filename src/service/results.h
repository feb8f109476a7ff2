// Official results kept in the mission store: importing a published table
// as a named result set, and matching its stations to the mission's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/results.h"
#include "storage/store.h"

namespace vigil::service {

struct ResultsImport {
  storage::ResultSetInfo set;          // as stored
  std::int64_t matched = 0;            // stations whose code is a mission station
  std::vector<std::string> unmatched;  // the other codes, in table order
};

// Stores `table` as result set info.name and reports which of its station
// codes are the mission's polling stations (locations without children).
// The set is stored whether or not they match: forensics need no mission
// stations, comparisons with observers' copies use the matched ones.
Result<ResultsImport> ImportResults(storage::Store& store, const storage::ResultSetInfo& info,
                                    const core::ResultsTable& table, const storage::Actor& actor);

}  // namespace vigil::service
