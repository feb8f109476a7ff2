#include "core/results.h"

namespace vigil::core {

std::optional<std::int64_t> StationResult::BallotsCast() const {
  if (valid && invalid) return *valid + *invalid;
  return in_boxes;
}

int ResultsTable::Leader() const {
  std::vector<std::int64_t> totals(contestants.size(), 0);
  for (const StationResult& s : stations) {
    for (std::size_t i = 0; i < s.votes.size() && i < totals.size(); ++i) totals[i] += s.votes[i];
  }
  int leader = -1;
  for (std::size_t i = 0; i < totals.size(); ++i) {
    if (leader < 0 || totals[i] > totals[static_cast<std::size_t>(leader)]) {
      leader = static_cast<int>(i);
    }
  }
  return leader;
}

Sha256 ResultsDigest(const ResultsTable& table) {
  // Fields end with 0x1f and records with 0x1e (ASCII unit and record
  // separators), which no name holds; an absent figure is empty.
  std::string text;
  const auto field = [&](std::string_view value) {
    text += value;
    text += '\x1f';
  };
  const auto number = [&](const std::optional<std::int64_t>& value) {
    field(value ? std::to_string(*value) : "");
  };
  for (const std::string& level : table.area_levels) field(level);
  text += '\x1e';
  for (const std::string& name : table.contestants) field(name);
  text += '\x1e';
  for (const StationResult& s : table.stations) {
    field(s.code);
    for (const std::string& area : s.areas) field(area);
    for (const StationFigure& figure : kStationFigures) number(s.*figure.member);
    for (std::int64_t v : s.votes) number(v);
    text += '\x1e';
  }
  return HashSha256(text);
}

}  // namespace vigil::core
