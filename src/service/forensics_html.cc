#include "service/forensics_html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report/svg.h"

namespace vigil::service {

namespace {

using report::HtmlEscape;

std::string Fixed(double v, int decimals) {
  if (std::isnan(v)) return "–";
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}

std::string General(double v) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.3g", v);
  return buffer;
}

std::string Section(const std::string& id, const std::string& title, const std::string& explanation,
                    const std::string& citation, const std::string& body) {
  return "<section id=\"" + id + "\"><h2>" + HtmlEscape(title) + "</h2><p>" + explanation +
         "</p><p class=\"cite\">" + citation + "</p>" + body + "</section>\n";
}

// Station turnout (issued / registered) and leader's share (leader / cast),
// for the histograms and the fingerprint.
struct Point {
  double turnout, share;
};

std::vector<Point> Points(const core::ResultsTable& table) {
  std::vector<Point> out;
  const int leader = table.Leader();
  if (leader < 0) return out;
  for (const core::StationResult& s : table.stations) {
    const auto cast = s.BallotsCast();
    if (!s.registered || *s.registered <= 0 || !s.issued || !cast || *cast <= 0) continue;
    out.push_back({static_cast<double>(*s.issued) / static_cast<double>(*s.registered),
                   static_cast<double>(s.votes[static_cast<std::size_t>(leader)]) /
                       static_cast<double>(*cast)});
  }
  return out;
}

// Counts in `bins` equal bins of [0, 1]; values of 1 and above in the last.
std::vector<double> Histogram(const std::vector<Point>& points, bool turnout, int bins) {
  std::vector<double> counts(static_cast<std::size_t>(bins), 0);
  for (const Point& p : points) {
    const double v = turnout ? p.turnout : p.share;
    const int b = std::clamp(static_cast<int>(std::floor(v * bins)), 0, bins - 1);
    counts[static_cast<std::size_t>(b)] += 1;
  }
  return counts;
}

std::string Distributions(const std::vector<Point>& points, const std::string& leader) {
  report::Axes turnout{.x_min = 0, .x_max = 100, .x_label = "turnout, %", .y_label = "stations"};
  report::Axes share{
      .x_min = 0, .x_max = 100, .x_label = leader + ", % of ballots cast", .y_label = "stations"};
  const std::string body = report::SvgHistogram(Histogram(points, true, 1000), turnout) +
                           report::SvgHistogram(Histogram(points, false, 1000), share, "#c05621");
  return Section("distributions", "Turnout and the leader's share",
                 "Stations by turnout and by the leader's share, in bins of 0.1%. Honest results "
                 "give smooth, roughly bell-shaped curves; spikes at round percentages and a long "
                 "tail towards 100% are what written-to-order results leave.",
                 "Kobak, Shpilkin and Pshenichnikov (2016); Klimek et al. (2012).", body);
}

// Stations by turnout and share in 1% cells, darker for more (log scale).
std::string FingerprintSvg(const std::vector<Point>& points, const std::string& share_label,
                           int width, int height) {
  constexpr int kBins = 100;
  std::vector<std::vector<double>> cells(kBins, std::vector<double>(kBins, 0));
  for (const Point& p : points) {
    const int x = std::clamp(static_cast<int>(std::floor(p.turnout * kBins)), 0, kBins - 1);
    const int y = std::clamp(static_cast<int>(std::floor(p.share * kBins)), 0, kBins - 1);
    cells[static_cast<std::size_t>(y)][static_cast<std::size_t>(x)] += 1;
  }
  report::Axes axes{.x_min = 0,
                    .x_max = 100,
                    .x_label = "turnout, %",
                    .y_label = share_label,
                    .width = width,
                    .height = height};
  return report::SvgHeatmap(cells, axes, 0, 100);
}

std::string Fingerprint(const std::vector<Point>& points, const std::string& leader) {
  return Section("fingerprint", "Election fingerprint",
                 "Stations by turnout and the leader's share together (1% cells, darker for more "
                 "stations, log scale). A fair election forms one compact cloud; a smear towards "
                 "the top right corner (high turnout and high share together) is the pattern of "
                 "ballot stuffing, and a separate cluster near 100%/100% of extreme fraud.",
                 "Klimek, Yegorov, Hanel and Thurner, PNAS 109(41), 2012.",
                 FingerprintSvg(points, leader + ", %", 520, 480));
}

std::vector<Point> KlimekPoints(const std::vector<analysis::KlimekStation>& stations) {
  std::vector<Point> out;
  for (const auto& s : stations) {
    if (!analysis::IncludedInKlimekModel(s)) continue;
    out.push_back({static_cast<double>(s.votes) / static_cast<double>(s.registered),
                   static_cast<double>(s.leader) / static_cast<double>(s.votes)});
  }
  return out;
}

// The fitted parameters, and the fingerprint of the data beside that of one
// election simulated with them.
std::string Klimek(const analysis::KlimekFit& k, const core::ResultsTable& table,
                   const std::string& leader) {
  const analysis::KlimekParameters& p = k.parameters;
  const std::vector<analysis::KlimekStation> observed =
      analysis::KlimekStations(table, table.Leader());
  std::vector<std::int64_t> electorates;
  for (const auto& s : observed) {
    if (analysis::IncludedInKlimekModel(s)) electorates.push_back(s.registered);
  }
  analysis::KlimekParameters drawn = p;  // undetermined alpha or theta are not used
  if (std::isnan(drawn.alpha)) drawn.alpha = 1;
  if (std::isnan(drawn.theta)) drawn.theta = 0.1;
  const std::string body =
      "<table><tr><th>incremental fraud f<sub>i</sub></th><th>extreme fraud f<sub>e</sub></th>"
      "<th>α</th><th>θ</th><th>fair turnout (SD)</th><th>fair share (SD)</th><th>distance "
      "(fair model)</th></tr><tr><td>" +
      Fixed(p.incremental, 3) + "</td><td>" + Fixed(p.extreme, 3) + "</td><td>" +
      Fixed(p.alpha, 2) + "</td><td>" + Fixed(p.theta, 3) + "</td><td>" + Fixed(p.fair.turnout, 3) +
      " (" + Fixed(p.fair.turnout_sd, 3) + ")</td><td>" + Fixed(p.fair.share, 3) + " (" +
      Fixed(p.fair.share_sd, 3) + ")</td><td>" + General(k.distance) + " (" +
      General(k.fair_distance) + ")</td></tr></table><p>" + std::to_string(k.stations_used) +
      " stations of 100 voters or more, " + std::to_string(k.simulations) +
      " simulated elections per grid point, seed " + std::to_string(k.seed) +
      ". Turnout here is valid votes / registered. Left: the data; right: one election "
      "simulated with the fitted parameters.</p><div style=\"display:flex;gap:1em\">" +
      FingerprintSvg(KlimekPoints(observed), leader + ", %", 360, 340) +
      FingerprintSvg(KlimekPoints(analysis::SimulateKlimek(electorates, drawn, k.seed)),
                     "simulated, %", 360, 340) +
      "</div>";
  return Section(
      "klimek", "Fraud model",
      "A model of a fair election (normal turnout and share, centred where the data peak) plus "
      "a share f<sub>i</sub> of stations where some non-voters are added for the winner and some "
      "of the others' votes moved to it, and a share f<sub>e</sub> where almost everyone is "
      "made to have voted for the winner, fitted to the fingerprint by grid search over "
      "repeated simulations. It reads any force that lifts turnout and the leader's share "
      "together, such as a region that is both keen and loyal, as fraud, and fraud smaller "
      "than the fair spread as part of it.",
      "Klimek, Yegorov, Hanel and Thurner, \"Statistical detection of systematic election "
      "irregularities\", PNAS 109(41), 2012.",
      body);
}

std::string IntegerTest(const analysis::IntegerTestReport& r) {
  std::string rows;
  for (const auto& x : r.results) {
    const bool beyond = x.observed > x.null_p999;
    rows += std::string("<tr") + (beyond ? " class=\"flag\"" : "") + "><td>" +
            analysis::CriterionName(x.criterion) + "</td><td>" + analysis::WeightName(x.weight) +
            "</td><td>" + Fixed(x.observed, 0) + "</td><td>" + Fixed(x.null_mean, 1) + "</td><td>" +
            Fixed(x.null_sd, 1) + "</td><td>" + Fixed(x.null_p999, 0) + "</td><td>" +
            Fixed(x.excess, 1) + "</td></tr>";
  }
  // The stations at each integer percentage against the null: its mean and
  // the top of its 99.9% band (mean + 3.29 SD, normal approximation).
  const auto chart = [](const analysis::IntegerProfile& p, const std::string& quantity) {
    std::vector<double> observed(p.observed.begin(), p.observed.end());
    std::vector<double> mean(p.null_mean.begin(), p.null_mean.end());
    std::vector<double> top;
    for (std::size_t k = 0; k < mean.size(); ++k) top.push_back(mean[k] + 3.29 * p.null_sd[k]);
    report::Axes axes{.x_min = 0,
                      .x_max = 100,
                      .x_label = quantity + " at an integer percentage, %",
                      .y_label = "stations"};
    return report::SvgLines({{"observed", "#c53030", observed},
                             {"null mean", "#2b6cb0", mean},
                             {"null 99.9% band top", "#2b6cb0", top, true}},
                            axes);
  };
  const std::string body =
      chart(r.turnout, "turnout") + chart(r.leader, "leader's share") + "<p>" +
      std::to_string(r.stations_used) + " stations used, " + std::to_string(r.replicates) +
      " replicates, seed " + std::to_string(r.seed) +
      ". Rows above the null's 99.9th percentile are marked.</p><table><tr><th>integer</th>"
      "<th>weighted by</th><th>observed</th><th>null mean</th><th>null SD</th><th>null 99.9%</th>"
      "<th>excess</th></tr>" +
      rows + "</table>";
  return Section(
      "integer", "Integer percentages",
      "Counts stations whose turnout or leader's share is within 0.05 of a whole percentage, "
      "against a binomial null in which every station's counts are redrawn at its own rates. "
      "An excess means results were written to order somewhere; it does not say how many "
      "votes, and stations under 100 voters are left out because round percentages are common "
      "there by arithmetic.",
      "Kobak, Shpilkin and Pshenichnikov, Annals of Applied Statistics 10(1), 2016.", body);
}

std::string Shpilkin(const analysis::ShpilkinEstimate& e, const std::string& leader) {
  std::vector<double> leader_votes, others, expected;
  for (const auto& b : e.bins) {
    leader_votes.push_back(static_cast<double>(b.leader));
    others.push_back(static_cast<double>(b.others));
    expected.push_back(b.turnout_percent < e.clean_turnout_percent
                           ? static_cast<double>(b.leader)
                           : e.clean_ratio * static_cast<double>(b.others));
  }
  report::Axes axes{.x_min = 0, .x_max = 100, .x_label = "turnout, %", .y_label = "votes"};
  std::string body;
  if (e.clean_turnout_percent < 0) {
    body = "<p>Not estimable: no clean turnout bin with votes for the others.</p>";
  } else {
    body =
        "<p>Clean turnout " + std::to_string(e.clean_turnout_percent) + "%; the leader's votes " +
        std::to_string(e.leader_votes) + ", expected " + Fixed(e.expected_leader_votes, 0) +
        ", <strong>excess " + Fixed(e.excess_votes, 0) + "</strong> (" +
        Fixed(e.leader_votes > 0 ? 100 * e.excess_votes / static_cast<double>(e.leader_votes) : 0,
              1) +
        "% of the leader's votes).</p>";
    body += report::SvgLines({{leader, "#c05621", leader_votes},
                              {"others", "#2b6cb0", others},
                              {"leader expected", "#c05621", expected, true}},
                             axes);
  }
  return Section(
      "shpilkin", "Excess votes for the leader",
      "Votes summed in 1% turnout bins. The bin with the most voters is taken as clean, and "
      "its ratio of the leader's votes to the others' is carried to every higher turnout; what "
      "the leader got beyond that is the excess. Regions that both turn out more and prefer the "
      "leader inflate it.",
      "Sergey Shpilkin's method, as described in Kobak, Shpilkin and Pshenichnikov, "
      "\"Statistical fingerprints of electoral fraud?\", Significance 13(4), 2016.",
      body);
}

std::string DigitTests(const analysis::ForensicsReport& r) {
  std::string rows;
  for (const auto& g : r.digit_tests) {
    for (const auto& t : g.results) {
      rows += std::string("<tr") + (t.flagged ? " class=\"flag\"" : "") + "><td>" +
              HtmlEscape(g.area.empty() ? "all" : g.area) + "</td><td>" + HtmlEscape(g.quantity) +
              "</td><td>" + t.statistic + "</td><td>" + Fixed(t.value, 3) + "</td><td>" +
              Fixed(t.ci_low, 3) + " – " + Fixed(t.ci_high, 3) + "</td><td>" +
              Fixed(t.expected, 3) + "</td><td>" + std::to_string(t.n) + "</td></tr>";
    }
    rows += std::string("<tr") + (g.dip_p < 0.05 ? " class=\"flag\"" : "") + "><td>" +
            HtmlEscape(g.area.empty() ? "all" : g.area) + "</td><td>" + HtmlEscape(g.quantity) +
            "</td><td>Dip</td><td>" + Fixed(g.dip, 4) + "</td><td>p = " + Fixed(g.dip_p, 3) +
            "</td><td>unimodal</td><td></td></tr>";
    if (!g.turnout) {
      for (const auto& [name, value] : {std::pair{"Sobyanin–Sukhovolsky", g.sobyanin},
                                        std::pair{"Correlation", g.correlation}}) {
        rows += "<tr><td>" + HtmlEscape(g.area.empty() ? "all" : g.area) + "</td><td>" +
                HtmlEscape(g.quantity) + "</td><td>" + name + "</td><td>" + Fixed(value, 3) +
                "</td><td></td><td>0</td><td></td></tr>";
      }
    }
  }
  return Section(
      "digits", "Digit and distribution tests",
      "Second-digit mean (2BL), last-digit mean (LastC), counts and percentages ending in 0 or 5 "
      "(C05s, P05s), skewness and kurtosis of the shares, with 95% bootstrap intervals; marked "
      "rows exclude the value clean counting would give. Hartigan's dip tests whether the "
      "shares have one mode (marked when p < 0.05); Sobyanin–Sukhovolsky (the slope of the "
      "leader's share on turnout minus the mean share) and the correlation grow when extra "
      "turnout goes to the leader. Strategic voting and ordinary differences between places "
      "move these statistics too.",
      "Mebane; USAID Election Forensics Toolkit (EFToolkit); Hartigan and Hartigan, Annals of "
      "Statistics 13(1), 1985.",
      "<table><tr><th>area</th><th>quantity</th><th>statistic</th><th>value</th><th>95% "
      "interval</th><th>expected</th><th>n</th></tr>" +
          rows + "</table>");
}

std::string LastDigits(const analysis::ForensicsReport& r) {
  std::string body;
  for (const auto& g : r.last_digits) {
    if (!g.area.empty()) continue;
    const auto& t = g.tests;
    std::vector<double> counts(std::begin(t.digit_counts), std::end(t.digit_counts));
    report::Axes axes{
        .x_min = 0, .x_max = 10, .x_label = "last digit", .y_label = "counts", .height = 200};
    body += report::SvgHistogram(counts, axes, "#4a5568");
    body +=
        "<table><tr><th>test</th><th>value</th><th>expected</th><th>p</th></tr><tr><td>"
        "uniform last digit (chi-square, 9 df)</td><td>" +
        Fixed(t.chi_square, 1) + "</td><td>9</td><td>" + General(t.uniform_p) +
        "</td></tr><tr><td>repeated last two digits</td><td>" + Fixed(t.repeated_share, 4) +
        "</td><td>0.10</td><td>" + General(t.repeated_p) +
        "</td></tr><tr><td>adjacent last two digits</td><td>" + Fixed(t.adjacent_share, 4) +
        "</td><td>0.18</td><td>" + General(t.adjacent_p) + "</td></tr></table><p>" +
        std::to_string(t.n) + " counts of 100 votes or more.</p>";
  }
  return Section("last-digits", "Last digits",
                 "People who invent numbers pick last digits unevenly, rarely repeat a digit and "
                 "often write neighbours; honest counts have near-uniform last two digits. With "
                 "hundreds of thousands of counts, tiny departures reach small p-values.",
                 "Beber and Scacco, Political Analysis 20(2), 2012.", body);
}

}  // namespace

std::string ForensicsHtml(const core::ResultsTable& table, const analysis::ForensicsReport& report,
                          const ForensicsSource& source) {
  const std::vector<Point> points = Points(table);
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Results "
      "forensics: " +
      HtmlEscape(source.file) +
      "</title><style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;"
      "color:#1a202c}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #cbd5e0;"
      "padding:2px 8px;text-align:right}th{background:#edf2f7}tr.flag td{background:#fed7d7}"
      ".cite{color:#4a5568;font-size:90%}section{margin-bottom:2.5em}svg{display:block;margin:"
      "1em 0}</style></head><body>\n<h1>Results forensics</h1><p>" +
      HtmlEscape(source.file) + " (" + HtmlEscape(source.format) +
      "): " + std::to_string(report.stations) + " stations; leader " + HtmlEscape(report.leader) +
      ". These tests give evidence, not verdicts: each measures one kind of anomaly, and "
      "honest elections can show some of them.</p>\n";
  if (!points.empty()) {
    html += Distributions(points, report.leader);
    html += Fingerprint(points, report.leader);
  }
  if (!report.integer_percentage.results.empty()) html += IntegerTest(report.integer_percentage);
  if (report.shpilkin) html += Shpilkin(*report.shpilkin, report.leader);
  if (report.klimek && report.klimek->fitted) html += Klimek(*report.klimek, table, report.leader);
  if (!report.digit_tests.empty()) html += DigitTests(report);
  if (!report.last_digits.empty()) html += LastDigits(report);
  html += "</body></html>\n";
  return html;
}

}  // namespace vigil::service
