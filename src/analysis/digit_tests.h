// Digit and distribution tests on polling-station results (Mebane; the
// USAID Election Forensics Toolkit, EFToolkit): statistics whose values
// under "clean" counting are roughly known, with bootstrap confidence
// intervals and a flag where the interval excludes that value. They are
// evidence, not verdicts: Mebane shows that strategic voting and other
// normal behaviour move them too. Pure: no storage.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vigil::analysis {

// One polling station: a count (votes for a contestant, or ballots cast for
// turnout) and the share it makes of its base (votes / valid votes, or
// ballots / registered voters).
struct CountAndShare {
  std::int64_t count = 0;
  double share = 0;
};

// Point estimates, as EFToolkit computes them. Each sets *n to the number
// of stations used and returns NaN when none qualifies.
// 2BL: mean second digit of the counts >= 10 (Benford: 4.187).
double SecondDigitMean(std::span<const CountAndShare> stations, std::int64_t* n);
// LastC: mean last digit of all counts (uniform: 4.5).
double LastDigitMean(std::span<const CountAndShare> stations, std::int64_t* n);
// C05s: share of counts whose last digit is 0 or 5 (0.2).
double CountsEndingIn0Or5(std::span<const CountAndShare> stations, std::int64_t* n);
// P05s: share of stations whose percentage, rounded to an integer (half to
// even, as R rounds), ends in 0 or 5 (0.2).
double PercentagesEndingIn0Or5(std::span<const CountAndShare> stations, std::int64_t* n);
// Skewness (0 for a normal distribution) and kurtosis (3; not "excess")
// of the shares, from the population moments m3 / m2^1.5 and m4 / m2^2.
double ShareSkewness(std::span<const CountAndShare> stations, std::int64_t* n);
double ShareKurtosis(std::span<const CountAndShare> stations, std::int64_t* n);

struct DigitTestResult {
  std::string statistic;  // "2BL", "LastC", "C05s", "P05s", "Skew", "Kurt"
  double expected = 0;    // the value under clean counting
  double value = 0;       // point estimate on all stations (NaN if n == 0)
  std::int64_t n = 0;     // stations used
  // Basic bootstrap interval, as EFToolkit (R's boot.ci type "basic"):
  // [2 value - q97.5, 2 value - q2.5], where q are quantiles of the
  // statistic over `replicates` resamples of the stations, interpolated as
  // R's default quantile (type 7; boot.ci interpolates slightly
  // differently). NaN if n < 2.
  double ci_low = 0;
  double ci_high = 0;
  bool flagged = false;  // the interval excludes `expected`
};

// All six statistics. Resample r draws stations with replacement from
// Random(Stream(seed, r)) (see random.h), so the result depends only on
// the input order, `replicates` and `seed`.
std::vector<DigitTestResult> RunDigitTests(std::span<const CountAndShare> stations, int replicates,
                                           std::uint64_t seed);

// For a contestant, with turnout and share per station (pairs where either
// is not finite are left out), as EFToolkit computes them; NaN with fewer
// than two pairs or no spread.
// Sobyanin-Sukhovolsky: the OLS slope of the share on turnout minus the
// mean share. Near 0 when extra turnout splits like the rest of the vote;
// large and positive when it goes to the contestant, as added ballots do.
double SobyaninSukhovolsky(std::span<const double> turnout, std::span<const double> share);
// Pearson's correlation of turnout and share.
double TurnoutShareCorrelation(std::span<const double> turnout, std::span<const double> share);

// Quantile q of `sorted` (ascending), interpolated as R's type 7.
double QuantileType7(std::span<const double> sorted, double q);

}  // namespace vigil::analysis
