#include "service/pvt.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <unordered_set>

namespace vigil::service {

namespace json = boost::json;

analysis::OfficialShares OfficialSharesOf(const core::ResultsTable& official,
                                          const std::vector<std::string>& contestants) {
  analysis::OfficialShares out;
  std::vector<double> votes(official.contestants.size(), 0);
  double valid = 0, cast = 0, registered = 0, invalid = 0, cast_with_invalid = 0;
  for (const core::StationResult& s : official.stations) {
    for (std::size_t c = 0; c < s.votes.size() && c < votes.size(); ++c) {
      votes[c] += static_cast<double>(s.votes[c]);
      valid += static_cast<double>(s.votes[c]);
    }
    const auto ballots = s.BallotsCast();
    if (ballots && s.registered) {
      cast += static_cast<double>(*ballots);
      registered += static_cast<double>(*s.registered);
    }
    if (ballots && s.invalid) {
      invalid += static_cast<double>(*s.invalid);
      cast_with_invalid += static_cast<double>(*ballots);
    }
  }
  for (const std::string& name : contestants) {
    const auto it = std::find(official.contestants.begin(), official.contestants.end(), name);
    out.contestants.push_back(
        it == official.contestants.end() || valid <= 0
            ? std::nan("")
            : votes[static_cast<std::size_t>(it - official.contestants.begin())] / valid);
  }
  if (registered > 0) out.turnout = cast / registered;
  if (cast_with_invalid > 0) out.invalid = invalid / cast_with_invalid;
  return out;
}

std::vector<analysis::PvtReport> PvtReportsOf(const core::ResultsTable& table) {
  std::vector<analysis::PvtReport> reports;
  reports.reserve(table.stations.size());
  for (const core::StationResult& s : table.stations) {
    reports.push_back({s.code, s.registered, s.BallotsCast(), s.invalid, s.votes});
  }
  return reports;
}

Result<MissionPvt> EstimateMissionPvt(storage::Store& store, const ObserverCopies& copies,
                                      const std::string& official_set) {
  auto sample = store.GetPvtSample();
  if (!sample) return Fail(sample.error());
  if (!*sample) {
    return Fail(Status::NotFound(
        "the mission keeps no PVT sample; draw one with `vigil pvt draw --data DIR --save`"));
  }
  MissionPvt out{
      .as_of = copies.read_at, .sample = std::move(**sample), .official_set = official_set};
  analysis::OfficialShares official;
  if (!official_set.empty()) {
    auto table = store.GetResultSet(official_set);
    if (!table) return Fail(table.error());
    official = OfficialSharesOf(*table, copies.table.contestants);
  }
  out.estimate = analysis::EstimatePvt(out.sample, copies.table.contestants,
                                       PvtReportsOf(copies.table), official);
  std::unordered_set<std::string> drawn;
  for (const core::DrawnStation& d : out.sample.stations) drawn.insert(d.code);
  for (const std::string& code : copies.disagreeing) {
    if (drawn.contains(code)) out.disagreeing.push_back(code);
  }
  return out;
}

namespace {

json::value Number(double v) {
  if (std::isnan(v)) return nullptr;
  return v;
}

json::array EstimatesJson(const std::vector<analysis::RatioEstimate>& estimates) {
  json::array out;
  for (const auto& e : estimates) {
    json::object o{{"quantity", e.quantity},
                   {"estimate", Number(e.estimate)},
                   {"margin95", Number(e.margin95)},
                   {"margin99", Number(e.margin99)},
                   {"n", e.n}};
    if (e.official && !std::isnan(*e.official)) {
      o["official"] = *e.official;
      const bool known = !std::isnan(e.margin95);  // else: not yet known
      o["official_inside95"] = known ? json::value(e.official_inside95) : json::value(nullptr);
      o["official_inside99"] = known ? json::value(e.official_inside99) : json::value(nullptr);
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

json::object PvtEstimateJson(const analysis::PvtEstimate& e, std::uint64_t seed) {
  json::array strata;
  for (const auto& s : e.strata) {
    strata.push_back(json::object{{"stratum", s.stratum},
                                  {"sampled", s.sampled},
                                  {"reported", s.reported},
                                  {"reserves_used", s.reserves_used},
                                  {"estimates", EstimatesJson(s.estimates)}});
  }
  return json::object{{"seed", seed},
                      {"sampled", e.sampled},
                      {"reported", e.reported},
                      {"reserves_used", e.reserves_used},
                      {"reporting_rate", e.reporting_rate},
                      {"estimates", EstimatesJson(e.combined)},
                      {"strata", std::move(strata)}};
}

json::object MissionPvtJson(const MissionPvt& pvt) {
  json::object body = PvtEstimateJson(pvt.estimate, pvt.sample.seed);
  body["as_of"] = FormatRfc3339(pvt.as_of);
  body["official"] =
      pvt.official_set.empty() ? json::value(nullptr) : json::value(pvt.official_set);
  body["copies_disagree"] = json::value_from(pvt.disagreeing);
  return body;
}

}  // namespace vigil::service
