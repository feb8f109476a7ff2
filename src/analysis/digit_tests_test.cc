#include "analysis/digit_tests.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "analysis/albania_fixture.h"

namespace vigil::analysis {
namespace {

std::vector<CountAndShare> Counts(std::initializer_list<std::int64_t> counts) {
  std::vector<CountAndShare> out;
  for (std::int64_t c : counts) out.push_back({c, 0.5});
  return out;
}

std::vector<CountAndShare> Shares(std::initializer_list<double> shares) {
  std::vector<CountAndShare> out;
  for (double s : shares) out.push_back({1, s});
  return out;
}

TEST(DigitTests, SecondDigitMeanUsesCountsOfTwoOrMoreDigits) {
  std::int64_t n = 0;
  // 9 has no second digit; 12 -> 2, 305 -> 0, 4789 -> 7.
  EXPECT_DOUBLE_EQ(SecondDigitMean(Counts({9, 12, 305, 4789}), &n), 3.0);
  EXPECT_EQ(n, 3);
  EXPECT_TRUE(std::isnan(SecondDigitMean(Counts({1, 2}), &n)));
  EXPECT_EQ(n, 0);
}

TEST(DigitTests, LastDigitStatisticsUseEveryCount) {
  std::int64_t n = 0;
  EXPECT_DOUBLE_EQ(LastDigitMean(Counts({0, 5, 17, 123}), &n), (0 + 5 + 7 + 3) / 4.0);
  EXPECT_EQ(n, 4);
  EXPECT_DOUBLE_EQ(CountsEndingIn0Or5(Counts({0, 5, 17, 123, 40}), &n), 3 / 5.0);
  EXPECT_EQ(n, 5);
}

TEST(DigitTests, PercentagesRoundHalfToEvenBeforeTheirLastDigitIsRead) {
  std::int64_t n = 0;
  // 10% and 45% end in 0 or 5; 33.3% -> 33 does not; 4.5% -> 4 (half to
  // even) does not, where rounding half up would give 5.
  EXPECT_DOUBLE_EQ(PercentagesEndingIn0Or5(Shares({0.10, 0.45, 0.333, 0.045}), &n), 0.5);
  EXPECT_EQ(n, 4);
  EXPECT_DOUBLE_EQ(PercentagesEndingIn0Or5(Shares({0.5, NAN}), &n), 1.0);
  EXPECT_EQ(n, 1);  // a station without a share is left out
}

TEST(DigitTests, SkewnessAndKurtosisArePopulationMoments) {
  std::int64_t n = 0;
  // Shares 0, 0, 0, 1: mean 1/4, m2 = 3/16, m3 = 3/32, m4 = 21/256.
  const auto shares = Shares({0, 0, 0, 1});
  EXPECT_NEAR(ShareSkewness(shares, &n), (3.0 / 32) / std::pow(3.0 / 16, 1.5), 1e-12);
  EXPECT_NEAR(ShareKurtosis(shares, &n), (21.0 / 256) / (9.0 / 256), 1e-12);
  EXPECT_EQ(n, 4);
  EXPECT_NEAR(ShareSkewness(Shares({0.2, 0.4, 0.6}), &n), 0.0, 1e-12);  // symmetric
  EXPECT_TRUE(std::isnan(ShareKurtosis(Shares({0.3, 0.3}), &n)));       // no spread
}

TEST(DigitTests, SobyaninSukhovolskyIsTheSlopeBeyondTheMeanShare) {
  // share = 2 turnout - 0.5: slope 2, mean share 0.5.
  const std::vector<double> turnout = {0.4, 0.5, 0.6, NAN};
  const std::vector<double> share = {0.3, 0.5, 0.7, 0.9};  // the NaN pair is left out
  EXPECT_NEAR(SobyaninSukhovolsky(turnout, share), 1.5, 1e-12);
  EXPECT_NEAR(TurnoutShareCorrelation(turnout, share), 1.0, 1e-12);
  const std::vector<double> rising = {0.4, 0.5, 0.6};
  const std::vector<double> falling = {0.7, 0.5, 0.3};
  EXPECT_NEAR(TurnoutShareCorrelation(rising, falling), -1.0, 1e-12);
  // A share that does not move with turnout: slope 0, minus the mean.
  const std::vector<double> flat = {0.5, 0.5, 0.5};
  EXPECT_NEAR(SobyaninSukhovolsky(rising, flat), -0.5, 1e-12);
  EXPECT_TRUE(std::isnan(TurnoutShareCorrelation(rising, flat)));  // no spread
  const std::vector<double> one = {0.4};
  EXPECT_TRUE(std::isnan(SobyaninSukhovolsky(one, one)));
}

TEST(DigitTests, QuantileInterpolatesAsRType7) {
  const std::vector<double> sorted = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(QuantileType7(sorted, 0.0), 1);
  EXPECT_DOUBLE_EQ(QuantileType7(sorted, 1.0), 4);
  EXPECT_DOUBLE_EQ(QuantileType7(sorted, 0.5), 2.5);      // R: quantile(1:4, .5)
  EXPECT_DOUBLE_EQ(QuantileType7(sorted, 0.025), 1.075);  // R: quantile(1:4, .025)
}

struct Reference {
  std::string prefecture;
  std::int64_t n;
  double two_bl, p05s, c05s, skew, kurt;
};

// EFToolkit's published table (three decimals).
const Reference kAlbania[] = {
    {"BERAT", 300, 4.244, 0.197, 0.217, 0.261, 3.474},
    {"FIER", 558, 4.373, 0.208, 0.181, 1.582, 4.572},
};

TEST(DigitTests, ReproduceTheElectionForensicsToolkitOnAlbania2013) {
  const auto turnout = AlbaniaTurnout();
  for (const Reference& ref : kAlbania) {
    SCOPED_TRACE(ref.prefecture);
    const auto it = turnout.find(ref.prefecture);
    ASSERT_NE(it, turnout.end());
    const auto results = RunDigitTests(it->second, 200, 1);
    std::map<std::string, DigitTestResult> by_name;
    for (const auto& r : results) by_name[r.statistic] = r;
    EXPECT_EQ(by_name["C05s"].n, ref.n);
    EXPECT_NEAR(by_name["2BL"].value, ref.two_bl, 0.0005);
    EXPECT_NEAR(by_name["P05s"].value, ref.p05s, 0.0005);
    EXPECT_NEAR(by_name["C05s"].value, ref.c05s, 0.0005);
    EXPECT_NEAR(by_name["Skew"].value, ref.skew, 0.0005);
    EXPECT_NEAR(by_name["Kurt"].value, ref.kurt, 0.0005);
  }
}

TEST(DigitTests, BootstrapIntervalsHoldThePointAndFlagOnlyWhatTheyExclude) {
  const auto fier = AlbaniaTurnout().at("FIER");
  const auto results = RunDigitTests(fier, 1000, 2013);
  std::map<std::string, DigitTestResult> by_name;
  for (const auto& r : results) by_name[r.statistic] = r;
  for (const auto& r : results) {
    SCOPED_TRACE(r.statistic);
    EXPECT_LT(r.ci_low, r.value);
    EXPECT_GT(r.ci_high, r.value);
    EXPECT_EQ(r.flagged, r.expected < r.ci_low || r.expected > r.ci_high);
  }
  // FIER's turnout is far from normal (skew 1.58) but its P05s (0.208) is
  // well inside sampling noise of 0.2.
  EXPECT_TRUE(by_name["Skew"].flagged);
  EXPECT_FALSE(by_name["P05s"].flagged);
}

TEST(DigitTests, BootstrapFlagsCountsRoundedToFives) {
  // 400 stations whose counts all end in 0 or 5: C05s = 1, far above 0.2.
  std::vector<CountAndShare> rounded;
  for (int i = 0; i < 400; ++i) rounded.push_back({100 + 5 * i, 0.5 + 0.001 * (i % 97)});
  const auto results = RunDigitTests(rounded, 300, 9);
  EXPECT_EQ(results[2].statistic, "C05s");
  EXPECT_DOUBLE_EQ(results[2].value, 1.0);
  EXPECT_TRUE(results[2].flagged);
}

TEST(DigitTests, ResultsDependOnlyOnTheInputAndTheSeed) {
  const auto berat = AlbaniaTurnout().at("BERAT");
  const auto a = RunDigitTests(berat, 300, 5);
  const auto b = RunDigitTests(berat, 300, 5);
  const auto c = RunDigitTests(berat, 300, 6);
  bool any_differs = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].ci_low, b[i].ci_low);
    EXPECT_EQ(a[i].ci_high, b[i].ci_high);
    any_differs = any_differs || a[i].ci_low != c[i].ci_low;
  }
  EXPECT_TRUE(any_differs);
}

}  // namespace
}  // namespace vigil::analysis
