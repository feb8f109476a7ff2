// Conflicts between observers, their resolution and stations' master
// records (analysis/conflicts.h) on the mission's live reports: the reports
// of a station are found in LiveReports and read from the store, so only
// stations with two or more observers' reports are ever read.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/conflicts.h"
#include "service/live_reports.h"
#include "service/mission_service.h"

namespace vigil::service {

enum class ConflictFilter { kAll, kOpen, kResolved };

struct StationConflicts {
  std::string station_code;
  std::vector<analysis::QuestionConflict> conflicts;
};

// The conflicts in `form`'s reports at the stations `who` sees, within
// `region` if it is not empty, by station code. NotFound for an unknown
// form or a region `who` does not see.
Result<std::vector<StationConflicts>> ListConflicts(MissionService& service,
                                                    const LiveReports& live, const Principal& who,
                                                    const std::string& form,
                                                    const std::string& region,
                                                    ConflictFilter filter);

// The master record of `station` for `form`; NotFound for an unknown form
// or a station `who` does not see.
Result<analysis::MasterRecord> StationMasterRecord(MissionService& service, const LiveReports& live,
                                                   const Principal& who, const std::string& station,
                                                   const std::string& form);

struct ResolveRequest {
  std::string station;
  std::string form;
  std::string question;
  std::string instance_id;                  // choose this report's answer, or
  std::optional<boost::json::value> value;  // override (with a note)
  std::string note;
};

// Records a resolution after checking it: the station, form and question
// exist and `who` sees the station (else NotFound); exactly one of
// instance_id and value; an override has a note and a value the question
// accepts, a chosen report answered the question (else InvalidArgument);
// the reports disagree on the question now (else Conflict).
Result<core::ConflictResolution> ResolveConflict(MissionService& service, const LiveReports& live,
                                                 const Principal& who,
                                                 const ResolveRequest& request);

}  // namespace vigil::service
