#include "analysis/pvt.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "analysis/random.h"

namespace vigil::analysis {
namespace {

using ::testing::ElementsAre;

// ---- Sample size: the published examples (../shared/BRIEF.md section 5) ----

TEST(PvtSampleSize, ReproducesNdiPeru2001) {
  // NDI's handbook: N = 14,570,774 voters, p = 0.5, E = 0.32%, z = 2.58.
  // The exact formula gives 160,717 voters (the book, rounding steps,
  // 163,185), about 1,005 stations of 160 voters (the book: 1,020).
  auto size = PvtSampleSize({.voters = 14570774,
                             .stations = 91000,
                             .proportion = 0.5,
                             .margin = 0.0032,
                             .z = 2.58,
                             .voters_per_station = 160});
  ASSERT_TRUE(size.has_value()) << size.error().ToString();
  EXPECT_EQ(std::llround(size->voters), 160717);
  EXPECT_EQ(size->stations_ndi, 1005);  // ceil(160,716.6 / 160)
}

TEST(PvtSampleSize, ReproducesSamplerRsampcalc) {
  // sampler::rsampcalc(N = 5361, e = 3, ci = 95) = 890 stations.
  auto size = PvtSampleSize(
      {.voters = 5361 * 500.0, .stations = 5361, .margin = 0.03, .z = ZForConfidence(0.95)});
  ASSERT_TRUE(size.has_value()) << size.error().ToString();
  EXPECT_EQ(size->stations_sampler, 890);
}

TEST(PvtSampleSize, TurnoutAndNonReportingRaiseTheStations) {
  const SampleSizeInput base{
      .voters = 1e6, .stations = 2000, .margin = 0.01, .z = 1.96, .voters_per_station = 500};
  SampleSizeInput adjusted = base;
  adjusted.turnout = 0.5;
  adjusted.reporting = 0.8;
  const auto a = PvtSampleSize(base);
  const auto b = PvtSampleSize(adjusted);
  ASSERT_TRUE(a && b);
  // 9,507.4 voters: 19.01 -> 20 stations; at half turnout and 80%
  // reporting, 9,507.4 / 250 / 0.8 = 47.5 -> 48.
  EXPECT_EQ(a->stations_ndi, 20);
  EXPECT_EQ(b->stations_ndi, 48);
  EXPECT_GT(b->stations_sampler, a->stations_sampler);
}

TEST(PvtSampleSize, RefusesImpossibleInputsNamingThem) {
  auto bad = PvtSampleSize({.voters = 1000, .stations = 10, .margin = 3});
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(bad.error().message(), ::testing::HasSubstr("margin"));
  EXPECT_FALSE(PvtSampleSize({.voters = 0, .stations = 10}).has_value());
  EXPECT_NEAR(ZForConfidence(0.99), 2.5758, 1e-4);
}

// ---- Drawing ------------------------------------------------------------------

std::vector<PvtStation> Twenty(bool stratified) {
  std::vector<PvtStation> out;
  for (int i = 1; i <= 20; ++i) {
    char code[16];
    std::snprintf(code, sizeof code, "PS-%02d", i);
    out.push_back({code, stratified ? (i <= 10 ? "North" : "South") : "", 100 * i});
  }
  return out;
}

std::vector<std::string> Codes(const PvtSample& d, bool reserve) {
  std::vector<std::string> out;
  for (const DrawnStation& s : d.stations) {
    if (s.reserve == reserve) out.push_back(s.code);
  }
  return out;
}

// The expected draws were made with the independent Python re-draw in
// docs/pvt.md (`redraw.py 42 5 0` and `redraw.py 2026 6 2`), so these tests
// check that the procedure is what the documentation specifies.
TEST(PvtDraw, SimpleSampleMatchesTheDocumentedReDraw) {
  auto d = DrawPvtSample(Twenty(false), {.seed = 42, .sample = 5});
  ASSERT_TRUE(d.has_value()) << d.error().ToString();
  EXPECT_THAT(Codes(*d, false), ElementsAre("PS-03", "PS-08", "PS-16", "PS-12", "PS-14"));
  EXPECT_TRUE(Codes(*d, true).empty());
}

TEST(PvtDraw, StratifiedSampleWithReservesMatchesTheDocumentedReDraw) {
  auto d = DrawPvtSample(Twenty(true), {.seed = 2026, .sample = 6, .reserves = 2});
  ASSERT_TRUE(d.has_value()) << d.error().ToString();
  EXPECT_THAT(Codes(*d, false), ElementsAre("PS-03", "PS-08", "PS-10", "PS-13", "PS-12", "PS-11"));
  EXPECT_THAT(Codes(*d, true), ElementsAre("PS-09", "PS-20"));
  ASSERT_EQ(d->strata.size(), 2u);
  EXPECT_EQ(d->strata[0].stratum, "North");
  EXPECT_EQ(d->strata[0].stations, 10);
  EXPECT_EQ(d->strata[0].registered, 5500);  // 100 + 200 + ... + 1000
  EXPECT_EQ(d->strata[0].sample, 3);
  EXPECT_EQ(d->strata[0].reserves, 1);
}

TEST(PvtDraw, DoesNotDependOnTheOrderOfTheList) {
  std::vector<PvtStation> shuffled = Twenty(true);
  std::reverse(shuffled.begin(), shuffled.end());
  std::swap(shuffled[3], shuffled[11]);
  auto a = DrawPvtSample(Twenty(true), {.seed = 7, .sample = 8, .reserves = 4});
  auto b = DrawPvtSample(shuffled, {.seed = 7, .sample = 8, .reserves = 4});
  ASSERT_TRUE(a && b);
  EXPECT_EQ(Codes(*a, false), Codes(*b, false));
  EXPECT_EQ(Codes(*a, true), Codes(*b, true));
  auto c = DrawPvtSample(Twenty(true), {.seed = 8, .sample = 8, .reserves = 4});
  EXPECT_NE(Codes(*a, false), Codes(*c, false));
}

TEST(PvtDraw, AllocatesByLargestRemainder) {
  // Strata of 7, 5 and 8 stations, 9 to draw: quotas 3.15, 2.25 and 3.6
  // give 3, 2 and 3, and the largest remainder (0.6) the last one.
  std::vector<PvtStation> stations;
  const std::pair<const char*, int> strata[] = {{"A", 7}, {"B", 5}, {"C", 8}};
  for (const auto& [name, size] : strata) {
    for (int i = 0; i < size; ++i) stations.push_back({name + std::to_string(i), name, 100});
  }
  auto d = DrawPvtSample(stations, {.seed = 1, .sample = 9, .reserves = 3});
  ASSERT_TRUE(d.has_value()) << d.error().ToString();
  EXPECT_EQ(d->strata[0].sample, 3);
  EXPECT_EQ(d->strata[1].sample, 2);
  EXPECT_EQ(d->strata[2].sample, 4);
  std::int64_t reserves = 0;
  for (const auto& s : d->strata) reserves += s.reserves;
  EXPECT_EQ(reserves, 3);
  // No station is drawn twice.
  std::vector<std::string> all = Codes(*d, false);
  for (const auto& c : Codes(*d, true)) all.push_back(c);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
}

TEST(PvtDraw, RefusesRepeatedCodesAndTooSmallPopulations) {
  std::vector<PvtStation> twice = Twenty(false);
  twice.push_back(twice.front());
  auto repeated = DrawPvtSample(twice, {.sample = 2});
  ASSERT_FALSE(repeated.has_value());
  EXPECT_THAT(repeated.error().message(), ::testing::HasSubstr("PS-01 is listed twice"));
  EXPECT_FALSE(DrawPvtSample(Twenty(false), {.sample = 18, .reserves = 3}).has_value());
}

// ---- Estimating -----------------------------------------------------------------

TEST(PvtEstimate, HandCheckedRatioAndMargin) {
  // One stratum of 10 stations, 3 sampled; votes for A of 100 valid: 60,
  // 30, 50. p = 140 / 300; residuals a - p m = 13.33, -16.67, 3.33, squares
  // 466.67; Var = (1 - 3/10) x 3/2 x 466.67 / 300^2 = 0.0054444.
  std::vector<PvtStation> ten;
  for (int i = 0; i < 10; ++i) ten.push_back({"S" + std::to_string(i), "", 200});
  auto draw = DrawPvtSample(ten, {.seed = 1, .sample = 3});
  ASSERT_TRUE(draw.has_value());
  const std::vector<std::string> sampled = Codes(*draw, false);
  std::vector<PvtReport> reports = {
      {sampled[0], 200, 102, 2, {60, 40}},
      {sampled[1], 200, 101, 1, {30, 70}},
      {sampled[2], 200, 100, 0, {50, 50}},
      {"not-sampled", 200, 200, 0, {200, 0}},  // ignored
  };
  const PvtEstimate e = EstimatePvt(*draw, {"A", "B"}, reports, {.contestants = {0.45, 0.55}});
  EXPECT_EQ(e.sampled, 3);
  EXPECT_EQ(e.reported, 3);
  EXPECT_DOUBLE_EQ(e.reporting_rate, 1);
  ASSERT_EQ(e.combined.size(), 4u);  // A, B, turnout, invalid
  const RatioEstimate& a = e.combined[0];
  EXPECT_EQ(a.quantity, "A");
  EXPECT_NEAR(a.estimate, 140.0 / 300, 1e-12);
  const double variance = 0.7 * 1.5 * (1600.0 / 9 + 2500.0 / 9 + 100.0 / 9) / 90000;
  EXPECT_NEAR(a.margin95, 1.959963984540054 * std::sqrt(variance), 1e-12);
  EXPECT_NEAR(a.margin99, 2.5758293035489004 * std::sqrt(variance), 1e-12);
  EXPECT_TRUE(a.official_inside95);  // |0.45 - 0.4667| < 0.145
  EXPECT_EQ(e.combined[2].quantity, "turnout");
  EXPECT_NEAR(e.combined[2].estimate, 303.0 / 600, 1e-12);
  EXPECT_EQ(e.combined[3].quantity, "invalid");
  EXPECT_NEAR(e.combined[3].estimate, 3.0 / 303, 1e-12);
  ASSERT_EQ(e.strata.size(), 1u);
  EXPECT_NEAR(e.strata[0].estimates[0].estimate, a.estimate, 1e-12);
}

TEST(PvtEstimate, OneReportInAStratumLeavesTheMarginsUnknownNotZero) {
  // Two strata of 10; North has reported three stations, South one.
  std::vector<PvtStation> stations;
  for (int i = 0; i < 10; ++i) stations.push_back({"N" + std::to_string(i), "North", 200});
  for (int i = 0; i < 10; ++i) stations.push_back({"S" + std::to_string(i), "South", 200});
  auto draw = DrawPvtSample(stations, {.seed = 1, .sample = 6});
  ASSERT_TRUE(draw.has_value());
  std::vector<PvtReport> reports;
  int north = 0, south = 0;
  for (const DrawnStation& d : draw->stations) {
    if (d.stratum == "North" && north++ < 3) reports.push_back({d.code, 200, 100, 1, {60, 39}});
    if (d.stratum == "South" && south++ < 1) reports.push_back({d.code, 200, 100, 1, {50, 49}});
  }
  reports[1].votes = {40, 59};  // North varies, so its own margin is not zero
  const PvtEstimate e = EstimatePvt(*draw, {"A", "B"}, reports, {.contestants = {0.5, 0.5}});
  EXPECT_EQ(e.reported, 4);
  ASSERT_EQ(e.strata.size(), 2u);
  EXPECT_GT(e.strata[0].estimates[0].margin95, 0);             // North
  EXPECT_TRUE(std::isnan(e.strata[1].estimates[0].margin95));  // South
  const RatioEstimate& a = e.combined[0];
  EXPECT_FALSE(std::isnan(a.estimate));
  EXPECT_TRUE(std::isnan(a.margin95));
  EXPECT_TRUE(std::isnan(a.margin99));
  EXPECT_FALSE(a.official_inside95);
}

TEST(PvtEstimate, ReservesStandInForSilentStationsInRankOrder) {
  std::vector<PvtStation> ten;
  for (int i = 0; i < 10; ++i) ten.push_back({"S" + std::to_string(i), "", 200});
  auto draw = DrawPvtSample(ten, {.seed = 3, .sample = 3, .reserves = 2});
  ASSERT_TRUE(draw.has_value());
  const std::vector<std::string> sampled = Codes(*draw, false);
  const std::vector<std::string> reserves = Codes(*draw, true);
  // The third sampled station is silent; both reserves reported, and only
  // the first in rank stands in.
  const std::vector<PvtReport> reports = {
      {sampled[0], 200, 100, 0, {60, 40}},
      {sampled[1], 200, 100, 0, {40, 60}},
      {reserves[1], 200, 100, 0, {100, 0}},
      {reserves[0], 200, 100, 0, {50, 50}},
  };
  const PvtEstimate e = EstimatePvt(*draw, {"A", "B"}, reports);
  EXPECT_EQ(e.sampled, 3);
  EXPECT_EQ(e.reported, 2);
  EXPECT_EQ(e.reserves_used, 1);
  EXPECT_NEAR(e.reporting_rate, 2.0 / 3, 1e-12);
  EXPECT_EQ(e.combined[0].n, 3);
  EXPECT_NEAR(e.combined[0].estimate, 150.0 / 300, 1e-12);
}

// A synthetic country with known truth: 4 regions of different size,
// turnout and support, stations of 300 to 3,000 voters with their own
// rates.
struct Population {
  std::vector<PvtStation> stations;
  std::vector<PvtReport> results;
  double truth = 0;  // A's share of the valid votes, over all stations
};

Population MakePopulation() {
  Population p;
  Random random(99);
  const double support[] = {0.35, 0.5, 0.6, 0.42};
  const double turnout[] = {0.45, 0.6, 0.7, 0.55};
  const int sizes[] = {1500, 900, 600, 1000};
  double a = 0;
  double m = 0;
  for (int r = 0; r < 4; ++r) {
    for (int i = 0; i < sizes[r]; ++i) {
      const std::string code = "R" + std::to_string(r) + "-" + std::to_string(i);
      const auto registered = static_cast<std::int64_t>(300 + random.Below(2700));
      const double t = std::clamp(turnout[r] + 0.2 * (random.Uniform01() - 0.5), 0.05, 0.95);
      const double s = std::clamp(support[r] + 0.3 * (random.Uniform01() - 0.5), 0.0, 1.0);
      const auto cast = static_cast<std::int64_t>(t * static_cast<double>(registered));
      const auto invalid = cast / 50;
      const auto votes_a = static_cast<std::int64_t>(s * static_cast<double>(cast - invalid));
      const std::int64_t votes_b = cast - invalid - votes_a;
      p.stations.push_back({code, "R" + std::to_string(r), registered});
      p.results.push_back({code, registered, cast, invalid, {votes_a, votes_b}});
      a += static_cast<double>(votes_a);
      m += static_cast<double>(votes_a + votes_b);
    }
  }
  p.truth = a / m;
  return p;
}

// 2,000 samples, seeds 1 to 2,000: the 95% intervals must cover the truth
// 93-97% of the time.
double Coverage(const Population& p, bool stratified) {
  std::vector<PvtStation> stations = p.stations;
  if (!stratified) {
    for (PvtStation& s : stations) s.stratum.clear();
  }
  int covered = 0;
  constexpr int kSamples = 2000;
  for (int seed = 1; seed <= kSamples; ++seed) {
    auto draw = DrawPvtSample(stations, {.seed = static_cast<std::uint64_t>(seed), .sample = 300});
    EXPECT_TRUE(draw.has_value());
    const PvtEstimate e = EstimatePvt(*draw, {"A", "B"}, p.results);
    const RatioEstimate& a = e.combined[0];
    if (std::abs(a.estimate - p.truth) <= a.margin95) ++covered;
  }
  return static_cast<double>(covered) / kSamples;
}

TEST(PvtEstimate, NinetyFivePercentIntervalsCoverTheTruthInSimpleSamples) {
  const Population p = MakePopulation();
  const double coverage = Coverage(p, false);
  EXPECT_GE(coverage, 0.93);
  EXPECT_LE(coverage, 0.97);
}

TEST(PvtEstimate, NinetyFivePercentIntervalsCoverTheTruthInStratifiedSamples) {
  const Population p = MakePopulation();
  const double coverage = Coverage(p, true);
  EXPECT_GE(coverage, 0.93);
  EXPECT_LE(coverage, 0.97);
}

}  // namespace
}  // namespace vigil::analysis
