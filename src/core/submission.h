// A submission is one filled-in form: what an observer saw at one polling
// station. Submissions are immutable; an edit is a new version that names the
// version it replaces, so the history of every report is kept.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"

namespace vigil::core {

struct Submission {
  std::string instance_id;    // globally unique, client-chosen: "uuid:..."
  std::string form_code;      // "V"
  std::string form_version;   // the version the answers were given against
  std::string station_code;   // a polling station
  std::string observer_code;  // who observed
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> submitted_at;
  std::string replaces;         // instance_id of the version this edits, or empty
  boost::json::object answers;  // question code -> answer
};

// One problem with one field of a submission ("answers.V7", "station").
struct FieldError {
  std::string field;
  std::string problem;
};

// Reads the JSON object of the submission API. Only the shape is checked here
// (required fields present, types, instance_id format, times); the answers
// are checked against the form by ValidateSubmission. Unknown top-level
// fields are errors, so that a typo is never silently dropped.
Result<Submission> SubmissionFromJson(const boost::json::value& json,
                                      std::vector<FieldError>* errors);
// The same, taking the answers out of `json` rather than copying them (a
// scan of a million stored submissions pays for each copy).
Result<Submission> SubmissionFromJson(boost::json::value&& json, std::vector<FieldError>* errors);

// The canonical encoding: fixed key order, answers sorted by code, times as
// UTC with microseconds. A client's retry (the same submission, however its
// JSON was re-serialised) has the same encoding, which is what retry
// detection uses. Values are kept as sent: 5 and 5.0, or ["a","b"] and
// ["b","a"], encode differently and count as different content.
std::string CanonicalJson(const Submission& submission);

}  // namespace vigil::core
