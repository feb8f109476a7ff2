// Parallel vote tabulation (quick count): how many stations to sample, how
// to draw them so that anyone can re-draw the same sample, and what the
// sample says about the result. Sources: NDI, "The Quick Count and Election
// Observation" (Estok, Nevitte and Cowan, 2002); Democracy International's
// R package `sampler`; Cochran, "Sampling Techniques" (3rd ed., 1977),
// 6.3-6.4 and 5A (ratio estimation); Kish, "Survey Sampling" (1965), 6.3.
// Pure: no storage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "core/pvt_sample.h"

namespace vigil::analysis {

// ---- Sample size --------------------------------------------------------------

struct SampleSizeInput {
  double voters = 0;              // N: registered voters in the population
  std::int64_t stations = 0;      // polling stations in the population
  double proportion = 0.5;        // p: expected share (0.5 is the safest)
  double margin = 0.01;           // E: wanted margin of error, as a share
  double z = 1.959963984540054;   // the normal quantile of the confidence
  double voters_per_station = 0;  // 0: voters / stations
  double turnout = 1;             // expected turnout, as a share
  double reporting = 1;           // expected share of sampled stations reporting
};

struct SampleSize {
  // NDI: n = p(1-p) / (E^2/z^2 + p(1-p)/N) voters, then stations = n /
  // (voters per station x turnout), divided by the reporting rate.
  double voters = 0;
  std::int64_t stations_ndi = 0;  // rounded up
  // sampler::rsampcalc: stations = ceil((z^2 p(1-p)/E^2) / (1 + z^2
  // p(1-p)/(E^2 N))) with N the stations, divided by the reporting rate.
  std::int64_t stations_sampler = 0;
};

// InvalidArgument naming the field if an input is out of range.
Result<SampleSize> PvtSampleSize(const SampleSizeInput& in);

// The two-sided normal quantile for a confidence level (0.95 -> 1.96).
double ZForConfidence(double confidence);

// ---- Drawing the sample -------------------------------------------------------

using core::DrawnStation;
using core::PvtSample;
using core::PvtStation;
using core::StratumSummary;

struct DrawOptions {
  std::uint64_t seed = 0;
  std::int64_t sample = 0;    // stations to sample in all
  std::int64_t reserves = 0;  // reserve stations in all
};

// The procedure, specified so that it can be re-drawn independently
// (docs/pvt.md shows a short program that does):
//   1. stations are sorted by code (bytewise) and grouped by stratum, the
//      strata sorted by name (bytewise);
//   2. the sample is allocated to strata in proportion to their stations,
//      by largest remainder computed in integers (ties to the earlier
//      stratum), never more than a stratum holds; then the reserves, in
//      proportion to the stations each stratum has left;
//   3. in stratum number h (0-based, in that order), a partial
//      Fisher-Yates shuffle with Random(Stream(seed, h)) (random.h) picks,
//      for i = 0, 1, ...: j = i + Below(size - i), swaps positions i and j;
//      the first picks are the sample and the next the reserves, in order.
// InvalidArgument if codes repeat or the population is too small.
Result<PvtSample> DrawPvtSample(std::vector<PvtStation> stations, const DrawOptions& options);

// ---- Estimating from the sample -----------------------------------------------

// One sampled station's figures as reported (absent ones are missing).
struct PvtReport {
  std::string code;
  std::optional<std::int64_t> registered;
  std::optional<std::int64_t> cast;  // ballots cast (valid + invalid)
  std::optional<std::int64_t> invalid;
  std::vector<std::int64_t> votes;  // per contestant
};

// A ratio a / m estimated from the sample.
struct RatioEstimate {
  std::string quantity;  // a contestant's name, "turnout" or "invalid"
  double estimate = 0;   // sum a / sum m
  double margin95 = 0;   // z x standard error, 95% and 99%; NaN while a
  double margin99 = 0;   // stratum that reported has only one report

  std::int64_t n = 0;  // stations that reported it
  // Filled in when an official figure is given (inside is false while the
  // margins are NaN).
  std::optional<double> official;
  bool official_inside95 = false;
  bool official_inside99 = false;
};

struct StratumEstimate {
  std::string stratum;
  std::int64_t sampled = 0;
  std::int64_t reported = 0;             // sampled stations that reported
  std::int64_t reserves_used = 0;        // reserves standing in for the others
  std::vector<RatioEstimate> estimates;  // contestants, then turnout, invalid
};

struct PvtEstimate {
  std::vector<std::string> contestants;
  std::int64_t sampled = 0;
  std::int64_t reported = 0;  // sampled stations that reported
  std::int64_t reserves_used = 0;
  double reporting_rate = 0;            // reported / sampled
  std::vector<RatioEstimate> combined;  // contestants, then turnout, invalid
  std::vector<StratumEstimate> strata;  // by stratum name
};

// Official figures to compare with: shares as in RatioEstimate::quantity.
struct OfficialShares {
  std::vector<double> contestants;  // leave empty to compare nothing
  std::optional<double> turnout;
  std::optional<double> invalid;
};

// Ratio estimates (Cochran 6.3-6.4, 6.11; Kish 6.3). For a quantity a
// (votes, ballots cast, invalid ballots) over its base m (valid votes,
// registered voters, ballots cast), in one stratum of N stations of which n
// reported: p = sum a / sum m, Var = (1 - n/N) n/(n-1) sum (a_i - p m_i)^2 /
// (sum m_i)^2. Combined over strata (the combined ratio estimator), each
// stratum's sums are expanded by N_h / n_h: p = sum_h w_h A_h / sum_h w_h
// M_h, Var = sum_h w_h^2 (1 - n_h/N_h) n_h/(n_h-1) sum_i (d_i - mean_h d)^2 /
// (sum_h w_h M_h)^2 with d_i = a_i - p m_i; with one stratum, mean d is 0
// and this is the formula above. Margins are
// 1.96 and 2.576 standard errors. Where sampled stations did not report,
// the stratum's reserves that did stand in for them, in rank order; other
// reports (more reserves, stations outside the draw) are ignored.
PvtEstimate EstimatePvt(const PvtSample& draw, const std::vector<std::string>& contestants,
                        const std::vector<PvtReport>& reports, const OfficialShares& official = {});

}  // namespace vigil::analysis
