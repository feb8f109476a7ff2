// Two tables of results for the same stations, compared station by
// station: an observers' copies against the official results (a missing
// official result, figures that differ and by how much), or two
// publications of the official results (what changed). Manipulation at
// tabulation shows as differences clustered in a district, hence the
// summary by area. Pure: no storage.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/results.h"

namespace vigil::analysis {

struct FigureChange {
  std::string figure;  // "registered", ..., "invalid", or a contestant's name
  std::int64_t a = 0;
  std::int64_t b = 0;  // b - a is the change
};

enum class StationMatch { kSame, kDiffers, kOnlyInA, kOnlyInB };
const char* StationMatchName(StationMatch m);  // "same", "differs", "only_in_a", "only_in_b"

struct StationComparison {
  std::string code;
  std::string area;  // at the comparison's level; empty without one
  StationMatch match = StationMatch::kSame;
  std::vector<FigureChange> changes;  // kDiffers: the figures that differ
};

struct AreaComparison {
  std::string area;
  std::int64_t same = 0, differs = 0, only_in_a = 0, only_in_b = 0;
  std::int64_t votes_changed = 0;  // sum of |b - a| over the contestants' votes
};

struct ResultsComparison {
  std::vector<std::string> contestants;  // compared: in both tables, by name
  std::vector<std::string> only_in_a;    // contestants not compared
  std::vector<std::string> only_in_b;
  std::vector<StationComparison> stations;  // every station but the same ones; a's order, then b's
  AreaComparison total;                     // area empty
  std::vector<AreaComparison> by_area;      // by name
};

// Compares the figures both tables give (a figure absent from one side is
// not compared) and the votes of the contestants both name. `level` names
// an area level (of a, else of b) for the summary by area; empty for none.
ResultsComparison CompareResults(const core::ResultsTable& a, const core::ResultsTable& b,
                                 const std::string& level);

}  // namespace vigil::analysis
