// The integer-percentage test of Kobak, Shpilkin and Pshenichnikov,
// "Integer percentages as electoral falsification fingerprints", Annals of
// Applied Statistics 10(1), 2016. Where results are written to order, the
// ordered turnout or leader's share is often a round percentage, so more
// stations sit exactly on integer percentages than chance allows. The test
// counts them and compares the count with a binomial null: the same
// stations with their counts redrawn at their own rates. It measures one
// kind of fabrication; honest counts are never flagged by design, but small
// stations (where few counts are possible) are excluded because integer
// percentages are common there by arithmetic. Pure: no storage.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/results.h"

namespace vigil::analysis {

// One station as the test sees it.
struct IntegerTestStation {
  std::int64_t registered = 0;  // voters on the list
  std::int64_t issued = 0;      // ballots issued
  std::int64_t cast = 0;        // valid + invalid ("received" in the paper)
  std::int64_t leader = 0;      // the leader's votes
};

// The paper's inclusion rules: cast > 0, registered >= 100, turnout =
// issued / registered <= 0.99 and leader share = leader / cast <= 0.99.
bool IncludedInIntegerTest(const IntegerTestStation& s);

// Whether count / base, in percent, is within 0.05 of an integer (exact
// integer arithmetic: |2000 count - 20 base round(100 count / base)| <= base).
bool IsIntegerPercentage(std::int64_t count, std::int64_t base);

enum class IntegerCriterion { kTurnout, kLeader, kEither };
enum class IntegerWeight { kStations, kVoters, kIssued, kLeaderVotes };
const char* CriterionName(IntegerCriterion c);
const char* WeightName(IntegerWeight w);

struct IntegerTestResult {
  IntegerCriterion criterion;
  IntegerWeight weight;
  double observed = 0;  // weighted count of integer stations in the data
  double null_mean = 0;
  double null_sd = 0;
  double null_p999 = 0;  // 99.9th percentile of the null (R type 7)
  double excess = 0;     // observed - null_mean
};

struct IntegerTestOptions {
  int replicates = 1000;
  std::uint64_t seed = 1;
  int threads = 0;  // 0: one per core; the result does not depend on it
};

// Stations at each integer percentage (0 to 100) of one quantity, in the
// data and under the null (mean and SD, computed exactly from the
// stations' binomial distributions), for the picture of the counts against
// the null band.
struct IntegerProfile {
  std::array<double, 101> observed{};
  std::array<double, 101> null_mean{};
  std::array<double, 101> null_sd{};
};

struct IntegerTestReport {
  int replicates = 0;
  std::uint64_t seed = 0;
  std::int64_t stations_used = 0;
  std::vector<IntegerTestResult> results;  // 3 criteria x 4 weights
  IntegerProfile turnout;                  // issued / registered
  IntegerProfile leader;                   // leader / cast
};

// The null redraws, for each included station independently, issued ~
// Binomial(registered, issued / registered) and leader ~ Binomial(cast,
// leader / cast), and recounts. It is simulated exactly but without
// drawing whole counts: for each station the probabilities that the
// redrawn turnout and share are integer percentages are computed from the
// binomial distributions, and each replicate draws two uniforms per
// station, from the station's own stream Random(Stream(seed, station)),
// one per criterion. Weights are the station's observed figures, in the
// null as in the data: a weighting changes how much a station counts, not
// whether it is integer.
IntegerTestReport RunIntegerTest(std::span<const IntegerTestStation> stations,
                                 const IntegerTestOptions& options);

// The stations of `table` with the figures the test needs, for contestant
// `leader` (usually table.Leader()). Stations missing a figure are left out.
std::vector<IntegerTestStation> IntegerTestStations(const core::ResultsTable& table, int leader);

}  // namespace vigil::analysis
