#include "analysis/conflicts.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <unordered_set>

namespace vigil::analysis {

namespace json = boost::json;

std::vector<const core::Submission*> CountedReports(std::span<const core::Submission> versions) {
  std::unordered_set<std::string_view> replaced;
  for (const core::Submission& s : versions) {
    if (!s.replaces.empty()) replaced.insert(s.replaces);
  }
  std::vector<const core::Submission*> out;
  for (const core::Submission& s : versions) {
    if (replaced.contains(s.instance_id)) continue;
    // The observer's later report takes the place of its earlier one.
    std::erase_if(out,
                  [&](const core::Submission* o) { return o->observer_code == s.observer_code; });
    out.push_back(&s);
  }
  return out;
}

namespace {

bool Number(const json::value& v) { return v.is_int64() || v.is_uint64() || v.is_double(); }

}  // namespace

bool SameAnswer(const json::value& a, const json::value& b) {
  if (Number(a) && Number(b)) {
    if (a.is_double() || b.is_double()) return a.to_number<double>() == b.to_number<double>();
    return a == b;  // int64 and uint64 compare by value
  }
  if (a.is_array() && b.is_array()) {
    const json::array& x = a.as_array();
    const json::array& y = b.as_array();
    if (x.size() != y.size()) return false;
    // Small lists (a multiple choice's options): match each element once.
    std::vector<bool> used(y.size(), false);
    for (const json::value& e : x) {
      bool found = false;
      for (std::size_t i = 0; i < y.size() && !found; ++i) {
        if (!used[i] && SameAnswer(e, y[i])) used[i] = found = true;
      }
      if (!found) return false;
    }
    return true;
  }
  return a == b;
}

namespace {

// question -> every counted report's answer to it, in report order.
std::map<std::string, std::vector<GivenAnswer>> AnswersByQuestion(
    std::span<const core::Submission* const> reports) {
  std::map<std::string, std::vector<GivenAnswer>> out;
  for (const core::Submission* s : reports) {
    for (const auto& [code, value] : s->answers) {
      out[std::string(code)].push_back({s->instance_id, s->observer_code, value});
    }
  }
  return out;
}

bool Disagree(const std::vector<GivenAnswer>& answers) {
  for (const GivenAnswer& a : answers) {
    if (!SameAnswer(a.value, answers.front().value)) return true;
  }
  return false;
}

// The latest resolution of station/form/question if it still holds.
std::optional<ConflictResolution> HoldingResolution(std::span<const ConflictResolution> resolutions,
                                                    const core::Submission& any,
                                                    const std::string& question,
                                                    const std::vector<GivenAnswer>& answers) {
  const ConflictResolution* latest = nullptr;
  for (const ConflictResolution& r : resolutions) {
    if (r.station_code != any.station_code || r.form_code != any.form_code ||
        r.question != question)
      continue;
    if (latest == nullptr || r.id > latest->id) latest = &r;
  }
  if (latest == nullptr) return std::nullopt;
  if (!latest->instance_id.empty() &&
      std::none_of(answers.begin(), answers.end(),
                   [&](const GivenAnswer& a) { return a.instance_id == latest->instance_id; })) {
    return std::nullopt;  // the chosen report was edited or withdrawn since
  }
  return *latest;
}

}  // namespace

std::vector<QuestionConflict> DetectConflicts(std::span<const core::Submission> versions,
                                              std::span<const ConflictResolution> resolutions) {
  const std::vector<const core::Submission*> reports = CountedReports(versions);
  std::vector<QuestionConflict> out;
  for (auto& [question, answers] : AnswersByQuestion(reports)) {
    if (!Disagree(answers)) continue;
    QuestionConflict c{question, std::move(answers), std::nullopt};
    c.resolution = HoldingResolution(resolutions, *reports.front(), c.question, c.answers);
    out.push_back(std::move(c));
  }
  return out;
}

std::string_view MasterSourceName(MasterSource source) {
  switch (source) {
    case MasterSource::kAgreed:
      return "agreed";
    case MasterSource::kChosen:
      return "chosen";
    case MasterSource::kOverride:
      return "override";
    case MasterSource::kConflict:
      return "conflict";
  }
  return "";
}

MasterRecord BuildMasterRecord(std::span<const core::Submission> versions,
                               std::span<const ConflictResolution> resolutions) {
  const std::vector<const core::Submission*> reports = CountedReports(versions);
  MasterRecord out;
  for (const core::Submission* s : reports) out.reports.push_back(s->instance_id);
  for (auto& [question, answers] : AnswersByQuestion(reports)) {
    MasterAnswer m{question, nullptr, MasterSource::kAgreed, {}, std::nullopt};
    if (!Disagree(answers)) {
      m.value = answers.front().value;
      for (const GivenAnswer& a : answers) m.from.push_back(a.instance_id);
    } else if (auto r = HoldingResolution(resolutions, *reports.front(), question, answers)) {
      if (r->instance_id.empty()) {
        m.source = MasterSource::kOverride;
        m.value = r->value.value_or(nullptr);
      } else {
        m.source = MasterSource::kChosen;
        m.from.push_back(r->instance_id);
        for (const GivenAnswer& a : answers) {
          if (a.instance_id == r->instance_id) m.value = a.value;
        }
      }
      m.resolution = std::move(r);
    } else {
      m.source = MasterSource::kConflict;
    }
    out.answers.push_back(std::move(m));
  }
  return out;
}

}  // namespace vigil::analysis
