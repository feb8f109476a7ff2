#include "analysis/findings.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

namespace vigil::analysis {

namespace {

using FormRows = ObservationTable::FormRows;

// Which review statuses a filter counts; rejected never.
std::array<bool, 4> CountedStatuses(const FindingFilter& filter) {
  std::array<bool, 4> counted{};
  counted[static_cast<std::size_t>(core::ReviewStatus::kVerified)] = true;
  if (!filter.verified_only) {
    counted[static_cast<std::size_t>(core::ReviewStatus::kUnreviewed)] = true;
    counted[static_cast<std::size_t>(core::ReviewStatus::kQuarantined)] =
        !filter.exclude_quarantined;
  }
  return counted;
}

// The groups rows fall into, by station: -1 leaves a station's rows out.
struct Grouping {
  std::vector<std::int32_t> of_location;  // Geography index -> group
  std::vector<std::int32_t> areas;        // group -> Geography index of its area (-1: all)
};

// One group of every admitted station (depth < 0), or one per area at depth.
Grouping GroupStations(const Geography& geo, int depth, const FindingFilter& filter) {
  Grouping g;
  std::vector<std::int32_t> group_of_area(static_cast<std::size_t>(geo.size()), -1);
  if (depth < 0) {
    g.areas.push_back(-1);
  } else {
    for (std::int32_t i = 0; i < geo.size(); ++i) {
      if (geo.depth(i) == depth && !geo.is_station(i)) {
        group_of_area[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(g.areas.size());
        g.areas.push_back(i);
      }
    }
  }
  const std::vector<std::uint8_t> within =
      filter.within.empty() ? std::vector<std::uint8_t>{} : geo.Mark(filter.within);
  const std::vector<std::uint8_t> sample =
      filter.sample ? geo.Mark(*filter.sample) : std::vector<std::uint8_t>{};
  const auto& locations = geo.mission().locations();
  g.of_location.assign(static_cast<std::size_t>(geo.size()), -1);
  for (std::int32_t i = 0; i < geo.size(); ++i) {
    const auto u = static_cast<std::size_t>(i);
    if (!geo.is_station(i)) continue;
    if (filter.settlement && locations[u].settlement != *filter.settlement) continue;
    if (!within.empty() && !geo.IsWithin(i, within)) continue;
    if (filter.sample && sample[u] == 0) continue;
    if (depth < 0) {
      g.of_location[u] = 0;
    } else if (const std::int32_t area = geo.AtDepth(i, depth); area >= 0) {
      g.of_location[u] = group_of_area[static_cast<std::size_t>(area)];
    }
  }
  return g;
}

// The rows of `form` the filter keeps, in order, with their groups.
struct Selection {
  std::vector<std::uint32_t> rows;
  std::vector<std::int32_t> groups;
};

Selection Select(const FormRows& form, const Grouping& g, const FindingFilter& filter) {
  const std::array<bool, 4> counted = CountedStatuses(filter);
  const std::int64_t from = filter.from ? filter.from->time_since_epoch().count() : INT64_MIN;
  const std::int64_t to = filter.to ? filter.to->time_since_epoch().count() : INT64_MAX;
  Selection out;
  for (std::size_t r = 0; r < form.rows(); ++r) {
    const std::int32_t s = form.station[r];
    if (s < 0 || !counted[form.status[r]]) continue;
    if (form.submitted_at[r] < from || form.submitted_at[r] >= to) continue;
    const std::int32_t group = g.of_location[static_cast<std::size_t>(s)];
    if (group < 0) continue;
    out.rows.push_back(static_cast<std::uint32_t>(r));
    out.groups.push_back(group);
  }
  return out;
}

// Tallies one column per group over the selected rows.
void ScanColumn(const FormRows& form, std::size_t column, const Selection& selection,
                std::vector<Tally>& out) {
  const ColumnSpec& spec = form.columns[column];
  const CodedColumn& values = form.values[column];
  if (spec.kind == ColumnKind::kOption) {
    // The hot loop: option counts only; the rest follows from them.
    const std::size_t options = spec.options.size();
    std::vector<std::int64_t> counts(out.size() * options, 0);
    const auto count = [&](const auto& value_of) {
      for (std::size_t i = 0; i < selection.rows.size(); ++i) {
        const std::int32_t v = value_of(selection.rows[i]);
        if (v < 0) continue;
        ++counts[static_cast<std::size_t>(selection.groups[i]) * options +
                 static_cast<std::size_t>(v)];
      }
    };
    if (values.narrow()) {
      const std::int8_t* bytes = values.bytes();
      count([bytes](std::uint32_t r) { return static_cast<std::int32_t>(bytes[r]); });
    } else {
      count([&values](std::uint32_t r) { return values[r]; });
    }
    for (std::size_t g = 0; g < out.size(); ++g) {
      Tally& t = out[g];
      t.options.assign(counts.begin() + static_cast<std::ptrdiff_t>(g * options),
                       counts.begin() + static_cast<std::ptrdiff_t>((g + 1) * options));
      for (std::size_t o = 0; o < options; ++o) {
        t.answered += t.options[o];
        if (spec.negative[o] != 0) t.negative += t.options[o];
        if (static_cast<int>(o) == spec.na_option) t.not_applicable += t.options[o];
      }
    }
    return;
  }
  if (spec.kind == ColumnKind::kInteger) {
    // Tally::Add's work without its per-call dispatch.
    const double above = spec.negative_above.value_or(0);
    const bool has_negative = spec.negative_above.has_value();
    for (std::size_t i = 0; i < selection.rows.size(); ++i) {
      const std::int32_t v = values[selection.rows[i]];
      if (v == kNoInteger) continue;
      Tally& t = out[static_cast<std::size_t>(selection.groups[i])];
      ++t.answered;
      t.sum += v;
      if (has_negative && v > above) ++t.negative;
    }
    return;
  }
  for (std::size_t i = 0; i < selection.rows.size(); ++i) {
    out[static_cast<std::size_t>(selection.groups[i])].Add(spec, values[selection.rows[i]], 1);
  }
}

std::vector<std::int64_t> CountGroups(const Selection& selection, std::size_t groups) {
  std::vector<std::int64_t> n(groups, 0);
  for (std::int32_t g : selection.groups) ++n[static_cast<std::size_t>(g)];
  return n;
}

QuestionFinding MakeFinding(const FormRows& form, std::size_t column, const Tally& tally,
                            std::int64_t observations, const FindingFilter& filter) {
  const ColumnSpec& spec = form.columns[column];
  QuestionFinding f;
  f.form = form.code;
  f.question = spec.code;
  f.label = spec.label;
  f.type = spec.type;
  f.has_negative = spec.HasNegative();
  f.criteria = spec.criteria;
  f.observations = observations;
  f.answered = tally.answered;
  f.not_applicable = tally.not_applicable;
  f.n = tally.answered - tally.not_applicable;
  f.negative = tally.negative;
  if (f.has_negative && f.n > 0) f.share = static_cast<double>(f.negative) / f.n;
  if (spec.kind == ColumnKind::kInteger && spec.negative_above) {
    std::ostringstream above;
    above << "> " << *spec.negative_above;
    f.negative_answers = above.str();
  }
  for (std::size_t o = 0; o < spec.options.size(); ++o) {
    if (spec.negative[o] != 0) {
      f.negative_answers += (f.negative_answers.empty() ? "" : ", ") + spec.options[o];
    }
    f.distribution.push_back(
        {spec.options[o], o < tally.options.size() ? tally.options[o] : 0, spec.negative[o] != 0});
  }
  if (spec.kind == ColumnKind::kInteger && tally.answered > 0) {
    f.mean = tally.sum / static_cast<double>(tally.answered);
  }
  if (!filter.sample) {
    f.interval_note = kNotRandomNote;
  } else if (!f.has_negative) {
    f.interval_note = "no negative answer defined";
  } else if (f.n == 0) {
    f.interval_note = "no applicable answers";
  } else {
    f.interval = WilsonInterval(f.negative, f.n);
  }
  return f;
}

// Which settlement classes (see kSettlementClasses) a tallies-only filter
// counts: a settlement filter leaves out rows of unknown stations, as the
// scan does.
std::array<bool, kSettlementClasses> CountedClasses(const FindingFilter& filter) {
  std::array<bool, kSettlementClasses> counted{};
  for (std::size_t c = 0; c < kSettlementClasses; ++c) {
    counted[c] = !filter.settlement || c == static_cast<std::size_t>(*filter.settlement);
  }
  return counted;
}

std::int64_t CountedRows(const FormRows& form, const FindingFilter& filter) {
  const std::array<bool, 4> counted = CountedStatuses(filter);
  const auto classes = CountedClasses(filter);
  std::int64_t n = 0;
  for (std::size_t s = 0; s < 4; ++s) {
    for (std::size_t c = 0; c < kSettlementClasses; ++c) {
      if (counted[s] && classes[c]) n += form.rows_by_class[s][c];
    }
  }
  return n;
}

// One column's running tallies over the statuses and classes `filter` counts.
Tally TalliedColumn(const FormRows& form, std::size_t column, const FindingFilter& filter) {
  const std::array<bool, 4> counted = CountedStatuses(filter);
  const auto classes = CountedClasses(filter);
  Tally t;
  for (std::size_t s = 0; s < 4; ++s) {
    for (std::size_t c = 0; c < kSettlementClasses; ++c) {
      if (counted[s] && classes[c]) t.Merge(form.tallies[s][c][column]);
    }
  }
  return t;
}

Result<std::pair<const FormRows*, std::size_t>> FindColumn(const ObservationTable& table,
                                                           const std::string& form,
                                                           const std::string& question) {
  const FormRows* rows = table.FindForm(form);
  if (rows == nullptr) return Fail(Status::NotFound("no form " + form));
  for (std::size_t c = 0; c < rows->columns.size(); ++c) {
    if (rows->columns[c].code == question) return std::make_pair(rows, c);
  }
  return Fail(Status::NotFound("form " + form + " has no counted question " + question +
                               " (yes/no, choice, assessment or integer)"));
}

// Per group (as `g`) and column, over one form.
std::vector<std::vector<Tally>> ScanForm(const FormRows& form, const Grouping& g,
                                         const FindingFilter& filter,
                                         std::vector<std::int64_t>* observations) {
  const Selection selection = Select(form, g, filter);
  *observations = CountGroups(selection, g.areas.size());
  std::vector<std::vector<Tally>> by_column(form.columns.size(),
                                            std::vector<Tally>(g.areas.size()));
  for (std::size_t c = 0; c < form.columns.size(); ++c) {
    ScanColumn(form, c, selection, by_column[c]);
  }
  return by_column;
}

FormSummary EmptySummary(const FormRows& form) {
  FormSummary s;
  s.form = form.code;
  s.title = form.title;
  s.phase = form.phase;
  for (std::size_t i = 0; i < 4; ++i) s.by_status[i] = form.rows_by_status[i];
  return s;
}

}  // namespace

bool FindingFilter::FromTallies() const { return !from && !to && within.empty() && !sample; }

Interval WilsonInterval(std::int64_t successes, std::int64_t n, double z) {
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(successes) / nn;
  const double z2 = z * z;
  const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
  const double half = z / (1 + z2 / nn) * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Result<QuestionFinding> ComputeFinding(const ObservationTable& table, const std::string& form,
                                       const std::string& question, const FindingFilter& filter) {
  auto found = FindColumn(table, form, question);
  if (!found) return Fail(found.error());
  const auto [rows, column] = *found;
  if (filter.FromTallies()) {
    return MakeFinding(*rows, column, TalliedColumn(*rows, column, filter),
                       CountedRows(*rows, filter), filter);
  }
  const Grouping g = GroupStations(table.geography(), -1, filter);
  const Selection selection = Select(*rows, g, filter);
  std::vector<Tally> out(1);
  ScanColumn(*rows, column, selection, out);
  return MakeFinding(*rows, column, out[0], static_cast<std::int64_t>(selection.rows.size()),
                     filter);
}

Result<std::vector<AreaFinding>> ComputeFindingByArea(const ObservationTable& table,
                                                      const std::string& form,
                                                      const std::string& question, int depth,
                                                      const FindingFilter& filter) {
  auto found = FindColumn(table, form, question);
  if (!found) return Fail(found.error());
  const auto [rows, column] = *found;
  const Geography& geo = table.geography();
  const Grouping g = GroupStations(geo, depth, filter);
  const Selection selection = Select(*rows, g, filter);
  const std::vector<std::int64_t> observations = CountGroups(selection, g.areas.size());
  std::vector<Tally> out(g.areas.size());
  ScanColumn(*rows, column, selection, out);
  // A coordinator sees only the areas holding stations of its regions.
  std::vector<std::uint8_t> admitted(g.areas.size(), filter.within.empty() ? 1 : 0);
  for (std::int32_t group : g.of_location) {
    if (group >= 0) admitted[static_cast<std::size_t>(group)] = 1;
  }
  std::vector<AreaFinding> areas;
  for (std::size_t a = 0; a < g.areas.size(); ++a) {
    if (admitted[a] == 0) continue;
    const core::Location& l = geo.mission().locations()[static_cast<std::size_t>(g.areas[a])];
    areas.push_back({l.code, l.name, MakeFinding(*rows, column, out[a], observations[a], filter)});
  }
  return areas;
}

std::vector<FormSummary> ComputeSummary(const ObservationTable& table,
                                        const FindingFilter& filter) {
  std::vector<FormSummary> summary;
  for (const FormRows& form : table.forms()) {
    FormSummary s = EmptySummary(form);
    if (filter.FromTallies()) {
      s.observations = CountedRows(form, filter);
      for (std::size_t c = 0; c < form.columns.size(); ++c) {
        s.questions.push_back(
            MakeFinding(form, c, TalliedColumn(form, c, filter), s.observations, filter));
      }
    } else {
      const Grouping g = GroupStations(table.geography(), -1, filter);
      std::vector<std::int64_t> observations;
      const auto by_column = ScanForm(form, g, filter, &observations);
      s.observations = observations[0];
      for (std::size_t c = 0; c < form.columns.size(); ++c) {
        s.questions.push_back(MakeFinding(form, c, by_column[c][0], s.observations, filter));
      }
    }
    summary.push_back(std::move(s));
  }
  return summary;
}

std::vector<AreaSummary> ComputeSummaryByArea(const ObservationTable& table, int depth,
                                              const FindingFilter& filter) {
  const Geography& geo = table.geography();
  const Grouping g = GroupStations(geo, depth, filter);
  std::vector<AreaSummary> areas;
  for (std::int32_t a : g.areas) {
    const core::Location& l = geo.mission().locations()[static_cast<std::size_t>(a)];
    areas.push_back({l.code, l.name, {}});
  }
  for (const FormRows& form : table.forms()) {
    std::vector<std::int64_t> observations;
    const auto by_column = ScanForm(form, g, filter, &observations);
    for (std::size_t a = 0; a < areas.size(); ++a) {
      FormSummary s = EmptySummary(form);
      s.observations = observations[a];
      for (std::size_t c = 0; c < form.columns.size(); ++c) {
        s.questions.push_back(MakeFinding(form, c, by_column[c][a], observations[a], filter));
      }
      areas[a].forms.push_back(std::move(s));
    }
  }
  if (!filter.within.empty()) {
    std::vector<std::uint8_t> admitted(g.areas.size(), 0);
    for (std::int32_t group : g.of_location) {
      if (group >= 0) admitted[static_cast<std::size_t>(group)] = 1;
    }
    std::vector<AreaSummary> kept;
    for (std::size_t a = 0; a < areas.size(); ++a) {
      if (admitted[a] != 0) kept.push_back(std::move(areas[a]));
    }
    areas = std::move(kept);
  }
  return areas;
}

std::vector<CriterionScore> ComputeScorecard(const std::vector<FormSummary>& summary) {
  std::vector<CriterionScore> scores;
  for (int c = 0; c <= static_cast<int>(core::Criterion::kAccountability); ++c) {
    CriterionScore score;
    score.criterion = static_cast<core::Criterion>(c);
    for (const FormSummary& form : summary) {
      for (const QuestionFinding& q : form.questions) {
        if (!q.has_negative) continue;
        for (core::Criterion tagged : q.criteria) {
          if (tagged == score.criterion) score.questions.push_back(q);
        }
      }
    }
    scores.push_back(std::move(score));
  }
  return scores;
}

}  // namespace vigil::analysis
