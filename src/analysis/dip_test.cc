#include "analysis/dip_test.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "analysis/random.h"

namespace vigil::analysis {

double DipStatistic(std::vector<double> values) {
  std::erase_if(values, [](double v) { return !std::isfinite(v); });
  const auto n = static_cast<std::int64_t>(values.size());
  if (n < 1) return 0;
  std::sort(values.begin(), values.end());
  // AS 217 works on 1-based arrays; x[1..n] keeps its index arithmetic.
  std::vector<double> x(static_cast<std::size_t>(n) + 1);
  std::copy(values.begin(), values.end(), x.begin() + 1);
  const auto X = [&](std::int64_t i) { return x[static_cast<std::size_t>(i)]; };
  double dip = 1;  // in units of 1/n, halved at the end: the minimum is 1/(2n)
  if (n < 2 || X(1) == X(n)) return dip / (2.0 * static_cast<double>(n));

  // mn[j]: the previous change point of the greatest convex minorant
  // through j; mj[k]: the next change point of the least concave majorant.
  std::vector<std::int64_t> mn(static_cast<std::size_t>(n) + 1);
  std::vector<std::int64_t> mj(static_cast<std::size_t>(n) + 1);
  const auto MN = [&](std::int64_t i) -> std::int64_t& { return mn[static_cast<std::size_t>(i)]; };
  const auto MJ = [&](std::int64_t i) -> std::int64_t& { return mj[static_cast<std::size_t>(i)]; };
  MN(1) = 1;
  for (std::int64_t j = 2; j <= n; ++j) {
    MN(j) = j - 1;
    while (true) {
      const std::int64_t mnj = MN(j);
      const std::int64_t mnmnj = MN(mnj);
      if (mnj == 1 || (X(j) - X(mnj)) * static_cast<double>(mnj - mnmnj) <
                          (X(mnj) - X(mnmnj)) * static_cast<double>(j - mnj)) {
        break;
      }
      MN(j) = mnmnj;
    }
  }
  MJ(n) = n;
  for (std::int64_t k = n - 1; k >= 1; --k) {
    MJ(k) = k + 1;
    while (true) {
      const std::int64_t mjk = MJ(k);
      const std::int64_t mjmjk = MJ(mjk);
      if (mjk == n || (X(k) - X(mjk)) * static_cast<double>(mjk - mjmjk) <
                          (X(mjk) - X(mjmjk)) * static_cast<double>(k - mjk)) {
        break;
      }
      MJ(k) = mjmjk;
    }
  }

  std::vector<std::int64_t> gcm(static_cast<std::size_t>(n) + 2);
  std::vector<std::int64_t> lcm(static_cast<std::size_t>(n) + 2);
  const auto G = [&](std::int64_t i) -> std::int64_t& { return gcm[static_cast<std::size_t>(i)]; };
  const auto L = [&](std::int64_t i) -> std::int64_t& { return lcm[static_cast<std::size_t>(i)]; };
  std::int64_t low = 1, high = n;
  while (true) {
    // Change points of the convex minorant from high down to low, and of
    // the concave majorant from low up to high.
    std::int64_t ic = 1;
    G(1) = high;
    while (G(ic) > low) {
      G(ic + 1) = MN(G(ic));
      ++ic;
    }
    const std::int64_t l_gcm = ic;
    std::int64_t ig = l_gcm, ix = l_gcm - 1;
    ic = 1;
    L(1) = low;
    while (L(ic) < high) {
      L(ic + 1) = MJ(L(ic));
      ++ic;
    }
    const std::int64_t l_lcm = ic;
    std::int64_t ih = l_lcm, iv = 2;

    // The largest distance between the two hulls between low and high.
    double d = 0;
    if (l_gcm != 2 || l_lcm != 2) {
      do {
        const std::int64_t gcmix = G(ix), lcmiv = L(iv);
        if (gcmix > lcmiv) {
          const std::int64_t gcmi1 = G(ix + 1);
          const double dx =
              static_cast<double>(lcmiv - gcmi1 + 1) -
              (X(lcmiv) - X(gcmi1)) * static_cast<double>(gcmix - gcmi1) / (X(gcmix) - X(gcmi1));
          ++iv;
          if (dx >= d) {
            d = dx;
            ig = ix + 1;
            ih = iv - 1;
          }
        } else {
          const std::int64_t lcmiv1 = L(iv - 1);
          const double dx = (X(gcmix) - X(lcmiv1)) * static_cast<double>(lcmiv - lcmiv1) /
                                (X(lcmiv) - X(lcmiv1)) -
                            static_cast<double>(gcmix - lcmiv1 - 1);
          --ix;
          if (dx >= d) {
            d = dx;
            ig = ix + 1;
            ih = iv;
          }
        }
        ix = std::max<std::int64_t>(ix, 1);
        iv = std::min(iv, l_lcm);
      } while (G(ix) != L(iv));
    } else {
      d = 1;
    }
    if (d < dip) break;

    // The dips of the convex minorant and of the concave majorant on their
    // stretches between low and high.
    double dip_l = 0;
    for (std::int64_t j = ig; j < l_gcm; ++j) {
      double max_t = 1;
      const std::int64_t j_ = G(j), jb = G(j + 1);
      if (j_ - jb > 1 && X(j_) != X(jb)) {
        const double c = static_cast<double>(j_ - jb) / (X(j_) - X(jb));
        for (std::int64_t jj = jb; jj <= j_; ++jj) {
          max_t = std::max(max_t, static_cast<double>(jj - jb + 1) - (X(jj) - X(jb)) * c);
        }
      }
      dip_l = std::max(dip_l, max_t);
    }
    double dip_u = 0;
    for (std::int64_t j = ih; j < l_lcm; ++j) {
      double max_t = 1;
      const std::int64_t j_ = L(j), jb = L(j + 1);
      if (jb - j_ > 1 && X(jb) != X(j_)) {
        const double c = static_cast<double>(jb - j_) / (X(jb) - X(j_));
        for (std::int64_t jj = j_; jj <= jb; ++jj) {
          max_t = std::max(max_t, (X(jj) - X(j_)) * c - static_cast<double>(jj - j_ - 1));
        }
      }
      dip_u = std::max(dip_u, max_t);
    }
    dip = std::max({dip, dip_l, dip_u});

    if (low == G(ig) && high == L(ih)) break;  // the modal interval no longer shrinks
    low = G(ig);
    high = L(ih);
  }
  return dip / (2.0 * static_cast<double>(n));
}

double DipPValue(double dip, std::size_t n, int replicates, std::uint64_t seed, int threads) {
  if (n < 2 || replicates < 1) return 1;
  // sqrt(n) dip converges in distribution, so large samples are compared
  // on that scale with simulated samples of kDipSimulationCap values.
  const std::size_t m = std::min(n, kDipSimulationCap);
  const double threshold = dip * std::sqrt(static_cast<double>(n) / static_cast<double>(m));
  // Threads take interleaved replicates; integer counts add up the same in
  // any order.
  threads =
      std::clamp(threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency()), 1,
                 std::max(1, replicates));
  std::vector<std::int64_t> at_least(static_cast<std::size_t>(threads), 0);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::vector<double> sample(m);
      for (int r = t; r < replicates; r += threads) {
        Random random(Stream(seed, static_cast<std::uint64_t>(r)));
        for (double& v : sample) v = random.Uniform01();
        if (DipStatistic(sample) >= threshold) ++at_least[static_cast<std::size_t>(t)];
      }
    });
  }
  for (std::thread& w : workers) w.join();
  std::int64_t total = 0;
  for (std::int64_t a : at_least) total += a;
  return static_cast<double>(total) / replicates;
}

}  // namespace vigil::analysis
