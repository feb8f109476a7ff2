#include "analysis/protocol_checks.h"

#include <map>
#include <numeric>
#include <optional>

namespace vigil::analysis {

const char* ControlRelationText(ControlRelation r) {
  switch (r) {
    case ControlRelation::kReceivedIsIssuedPlusCancelled:
      return "received + unaccounted = issued + cancelled + lost";
    case ControlRelation::kInBoxesIsValidPlusInvalid:
      return "in boxes = valid + invalid";
    case ControlRelation::kValidIsSumOfVotes:
      return "valid = sum of votes";
    case ControlRelation::kInBoxesAtMostIssued:
      return "in boxes <= issued";
    case ControlRelation::kIssuedAtMostRegistered:
      return "issued <= registered";
  }
  return "";
}

const char* ControlRelationName(ControlRelation r) {
  switch (r) {
    case ControlRelation::kReceivedIsIssuedPlusCancelled:
      return "received_issued_cancelled";
    case ControlRelation::kInBoxesIsValidPlusInvalid:
      return "in_boxes_valid_invalid";
    case ControlRelation::kValidIsSumOfVotes:
      return "valid_sum_of_votes";
    case ControlRelation::kInBoxesAtMostIssued:
      return "in_boxes_at_most_issued";
    case ControlRelation::kIssuedAtMostRegistered:
      return "issued_at_most_registered";
  }
  return "";
}

namespace {

struct Sides {
  std::int64_t left, right;
  bool equal;  // the relation is an equality (else left <= right)
};

// The two sides of relation `r` at station `s`, if it has the figures.
std::optional<Sides> SidesOf(ControlRelation r, const core::StationResult& s) {
  switch (r) {
    case ControlRelation::kReceivedIsIssuedPlusCancelled:
      // Lost ballots and ballots not counted on receipt count as 0 where
      // the protocol has no such line.
      if (!s.ballots_received || !s.issued || !s.cancelled) return std::nullopt;
      return Sides{*s.ballots_received + s.unaccounted.value_or(0),
                   *s.issued + *s.cancelled + s.lost.value_or(0), true};
    case ControlRelation::kInBoxesIsValidPlusInvalid:
      if (!s.in_boxes || !s.valid || !s.invalid) return std::nullopt;
      return Sides{*s.in_boxes, *s.valid + *s.invalid, true};
    case ControlRelation::kValidIsSumOfVotes:
      if (!s.valid || s.votes.empty()) return std::nullopt;
      return Sides{*s.valid, std::accumulate(s.votes.begin(), s.votes.end(), std::int64_t{0}),
                   true};
    case ControlRelation::kInBoxesAtMostIssued:
      if (!s.in_boxes || !s.issued) return std::nullopt;
      return Sides{*s.in_boxes, *s.issued, false};
    case ControlRelation::kIssuedAtMostRegistered:
      if (!s.issued || !s.registered) return std::nullopt;
      return Sides{*s.issued, *s.registered, false};
  }
  return std::nullopt;
}

}  // namespace

ProtocolChecks CheckProtocols(const core::ResultsTable& table, int by_level) {
  constexpr std::size_t kRelations = std::size(kControlRelations);
  ProtocolChecks out;
  out.relations.resize(kRelations);
  std::map<std::string, std::vector<RelationTally>> areas;
  for (std::size_t i = 0; i < table.stations.size(); ++i) {
    const core::StationResult& s = table.stations[i];
    std::vector<RelationTally>* area = nullptr;
    if (by_level >= 0 && static_cast<std::size_t>(by_level) < s.areas.size()) {
      auto [it, added] = areas.try_emplace(s.areas[static_cast<std::size_t>(by_level)]);
      if (added) it->second.resize(kRelations);
      area = &it->second;
    }
    for (std::size_t k = 0; k < kRelations; ++k) {
      const ControlRelation r = kControlRelations[k];
      const auto sides = SidesOf(r, s);
      if (!sides) continue;
      const bool holds = sides->equal ? sides->left == sides->right : sides->left <= sides->right;
      for (std::vector<RelationTally>* tallies : {&out.relations, area}) {
        if (tallies == nullptr) continue;
        ++(*tallies)[k].checked;
        if (!holds) ++(*tallies)[k].failed;
      }
      if (!holds) out.failures.push_back({i, r, sides->left, sides->right});
    }
  }
  for (auto& [name, tallies] : areas) out.by_area.push_back({name, std::move(tallies)});
  return out;
}

}  // namespace vigil::analysis
