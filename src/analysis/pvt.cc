#include "analysis/pvt.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <map>
#include <numeric>
#include <unordered_map>

#include "analysis/random.h"

namespace vigil::analysis {

namespace {

constexpr double kZ95 = 1.959963984540054;
constexpr double kZ99 = 2.5758293035489004;

// Largest-remainder allocation of `total` in proportion to `sizes`, none
// above its size; ties go to the earlier entry.
std::vector<std::int64_t> Allocate(std::int64_t total, const std::vector<std::int64_t>& sizes) {
  std::vector<std::int64_t> out(sizes.size(), 0);
  const std::int64_t population = std::accumulate(sizes.begin(), sizes.end(), std::int64_t{0});
  if (population <= 0 || total <= 0) return out;
  // Quotas total x size / population, in integers so that every machine
  // allocates alike: the whole part, then the remainder's numerator.
  std::vector<std::pair<std::int64_t, std::size_t>> remainders;  // (numerator, index)
  std::int64_t given = 0;
  for (std::size_t h = 0; h < sizes.size(); ++h) {
    out[h] = std::min(sizes[h], total * sizes[h] / population);
    given += out[h];
    remainders.emplace_back(total * sizes[h] % population, h);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  // Hand out what is left by remainder, then (if capped strata left some
  // over) round-robin in the same order.
  while (given < total) {
    bool progressed = false;
    for (const auto& [remainder, h] : remainders) {
      if (given == total) break;
      if (out[h] < sizes[h]) {
        ++out[h];
        ++given;
        progressed = true;
      }
    }
    if (!progressed) break;
  }
  return out;
}

}  // namespace

double ZForConfidence(double confidence) {
  return boost::math::quantile(boost::math::normal_distribution<double>(), 0.5 + confidence / 2);
}

Result<SampleSize> PvtSampleSize(const SampleSizeInput& in) {
  const auto bad = [](const std::string& what) { return Fail(Status::InvalidArgument(what)); };
  if (!(in.voters > 0)) return bad("voters must be more than 0");
  if (in.stations <= 0) return bad("stations must be more than 0");
  if (!(in.proportion > 0 && in.proportion < 1)) return bad("proportion must be between 0 and 1");
  if (!(in.margin > 0 && in.margin < 1)) return bad("margin must be between 0 and 1 (a share)");
  if (!(in.z > 0)) return bad("z must be more than 0");
  if (!(in.turnout > 0 && in.turnout <= 1)) return bad("turnout must be in (0, 1]");
  if (!(in.reporting > 0 && in.reporting <= 1)) return bad("reporting must be in (0, 1]");
  if (in.voters_per_station < 0) return bad("voters per station must not be negative");
  const double pq = in.proportion * (1 - in.proportion);
  SampleSize out;
  out.voters = pq / (in.margin * in.margin / (in.z * in.z) + pq / in.voters);
  const double per_station = in.voters_per_station > 0
                                 ? in.voters_per_station
                                 : in.voters / static_cast<double>(in.stations);
  out.stations_ndi = static_cast<std::int64_t>(
      std::ceil(out.voters / (per_station * in.turnout) / in.reporting - 1e-9));
  const double n0 = in.z * in.z * pq / (in.margin * in.margin);
  const double n = n0 / (1 + n0 / static_cast<double>(in.stations));
  out.stations_sampler = static_cast<std::int64_t>(std::ceil(std::ceil(n) / in.reporting - 1e-9));
  return out;
}

Result<PvtSample> DrawPvtSample(std::vector<PvtStation> stations, const DrawOptions& options) {
  if (options.sample <= 0) return Fail(Status::InvalidArgument("the sample must be 1 or more"));
  if (options.reserves < 0) return Fail(Status::InvalidArgument("reserves must not be negative"));
  std::sort(stations.begin(), stations.end(),
            [](const PvtStation& a, const PvtStation& b) { return a.code < b.code; });
  for (std::size_t i = 1; i < stations.size(); ++i) {
    if (stations[i].code == stations[i - 1].code) {
      return Fail(Status::InvalidArgument("station " + stations[i].code + " is listed twice"));
    }
  }
  if (static_cast<std::int64_t>(stations.size()) < options.sample + options.reserves) {
    return Fail(Status::InvalidArgument(
        "the sample and reserves (" + std::to_string(options.sample + options.reserves) +
        ") need more stations than there are (" + std::to_string(stations.size()) + ")"));
  }
  std::map<std::string, std::vector<const PvtStation*>> by_stratum;  // sorted by name
  for (const PvtStation& s : stations) by_stratum[s.stratum].push_back(&s);

  PvtSample draw;
  draw.seed = options.seed;
  std::vector<std::int64_t> sizes;
  for (const auto& [name, members] : by_stratum) {
    StratumSummary summary{.stratum = name, .stations = static_cast<std::int64_t>(members.size())};
    for (const PvtStation* s : members) summary.registered += s->registered;
    draw.strata.push_back(summary);
    sizes.push_back(summary.stations);
  }
  const std::vector<std::int64_t> sample = Allocate(options.sample, sizes);
  std::vector<std::int64_t> left(sizes.size());
  for (std::size_t h = 0; h < sizes.size(); ++h) left[h] = sizes[h] - sample[h];
  const std::vector<std::int64_t> reserves = Allocate(options.reserves, left);

  std::size_t h = 0;
  for (auto& [name, members] : by_stratum) {
    draw.strata[h].sample = sample[h];
    draw.strata[h].reserves = reserves[h];
    Random random(Stream(options.seed, h));
    const std::int64_t picks = sample[h] + reserves[h];
    const auto size = static_cast<std::uint64_t>(members.size());
    for (std::int64_t i = 0; i < picks; ++i) {
      const auto u = static_cast<std::uint64_t>(i);
      const std::uint64_t j = u + random.Below(size - u);
      std::swap(members[u], members[j]);
      const bool reserve = i >= sample[h];
      draw.stations.push_back({.code = members[u]->code,
                               .stratum = name,
                               .reserve = reserve,
                               .rank = static_cast<int>(reserve ? i - sample[h] + 1 : i + 1)});
    }
    ++h;
  }
  return draw;
}

namespace {

// The reported (a_i, m_i) pairs of one ratio in one stratum.
struct RatioPairs {
  std::vector<std::pair<double, double>> pairs;
  void Add(std::optional<std::int64_t> a, std::optional<std::int64_t> m) {
    if (a && m && *m > 0) pairs.emplace_back(static_cast<double>(*a), static_cast<double>(*m));
  }
  double n() const { return static_cast<double>(pairs.size()); }
  std::pair<double, double> Sums() const {  // (sum a, sum m)
    double a = 0;
    double m = 0;
    for (const auto& [ai, mi] : pairs) {
      a += ai;
      m += mi;
    }
    return {a, m};
  }
  // (1 - n/N) n/(n-1) sum (d_i - mean d)^2 with d_i = a_i - p m_i: the
  // stratum's contribution to the variance of a ratio p, times its squared
  // base. For the stratum's own ratio, mean d is 0. NaN below two stations.
  double Spread(double p, std::int64_t population) const {
    if (pairs.size() < 2) return std::nan("");
    double mean = 0;
    for (const auto& [ai, mi] : pairs) mean += ai - p * mi;
    mean /= n();
    double squares = 0;
    for (const auto& [ai, mi] : pairs) squares += (ai - p * mi - mean) * (ai - p * mi - mean);
    const double fpc = population > 0 ? 1 - n() / static_cast<double>(population) : 1;
    return fpc * n() / (n() - 1) * squares;
  }
};

RatioEstimate Ratio(std::string quantity, double estimate, double variance, std::int64_t n,
                    std::optional<double> official) {
  RatioEstimate r{.quantity = std::move(quantity), .estimate = estimate, .n = n};
  // A stratum with one report has no variance estimate, and then neither
  // has the whole: the margins are NaN, never a false zero.
  const double se = std::isnan(variance) ? variance : std::sqrt(std::max(0.0, variance));
  r.margin95 = kZ95 * se;
  r.margin99 = kZ99 * se;
  if (official) {
    r.official = official;
    r.official_inside95 = std::abs(*official - estimate) <= r.margin95;
    r.official_inside99 = std::abs(*official - estimate) <= r.margin99;
  }
  return r;
}

}  // namespace

PvtEstimate EstimatePvt(const PvtSample& draw, const std::vector<std::string>& contestants,
                        const std::vector<PvtReport>& reports, const OfficialShares& official) {
  PvtEstimate out;
  out.contestants = contestants;
  std::unordered_map<std::string, const PvtReport*> report_of;  // first report per station
  for (const PvtReport& r : reports) report_of.try_emplace(r.code, &r);
  const std::size_t quantities = contestants.size() + 2;  // contestants, turnout, invalid
  std::vector<std::vector<RatioPairs>> pairs(draw.strata.size(),
                                             std::vector<RatioPairs>(quantities));
  std::vector<std::int64_t> reported(draw.strata.size(), 0);
  std::vector<std::int64_t> reserves_used(draw.strata.size(), 0);
  const auto use = [&](std::size_t h, const PvtReport& r) {
    if (r.votes.size() == contestants.size()) {
      const std::int64_t valid = std::accumulate(r.votes.begin(), r.votes.end(), std::int64_t{0});
      for (std::size_t c = 0; c < contestants.size(); ++c) pairs[h][c].Add(r.votes[c], valid);
    }
    pairs[h][contestants.size()].Add(r.cast, r.registered);
    pairs[h][contestants.size() + 1].Add(r.invalid, r.cast);
  };
  // Sampled stations first; then, stratum by stratum, reserves in rank
  // order replace sampled stations that did not report.
  std::unordered_map<std::string, std::size_t> stratum_index;
  for (std::size_t h = 0; h < draw.strata.size(); ++h) stratum_index[draw.strata[h].stratum] = h;
  for (const bool reserve : {false, true}) {
    for (const DrawnStation& s : draw.stations) {
      if (s.reserve != reserve) continue;
      const auto h = stratum_index.at(s.stratum);
      const auto r = report_of.find(s.code);
      if (r == report_of.end()) continue;
      if (reserve) {
        if (reported[h] + reserves_used[h] >= draw.strata[h].sample) continue;
        ++reserves_used[h];
      } else {
        ++reported[h];
      }
      use(h, *r->second);
    }
  }

  const auto name = [&](std::size_t q) -> std::string {
    if (q < contestants.size()) return contestants[q];
    return q == contestants.size() ? "turnout" : "invalid";
  };
  const auto official_for = [&](std::size_t q) -> std::optional<double> {
    if (q < contestants.size()) {
      return q < official.contestants.size() ? std::optional(official.contestants[q])
                                             : std::nullopt;
    }
    return q == contestants.size() ? official.turnout : official.invalid;
  };
  for (std::size_t h = 0; h < draw.strata.size(); ++h) {
    const StratumSummary& s = draw.strata[h];
    StratumEstimate e{.stratum = s.stratum,
                      .sampled = s.sample,
                      .reported = reported[h],
                      .reserves_used = reserves_used[h]};
    for (std::size_t q = 0; q < quantities; ++q) {
      const RatioPairs& r = pairs[h][q];
      const auto [a, m] = r.Sums();
      const double p = m > 0 ? a / m : std::nan("");
      e.estimates.push_back(Ratio(name(q), p, r.Spread(p, s.stations) / (m * m),
                                  static_cast<std::int64_t>(r.pairs.size()), std::nullopt));
    }
    out.sampled += s.sample;
    out.reported += reported[h];
    out.reserves_used += reserves_used[h];
    out.strata.push_back(std::move(e));
  }
  // Combined ratio estimator: each stratum's sums expanded by N_h / n_h.
  for (std::size_t q = 0; q < quantities; ++q) {
    double a = 0;
    double m = 0;
    std::int64_t n = 0;
    for (std::size_t h = 0; h < draw.strata.size(); ++h) {
      const RatioPairs& r = pairs[h][q];
      if (r.pairs.empty()) continue;
      const double w = static_cast<double>(draw.strata[h].stations) / r.n();
      const auto [ah, mh] = r.Sums();
      a += w * ah;
      m += w * mh;
      n += static_cast<std::int64_t>(r.pairs.size());
    }
    const double p = m > 0 ? a / m : std::nan("");
    double spread = 0;
    for (std::size_t h = 0; h < draw.strata.size(); ++h) {
      const RatioPairs& r = pairs[h][q];
      if (r.pairs.empty()) continue;
      const double w = static_cast<double>(draw.strata[h].stations) / r.n();
      spread += w * w * r.Spread(p, draw.strata[h].stations);
    }
    out.combined.push_back(Ratio(name(q), p, spread / (m * m), n, official_for(q)));
  }
  out.reporting_rate =
      out.sampled > 0 ? static_cast<double>(out.reported) / static_cast<double>(out.sampled) : 0;
  return out;
}

}  // namespace vigil::analysis
