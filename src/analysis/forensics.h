// Results forensics on one table of polling-station results: the methods
// implemented so far, run together with one seed. Pure: no storage, so
// `vigil forensics` runs on a file without a mission.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "analysis/digit_tests.h"
#include "analysis/integer_percentage.h"
#include "analysis/klimek.h"
#include "analysis/last_digits.h"
#include "analysis/shpilkin.h"
#include "analysis/station_flags.h"
#include "common/status.h"
#include "core/results.h"

namespace vigil::analysis {

struct ForensicsOptions {
  std::uint64_t seed = 1;
  int replicates = 1000;  // Monte Carlo and bootstrap replicates
  int threads = 0;        // 0: one per core; results do not depend on it
  // Also run the digit tests for each area at this level (an index into
  // table.area_levels), or -1 for overall only.
  int by_level = -1;
  bool integer_percentage = true;  // run the integer-percentage test
  bool digit_tests = true;         // run the digit and distribution tests
  bool last_digits = true;         // run Beber and Scacco's last-digit tests
  bool shpilkin = true;            // estimate the leader's excess votes
  bool klimek = true;              // fit Klimek et al.'s fraud model
  int klimek_simulations = 10;     // simulated elections per grid point
  bool station_flags = true;       // flag stations, within areas of the lowest level
  // Called after each step (the integer test, each area's tests)
  // with the steps done and the steps in all.
  std::function<void(int done, int total)> progress;
};

// Digit tests of one quantity ("Turnout": ballots cast / registered, or a
// contestant: votes / ballots cast) over the stations of one area.
struct DigitTestGroup {
  std::string area;      // empty: all stations
  std::string quantity;  // "Turnout" or the contestant's name
  bool turnout = false;  // the quantity is turnout, not a contestant's share
  std::vector<DigitTestResult> results;
  // Hartigan's dip test of the shares' unimodality (see dip_test.h).
  double dip = 0;
  double dip_p = 1;
  // For a contestant (NaN for turnout): see digit_tests.h.
  double sobyanin = std::numeric_limits<double>::quiet_NaN();
  double correlation = std::numeric_limits<double>::quiet_NaN();
};

// Beber and Scacco's tests on every contestant's count at the stations of
// one area.
struct LastDigitGroup {
  std::string area;  // empty: all stations
  LastDigitTests tests;
};

struct ForensicsReport {
  std::int64_t stations = 0;  // in the table
  std::string leader;         // the contestant with most votes
  std::string by_level;       // empty unless ForensicsOptions::by_level >= 0
  IntegerTestReport integer_percentage;
  std::vector<DigitTestGroup> digit_tests;
  std::vector<LastDigitGroup> last_digits;
  std::optional<ShpilkinEstimate> shpilkin;
  std::optional<KlimekFit> klimek;
  std::vector<StationFlags> station_flags;
  std::string flags_level;  // the area level outliers are judged within
};

ForensicsReport RunForensics(const core::ResultsTable& table, const ForensicsOptions& options);

// The index of area level `name` in `levels`, for ForensicsOptions::by_level;
// InvalidArgument naming the levels there are otherwise. `option` is how
// the user gave it ("--by", "by="), for the message.
Result<int> AreaLevelIndex(const std::vector<std::string>& levels, const std::string& name,
                           const std::string& option);

// The report as JSON; docs/forensics.md documents the layout. Values that
// could not be computed (no qualifying station) are null.
boost::json::object ForensicsToJson(const ForensicsReport& report);

// The names of the flags `f` carries, space-separated (e.g.
// "integer_turnout outlier_share").
std::string FlagNames(const StationFlags& f);

}  // namespace vigil::analysis
