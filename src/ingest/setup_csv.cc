#include "ingest/setup_csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <span>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "ingest/csv_reader.h"

namespace vigil::ingest {

std::string CsvProblem::ToString() const {
  if (line == 0) return file + ": " + problem;
  return file + ":" + std::to_string(line) + ": " + column + ": " + problem;
}

namespace {

constexpr std::string_view kNoColumn = "-";
constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// The problems of one file, gathered in any order and listed by line.
class ProblemList {
 public:
  explicit ProblemList(std::string_view file) : file_(file) {}

  void Add(std::size_t line, std::string_view column, std::string problem) {
    problems_.push_back(CsvProblem{file_, line, std::string(column), std::move(problem)});
  }
  bool empty() const { return problems_.empty(); }

  // Sorts and caps the list, hands it to *out (if not null) and returns the
  // failure to report.
  Status Finish(std::vector<CsvProblem>* out) {
    const std::size_t total = problems_.size();
    std::stable_sort(problems_.begin(), problems_.end(),
                     [](const CsvProblem& a, const CsvProblem& b) { return a.line < b.line; });
    if (total > kMaxCsvProblems) {
      problems_.resize(kMaxCsvProblems);
      problems_.push_back(
          CsvProblem{file_, 0, "", "... and " + std::to_string(total - kMaxCsvProblems) + " more"});
    }
    if (out != nullptr) *out = std::move(problems_);
    return Status::InvalidArgument(std::to_string(total) +
                                   (total == 1 ? " problem in " : " problems in ") + file_);
  }

 private:
  std::string file_;
  std::vector<CsvProblem> problems_;
};

// A value as quoted in a message: control characters escaped, long values cut
// (on a character boundary; the value is valid UTF-8).
std::string Quoted(std::string_view value) {
  constexpr std::size_t kMaxBytes = 60;
  std::string out = "'";
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (i >= kMaxBytes && (c & 0xC0) != 0x80) {
      out += "...";
      break;
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += "'";
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Calls f(word) for each run of non-space characters of `text`.
template <typename F>
void ForEachWord(std::string_view text, F f) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    std::size_t end = i;
    while (end < text.size() && !IsSpace(text[end])) ++end;
    if (end > i) f(text.substr(i, end - i));
    i = end;
  }
}

// A whole number >= 0, nothing else (no sign, no spaces, no exponent).
std::optional<std::int64_t> ParseCount(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || value < 0) return std::nullopt;
  return value;
}

// A finite decimal number within [-limit, limit].
std::optional<double> ParseCoordinate(std::string_view text, double limit) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value) || value < -limit || value > limit) {
    return std::nullopt;
  }
  return value;
}

// "+" (optional) and 3 to 15 digits: E.164 allows at most 15.
bool IsPhoneNumber(std::string_view text) {
  if (text.starts_with('+')) text.remove_prefix(1);
  return text.size() >= 3 && text.size() <= 15 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiAlnum(char c) { return IsAsciiLetter(c) || (c >= '0' && c <= '9'); }

// The shape of a BCP 47 tag (RFC 5646): a 2-3 letter language, then subtags
// of 1-8 letters or digits separated by '-'. Registry lookups are not done.
bool IsLanguageTag(std::string_view text) {
  std::size_t index = 0;
  bool ok = !text.empty();
  std::size_t start = 0;
  while (ok && start <= text.size()) {
    std::size_t end = text.find('-', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view subtag = text.substr(start, end - start);
    if (index == 0) {
      ok = subtag.size() >= 2 && subtag.size() <= 3 &&
           std::all_of(subtag.begin(), subtag.end(), IsAsciiLetter);
    } else {
      ok = !subtag.empty() && subtag.size() <= 8 &&
           std::all_of(subtag.begin(), subtag.end(), IsAsciiAlnum);
    }
    ++index;
    start = end + 1;
  }
  return ok;
}

// A column a file kind knows.
struct ColumnSpec {
  std::string_view name;
  bool required;
};

std::string ColumnList(std::span<const ColumnSpec> specs) {
  std::string out;
  for (const ColumnSpec& spec : specs) {
    if (!out.empty()) out += ", ";
    out += spec.name;
  }
  return out;
}

// Which known column each field of the header row is.
class Header {
 public:
  explicit Header(std::span<const ColumnSpec> specs)
      : specs_(specs), field_of_(specs.size(), kNone) {}

  // Reports unknown, repeated and missing columns.
  void Read(const CsvRecord& record, ProblemList& problems) {
    line_ = record.line;
    for (std::size_t field = 0; field < record.fields.size(); ++field) {
      const std::string_view name = record.fields[field];
      if (!record.IsValidUtf8(field)) {  // reported by the reader
        names_.emplace_back(kNoColumn);
        continue;
      }
      if (name.empty()) {
        names_.emplace_back(kNoColumn);
        problems.Add(line_, kNoColumn, "column " + std::to_string(field + 1) + " has no name");
        continue;
      }
      names_.emplace_back(name);
      const auto spec = std::find_if(specs_.begin(), specs_.end(),
                                     [&](const ColumnSpec& s) { return s.name == name; });
      if (spec == specs_.end()) {
        problems.Add(line_, name, "unknown column; expected " + ColumnList(specs_));
        continue;
      }
      std::size_t& known = field_of_[static_cast<std::size_t>(spec - specs_.begin())];
      if (known != kNone) {
        problems.Add(line_, name,
                     "column appears twice (columns " + std::to_string(known + 1) + " and " +
                         std::to_string(field + 1) + ")");
        continue;
      }
      known = field;
    }
    for (std::size_t column = 0; column < specs_.size(); ++column) {
      if (specs_[column].required && field_of_[column] == kNone) {
        problems.Add(line_, specs_[column].name, "missing required column");
      }
    }
  }

  std::size_t line() const { return line_; }
  std::size_t width() const { return names_.size(); }
  bool Has(std::size_t column) const { return field_of_[column] != kNone; }
  std::size_t FieldOf(std::size_t column) const { return field_of_[column]; }
  std::string_view NameOf(std::size_t column) const { return specs_[column].name; }
  // The header's name for a field, or "-" beyond the header.
  std::string_view NameOfField(std::size_t field) const {
    return field < names_.size() ? std::string_view(names_[field]) : kNoColumn;
  }

 private:
  std::span<const ColumnSpec> specs_;
  std::vector<std::size_t> field_of_;  // per known column, kNone if absent
  std::vector<std::string> names_;     // per header field
  std::size_t line_ = 0;
};

// One data record seen through the header.
class Row {
 public:
  Row(const CsvRecord& record, const Header& header) : record_(record), header_(header) {}

  std::size_t line() const { return record_.line; }
  // True if the row has the column and its value is valid UTF-8: only then
  // is the value checked (the other cases were reported already).
  bool Usable(std::size_t column) const {
    const std::size_t field = header_.FieldOf(column);
    return field < record_.fields.size() && record_.IsValidUtf8(field);
  }
  // The value, or "" if not Usable.
  std::string_view operator[](std::size_t column) const {
    return Usable(column) ? record_.fields[header_.FieldOf(column)] : std::string_view();
  }
  std::string_view Name(std::size_t column) const { return header_.NameOf(column); }

 private:
  const CsvRecord& record_;
  const Header& header_;
};

// Reads a file of one kind: the header row, then rows as wide as the header.
// Subclasses check the rows; cross-row checks come after ReadCsv.
class TableReader : public CsvHandler {
 public:
  TableReader(std::span<const ColumnSpec> specs, ProblemList& problems)
      : problems_(problems), specs_(specs), header_(specs) {}

  void OnRecord(const CsvRecord& record) final {
    if (header_broken_) return;
    if (!header_seen_) {
      header_seen_ = true;
      header_.Read(record, problems_);
      OnHeader();
      return;
    }
    const bool complete = record.fields.size() == header_.width();
    if (!complete) {
      problems_.Add(record.line, kNoColumn,
                    "expected " + std::to_string(header_.width()) +
                        " fields as in the header, got " + std::to_string(record.fields.size()));
    }
    OnRow(Row(record, header_), complete);
  }

  void OnError(const CsvError& error) final {
    const bool in_header = !header_seen_;
    problems_.Add(error.line, in_header ? kNoColumn : header_.NameOfField(error.field),
                  error.problem);
    // Without a header the rows cannot be read; only errors are reported.
    if (in_header && error.record_dropped) header_broken_ = true;
  }

  // Call after ReadCsv.
  void CheckNotEmpty() {
    if (!header_seen_ && !header_broken_) {
      problems_.Add(1, kNoColumn,
                    "the file is empty; expected a header row: " + ColumnList(specs_));
    }
  }

 protected:
  virtual void OnHeader() {}
  // `complete`: the row is as wide as the header. Otherwise that is reported
  // and the row's values are unreliable; use them only to avoid follow-on
  // problems.
  virtual void OnRow(const Row& row, bool complete) = 0;

  // Reports an empty value in a column that needs one; returns false then.
  bool RequireValue(const Row& row, std::size_t column) {
    if (!row.Usable(column) || !row[column].empty()) return true;
    problems_.Add(row.line(), row.Name(column), "required value is empty");
    return false;
  }

  // Codes are written space-separated in other columns, so hold no spaces.
  void CheckCode(const Row& row, std::size_t column) {
    const std::string_view code = row[column];
    if (std::any_of(code.begin(), code.end(), IsSpace)) {
      problems_.Add(row.line(), row.Name(column), "must not contain spaces, got " + Quoted(code));
    }
  }

  const Header& header() const { return header_; }

  ProblemList& problems_;

 private:
  std::span<const ColumnSpec> specs_;
  Header header_;
  bool header_seen_ = false;
  bool header_broken_ = false;
};

// Reports codes that appear twice, naming the first line; `code_of(i)` and
// `line_of(i)` describe item i, `code_of` returning "" for items without a
// usable code.
template <typename CodeOf, typename LineOf>
std::unordered_map<std::string_view, std::size_t> IndexCodes(std::size_t count, CodeOf code_of,
                                                             LineOf line_of,
                                                             ProblemList& problems) {
  std::unordered_map<std::string_view, std::size_t> index;
  index.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string_view code = code_of(i);
    if (code.empty()) continue;
    const auto [it, inserted] = index.try_emplace(code, i);
    if (!inserted) {
      problems.Add(line_of(i), "code",
                   "duplicate code " + Quoted(code) + ", first on line " +
                       std::to_string(line_of(it->second)));
    }
  }
  return index;
}

// ---------------------------------------------------------------- locations

enum LocationColumn : std::size_t {
  kCode,
  kName,
  kParent,
  kRegisteredVoters,
  kUrbanRural,
  kLat,
  kLon
};
constexpr ColumnSpec kLocationColumns[] = {
    {"code", true},         {"name", true}, {"parent", true}, {"registered_voters", false},
    {"urban_rural", false}, {"lat", false}, {"lon", false},
};

struct LocationRow {
  core::Location location;
  std::size_t line = 0;
  bool complete = false;    // as wide as the header; every value was checked
  bool has_parent = false;  // location.parent_code is the file's value ("" = top level)
};

class LocationReader final : public TableReader {
 public:
  explicit LocationReader(ProblemList& problems) : TableReader(kLocationColumns, problems) {}

  std::vector<LocationRow>& rows() { return rows_; }
  bool codes_readable() const { return header().Has(kCode); }

 protected:
  void OnHeader() override {
    // A coordinate pair needs both columns; reporting this once here saves a
    // problem on every row.
    if (header().Has(kLat) != header().Has(kLon)) {
      problems_.Add(header().line(), header().NameOf(header().Has(kLat) ? kLon : kLat),
                    "missing column; lat and lon go together");
    }
  }

  void OnRow(const Row& row, bool complete) override {
    LocationRow& r = rows_.emplace_back();
    r.line = row.line();
    r.complete = complete;
    core::Location& l = r.location;
    l.code = row[kCode];  // kept even from a broken row, to spare its children "unknown parent"
    if (!complete) return;

    if (RequireValue(row, kCode)) CheckCode(row, kCode);
    RequireValue(row, kName);
    l.name = row[kName];
    if (row.Usable(kParent)) {
      l.parent_code = row[kParent];
      r.has_parent = true;
    }
    if (const std::string_view v = row[kRegisteredVoters]; !v.empty()) {
      l.registered_voters = ParseCount(v);
      if (!l.registered_voters) {
        problems_.Add(r.line, row.Name(kRegisteredVoters),
                      "expected a whole number >= 0, got " + Quoted(v));
      }
    }
    if (const std::string_view v = row[kUrbanRural]; !v.empty()) {
      if (const std::optional<core::Settlement> s = core::ParseSettlement(v)) {
        l.settlement = *s;
      } else {
        problems_.Add(r.line, row.Name(kUrbanRural),
                      "expected urban, rural or nothing, got " + Quoted(v));
      }
    }
    const std::string_view lat = row[kLat];
    const std::string_view lon = row[kLon];
    if (!lat.empty()) {
      l.lat = ParseCoordinate(lat, 90);
      if (!l.lat) {
        problems_.Add(r.line, row.Name(kLat),
                      "expected a number from -90 to 90, got " + Quoted(lat));
      }
    }
    if (!lon.empty()) {
      l.lon = ParseCoordinate(lon, 180);
      if (!l.lon) {
        problems_.Add(r.line, row.Name(kLon),
                      "expected a number from -180 to 180, got " + Quoted(lon));
      }
    }
    if (lat.empty() != lon.empty() && row.Usable(kLat) && row.Usable(kLon)) {
      problems_.Add(r.line, row.Name(lat.empty() ? kLat : kLon),
                    lat.empty() ? "is empty but lon is given; lat and lon go together"
                                : "is empty but lat is given; lat and lon go together");
    }
  }

 private:
  std::vector<LocationRow> rows_;
};

// "parent cycle: A (line 2) -> B (line 3) -> A", starting at the member met
// first in the file; `cycle` holds row indices, each the parent of the one
// before, the first the parent of the last.
std::string DescribeCycle(std::vector<std::size_t> cycle, const std::vector<LocationRow>& rows) {
  constexpr std::size_t kMaxListed = 10;
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
  std::string out = "parent cycle: ";
  for (std::size_t k = 0; k < cycle.size() && k < kMaxListed; ++k) {
    const LocationRow& r = rows[cycle[k]];
    out += r.location.code + " (line " + std::to_string(r.line) + ") -> ";
  }
  if (cycle.size() > kMaxListed) {
    out += "... (" + std::to_string(cycle.size()) + " locations) -> ";
  }
  out += rows[cycle.front()].location.code;
  return out;
}

// The checks that need the whole file: duplicate codes, parents, cycles, and
// station-only values on locations that turned out to have children.
void CheckHierarchy(const std::vector<LocationRow>& rows, bool codes_readable,
                    const std::function<bool(std::string_view)>& parent_exists,
                    ProblemList& problems) {
  const std::size_t n = rows.size();
  const auto index = IndexCodes(
      n, [&](std::size_t i) -> std::string_view { return rows[i].location.code; },
      [&](std::size_t i) { return rows[i].line; }, problems);
  if (!codes_readable) return;  // every parent would look unknown

  std::vector<std::size_t> parent_of(n, kNone);    // in-file parent
  std::vector<std::size_t> first_child(n, kNone);  // in-file child met first
  for (std::size_t i = 0; i < n; ++i) {
    const LocationRow& r = rows[i];
    const std::string& parent = r.location.parent_code;
    if (!r.complete || !r.has_parent || parent.empty()) continue;
    if (const auto it = index.find(parent); it != index.end()) {
      parent_of[i] = it->second;
      if (first_child[it->second] == kNone) first_child[it->second] = i;
    } else if (!parent_exists || !parent_exists(parent)) {
      problems.Add(r.line, "parent",
                   "unknown parent " + Quoted(parent) + ": not in this file nor in the mission");
    }
  }

  // Follow each chain of parents once; a chain that meets itself is a cycle.
  enum : unsigned char { kUnseen, kOnPath, kDone };
  std::vector<unsigned char> state(n, kUnseen);
  std::vector<std::size_t> path;
  for (std::size_t start = 0; start < n; ++start) {
    path.clear();
    std::size_t i = start;
    while (i != kNone && state[i] == kUnseen) {
      state[i] = kOnPath;
      path.push_back(i);
      i = parent_of[i];
    }
    if (i != kNone && state[i] == kOnPath) {
      std::vector<std::size_t> cycle(std::find(path.begin(), path.end(), i), path.end());
      const std::size_t first = *std::min_element(cycle.begin(), cycle.end());
      problems.Add(rows[first].line, "parent", DescribeCycle(std::move(cycle), rows));
    }
    for (const std::size_t p : path) state[p] = kDone;
  }

  for (std::size_t i = 0; i < n; ++i) {
    const LocationRow& r = rows[i];
    if (!r.complete || first_child[i] == kNone) continue;
    const LocationRow& child = rows[first_child[i]];
    const auto report = [&](std::string_view column) {
      problems.Add(r.line, column,
                   "must be empty: " + Quoted(r.location.code) +
                       " is not a polling station, it is the parent of " +
                       Quoted(child.location.code) + " (line " + std::to_string(child.line) + ")");
    };
    if (r.location.registered_voters) report("registered_voters");
    if (r.location.settlement != core::Settlement::kUnknown) report("urban_rural");
    if (r.location.lat) report("lat");
    if (r.location.lon) report("lon");
  }
}

// ---------------------------------------------------------------- observers

enum ObserverColumn : std::size_t {
  kObserverCode,
  kObserverName,
  kPhone,
  kRole,
  kStations,
  kTeam,
  kLanguage
};
constexpr ColumnSpec kObserverColumns[] = {
    {"code", true},     {"name", true},  {"phone", true},     {"role", true},
    {"stations", true}, {"team", false}, {"language", false},
};

struct ObserverRow {
  core::Observer observer;
  std::size_t line = 0;
};

class ObserverReader final : public TableReader {
 public:
  ObserverReader(const std::function<bool(std::string_view)>& is_station, ProblemList& problems)
      : TableReader(kObserverColumns, problems), is_station_(is_station) {}

  std::vector<ObserverRow>& rows() { return rows_; }

 protected:
  void OnRow(const Row& row, bool complete) override {
    if (!complete) return;  // nothing refers to observers, so nothing to salvage
    ObserverRow& r = rows_.emplace_back();
    r.line = row.line();
    core::Observer& o = r.observer;

    if (RequireValue(row, kObserverCode)) CheckCode(row, kObserverCode);
    o.code = row[kObserverCode];
    RequireValue(row, kObserverName);
    o.name = row[kObserverName];

    if (RequireValue(row, kPhone)) {
      ForEachWord(row[kPhone], [&](std::string_view phone) {
        if (IsPhoneNumber(phone)) {
          o.phones.emplace_back(phone);
        } else {
          problems_.Add(r.line, row.Name(kPhone),
                        "expected phone numbers such as +37369123456, separated by spaces, got " +
                            Quoted(phone));
        }
      });
    }

    std::optional<core::ObserverRole> role;
    if (RequireValue(row, kRole) && row.Usable(kRole)) {
      role = core::ParseObserverRole(row[kRole]);
      if (role) {
        o.role = *role;
      } else {
        problems_.Add(r.line, row.Name(kRole),
                      "expected STO, LTO, core or coordinator, got " + Quoted(row[kRole]));
      }
    }

    if (row.Usable(kStations)) {
      ForEachWord(row[kStations], [&](std::string_view station) {
        if (std::find(o.stations.begin(), o.stations.end(), station) != o.stations.end()) {
          problems_.Add(r.line, row.Name(kStations), Quoted(station) + " is listed twice");
        } else if (!is_station_ || !is_station_(station)) {
          problems_.Add(r.line, row.Name(kStations),
                        Quoted(station) + " is not a polling station of the mission");
        } else {
          o.stations.emplace_back(station);
        }
      });
      if (row[kStations].empty() && role == core::ObserverRole::kShortTerm) {
        problems_.Add(r.line, row.Name(kStations),
                      "required value is empty: an STO needs at least one station");
      }
    }

    o.team = row[kTeam];
    if (const std::string_view language = row[kLanguage]; !language.empty()) {
      if (IsLanguageTag(language)) {
        o.language = language;
      } else {
        problems_.Add(r.line, row.Name(kLanguage),
                      "expected a language tag such as en or ru, got " + Quoted(language));
      }
    }
  }

 private:
  const std::function<bool(std::string_view)>& is_station_;
  std::vector<ObserverRow> rows_;
};

// ---- PVT samples -------------------------------------------------------------

enum SampleColumn : std::size_t {
  kSampleStation,
  kSampleStratum,
  kSampleRole,
  kSampleRank,
  kSampleStratumStations,
  kSampleStratumRegistered,
  kSampleSeed,
};

constexpr ColumnSpec kSampleColumns[] = {
    {"station", true}, {"stratum", true},          {"role", true},
    {"rank", true},    {"stratum_stations", true}, {"stratum_registered", true},
    {"seed", true},
};

class SampleReader final : public TableReader {
 public:
  explicit SampleReader(ProblemList& problems) : TableReader(kSampleColumns, problems) {}

  struct Line {
    std::size_t line;
    core::DrawnStation station;
    std::int64_t stratum_stations;
    std::int64_t stratum_registered;
    std::uint64_t seed;
  };
  std::vector<Line>& lines() { return lines_; }

 protected:
  void OnRow(const Row& row, bool complete) override {
    if (!complete) return;
    Line& l = lines_.emplace_back();
    l.line = row.line();
    RequireValue(row, kSampleStation);
    l.station.code = row[kSampleStation];
    l.station.stratum = row[kSampleStratum];
    if (row[kSampleRole] == "sample" || row[kSampleRole] == "reserve") {
      l.station.reserve = row[kSampleRole] == "reserve";
    } else {
      problems_.Add(l.line, row.Name(kSampleRole),
                    "expected sample or reserve, got " + Quoted(row[kSampleRole]));
    }
    const auto count = [&](SampleColumn column, std::int64_t minimum) -> std::int64_t {
      const auto value = ParseCount(row[column]);
      if (!value || *value < minimum) {
        problems_.Add(l.line, row.Name(column),
                      "expected a whole number >= " + std::to_string(minimum) + ", got " +
                          Quoted(row[column]));
        return 0;
      }
      return *value;
    };
    l.station.rank = static_cast<int>(std::min<std::int64_t>(count(kSampleRank, 1), 1 << 30));
    l.stratum_stations = count(kSampleStratumStations, 1);
    l.stratum_registered = count(kSampleStratumRegistered, 0);
    const std::string_view seed = row[kSampleSeed];
    const auto [ptr, ec] = std::from_chars(seed.data(), seed.data() + seed.size(), l.seed);
    if (ec != std::errc() || ptr != seed.data() + seed.size()) {
      problems_.Add(l.line, row.Name(kSampleSeed),
                    "expected the draw's seed, a whole number, got " + Quoted(seed));
    }
  }

 private:
  std::vector<Line> lines_;
};

}  // namespace

Result<std::vector<core::Location>> ParseLocationsCsv(
    std::string_view file_name, std::string_view content,
    const std::function<bool(std::string_view)>& parent_exists, std::vector<CsvProblem>* problems) {
  if (problems != nullptr) problems->clear();
  ProblemList found(file_name);
  LocationReader reader(found);
  ReadCsv(content, reader);
  reader.CheckNotEmpty();
  std::vector<LocationRow>& rows = reader.rows();
  CheckHierarchy(rows, reader.codes_readable(), parent_exists, found);
  if (!found.empty()) return Fail(found.Finish(problems));

  std::vector<core::Location> locations;
  locations.reserve(rows.size());
  for (LocationRow& r : rows) locations.push_back(std::move(r.location));
  return locations;
}

Result<std::vector<core::Observer>> ParseObserversCsv(
    std::string_view file_name, std::string_view content,
    const std::function<bool(std::string_view)>& is_station, std::vector<CsvProblem>* problems) {
  if (problems != nullptr) problems->clear();
  ProblemList found(file_name);
  ObserverReader reader(is_station, found);
  ReadCsv(content, reader);
  reader.CheckNotEmpty();
  std::vector<ObserverRow>& rows = reader.rows();
  IndexCodes(
      rows.size(), [&](std::size_t i) -> std::string_view { return rows[i].observer.code; },
      [&](std::size_t i) { return rows[i].line; }, found);
  if (!found.empty()) return Fail(found.Finish(problems));

  std::vector<core::Observer> observers;
  observers.reserve(rows.size());
  for (ObserverRow& r : rows) observers.push_back(std::move(r.observer));
  return observers;
}

Result<core::PvtSample> ParsePvtSampleCsv(std::string_view file_name, std::string_view content,
                                          std::vector<CsvProblem>* problems) {
  if (problems != nullptr) problems->clear();
  ProblemList found(file_name);
  SampleReader reader(found);
  ReadCsv(content, reader);
  reader.CheckNotEmpty();
  auto& lines = reader.lines();
  IndexCodes(
      lines.size(), [&](std::size_t i) -> std::string_view { return lines[i].station.code; },
      [&](std::size_t i) { return lines[i].line; }, found);
  core::PvtSample sample;
  std::map<std::string, std::size_t> strata;  // name -> index in sample.strata
  for (const auto& l : lines) {
    if (!lines.empty() && l.seed != lines.front().seed) {
      found.Add(l.line, "seed", "differs from the first row's; a sample comes from one draw");
    }
    auto [it, added] = strata.try_emplace(l.station.stratum, sample.strata.size());
    if (added) {
      sample.strata.push_back({.stratum = l.station.stratum,
                               .stations = l.stratum_stations,
                               .registered = l.stratum_registered});
    }
    core::StratumSummary& s = sample.strata[it->second];
    if (s.stations != l.stratum_stations || s.registered != l.stratum_registered) {
      found.Add(l.line, "stratum_stations",
                "differs from an earlier row of stratum " + Quoted(l.station.stratum));
    }
    ++(l.station.reserve ? s.reserves : s.sample);
    sample.stations.push_back(l.station);
  }
  for (const core::StratumSummary& s : sample.strata) {
    if (s.sample + s.reserves > s.stations) {
      found.Add(0, "stratum_stations",
                "stratum " + Quoted(s.stratum) + " lists more stations than it holds");
    }
  }
  if (!found.empty()) return Fail(found.Finish(problems));
  if (!lines.empty()) sample.seed = lines.front().seed;
  std::sort(sample.strata.begin(), sample.strata.end(),
            [](const auto& a, const auto& b) { return a.stratum < b.stratum; });
  return sample;
}

}  // namespace vigil::ingest
