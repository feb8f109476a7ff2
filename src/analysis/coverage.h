// Coverage: how many polling stations have reported, overall and per region
// of any level of the location hierarchy. Pure: works on a mission snapshot
// and report counts, no database.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/observations.h"
#include "common/time.h"
#include "core/mission.h"

namespace vigil::analysis {

struct AreaCoverage {
  std::string code;  // location code of the area
  std::string name;
  std::int64_t stations = 0;  // polling stations in the area
  std::int64_t planned = 0;   // of which with an observer assigned
  std::int64_t reported = 0;  // of which with at least one current report
};

struct Coverage {
  std::int64_t stations = 0;
  std::int64_t planned = 0;
  std::int64_t reported = 0;
  std::int64_t reports = 0;         // current (not superseded) reports in all
  std::vector<AreaCoverage> areas;  // the locations at `depth`, in set-up order
};

// A station that has an observer assigned and no current report of a form.
struct MissingReport {
  std::string station_code;
  std::string station_name;
  std::vector<std::string> observers;  // assigned, in set-up order
};

// What coverage needs of a set-up snapshot, as indices: the hierarchy
// (Geography), which stations are planned and who is assigned to each.
// Built once per snapshot (service::LiveReports keeps one and rebuilds it
// only when the set-up changes), so that a breakdown never looks a code up.
class StationIndex {
 public:
  explicit StationIndex(std::shared_ptr<const core::MissionIndex> mission);

  const Geography& geography() const { return geography_; }
  const core::MissionIndex& mission() const { return geography_.mission(); }
  // Polling stations (Geography indices) in set-up order.
  std::span<const std::int32_t> stations() const { return stations_; }
  bool planned(std::int32_t location) const {
    return observers_begin_[static_cast<std::size_t>(location)] !=
           observers_begin_[static_cast<std::size_t>(location) + 1];
  }
  // Indices into mission().observers() assigned to a location, in set-up order.
  std::span<const std::int32_t> observers(std::int32_t location) const {
    const auto u = static_cast<std::size_t>(location);
    return std::span<const std::int32_t>(assigned_).subspan(
        observers_begin_[u], observers_begin_[u + 1] - observers_begin_[u]);
  }

 private:
  Geography geography_;
  std::vector<std::int32_t> stations_;
  std::vector<std::size_t> observers_begin_;  // location -> first in assigned_; one past the end
  std::vector<std::int32_t> assigned_;
};

// Current reports per location, by Geography index (a shorter span counts
// the rest as 0), as service::LiveReports keeps them for each form.
using StationCounts = std::span<const std::int32_t>;

// Coverage at `depth` (as below) from counts kept by index: one pass over
// the stations, no code looked up.
Coverage ComputeCoverage(const StationIndex& index, StationCounts counts, int depth,
                         std::span<const std::string> within = {});

// MissingReports (below) from counts kept by index.
std::vector<MissingReport> MissingReports(const StationIndex& index, StationCounts counts,
                                          std::span<const std::string> within = {});

// `reports_by_station`: station code -> number of current reports. Stations
// not in the mission are ignored. `depth` 0 is the top level of the
// hierarchy (e.g. regions below a country are depth 1 if the country is a
// location). With `within` non-empty only the stations within those areas
// count, and only areas holding some of them are listed (a coordinator's
// view).
Coverage ComputeCoverage(
    const core::MissionIndex& mission,
    const std::vector<std::pair<std::string, std::int64_t>>& reports_by_station, int depth,
    std::span<const std::string> within = {});

// One current (not superseded) report, as live coverage keeps it.
struct ReportRef {
  std::string instance_id;
  std::string form_code;
  std::string station_code;
  std::string observer_code;
  Timestamp received_at;  // the server's clock: phones' clocks are not trusted for order
};

// The stations (in set-up order) with at least one assigned observer and no
// current report of a form (`reports_by_station`: station -> that form's
// current reports), limited to `within` when it is not empty.
std::vector<MissingReport> MissingReports(const core::MissionIndex& mission,
                                          const core::StringMap<std::int64_t>& reports_by_station,
                                          std::span<const std::string> within = {});

// What an observer has sent. "Checked in" means any current report at all:
// the opening form is the first an observer sends on the day, and one who
// sends any later form has evidently arrived, so there is no separate
// check-in message to wait for.
struct ObserverActivity {
  std::string code;
  std::string name;
  std::int64_t reports = 0;       // current reports of every form
  std::int64_t form_reports = 0;  // of which of the form asked about
  std::optional<Timestamp> last_report;
  bool checked_in() const { return reports > 0; }
};

// Every observer (in set-up order) with at least one assigned station
// within `within` (every observer when it is empty), with what it has sent
// of every form (`reports`) and of `form`.
std::vector<ObserverActivity> ComputeObserverActivity(const core::MissionIndex& mission,
                                                      std::span<const ReportRef> reports,
                                                      std::string_view form,
                                                      std::span<const std::string> within = {});

struct TimeBucket {
  Timestamp start;
  std::int64_t reports = 0;     // received in [start, start + width)
  std::int64_t cumulative = 0;  // received before start + width
};

// Reports of `form` received over time: buckets of `width` aligned to the
// Unix epoch (so 15 minutes gives :00, :15, :30, :45), from the first
// report's bucket to the last one's, empty buckets included. Only reports at
// stations within `within` count when it is not empty. InvalidArgument if width is
// not positive or the span would need more than `max_buckets` buckets.
Result<std::vector<TimeBucket>> ReportsOverTime(const core::MissionIndex& mission,
                                                std::span<const ReportRef> reports,
                                                std::string_view form, std::chrono::minutes width,
                                                std::span<const std::string> within = {},
                                                std::size_t max_buckets = 10000);

}  // namespace vigil::analysis
