#include "analysis/digit_tests.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "analysis/random.h"

namespace vigil::analysis {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Mean of f(station) over the stations for which `use` holds.
template <typename Use, typename F>
double MeanOver(std::span<const CountAndShare> stations, std::int64_t* n, Use use, F f) {
  double sum = 0;
  std::int64_t used = 0;
  for (const CountAndShare& s : stations) {
    if (!use(s)) continue;
    sum += f(s);
    ++used;
  }
  *n = used;
  return used == 0 ? kNaN : sum / static_cast<double>(used);
}

bool HasCount(const CountAndShare& s) { return s.count >= 0; }
bool HasShare(const CountAndShare& s) { return std::isfinite(s.share); }

// Central moments m2, m3, m4 of the finite shares.
struct Moments {
  std::int64_t n = 0;
  double m2 = 0, m3 = 0, m4 = 0;
};

Moments ShareMoments(std::span<const CountAndShare> stations) {
  Moments m;
  const double mean = MeanOver(stations, &m.n, HasShare, [](const auto& s) { return s.share; });
  if (m.n == 0) return m;
  for (const CountAndShare& s : stations) {
    if (!HasShare(s)) continue;
    const double d = s.share - mean;
    m.m2 += d * d;
    m.m3 += d * d * d;
    m.m4 += d * d * d * d;
  }
  const auto n = static_cast<double>(m.n);
  m.m2 /= n;
  m.m3 /= n;
  m.m4 /= n;
  return m;
}

struct Statistic {
  const char* name;
  double expected;
  double (*compute)(std::span<const CountAndShare>, std::int64_t*);
};

constexpr Statistic kStatistics[] = {
    {"2BL", 4.187, SecondDigitMean},   {"LastC", 4.5, LastDigitMean},
    {"C05s", 0.2, CountsEndingIn0Or5}, {"P05s", 0.2, PercentagesEndingIn0Or5},
    {"Skew", 0.0, ShareSkewness},      {"Kurt", 3.0, ShareKurtosis},
};

}  // namespace

double SecondDigitMean(std::span<const CountAndShare> stations, std::int64_t* n) {
  return MeanOver(
      stations, n, [](const auto& s) { return s.count >= 10; },
      [](const auto& s) {
        std::int64_t c = s.count;
        while (c >= 100) c /= 10;
        return static_cast<double>(c % 10);
      });
}

double LastDigitMean(std::span<const CountAndShare> stations, std::int64_t* n) {
  return MeanOver(stations, n, HasCount,
                  [](const auto& s) { return static_cast<double>(s.count % 10); });
}

double CountsEndingIn0Or5(std::span<const CountAndShare> stations, std::int64_t* n) {
  return MeanOver(stations, n, HasCount,
                  [](const auto& s) { return s.count % 5 == 0 ? 1.0 : 0.0; });
}

double PercentagesEndingIn0Or5(std::span<const CountAndShare> stations, std::int64_t* n) {
  return MeanOver(stations, n, HasShare, [](const auto& s) {
    // nearbyint rounds half to even in the default rounding mode, as R does.
    const auto percent = static_cast<std::int64_t>(std::nearbyint(100 * s.share));
    return percent % 5 == 0 ? 1.0 : 0.0;
  });
}

double ShareSkewness(std::span<const CountAndShare> stations, std::int64_t* n) {
  const Moments m = ShareMoments(stations);
  *n = m.n;
  return m.n == 0 || m.m2 == 0 ? kNaN : m.m3 / std::pow(m.m2, 1.5);
}

double ShareKurtosis(std::span<const CountAndShare> stations, std::int64_t* n) {
  const Moments m = ShareMoments(stations);
  *n = m.n;
  return m.n == 0 || m.m2 == 0 ? kNaN : m.m4 / (m.m2 * m.m2);
}

namespace {

struct Regression {
  double slope = std::numeric_limits<double>::quiet_NaN();
  double correlation = std::numeric_limits<double>::quiet_NaN();
  double mean_y = std::numeric_limits<double>::quiet_NaN();
};

Regression Regress(std::span<const double> x, std::span<const double> y) {
  double n = 0, sx = 0, sy = 0;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
    ++n;
    sx += x[i];
    sy += y[i];
  }
  Regression r;
  if (n < 2) return r;
  const double mx = sx / n, my = sy / n;
  double sxx = 0, syy = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  r.mean_y = my;
  if (sxx > 0) r.slope = sxy / sxx;
  if (sxx > 0 && syy > 0) r.correlation = sxy / std::sqrt(sxx * syy);
  return r;
}

}  // namespace

double SobyaninSukhovolsky(std::span<const double> turnout, std::span<const double> share) {
  const Regression r = Regress(turnout, share);
  return r.slope - r.mean_y;
}

double TurnoutShareCorrelation(std::span<const double> turnout, std::span<const double> share) {
  return Regress(turnout, share).correlation;
}

double QuantileType7(std::span<const double> sorted, double q) {
  if (sorted.empty()) return kNaN;
  const double h = (static_cast<double>(sorted.size()) - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

std::vector<DigitTestResult> RunDigitTests(std::span<const CountAndShare> stations, int replicates,
                                           std::uint64_t seed) {
  constexpr std::size_t kCount = std::size(kStatistics);
  std::vector<DigitTestResult> results;
  for (const Statistic& s : kStatistics) {
    DigitTestResult r;
    r.statistic = s.name;
    r.expected = s.expected;
    r.value = s.compute(stations, &r.n);
    results.push_back(std::move(r));
  }

  // Bootstrap: every statistic on the same resamples of whole stations.
  std::vector<std::vector<double>> draws(kCount);
  std::vector<CountAndShare> resample(stations.size());
  if (stations.size() >= 2) {
    for (int rep = 0; rep < replicates; ++rep) {
      Random random(Stream(seed, static_cast<std::uint64_t>(rep)));
      for (CountAndShare& s : resample) s = stations[random.Below(stations.size())];
      for (std::size_t i = 0; i < kCount; ++i) {
        std::int64_t n = 0;
        const double v = kStatistics[i].compute(resample, &n);
        if (!std::isnan(v)) draws[i].push_back(v);
      }
    }
  }
  for (std::size_t i = 0; i < kCount; ++i) {
    DigitTestResult& r = results[i];
    std::sort(draws[i].begin(), draws[i].end());
    r.ci_low = 2 * r.value - QuantileType7(draws[i], 0.975);
    r.ci_high = 2 * r.value - QuantileType7(draws[i], 0.025);
    r.flagged = !std::isnan(r.ci_low) && (r.expected < r.ci_low || r.expected > r.ci_high);
  }
  return results;
}

}  // namespace vigil::analysis
