#include "analysis/integer_percentage.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <thread>

#include "analysis/digit_tests.h"
#include "analysis/random.h"

namespace vigil::analysis {

namespace {

constexpr int kCriteria = 3;
constexpr int kWeights = 4;
using Tally = std::array<std::int64_t, kCriteria * kWeights>;  // [criterion][weight]

// round(100 count / base), in integers. REQUIRES: base > 0.
std::int64_t NearestPercent(std::int64_t count, std::int64_t base) {
  return (200 * count + base) / (2 * base);
}

// Adds one station's probabilities of sitting at each percentage to the
// null's mean and variance (the station's events are exclusive, and
// stations are independent), and clears them.
void AddToProfile(std::array<double, 101>& station, IntegerProfile& profile) {
  for (std::size_t k = 0; k < station.size(); ++k) {
    profile.null_mean[k] += station[k];
    profile.null_sd[k] += station[k] * (1 - station[k]);  // a variance until the end
    station[k] = 0;
  }
}

// P(count / base is an integer percentage) for count ~ Binomial(base, p).
// Sums the probability mass of the qualifying counts within 12 standard
// deviations of the mode (beyond, the mass is below 1e-30), walking the
// mass function outward from the mode by its ratio recurrence.
// Also adds each qualifying count's probability to (*by_percent)[its
// percentage].
double ProbabilityOfInteger(std::int64_t base, double p, std::array<double, 101>& by_percent) {
  if (base <= 0) return 0;
  const auto add = [&](std::int64_t count, double probability) {
    by_percent[static_cast<std::size_t>(NearestPercent(count, base))] += probability;
    return probability;
  };
  if (p <= 0) return IsIntegerPercentage(0, base) ? add(0, 1) : 0;
  if (p >= 1) return IsIntegerPercentage(base, base) ? add(base, 1) : 0;
  const double n = static_cast<double>(base);
  const auto mode = std::min(base, static_cast<std::int64_t>(std::floor((n + 1) * p)));
  const double reach = 12 * std::sqrt(n * p * (1 - p)) + 10;
  const std::int64_t lo = std::max<std::int64_t>(0, mode - static_cast<std::int64_t>(reach));
  const std::int64_t hi = std::min(base, mode + static_cast<std::int64_t>(reach));
  const auto k0 = static_cast<double>(mode);
  const double log_mode = std::lgamma(n + 1) - std::lgamma(k0 + 1) - std::lgamma(n - k0 + 1) +
                          k0 * std::log(p) + (n - k0) * std::log1p(-p);
  const double odds = p / (1 - p);
  const double pmf_mode = std::exp(log_mode);
  double total = IsIntegerPercentage(mode, base) ? add(mode, pmf_mode) : 0;
  double pmf = pmf_mode;
  for (std::int64_t k = mode; k < hi; ++k) {  // pmf(k + 1) from pmf(k)
    pmf *= odds * static_cast<double>(base - k) / static_cast<double>(k + 1);
    if (IsIntegerPercentage(k + 1, base)) total += add(k + 1, pmf);
  }
  pmf = pmf_mode;
  for (std::int64_t k = mode; k > lo; --k) {  // pmf(k - 1) from pmf(k)
    pmf *= static_cast<double>(k) / (odds * static_cast<double>(base - k + 1));
    if (IsIntegerPercentage(k - 1, base)) total += add(k - 1, pmf);
  }
  return std::min(total, 1.0);
}

std::array<std::int64_t, kWeights> Weights(const IntegerTestStation& s) {
  return {1, s.registered, s.issued, s.leader};
}

void AddTo(Tally& tally, bool turnout, bool leader, const std::array<std::int64_t, kWeights>& w) {
  const bool either = turnout || leader;
  for (int j = 0; j < kWeights; ++j) {
    tally[0 * kWeights + j] += turnout ? w[j] : 0;
    tally[1 * kWeights + j] += leader ? w[j] : 0;
    tally[2 * kWeights + j] += either ? w[j] : 0;
  }
}

}  // namespace

bool IncludedInIntegerTest(const IntegerTestStation& s) {
  // turnout <= 0.99 and share <= 0.99, compared exactly in integers.
  return s.cast > 0 && s.registered >= 100 && 100 * s.issued <= 99 * s.registered &&
         100 * s.leader <= 99 * s.cast && s.issued >= 0 && s.leader >= 0;
}

bool IsIntegerPercentage(std::int64_t count, std::int64_t base) {
  if (base <= 0) return false;
  const std::int64_t nearest = NearestPercent(count, base);
  const std::int64_t distance = 2000 * count - 20 * base * nearest;
  return distance <= base && -distance <= base;
}

const char* CriterionName(IntegerCriterion c) {
  switch (c) {
    case IntegerCriterion::kTurnout:
      return "turnout";
    case IntegerCriterion::kLeader:
      return "leader";
    case IntegerCriterion::kEither:
      return "either";
  }
  return "";
}

const char* WeightName(IntegerWeight w) {
  switch (w) {
    case IntegerWeight::kStations:
      return "stations";
    case IntegerWeight::kVoters:
      return "voters";
    case IntegerWeight::kIssued:
      return "issued";
    case IntegerWeight::kLeaderVotes:
      return "leader_votes";
  }
  return "";
}

IntegerTestReport RunIntegerTest(std::span<const IntegerTestStation> all,
                                 const IntegerTestOptions& options) {
  std::vector<IntegerTestStation> stations;
  for (const IntegerTestStation& s : all) {
    if (IncludedInIntegerTest(s)) stations.push_back(s);
  }
  const auto replicates = static_cast<std::size_t>(std::max(options.replicates, 1));

  Tally observed{};
  for (const IntegerTestStation& s : stations) {
    AddTo(observed, IsIntegerPercentage(s.issued, s.registered),
          IsIntegerPercentage(s.leader, s.cast), Weights(s));
  }

  // Each station's probabilities of an integer turnout and share under the
  // null, and the null's profile by percentage, in station order (floating
  // sums are kept out of the threads so that they do not depend on them).
  IntegerTestReport report;
  std::vector<std::pair<double, double>> probabilities;
  probabilities.reserve(stations.size());
  std::array<double, 101> turnout_at{};
  std::array<double, 101> leader_at{};
  for (const IntegerTestStation& s : stations) {
    probabilities.emplace_back(
        ProbabilityOfInteger(s.registered,
                             static_cast<double>(s.issued) / static_cast<double>(s.registered),
                             turnout_at),
        ProbabilityOfInteger(s.cast, static_cast<double>(s.leader) / static_cast<double>(s.cast),
                             leader_at));
    AddToProfile(turnout_at, report.turnout);
    AddToProfile(leader_at, report.leader);
    if (IsIntegerPercentage(s.issued, s.registered)) {
      report.turnout.observed[static_cast<std::size_t>(NearestPercent(s.issued, s.registered))] +=
          1;
    }
    if (IsIntegerPercentage(s.leader, s.cast)) {
      report.leader.observed[static_cast<std::size_t>(NearestPercent(s.leader, s.cast))] += 1;
    }
  }
  for (IntegerProfile* profile : {&report.turnout, &report.leader}) {
    for (double& v : profile->null_sd) v = std::sqrt(v);
  }

  // Null: each thread takes a contiguous range of stations and tallies every
  // replicate; integer tallies add up the same in any order.
  int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, 64);
  std::vector<std::vector<Tally>> partial(static_cast<std::size_t>(threads),
                                          std::vector<Tally>(replicates, Tally{}));
  const auto simulate = [&](std::size_t begin, std::size_t end, std::vector<Tally>& tallies) {
    for (std::size_t i = begin; i < end; ++i) {
      const IntegerTestStation& s = stations[i];
      const auto [p_turnout, p_leader] = probabilities[i];
      const auto w = Weights(s);
      Random random(Stream(options.seed, i));
      for (Tally& tally : tallies) {
        const bool turnout = random.Uniform01() < p_turnout;
        const bool leader = random.Uniform01() < p_leader;
        AddTo(tally, turnout, leader, w);
      }
    }
  };
  std::vector<std::thread> workers;
  const std::size_t chunk =
      (stations.size() + static_cast<std::size_t>(threads) - 1) / static_cast<std::size_t>(threads);
  for (std::size_t t = 0; t < static_cast<std::size_t>(threads); ++t) {
    const std::size_t begin = std::min(stations.size(), t * chunk);
    const std::size_t end = std::min(stations.size(), begin + chunk);
    workers.emplace_back(simulate, begin, end, std::ref(partial[t]));
  }
  for (std::thread& w : workers) w.join();

  report.replicates = static_cast<int>(replicates);
  report.seed = options.seed;
  report.stations_used = static_cast<std::int64_t>(stations.size());
  std::vector<double> null(replicates);
  for (int c = 0; c < kCriteria; ++c) {
    for (int j = 0; j < kWeights; ++j) {
      const int cell = c * kWeights + j;
      double sum = 0;
      for (std::size_t r = 0; r < replicates; ++r) {
        std::int64_t total = 0;
        for (const auto& tallies : partial) total += tallies[r][static_cast<std::size_t>(cell)];
        null[r] = static_cast<double>(total);
        sum += null[r];
      }
      IntegerTestResult result;
      result.criterion = static_cast<IntegerCriterion>(c);
      result.weight = static_cast<IntegerWeight>(j);
      result.observed = static_cast<double>(observed[static_cast<std::size_t>(cell)]);
      result.null_mean = sum / static_cast<double>(replicates);
      double squares = 0;
      for (double v : null) squares += (v - result.null_mean) * (v - result.null_mean);
      result.null_sd =
          replicates > 1 ? std::sqrt(squares / static_cast<double>(replicates - 1)) : 0;
      std::sort(null.begin(), null.end());
      result.null_p999 = QuantileType7(null, 0.999);
      result.excess = result.observed - result.null_mean;
      report.results.push_back(result);
    }
  }
  return report;
}

std::vector<IntegerTestStation> IntegerTestStations(const core::ResultsTable& table, int leader) {
  std::vector<IntegerTestStation> out;
  if (leader < 0) return out;
  const auto index = static_cast<std::size_t>(leader);
  for (const core::StationResult& s : table.stations) {
    const auto cast = s.BallotsCast();
    if (!s.registered || !s.issued || !cast || index >= s.votes.size()) continue;
    out.push_back({*s.registered, *s.issued, *cast, s.votes[index]});
  }
  return out;
}

}  // namespace vigil::analysis
