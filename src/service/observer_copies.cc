#include "service/observer_copies.h"

#include <algorithm>
#include <boost/json.hpp>
#include <ostream>
#include <set>
#include <unordered_map>

#include "analysis/forensics.h"
#include "report/csv.h"

namespace vigil::service {

namespace {

std::optional<std::int64_t> WholeNumber(const boost::json::value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return std::nullopt;
}

bool SameFigures(const core::StationResult& a, const core::StationResult& b) {
  for (const core::StationFigure& f : core::kStationFigures) {
    if (a.*f.member != b.*f.member) return false;
  }
  return a.votes == b.votes;
}

}  // namespace

Result<ObserverCopies> ReadObserverCopies(storage::Store& store,
                                          const core::MissionIndex& mission) {
  ObserverCopies out;
  out.read_at = Now();
  std::vector<std::string> form_codes;  // forms with figure questions, first seen first
  for (const core::Form& form : mission.forms()) {
    // Figures may sit in groups (answered by their own codes), not in repeats.
    for (const core::Question* question : core::AnswerFields(form.questions)) {
      const core::Question& q = *question;
      if (q.figure.empty()) continue;
      if (std::find(form_codes.begin(), form_codes.end(), form.code) == form_codes.end()) {
        form_codes.push_back(form.code);
      }
      if (!q.contestant.empty() &&
          std::find(out.table.contestants.begin(), out.table.contestants.end(), q.contestant) ==
              out.table.contestants.end()) {
        out.table.contestants.push_back(q.contestant);
      }
    }
  }
  std::size_t depth = 0;
  std::unordered_map<std::string, std::size_t> row_of;  // station -> row in the table
  std::set<std::string> disagreeing;
  for (const std::string& code : form_codes) {
    Status s = store.ForEachCurrentSubmission(code, [&](const storage::StoredSubmission& stored) {
      const core::Submission& sub = stored.submission;
      const core::Form* form = mission.FindForm(sub.form_code, sub.form_version);
      if (form == nullptr) return Status::Ok();  // validated on intake; cannot happen
      core::StationResult copy;
      copy.code = sub.station_code;
      copy.votes.assign(out.table.contestants.size(), 0);
      bool any = false;
      std::size_t votes_copied = 0;
      for (const core::Question* question : core::AnswerFields(form->questions)) {
        const core::Question& q = *question;
        if (q.figure.empty()) continue;
        const auto value = WholeNumber(sub.answers.if_contains(q.code));
        if (!value) continue;
        any = true;
        if (q.figure == "votes") {
          const auto at =
              std::find(out.table.contestants.begin(), out.table.contestants.end(), q.contestant);
          copy.votes[static_cast<std::size_t>(at - out.table.contestants.begin())] = *value;
          ++votes_copied;
          continue;
        }
        for (const core::StationFigure& f : core::kStationFigures) {
          if (q.figure == f.name) copy.*f.member = *value;
        }
      }
      if (!any) return Status::Ok();
      // Votes copied in part are not compared at all: a blank is not a zero.
      if (votes_copied != copy.votes.size()) copy.votes.clear();
      ++out.submissions;
      const auto [it, inserted] = row_of.emplace(copy.code, out.table.stations.size());
      if (inserted) {
        std::vector<std::string> ancestors = mission.Ancestors(copy.code);
        copy.areas.assign(ancestors.rbegin(), ancestors.rend());
        depth = std::max(depth, copy.areas.size());
        out.table.stations.push_back(std::move(copy));
        return Status::Ok();
      }
      core::StationResult& kept = out.table.stations[it->second];
      if (!SameFigures(kept, copy)) disagreeing.insert(copy.code);
      copy.areas = std::move(kept.areas);
      kept = std::move(copy);  // the latest copy stands
      return Status::Ok();
    });
    if (!s.ok()) return Fail(s);
  }
  for (std::size_t d = 0; d < depth; ++d) out.table.area_levels.push_back(std::to_string(d));
  out.disagreeing.assign(disagreeing.begin(), disagreeing.end());
  return out;
}

Result<std::shared_ptr<const ObserverCopies>> ObserverCopiesCache::Get(
    const std::shared_ptr<const core::MissionIndex>& mission) {
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (copies_ != nullptr && mission_ == mission && now - read_at_ < max_age_) return copies_;
  auto copies = ReadObserverCopies(store_, *mission);
  if (!copies) return Fail(copies.error());
  copies_ = std::make_shared<const ObserverCopies>(std::move(*copies));
  mission_ = mission;
  read_at_ = now;
  return copies_;
}

Result<CopiesReport> CompareObserverCopies(storage::Store& store, const ObserverCopies& copies,
                                           const std::string& official, const std::string& previous,
                                           const std::string& level) {
  auto table = store.GetResultSet(official);
  if (!table) return Fail(table.error());
  std::optional<core::ResultsTable> earlier;
  if (!previous.empty()) {
    auto t = store.GetResultSet(previous);
    if (!t) return Fail(t.error());
    earlier = std::move(*t);
  }
  if (!level.empty() && !analysis::AreaLevelIndex(table->area_levels, level, "").has_value() &&
      !analysis::AreaLevelIndex(copies.table.area_levels, level, "").has_value()) {
    std::string levels;
    for (const std::string& l : table->area_levels) levels += (levels.empty() ? "" : ", ") + l;
    return Fail(Status::InvalidArgument(
        "level '" + level + "' is neither a level of result set " + official + " (" + levels +
        ") nor a depth of the mission's hierarchy (0 = the top level)"));
  }
  CopiesReport out{.as_of = copies.read_at,
                   .official = official,
                   .previous = previous,
                   .level = level,
                   .submissions = copies.submissions,
                   .disagreeing = copies.disagreeing};
  out.comparison =
      analysis::CompareCopies(copies.table, *table, earlier ? &*earlier : nullptr, level);
  return out;
}

namespace {

boost::json::array ChangesJson(const std::vector<analysis::FigureChange>& changes,
                               const char* a_name, const char* b_name) {
  boost::json::array out;
  for (const analysis::FigureChange& f : changes) {
    out.push_back(boost::json::object{
        {"figure", f.figure}, {a_name, f.a}, {b_name, f.b}, {"change", f.b - f.a}});
  }
  return out;
}

boost::json::object AreaJson(const analysis::AreaCopies& a) {
  return {{"area", a.area},
          {"copies", a.copies},
          {"match", a.match},
          {"discrepancy", a.discrepancy},
          {"official_missing", a.official_missing},
          {"changed", a.changed},
          {"votes_differing", a.votes_differing}};
}

}  // namespace

boost::json::object CopiesReportJson(const CopiesReport& report) {
  const analysis::CopiesComparison& c = report.comparison;
  boost::json::array stations;
  for (const analysis::CopyComparison& s : c.stations) {
    boost::json::object o{{"station", s.code},
                          {"area", s.area},
                          {"match", analysis::CopyMatchName(s.match)},
                          {"differences", ChangesJson(s.differences, "copy", "official")}};
    if (!report.previous.empty()) {
      o["changed"] = s.changed;
      o["changes"] = ChangesJson(s.changes, "previous", "official");
    }
    stations.push_back(std::move(o));
  }
  boost::json::array areas;
  for (const analysis::AreaCopies& a : c.by_area) areas.push_back(AreaJson(a));
  return {{"as_of", FormatRfc3339(report.as_of)},
          {"official", report.official},
          {"previous", report.previous.empty() ? boost::json::value(nullptr)
                                               : boost::json::value(report.previous)},
          {"level", report.level},
          {"submissions", report.submissions},
          {"contestants", boost::json::value_from(c.contestants)},
          {"copies_disagree", boost::json::value_from(report.disagreeing)},
          {"total", AreaJson(c.total)},
          {"by_area", std::move(areas)},
          {"stations", std::move(stations)}};
}

void WriteCopiesCsv(std::ostream& out, const CopiesReport& report) {
  out << "station,area,match,changed,figure,copy,official,difference\r\n";
  for (const analysis::CopyComparison& s : report.comparison.stations) {
    const auto row = [&](const std::string& figure, const std::string& values) {
      report::WriteCsvField(out, s.code);
      out << ',';
      report::WriteCsvField(out, s.area);
      out << ',' << analysis::CopyMatchName(s.match) << ',' << (s.changed ? "yes" : "no") << ',';
      report::WriteCsvField(out, figure);
      out << ',' << values << "\r\n";
    };
    if (s.differences.empty()) row("", ",,");
    for (const analysis::FigureChange& f : s.differences) {
      row(f.figure,
          std::to_string(f.a) + ',' + std::to_string(f.b) + ',' + std::to_string(f.b - f.a));
    }
  }
}

}  // namespace vigil::service
