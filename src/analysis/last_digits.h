// Last-digit tests of Beber and Scacco, "What the Numbers Say: A
// Digit-Based Test for Election Fraud", Political Analysis 20(2), 2012.
// People who invent numbers pick last digits unevenly, repeat a digit
// (11, 22) too rarely and write adjacent digits (23, 98) too often; in
// honest counts the last two digits are close to uniform. The tests use
// every contestant's count at every station, from 100 votes up: in a
// two-digit count the last digit is Benford's second digit (0 is 12%, 9 is
// 8.5%), which would flag honest results from a few thousand counts on,
// while a count's third digit is close to uniform (10.2% to 9.8%). They
// detect invented numbers, not stuffing or switching that keeps counts
// realistic. Pure: no storage.
#pragma once

#include <cstdint>
#include <span>

namespace vigil::analysis {

struct LastDigitTests {
  std::int64_t n = 0;  // counts used (>= 100)
  std::int64_t digit_counts[10] = {};
  double chi_square = 0;      // against uniform last digits, 9 df
  double uniform_p = 0;       // P(chi-square >= observed)
  double repeated_share = 0;  // last two digits equal (expected 0.10)
  double repeated_p = 0;      // P(as few or fewer), binomial
  double adjacent_share = 0;  // last two digits differ by 1 (expected 0.18)
  double adjacent_p = 0;      // P(as many or more), binomial
};

// Counts below kLastDigitsMinimum are skipped. With no count left, n is 0
// and the p-values are 1.
constexpr std::int64_t kLastDigitsMinimum = 100;
LastDigitTests RunLastDigitTests(std::span<const std::int64_t> counts);

}  // namespace vigil::analysis
