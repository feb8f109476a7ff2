#include "analysis/integer_percentage.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <vector>

#include "analysis/random.h"

namespace vigil::analysis {
namespace {

TEST(IntegerPercentage, IsIntegerWithinFiveHundredthsOfAPercent) {
  EXPECT_TRUE(IsIntegerPercentage(1, 100));        // 1%
  EXPECT_TRUE(IsIntegerPercentage(0, 250));        // 0%
  EXPECT_TRUE(IsIntegerPercentage(250, 250));      // 100%
  EXPECT_TRUE(IsIntegerPercentage(1005, 20000));   // 5.025%
  EXPECT_TRUE(IsIntegerPercentage(101, 2000));     // 5.05%: on the edge, counted
  EXPECT_TRUE(IsIntegerPercentage(99, 2000));      // 4.95%: on the edge, counted
  EXPECT_FALSE(IsIntegerPercentage(1011, 20000));  // 5.055%
  EXPECT_FALSE(IsIntegerPercentage(3, 7));         // 42.857%
  EXPECT_FALSE(IsIntegerPercentage(1, 3));         // 33.33%
  EXPECT_FALSE(IsIntegerPercentage(5, 0));
}

TEST(IntegerPercentage, InclusionFollowsThePaper) {
  const IntegerTestStation ok{.registered = 100, .issued = 99, .cast = 90, .leader = 89};
  EXPECT_TRUE(IncludedInIntegerTest(ok));  // 99% turnout and 98.9% share are allowed
  auto s = ok;
  s.registered = 99;
  EXPECT_FALSE(IncludedInIntegerTest(s));  // fewer than 100 voters
  s = ok;
  s.issued = 100;
  EXPECT_FALSE(IncludedInIntegerTest(s));  // turnout above 0.99
  s = ok;
  s.leader = 90;
  EXPECT_FALSE(IncludedInIntegerTest(s));  // share above 0.99
  s = ok;
  s.cast = 0;
  s.leader = 0;
  EXPECT_FALSE(IncludedInIntegerTest(s));  // nothing cast
}

const IntegerTestResult& Find(const IntegerTestReport& report, IntegerCriterion c,
                              IntegerWeight w) {
  for (const auto& r : report.results) {
    if (r.criterion == c && r.weight == w) return r;
  }
  ADD_FAILURE() << "no result for " << CriterionName(c) << "/" << WeightName(w);
  return report.results.front();
}

TEST(IntegerPercentage, AStationOfAHundredVotersIsAlwaysInteger) {
  // With 100 voters every turnout is a whole percentage, in the data and in
  // every redraw; the share (base 150) is integer only at multiples of 3.
  const std::vector<IntegerTestStation> one = {
      {.registered = 100, .issued = 60, .cast = 150, .leader = 75}};
  const auto report = RunIntegerTest(one, {.replicates = 200, .seed = 3});
  EXPECT_EQ(report.stations_used, 1);
  const auto& turnout = Find(report, IntegerCriterion::kTurnout, IntegerWeight::kVoters);
  EXPECT_EQ(turnout.observed, 100);
  EXPECT_EQ(turnout.null_mean, 100);
  EXPECT_EQ(turnout.null_sd, 0);
  EXPECT_EQ(turnout.excess, 0);
}

// P(integer) by summing the whole binomial distribution term by term: an
// independent check of the test's windowed recurrence.
double BruteForceProbability(std::int64_t n, double p) {
  double total = 0;
  for (std::int64_t k = 0; k <= n; ++k) {
    const double log_pmf = std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) +
                           k * std::log(p) + (n - k) * std::log1p(-p);
    if (IsIntegerPercentage(k, n)) total += std::exp(log_pmf);
  }
  return total;
}

// A fair election: turnout and the leader's votes drawn binomially around
// per-station rates, so the data come from the test's own null.
std::vector<IntegerTestStation> FairElection(int stations, std::uint64_t seed) {
  Random random(seed);
  std::vector<IntegerTestStation> out;
  const auto binomial = [&](std::int64_t n, double p) {
    std::int64_t k = 0;
    for (std::int64_t i = 0; i < n; ++i) k += random.Uniform01() < p ? 1 : 0;
    return k;
  };
  for (int i = 0; i < stations; ++i) {
    IntegerTestStation s;
    s.registered = 300 + static_cast<std::int64_t>(random.Below(1700));
    s.issued = binomial(s.registered, 0.45 + 0.3 * random.Uniform01());
    s.cast = s.issued - static_cast<std::int64_t>(random.Below(5));
    s.leader = binomial(s.cast, 0.3 + 0.4 * random.Uniform01());
    out.push_back(s);
  }
  return out;
}

TEST(IntegerPercentage, NullMeanIsTheSumOfTheExactProbabilities) {
  const auto election = FairElection(300, 11);
  double expected_turnout = 0;
  double expected_leader = 0;
  for (const auto& s : election) {
    if (!IncludedInIntegerTest(s)) continue;
    expected_turnout += BruteForceProbability(s.registered, double(s.issued) / s.registered);
    expected_leader += BruteForceProbability(s.cast, double(s.leader) / s.cast);
  }
  const auto report = RunIntegerTest(election, {.replicates = 2000, .seed = 5});
  const auto& turnout = Find(report, IntegerCriterion::kTurnout, IntegerWeight::kStations);
  const auto& leader = Find(report, IntegerCriterion::kLeader, IntegerWeight::kStations);
  // Monte Carlo error of a mean of 2000 replicates: SD / sqrt(2000).
  EXPECT_NEAR(turnout.null_mean, expected_turnout, 4 * turnout.null_sd / std::sqrt(2000.0));
  EXPECT_NEAR(leader.null_mean, expected_leader, 4 * leader.null_sd / std::sqrt(2000.0));
  // About one value in ten is within 0.05 of an integer at these sizes.
  EXPECT_NEAR(expected_turnout / report.stations_used, 0.1, 0.03);
}

TEST(IntegerPercentage, ProfileByPercentageIsTheBinomialAtEachPercentage) {
  // 100 voters, 50 issued: the redrawn turnout is k% with probability
  // Binomial(100, 0.5) at k, and always integer.
  const std::vector<IntegerTestStation> one = {
      {.registered = 100, .issued = 50, .cast = 150, .leader = 75}};
  const auto report = RunIntegerTest(one, {.replicates = 10, .seed = 3});
  for (int k = 0; k <= 100; ++k) {
    const double pmf = std::exp(std::lgamma(101.0) - std::lgamma(k + 1.0) - std::lgamma(101.0 - k) -
                                100 * std::log(2.0));
    EXPECT_NEAR(report.turnout.null_mean[k], pmf, 1e-12) << k;
    EXPECT_NEAR(report.turnout.null_sd[k], std::sqrt(pmf * (1 - pmf)), 1e-12) << k;
  }
  EXPECT_EQ(report.turnout.observed[50], 1);
  EXPECT_EQ(report.leader.observed[50], 1);  // 75 / 150
  // The share's base of 150 is integer only at multiples of 3 votes: 2%.
  EXPECT_EQ(report.leader.null_mean[1], 0);
  EXPECT_GT(report.leader.null_mean[50], 0);
}

TEST(IntegerPercentage, ProfileAddsUpToTheTest) {
  const auto election = FairElection(300, 11);
  const auto report = RunIntegerTest(election, {.replicates = 2000, .seed = 5});
  const auto& turnout = Find(report, IntegerCriterion::kTurnout, IntegerWeight::kStations);
  double observed = 0;
  double mean = 0;
  for (int k = 0; k <= 100; ++k) {
    observed += report.turnout.observed[k];
    mean += report.turnout.null_mean[k];
  }
  EXPECT_EQ(observed, turnout.observed);
  EXPECT_NEAR(mean, turnout.null_mean, 4 * turnout.null_sd / std::sqrt(2000.0));
}

TEST(IntegerPercentage, AFairElectionShowsNoExcess) {
  const auto report = RunIntegerTest(FairElection(4000, 21), {.replicates = 500, .seed = 8});
  for (const auto& r : report.results) {
    SCOPED_TRACE(std::string(CriterionName(r.criterion)) + "/" + WeightName(r.weight));
    EXPECT_LT(std::abs(r.excess), 4 * r.null_sd);
    EXPECT_GT(r.null_sd, 0);
  }
}

TEST(IntegerPercentage, FindsPlantedIntegerTurnouts) {
  auto election = FairElection(4000, 31);
  // Write 200 stations' turnout to order: exactly 80%.
  int planted = 0;
  for (std::size_t i = 0; i < election.size() && planted < 200; i += 3) {
    auto& s = election[i];
    if (s.registered % 5 != 0) continue;  // 80% must be a whole number of ballots
    s.issued = s.registered * 4 / 5;
    s.cast = s.issued;
    s.leader = std::min(s.leader, s.cast * 9 / 10);
    ++planted;
  }
  ASSERT_GT(planted, 100);
  const auto report = RunIntegerTest(election, {.replicates = 500, .seed = 8});
  const auto& turnout = Find(report, IntegerCriterion::kTurnout, IntegerWeight::kStations);
  // Each planted station would have been integer by chance with p ~ 0.1.
  EXPECT_GT(turnout.excess, 6 * turnout.null_sd);
  EXPECT_NEAR(turnout.excess, 0.9 * planted, 5 * turnout.null_sd);
  EXPECT_GT(turnout.observed, turnout.null_p999);
}

TEST(IntegerPercentage, ResultsDependOnTheSeedButNotOnTheThreads) {
  const auto election = FairElection(1000, 41);
  const auto one = RunIntegerTest(election, {.replicates = 300, .seed = 9, .threads = 1});
  const auto two = RunIntegerTest(election, {.replicates = 300, .seed = 9, .threads = 2});
  const auto seven = RunIntegerTest(election, {.replicates = 300, .seed = 9, .threads = 7});
  const auto other = RunIntegerTest(election, {.replicates = 300, .seed = 10, .threads = 2});
  ASSERT_EQ(one.results.size(), 12u);
  bool seed_matters = false;
  for (std::size_t i = 0; i < one.results.size(); ++i) {
    EXPECT_EQ(one.results[i].null_mean, two.results[i].null_mean);
    EXPECT_EQ(one.results[i].null_sd, seven.results[i].null_sd);
    EXPECT_EQ(one.results[i].null_p999, seven.results[i].null_p999);
    seed_matters = seed_matters || one.results[i].null_mean != other.results[i].null_mean;
  }
  EXPECT_TRUE(seed_matters);
}

TEST(IntegerPercentage, TakesStationsFromAResultsTable) {
  core::ResultsTable table;
  table.contestants = {"A", "B"};
  core::StationResult s;
  s.code = "1";
  s.registered = 1000;
  s.issued = 600;
  s.valid = 590;
  s.invalid = 5;
  s.votes = {400, 190};
  table.stations.push_back(s);
  s.code = "2";
  s.registered.reset();  // incomplete: left out
  table.stations.push_back(s);
  const auto stations = IntegerTestStations(table, table.Leader());
  ASSERT_EQ(stations.size(), 1u);
  EXPECT_EQ(stations[0].cast, 595);
  EXPECT_EQ(stations[0].leader, 400);
}

}  // namespace
}  // namespace vigil::analysis
