// An analyst's resolution of a conflict between observers: which answer to
// one question of one station's form goes into the station's master record
// (analysis/conflicts.h). Resolutions are kept with their history: a later
// one replaces an earlier one, which stays stored.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "common/time.h"

namespace vigil::core {

struct ConflictResolution {
  std::int64_t id = 0;  // assigned by the store; later ids replace earlier ones
  std::string station_code;
  std::string form_code;
  std::string question;
  std::string instance_id;                  // the chosen report, or empty for an override
  std::optional<boost::json::value> value;  // the override, when instance_id is empty
  std::string note;
  std::string actor;      // set by the store from the writer
  Timestamp resolved_at;  // set by the store
};

}  // namespace vigil::core
