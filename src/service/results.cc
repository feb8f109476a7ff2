#include "service/results.h"

#include <unordered_set>

namespace vigil::service {

Result<ResultsImport> ImportResults(storage::Store& store, const storage::ResultSetInfo& info,
                                    const core::ResultsTable& table, const storage::Actor& actor) {
  auto locations = store.ListLocations();
  if (!locations) return Fail(locations.error());
  std::unordered_set<std::string> parents;
  for (const core::Location& l : *locations) parents.insert(l.parent_code);
  std::unordered_set<std::string> stations;
  for (const core::Location& l : *locations) {
    if (!parents.contains(l.code)) stations.insert(l.code);
  }
  ResultsImport out;
  for (const core::StationResult& s : table.stations) {
    if (stations.contains(s.code)) {
      ++out.matched;
    } else {
      out.unmatched.push_back(s.code);
    }
  }
  auto stored = store.SaveResultSet(info, table, actor);
  if (!stored) return Fail(stored.error());
  out.set = std::move(*stored);
  return out;
}

}  // namespace vigil::service
