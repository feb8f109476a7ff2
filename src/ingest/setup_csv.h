// CSV import of a mission's set-up: the location hierarchy (down to polling
// stations), the observers and PVT samples. A file is taken whole or not at all: on any
// problem nothing is returned and every problem is listed, each naming the
// file, the line where its record starts and the column, so that a mission's
// data team can fix the file in one go.
//
// Format (both files): UTF-8 (a leading byte order mark is skipped), RFC 4180
// with LF or CRLF line endings, a header row naming the columns in any order.
// Unknown columns are refused by name; spaces around unquoted values are
// dropped; blank lines are skipped.
//
// Locations: code, name, parent (required columns); registered_voters,
// urban_rural, lat, lon (optional columns). `parent` is empty at the top of the
// hierarchy, else the code of a location in the same file (before or after) or
// already in the mission. A location that no row of the file names as parent
// is a polling station; only polling stations may carry registered_voters,
// urban_rural, lat and lon (core::Location keeps them empty elsewhere).
// Codes hold no spaces and are unique within the file; whether a code already
// exists in the mission is the caller's decision (replace or refuse).
//
// Observers: code, name, phone, role, stations (required columns); team,
// language (optional columns). `phone` holds one or more numbers separated by
// spaces, each "+" (optional) and 3 to 15 digits. `role` is STO, LTO, core or
// coordinator (any case). `stations` holds codes of polling stations already in
// the mission, separated by spaces; it may be empty except for an STO.
// `language` is a BCP 47 tag such as "en" or "ru".
//
// Thread-safe: the functions keep no state; callbacks run on the caller's
// thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "core/election.h"
#include "core/pvt_sample.h"

namespace vigil::ingest {

// One problem of an imported file.
struct CsvProblem {
  std::string file;      // as given by the caller, e.g. "stations.csv"
  std::size_t line = 0;  // 1-based line where the record starts; 0 = the whole file
  std::string column;    // header name, or "-" when no single column is at fault
  std::string problem;   // what is wrong and what was expected

  // "stations.csv:12: registered_voters: expected a whole number >= 0, got 'abc'",
  // or "stations.csv: ... and 5 more" for the entry that ends a capped list.
  std::string ToString() const;
};

// At most this many problems are listed; an entry "... and N more" follows.
inline constexpr std::size_t kMaxCsvProblems = 1000;

// Returns the locations of `content` in file order, or fails with
// InvalidArgument "N problems in FILE" and the problems, in line order, in
// *problems (which may be null; it is cleared first in any case).
// `parent_exists(code)` says whether a location with that code exists in the
// mission outside this file; it is asked only about parents not in the file.
// An empty function means the mission has no locations yet.
[[nodiscard]] Result<std::vector<core::Location>> ParseLocationsCsv(
    std::string_view file_name, std::string_view content,
    const std::function<bool(std::string_view)>& parent_exists, std::vector<CsvProblem>* problems);

// Returns the observers of `content` in file order, or fails as
// ParseLocationsCsv does. `is_station(code)` says whether `code` is a polling
// station of the mission; an empty function means it has none.
[[nodiscard]] Result<std::vector<core::Observer>> ParseObserversCsv(
    std::string_view file_name, std::string_view content,
    const std::function<bool(std::string_view)>& is_station, std::vector<CsvProblem>* problems);

// Reads a PVT sample as `vigil pvt draw` writes it (report/pvt_sample.h):
// columns station, stratum, role (sample or reserve), rank,
// stratum_stations, stratum_registered and seed. Fails as
// ParseLocationsCsv does.
[[nodiscard]] Result<core::PvtSample> ParsePvtSampleCsv(std::string_view file_name,
                                                        std::string_view content,
                                                        std::vector<CsvProblem>* problems);

}  // namespace vigil::ingest
