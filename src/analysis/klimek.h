// Klimek, Yegorov, Hanel and Thurner's fraud model ("Statistical detection of
// systematic election irregularities", PNAS 109(41), 2012), simulated and
// fitted to an election's turnout x winner's-share histogram.
//
// The model: at a fair station, turnout and the winner's share are drawn
// from normal distributions truncated to [0, 1], whose centres and widths are
// taken from the data. A share f_i of stations has incremental fraud: a
// fraction x ~ |N(0, theta)| (truncated to (0, 1)) of the non-voters is
// added to the winner, and a fraction x^alpha of the others' votes is moved
// to the winner. A share f_e has extreme fraud, the same with
// x = 1 - |N(0, 0.075)|: almost everyone "voted", for the winner.
//
// The fit: every grid point (f_i, f_e, alpha, theta) is simulated R times on
// the observed stations' electorates, with the same random draws for every
// point (common random numbers, so the distance changes smoothly between
// neighbours), and the point whose mean simulated histogram is nearest the
// observed one (sum of squared cell differences) is the fit. Pure: no
// storage.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/results.h"

namespace vigil::analysis {

struct KlimekStation {
  std::int64_t registered = 0;
  std::int64_t votes = 0;   // for all contestants: the valid votes
  std::int64_t leader = 0;  // for the leader, the model's "winner"
};

// A fair election's turnout (votes / registered) and winner's share (leader
// / votes): the centres and widths of the truncated normals.
struct KlimekBaseline {
  double turnout = 0;
  double turnout_sd = 0;
  double share = 0;
  double share_sd = 0;
};

struct KlimekParameters {
  KlimekBaseline fair;
  double incremental = 0;  // f_i
  double extreme = 0;      // f_e
  double alpha = 1;
  double theta = 0.1;
};

// The grid searched. f_i runs over [0, 1] in steps of kKlimekIncrementalStep
// and f_e over [0, kKlimekExtremeMax] in steps of kKlimekExtremeStep, with
// f_i + f_e <= 1.
inline constexpr double kKlimekIncrementalStep = 0.01;
inline constexpr double kKlimekExtremeStep = 0.005;
inline constexpr double kKlimekExtremeMax = 0.3;
inline constexpr double kKlimekAlphas[] = {0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4};
inline constexpr double kKlimekThetas[] = {0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5};
// Cells per axis of the histogram compared (2% cells).
inline constexpr int kKlimekBins = 50;
// Grid searches, each with the fair baseline corrected by the one before.
inline constexpr int kKlimekBaselineRounds = 4;

struct KlimekOptions {
  std::uint64_t seed = 1;
  int simulations = 10;  // R: simulated elections averaged per grid point
  int threads = 0;       // 0: one per core; results do not depend on it
};

struct KlimekFit {
  std::int64_t stations_used = 0;
  int simulations = 0;
  std::uint64_t seed = 0;
  bool fitted = false;  // false: no station qualified
  // fair: estimated from the data; the rest: the grid point fitted. alpha
  // and theta are NaN where the fit leaves them undetermined (theta without
  // incremental fraud, alpha without any fraud).
  KlimekParameters parameters;
  double distance = 0;       // sum of squared cell differences at the fit
  double fair_distance = 0;  // the same for the fair model (f_i = f_e = 0)
};

// Stations with at least 100 registered voters (the paper's rule), votes in
// (0, registered] and leader <= votes.
bool IncludedInKlimekModel(const KlimekStation& s);

// Centres: the peaks of the turnout and share distributions (1% bins
// smoothed over five bins with weights 1, 2, 3, 2, 1, so that spikes at round numbers do not win).
// Widths: the root mean square distance from the peak of the stations below
// it. Fraud pushes stations up in both, so the lower side is the cleaner one.
KlimekBaseline EstimateKlimekBaseline(std::span<const KlimekStation> stations);

// The winner's and the others' votes at a station of `registered` voters
// after fraud of intensity x: floor(x * non-voters) ballots added for the
// winner and round(x^alpha * others) votes moved to the winner.
std::pair<std::int64_t, std::int64_t> ApplyKlimekFraud(std::int64_t registered, std::int64_t winner,
                                                       std::int64_t others, double x, double alpha);

// One election simulated from the model, a station for each electorate.
std::vector<KlimekStation> SimulateKlimek(std::span<const std::int64_t> registered,
                                          const KlimekParameters& parameters, std::uint64_t seed);

// Fits the model to the stations that qualify; see the top of this file.
KlimekFit FitKlimekModel(std::span<const KlimekStation> stations, const KlimekOptions& options);

// The stations of `table` with their votes for contestant `leader`.
std::vector<KlimekStation> KlimekStations(const core::ResultsTable& table, int leader);

}  // namespace vigil::analysis
