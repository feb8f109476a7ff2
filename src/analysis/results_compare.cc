#include "analysis/results_compare.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace vigil::analysis {

const char* StationMatchName(StationMatch m) {
  switch (m) {
    case StationMatch::kSame:
      return "same";
    case StationMatch::kDiffers:
      return "differs";
    case StationMatch::kOnlyInA:
      return "only_in_a";
    case StationMatch::kOnlyInB:
      return "only_in_b";
  }
  return "";
}

namespace {

int LevelOf(const core::ResultsTable& t, const std::string& level) {
  const auto it = std::find(t.area_levels.begin(), t.area_levels.end(), level);
  return it == t.area_levels.end() ? -1 : static_cast<int>(it - t.area_levels.begin());
}

std::string AreaOf(const core::StationResult& s, int level) {
  return level >= 0 && static_cast<std::size_t>(level) < s.areas.size()
             ? s.areas[static_cast<std::size_t>(level)]
             : "";
}

}  // namespace

ResultsComparison CompareResults(const core::ResultsTable& a, const core::ResultsTable& b,
                                 const std::string& level) {
  ResultsComparison out;
  // Contestants by name: (index in a, index in b).
  std::vector<std::pair<std::size_t, std::size_t>> common;
  for (std::size_t i = 0; i < a.contestants.size(); ++i) {
    const auto it = std::find(b.contestants.begin(), b.contestants.end(), a.contestants[i]);
    if (it == b.contestants.end()) {
      out.only_in_a.push_back(a.contestants[i]);
    } else {
      common.emplace_back(i, static_cast<std::size_t>(it - b.contestants.begin()));
      out.contestants.push_back(a.contestants[i]);
    }
  }
  for (const std::string& name : b.contestants) {
    if (std::find(a.contestants.begin(), a.contestants.end(), name) == a.contestants.end()) {
      out.only_in_b.push_back(name);
    }
  }
  const int level_a = level.empty() ? -1 : LevelOf(a, level);
  const int level_b = level.empty() ? -1 : LevelOf(b, level);
  std::unordered_map<std::string, const core::StationResult*> in_b;
  for (const core::StationResult& s : b.stations) in_b.emplace(s.code, &s);
  std::map<std::string, AreaComparison> areas;
  const auto count = [&](const StationComparison& c, std::int64_t votes_changed) {
    for (AreaComparison* t : {&out.total, level.empty() ? nullptr : &areas[c.area]}) {
      if (t == nullptr) continue;
      t->area = t == &out.total ? "" : c.area;
      switch (c.match) {
        case StationMatch::kSame:
          ++t->same;
          break;
        case StationMatch::kDiffers:
          ++t->differs;
          break;
        case StationMatch::kOnlyInA:
          ++t->only_in_a;
          break;
        case StationMatch::kOnlyInB:
          ++t->only_in_b;
          break;
      }
      t->votes_changed += votes_changed;
    }
  };
  std::unordered_map<std::string, bool> seen_in_a;
  for (const core::StationResult& sa : a.stations) {
    seen_in_a.emplace(sa.code, true);
    StationComparison c{.code = sa.code, .area = AreaOf(sa, level_a)};
    const auto it = in_b.find(sa.code);
    std::int64_t votes_changed = 0;
    if (it == in_b.end()) {
      c.match = StationMatch::kOnlyInA;
    } else {
      const core::StationResult& sb = *it->second;
      if (c.area.empty()) c.area = AreaOf(sb, level_b);
      for (const core::StationFigure& f : core::kStationFigures) {
        const auto& x = sa.*f.member;
        const auto& y = sb.*f.member;
        if (x && y && *x != *y) c.changes.push_back({f.name, *x, *y});
      }
      for (const auto& [i, j] : common) {
        if (i >= sa.votes.size() || j >= sb.votes.size()) continue;
        if (sa.votes[i] == sb.votes[j]) continue;
        c.changes.push_back({a.contestants[i], sa.votes[i], sb.votes[j]});
        votes_changed += std::abs(sb.votes[j] - sa.votes[i]);
      }
      c.match = c.changes.empty() ? StationMatch::kSame : StationMatch::kDiffers;
    }
    count(c, votes_changed);
    if (c.match != StationMatch::kSame) out.stations.push_back(std::move(c));
  }
  for (const core::StationResult& sb : b.stations) {
    if (seen_in_a.contains(sb.code)) continue;
    StationComparison c{
        .code = sb.code, .area = AreaOf(sb, level_b), .match = StationMatch::kOnlyInB};
    count(c, 0);
    out.stations.push_back(std::move(c));
  }
  for (auto& [name, area] : areas) out.by_area.push_back(std::move(area));
  return out;
}

const char* CopyMatchName(CopyMatch m) {
  switch (m) {
    case CopyMatch::kMatch:
      return "match";
    case CopyMatch::kDiscrepancy:
      return "discrepancy";
    case CopyMatch::kOfficialMissing:
      return "official_missing";
  }
  return "";
}

CopiesComparison CompareCopies(const core::ResultsTable& copies, const core::ResultsTable& official,
                               const core::ResultsTable* previous, const std::string& level) {
  const ResultsComparison against = CompareResults(copies, official, "");
  std::unordered_map<std::string, const StationComparison*> differing;
  for (const StationComparison& c : against.stations) differing.emplace(c.code, &c);
  ResultsComparison republished;
  std::unordered_map<std::string, const StationComparison*> changed;
  if (previous != nullptr) {
    republished = CompareResults(*previous, official, "");
    for (const StationComparison& c : republished.stations) {
      if (c.match != StationMatch::kOnlyInB) changed.emplace(c.code, &c);
    }
  }
  std::unordered_map<std::string, const core::StationResult*> official_by_code;
  for (const core::StationResult& s : official.stations) official_by_code.emplace(s.code, &s);
  const int level_official = level.empty() ? -1 : LevelOf(official, level);
  const int level_copies = level.empty() ? -1 : LevelOf(copies, level);

  CopiesComparison out;
  out.contestants = against.contestants;
  std::map<std::string, AreaCopies> areas;
  for (const core::StationResult& copy : copies.stations) {
    CopyComparison c{.code = copy.code};
    const auto in_official = official_by_code.find(copy.code);
    if (in_official != official_by_code.end())
      c.area = AreaOf(*in_official->second, level_official);
    if (c.area.empty()) c.area = AreaOf(copy, level_copies);
    std::int64_t votes_differing = 0;
    if (const auto d = differing.find(copy.code); d != differing.end()) {
      c.match = d->second->match == StationMatch::kOnlyInA ? CopyMatch::kOfficialMissing
                                                           : CopyMatch::kDiscrepancy;
      c.differences = d->second->changes;
      for (const FigureChange& f : c.differences) {
        if (std::find(out.contestants.begin(), out.contestants.end(), f.figure) !=
            out.contestants.end()) {
          votes_differing += std::abs(f.b - f.a);
        }
      }
    }
    if (const auto ch = changed.find(copy.code); ch != changed.end()) {
      c.changed = true;
      c.changes = ch->second->changes;
    }
    for (AreaCopies* t : {&out.total, level.empty() ? nullptr : &areas[c.area]}) {
      if (t == nullptr) continue;
      t->area = t == &out.total ? "" : c.area;
      ++t->copies;
      ++(c.match == CopyMatch::kMatch         ? t->match
         : c.match == CopyMatch::kDiscrepancy ? t->discrepancy
                                              : t->official_missing);
      if (c.changed) ++t->changed;
      t->votes_differing += votes_differing;
    }
    out.stations.push_back(std::move(c));
  }
  for (auto& [name, area] : areas) out.by_area.push_back(std::move(area));
  return out;
}

}  // namespace vigil::analysis
