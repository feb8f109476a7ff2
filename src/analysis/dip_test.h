// Hartigan's dip test of unimodality: J. A. Hartigan and P. M. Hartigan,
// "The Dip Test of Unimodality", Annals of Statistics 13(1), 1985, computed
// with P. M. Hartigan's algorithm AS 217 (Applied Statistics 34(3), 1985).
// The dip is the largest distance between the empirical distribution
// function and the closest unimodal distribution function. A second mode,
// such as a group of stations reporting far higher turnout than the rest,
// raises it; a long tail alone does not. Pure: no storage.
#pragma once

#include <cstdint>
#include <vector>

namespace vigil::analysis {

// The dip of `values` (any order; non-finite values are left out). At
// least 1 / (2n), as R's diptest::dip; 0 for no values.
double DipStatistic(std::vector<double> values);

// P(dip of n uniform values >= dip), estimated from `replicates` samples of
// the uniform distribution, the least favourable unimodal null (as R's
// diptest::dip.test(simulate.p.value = TRUE)). Sample r uses
// Random(Stream(seed, r)). Above kDipSimulationCap values, samples of that
// size are compared on the sqrt(n) dip scale, whose distribution converges
// (R's dip.test does the same beyond its table).
constexpr std::size_t kDipSimulationCap = 20000;
// `threads` 0: one per core; the result does not depend on it.
double DipPValue(double dip, std::size_t n, int replicates, std::uint64_t seed, int threads = 0);

}  // namespace vigil::analysis
