#include "core/mission.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>

#include "common/time.h"

namespace vigil::core {

namespace json = boost::json;

namespace {

std::string PairKey(std::string_view a, std::string_view b) {
  std::string key;
  key.reserve(a.size() + b.size() + 1);
  key.append(a).push_back('\n');
  key.append(b);
  return key;
}

std::string Describe(const json::value& v) {
  std::string text = json::serialize(v);
  if (text.size() > 40) {
    // Cut before a UTF-8 lead byte, so the message stays valid UTF-8.
    std::size_t cut = 37;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "...";
  }
  return text;
}

bool IsTimeOfDay(std::string_view s) {
  return s.size() == 5 && std::isdigit(static_cast<unsigned char>(s[0])) &&
         std::isdigit(static_cast<unsigned char>(s[1])) && s[2] == ':' &&
         std::isdigit(static_cast<unsigned char>(s[3])) &&
         std::isdigit(static_cast<unsigned char>(s[4])) && (s[0] - '0') * 10 + (s[1] - '0') < 24 &&
         (s[3] - '0') < 6;
}

bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  const auto number = [&](std::size_t at, std::size_t len, int& out) {
    for (std::size_t i = at; i < at + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return std::from_chars(s.data() + at, s.data() + at + len, out).ec == std::errc();
  };
  int y = 0, m = 0, d = 0;
  if (!number(0, 4, y) || !number(5, 2, m) || !number(8, 2, d) || m < 1 || m > 12 || d < 1) {
    return false;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

// "lat lon [altitude [accuracy]]", separated by spaces, as ODK sends a geopoint.
std::string CheckGeopoint(std::string_view s) {
  std::vector<double> parts;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    double x = 0;
    auto [end, ec] = std::from_chars(s.data() + i, s.data() + s.size(), x);
    if (ec != std::errc() || (end != s.data() + s.size() && *end != ' ') || !std::isfinite(x)) {
      return "expected a geopoint as \"latitude longitude [altitude [accuracy]]\"";
    }
    parts.push_back(x);
    i = static_cast<std::size_t>(end - s.data());
  }
  if (parts.size() < 2 || parts.size() > 4) {
    return "expected a geopoint as \"latitude longitude [altitude [accuracy]]\"";
  }
  if (std::abs(parts[0]) > 90) return "latitude is outside [-90, 90]";
  if (std::abs(parts[1]) > 180) return "longitude is outside [-180, 180]";
  if (parts.size() == 4 && parts[3] < 0) return "accuracy is negative";
  return {};
}

std::string FormatBound(double d) {
  if (d == std::floor(d) && std::abs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  return std::to_string(d);
}

// Returns an empty string if `answer` is a valid answer to `q`.
std::string CheckAnswer(const Question& q, const json::value& answer) {
  const auto in_bounds = [&](double x) -> std::string {
    if ((q.min && x < *q.min) || (q.max && x > *q.max)) {
      return "value " + Describe(answer) + " is out of range [" +
             (q.min ? FormatBound(*q.min) : "") + ", " + (q.max ? FormatBound(*q.max) : "") + "]";
    }
    return {};
  };
  const auto one_of = [&](std::string_view value) -> std::string {
    const std::vector<std::string> allowed = Form::AllowedValues(q);
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return {};
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return "'" + std::string(value) + "' is not one of: " + list;
  };
  switch (q.type) {
    case QuestionType::kYesNo:
    case QuestionType::kYesNoNa:
    case QuestionType::kAssessment:
    case QuestionType::kSelectOne:
      if (!answer.is_string())
        return "expected one of the answer values as text, got " + Describe(answer);
      return one_of(answer.get_string());
    case QuestionType::kSelectMultiple: {
      if (!answer.is_array()) return "expected an array of answer values, got " + Describe(answer);
      std::set<std::string_view> seen;
      for (const json::value& item : answer.get_array()) {
        if (!item.is_string()) return "expected answer values as text, got " + Describe(item);
        if (std::string problem = one_of(item.get_string()); !problem.empty()) return problem;
        if (!seen.insert(item.get_string()).second)
          return "'" + std::string(item.get_string()) + "' is given twice";
      }
      return {};
    }
    case QuestionType::kInteger:
      if (answer.is_int64()) return in_bounds(static_cast<double>(answer.get_int64()));
      if (answer.is_uint64()) return in_bounds(static_cast<double>(answer.get_uint64()));
      return "expected a whole number, got " + Describe(answer);
    case QuestionType::kDecimal:
      if (!answer.is_number()) return "expected a number, got " + Describe(answer);
      return in_bounds(answer.to_number<double>());
    case QuestionType::kTime:
      if (!answer.is_string() || !IsTimeOfDay(answer.get_string())) {
        return "expected a time of day as HH:MM, got " + Describe(answer);
      }
      return {};
    case QuestionType::kText: {
      if (!answer.is_string()) return "expected text, got " + Describe(answer);
      const double limit = q.max.value_or(2000);
      // Characters, not bytes: count UTF-8 lead bytes.
      const auto& s = answer.get_string();
      const auto chars =
          std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; });
      if (static_cast<double>(chars) > limit)
        return "text is longer than " + FormatBound(limit) + " characters";
      return {};
    }
    case QuestionType::kImage: {
      // The name of a file sent with the submission (OpenRosa attachment),
      // never a path: it names the file within the submission only.
      if (!answer.is_string()) return "expected an attachment's file name, got " + Describe(answer);
      const auto& s = answer.get_string();
      if (s.empty() || s.size() > 255 || s == "." || s == ".." ||
          std::any_of(s.begin(), s.end(), [](char c) {
            return c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
          })) {
        return "expected a file name (1 to 255 bytes, no '/' or '\\'), got " + Describe(answer);
      }
      return {};
    }
    case QuestionType::kDate:
      if (!answer.is_string() || !IsDate(answer.get_string()))
        return "expected a date as YYYY-MM-DD, got " + Describe(answer);
      return {};
    case QuestionType::kDateTime:
      if (!answer.is_string() || !ParseRfc3339(answer.get_string()))
        return "expected a date and time (RFC 3339 with offset), got " + Describe(answer);
      return {};
    case QuestionType::kGeopoint:
      if (!answer.is_string()) return "expected a geopoint as text, got " + Describe(answer);
      return CheckGeopoint(answer.get_string());
    case QuestionType::kNote:
      return "a note takes no answer";
    case QuestionType::kCalculate:
      // Computed by the client from an expression the server does not evaluate.
      if (answer.is_string() || answer.is_number() || answer.is_bool()) return {};
      return "expected a calculated value (text, number or true/false), got " + Describe(answer);
    case QuestionType::kGroup:
    case QuestionType::kRepeat:
      break;  // answered through their children (CheckAnswers)
  }
  return "unsupported question type";
}

// Checks one object of answers (a submission's, or one item of a repeat)
// against the questions answered in it; `prefix` names it ("answers",
// "answers.R1[0]").
void CheckAnswers(const Form& form, const std::vector<Question>& scope, const json::object& answers,
                  const std::string& prefix, std::vector<FieldError>& errors) {
  const std::vector<const Question*> fields = AnswerFields(scope);
  for (const auto& [code, answer] : answers) {
    const std::string field = prefix + "." + std::string(code);
    const Question* found = nullptr;
    for (const Question* f : fields) {
      if (f->code == code) {
        found = f;
        break;
      }
    }
    if (found == nullptr) {
      const Question* elsewhere = form.FindQuestion(code);
      if (elsewhere == nullptr) {
        errors.push_back({field, "unknown question code '" + std::string(code) + "' in form " +
                                     form.code + " version " + form.version});
      } else if (elsewhere->type == QuestionType::kGroup) {
        errors.push_back({field, "'" + std::string(code) +
                                     "' is a group; answer its questions by their own codes"});
      } else {
        errors.push_back({field, "'" + std::string(code) +
                                     "' is not answered here (a repeat's questions are answered "
                                     "inside its items)"});
      }
      continue;
    }
    const Question& q = *found;
    if (answer.is_null()) {
      if (q.required) errors.push_back({field, "required"});
      continue;
    }
    if (q.type == QuestionType::kRepeat) {
      if (!answer.is_array()) {
        errors.push_back({field, "expected an array of items (objects), got " + Describe(answer)});
        continue;
      }
      if (q.required && answer.get_array().empty()) {
        errors.push_back({field, "required: at least one item"});
      }
      for (std::size_t i = 0; i < answer.get_array().size(); ++i) {
        const json::value& item = answer.get_array()[i];
        const std::string item_field = field + "[" + std::to_string(i) + "]";
        if (!item.is_object()) {
          errors.push_back({item_field, "expected an object of answers, got " + Describe(item)});
          continue;
        }
        CheckAnswers(form, q.children, item.get_object(), item_field, errors);
      }
      continue;
    }
    if (std::string problem = CheckAnswer(q, answer); !problem.empty()) {
      errors.push_back({field, std::move(problem)});
    }
  }
  for (const Question* q : fields) {
    if (q->required && !answers.contains(q->code))
      errors.push_back({prefix + "." + q->code, "required"});
  }
}

}  // namespace

MissionIndex::MissionIndex(Election election, std::vector<Location> locations,
                           std::vector<Observer> observers, std::vector<Form> forms)
    : election_(std::move(election)),
      locations_(std::move(locations)),
      observers_(std::move(observers)),
      forms_(std::move(forms)) {
  location_by_code_.reserve(locations_.size());
  for (std::size_t i = 0; i < locations_.size(); ++i) {
    location_by_code_.emplace(locations_[i].code, i);
    if (!locations_[i].parent_code.empty()) parents_.insert(locations_[i].parent_code);
  }
  station_count_ = static_cast<std::size_t>(
      std::count_if(locations_.begin(), locations_.end(),
                    [&](const Location& l) { return !parents_.contains(l.code); }));
  observer_by_code_.reserve(observers_.size());
  for (std::size_t i = 0; i < observers_.size(); ++i) {
    observer_by_code_.emplace(observers_[i].code, i);
    for (const std::string& station : observers_[i].stations) {
      assignments_.insert(PairKey(observers_[i].code, station));
    }
  }
  // Forms arrive in installation order, so the last of each code is current.
  for (std::size_t i = 0; i < forms_.size(); ++i) {
    form_by_key_[PairKey(forms_[i].code, forms_[i].version)] = i;
    current_form_[forms_[i].code] = i;
  }
}

const Location* MissionIndex::FindLocation(std::string_view code) const {
  auto it = location_by_code_.find(code);
  return it == location_by_code_.end() ? nullptr : &locations_[it->second];
}

bool MissionIndex::IsPollingStation(std::string_view code) const {
  return FindLocation(code) != nullptr && !parents_.contains(code);
}

std::vector<std::string> MissionIndex::Ancestors(std::string_view code) const {
  std::vector<std::string> out;
  const Location* l = FindLocation(code);
  // Bounded by the number of locations, so a (rejected at import) cycle
  // could never hang us.
  while (l != nullptr && !l->parent_code.empty() && out.size() < locations_.size()) {
    out.push_back(l->parent_code);
    l = FindLocation(l->parent_code);
  }
  return out;
}

bool MissionIndex::IsWithin(std::string_view code, std::span<const std::string> areas) const {
  const Location* l = FindLocation(code);
  for (std::size_t steps = 0; l != nullptr && steps <= locations_.size(); ++steps) {
    if (std::find(areas.begin(), areas.end(), l->code) != areas.end()) return true;
    if (l->parent_code.empty()) break;
    l = FindLocation(l->parent_code);
  }
  return false;
}

const Observer* MissionIndex::FindObserver(std::string_view code) const {
  auto it = observer_by_code_.find(code);
  return it == observer_by_code_.end() ? nullptr : &observers_[it->second];
}

bool MissionIndex::IsAssigned(std::string_view observer_code, std::string_view station_code) const {
  return assignments_.contains(PairKey(observer_code, station_code));
}

const Form* MissionIndex::FindForm(std::string_view code, std::string_view version) const {
  if (version.empty()) {
    auto it = current_form_.find(code);
    return it == current_form_.end() ? nullptr : &forms_[it->second];
  }
  auto it = form_by_key_.find(PairKey(code, version));
  return it == form_by_key_.end() ? nullptr : &forms_[it->second];
}

std::vector<FieldError> ValidateSubmission(const Submission& s, const MissionIndex& mission) {
  std::vector<FieldError> errors;
  const Form* form = mission.FindForm(s.form_code, s.form_version);
  if (form == nullptr) {
    if (mission.FindForm(s.form_code) == nullptr) {
      errors.push_back({"form", "unknown form '" + s.form_code + "'"});
    } else {
      errors.push_back(
          {"form_version", "form '" + s.form_code + "' has no version '" + s.form_version + "'"});
    }
  }
  const bool station_known = mission.IsPollingStation(s.station_code);
  if (!station_known) {
    errors.push_back({"station", mission.FindLocation(s.station_code) != nullptr
                                     ? "'" + s.station_code + "' is not a polling station"
                                     : "unknown polling station '" + s.station_code + "'"});
  }
  if (mission.FindObserver(s.observer_code) == nullptr) {
    errors.push_back({"observer", "unknown observer '" + s.observer_code + "'"});
  } else if (station_known && mission.election().enforce_assignments &&
             !mission.IsAssigned(s.observer_code, s.station_code)) {
    errors.push_back({"station", "observer '" + s.observer_code + "' is not assigned to station '" +
                                     s.station_code + "'"});
  }
  if (s.started_at && s.submitted_at && *s.submitted_at < *s.started_at) {
    errors.push_back({"submitted_at", "is earlier than started_at"});
  }
  if (form == nullptr) return errors;
  CheckAnswers(*form, form->questions, s.answers, "answers", errors);
  return errors;
}

}  // namespace vigil::core
