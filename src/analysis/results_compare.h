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

// ---- Observers' copies against the official results ---------------------------

enum class CopyMatch { kMatch, kDiscrepancy, kOfficialMissing };
const char* CopyMatchName(CopyMatch m);  // "match", "discrepancy", "official_missing"

struct CopyComparison {
  std::string code;
  std::string area;  // at the comparison's level; empty without one
  CopyMatch match = CopyMatch::kMatch;
  std::vector<FigureChange> differences;  // kDiscrepancy: a = the copy, b = official
  // With an earlier publication: whether the station's official figures
  // changed since (or it was dropped), and how (a = earlier, b = now).
  bool changed = false;
  std::vector<FigureChange> changes;
};

struct AreaCopies {
  std::string area;
  std::int64_t copies = 0, match = 0, discrepancy = 0, official_missing = 0, changed = 0;
  std::int64_t votes_differing = 0;  // sum of |official - copy| over the contestants' votes
};

struct CopiesComparison {
  std::vector<std::string> contestants;  // compared: named by both, by name
  std::vector<CopyComparison> stations;  // every station with a copy, in the copies' order
  AreaCopies total;                      // area empty
  std::vector<AreaCopies> by_area;       // by name
};

// Sets each observer's copy beside the official result of its station. A
// station whose official result was re-published differently since
// `previous` (when given) is marked changed: a copy that matched the first
// publication and not the second points at the tabulation. `level` names an
// area level of `official`, else of `copies`; empty for no summary by area.
CopiesComparison CompareCopies(const core::ResultsTable& copies, const core::ResultsTable& official,
                               const core::ResultsTable* previous, const std::string& level);

}  // namespace vigil::analysis
