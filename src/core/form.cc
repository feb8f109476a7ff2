#include "core/form.h"

#include <algorithm>
#include <boost/json.hpp>
#include <iterator>
#include <set>

#include "core/results.h"

namespace vigil::core {

namespace json = boost::json;

namespace {

constexpr std::pair<QuestionType, std::string_view> kQuestionTypes[] = {
    {QuestionType::kYesNo, "yes_no"},
    {QuestionType::kYesNoNa, "yes_no_na"},
    {QuestionType::kInteger, "integer"},
    {QuestionType::kDecimal, "decimal"},
    {QuestionType::kSelectOne, "select_one"},
    {QuestionType::kSelectMultiple, "select_multiple"},
    {QuestionType::kAssessment, "assessment"},
    {QuestionType::kTime, "time"},
    {QuestionType::kText, "text"},
    {QuestionType::kImage, "image"},
    {QuestionType::kDate, "date"},
    {QuestionType::kDateTime, "datetime"},
    {QuestionType::kGeopoint, "geopoint"},
    {QuestionType::kNote, "note"},
    {QuestionType::kCalculate, "calculate"},
    {QuestionType::kGroup, "group"},
    {QuestionType::kRepeat, "repeat"},
};

constexpr std::pair<Criterion, std::string_view> kCriteria[] = {
    {Criterion::kEquality, "equality"},
    {Criterion::kUniversality, "universality"},
    {Criterion::kPoliticalPluralism, "political_pluralism"},
    {Criterion::kConfidence, "confidence"},
    {Criterion::kTransparency, "transparency"},
    {Criterion::kAccountability, "accountability"},
};

constexpr std::pair<Phase, std::string_view> kPhases[] = {
    {Phase::kOpening, "opening"},   {Phase::kVoting, "voting"},
    {Phase::kCounting, "counting"}, {Phase::kTabulation, "tabulation"},
    {Phase::kIncident, "incident"},
};

template <typename E, std::size_t N>
std::string_view NameOf(const std::pair<E, std::string_view> (&table)[N], E value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "";
}

template <typename E, std::size_t N>
std::optional<E> Parse(const std::pair<E, std::string_view> (&table)[N], std::string_view text) {
  for (const auto& [e, name] : table) {
    if (name == text) return e;
  }
  return std::nullopt;
}

json::object LabelsToJson(const Labels& labels) {
  json::object out;
  for (const auto& [lang, text] : labels) out[lang] = text;
  return out;
}

Status Invalid(const std::string& path, const std::string& problem) {
  return Status::InvalidArgument("form definition: " + path + ": " + problem);
}

Result<Labels> LabelsFromJson(const json::value* v, const std::string& path) {
  Labels labels;
  if (v == nullptr) return labels;
  if (!v->is_object()) return Fail(Invalid(path, "expected an object of language -> text"));
  for (const auto& [lang, text] : v->get_object()) {
    if (!text.is_string()) return Fail(Invalid(path + "." + std::string(lang), "expected text"));
    labels.emplace(std::string(lang), std::string(text.get_string()));
  }
  return labels;
}

Result<std::string> RequiredString(const json::object& o, std::string_view key,
                                   const std::string& path) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string() || v->get_string().empty()) {
    return Fail(Invalid(path + "." + std::string(key), "required text is missing"));
  }
  return std::string(v->get_string());
}

Result<std::optional<double>> OptionalNumber(const json::object& o, std::string_view key,
                                             const std::string& path) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<double>{};
  if (!v->is_number()) return Fail(Invalid(path + "." + std::string(key), "expected a number"));
  return std::optional<double>{v->to_number<double>()};
}

Result<std::string> OptionalString(const json::object& o, std::string_view key,
                                   const std::string& path) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::string();
  if (!v->is_string()) return Fail(Invalid(path + "." + std::string(key), "expected text"));
  return std::string(v->get_string());
}

bool IsContainer(QuestionType type) {
  return type == QuestionType::kGroup || type == QuestionType::kRepeat;
}

// Codes and figures already taken anywhere in the form.
struct FormKeys {
  std::set<std::string> codes;
  std::set<std::string> figures;  // "valid", "votes:Party A", ...
  std::set<std::string> tags;     // SMS tags
  int repeats = 0;                // repeats around the question being read
};

Result<std::vector<Question>> QuestionsFromJson(const json::value* qs, const std::string& path,
                                                int depth, FormKeys& keys);

Result<Question> QuestionFromJson(const json::value& v, const std::string& path, int depth,
                                  FormKeys& keys) {
  if (!v.is_object()) return Fail(Invalid(path, "expected an object"));
  const json::object& o = v.get_object();
  Question q;
  auto code = RequiredString(o, "code", path);
  if (!code) return Fail(code.error());
  q.code = *code;
  auto type_name = RequiredString(o, "type", path);
  if (!type_name) return Fail(type_name.error());
  auto type = ParseQuestionType(*type_name);
  if (!type) return Fail(Invalid(path + ".type", "unknown question type '" + *type_name + "'"));
  q.type = *type;
  auto labels = LabelsFromJson(o.if_contains("labels"), path + ".labels");
  if (!labels) return Fail(labels.error());
  q.labels = std::move(*labels);
  if (const json::value* opts = o.if_contains("options")) {
    if (!opts->is_array()) return Fail(Invalid(path + ".options", "expected an array"));
    std::set<std::string> seen;
    for (std::size_t i = 0; i < opts->get_array().size(); ++i) {
      const std::string opath = path + ".options[" + std::to_string(i) + "]";
      const json::value& ov = opts->get_array()[i];
      if (!ov.is_object()) return Fail(Invalid(opath, "expected an object"));
      Option opt;
      auto value = RequiredString(ov.get_object(), "value", opath);
      if (!value) return Fail(value.error());
      opt.value = *value;
      if (!seen.insert(opt.value).second)
        return Fail(Invalid(opath, "duplicate option '" + opt.value + "'"));
      auto olabels = LabelsFromJson(ov.get_object().if_contains("labels"), opath + ".labels");
      if (!olabels) return Fail(olabels.error());
      opt.labels = std::move(*olabels);
      q.options.push_back(std::move(opt));
    }
  }
  const bool is_select =
      q.type == QuestionType::kSelectOne || q.type == QuestionType::kSelectMultiple;
  if (is_select && q.options.empty())
    return Fail(Invalid(path + ".options", "a select question needs options"));
  if (!is_select && !q.options.empty())
    return Fail(Invalid(path + ".options", "only select questions take options"));
  auto min = OptionalNumber(o, "min", path);
  if (!min) return Fail(min.error());
  auto max = OptionalNumber(o, "max", path);
  if (!max) return Fail(max.error());
  q.min = *min;
  q.max = *max;
  if (q.min && q.max && *q.min > *q.max) return Fail(Invalid(path, "min is greater than max"));
  if (const json::value* r = o.if_contains("required")) {
    if (!r->is_bool()) return Fail(Invalid(path + ".required", "expected true or false"));
    q.required = r->get_bool();
  }
  if (const json::value* neg = o.if_contains("negative")) {
    if (!neg->is_array())
      return Fail(Invalid(path + ".negative", "expected an array of answer values"));
    const std::vector<std::string> allowed = Form::AllowedValues(q);
    for (const json::value& n : neg->get_array()) {
      if (!n.is_string())
        return Fail(Invalid(path + ".negative", "expected answer values as text"));
      std::string value(n.get_string());
      if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
        return Fail(
            Invalid(path + ".negative", "'" + value + "' is not an answer of this question"));
      }
      q.negative_values.push_back(std::move(value));
    }
  }
  if (const json::value* crit = o.if_contains("critical")) {
    if (!crit->is_array())
      return Fail(Invalid(path + ".critical", "expected an array of answer values"));
    const std::vector<std::string> allowed = Form::AllowedValues(q);
    if (allowed.empty() && !crit->get_array().empty()) {
      return Fail(Invalid(path + ".critical",
                          "only select, yes/no and assessment questions have critical answers"));
    }
    for (const json::value& c : crit->get_array()) {
      if (!c.is_string())
        return Fail(Invalid(path + ".critical", "expected answer values as text"));
      std::string value(c.get_string());
      if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
        return Fail(
            Invalid(path + ".critical", "'" + value + "' is not an answer of this question"));
      }
      q.critical_values.push_back(std::move(value));
    }
  }
  auto neg_above = OptionalNumber(o, "negative_above", path);
  if (!neg_above) return Fail(neg_above.error());
  q.negative_above = *neg_above;
  if (const json::value* cs = o.if_contains("criteria")) {
    if (!cs->is_array()) return Fail(Invalid(path + ".criteria", "expected an array"));
    for (const json::value& c : cs->get_array()) {
      auto criterion = c.is_string() ? ParseCriterion(c.get_string()) : std::nullopt;
      if (!criterion)
        return Fail(Invalid(path + ".criteria", "unknown criterion " + json::serialize(c)));
      q.criteria.push_back(*criterion);
    }
  }
  if (const json::value* f = o.if_contains("figure")) {
    if (!f->is_string()) return Fail(Invalid(path + ".figure", "expected a figure name"));
    q.figure = f->get_string();
    const bool known = q.figure == "votes" ||
                       std::any_of(std::begin(kStationFigures), std::end(kStationFigures),
                                   [&](const StationFigure& sf) { return q.figure == sf.name; });
    if (!known) {
      return Fail(Invalid(path + ".figure", "unknown protocol figure '" + q.figure +
                                                "' (registered, ballots_received, issued, "
                                                "cancelled, lost, unaccounted, in_boxes, valid, "
                                                "invalid or votes)"));
    }
    if (q.type != QuestionType::kInteger) {
      return Fail(Invalid(path + ".figure", "only integer questions copy protocol figures"));
    }
  }
  if (const json::value* c = o.if_contains("contestant")) {
    if (!c->is_string() || c->get_string().empty())
      return Fail(Invalid(path + ".contestant", "expected the contestant's name"));
    q.contestant = c->get_string();
  }
  if ((q.figure == "votes") != !q.contestant.empty()) {
    return Fail(Invalid(path + ".contestant",
                        "a contestant is named exactly when the figure is \"votes\""));
  }
  if (const json::value* t = o.if_contains("sms")) {
    if (!t->is_string() || !IsSmsTag(t->get_string())) {
      return Fail(Invalid(path + ".sms", "expected 1 to 3 capital letters other than I, L and O"));
    }
    q.sms = t->get_string();
    if (q.type == QuestionType::kText || q.type == QuestionType::kDecimal) {
      return Fail(Invalid(path + ".sms", std::string("a ") + std::string(QuestionTypeName(q.type)) +
                                             " question cannot be answered by SMS"));
    }
    // One digit per chosen option.
    if (q.type == QuestionType::kSelectMultiple && q.options.size() > 9) {
      return Fail(Invalid(path + ".sms", "an SMS can choose among at most 9 options"));
    }
  }
  if (!keys.codes.insert(q.code).second)
    return Fail(Invalid(path + ".code", "duplicate question code '" + q.code + "'"));
  if (!q.figure.empty() && !keys.figures.insert(q.figure + ":" + q.contestant).second) {
    return Fail(Invalid(path + ".figure", "another question already copies this figure"));
  }
  if (!q.sms.empty() && !keys.tags.insert(q.sms).second)
    return Fail(Invalid(path + ".sms", "duplicate SMS tag '" + q.sms + "'"));
  // A repeat's items have no place in a station's protocol or in an SMS.
  if (keys.repeats > 0 && !q.figure.empty())
    return Fail(Invalid(path + ".figure", "a protocol figure cannot be copied inside a repeat"));
  // The SMS codebook (ingest/sms) indexes the top-level questions.
  if (depth > 0 && !q.sms.empty()) {
    return Fail(
        Invalid(path + ".sms", "a question inside a group or repeat cannot be answered by SMS"));
  }
  auto hints = LabelsFromJson(o.if_contains("hints"), path + ".hints");
  if (!hints) return Fail(hints.error());
  q.hints = std::move(*hints);
  auto messages =
      LabelsFromJson(o.if_contains("constraint_messages"), path + ".constraint_messages");
  if (!messages) return Fail(messages.error());
  q.constraint_messages = std::move(*messages);
  for (auto [key, field] : {std::pair{"relevant", &q.relevant},
                            {"constraint", &q.constraint},
                            {"calculation", &q.calculation},
                            {"appearance", &q.appearance}}) {
    auto text = OptionalString(o, key, path);
    if (!text) return Fail(text.error());
    *field = std::move(*text);
  }
  if ((q.type == QuestionType::kCalculate) != !q.calculation.empty()) {
    return Fail(
        Invalid(path + ".calculation", "a calculation is given exactly for calculate questions"));
  }
  if ((q.type == QuestionType::kNote || q.type == QuestionType::kGroup) && q.required) {
    return Fail(Invalid(path + ".required", "a " + std::string(QuestionTypeName(q.type)) +
                                                " takes no answer, so it cannot be required"));
  }
  const json::value* children = o.if_contains("children");
  if (IsContainer(q.type)) {
    if (depth >= kMaxQuestionNesting) {
      return Fail(Invalid(path, "groups and repeats nest more than " +
                                    std::to_string(kMaxQuestionNesting) + " deep"));
    }
    if (q.type == QuestionType::kRepeat) ++keys.repeats;
    auto list = QuestionsFromJson(children, path + ".children", depth + 1, keys);
    if (q.type == QuestionType::kRepeat) --keys.repeats;
    if (!list) return Fail(list.error());
    q.children = std::move(*list);
  } else if (children != nullptr) {
    return Fail(Invalid(path + ".children", "only groups and repeats hold questions"));
  }
  return q;
}

Result<std::vector<Question>> QuestionsFromJson(const json::value* qs, const std::string& path,
                                                int depth, FormKeys& keys) {
  if (qs == nullptr || !qs->is_array() || qs->get_array().empty()) {
    return Fail(Invalid(path, depth == 0 ? "a form needs at least one question"
                                         : "a group or repeat needs at least one question"));
  }
  std::vector<Question> out;
  for (std::size_t i = 0; i < qs->get_array().size(); ++i) {
    auto q =
        QuestionFromJson(qs->get_array()[i], path + "[" + std::to_string(i) + "]", depth, keys);
    if (!q) return Fail(q.error());
    out.push_back(std::move(*q));
  }
  return out;
}

const Question* FindIn(const std::vector<Question>& questions, std::string_view code) {
  for (const Question& q : questions) {
    if (q.code == code) return &q;
    if (const Question* child = FindIn(q.children, code)) return child;
  }
  return nullptr;
}

void CollectAnswerFields(const std::vector<Question>& questions,
                         std::vector<const Question*>& out) {
  for (const Question& q : questions) {
    if (q.type == QuestionType::kGroup) {
      CollectAnswerFields(q.children, out);
    } else {
      out.push_back(&q);
    }
  }
}

}  // namespace

std::string_view QuestionTypeName(QuestionType type) { return NameOf(kQuestionTypes, type); }
std::optional<QuestionType> ParseQuestionType(std::string_view text) {
  return Parse(kQuestionTypes, text);
}
std::string_view CriterionName(Criterion c) { return NameOf(kCriteria, c); }
std::optional<Criterion> ParseCriterion(std::string_view text) { return Parse(kCriteria, text); }
std::string_view PhaseName(Phase phase) { return NameOf(kPhases, phase); }
std::optional<Phase> ParsePhase(std::string_view text) { return Parse(kPhases, text); }

const Question* Form::FindQuestion(std::string_view question_code) const {
  return FindIn(questions, question_code);
}

std::vector<const Question*> AnswerFields(const std::vector<Question>& questions) {
  std::vector<const Question*> out;
  CollectAnswerFields(questions, out);
  return out;
}

const Question* Form::FindSmsTag(std::string_view tag) const {
  if (tag.empty()) return nullptr;
  for (const Question& q : questions) {  // only top-level questions carry tags
    if (q.sms == tag) return &q;
  }
  return nullptr;
}

bool IsSmsTag(std::string_view text) {
  return IsSmsPrefix(text) && text.find_first_of("ILO") == std::string_view::npos;
}

bool IsSmsPrefix(std::string_view text) {
  if (text.empty() || text.size() > 3) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::vector<std::string> Form::AllowedValues(const Question& q) {
  switch (q.type) {
    case QuestionType::kYesNo:
      return {"yes", "no"};
    case QuestionType::kYesNoNa:
      return {"yes", "no", "na"};
    case QuestionType::kAssessment:
      return {"very_good", "good", "bad", "very_bad"};
    case QuestionType::kSelectOne:
    case QuestionType::kSelectMultiple: {
      std::vector<std::string> values;
      for (const Option& o : q.options) values.push_back(o.value);
      return values;
    }
    default:
      return {};
  }
}

namespace {

json::array QuestionsToJson(const std::vector<Question>& list) {
  json::array questions;
  for (const Question& q : list) {
    json::object jq;
    jq["code"] = q.code;
    jq["type"] = QuestionTypeName(q.type);
    jq["labels"] = LabelsToJson(q.labels);
    if (!q.options.empty()) {
      json::array opts;
      for (const Option& o : q.options)
        opts.push_back(json::object{{"value", o.value}, {"labels", LabelsToJson(o.labels)}});
      jq["options"] = std::move(opts);
    }
    if (q.min) jq["min"] = *q.min;
    if (q.max) jq["max"] = *q.max;
    jq["required"] = q.required;
    if (!q.negative_values.empty()) {
      json::array neg;
      for (const std::string& n : q.negative_values) neg.emplace_back(n);
      jq["negative"] = std::move(neg);
    }
    if (q.negative_above) jq["negative_above"] = *q.negative_above;
    if (!q.critical_values.empty()) {
      json::array crit;
      for (const std::string& c : q.critical_values) crit.emplace_back(c);
      jq["critical"] = std::move(crit);
    }
    if (!q.criteria.empty()) {
      json::array cs;
      for (Criterion c : q.criteria) cs.emplace_back(CriterionName(c));
      jq["criteria"] = std::move(cs);
    }
    if (!q.figure.empty()) jq["figure"] = q.figure;
    if (!q.contestant.empty()) jq["contestant"] = q.contestant;
    if (!q.sms.empty()) jq["sms"] = q.sms;
    // Left out when empty, so that forms without them encode as before.
    if (!q.hints.empty()) jq["hints"] = LabelsToJson(q.hints);
    if (!q.relevant.empty()) jq["relevant"] = q.relevant;
    if (!q.constraint.empty()) jq["constraint"] = q.constraint;
    if (!q.constraint_messages.empty())
      jq["constraint_messages"] = LabelsToJson(q.constraint_messages);
    if (!q.calculation.empty()) jq["calculation"] = q.calculation;
    if (!q.appearance.empty()) jq["appearance"] = q.appearance;
    if (IsContainer(q.type)) jq["children"] = QuestionsToJson(q.children);
    questions.push_back(std::move(jq));
  }
  return questions;
}

}  // namespace

json::value FormToJson(const Form& form) {
  json::object out{{"code", form.code},
                   {"version", form.version},
                   {"phase", PhaseName(form.phase)},
                   {"title", LabelsToJson(form.title)}};
  if (!form.default_language.empty()) out["default_language"] = form.default_language;
  if (!form.sms_prefix.empty()) out["sms_prefix"] = form.sms_prefix;
  if (!form.sms_comment.empty()) out["sms_comment"] = form.sms_comment;
  out["questions"] = QuestionsToJson(form.questions);
  return out;
}

Result<Form> FormFromJson(const json::value& v) {
  if (!v.is_object()) return Fail(Invalid("$", "expected an object"));
  const json::object& o = v.get_object();
  Form form;
  auto code = RequiredString(o, "code", "$");
  if (!code) return Fail(code.error());
  form.code = *code;
  auto version = RequiredString(o, "version", "$");
  if (!version) return Fail(version.error());
  form.version = *version;
  auto phase_name = RequiredString(o, "phase", "$");
  if (!phase_name) return Fail(phase_name.error());
  auto phase = ParsePhase(*phase_name);
  if (!phase) return Fail(Invalid("$.phase", "unknown phase '" + *phase_name + "'"));
  form.phase = *phase;
  auto title = LabelsFromJson(o.if_contains("title"), "$.title");
  if (!title) return Fail(title.error());
  form.title = std::move(*title);
  auto language = OptionalString(o, "default_language", "$");
  if (!language) return Fail(language.error());
  form.default_language = std::move(*language);
  if (const json::value* p = o.if_contains("sms_prefix")) {
    if (!p->is_string() || !IsSmsPrefix(p->get_string())) {
      return Fail(Invalid("$.sms_prefix", "expected 1 to 3 capital letters"));
    }
    form.sms_prefix = p->get_string();
  }
  FormKeys keys;
  auto questions = QuestionsFromJson(o.if_contains("questions"), "$.questions", 0, keys);
  if (!questions) return Fail(questions.error());
  form.questions = std::move(*questions);
  if (const json::value* c = o.if_contains("sms_comment")) {
    if (!c->is_string()) return Fail(Invalid("$.sms_comment", "expected a question code"));
    form.sms_comment = c->get_string();
    const Question* q = form.FindQuestion(form.sms_comment);
    if (q == nullptr || q->type != QuestionType::kText) {
      return Fail(Invalid("$.sms_comment",
                          "'" + form.sms_comment + "' is not a text question of this form"));
    }
  }
  return form;
}

}  // namespace vigil::core
