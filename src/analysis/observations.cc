#include "analysis/observations.h"

#include <algorithm>
#include <boost/json.hpp>
#include <functional>

namespace vigil::analysis {

namespace json = boost::json;

Geography::Geography(std::shared_ptr<const core::MissionIndex> mission)
    : mission_(std::move(mission)) {
  const auto& locations = mission_->locations();
  const std::size_t n = locations.size();
  parent_.assign(n, -1);
  depth_.assign(n, 0);
  is_station_.assign(n, 1);
  for (std::size_t i = 0; i < n; ++i) {
    if (locations[i].parent_code.empty()) continue;
    parent_[i] = Find(locations[i].parent_code);
    if (parent_[i] >= 0) is_station_[static_cast<std::size_t>(parent_[i])] = 0;
  }
  // Set-up import checks the hierarchy has no cycles; the bound only keeps a
  // damaged one from looping.
  for (std::size_t i = 0; i < n; ++i) {
    int d = 0;
    for (std::int32_t p = parent_[i]; p >= 0 && d <= static_cast<int>(n); p = parent_[p]) ++d;
    depth_[i] = d;
  }
}

std::int32_t Geography::Find(std::string_view code) const {
  const core::Location* l = mission_->FindLocation(code);
  if (l == nullptr) return -1;
  return static_cast<std::int32_t>(l - mission_->locations().data());
}

std::int32_t Geography::AtDepth(std::int32_t i, int depth) const {
  if (i < 0 || depth < 0) return -1;
  int d = depth_[static_cast<std::size_t>(i)];
  if (d < depth) return -1;
  while (d > depth) {
    i = parent_[static_cast<std::size_t>(i)];
    --d;
  }
  return i;
}

std::vector<std::uint8_t> Geography::Mark(std::span<const std::string> codes) const {
  std::vector<std::uint8_t> marked(parent_.size(), 0);
  for (const std::string& code : codes) {
    if (const std::int32_t i = Find(code); i >= 0) marked[static_cast<std::size_t>(i)] = 1;
  }
  return marked;
}

bool Geography::IsWithin(std::int32_t i, const std::vector<std::uint8_t>& marked) const {
  for (; i >= 0; i = parent_[static_cast<std::size_t>(i)]) {
    if (marked[static_cast<std::size_t>(i)] != 0) return true;
  }
  return false;
}

int Geography::RegionDepth() const {
  int top = 0;
  for (std::int32_t p : parent_) top += p < 0 ? 1 : 0;
  return top == 1 ? 1 : 0;
}

bool ColumnSpec::HasNegative() const {
  if (kind == ColumnKind::kInteger) return negative_above.has_value();
  return std::find(negative.begin(), negative.end(), 1) != negative.end();
}

std::vector<ColumnSpec> ColumnsOf(const core::Form& form) {
  std::vector<ColumnSpec> columns;
  for (const core::Question* q : core::AnswerFields(form.questions)) {
    ColumnSpec c;
    switch (q->type) {
      case core::QuestionType::kYesNo:
      case core::QuestionType::kYesNoNa:
      case core::QuestionType::kSelectOne:
      case core::QuestionType::kAssessment:
        c.kind = ColumnKind::kOption;
        break;
      case core::QuestionType::kInteger:
        c.kind = ColumnKind::kInteger;
        break;
      case core::QuestionType::kSelectMultiple:
        c.kind = ColumnKind::kMultiple;
        break;
      default:
        continue;
    }
    c.code = q->code;
    c.type = q->type;
    if (auto en = q->labels.find("en"); en != q->labels.end()) {
      c.label = en->second;
    } else if (!q->labels.empty()) {
      c.label = q->labels.begin()->second;
    }
    if (c.kind != ColumnKind::kInteger) {
      c.options = core::Form::AllowedValues(*q);
      if (c.kind == ColumnKind::kMultiple && c.options.size() > 31) continue;
      for (std::size_t i = 0; i < c.options.size(); ++i) {
        const bool neg = std::find(q->negative_values.begin(), q->negative_values.end(),
                                   c.options[i]) != q->negative_values.end();
        c.negative.push_back(neg ? 1 : 0);
        if (c.options[i] == "na") c.na_option = static_cast<int>(i);
      }
    } else {
      c.negative_above = q->negative_above;
    }
    c.criteria = q->criteria;
    columns.push_back(std::move(c));
  }
  return columns;
}

void Tally::Add(const ColumnSpec& spec, std::int32_t value, int sign) {
  if (options.size() < spec.options.size()) options.resize(spec.options.size(), 0);
  switch (spec.kind) {
    case ColumnKind::kOption: {
      if (value == kNoOption) return;
      const auto i = static_cast<std::size_t>(value);
      options[i] += sign;
      answered += sign;
      if (static_cast<int>(value) == spec.na_option) not_applicable += sign;
      if (spec.negative[i] != 0) negative += sign;
      return;
    }
    case ColumnKind::kInteger:
      if (value == kNoInteger) return;
      answered += sign;
      sum += sign * static_cast<double>(value);
      if (spec.negative_above && value > *spec.negative_above) negative += sign;
      return;
    case ColumnKind::kMultiple: {
      if (value == kNoSelection) return;
      answered += sign;
      bool neg = false;
      for (std::size_t i = 0; i < spec.options.size(); ++i) {
        if ((static_cast<std::uint32_t>(value) >> i & 1U) == 0) continue;
        options[i] += sign;
        neg = neg || spec.negative[i] != 0;
      }
      if (neg) negative += sign;
      return;
    }
  }
}

void Tally::Merge(const Tally& other) {
  if (options.size() < other.options.size()) options.resize(other.options.size(), 0);
  for (std::size_t i = 0; i < other.options.size(); ++i) options[i] += other.options[i];
  answered += other.answered;
  not_applicable += other.not_applicable;
  negative += other.negative;
  sum += other.sum;
}

namespace {

std::uint64_t HashId(std::string_view id) { return std::hash<std::string_view>{}(id); }

std::int32_t OptionIndex(const ColumnSpec& spec, std::string_view value) {
  for (std::size_t i = 0; i < spec.options.size(); ++i) {
    if (spec.options[i] == value) return static_cast<std::int32_t>(i);
  }
  return -1;
}

// The answer coded for its column; what the column cannot hold is no answer.
std::int32_t Code(const ColumnSpec& spec, const json::object& answers) {
  const json::value* v = answers.if_contains(spec.code);
  switch (spec.kind) {
    case ColumnKind::kOption:
      if (v == nullptr || !v->is_string()) return kNoOption;
      return OptionIndex(spec, v->get_string());
    case ColumnKind::kInteger: {
      if (v == nullptr) return kNoInteger;
      std::int64_t x = 0;
      if (v->is_int64()) {
        x = v->get_int64();
      } else if (v->is_uint64() && v->get_uint64() <= INT32_MAX) {
        x = static_cast<std::int64_t>(v->get_uint64());
      } else if (v->is_double() && v->get_double() == static_cast<double>(static_cast<std::int64_t>(
                                                          v->get_double()))) {
        x = static_cast<std::int64_t>(v->get_double());
      } else {
        return kNoInteger;
      }
      if (x <= INT32_MIN || x > INT32_MAX) return kNoInteger;
      return static_cast<std::int32_t>(x);
    }
    case ColumnKind::kMultiple: {
      if (v == nullptr || !v->is_array()) return kNoSelection;
      std::uint32_t bits = 0;
      for (const json::value& item : v->get_array()) {
        if (!item.is_string()) continue;
        if (const std::int32_t i = OptionIndex(spec, item.get_string()); i >= 0) bits |= 1U << i;
      }
      return static_cast<std::int32_t>(bits);
    }
  }
  return kNoOption;
}

std::size_t StatusIndex(core::ReviewStatus s) { return static_cast<std::size_t>(s); }

}  // namespace

ObservationTable::ObservationTable(std::shared_ptr<const Geography> geography)
    : geography_(std::move(geography)) {
  // Every form is listed, reported on or not.
  for (const core::Form& f : geography_->mission().forms()) FormIndex(f.code);
}

std::int32_t ObservationTable::FormIndex(std::string_view code) {
  for (std::size_t i = 0; i < forms_.size(); ++i) {
    if (forms_[i].code == code) return static_cast<std::int32_t>(i);
  }
  const core::Form* form = geography_->mission().FindForm(code);
  if (form == nullptr) return -1;
  FormRows rows;
  rows.code = form->code;
  rows.phase = form->phase;
  if (auto en = form->title.find("en"); en != form->title.end()) {
    rows.title = en->second;
  } else if (!form->title.empty()) {
    rows.title = form->title.begin()->second;
  }
  rows.columns = ColumnsOf(*form);
  for (const ColumnSpec& c : rows.columns) {
    rows.values.emplace_back(c.kind == ColumnKind::kOption && c.options.size() <= 127);
  }
  for (auto& by_class : rows.tallies) {
    for (auto& tallies : by_class) tallies.resize(rows.columns.size());
  }
  forms_.push_back(std::move(rows));
  return static_cast<std::int32_t>(forms_.size() - 1);
}

const ObservationTable::FormRows* ObservationTable::FindForm(std::string_view code) const {
  for (const FormRows& f : forms_) {
    if (f.code == code) return &f;
  }
  return nullptr;
}

void ObservationTable::Add(const core::Submission& s, Timestamp received_at,
                           core::ReviewStatus status) {
  if (!s.replaces.empty()) Remove(s.replaces);
  Remove(s.instance_id);
  const std::int32_t f = FormIndex(s.form_code);
  if (f < 0) return;
  FormRows& form = forms_[static_cast<std::size_t>(f)];
  const auto row = static_cast<std::uint32_t>(form.rows());
  const std::uint64_t hash = HashId(s.instance_id);
  form.id_hash.push_back(hash);
  const std::int32_t station = geography_->Find(s.station_code);
  // A station newer than this set-up: found again by SetGeography.
  if (station < 0) unresolved_[hash] = s.station_code;
  form.station.push_back(station);
  auto [obs, inserted] =
      observer_ids_.try_emplace(s.observer_code, static_cast<std::int32_t>(observer_codes_.size()));
  if (inserted) observer_codes_.push_back(s.observer_code);
  form.observer.push_back(obs->second);
  form.submitted_at.push_back(s.submitted_at.value_or(received_at).time_since_epoch().count());
  form.status.push_back(static_cast<std::uint8_t>(status));
  for (std::size_t c = 0; c < form.columns.size(); ++c) {
    form.values[c].push_back(Code(form.columns[c], s.answers));
  }
  TallyRow(form, row, 1);
  index_[hash] = {static_cast<std::uint32_t>(f), row};
}

bool ObservationTable::Remove(std::string_view instance_id) {
  const auto it = index_.find(HashId(instance_id));
  if (it == index_.end()) return false;
  const RowRef ref = it->second;
  unresolved_.erase(it->first);
  index_.erase(it);
  RemoveRow(ref.form, ref.row);
  return true;
}

// Takes the row's answers out of the tallies and moves the last row into
// its place, so that the columns stay dense.
void ObservationTable::RemoveRow(std::uint32_t f, std::uint32_t row) {
  FormRows& form = forms_[f];
  TallyRow(form, row, -1);
  const std::size_t last = form.rows() - 1;
  if (row != last) {
    form.id_hash[row] = form.id_hash[last];
    form.station[row] = form.station[last];
    form.observer[row] = form.observer[last];
    form.submitted_at[row] = form.submitted_at[last];
    form.status[row] = form.status[last];
    for (auto& column : form.values) column.Set(row, column[last]);
    index_[form.id_hash[row]].row = row;
  }
  form.id_hash.pop_back();
  form.station.pop_back();
  form.observer.pop_back();
  form.submitted_at.pop_back();
  form.status.pop_back();
  for (auto& column : form.values) column.pop_back();
}

bool ObservationTable::Contains(std::string_view instance_id) const {
  return index_.contains(HashId(instance_id));
}

bool ObservationTable::SetReviewStatus(std::string_view instance_id, core::ReviewStatus status) {
  const auto it = index_.find(HashId(instance_id));
  if (it == index_.end()) return false;
  FormRows& form = forms_[it->second.form];
  const std::uint32_t row = it->second.row;
  const std::size_t to = StatusIndex(status);
  if (form.status[row] == to) return true;
  TallyRow(form, row, -1);
  form.status[row] = static_cast<std::uint8_t>(to);
  TallyRow(form, row, 1);
  return true;
}

std::size_t ObservationTable::ClassOf(std::int32_t station) const {
  if (station < 0) return kNoStation;
  return static_cast<std::size_t>(
      geography_->mission().locations()[static_cast<std::size_t>(station)].settlement);
}

void ObservationTable::TallyRow(FormRows& form, std::size_t row, int sign) {
  const std::size_t status = form.status[row];
  const std::size_t settlement = ClassOf(form.station[row]);
  auto& tallies = form.tallies[status][settlement];
  for (std::size_t c = 0; c < form.columns.size(); ++c) {
    tallies[c].Add(form.columns[c], form.values[c][row], sign);
  }
  form.rows_by_status[status] += sign;
  form.rows_by_class[status][settlement] += sign;
}

std::optional<core::ReviewStatus> ObservationTable::GetReviewStatus(
    std::string_view instance_id) const {
  const auto it = index_.find(HashId(instance_id));
  if (it == index_.end()) return std::nullopt;
  return static_cast<core::ReviewStatus>(forms_[it->second.form].status[it->second.row]);
}

void ObservationTable::SetGeography(std::shared_ptr<const Geography> geography) {
  for (FormRows& form : forms_) {
    for (std::size_t r = 0; r < form.rows(); ++r) {
      std::int32_t& s = form.station[r];
      if (s >= 0) {
        const std::string& code =
            geography_->mission().locations()[static_cast<std::size_t>(s)].code;
        s = geography->Find(code);
        if (s < 0) unresolved_[form.id_hash[r]] = code;
      } else if (auto u = unresolved_.find(form.id_hash[r]); u != unresolved_.end()) {
        s = geography->Find(u->second);
        if (s >= 0) unresolved_.erase(u);
      }
    }
  }
  geography_ = std::move(geography);
  // Tallied again: a station's settlement may have changed or become known.
  for (FormRows& form : forms_) {
    for (auto& by_class : form.tallies) {
      for (auto& tallies : by_class) tallies.assign(form.columns.size(), Tally{});
    }
    std::fill(std::begin(form.rows_by_status), std::end(form.rows_by_status), 0);
    for (auto& by_class : form.rows_by_class)
      std::fill(std::begin(by_class), std::end(by_class), 0);
    for (std::size_t r = 0; r < form.rows(); ++r) TallyRow(form, r, 1);
  }
  for (const core::Form& f : geography_->mission().forms()) FormIndex(f.code);
}

std::size_t ObservationTable::MemoryBytes() const {
  std::size_t bytes = index_.size() * (sizeof(std::uint64_t) + sizeof(RowRef) + 2 * sizeof(void*)) +
                      index_.bucket_count() * sizeof(void*);
  for (const FormRows& f : forms_) {
    bytes += f.id_hash.capacity() * 8 + f.station.capacity() * 4 + f.observer.capacity() * 4 +
             f.submitted_at.capacity() * 8 + f.status.capacity();
    for (const auto& c : f.values) bytes += c.CapacityBytes();
  }
  return bytes;
}

}  // namespace vigil::analysis
