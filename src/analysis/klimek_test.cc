#include "analysis/klimek.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace vigil::analysis {
namespace {

TEST(Klimek, FraudMovesNonVotersAndOthersToTheWinner) {
  // 1000 voters, 200 for the winner and 300 for the others: x = 0.5 adds
  // floor(0.5 * 500) = 250 non-voters and moves round(0.5 * 300) = 150.
  EXPECT_EQ(ApplyKlimekFraud(1000, 200, 300, 0.5, 1),
            std::make_pair(std::int64_t{600}, std::int64_t{150}));
  // alpha = 2 moves round(0.25 * 300) = 75 (75.0 exactly).
  EXPECT_EQ(ApplyKlimekFraud(1000, 200, 300, 0.5, 2),
            std::make_pair(std::int64_t{525}, std::int64_t{225}));
  // floor for the added ballots: 0.3 * 499 = 149.7 -> 149; round(0.3 * 301) = 90.3 -> 90.
  EXPECT_EQ(ApplyKlimekFraud(1000, 200, 301, 0.3, 1),
            std::make_pair(std::int64_t{439}, std::int64_t{211}));
  // No fraud, no change.
  EXPECT_EQ(ApplyKlimekFraud(1000, 200, 300, 0, 1),
            std::make_pair(std::int64_t{200}, std::int64_t{300}));
}

TEST(Klimek, InclusionRules) {
  EXPECT_TRUE(IncludedInKlimekModel({100, 50, 20}));
  EXPECT_FALSE(IncludedInKlimekModel({99, 50, 20}));    // under 100 voters
  EXPECT_FALSE(IncludedInKlimekModel({100, 0, 0}));     // no votes
  EXPECT_FALSE(IncludedInKlimekModel({100, 101, 20}));  // more votes than voters
  EXPECT_FALSE(IncludedInKlimekModel({100, 50, 51}));   // leader above all votes
}

TEST(Klimek, BaselineIsThePeakAndTheWidthBelowIt) {
  // Turnouts: 40 stations at 0.52 (the peak, bin 52), 10 at 0.42 and 10 at
  // 0.90; shares: 40 at 0.31, 20 at 0.21. The centre is the bin's middle.
  std::vector<KlimekStation> s;
  for (int i = 0; i < 40; ++i) s.push_back({1000, 520, 161});  // 161/520 = 0.3096
  for (int i = 0; i < 10; ++i) s.push_back({1000, 420, 88});   // 0.2095
  for (int i = 0; i < 10; ++i) s.push_back({1000, 900, 189});  // 0.21
  const KlimekBaseline b = EstimateKlimekBaseline(s);
  EXPECT_DOUBLE_EQ(b.turnout, 0.525);
  // Below 0.525: 40 at 0.52 (0.005) and 10 at 0.42 (0.105).
  EXPECT_NEAR(b.turnout_sd, std::sqrt((40 * 0.005 * 0.005 + 10 * 0.105 * 0.105) / 50), 1e-12);
  EXPECT_DOUBLE_EQ(b.share, 0.305);
  // Below 0.305: the 20 stations at about 0.21.
  const double d1 = 88.0 / 420 - 0.305;
  const double d2 = 189.0 / 900 - 0.305;
  EXPECT_NEAR(b.share_sd, std::sqrt((10 * d1 * d1 + 10 * d2 * d2) / 20), 1e-12);
}

std::vector<std::int64_t> Electorates(int n) {
  std::vector<std::int64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(300 + (i * 7919) % 2700);
  return out;
}

const KlimekBaseline kFair{.turnout = 0.55, .turnout_sd = 0.08, .share = 0.45, .share_sd = 0.07};

TEST(Klimek, SimulationIsReproducibleAndFair) {
  const auto registered = Electorates(20000);
  const KlimekParameters fair{.fair = kFair};
  const auto a = SimulateKlimek(registered, fair, 7);
  const auto b = SimulateKlimek(registered, fair, 7);
  ASSERT_EQ(a.size(), registered.size());
  double turnout = 0;
  double share = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].votes, b[i].votes);
    EXPECT_EQ(a[i].leader, b[i].leader);
    turnout += static_cast<double>(a[i].votes) / static_cast<double>(a[i].registered);
    share += static_cast<double>(a[i].leader) / static_cast<double>(a[i].votes);
  }
  // Truncation at 0 and 1 is negligible this far from the bounds.
  EXPECT_NEAR(turnout / 20000, 0.55, 0.003);
  EXPECT_NEAR(share / 20000, 0.45, 0.003);
}

// The position of theta in the grid (-1 if it is not on it).
int ThetaIndex(double theta) {
  const auto* it = std::find(std::begin(kKlimekThetas), std::end(kKlimekThetas), theta);
  return it == std::end(kKlimekThetas) ? -1 : static_cast<int>(it - std::begin(kKlimekThetas));
}

struct Planted {
  double incremental, extreme, alpha, theta;
};

class KlimekRecovery : public testing::TestWithParam<Planted> {};

TEST_P(KlimekRecovery, RecoversPlantedFraud) {
  const Planted planted = GetParam();
  const auto registered = Electorates(20000);
  const KlimekParameters truth{.fair = kFair,
                               .incremental = planted.incremental,
                               .extreme = planted.extreme,
                               .alpha = planted.alpha,
                               .theta = planted.theta};
  const auto election = SimulateKlimek(registered, truth, 2012);
  const KlimekFit fit = FitKlimekModel(election, {.seed = 1, .simulations = 5});
  ASSERT_TRUE(fit.fitted);
  const KlimekParameters& p = fit.parameters;
  // Tolerances: f_i within 0.08, f_e within 0.01; alpha exactly and theta
  // within one grid step where incremental fraud is planted. The fair
  // baseline is re-estimated from the fraudulent data, as on real data.
  EXPECT_NEAR(p.incremental, planted.incremental, 0.08);
  EXPECT_NEAR(p.extreme, planted.extreme, 0.01);
  if (planted.incremental >= 0.1) {
    EXPECT_EQ(p.alpha, planted.alpha);
    EXPECT_LE(std::abs(ThetaIndex(p.theta) - ThetaIndex(planted.theta)), 1);
  }
  EXPECT_NEAR(p.fair.turnout, kFair.turnout, 0.01);
  EXPECT_NEAR(p.fair.share, kFair.share, 0.01);
  EXPECT_LE(fit.distance, fit.fair_distance);
}

INSTANTIATE_TEST_SUITE_P(Planted, KlimekRecovery,
                         testing::Values(Planted{0, 0, 1, 0.1}, Planted{0.3, 0.03, 1, 0.25},
                                         Planted{0.23, 0.017, 2, 0.3}, Planted{0.6, 0.04, 0.5, 0.2},
                                         Planted{0.1, 0, 1.5, 0.3}, Planted{0.45, 0.012, 1, 0.2},
                                         Planted{0.64, 0.033, 1, 0.4}, Planted{0, 0.05, 1, 0.1}));

TEST(Klimek, FitDoesNotDependOnThreads) {
  const auto registered = Electorates(5000);
  const KlimekParameters truth{.fair = kFair, .incremental = 0.2, .extreme = 0.02};
  const auto election = SimulateKlimek(registered, truth, 5);
  const KlimekFit one = FitKlimekModel(election, {.seed = 3, .simulations = 3, .threads = 1});
  const KlimekFit two = FitKlimekModel(election, {.seed = 3, .simulations = 3, .threads = 2});
  EXPECT_EQ(one.distance, two.distance);
  EXPECT_EQ(one.parameters.incremental, two.parameters.incremental);
  EXPECT_EQ(one.parameters.extreme, two.parameters.extreme);
  EXPECT_EQ(one.parameters.alpha, two.parameters.alpha);
  EXPECT_EQ(one.fair_distance, two.fair_distance);
}

TEST(Klimek, NoQualifyingStationIsNotFitted) {
  const std::vector<KlimekStation> small{{50, 30, 10}};
  const KlimekFit fit = FitKlimekModel(small, {});
  EXPECT_FALSE(fit.fitted);
  EXPECT_EQ(fit.stations_used, 0);
}

}  // namespace
}  // namespace vigil::analysis
