// Official election results per polling station, as an election commission
// publishes them: the protocol figures and the votes for each contestant.
// Read by ingest (results files), used by analysis (forensics, protocol
// checks, PVT comparisons).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto.h"

namespace vigil::core {

struct StationResult {
  std::string code;  // unique within the table, e.g. "region/tik/uik"
  // Names of the areas holding the station, from the top level down; one
  // per ResultsTable::area_levels entry.
  std::vector<std::string> areas;
  std::optional<std::int64_t> registered;        // voters on the list
  std::optional<std::int64_t> ballots_received;  // by the station commission
  std::optional<std::int64_t> issued;            // ballots given to voters
  std::optional<std::int64_t> cancelled;         // unused ballots cancelled
  std::optional<std::int64_t> lost;              // ballots lost (where recorded)
  std::optional<std::int64_t> unaccounted;       // ballots found that were not counted on receipt
  std::optional<std::int64_t> in_boxes;          // ballots found in the boxes
  std::optional<std::int64_t> valid;
  std::optional<std::int64_t> invalid;
  std::vector<std::int64_t> votes;  // per contestant, in ResultsTable order
  std::size_t line = 0;             // where the station's row starts in its file

  // valid + invalid when both are known, else ballots in boxes.
  std::optional<std::int64_t> BallotsCast() const;
};

// The protocol figures in one fixed order, with the names files, the store
// and reports use for them, for code that treats them alike.
struct StationFigure {
  const char* name;
  std::optional<std::int64_t> StationResult::*member;
};
inline constexpr StationFigure kStationFigures[] = {
    {"registered", &StationResult::registered},
    {"ballots_received", &StationResult::ballots_received},
    {"issued", &StationResult::issued},
    {"cancelled", &StationResult::cancelled},
    {"lost", &StationResult::lost},
    {"unaccounted", &StationResult::unaccounted},
    {"in_boxes", &StationResult::in_boxes},
    {"valid", &StationResult::valid},
    {"invalid", &StationResult::invalid},
};

struct ResultsTable {
  std::vector<std::string> area_levels;  // e.g. {"region", "tik"}
  std::vector<std::string> contestants;
  std::vector<StationResult> stations;

  // The contestant with the most votes in all, or -1 if there is none.
  int Leader() const;
};

// SHA-256 of the table's content (levels, contestants, and every station's
// code, areas, figures and votes, in order; not the file lines), so that a
// stored result set can be checked against the file it came from.
Sha256 ResultsDigest(const ResultsTable& table);

}  // namespace vigil::core
