// The live observation table behind findings: for each form, one row per
// current submission version, with each countable question's answer in a
// compact column, and running tallies per review status so that the
// mission-wide figures need no rescan. A plain data structure: not
// thread-safe (the service guards it), no storage.
//
// Columns come from the form's current version when the form is first seen;
// answers of other versions are read by question code and option value, and
// what the columns do not know (a question added later, an unknown option)
// counts as no answer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/time.h"
#include "core/mission.h"
#include "core/review.h"
#include "core/submission.h"

namespace vigil::analysis {

// The location hierarchy as indices into MissionIndex::locations(), built
// once per set-up snapshot so that queries never look codes up.
class Geography {
 public:
  explicit Geography(std::shared_ptr<const core::MissionIndex> mission);

  const core::MissionIndex& mission() const { return *mission_; }
  std::int32_t size() const { return static_cast<std::int32_t>(parent_.size()); }
  // Index of a location, or -1.
  std::int32_t Find(std::string_view code) const;
  std::int32_t parent(std::int32_t i) const { return parent_[static_cast<std::size_t>(i)]; }
  // 0 for the top level, as analysis::ComputeCoverage's depth.
  int depth(std::int32_t i) const { return depth_[static_cast<std::size_t>(i)]; }
  bool is_station(std::int32_t i) const { return is_station_[static_cast<std::size_t>(i)] != 0; }
  // The ancestor of `i` at `depth` (`i` itself at its own depth), or -1.
  std::int32_t AtDepth(std::int32_t i, int depth) const;
  // Marks every location listed in `codes` (unknown codes are skipped).
  std::vector<std::uint8_t> Mark(std::span<const std::string> codes) const;
  // True if `i` or one of its ancestors is marked.
  bool IsWithin(std::int32_t i, const std::vector<std::uint8_t>& marked) const;
  // The depth of "the top level below the country": 1 when there is a
  // single top-level location (the country), else 0.
  int RegionDepth() const;

 private:
  std::shared_ptr<const core::MissionIndex> mission_;
  std::vector<std::int32_t> parent_;
  std::vector<int> depth_;
  std::vector<std::uint8_t> is_station_;
};

// How a question's answers are kept in its column.
enum class ColumnKind : std::uint8_t {
  kOption,    // yes/no, yes/no/na, select one, assessment: the option's index
  kInteger,   // the value
  kMultiple,  // select multiple: bit i for option i (at most 31 options)
};

// A countable question of a form.
struct ColumnSpec {
  std::string code;
  std::string label;  // English, else the first label
  core::QuestionType type = core::QuestionType::kYesNo;
  ColumnKind kind = ColumnKind::kOption;
  std::vector<std::string> options;       // option values by index (kOption, kMultiple)
  std::vector<std::uint8_t> negative;     // per option: a negative answer
  int na_option = -1;                     // the "na" option's index, or -1
  std::optional<double> negative_above;   // kInteger
  std::vector<core::Criterion> criteria;  // as the form tags the question

  // True if the form says which answers are negative.
  bool HasNegative() const;
};

// The columns of a form: its top-level questions (groups opened) of the
// types above; text, times, photos, decimals and repeats are not counted.
std::vector<ColumnSpec> ColumnsOf(const core::Form& form);

// Counts of one question's answers over some rows.
struct Tally {
  std::vector<std::int64_t> options;  // per option: rows giving it (kOption, kMultiple)
  std::int64_t answered = 0;          // rows with an answer
  std::int64_t not_applicable = 0;    // of which "na"
  std::int64_t negative = 0;          // of which negative
  double sum = 0;                     // of the values (kInteger)

  // Adds (sign 1) or removes (sign -1) one coded answer.
  void Add(const ColumnSpec& spec, std::int32_t value, int sign);
  void Merge(const Tally& other);
};

// The coded "no answer" of each kind.
inline constexpr std::int32_t kNoOption = -1;
inline constexpr std::int32_t kNoInteger = INT32_MIN;
inline constexpr std::int32_t kNoSelection = -1;

// One column's coded answers, a row each: one byte for an option column
// (at most 127 options; -1 is no answer), else four.
class CodedColumn {
 public:
  explicit CodedColumn(bool narrow) : narrow_(narrow) {}
  bool narrow() const { return narrow_; }
  std::int32_t operator[](std::size_t row) const { return narrow_ ? bytes_[row] : words_[row]; }
  const std::int8_t* bytes() const { return bytes_.data(); }
  void push_back(std::int32_t v) {
    if (narrow_) {
      bytes_.push_back(static_cast<std::int8_t>(v));
    } else {
      words_.push_back(v);
    }
  }
  void Set(std::size_t row, std::int32_t v) {
    if (narrow_) {
      bytes_[row] = static_cast<std::int8_t>(v);
    } else {
      words_[row] = v;
    }
  }
  void pop_back() { narrow_ ? bytes_.pop_back() : words_.pop_back(); }
  std::size_t CapacityBytes() const { return bytes_.capacity() + words_.capacity() * 4; }

 private:
  bool narrow_;
  std::vector<std::int8_t> bytes_;
  std::vector<std::int32_t> words_;
};

// Rows are tallied by the settlement of their station as well as by review
// status, so that urban/rural figures need no scan either: the class is the
// station's core::Settlement, or kNoStation for a station the set-up does
// not know.
inline constexpr std::size_t kNoStation = 3;
inline constexpr std::size_t kSettlementClasses = 4;

class ObservationTable {
 public:
  struct FormRows {
    std::string code;
    core::Phase phase = core::Phase::kVoting;
    std::string title;
    std::vector<ColumnSpec> columns;
    // Rows, column-major.
    std::vector<std::uint64_t> id_hash;
    std::vector<std::int32_t> station;       // Geography index, or -1 (no longer in the set-up)
    std::vector<std::int32_t> observer;      // ObservationTable::observer_codes() index
    std::vector<std::int64_t> submitted_at;  // microseconds since the epoch
    std::vector<std::uint8_t> status;        // core::ReviewStatus
    std::vector<CodedColumn> values;         // per column
    // Running tallies over every row, per review status, settlement class
    // and column.
    std::vector<Tally> tallies[4][kSettlementClasses];
    std::int64_t rows_by_status[4] = {0, 0, 0, 0};
    std::int64_t rows_by_class[4][kSettlementClasses] = {};

    std::size_t rows() const { return id_hash.size(); }
  };

  explicit ObservationTable(std::shared_ptr<const Geography> geography);

  // Adds a stored version; the version it replaces, if present, leaves the
  // table, as does a row with the same instance id (a repeated delivery).
  // Forms the set-up does not know are ignored.
  void Add(const core::Submission& submission, Timestamp received_at,
           core::ReviewStatus status = core::ReviewStatus::kUnreviewed);
  // Removes a version (e.g. one superseded); false if absent.
  bool Remove(std::string_view instance_id);
  bool Contains(std::string_view instance_id) const;
  // The analyst's verdict on a version; false if the version is not current.
  bool SetReviewStatus(std::string_view instance_id, core::ReviewStatus status);
  std::optional<core::ReviewStatus> GetReviewStatus(std::string_view instance_id) const;

  // A new set-up: stations are found again by code, forms added.
  void SetGeography(std::shared_ptr<const Geography> geography);
  const Geography& geography() const { return *geography_; }

  const std::vector<FormRows>& forms() const { return forms_; }
  const FormRows* FindForm(std::string_view code) const;
  std::size_t rows() const { return index_.size(); }
  const std::vector<std::string>& observer_codes() const { return observer_codes_; }
  // Bytes held by rows and indexes (approximate).
  std::size_t MemoryBytes() const;

 private:
  struct RowRef {
    std::uint32_t form;
    std::uint32_t row;
  };
  std::int32_t FormIndex(std::string_view code);
  void RemoveRow(std::uint32_t form, std::uint32_t row);
  // The settlement class of a row's station (see kSettlementClasses).
  std::size_t ClassOf(std::int32_t station) const;
  // Adds (sign 1) or removes (sign -1) a row from its tallies.
  void TallyRow(FormRows& form, std::size_t row, int sign);

  std::shared_ptr<const Geography> geography_;
  std::vector<FormRows> forms_;
  // By a 64-bit hash of the instance id: about 16 bytes a row instead of a
  // string's 60. Two ids colliding among a million has odds of about 3e-8.
  std::unordered_map<std::uint64_t, RowRef> index_;
  // Station codes of rows whose station the geography does not know.
  std::unordered_map<std::uint64_t, std::string> unresolved_;
  core::StringMap<std::int32_t> observer_ids_;
  std::vector<std::string> observer_codes_;
};

}  // namespace vigil::analysis
