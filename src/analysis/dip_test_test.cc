#include "analysis/dip_test.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "analysis/albania_fixture.h"
#include "analysis/random.h"

namespace vigil::analysis {
namespace {

// Reference values from R's diptest package (dip(), dip.test()), version
// 0.76 as packaged by Debian 12.

TEST(DipTest, EvenlySpacedValuesHaveTheMinimumDip) {
  EXPECT_DOUBLE_EQ(DipStatistic({1, 2, 3, 4, 5}), 0.1);  // 1 / (2n)
  EXPECT_DOUBLE_EQ(DipStatistic({3, 1, 5, 2, 4}), 0.1);  // any order
  EXPECT_DOUBLE_EQ(DipStatistic({7, 7, 7}), 1.0 / 6);    // no spread
  EXPECT_EQ(DipStatistic({}), 0);
}

TEST(DipTest, TwoClustersMatchR) {
  // R: dip(c(1, 1.1, 1.2, 1.3, 10, 10.1, 10.2, 10.3)) = 0.2416667.
  EXPECT_NEAR(DipStatistic({1, 1.1, 1.2, 1.3, 10, 10.1, 10.2, 10.3}), 0.2416667, 1e-7);
}

TEST(DipTest, AlbaniaTurnoutMatchesRAndThePublishedPValue) {
  const auto turnout = AlbaniaTurnout();
  // BERAT has one station without registered voters (turnout not finite),
  // left out as R's dip() needs: 299 values.
  const double berat = DipStatistic(Shares(turnout.at("BERAT")));
  EXPECT_NEAR(berat, 0.01938716, 1e-8);
  // EFToolkit publishes p = 0.651 (R's table); simulation with 2,000
  // samples has a standard error of about 0.011.
  EXPECT_NEAR(DipPValue(berat, 299, 2000, 1), 0.651, 0.04);
  const double fier = DipStatistic(Shares(turnout.at("FIER")));
  EXPECT_NEAR(fier, 0.05225533, 1e-8);
  EXPECT_EQ(DipPValue(fier, 558, 500, 1), 0);  // R: p < 2.2e-16
}

TEST(DipTest, LargeSamplesAreComparedOnTheSqrtNScale) {
  // Under the null (uniform values) p-values are uniform. Samples beyond
  // the simulation cap have smaller dips than the capped simulations; on
  // the raw scale every p-value would be near 1.
  double sum = 0;
  constexpr int kSamples = 6;
  for (int s = 0; s < kSamples; ++s) {
    Random random(Stream(99, static_cast<std::uint64_t>(s)));
    std::vector<double> values(2 * kDipSimulationCap);
    for (double& v : values) v = random.Uniform01();
    sum += DipPValue(DipStatistic(values), values.size(), 60, 7);
  }
  EXPECT_GT(sum / kSamples, 0.15);
  EXPECT_LT(sum / kSamples, 0.85);
}

}  // namespace
}  // namespace vigil::analysis
