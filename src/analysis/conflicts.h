// Conflicts between observers and the master record of a station. Two or
// more observers' current reports of one form at one station that give
// different answers to a question are a conflict; an analyst resolves it by
// choosing one report's answer or by giving a value of their own. The master
// record is a station's agreed answers per form, with resolutions applied.
// Pure: works on submissions and resolutions given, no database.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/time.h"
#include "core/conflict.h"
#include "core/submission.h"

namespace vigil::analysis {

using core::ConflictResolution;

// One report's answer to a question.
struct GivenAnswer {
  std::string instance_id;
  std::string observer_code;
  boost::json::value value;
};

struct QuestionConflict {
  std::string question;
  std::vector<GivenAnswer> answers;  // every report that answered, in the order given
  // The resolution that holds, if any (see DetectConflicts).
  std::optional<ConflictResolution> resolution;
};

// The reports that count among `versions` (one station, one form, in
// commit order): a version that another names in `replaces` is dropped, and
// of one observer's remaining reports only the last counts (an observer does
// not disagree with itself).
std::vector<const core::Submission*> CountedReports(std::span<const core::Submission> versions);

// Two answers are the same if they are equal JSON, numbers compared by
// value (5 and 5.0) and arrays as sets of values (a multiple choice's order
// says nothing).
bool SameAnswer(const boost::json::value& a, const boost::json::value& b);

// The questions, by code, on which the counted reports disagree. A report
// that did not answer a question takes no side on it. `resolutions` (any
// order, any station) are matched by station, form and question; the
// latest (highest id) for a question holds unless it chose a report that is
// no longer counted or that no longer answers the question, in which case
// the conflict is open again.
std::vector<QuestionConflict> DetectConflicts(std::span<const core::Submission> versions,
                                              std::span<const ConflictResolution> resolutions);

enum class MasterSource {
  kAgreed,    // every report that answered gave this answer (one or more)
  kChosen,    // a conflict resolved by choosing one report's answer
  kOverride,  // a conflict resolved with the analyst's own value
  kConflict,  // an open conflict: no value yet
};
std::string_view MasterSourceName(MasterSource source);  // "agreed", "chosen", ...

struct MasterAnswer {
  std::string question;
  boost::json::value value;  // null for an open conflict
  MasterSource source = MasterSource::kAgreed;
  std::vector<std::string> from;  // the reports that gave the value
  std::optional<ConflictResolution> resolution;
};

struct MasterRecord {
  std::vector<std::string> reports;   // the counted reports' instance ids
  std::vector<MasterAnswer> answers;  // by question code
};

// The master record of one station and form from its reports' versions
// and the resolutions (as DetectConflicts reads them).
MasterRecord BuildMasterRecord(std::span<const core::Submission> versions,
                               std::span<const ConflictResolution> resolutions);

}  // namespace vigil::analysis
