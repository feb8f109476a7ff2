#include "analysis/forensics.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <map>

#include "analysis/dip_test.h"

namespace vigil::analysis {

namespace {

// EFToolkit's "Turnout" candidate: ballots cast out of registered voters.
std::vector<CountAndShare> TurnoutCounts(const std::vector<const core::StationResult*>& stations) {
  std::vector<CountAndShare> out;
  for (const core::StationResult* s : stations) {
    const auto cast = s->BallotsCast();
    if (!cast) continue;
    // As in EFToolkit: every count is used; a station without registered
    // voters has no share; shares above 1 count as 1.
    const double share =
        s->registered && *s->registered > 0
            ? std::min(1.0, static_cast<double>(*cast) / static_cast<double>(*s->registered))
            : std::numeric_limits<double>::quiet_NaN();
    out.push_back({*cast, share});
  }
  return out;
}

std::vector<CountAndShare> ContestantCounts(const std::vector<const core::StationResult*>& stations,
                                            std::size_t contestant) {
  std::vector<CountAndShare> out;
  for (const core::StationResult* s : stations) {
    const auto cast = s->BallotsCast();
    if (!cast || contestant >= s->votes.size()) continue;
    const double share =
        *cast > 0
            ? std::min(1.0, static_cast<double>(s->votes[contestant]) / static_cast<double>(*cast))
            : std::numeric_limits<double>::quiet_NaN();
    out.push_back({s->votes[contestant], share});
  }
  return out;
}

DigitTestGroup DigitGroup(const std::string& area, const std::string& quantity,
                          const std::vector<CountAndShare>& counts,
                          const ForensicsOptions& options) {
  DigitTestGroup g{area, quantity, false, RunDigitTests(counts, options.replicates, options.seed)};
  std::vector<double> shares;
  for (const CountAndShare& c : counts) shares.push_back(c.share);
  std::erase_if(shares, [](double v) { return !std::isfinite(v); });
  g.dip = DipStatistic(shares);
  g.dip_p = DipPValue(g.dip, shares.size(), options.replicates, options.seed, options.threads);
  return g;
}

void AddDigitGroups(const std::string& area,
                    const std::vector<const core::StationResult*>& stations,
                    const std::string& leader, int leader_index, const ForensicsOptions& options,
                    std::vector<DigitTestGroup>* out) {
  out->push_back(DigitGroup(area, "Turnout", TurnoutCounts(stations), options));
  out->back().turnout = true;
  if (leader_index >= 0) {
    DigitTestGroup g = DigitGroup(
        area, leader, ContestantCounts(stations, static_cast<std::size_t>(leader_index)), options);
    // Turnout and share unrounded and uncapped, as EFToolkit regresses them.
    std::vector<double> turnout, share;
    for (const core::StationResult* s : stations) {
      const auto cast = s->BallotsCast();
      if (!cast || *cast <= 0 || !s->registered || *s->registered <= 0) continue;
      turnout.push_back(static_cast<double>(*cast) / static_cast<double>(*s->registered));
      share.push_back(static_cast<double>(s->votes[static_cast<std::size_t>(leader_index)]) /
                      static_cast<double>(*cast));
    }
    g.sobyanin = SobyaninSukhovolsky(turnout, share);
    g.correlation = TurnoutShareCorrelation(turnout, share);
    out->push_back(std::move(g));
  }
}

std::vector<std::int64_t> AllCounts(const std::vector<const core::StationResult*>& stations) {
  std::vector<std::int64_t> out;
  for (const core::StationResult* s : stations)
    out.insert(out.end(), s->votes.begin(), s->votes.end());
  return out;
}

// The tests run per area: digit tests and last-digit tests.
void RunAreaTests(const std::string& area, const std::vector<const core::StationResult*>& stations,
                  int leader_index, const ForensicsOptions& options, ForensicsReport* report) {
  if (options.digit_tests) {
    AddDigitGroups(area, stations, report->leader, leader_index, options, &report->digit_tests);
  }
  if (options.last_digits) {
    report->last_digits.push_back({area, RunLastDigitTests(AllCounts(stations))});
  }
}

}  // namespace

ForensicsReport RunForensics(const core::ResultsTable& table, const ForensicsOptions& options) {
  // Group the stations by area first, to know how many steps there are.
  std::vector<const core::StationResult*> all;
  for (const core::StationResult& s : table.stations) all.push_back(&s);
  std::map<std::string, std::vector<const core::StationResult*>> by_area;
  const bool by = options.by_level >= 0 &&
                  static_cast<std::size_t>(options.by_level) < table.area_levels.size();
  if (by) {
    const auto level = static_cast<std::size_t>(options.by_level);
    for (const core::StationResult& s : table.stations) {
      if (level < s.areas.size()) by_area[s.areas[level]].push_back(&s);
    }
  }
  const bool area_tests = options.digit_tests || options.last_digits;
  const int steps = (options.integer_percentage ? 1 : 0) + (options.shpilkin ? 1 : 0) +
                    (options.klimek ? 1 : 0) + (options.station_flags ? 1 : 0) +
                    (area_tests ? 1 + static_cast<int>(by_area.size()) : 0);
  int done = 0;
  const auto step = [&] {
    if (options.progress) options.progress(++done, steps);
  };

  ForensicsReport report;
  report.stations = static_cast<std::int64_t>(table.stations.size());
  const int leader = table.Leader();
  if (leader >= 0) report.leader = table.contestants[static_cast<std::size_t>(leader)];

  if (options.integer_percentage) {
    report.integer_percentage = RunIntegerTest(
        IntegerTestStations(table, leader),
        {.replicates = options.replicates, .seed = options.seed, .threads = options.threads});
    step();
  }
  if (options.shpilkin) {
    report.shpilkin = EstimateShpilkin(table, leader);
    step();
  }
  if (options.klimek) {
    report.klimek =
        FitKlimekModel(KlimekStations(table, leader), {.seed = options.seed,
                                                       .simulations = options.klimek_simulations,
                                                       .threads = options.threads});
    step();
  }
  if (options.station_flags) {
    const int lowest = static_cast<int>(table.area_levels.size()) - 1;
    if (lowest >= 0) report.flags_level = table.area_levels[static_cast<std::size_t>(lowest)];
    report.station_flags = FlagStations(table, leader, lowest);
    step();
  }
  if (by) report.by_level = table.area_levels[static_cast<std::size_t>(options.by_level)];
  if (!area_tests) return report;
  RunAreaTests("", all, leader, options, &report);
  step();
  for (const auto& [area, stations] : by_area) {
    RunAreaTests(area, stations, leader, options, &report);
    step();
  }
  return report;
}

Result<int> AreaLevelIndex(const std::vector<std::string>& levels, const std::string& name,
                           const std::string& option) {
  const auto it = std::find(levels.begin(), levels.end(), name);
  if (it != levels.end()) return static_cast<int>(it - levels.begin());
  std::string known;
  for (const std::string& l : levels) known += (known.empty() ? "" : ", ") + l;
  return Fail(Status::InvalidArgument(option + name + ": the results have no such area level (" +
                                      (known.empty() ? "they have none" : "they have: " + known) +
                                      ")"));
}

namespace {

boost::json::value Number(double v) {
  if (std::isnan(v)) return nullptr;
  return v;
}

}  // namespace

boost::json::object ForensicsToJson(const ForensicsReport& report) {
  namespace json = boost::json;
  json::array integer_results;
  for (const IntegerTestResult& r : report.integer_percentage.results) {
    integer_results.push_back(json::object{{"criterion", CriterionName(r.criterion)},
                                           {"weight", WeightName(r.weight)},
                                           {"observed", r.observed},
                                           {"null_mean", r.null_mean},
                                           {"null_sd", r.null_sd},
                                           {"null_p999", r.null_p999},
                                           {"excess", r.excess}});
  }
  json::array digit_groups;
  for (const DigitTestGroup& g : report.digit_tests) {
    json::array results;
    for (const DigitTestResult& r : g.results) {
      results.push_back(json::object{{"statistic", r.statistic},
                                     {"expected", r.expected},
                                     {"value", Number(r.value)},
                                     {"n", r.n},
                                     {"ci_low", Number(r.ci_low)},
                                     {"ci_high", Number(r.ci_high)},
                                     {"flagged", r.flagged}});
    }
    json::object group{{"quantity", g.quantity},
                       {"results", std::move(results)},
                       {"dip", g.dip},
                       {"dip_p", g.dip_p}};
    if (!g.turnout) {
      group["sobyanin"] = Number(g.sobyanin);
      group["correlation"] = Number(g.correlation);
    }
    if (!g.area.empty()) group["area"] = g.area;
    digit_groups.push_back(std::move(group));
  }
  const IntegerTestReport& integer = report.integer_percentage;
  json::object out{{"stations", report.stations}, {"leader", report.leader}};
  if (!integer.results.empty()) {
    const auto profile = [](const IntegerProfile& p) {
      return json::object{{"observed", json::array(p.observed.begin(), p.observed.end())},
                          {"null_mean", json::array(p.null_mean.begin(), p.null_mean.end())},
                          {"null_sd", json::array(p.null_sd.begin(), p.null_sd.end())}};
    };
    out["integer_percentage"] = json::object{
        {"replicates", integer.replicates},
        {"seed", integer.seed},
        {"stations_used", integer.stations_used},
        {"results", std::move(integer_results)},
        {"profile",
         json::object{{"turnout", profile(integer.turnout)}, {"leader", profile(integer.leader)}}}};
  }
  if (!digit_groups.empty()) out["digit_tests"] = std::move(digit_groups);
  json::array last_digits;
  for (const LastDigitGroup& g : report.last_digits) {
    const LastDigitTests& t = g.tests;
    json::object group{
        {"n", t.n},
        {"digit_counts", json::array(std::begin(t.digit_counts), std::end(t.digit_counts))},
        {"chi_square", t.chi_square},
        {"uniform_p", t.uniform_p},
        {"repeated_share", t.repeated_share},
        {"repeated_p", t.repeated_p},
        {"adjacent_share", t.adjacent_share},
        {"adjacent_p", t.adjacent_p}};
    if (!g.area.empty()) group["area"] = g.area;
    last_digits.push_back(std::move(group));
  }
  if (!last_digits.empty()) out["last_digits"] = std::move(last_digits);
  if (report.shpilkin) {
    const ShpilkinEstimate& e = *report.shpilkin;
    json::array bins;
    for (const ShpilkinBin& b : e.bins) {
      bins.push_back(json::object{{"turnout_percent", b.turnout_percent},
                                  {"stations", b.stations},
                                  {"registered", b.registered},
                                  {"leader", b.leader},
                                  {"others", b.others}});
    }
    json::object shpilkin{{"stations_used", e.stations_used},
                          {"leader_votes", e.leader_votes},
                          {"bins", std::move(bins)}};
    if (e.clean_turnout_percent >= 0) {
      shpilkin["clean_turnout_percent"] = e.clean_turnout_percent;
      shpilkin["clean_ratio"] = e.clean_ratio;
      shpilkin["expected_leader_votes"] = e.expected_leader_votes;
      shpilkin["excess_votes"] = e.excess_votes;
    }
    out["shpilkin"] = std::move(shpilkin);
  }
  if (report.klimek) {
    const KlimekFit& k = *report.klimek;
    const KlimekParameters& p = k.parameters;
    json::object klimek{
        {"stations_used", k.stations_used}, {"simulations", k.simulations}, {"seed", k.seed}};
    if (k.fitted) {
      klimek["fair"] = json::object{{"turnout", p.fair.turnout},
                                    {"turnout_sd", p.fair.turnout_sd},
                                    {"share", p.fair.share},
                                    {"share_sd", p.fair.share_sd}};
      klimek["incremental"] = p.incremental;
      klimek["extreme"] = p.extreme;
      klimek["alpha"] = Number(p.alpha);
      klimek["theta"] = Number(p.theta);
      klimek["distance"] = k.distance;
      klimek["fair_distance"] = k.fair_distance;
    }
    out["klimek"] = std::move(klimek);
  }
  if (!report.station_flags.empty() || !report.flags_level.empty()) {
    std::int64_t counts[6] = {};
    for (const StationFlags& f : report.station_flags) {
      const bool set[6] = {f.integer_turnout, f.integer_share,   f.extreme_turnout,
                           f.extreme_share,   f.outlier_turnout, f.outlier_share};
      for (int i = 0; i < 6; ++i) counts[i] += set[i] ? 1 : 0;
    }
    out["station_flags"] = json::object{
        {"within", report.flags_level}, {"stations_flagged", report.station_flags.size()},
        {"integer_turnout", counts[0]}, {"integer_share", counts[1]},
        {"extreme_turnout", counts[2]}, {"extreme_share", counts[3]},
        {"outlier_turnout", counts[4]}, {"outlier_share", counts[5]}};
  }
  if (!report.by_level.empty()) out["by"] = report.by_level;
  return out;
}

std::string FlagNames(const StationFlags& f) {
  std::string names;
  const auto add = [&](bool set, const char* name) {
    if (!set) return;
    if (!names.empty()) names += ' ';
    names += name;
  };
  add(f.integer_turnout, "integer_turnout");
  add(f.integer_share, "integer_share");
  add(f.extreme_turnout, "extreme_turnout");
  add(f.extreme_share, "extreme_share");
  add(f.outlier_turnout, "outlier_turnout");
  add(f.outlier_share, "outlier_share");
  return names;
}

}  // namespace vigil::analysis
