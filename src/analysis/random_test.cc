#include "analysis/random.h"

#include <gtest/gtest.h>

#include <array>

namespace vigil::analysis {
namespace {

TEST(SplitMix64, MatchesTheReferenceSequence) {
  // The first outputs for seed 1234567 of the reference implementation
  // (Vigna, splitmix64.c), as widely published.
  std::uint64_t state = 1234567;
  EXPECT_EQ(SplitMix64(state), 6457827717110365317ULL);
  EXPECT_EQ(SplitMix64(state), 3203168211198807973ULL);
  EXPECT_EQ(SplitMix64(state), 9817491932198370423ULL);
}

TEST(Random, MatchesXoshiro256StarStarSeededBySplitMix64) {
  // Computed with an independent transcription of xoshiro256starstar.c,
  // seeded with SplitMix64(42) as random.h specifies.
  Random r(42);
  EXPECT_EQ(r.Next(), 1546998764402558742ULL);
  EXPECT_EQ(r.Next(), 6990951692964543102ULL);
  EXPECT_EQ(r.Next(), 12544586762248559009ULL);
}

TEST(Random, StreamsDifferByIndexAndSeed) {
  EXPECT_NE(Stream(7, 0), Stream(7, 1));
  EXPECT_NE(Stream(7, 0), Stream(8, 0));
  EXPECT_EQ(Stream(7, 3), Stream(7, 3));
}

TEST(Random, Uniform01StaysInTheUnitInterval) {
  Random r(1);
  double sum = 0;
  constexpr int kDraws = 100000;
  for (int i = 0; i < kDraws; ++i) {
    const double u = r.Uniform01();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / kDraws, 0.5, 0.005);  // SD of the mean: 0.0009
}

TEST(Random, BelowIsUniformOverItsRange) {
  Random r(2);
  constexpr int kBins = 7;
  constexpr int kDraws = 70000;
  std::array<int, kBins> counts{};
  for (int i = 0; i < kDraws; ++i) {
    const std::uint64_t v = r.Below(kBins);
    ASSERT_LT(v, static_cast<std::uint64_t>(kBins));
    ++counts[v];
  }
  double chi2 = 0;
  for (int c : counts) chi2 += (c - 10000.0) * (c - 10000.0) / 10000.0;
  EXPECT_LT(chi2, 22.46);  // chi-square, 6 df, p = 0.001
}

}  // namespace
}  // namespace vigil::analysis
