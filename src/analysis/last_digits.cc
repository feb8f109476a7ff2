#include "analysis/last_digits.h"

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <cstdlib>

namespace vigil::analysis {

LastDigitTests RunLastDigitTests(std::span<const std::int64_t> counts) {
  LastDigitTests t;
  std::int64_t repeated = 0;
  std::int64_t adjacent = 0;
  for (std::int64_t c : counts) {
    if (c < kLastDigitsMinimum) continue;
    const std::int64_t last = c % 10;
    const std::int64_t tens = (c / 10) % 10;
    ++t.n;
    ++t.digit_counts[last];
    if (last == tens) ++repeated;
    if (std::abs(last - tens) == 1) ++adjacent;
  }
  t.uniform_p = t.repeated_p = t.adjacent_p = 1;
  if (t.n == 0) return t;

  const double n = static_cast<double>(t.n);
  const double expected = n / 10;
  for (std::int64_t observed : t.digit_counts) {
    const double d = static_cast<double>(observed) - expected;
    t.chi_square += d * d / expected;
  }
  t.uniform_p =
      boost::math::cdf(boost::math::complement(boost::math::chi_squared(9), t.chi_square));

  t.repeated_share = static_cast<double>(repeated) / n;
  t.repeated_p = boost::math::cdf(boost::math::binomial(n, 0.10), static_cast<double>(repeated));
  t.adjacent_share = static_cast<double>(adjacent) / n;
  // P(X >= adjacent) = 1 - P(X <= adjacent - 1).
  t.adjacent_p = adjacent == 0
                     ? 1.0
                     : boost::math::cdf(boost::math::complement(boost::math::binomial(n, 0.18),
                                                                static_cast<double>(adjacent - 1)));
  return t;
}

}  // namespace vigil::analysis
