#include "ingest/xlsform_writer.h"

#include <xlsxwriter.h>

#include <charconv>
#include <memory>
#include <set>
#include <vector>

#include "ingest/xlsform.h"

namespace vigil::ingest {

namespace {

using core::Question;
using core::QuestionType;

// Shortest text that reads back as the same double.
std::string NumberText(double x) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(x);
}

void CollectLanguages(const std::vector<Question>& questions, std::set<std::string>& labels,
                      std::set<std::string>& hints, std::set<std::string>& messages) {
  for (const Question& q : questions) {
    for (const auto& [lang, text] : q.labels) labels.insert(lang);
    for (const auto& [lang, text] : q.hints) hints.insert(lang);
    for (const auto& [lang, text] : q.constraint_messages) messages.insert(lang);
    for (const core::Option& o : q.options) {
      for (const auto& [lang, text] : o.labels) labels.insert(lang);
    }
    CollectLanguages(q.children, labels, hints, messages);
  }
}

// Rows of one sheet, cell by cell; remembers the first failure.
class Sheet {
 public:
  explicit Sheet(lxw_worksheet* ws) : ws_(ws) {}
  void Put(int column, const std::string& text) {
    if (text.empty() || error_ != LXW_NO_ERROR) return;
    error_ = worksheet_write_string(ws_, static_cast<lxw_row_t>(row_),
                                    static_cast<lxw_col_t>(column), text.c_str(), nullptr);
  }
  void NextRow() { ++row_; }
  lxw_error error() const { return error_; }

 private:
  lxw_worksheet* ws_;
  int row_ = 0;
  lxw_error error_ = LXW_NO_ERROR;
};

struct Columns {
  std::vector<std::string> label, hint, message;  // languages
  int type = 0, name = 1, label_at = 2, hint_at = 0, required = 0, relevant = 0, constraint = 0,
      message_at = 0, calculation = 0, appearance = 0, negative = 0, critical = 0, criteria = 0,
      figure = 0, contestant = 0, sms = 0;
};

std::string Constraint(const Question& q) {
  std::vector<std::string> terms;
  if (q.type == QuestionType::kInteger || q.type == QuestionType::kDecimal) {
    if (q.min) terms.push_back(". >= " + NumberText(*q.min));
    if (q.max) terms.push_back(". <= " + NumberText(*q.max));
  } else if (q.type == QuestionType::kText && q.max) {
    terms.push_back("string-length(.) <= " + NumberText(*q.max));
  }
  std::string out;
  for (const std::string& t : terms) out += (out.empty() ? "" : " and ") + t;
  if (!q.constraint.empty()) out += out.empty() ? q.constraint : " and (" + q.constraint + ")";
  return out;
}

class Writer {
 public:
  Writer(const core::Form& form, Sheet& survey, Sheet& choices)
      : form_(form), survey_(survey), choices_(choices) {}

  void Run() {
    std::set<std::string> labels, hints, messages;
    CollectLanguages(form_.questions, labels, hints, messages);
    c_.label.assign(labels.begin(), labels.end());
    c_.hint.assign(hints.begin(), hints.end());
    c_.message.assign(messages.begin(), messages.end());
    int at = 2;
    const auto take = [&](std::size_t n) {
      const int first = at;
      at += static_cast<int>(n);
      return first;
    };
    c_.label_at = take(c_.label.size());
    c_.hint_at = take(c_.hint.size());
    c_.required = take(1);
    c_.relevant = take(1);
    c_.constraint = take(1);
    c_.message_at = take(c_.message.size());
    c_.calculation = take(1);
    c_.appearance = take(1);
    c_.negative = take(1);
    c_.critical = take(1);
    c_.criteria = take(1);
    c_.figure = take(1);
    c_.contestant = take(1);
    c_.sms = take(1);
    survey_.Put(c_.type, "type");
    survey_.Put(c_.name, "name");
    for (std::size_t i = 0; i < c_.label.size(); ++i)
      survey_.Put(c_.label_at + static_cast<int>(i), "label::" + c_.label[i]);
    for (std::size_t i = 0; i < c_.hint.size(); ++i)
      survey_.Put(c_.hint_at + static_cast<int>(i), "hint::" + c_.hint[i]);
    survey_.Put(c_.required, "required");
    survey_.Put(c_.relevant, "relevant");
    survey_.Put(c_.constraint, "constraint");
    for (std::size_t i = 0; i < c_.message.size(); ++i)
      survey_.Put(c_.message_at + static_cast<int>(i), "constraint_message::" + c_.message[i]);
    survey_.Put(c_.calculation, "calculation");
    survey_.Put(c_.appearance, "appearance");
    survey_.Put(c_.negative, "negative");
    survey_.Put(c_.critical, "critical");
    survey_.Put(c_.criteria, "criteria");
    survey_.Put(c_.figure, "figure");
    survey_.Put(c_.contestant, "contestant");
    survey_.Put(c_.sms, "sms");
    survey_.NextRow();
    choices_.Put(0, "list_name");
    choices_.Put(1, "name");
    for (std::size_t i = 0; i < c_.label.size(); ++i)
      choices_.Put(2 + static_cast<int>(i), "label::" + c_.label[i]);
    choices_.NextRow();
    // Generated list names must not clash with a question's code (its list).
    for (QuestionType t : {QuestionType::kYesNo, QuestionType::kYesNoNa, QuestionType::kAssessment})
      used_lists_.insert(ImpliedListOf(t).name);
    Questions(form_.questions);
  }

 private:
  static void PutLabels(Sheet& sheet, int first, const std::vector<std::string>& langs,
                        const core::Labels& labels) {
    for (std::size_t i = 0; i < langs.size(); ++i) {
      auto it = labels.find(langs[i]);
      if (it != labels.end()) sheet.Put(first + static_cast<int>(i), it->second);
    }
  }

  void List(const std::string& name, const std::vector<core::Option>& options) {
    for (const core::Option& o : options) {
      choices_.Put(0, name);
      choices_.Put(1, o.value);
      PutLabels(choices_, 2, c_.label, o.labels);
      choices_.NextRow();
    }
  }

  // The list of a select question: named by its code, made unique.
  std::string ListName(const Question& q) {
    std::string name = q.code;
    while (!used_lists_.insert(name).second) name += "_";
    return name;
  }

  std::string TypeText(const Question& q) {
    const ImpliedList implied = ImpliedListOf(q.type);
    if (!implied.name.empty()) {
      if (written_implied_.insert(implied.name).second) {
        // Labels in every language of the form: English where none is known.
        std::vector<core::Option> options = implied.options;
        for (core::Option& o : options) {
          core::Labels labels;
          for (const std::string& lang : c_.label) {
            auto it = o.labels.find(lang);
            labels[lang] = it != o.labels.end() ? it->second : o.labels.at("en");
          }
          o.labels = std::move(labels);
        }
        List(implied.name, options);
      }
      return "select_one " + implied.name;
    }
    switch (q.type) {
      case QuestionType::kSelectOne:
      case QuestionType::kSelectMultiple: {
        const std::string list = ListName(q);
        List(list, q.options);
        return std::string(q.type == QuestionType::kSelectOne ? "select_one "
                                                              : "select_multiple ") +
               list;
      }
      case QuestionType::kGroup:
        return "begin_group";
      case QuestionType::kRepeat:
        return "begin_repeat";
      default:
        return std::string(core::QuestionTypeName(q.type));
    }
  }

  void Questions(const std::vector<Question>& questions) {
    for (const Question& q : questions) {
      survey_.Put(c_.type, TypeText(q));
      survey_.Put(c_.name, q.code);
      PutLabels(survey_, c_.label_at, c_.label, q.labels);
      PutLabels(survey_, c_.hint_at, c_.hint, q.hints);
      if (q.required) survey_.Put(c_.required, "yes");
      survey_.Put(c_.relevant, q.relevant);
      survey_.Put(c_.constraint, Constraint(q));
      PutLabels(survey_, c_.message_at, c_.message, q.constraint_messages);
      survey_.Put(c_.calculation, q.calculation);
      survey_.Put(c_.appearance, q.appearance);
      std::string negative;
      for (const std::string& v : q.negative_values) negative += (negative.empty() ? "" : " ") + v;
      if (negative.empty() && q.negative_above) negative = ">" + NumberText(*q.negative_above);
      survey_.Put(c_.negative, negative);
      std::string critical;
      for (const std::string& v : q.critical_values) critical += (critical.empty() ? "" : " ") + v;
      survey_.Put(c_.critical, critical);
      std::string criteria;
      for (core::Criterion c : q.criteria)
        criteria += (criteria.empty() ? "" : " ") + std::string(core::CriterionName(c));
      survey_.Put(c_.criteria, criteria);
      survey_.Put(c_.figure, q.figure);
      survey_.Put(c_.contestant, q.contestant);
      survey_.Put(c_.sms, q.sms);
      survey_.NextRow();
      if (q.type == QuestionType::kGroup || q.type == QuestionType::kRepeat) {
        Questions(q.children);
        survey_.Put(c_.type, q.type == QuestionType::kGroup ? "end_group" : "end_repeat");
        survey_.NextRow();
      }
    }
  }

  const core::Form& form_;
  Sheet& survey_;
  Sheet& choices_;
  Columns c_;
  std::set<std::string> used_lists_;
  std::set<std::string> written_implied_;
};

}  // namespace

Status WriteXlsForm(const core::Form& form, const std::string& path) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (wb == nullptr) return Status::Internal("xlsform: cannot create " + path);
  Sheet survey(workbook_add_worksheet(wb, "survey"));
  Sheet choices(workbook_add_worksheet(wb, "choices"));
  lxw_worksheet* ws = workbook_add_worksheet(wb, "settings");
  Writer(form, survey, choices).Run();
  // One header row and one row of values.
  std::vector<std::pair<std::string, std::string>> cells;
  for (const auto& [lang, title] : form.title) cells.emplace_back("form_title::" + lang, title);
  cells.emplace_back("form_id", form.code);
  cells.emplace_back("version", form.version);
  if (!form.default_language.empty()) cells.emplace_back("default_language", form.default_language);
  cells.emplace_back("phase", std::string(core::PhaseName(form.phase)));
  if (!form.sms_prefix.empty()) cells.emplace_back("sms_prefix", form.sms_prefix);
  if (!form.sms_comment.empty()) cells.emplace_back("sms_comment", form.sms_comment);
  lxw_error error = survey.error() != LXW_NO_ERROR ? survey.error() : choices.error();
  for (std::size_t i = 0; i < cells.size() && error == LXW_NO_ERROR; ++i) {
    const auto col = static_cast<lxw_col_t>(i);
    error = worksheet_write_string(ws, 0, col, cells[i].first.c_str(), nullptr);
    if (error == LXW_NO_ERROR && !cells[i].second.empty())
      error = worksheet_write_string(ws, 1, col, cells[i].second.c_str(), nullptr);
  }
  const lxw_error closed = workbook_close(wb);
  if (error == LXW_NO_ERROR) error = closed;
  if (error != LXW_NO_ERROR) {
    return Status::Internal("xlsform: writing " + path + ": " + lxw_strerror(error));
  }
  return Status::Ok();
}

}  // namespace vigil::ingest
