#include "ingest/results_reader.h"

#include <zip.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <map>
#include <memory>
#include <set>

#include "common/file.h"
#include "ingest/csv_reader.h"

namespace vigil::ingest {

namespace {

constexpr std::size_t kMaxProblems = 20;

// What a column holds.
struct Column {
  enum Kind {
    kIgnore,
    kArea,  // index: area level
    kRegistered,
    kBallotsReceived,
    kIssued,  // summed over all such columns
    kCancelled,
    kLost,
    kUnaccounted,
    kInBoxes,  // summed over all such columns
    kValid,
    kInvalid,
    kVote,  // index: contestant
  };
  Kind kind = kIgnore;
  std::size_t index = 0;
};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The column plan of a header, or a message saying why there is none.
struct Plan {
  std::vector<Column> columns;
  std::vector<std::string> area_levels;
  std::vector<std::string> contestants;
  std::vector<std::string> notes;
  bool issued_from_in_boxes = false;
  // The columns whose values, joined with '/', are the station's code (for
  // ru-cec, its number within its areas, which are prefixed).
  std::vector<std::size_t> station_columns;
};

// Notes the protocol figures no column provides: analyses that need them
// leave the stations out, and the user should know why.
void NoteMissingFigures(Plan* plan) {
  const auto has = [&](Column::Kind kind) {
    for (const Column& c : plan->columns) {
      if (c.kind == kind) return true;
    }
    return false;
  };
  const std::pair<Column::Kind, const char*> needed[] = {
      {Column::kRegistered, "registered voters"},
      {Column::kIssued, "ballots issued"},
      {Column::kValid, "valid ballots"},
      {Column::kInvalid, "invalid ballots"},
  };
  for (const auto& [kind, what] : needed) {
    if (kind == Column::kIssued && plan->issued_from_in_boxes) continue;
    if (!has(kind)) plan->notes.push_back(std::string("no column gives the ") + what);
  }
}

Result<Plan> PlanGeneric(const std::vector<std::string>& header) {
  Plan plan;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string_view h = header[i];
    Column c;
    if (h == "station") {
      plan.station_columns.push_back(i);
    } else if (StartsWith(h, "area:") && h.size() > 5) {
      c = {Column::kArea, plan.area_levels.size()};
      plan.area_levels.emplace_back(h.substr(5));
    } else if (StartsWith(h, "vote:") && h.size() > 5) {
      c = {Column::kVote, plan.contestants.size()};
      plan.contestants.emplace_back(h.substr(5));
    } else if (h == "registered") {
      c.kind = Column::kRegistered;
    } else if (h == "ballots_received") {
      c.kind = Column::kBallotsReceived;
    } else if (h == "issued") {
      c.kind = Column::kIssued;
    } else if (h == "cancelled") {
      c.kind = Column::kCancelled;
    } else if (h == "lost") {
      c.kind = Column::kLost;
    } else if (h == "unaccounted") {
      c.kind = Column::kUnaccounted;
    } else if (h == "in_boxes") {
      c.kind = Column::kInBoxes;
    } else if (h == "valid") {
      c.kind = Column::kValid;
    } else if (h == "invalid") {
      c.kind = Column::kInvalid;
    } else {
      plan.notes.push_back("column " + std::to_string(i + 1) + " '" + std::string(h) +
                           "' is not a generic results column and was ignored");
    }
    plan.columns.push_back(c);
  }
  if (plan.station_columns.empty()) {
    return Fail(Status::InvalidArgument(
        "the header has no 'station' column (generic results need station, optional "
        "area:LEVEL columns, registered, ballots_received, issued, cancelled, lost, "
        "unaccounted, in_boxes, valid, invalid and a vote:NAME column per contestant)"));
  }
  if (plan.contestants.empty()) {
    return Fail(Status::InvalidArgument("the header has no vote:NAME column"));
  }
  NoteMissingFigures(&plan);
  return plan;
}

Result<Plan> PlanMapped(const std::vector<std::string>& header, const ResultsMapping& m) {
  const auto find = [&](const std::string& column) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == column) return i;
    }
    return std::nullopt;
  };
  Plan plan;
  plan.columns.assign(header.size(), Column{});
  std::vector<bool> named(header.size(), false);
  const auto assign = [&](const std::string& column, Column c) -> Status {
    const auto i = find(column);
    if (!i) {
      std::string known;
      for (std::size_t k = 0; k < header.size() && k < 30; ++k) {
        known += (k == 0 ? "" : ", ") + header[k];
      }
      return Status::InvalidArgument("the mapping names column '" + column +
                                     "', which the header does not have (it has: " + known + ")");
    }
    if (named[*i]) {
      // One column may give both the ballots issued and those in the boxes
      // (a layout that publishes only "ballots"); nothing else is shared.
      const Column::Kind kinds[] = {plan.columns[*i].kind, c.kind};
      if ((kinds[0] == Column::kIssued && kinds[1] == Column::kInBoxes) ||
          (kinds[0] == Column::kInBoxes && kinds[1] == Column::kIssued)) {
        plan.columns[*i].kind = Column::kInBoxes;
        plan.issued_from_in_boxes = true;
        return Status::Ok();
      }
      if (c.kind != Column::kArea && plan.columns[*i].kind != Column::kIgnore) {
        return Status::InvalidArgument("the mapping gives column '" + column + "' two meanings");
      }
    }
    if (c.kind != Column::kIgnore || !named[*i]) plan.columns[*i] = c;
    named[*i] = true;
    return Status::Ok();
  };
  // Station columns may also be areas (a commune, then the precinct number
  // within it), so they are not given a kind.
  for (const std::string& column : m.station) {
    VIGIL_RETURN_IF_ERROR(assign(column, Column{}));
    plan.station_columns.push_back(*find(column));
  }
  for (const auto& [level, column] : m.areas) {
    VIGIL_RETURN_IF_ERROR(assign(column, {Column::kArea, plan.area_levels.size()}));
    plan.area_levels.push_back(level);
  }
  static const std::pair<const char*, Column::Kind> kFigures[] = {
      {"registered", Column::kRegistered},
      {"ballots_received", Column::kBallotsReceived},
      {"issued", Column::kIssued},
      {"cancelled", Column::kCancelled},
      {"lost", Column::kLost},
      {"unaccounted", Column::kUnaccounted},
      {"in_boxes", Column::kInBoxes},
      {"valid", Column::kValid},
      {"invalid", Column::kInvalid}};
  for (const auto& [figure, column] : m.figures) {
    for (const auto& [name, kind] : kFigures) {
      if (figure == name) VIGIL_RETURN_IF_ERROR(assign(column, {kind, 0}));
    }
  }
  for (const std::string& column : m.contestants) {
    VIGIL_RETURN_IF_ERROR(assign(column, {Column::kVote, plan.contestants.size()}));
    plan.contestants.push_back(column);
  }
  if (m.all_other_columns_are_contestants) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (named[i] || header[i].empty()) continue;
      plan.columns[i] = {Column::kVote, plan.contestants.size()};
      plan.contestants.push_back(header[i]);
    }
  }
  if (plan.contestants.empty()) {
    return Fail(Status::InvalidArgument("the mapping names no contestant columns"));
  }
  NoteMissingFigures(&plan);
  return plan;
}

Result<Plan> PlanRuCec(const std::vector<std::string>& header) {
  Plan plan;
  for (const std::string& h : header) {
    Column c;
    if (h == "region" || h == "oik" || h == "tik") {
      c = {Column::kArea, plan.area_levels.size()};
      plan.area_levels.push_back(h);
    } else if (h == "uik") {
      plan.station_columns.push_back(plan.columns.size());
    } else if (h == "name" || h == "level" || h == "url" || h.empty()) {
      c.kind = Column::kIgnore;
    } else if (StartsWith(h, "Число")) {
      // Singular or plural ("в список", "в списки", "участковой",
      // "участковыми") differ between elections.
      if (Contains(h, "включенных в спис") || Contains(h, "внесенных в спис")) {
        c.kind = Column::kRegistered;
      } else if (Contains(h, "бюллетеней, полученных участков")) {
        c.kind = Column::kBallotsReceived;
      } else if (Contains(h, "бюллетеней, выданных")) {
        c.kind = Column::kIssued;
      } else if (Contains(h, "Число погашенных избирательных бюллетеней")) {
        c.kind = Column::kCancelled;
      } else if (Contains(h, "утраченных избирательных бюллетеней")) {
        c.kind = Column::kLost;
      } else if (Contains(h, "бюллетеней, не учтенных при получении")) {
        c.kind = Column::kUnaccounted;
      } else if (Contains(h, "в переносных ящиках") || Contains(h, "в стационарных ящиках")) {
        c.kind = Column::kInBoxes;
      } else if (Contains(h, "бюллетеней, содержащихся")) {
        // The 2020 vote published "ballots in the boxes", which Kobak et al.
        // use as the ballots issued too.
        c.kind = Column::kInBoxes;
        plan.issued_from_in_boxes = true;
      } else if (StartsWith(h, "Число недействительных")) {
        c.kind = Column::kInvalid;
      } else if (StartsWith(h, "Число действительных")) {
        c.kind = Column::kValid;
      }
    } else {
      c = {Column::kVote, plan.contestants.size()};
      plan.contestants.push_back(h);
    }
    plan.columns.push_back(c);
  }
  if (plan.station_columns.empty()) {
    return Fail(
        Status::InvalidArgument("the header has no 'uik' column; is this the ru-cec layout "
                                "(github.com/dkobak/elections)?"));
  }
  NoteMissingFigures(&plan);
  if (plan.contestants.empty()) {
    return Fail(Status::InvalidArgument("the header names no contestant columns"));
  }
  return plan;
}

// Parses a count: digits, optionally with a zero fraction ("12.0", as
// written by tools that store counts as floating point). Missing: empty,
// nan, NaN, NA.
enum class CountParse { kOk, kMissing, kBad };
CountParse ParseCount(std::string_view text, std::int64_t* out) {
  text = Trim(text);
  if (text.empty() || text == "nan" || text == "NaN" || text == "NA") return CountParse::kMissing;
  const std::size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  if (dot != std::string_view::npos) {
    for (char c : text.substr(dot + 1)) {
      if (c != '0') return CountParse::kBad;
    }
  }
  const auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), *out);
  if (ec != std::errc() || end != whole.data() + whole.size() || whole.empty() || *out < 0) {
    return CountParse::kBad;
  }
  return CountParse::kOk;
}

void AddTo(std::optional<std::int64_t>* sum, std::int64_t v) { *sum = sum->value_or(0) + v; }

// The problems found in one file: all are counted, the first kMaxProblems
// kept with "file:line:" in front.
class ProblemLog {
 public:
  explicit ProblemLog(std::string name) : name_(std::move(name)) {}

  void Add(std::size_t line, std::string problem) {
    ++count_;
    if (kept_.size() < kMaxProblems) {
      kept_.push_back(name_ + ":" + std::to_string(line) + ": " + std::move(problem));
    }
  }
  void Add(const CsvError& error) {
    const std::string where = error.field == CsvError::kNoField
                                  ? std::string()
                                  : "field " + std::to_string(error.field + 1) + ": ";
    Add(error.line, where + error.problem);
  }
  bool empty() const { return count_ == 0; }
  // "FILE: N problems; nothing was read:" and the kept problems.
  Status ToStatus() const {
    std::string message = name_ + ": " + std::to_string(count_) + " problem" +
                          (count_ == 1 ? "" : "s") + "; nothing was read:";
    for (const std::string& p : kept_) message += "\n  " + p;
    if (count_ > kept_.size()) {
      message += "\n  ... and " + std::to_string(count_ - kept_.size()) + " more";
    }
    return Status::InvalidArgument(message);
  }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::vector<std::string> kept_;
  std::size_t count_ = 0;
};

class ResultsHandler final : public CsvHandler {
 public:
  ResultsHandler(std::string name, ResultsFormat format, const ResultsMapping* mapping)
      : problems_(std::move(name)), format_(format), mapping_(mapping) {}

  void OnRecord(const CsvRecord& record) override {
    if (!plan_) {
      ReadHeader(record);
      return;
    }
    if (!header_ok_) return;
    if (record.fields.size() != header_.size()) {
      problems_.Add(record.line, "has " + std::to_string(record.fields.size()) +
                                     " fields, the header has " + std::to_string(header_.size()));
      return;
    }
    core::StationResult s;
    s.line = record.line;
    s.areas.resize(plan_->area_levels.size());
    s.votes.assign(plan_->contestants.size(), 0);
    bool any_vote = false;
    for (std::size_t i = 0; i < record.fields.size(); ++i) {
      const Column& c = plan_->columns[i];
      if (c.kind == Column::kIgnore) continue;
      if (!record.IsValidUtf8(i)) continue;  // already reported
      const std::string_view text = record.fields[i];
      if (c.kind == Column::kArea) {
        s.areas[c.index] = std::string(Trim(text));
        continue;
      }
      std::int64_t v = 0;
      const CountParse parsed = ParseCount(text, &v);
      if (parsed == CountParse::kMissing) continue;
      if (parsed == CountParse::kBad) {
        problems_.Add(record.line, "column '" + header_[i] + "': '" + std::string(Trim(text)) +
                                       "' is not a count (a whole number >= 0)");
        continue;
      }
      switch (c.kind) {
        case Column::kRegistered:
          s.registered = v;
          break;
        case Column::kBallotsReceived:
          s.ballots_received = v;
          break;
        case Column::kIssued:
          AddTo(&s.issued, v);
          break;
        case Column::kCancelled:
          s.cancelled = v;
          break;
        case Column::kLost:
          s.lost = v;
          break;
        case Column::kUnaccounted:
          s.unaccounted = v;
          break;
        case Column::kInBoxes:
          AddTo(&s.in_boxes, v);
          break;
        case Column::kValid:
          s.valid = v;
          break;
        case Column::kInvalid:
          s.invalid = v;
          break;
        case Column::kVote:
          s.votes[c.index] = v;
          any_vote = true;
          break;
        default:
          break;
      }
    }
    std::string station;
    for (std::size_t column : plan_->station_columns) {
      const std::string_view part = Trim(record.fields[column]);
      if (part.empty()) {  // every part is needed for a unique code
        station.clear();
        break;
      }
      station += (station.empty() ? "" : "/") + std::string(part);
    }
    if (format_ == ResultsFormat::kRuCec) {
      if (station.empty()) {  // an aggregate such as remote electronic voting
        ++read_.skipped_aggregates;
        return;
      }
      // A uik number is unique only within its area.
      std::string code;
      for (const std::string& a : s.areas) code += a + '/';
      station = code + station;
    }
    if (plan_->issued_from_in_boxes) s.issued = s.in_boxes;
    if (station.empty()) {
      problems_.Add(record.line, "a station column is empty");
      return;
    }
    s.code = std::move(station);
    if (!any_vote) {
      ++read_.skipped_without_votes;
      return;
    }
    read_.table.stations.push_back(std::move(s));
  }

  void OnError(const CsvError& error) override { problems_.Add(error); }

  Result<ResultsRead> Finish() {
    if (!plan_) return Fail(Status::InvalidArgument(problems_.name() + ": the file is empty"));
    if (!header_error_.empty()) {
      return Fail(Status::InvalidArgument(problems_.name() + ":1: " + header_error_));
    }
    if (!problems_.empty()) return Fail(problems_.ToStatus());
    read_.table.area_levels = plan_->area_levels;
    read_.table.contestants = plan_->contestants;
    read_.notes = plan_->notes;
    return std::move(read_);
  }

 private:
  void ReadHeader(const CsvRecord& record) {
    for (std::size_t i = 0; i < record.fields.size(); ++i) {
      header_.emplace_back(Trim(record.fields[i]));
    }
    auto plan = mapping_ != nullptr                  ? PlanMapped(header_, *mapping_)
                : format_ == ResultsFormat::kGeneric ? PlanGeneric(header_)
                                                     : PlanRuCec(header_);
    if (!plan) {
      header_error_ = plan.error().message();
      plan_ = Plan{};
      return;
    }
    plan_ = std::move(*plan);
    header_ok_ = true;
  }

  ProblemLog problems_;
  ResultsFormat format_;
  const ResultsMapping* mapping_;  // may be null
  std::vector<std::string> header_;
  std::optional<Plan> plan_;
  bool header_ok_ = false;
  std::string header_error_;
  ResultsRead read_;
};

// OpenElections (openelections.net) precinct files: one row per candidate
// and precinct, with columns county, precinct, office, district, party,
// candidate, votes. Rows are kept until the end, when the office to read
// is known.
class OpenElectionsHandler final : public CsvHandler {
 public:
  OpenElectionsHandler(std::string name, std::string office)
      : problems_(std::move(name)), office_(std::move(office)) {}

  void OnRecord(const CsvRecord& record) override {
    if (!header_read_) {
      ReadHeader(record);
      return;
    }
    if (!header_error_.empty()) return;
    const std::size_t needed = *std::max_element(std::begin(columns_), std::end(columns_)) + 1;
    if (record.fields.size() < needed) {
      problems_.Add(record.line, "has " + std::to_string(record.fields.size()) +
                                     " fields; the header names at least " +
                                     std::to_string(needed));
      return;
    }
    Row row;
    row.line = record.line;
    row.county = Trim(record.fields[columns_[kCounty]]);
    row.precinct = Trim(record.fields[columns_[kPrecinct]]);
    row.office = Trim(record.fields[columns_[kOffice]]);
    row.candidate = Trim(record.fields[columns_[kCandidate]]);
    const CountParse parsed = ParseCount(record.fields[columns_[kVotes]], &row.votes);
    if (parsed == CountParse::kBad) {
      problems_.Add(record.line, "column 'votes': '" +
                                     std::string(Trim(record.fields[columns_[kVotes]])) +
                                     "' is not a count (a whole number >= 0)");
      return;
    }
    if (parsed == CountParse::kMissing) return;
    rows_.push_back(std::move(row));
  }

  void OnError(const CsvError& error) override { problems_.Add(error); }

  Result<ResultsRead> Finish() {
    if (!header_read_)
      return Fail(Status::InvalidArgument(problems_.name() + ": the file is empty"));
    if (!header_error_.empty()) {
      return Fail(Status::InvalidArgument(problems_.name() + ":1: " + header_error_));
    }
    if (!problems_.empty()) return Fail(problems_.ToStatus());
    std::set<std::string> offices;
    for (const Row& r : rows_) {
      if (!IsTurnoutRow(r)) offices.insert(r.office);
    }
    std::string office = office_;
    if (office.empty() && offices.size() == 1) office = *offices.begin();
    if (office.empty() || !offices.count(office)) {
      std::string list;
      for (const std::string& o : offices) list += (list.empty() ? "" : ", ") + o;
      return Fail(Status::InvalidArgument(
          problems_.name() + ": " +
          (office.empty() ? "the file has results for several offices"
                          : "the file has no results for office '" + office + "'") +
          " (" + (list.empty() ? "none" : list) + "); choose one with --office"));
    }
    ResultsRead read;
    read.table.area_levels = {"county"};
    std::map<std::string, std::size_t> station_index, contestant_index;
    for (const Row& r : rows_) {
      if (r.office != office) continue;
      if (contestant_index.emplace(r.candidate, read.table.contestants.size()).second) {
        read.table.contestants.push_back(r.candidate);
      }
    }
    const auto station = [&](const Row& r) -> core::StationResult& {
      const std::string code = r.county + "/" + r.precinct;
      auto [it, added] = station_index.emplace(code, read.table.stations.size());
      if (added) {
        core::StationResult s;
        s.code = code;
        s.areas = {r.county};
        s.line = r.line;
        s.votes.assign(read.table.contestants.size(), 0);
        read.table.stations.push_back(std::move(s));
      }
      return read.table.stations[it->second];
    };
    for (const Row& r : rows_) {
      if (r.office == office) station(r).votes[contestant_index.at(r.candidate)] += r.votes;
    }
    for (const Row& r : rows_) {  // only for precincts with results for the office
      if (!IsTurnoutRow(r) || !station_index.count(r.county + "/" + r.precinct)) continue;
      core::StationResult& s = station(r);
      if (r.office == "Registered Voters") s.registered = r.votes;
      if (r.office == "Ballots Cast") s.in_boxes = s.issued = r.votes;
    }
    read.notes.push_back("read office '" + office + "'");
    return read;
  }

 private:
  enum Column { kCounty, kPrecinct, kOffice, kCandidate, kVotes, kColumns };
  struct Row {
    std::size_t line = 0;
    std::string county, precinct, office, candidate;
    std::int64_t votes = 0;
  };

  // Some states publish turnout as pseudo-offices.
  static bool IsTurnoutRow(const Row& r) {
    return r.office == "Registered Voters" || r.office == "Ballots Cast";
  }

  void ReadHeader(const CsvRecord& record) {
    header_read_ = true;
    const char* names[kColumns] = {"county", "precinct", "office", "candidate", "votes"};
    for (int c = 0; c < kColumns; ++c) {
      bool found = false;
      for (std::size_t i = 0; i < record.fields.size(); ++i) {
        if (Trim(record.fields[i]) == names[c]) {
          columns_[c] = i;
          found = true;
          break;
        }
      }
      if (!found) {
        header_error_ = std::string("the header has no '") + names[c] +
                        "' column (OpenElections files have county, precinct, office, district, "
                        "party, candidate, votes)";
        return;
      }
    }
  }

  ProblemLog problems_;
  std::string office_;
  bool header_read_ = false;
  std::string header_error_;
  std::size_t columns_[kColumns] = {};
  std::vector<Row> rows_;
};

// The one .csv file inside a ZIP archive held in `archive`.
Result<std::string> UnzipSingleCsv(std::string_view archive, const std::string& name,
                                   std::string* entry_name) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(archive.data(), archive.size(), 0, &error);
  if (source == nullptr) {
    Status s = Status::Internal(name + ": " + zip_error_strerror(&error));
    zip_error_fini(&error);
    return Fail(s);
  }
  zip_t* zip = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (zip == nullptr) {
    zip_source_free(source);
    Status s = Status::InvalidArgument(
        name + ": not a readable ZIP archive: " + zip_error_strerror(&error));
    zip_error_fini(&error);
    return Fail(s);
  }
  std::unique_ptr<zip_t, decltype(&zip_discard)> closer(zip, &zip_discard);
  std::vector<zip_uint64_t> csvs;
  const zip_int64_t entries = zip_get_num_entries(zip, 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    const std::string_view entry = zip_get_name(zip, static_cast<zip_uint64_t>(i), 0);
    if (entry.size() > 4 && entry.substr(entry.size() - 4) == ".csv" &&
        !StartsWith(entry, "__MACOSX/")) {
      csvs.push_back(static_cast<zip_uint64_t>(i));
    }
  }
  if (csvs.size() != 1) {
    return Fail(Status::InvalidArgument(name + ": the archive holds " +
                                        std::to_string(csvs.size()) +
                                        " .csv files; it must hold exactly one"));
  }
  zip_stat_t stat;
  if (zip_stat_index(zip, csvs[0], 0, &stat) != 0 || (stat.valid & ZIP_STAT_SIZE) == 0) {
    return Fail(Status::InvalidArgument(name + ": cannot read the archive's directory"));
  }
  *entry_name = stat.name;
  zip_file_t* file = zip_fopen_index(zip, csvs[0], 0);
  if (file == nullptr) {
    return Fail(Status::InvalidArgument(name + ": " + zip_strerror(zip)));
  }
  std::string content(stat.size, '\0');
  const zip_int64_t read = zip_fread(file, content.data(), content.size());
  zip_fclose(file);
  if (read < 0 || static_cast<zip_uint64_t>(read) != stat.size) {
    return Fail(Status::InvalidArgument(name + ": the archive is truncated or corrupt"));
  }
  return content;
}

}  // namespace

Result<ResultsMapping> ParseResultsMapping(std::string_view text, const std::string& name) {
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(text, ec);
  if (ec) {
    return Fail(Status::InvalidArgument(name + ": not valid JSON: " + ec.message()));
  }
  if (!json.is_object()) {
    return Fail(Status::InvalidArgument(name + ": the mapping must be a JSON object"));
  }
  const auto bad = [&](const std::string& key, const char* what) {
    return Fail(Status::InvalidArgument(name + ": \"" + key + "\" must be " + what));
  };
  const auto columns = [](const boost::json::value& v, std::vector<std::string>* out) {
    if (v.is_string()) {
      out->emplace_back(v.get_string());
      return true;
    }
    if (!v.is_array() || v.get_array().empty()) return false;
    for (const boost::json::value& c : v.get_array()) {
      if (!c.is_string()) return false;
      out->emplace_back(c.get_string());
    }
    return true;
  };
  static const char* kFigures[] = {"registered",  "ballots_received", "issued", "cancelled", "lost",
                                   "unaccounted", "in_boxes",         "valid",  "invalid"};
  ResultsMapping m;
  for (const auto& [key_view, value] : json.get_object()) {
    const std::string key(key_view);
    if (key == "station") {
      if (!columns(value, &m.station)) return bad(key, "a column name or a list of them");
    } else if (key == "areas") {
      if (!value.is_array()) return bad(key, "a list of [level, column] pairs");
      for (const boost::json::value& pair : value.get_array()) {
        if (!pair.is_array() || pair.get_array().size() != 2 || !pair.get_array()[0].is_string() ||
            !pair.get_array()[1].is_string()) {
          return bad(key, "a list of [level, column] pairs");
        }
        m.areas.emplace_back(std::string(pair.get_array()[0].get_string()),
                             std::string(pair.get_array()[1].get_string()));
      }
    } else if (key == "contestants") {
      if (value.is_string() && value.get_string() == "*") {
        m.all_other_columns_are_contestants = true;
      } else if (!value.is_array() || !columns(value, &m.contestants)) {
        return bad(key, "a list of column names, or \"*\" for every other column");
      }
    } else if (std::find(std::begin(kFigures), std::end(kFigures), key) != std::end(kFigures)) {
      if (!value.is_string()) return bad(key, "a column name");
      m.figures.emplace_back(key, std::string(value.get_string()));
    } else {
      return Fail(Status::InvalidArgument(
          name + ": unknown key \"" + key +
          "\" (known: station, areas, registered, ballots_received, issued, cancelled, "
          "lost, unaccounted, in_boxes, valid, invalid, contestants)"));
    }
  }
  if (m.station.empty()) return bad("station", "given: which column(s) identify a station");
  if (m.contestants.empty() && !m.all_other_columns_are_contestants) {
    return bad("contestants", "given: which columns hold votes");
  }
  return m;
}

Result<ResultsMapping> ReadResultsMappingFile(const std::string& path) {
  auto content = ReadWholeFile(path);
  if (!content) return Fail(content.error());
  return ParseResultsMapping(*content, path);
}

std::optional<ResultsFormat> ParseResultsFormat(std::string_view name) {
  if (name == "generic") return ResultsFormat::kGeneric;
  if (name == "ru-cec") return ResultsFormat::kRuCec;
  if (name == "openelections") return ResultsFormat::kOpenElections;
  return std::nullopt;
}

Result<ResultsRead> ParseResults(std::string_view content, const std::string& name,
                                 ResultsFormat format, const std::string& office,
                                 const ResultsMapping* mapping) {
  if (StartsWith(content, std::string_view("PK\x03\x04", 4))) {
    std::string entry;
    auto unzipped = UnzipSingleCsv(content, name, &entry);
    if (!unzipped) return Fail(unzipped.error());
    return ParseResults(*unzipped, name + "!" + entry, format, office, mapping);
  }
  if (format == ResultsFormat::kOpenElections) {
    OpenElectionsHandler handler(name, office);
    ReadCsv(content, handler);
    return handler.Finish();
  }
  ResultsHandler handler(name, format, format == ResultsFormat::kGeneric ? mapping : nullptr);
  ReadCsv(content, handler);
  return handler.Finish();
}

Result<ResultsRead> ReadResultsFile(const std::string& path, ResultsFormat format,
                                    const std::string& office, const ResultsMapping* mapping) {
  auto content = ReadWholeFile(path);
  if (!content) return Fail(content.error());
  return ParseResults(*content, path, format, office, mapping);
}

}  // namespace vigil::ingest
