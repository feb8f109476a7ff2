#include "analysis/last_digits.h"

#include <gtest/gtest.h>

#include <vector>

#include "analysis/random.h"

namespace vigil::analysis {
namespace {

TEST(LastDigits, CountsDigitsPairsAndSkipsSmallCounts) {
  // 111: repeated; 123 and 298: adjacent; 390: neither (0 and 9 are not
  // adjacent); 99 is below 100 and left out.
  const std::vector<std::int64_t> counts = {111, 123, 298, 390, 99};
  const LastDigitTests t = RunLastDigitTests(counts);
  EXPECT_EQ(t.n, 4);
  EXPECT_EQ(t.digit_counts[1], 1);
  EXPECT_EQ(t.digit_counts[3], 1);
  EXPECT_EQ(t.digit_counts[8], 1);
  EXPECT_EQ(t.digit_counts[0], 1);
  EXPECT_DOUBLE_EQ(t.repeated_share, 0.25);
  EXPECT_DOUBLE_EQ(t.adjacent_share, 0.5);
}

TEST(LastDigits, PValuesMatchHandComputedValues) {
  // 100 counts, each digit 10 times: chi-square 0, p = 1.
  std::vector<std::int64_t> even;
  for (int i = 0; i < 100; ++i) even.push_back(100 + i);
  const LastDigitTests t = RunLastDigitTests(even);
  EXPECT_DOUBLE_EQ(t.chi_square, 0);
  EXPECT_NEAR(t.uniform_p, 1.0, 1e-12);
  // Last two digits 00..99 once each: 10 repeated, 18 adjacent, exactly as
  // expected, so P(X <= 10 | 100, 0.1) and P(X >= 18 | 100, 0.18) are both
  // a little over one half: 0.5832 and 0.5408 (R: pbinom(10, 100, .1),
  // 1 - pbinom(17, 100, .18)).
  EXPECT_NEAR(t.repeated_p, 0.58316, 1e-4);
  EXPECT_NEAR(t.adjacent_p, 0.54079, 1e-4);
}

TEST(LastDigits, ChiSquareOfAllZerosHasTheClosedForm) {
  // n counts all ending in 0: chi-square = 9n (one cell 9n/10 over, nine
  // cells n/10 under), far in the tail.
  const std::vector<std::int64_t> zeros(50, 120);
  const LastDigitTests t = RunLastDigitTests(zeros);
  EXPECT_DOUBLE_EQ(t.chi_square, 450);
  EXPECT_LT(t.uniform_p, 1e-80);
  EXPECT_DOUBLE_EQ(t.repeated_share, 0);  // 20: tens 2, last 0
}

TEST(LastDigits, HonestCountsPassAndInventedOnesFail) {
  Random random(17);
  std::vector<std::int64_t> honest;
  for (int i = 0; i < 20000; ++i)
    honest.push_back(100 + static_cast<std::int64_t>(random.Below(3000)));
  const LastDigitTests h = RunLastDigitTests(honest);
  EXPECT_GT(h.uniform_p, 0.001);
  EXPECT_GT(h.repeated_p, 0.001);
  EXPECT_GT(h.adjacent_p, 0.001);

  // Invented: a human favourite, avoiding doubles, liking neighbours.
  std::vector<std::int64_t> invented;
  for (int i = 0; i < 2000; ++i) {
    const std::int64_t hundreds = 1 + static_cast<std::int64_t>(random.Below(9));
    const std::int64_t tens = static_cast<std::int64_t>(random.Below(9));
    invented.push_back(hundreds * 100 + tens * 10 + tens + 1);  // last = tens + 1
  }
  const LastDigitTests f = RunLastDigitTests(invented);
  EXPECT_LT(f.uniform_p, 1e-6);  // no last digit 0
  EXPECT_LT(f.repeated_p, 1e-6);
  EXPECT_LT(f.adjacent_p, 1e-6);
}

TEST(LastDigits, NoCountsGiveNoEvidence) {
  const LastDigitTests t = RunLastDigitTests(std::vector<std::int64_t>{1, 22, 99});
  EXPECT_EQ(t.n, 0);
  EXPECT_EQ(t.uniform_p, 1);
  EXPECT_EQ(t.repeated_p, 1);
  EXPECT_EQ(t.adjacent_p, 1);
}

}  // namespace
}  // namespace vigil::analysis
