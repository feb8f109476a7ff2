#include "analysis/klimek.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <thread>

#include "analysis/random.h"

namespace vigil::analysis {

namespace {

constexpr double kExtremeSd = 0.075;  // the paper's width of extreme fraud
constexpr int kCells = kKlimekBins * kKlimekBins;

const boost::math::normal_distribution<double> kStandardNormal;

// A uniform number in (0, 1): the quantile functions below reject 0 and 1.
double OpenUniform(Random& random) {
  return (static_cast<double>(random.Next() >> 11) + 0.5) * 0x1.0p-53;
}

// N(centre, sd) truncated to [0, 1], drawn by inverting its distribution
// function, so one uniform number gives one draw.
class TruncatedNormal {
 public:
  TruncatedNormal(double centre, double sd) : centre_(centre), sd_(sd) {
    if (sd_ > 0) {
      low_ = boost::math::cdf(kStandardNormal, -centre_ / sd_);
      high_ = boost::math::cdf(kStandardNormal, (1 - centre_) / sd_);
    }
  }
  double operator()(double u) const {
    if (sd_ <= 0 || high_ <= low_) return std::clamp(centre_, 0.0, 1.0);
    const double p = std::clamp(low_ + u * (high_ - low_), std::numeric_limits<double>::min(),
                                std::nextafter(1.0, 0.0));
    return std::clamp(centre_ + sd_ * boost::math::quantile(kStandardNormal, p), 0.0, 1.0);
  }

 private:
  double centre_, sd_;
  double low_ = 0, high_ = 1;
};

// |N(0, scale)| truncated to (0, 1), from a uniform number w in (0, 1).
double HalfNormal(double scale, double w) {
  const double top = boost::math::cdf(kStandardNormal, 1 / scale);
  return std::min(scale * boost::math::quantile(kStandardNormal, 0.5 + w * (top - 0.5)),
                  std::nextafter(1.0, 0.0));
}

// One station's random draws: its fair votes, the uniform number that
// decides its kind of fraud and those that set the fraud's intensity. The
// order of the draws is part of the specification (docs/forensics.md).
struct StationDraw {
  std::int64_t winner = 0;
  std::int64_t others = 0;
  double kind = 0;         // fraud: extreme if < f_e, incremental if < f_e + f_i
  double incremental = 0;  // uniform for the incremental intensity
  double extreme = 0;      // uniform for the extreme intensity
};

StationDraw Draw(std::uint64_t stream, std::int64_t registered, const TruncatedNormal& turnout,
                 const TruncatedNormal& share) {
  Random random(stream);
  const double a = turnout(OpenUniform(random));
  const double v = share(OpenUniform(random));
  StationDraw d;
  const double n = static_cast<double>(registered);
  d.winner = std::llround(n * a * v);
  d.others = std::llround(n * a * (1 - v));
  d.kind = random.Uniform01();
  d.incremental = OpenUniform(random);
  d.extreme = OpenUniform(random);
  return d;
}

std::pair<std::int64_t, std::int64_t> Fraud(std::int64_t registered, std::int64_t winner,
                                            std::int64_t others, double x, double x_alpha) {
  const std::int64_t non_voters = std::max<std::int64_t>(0, registered - winner - others);
  const auto stuffed = static_cast<std::int64_t>(std::floor(x * static_cast<double>(non_voters)));
  const std::int64_t moved = std::llround(x_alpha * static_cast<double>(others));
  return {winner + stuffed + moved, others - moved};
}

// The histogram cell of a station, computed in integers so that it is the
// same on every machine; -1 for a station without votes.
int Cell(std::int64_t registered, std::int64_t winner, std::int64_t others) {
  const std::int64_t votes = winner + others;
  if (votes <= 0 || registered <= 0) return -1;
  const auto t = std::min<std::int64_t>(kKlimekBins - 1, votes * kKlimekBins / registered);
  const auto s = std::min<std::int64_t>(kKlimekBins - 1, winner * kKlimekBins / votes);
  return static_cast<int>(t * kKlimekBins + s);
}

// Runs task(0) ... task(count - 1) on `threads` threads.
void ForEachTask(int count, int threads, const std::function<void(int)>& task) {
  std::atomic<int> next{0};
  const auto work = [&] {
    for (int i = next++; i < count; i = next++) task(i);
  };
  std::vector<std::thread> workers;
  for (int t = 1; t < std::min(threads, count); ++t) workers.emplace_back(work);
  work();
  for (std::thread& w : workers) w.join();
}

// Counts of stations per (bucket threshold, cell): row t of a "below" table
// counts the draws whose fraud bucket is < t, row t of an "above" table
// those whose bucket is >= t. Sums over the simulations, so rows / R are
// mean histograms.
class CumulativeTable {
 public:
  explicit CumulativeTable(int buckets)
      : buckets_(buckets), counts_(static_cast<std::size_t>(buckets + 1) * kCells, 0) {}
  void Clear() { std::fill(counts_.begin(), counts_.end(), 0); }
  void Add(int bucket, int cell) {
    if (cell >= 0) ++counts_[Index(bucket, cell)];
  }
  // After Add(bucket, ...) for each draw: row t counts the draws below t.
  void AccumulateBelow() {  // rows shift by one: bucket b counts in rows > b
    for (int t = buckets_; t >= 1; --t) {
      std::copy_n(Row(t - 1), kCells, MutableRow(t));
    }
    std::fill_n(MutableRow(0), kCells, 0);
    for (int t = 1; t <= buckets_; ++t) {
      for (int c = 0; c < kCells; ++c) MutableRow(t)[c] += Row(t - 1)[c];
    }
  }
  // After Add(bucket, ...) for each draw: row t counts the draws at or above t.
  void AccumulateAbove() {
    for (int t = buckets_ - 1; t >= 0; --t) {
      for (int c = 0; c < kCells; ++c) MutableRow(t)[c] += Row(t + 1)[c];
    }
  }
  const std::int32_t* Row(int t) const { return counts_.data() + Index(t, 0); }

 private:
  std::int32_t* MutableRow(int t) { return counts_.data() + Index(t, 0); }
  static std::size_t Index(int t, int cell) {
    return static_cast<std::size_t>(t) * kCells + static_cast<std::size_t>(cell);
  }
  int buckets_;
  std::vector<std::int32_t> counts_;
};

struct GridPoint {
  double distance = std::numeric_limits<double>::infinity();
  int extreme = 0;      // f_e in buckets
  int incremental = 0;  // f_i in buckets
  int alpha = 0;        // index into kKlimekAlphas
  int theta = 0;        // index into kKlimekThetas
};

// The centre and width of a normal curve fitted to the lower side of the
// values' distribution, up to just past its peak: fraud pushes stations up
// in turnout and in the winner's share, so the lower side is the cleaner
// one. The peak is that of the 1% histogram smoothed with weights 1, 2, 3,
// 2, 1 (so that a spike at a round number does not win). The fit is
// Caruana's: a parabola through the logarithms of the counts, weighted by
// the counts, over the bins from where the counts first reach a tenth of the
// peak's up to two bins past the peak. Where that fails (too few bins), the
// peak and the root mean square distance from it of the values below.
std::pair<double, double> FitLowerSide(const std::vector<double>& values) {
  constexpr int kBins = 100;
  std::array<double, kBins> counts{};
  for (double v : values) {
    counts[static_cast<std::size_t>(std::clamp(static_cast<int>(v * kBins), 0, kBins - 1))] += 1;
  }
  const auto count = [&](int b) { return counts[static_cast<std::size_t>(b)]; };
  int peak = 0;
  double peak_weight = -1;
  for (int b = 0; b < kBins; ++b) {
    double smoothed = 0;
    for (int j = std::max(0, b - 2); j <= std::min(kBins - 1, b + 2); ++j) {
      smoothed += (3 - std::abs(j - b)) * count(j);
    }
    if (smoothed > peak_weight) {
      peak_weight = smoothed;
      peak = b;
    }
  }
  const double top = *std::max_element(counts.begin() + std::max(0, peak - 2),
                                       counts.begin() + std::min(kBins, peak + 3));
  int low = peak;
  while (low > 0 && count(low - 1) >= top / 10) --low;
  const int high = std::min(kBins - 1, peak + 0);
  // Weighted least squares of log(count) on the bin centre: the normal
  // equations of a parabola, solved by Cramer's rule.
  double m[3][4] = {};
  int used = 0;
  for (int b = low; b <= high; ++b) {
    if (count(b) <= 0) continue;
    const double x = (b + 0.5) / kBins;
    const double w = count(b);
    const double y = std::log(count(b));
    const double powers[3] = {1, x, x * x};
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) m[r][c] += w * powers[r] * powers[c];
      m[r][3] += w * powers[r] * y;
    }
    ++used;
  }
  const auto det3 = [&](int c0, int c1, int c2) {
    return m[0][c0] * (m[1][c1] * m[2][c2] - m[1][c2] * m[2][c1]) -
           m[0][c1] * (m[1][c0] * m[2][c2] - m[1][c2] * m[2][c0]) +
           m[0][c2] * (m[1][c0] * m[2][c1] - m[1][c1] * m[2][c0]);
  };
  const double det = det3(0, 1, 2);
  if (used >= 4 && det != 0) {
    const double b1 = det3(0, 3, 2) / det;
    const double b2 = det3(0, 1, 3) / det;
    if (b2 < 0) {
      const double centre = -b1 / (2 * b2);
      if (centre > 0 && centre < 1) return {centre, std::sqrt(-1 / (2 * b2))};
    }
  }
  const double centre = (peak + 0.5) / kBins;
  double squares = 0;
  int below = 0;
  for (double v : values) {
    if (v >= centre) continue;
    squares += (v - centre) * (v - centre);
    ++below;
  }
  return {centre, below > 0 ? std::sqrt(squares / below) : 0.0};
}

}  // namespace

bool IncludedInKlimekModel(const KlimekStation& s) {
  return s.registered >= 100 && s.votes > 0 && s.votes <= s.registered && s.leader >= 0 &&
         s.leader <= s.votes;
}

KlimekBaseline EstimateKlimekBaseline(std::span<const KlimekStation> stations) {
  std::vector<double> turnouts;
  std::vector<double> shares;
  for (const KlimekStation& s : stations) {
    turnouts.push_back(static_cast<double>(s.votes) / static_cast<double>(s.registered));
    shares.push_back(static_cast<double>(s.leader) / static_cast<double>(s.votes));
  }
  KlimekBaseline b;
  std::tie(b.turnout, b.turnout_sd) = FitLowerSide(turnouts);
  std::tie(b.share, b.share_sd) = FitLowerSide(shares);
  return b;
}

std::pair<std::int64_t, std::int64_t> ApplyKlimekFraud(std::int64_t registered, std::int64_t winner,
                                                       std::int64_t others, double x,
                                                       double alpha) {
  return Fraud(registered, winner, others, x, std::pow(x, alpha));
}

std::vector<KlimekStation> SimulateKlimek(std::span<const std::int64_t> registered,
                                          const KlimekParameters& p, std::uint64_t seed) {
  const TruncatedNormal turnout(p.fair.turnout, p.fair.turnout_sd);
  const TruncatedNormal share(p.fair.share, p.fair.share_sd);
  std::vector<KlimekStation> out;
  out.reserve(registered.size());
  for (std::size_t i = 0; i < registered.size(); ++i) {
    const StationDraw d = Draw(Stream(seed, i), registered[i], turnout, share);
    std::pair<std::int64_t, std::int64_t> votes{d.winner, d.others};
    if (d.kind < p.extreme) {
      votes = ApplyKlimekFraud(registered[i], d.winner, d.others,
                               1 - HalfNormal(kExtremeSd, d.extreme), p.alpha);
    } else if (d.kind < p.extreme + p.incremental) {
      votes = ApplyKlimekFraud(registered[i], d.winner, d.others,
                               HalfNormal(p.theta, d.incremental), p.alpha);
    }
    out.push_back({registered[i], votes.first + votes.second, votes.first});
  }
  return out;
}

namespace {

struct GridFit {
  GridPoint best;
  double fair_distance = 0;  // of the fair model, f_i = f_e = 0
};

// The grid point nearest the observed histogram, for one fair baseline.
GridFit SearchGrid(const std::vector<KlimekStation>& stations, const std::vector<double>& observed,
                   const KlimekBaseline& fair_baseline, const KlimekOptions& options) {
  const int buckets = static_cast<int>(std::lround(1 / kKlimekExtremeStep));
  const int incremental_step =
      static_cast<int>(std::lround(kKlimekIncrementalStep / kKlimekExtremeStep));
  const int extreme_max = static_cast<int>(std::lround(kKlimekExtremeMax / kKlimekExtremeStep));
  constexpr int extreme_step = 1;  // buckets are f_e's steps
  const int threads = std::clamp(
      options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency()),
      1, 64);

  // The draws of every station in every simulation, each from its own
  // stream, so that the split between threads changes nothing.
  struct Simulated {
    std::int64_t registered, winner, others;
    int bucket, fair_cell;
    double incremental_u, extreme_x;
  };
  const std::size_t n = stations.size();
  const auto simulations = static_cast<std::size_t>(std::max(options.simulations, 1));
  std::vector<Simulated> draws(n * simulations);
  const TruncatedNormal turnout(fair_baseline.turnout, fair_baseline.turnout_sd);
  const TruncatedNormal share(fair_baseline.share, fair_baseline.share_sd);
  constexpr int kChunk = 4096;
  ForEachTask(static_cast<int>((draws.size() + kChunk - 1) / kChunk), threads, [&](int chunk) {
    const std::size_t begin = static_cast<std::size_t>(chunk) * kChunk;
    for (std::size_t k = begin; k < std::min(draws.size(), begin + kChunk); ++k) {
      const std::int64_t registered = stations[k % n].registered;
      const StationDraw d = Draw(Stream(options.seed, k), registered, turnout, share);
      draws[k] = {registered,
                  d.winner,
                  d.others,
                  std::min(buckets - 1, static_cast<int>(d.kind * buckets)),
                  Cell(registered, d.winner, d.others),
                  d.incremental,
                  1 - HalfNormal(kExtremeSd, d.extreme)};
    }
  });

  CumulativeTable fair(buckets);
  for (const Simulated& d : draws) fair.Add(d.bucket, d.fair_cell);
  fair.AccumulateAbove();
  std::vector<CumulativeTable> extreme;
  for (double alpha : kKlimekAlphas) {
    CumulativeTable& table = extreme.emplace_back(buckets);
    for (const Simulated& d : draws) {
      const auto [w, o] =
          Fraud(d.registered, d.winner, d.others, d.extreme_x, std::pow(d.extreme_x, alpha));
      table.Add(d.bucket, Cell(d.registered, w, o));
    }
    table.AccumulateBelow();
  }

  const double scale = 1.0 / static_cast<double>(simulations);
  // The distance of the mean simulated histogram from the observed one, for
  // f_e = e and f_i = i buckets.
  const auto distance = [&](const CumulativeTable& incremental, const CumulativeTable& ext, int e,
                            int i) {
    const std::int32_t* x = ext.Row(e);
    const std::int32_t* in_high = incremental.Row(e + i);
    const std::int32_t* in_low = incremental.Row(e);
    const std::int32_t* f = fair.Row(e + i);
    double sum = 0;
    for (int c = 0; c < kCells; ++c) {
      const double d = static_cast<double>(x[c] + in_high[c] - in_low[c] + f[c]) * scale -
                       observed[static_cast<std::size_t>(c)];
      sum += d * d;
    }
    return sum;
  };

  // One task per theta: its fraud intensities, then every alpha and grid
  // point. Ties go to the first point in grid order, whatever the threads.
  constexpr int kThetas = static_cast<int>(std::size(kKlimekThetas));
  constexpr int kAlphas = static_cast<int>(std::size(kKlimekAlphas));
  std::vector<GridPoint> best(kThetas);
  ForEachTask(kThetas, threads, [&](int theta) {
    std::vector<double> x(draws.size());
    std::vector<double> log_x(draws.size());
    for (std::size_t k = 0; k < draws.size(); ++k) {
      x[k] = HalfNormal(kKlimekThetas[theta], draws[k].incremental_u);
      log_x[k] = std::log(x[k]);
    }
    CumulativeTable incremental(buckets);
    for (int alpha = 0; alpha < kAlphas; ++alpha) {
      incremental.Clear();
      for (std::size_t k = 0; k < draws.size(); ++k) {
        const Simulated& d = draws[k];
        const auto [w, o] = Fraud(d.registered, d.winner, d.others, x[k],
                                  std::exp(kKlimekAlphas[alpha] * log_x[k]));
        incremental.Add(d.bucket, Cell(d.registered, w, o));
      }
      incremental.AccumulateBelow();
      // A coarse grid (f_e in steps of 0.02, f_i of 0.05), then the full
      // grid around its best point.
      const CumulativeTable& ext = extreme[static_cast<std::size_t>(alpha)];
      GridPoint coarse;
      const auto search = [&](GridPoint& b, int e_from, int e_to, int e_step, int i_from, int i_to,
                              int i_step) {
        for (int e = std::max(0, e_from); e <= std::min(extreme_max, e_to); e += e_step) {
          for (int i = std::max(0, i_from); i <= i_to && e + i <= buckets; i += i_step) {
            const double d = distance(incremental, ext, e, i);
            if (d < b.distance) b = {d, e, i, alpha, theta};
          }
        }
      };
      const int e_coarse = 4 * extreme_step;
      const int i_coarse = 5 * incremental_step;
      search(coarse, 0, extreme_max, e_coarse, 0, buckets, i_coarse);
      search(best[static_cast<std::size_t>(theta)], coarse.extreme - e_coarse,
             coarse.extreme + e_coarse, extreme_step, coarse.incremental - i_coarse,
             coarse.incremental + i_coarse, incremental_step);
    }
  });
  GridFit result{.fair_distance = distance(extreme[0], extreme[0], 0, 0)};  // none below bucket 0
  for (const GridPoint& b : best) {
    if (b.distance < result.best.distance) result.best = b;
  }
  return result;
}

KlimekParameters Parameters(const KlimekBaseline& fair, const GridPoint& point) {
  return {.fair = fair,
          .incremental = point.incremental * kKlimekExtremeStep,
          .extreme = point.extreme * kKlimekExtremeStep,
          .alpha = kKlimekAlphas[point.alpha],
          .theta = kKlimekThetas[point.theta]};
}

}  // namespace

KlimekFit FitKlimekModel(std::span<const KlimekStation> all, const KlimekOptions& options) {
  std::vector<KlimekStation> stations;
  std::vector<std::int64_t> electorates;
  for (const KlimekStation& s : all) {
    if (!IncludedInKlimekModel(s)) continue;
    stations.push_back(s);
    electorates.push_back(s.registered);
  }
  KlimekFit fit;
  fit.stations_used = static_cast<std::int64_t>(stations.size());
  fit.simulations = std::max(options.simulations, 1);
  fit.seed = options.seed;
  if (stations.empty()) return fit;
  fit.fitted = true;

  std::vector<double> observed(kCells, 0);
  for (const KlimekStation& s : stations) {
    ++observed[static_cast<std::size_t>(Cell(s.registered, s.leader, s.votes - s.leader))];
  }
  // Incremental fraud also lifts the lower side of the distributions a
  // little, so the baseline read from the data sits too high. Each round
  // corrects it by the difference between what the estimator reads from the
  // data and from an election simulated with the fit so far (indirect
  // inference), and the round nearest the data is kept.
  const KlimekBaseline target = EstimateKlimekBaseline(stations);
  KlimekBaseline fair = target;
  GridPoint fitted;
  for (int round = 0; round < kKlimekBaselineRounds; ++round) {
    const GridFit grid = SearchGrid(stations, observed, fair, options);
    if (grid.best.distance < fitted.distance) {
      fitted = grid.best;
      fit.parameters = Parameters(fair, grid.best);
      fit.distance = grid.best.distance;
      fit.fair_distance = grid.fair_distance;
    }
    if (round + 1 == kKlimekBaselineRounds) break;
    const std::vector<KlimekStation> simulated = SimulateKlimek(
        electorates, Parameters(fair, grid.best), Stream(options.seed, ~std::uint64_t{0} - round));
    std::vector<KlimekStation> included;
    for (const KlimekStation& s : simulated) {
      if (IncludedInKlimekModel(s)) included.push_back(s);
    }
    const KlimekBaseline read = EstimateKlimekBaseline(included);
    fair.turnout = std::clamp(fair.turnout + target.turnout - read.turnout, 0.01, 0.99);
    fair.share = std::clamp(fair.share + target.share - read.share, 0.01, 0.99);
    fair.turnout_sd = std::max(0.001, fair.turnout_sd + target.turnout_sd - read.turnout_sd);
    fair.share_sd = std::max(0.001, fair.share_sd + target.share_sd - read.share_sd);
  }
  KlimekParameters& p = fit.parameters;
  constexpr double kUndetermined = std::numeric_limits<double>::quiet_NaN();
  if (fitted.incremental == 0) p.theta = kUndetermined;
  if (fitted.incremental == 0 && fitted.extreme == 0) p.alpha = kUndetermined;
  return fit;
}

std::vector<KlimekStation> KlimekStations(const core::ResultsTable& table, int leader) {
  std::vector<KlimekStation> out;
  if (leader < 0) return out;
  const auto index = static_cast<std::size_t>(leader);
  for (const core::StationResult& s : table.stations) {
    if (!s.registered || index >= s.votes.size()) continue;
    out.push_back({*s.registered, std::accumulate(s.votes.begin(), s.votes.end(), std::int64_t{0}),
                   s.votes[index]});
  }
  return out;
}

}  // namespace vigil::analysis
