// Findings: what the observation table says per question, as a mission's
// statement quotes it ("unauthorized persons were present in 30 per cent of
// polling stations observed"): the answer distribution and the share of
// negative answers among applicable answers, with n. Pure functions over an
// ObservationTable and its Geography.
//
// Counting rules:
// - n counts applicable answers: rows answering the question, less "na"
//   (not applicable). Negative answers are the form's `negative` option
//   values (for an assessment, bad + very bad among rated) or integers
//   above `negative_above`; a multiple choice is negative if any negative
//   option is chosen.
// - Each current report is one observation: two teams reporting on one
//   station count twice, as missions count visits, not stations.
// - Rejected reports never count; filters can drop quarantined ones or keep
//   only verified ones.
// - Observers choose their stations, so no margin of error is claimed
//   unless the rows are restricted to the PVT's random sample of stations;
//   then a 95% Wilson score interval is given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/observations.h"
#include "common/status.h"

namespace vigil::analysis {

struct FindingFilter {
  bool verified_only = false;                  // only reports an analyst verified
  bool exclude_quarantined = false;            // drop quarantined reports
  std::optional<core::Settlement> settlement;  // urban or rural stations only
  std::optional<Timestamp> from;               // submitted at or after
  std::optional<Timestamp> to;                 // submitted before
  // Only stations within these areas (a coordinator's regions); empty: all.
  std::vector<std::string> within;
  // Only these stations (the PVT sample); the figures then carry an interval.
  std::optional<std::vector<std::string>> sample;

  // True if only review status and settlement restrict the rows, so the
  // running tallies answer without a scan.
  bool FromTallies() const;
};

struct Interval {
  double low = 0;
  double high = 0;
};

// Wilson score interval for `successes` of `n` at z (1.959964: 95%).
// Wilson, "Probable inference, the law of succession, and statistical
// inference", JASA 22(158), 1927. n must be > 0.
Interval WilsonInterval(std::int64_t successes, std::int64_t n, double z = 1.959963984540054);

inline constexpr const char* kNotRandomNote = "not a random sample";

struct OptionCount {
  std::string value;
  std::int64_t count = 0;
  bool negative = false;
};

struct QuestionFinding {
  std::string form;
  std::string question;
  std::string label;
  core::QuestionType type = core::QuestionType::kYesNo;
  bool has_negative = false;      // whether the form defines negative answers
  std::string negative_answers;   // what counts as negative: "no", "bad, very_bad", "> 0"
  std::int64_t observations = 0;  // rows counted (answering or not)
  std::int64_t answered = 0;
  std::int64_t not_applicable = 0;
  std::int64_t n = 0;  // answered - not_applicable
  std::int64_t negative = 0;
  std::optional<double> share;            // negative / n; none when n is 0 or nothing is negative
  std::vector<OptionCount> distribution;  // options (counts of rows choosing each)
  std::optional<double> mean;             // integer questions with answers
  std::optional<Interval> interval;       // 95% Wilson, random samples only
  std::string interval_note;              // why there is no interval
  std::vector<core::Criterion> criteria;
};

struct AreaFinding {
  std::string code;
  std::string name;
  QuestionFinding finding;
};

// One question over the rows that pass `filter`. NotFound for an unknown
// form or a question that is not counted (text, time, ...).
Result<QuestionFinding> ComputeFinding(const ObservationTable& table, const std::string& form,
                                       const std::string& question, const FindingFilter& filter);

// The same per area at `depth` (0: top level), in set-up order; with
// `filter.within`, only the areas holding some of its stations.
Result<std::vector<AreaFinding>> ComputeFindingByArea(const ObservationTable& table,
                                                      const std::string& form,
                                                      const std::string& question, int depth,
                                                      const FindingFilter& filter);

struct FormSummary {
  std::string form;
  std::string title;
  core::Phase phase = core::Phase::kVoting;
  std::int64_t observations = 0;   // counted rows
  std::int64_t by_status[4] = {};  // every current row by core::ReviewStatus, before filters
  std::vector<QuestionFinding> questions;  // every counted question, in form order
};

// The dashboard summary: every form's questions over the rows that pass
// `filter`. From the running tallies when only review status and
// settlement filter.
std::vector<FormSummary> ComputeSummary(const ObservationTable& table, const FindingFilter& filter);

struct AreaSummary {
  std::string code;
  std::string name;
  std::vector<FormSummary> forms;
};
// ComputeSummary per area at `depth` (one scan for all areas).
std::vector<AreaSummary> ComputeSummaryByArea(const ObservationTable& table, int depth,
                                              const FindingFilter& filter);

struct CriterionScore {
  core::Criterion criterion = core::Criterion::kEquality;
  std::vector<QuestionFinding> questions;  // the questions tagged with it that define negatives
};
// The criteria scorecard: all six criteria in their enum order, each with
// the summary's questions tagged with it.
std::vector<CriterionScore> ComputeScorecard(const std::vector<FormSummary>& summary);

}  // namespace vigil::analysis
