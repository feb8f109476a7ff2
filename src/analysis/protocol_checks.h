// The arithmetic an honest protocol satisfies (../shared/BRIEF.md section
// 2), checked on every station of a results table. A violated relation is a
// quality flag on an observer's copy and a finding on an official result;
// it is also what typing errors produce, so each failure says by how much.
// Pure: no storage.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/results.h"

namespace vigil::analysis {

enum class ControlRelation {
  // ballots received + found unaccounted = issued + cancelled + lost
  kReceivedIsIssuedPlusCancelled,
  kInBoxesIsValidPlusInvalid,  // ballots in boxes = valid + invalid
  kValidIsSumOfVotes,          // valid = the contestants' votes
  kInBoxesAtMostIssued,        // in boxes <= issued
  kIssuedAtMostRegistered,     // issued <= registered
};
inline constexpr ControlRelation kControlRelations[] = {
    ControlRelation::kReceivedIsIssuedPlusCancelled, ControlRelation::kInBoxesIsValidPlusInvalid,
    ControlRelation::kValidIsSumOfVotes, ControlRelation::kInBoxesAtMostIssued,
    ControlRelation::kIssuedAtMostRegistered};

// "in boxes = valid + invalid", as shown to people.
const char* ControlRelationText(ControlRelation r);
// "received_issued_cancelled", for machines.
const char* ControlRelationName(ControlRelation r);

struct ProtocolFailure {
  std::size_t station = 0;  // index into the table
  ControlRelation relation;
  std::int64_t left = 0;   // e.g. received
  std::int64_t right = 0;  // e.g. issued + cancelled
};

struct RelationTally {
  std::int64_t checked = 0;  // stations with every figure the relation needs
  std::int64_t failed = 0;
};

struct AreaProtocolChecks {
  std::string area;
  std::vector<RelationTally> relations;  // in kControlRelations order
};

struct ProtocolChecks {
  std::vector<RelationTally> relations;     // overall, in kControlRelations order
  std::vector<ProtocolFailure> failures;    // in table order
  std::vector<AreaProtocolChecks> by_area;  // at `by_level`, by area name
};

// `by_level`: an index into table.area_levels, or -1 for no breakdown. A
// relation is checked only where the table has every figure it needs.
ProtocolChecks CheckProtocols(const core::ResultsTable& table, int by_level);

}  // namespace vigil::analysis
