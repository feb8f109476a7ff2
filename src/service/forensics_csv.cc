#include "service/forensics_csv.h"

#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>

#include "report/csv.h"

namespace vigil::service {

namespace {

struct Row {
  std::string method, area, quantity, statistic;
  double value = std::nan("");
  std::optional<double> expected, ci_low, ci_high, p, null_mean, null_sd, null_p999;
  std::optional<std::int64_t> n;
  std::optional<bool> flagged;
};

std::string Number(double v) {
  if (std::isnan(v)) return "";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", v);
  return buffer;
}

}  // namespace

std::string ForensicsResultsCsv(const analysis::ForensicsReport& r) {
  std::vector<Row> rows;
  for (const auto& x : r.integer_percentage.results) {
    rows.push_back({.method = "integer_percentage",
                    .quantity = analysis::CriterionName(x.criterion),
                    .statistic = std::string("count_by_") + analysis::WeightName(x.weight),
                    .value = x.observed,
                    .null_mean = x.null_mean,
                    .null_sd = x.null_sd,
                    .null_p999 = x.null_p999,
                    .n = r.integer_percentage.stations_used,
                    .flagged = x.observed > x.null_p999});
  }
  for (const auto& g : r.digit_tests) {
    for (const auto& t : g.results) {
      rows.push_back({.method = "digits",
                      .area = g.area,
                      .quantity = g.quantity,
                      .statistic = t.statistic,
                      .value = t.value,
                      .expected = t.expected,
                      .ci_low = t.ci_low,
                      .ci_high = t.ci_high,
                      .n = t.n,
                      .flagged = t.flagged});
    }
    rows.push_back({.method = "digits",
                    .area = g.area,
                    .quantity = g.quantity,
                    .statistic = "dip",
                    .value = g.dip,
                    .p = g.dip_p,
                    .flagged = g.dip_p < 0.05});
    if (!g.turnout) {
      rows.push_back({.method = "digits",
                      .area = g.area,
                      .quantity = g.quantity,
                      .statistic = "sobyanin_sukhovolsky",
                      .value = g.sobyanin});
      rows.push_back({.method = "digits",
                      .area = g.area,
                      .quantity = g.quantity,
                      .statistic = "correlation",
                      .value = g.correlation});
    }
  }
  for (const auto& g : r.last_digits) {
    const auto& t = g.tests;
    rows.push_back({.method = "last_digits",
                    .area = g.area,
                    .statistic = "chi_square_uniform",
                    .value = t.chi_square,
                    .p = t.uniform_p,
                    .n = t.n});
    rows.push_back({.method = "last_digits",
                    .area = g.area,
                    .statistic = "repeated_share",
                    .value = t.repeated_share,
                    .expected = 0.10,
                    .p = t.repeated_p,
                    .n = t.n});
    rows.push_back({.method = "last_digits",
                    .area = g.area,
                    .statistic = "adjacent_share",
                    .value = t.adjacent_share,
                    .expected = 0.18,
                    .p = t.adjacent_p,
                    .n = t.n});
  }
  if (r.shpilkin && r.shpilkin->clean_turnout_percent >= 0) {
    const auto& e = *r.shpilkin;
    rows.push_back({.method = "shpilkin",
                    .quantity = r.leader,
                    .statistic = "excess_votes",
                    .value = e.excess_votes,
                    .n = e.stations_used});
    rows.push_back({.method = "shpilkin",
                    .quantity = r.leader,
                    .statistic = "clean_turnout",
                    .value = e.clean_turnout_percent / 100.0,
                    .n = e.stations_used});
  }
  if (r.klimek && r.klimek->fitted) {
    const auto& k = *r.klimek;
    const auto& p = k.parameters;
    const std::pair<const char*, double> values[] = {{"incremental", p.incremental},
                                                     {"extreme", p.extreme},
                                                     {"alpha", p.alpha},
                                                     {"theta", p.theta},
                                                     {"fair_turnout", p.fair.turnout},
                                                     {"fair_turnout_sd", p.fair.turnout_sd},
                                                     {"fair_share", p.fair.share},
                                                     {"fair_share_sd", p.fair.share_sd},
                                                     {"distance", k.distance},
                                                     {"fair_distance", k.fair_distance}};
    for (const auto& [name, value] : values) {
      rows.push_back({.method = "klimek",
                      .quantity = r.leader,
                      .statistic = name,
                      .value = value,
                      .n = k.stations_used});
    }
  }

  std::ostringstream out;
  out << "method,area,quantity,statistic,value,expected,ci_low,ci_high,p,null_mean,null_sd,"
         "null_p999,n,flagged\r\n";
  const auto optional = [&](const std::optional<double>& v) {
    out << ',' << (v ? Number(*v) : "");
  };
  for (const Row& row : rows) {
    report::WriteCsvField(out, row.method);
    out << ',';
    report::WriteCsvField(out, row.area);
    out << ',';
    report::WriteCsvField(out, row.quantity);
    out << ',';
    report::WriteCsvField(out, row.statistic);
    out << ',' << Number(row.value);
    for (const auto* v : {&row.expected, &row.ci_low, &row.ci_high, &row.p, &row.null_mean,
                          &row.null_sd, &row.null_p999}) {
      optional(*v);
    }
    out << ',' << (row.n ? std::to_string(*row.n) : "") << ','
        << (row.flagged ? (*row.flagged ? "true" : "false") : "") << "\r\n";
  }
  return out.str();
}

}  // namespace vigil::service
