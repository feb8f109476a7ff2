#include "ingest/xlsform.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "core/results.h"
#include "ingest/xlsx.h"

namespace vigil::ingest {

namespace {

using core::Question;
using core::QuestionType;

std::string Trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// "English (en)" -> "en"; "en" -> "en"; "English" -> "English".
std::string LanguageKey(std::string_view text) {
  std::string t = Trim(text);
  if (t.size() > 2 && t.back() == ')') {
    const std::size_t open = t.rfind('(');
    if (open != std::string::npos) {
      std::string code = Trim(std::string_view(t).substr(open + 1, t.size() - open - 2));
      if (!code.empty()) return code;
    }
  }
  return t;
}

// XLSForm names become XML element names in XForms.
bool IsXmlName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  const auto start = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  };
  if (!start(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

std::optional<double> Number(std::string_view s) {
  double x = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(x)) return std::nullopt;
  return x;
}

// One sheet with its header: column name -> column index.
struct Table {
  const XlsxSheet* sheet = nullptr;
  int header_row = 0;
  // Base name ("label") -> language key ("en"; "" without "::") -> column.
  std::map<std::string, std::map<std::string, int>> columns;
  std::map<int, std::string> header;  // column -> its header text

  int Column(const std::string& base) const {
    auto it = columns.find(base);
    if (it == columns.end()) return -1;
    auto plain = it->second.find("");
    return plain == it->second.end() ? -1 : plain->second;
  }
};

const std::string& CellText(const XlsxRow& row, int column) {
  static const std::string kEmpty;
  for (const XlsxCell& c : row.cells) {
    if (c.column == column) return c.text;
  }
  return kEmpty;
}

class Reader {
 public:
  explicit Reader(std::vector<XlsFormProblem>& problems) : problems_(problems) {}

  Result<core::Form> Read(std::string_view bytes) {
    auto sheets = ReadXlsx(bytes, [](std::string_view name) {
      const std::string n = Lower(Trim(name));
      return n == "survey" || n == "choices" || n == "settings";
    });
    if (!sheets) {
      Problem("", 0, -1, sheets.error().message());
      return Finish();
    }
    sheets_ = std::move(*sheets);
    const XlsxSheet* survey = FindSheet("survey");
    const XlsxSheet* choices = FindSheet("choices");
    const XlsxSheet* settings = FindSheet("settings");
    if (survey == nullptr) Problem("survey", 0, -1, "the sheet is missing");
    if (settings == nullptr)
      Problem("settings", 0, -1, "the sheet is missing (it names form_id and version)");
    if (settings != nullptr) ReadSettings(*settings);
    if (choices != nullptr) ReadChoices(*choices);
    if (survey != nullptr) ReadSurvey(*survey);
    if (!problems_.empty()) return Finish();
    // The model's own checks (core::FormFromJson) as a last line; the
    // checks above should have caught everything it refuses.
    auto checked = core::FormFromJson(core::FormToJson(form_));
    if (!checked) Problem("survey", 0, -1, checked.error().message());
    return Finish();
  }

 private:
  Result<core::Form> Finish() {
    if (problems_.empty()) return std::move(form_);
    std::stable_sort(problems_.begin(), problems_.end(), [](const auto& a, const auto& b) {
      const auto order = [](const std::string& s) {
        return s.empty() ? 0 : s == "settings" ? 1 : s == "choices" ? 2 : 3;
      };
      return std::pair(order(a.sheet), a.row) < std::pair(order(b.sheet), b.row);
    });
    const std::size_t n = problems_.size();
    if (n > kMaxXlsFormProblems) {
      problems_.resize(kMaxXlsFormProblems);
      problems_.push_back(
          {"", 0, -1, "... and " + std::to_string(n - kMaxXlsFormProblems) + " more"});
    }
    return Fail(Status::InvalidArgument(std::to_string(n) + (n == 1 ? " problem" : " problems") +
                                        " in the XLSForm"));
  }

  void Problem(std::string sheet, int row, int column, std::string problem) {
    if (problems_.size() > kMaxXlsFormProblems * 2) return;
    problems_.push_back({std::move(sheet), row, column, std::move(problem)});
  }

  const XlsxSheet* FindSheet(std::string_view name) const {
    for (const XlsxSheet& s : sheets_) {
      if (Lower(Trim(s.name)) == name) return &s;
    }
    return nullptr;
  }

  // Reads the header row; `known` are the base names allowed, `translated`
  // those that may carry "::language".
  Table Header(const XlsxSheet& sheet, const std::set<std::string>& known,
               const std::set<std::string>& translated) {
    Table t;
    t.sheet = &sheet;
    if (sheet.rows.empty()) {
      Problem(sheet.name, 0, -1, "the sheet is empty (its first row names the columns)");
      return t;
    }
    const XlsxRow& row = sheet.rows.front();
    t.header_row = row.number;
    for (const XlsxCell& c : row.cells) {
      const std::string text = Trim(c.text);
      if (text.empty() || text[0] == '$' || text[0] == '_') continue;
      const std::size_t sep = text.find("::");
      const std::string base = Lower(Trim(text.substr(0, sep)));
      const std::string lang = sep == std::string::npos ? "" : LanguageKey(text.substr(sep + 2));
      if (!known.contains(base)) {
        Problem(sheet.name, row.number, c.column, "unsupported column " + Quote(text));
        continue;
      }
      if (sep != std::string::npos && (!translated.contains(base) || lang.empty())) {
        Problem(sheet.name, row.number, c.column, "column " + Quote(base) + " takes no language");
        continue;
      }
      if (!t.columns[base].emplace(lang, c.column).second) {
        Problem(sheet.name, row.number, c.column,
                "column " + Quote(text) + " is given twice" +
                    (lang.empty() ? "" : " (language " + Quote(lang) + ")"));
        continue;
      }
      t.header[c.column] = text;
    }
    return t;
  }

  // A value in a column without a header is refused: it would be lost.
  void CheckUnnamed(const Table& t, const XlsxRow& row) {
    for (const XlsxCell& c : row.cells) {
      if (Trim(c.text).empty()) continue;
      if (!t.header.contains(c.column)) {
        auto it =
            std::find_if(t.sheet->rows.front().cells.begin(), t.sheet->rows.front().cells.end(),
                         [&](const XlsxCell& h) { return h.column == c.column; });
        const bool skipped = it != t.sheet->rows.front().cells.end() && !Trim(it->text).empty();
        if (!skipped)
          Problem(t.sheet->name, row.number, c.column, "a value in a column without a header");
      }
    }
  }

  std::string Get(const Table& t, const XlsxRow& row, const std::string& base) const {
    const int col = t.Column(base);
    return col < 0 ? std::string() : Trim(CellText(row, col));
  }

  // The texts of a translated column: "label" -> the default language,
  // "label::en" -> "en".
  core::Labels Translations(const Table& t, const XlsxRow& row, const std::string& base) const {
    core::Labels out;
    auto it = t.columns.find(base);
    if (it == t.columns.end()) return out;
    for (const auto& [lang, col] : it->second) {
      std::string text = Trim(CellText(row, col));
      if (text.empty()) continue;
      out[lang.empty() ? PlainLanguage() : lang] = std::move(text);
    }
    return out;
  }

  // The language of columns without "::language": the default language, or
  // English when the form names none.
  std::string PlainLanguage() const {
    return form_.default_language.empty() ? "en" : form_.default_language;
  }

  // A plain column and a translated one may not both give the default language.
  void CheckPlainLanguage(const Table& t, const std::set<std::string>& bases) {
    for (const std::string& base : bases) {
      auto it = t.columns.find(base);
      if (it == t.columns.end() || !it->second.contains("")) continue;
      auto clash = it->second.find(PlainLanguage());
      if (clash != it->second.end()) {
        Problem(
            t.sheet->name, t.header_row, clash->second,
            "column " + Quote(base) + " and this one both give language " + Quote(PlainLanguage()));
      }
    }
  }

  void ReadSettings(const XlsxSheet& sheet) {
    const Table t = Header(sheet,
                           {"form_title", "form_id", "version", "default_language", "phase",
                            "sms_prefix", "sms_comment"},
                           {"form_title"});
    if (t.header_row == 0) return;
    for (const char* required : {"form_id", "version"}) {
      if (t.Column(required) < 0)
        Problem(sheet.name, t.header_row, -1, "column " + Quote(required) + " is missing");
    }
    if (sheet.rows.size() < 2) {
      Problem(sheet.name, t.header_row + 1, -1, "the row of settings is missing");
      return;
    }
    if (sheet.rows.size() > 2) {
      Problem(sheet.name, sheet.rows[2].number, -1,
              "only one row of settings is read; this one would be lost");
    }
    const XlsxRow& row = sheet.rows[1];
    CheckUnnamed(t, row);
    form_.default_language = LanguageKey(Get(t, row, "default_language"));
    CheckPlainLanguage(t, {"form_title"});
    form_.title = Translations(t, row, "form_title");
    form_.code = Get(t, row, "form_id");
    form_.version = Get(t, row, "version");
    if (t.Column("form_id") >= 0 && !IsXmlName(form_.code)) {
      Problem(sheet.name, row.number, t.Column("form_id"),
              form_.code.empty() ? "form_id is empty"
                                 : "form_id " + Quote(form_.code) +
                                       " is not a name (letters, digits, _ - ., at most 64)");
    }
    if (t.Column("version") >= 0 && form_.version.empty())
      Problem(sheet.name, row.number, t.Column("version"), "version is empty");
    form_.sms_prefix = Get(t, row, "sms_prefix");
    if (!form_.sms_prefix.empty() && !core::IsSmsPrefix(form_.sms_prefix)) {
      Problem(sheet.name, row.number, t.Column("sms_prefix"),
              "sms_prefix " + Quote(form_.sms_prefix) + " is not 1 to 3 capital letters");
    }
    form_.sms_comment = Get(t, row, "sms_comment");
    sms_comment_cell_ = {row.number, t.Column("sms_comment")};
    if (const std::string phase = Get(t, row, "phase"); !phase.empty()) {
      if (auto p = core::ParsePhase(Lower(phase))) {
        form_.phase = *p;
      } else {
        Problem(sheet.name, row.number, t.Column("phase"),
                "unknown phase " + Quote(phase) +
                    " (opening, voting, counting, tabulation or incident)");
      }
    }
  }

  void ReadChoices(const XlsxSheet& sheet) {
    const Table t = Header(sheet, {"list_name", "name", "label"}, {"label"});
    if (t.header_row == 0) return;
    for (const char* required : {"list_name", "name"}) {
      if (t.Column(required) < 0)
        Problem(sheet.name, t.header_row, -1, "column " + Quote(required) + " is missing");
    }
    if (t.Column("list_name") < 0 || t.Column("name") < 0) return;
    CheckPlainLanguage(t, {"label"});
    for (std::size_t i = 1; i < sheet.rows.size(); ++i) {
      const XlsxRow& row = sheet.rows[i];
      CheckUnnamed(t, row);
      const std::string list = Get(t, row, "list_name");
      const std::string name = Get(t, row, "name");
      if (list.empty() && name.empty()) continue;
      if (list.empty()) {
        Problem(sheet.name, row.number, t.Column("list_name"), "list_name is empty");
        continue;
      }
      if (name.empty()) {
        Problem(sheet.name, row.number, t.Column("name"), "name is empty");
        continue;
      }
      if (name.find_first_of(" \t") != std::string::npos) {
        Problem(sheet.name, row.number, t.Column("name"),
                "choice name " + Quote(name) +
                    " holds a space (select_multiple answers are "
                    "separated by spaces)");
        continue;
      }
      List& l = lists_[list];
      if (l.row == 0) l.row = row.number;
      if (std::any_of(l.options.begin(), l.options.end(),
                      [&](const core::Option& o) { return o.value == name; })) {
        Problem(sheet.name, row.number, t.Column("name"),
                "choice " + Quote(name) + " is given twice in list " + Quote(list));
        continue;
      }
      l.options.push_back({name, Translations(t, row, "label")});
    }
  }

  // One open group or repeat while the survey is read.
  struct Frame {
    Question question;
    int row = 0;
    int column = 0;
  };

  void ReadSurvey(const XlsxSheet& sheet) {
    const Table t = Header(sheet,
                           {"type", "name", "label", "hint", "required", "relevant", "constraint",
                            "constraint_message", "calculation", "appearance", "negative",
                            "critical", "criteria", "figure", "contestant", "sms"},
                           {"label", "hint", "constraint_message"});
    if (t.header_row == 0) return;
    for (const char* required : {"type", "name"}) {
      if (t.Column(required) < 0)
        Problem(sheet.name, t.header_row, -1, "column " + Quote(required) + " is missing");
    }
    if (t.Column("type") < 0 || t.Column("name") < 0) return;
    CheckPlainLanguage(t, {"label", "hint", "constraint_message"});
    std::vector<Frame> open;  // open.front() is the form itself
    open.push_back({});
    std::map<std::string, int> names;  // name -> row
    for (std::size_t i = 1; i < sheet.rows.size(); ++i) {
      const XlsxRow& row = sheet.rows[i];
      CheckUnnamed(t, row);
      const auto problem = [&](const std::string& column, std::string text) {
        Problem(sheet.name, row.number, t.Column(column), std::move(text));
      };
      const std::string type_text = Get(t, row, "type");
      const std::string name = Get(t, row, "name");
      if (type_text.empty()) {
        const bool blank = std::all_of(row.cells.begin(), row.cells.end(), [&](const XlsxCell& c) {
          return Trim(c.text).empty() || !t.header.contains(c.column);
        });
        if (!blank) problem("type", "type is missing");
        continue;
      }
      std::vector<std::string> words = Words(type_text);
      // Older forms write "begin group", "end repeat", ...
      if (words.size() == 2 && (Lower(words[0]) == "begin" || Lower(words[0]) == "end") &&
          (Lower(words[1]) == "group" || Lower(words[1]) == "repeat")) {
        words = {words[0] + "_" + words[1]};
      }
      const std::string kind = Lower(words[0]);
      if (kind == "end_group" || kind == "end_repeat") {
        const QuestionType want =
            kind == "end_group" ? QuestionType::kGroup : QuestionType::kRepeat;
        if (open.size() == 1) {
          problem("type", kind + " without a matching begin");
          continue;
        }
        Frame& top = open.back();
        if (top.question.type != want) {
          problem("type", kind + " closes " +
                              (top.question.type == QuestionType::kGroup ? "group " : "repeat ") +
                              Quote(top.question.code) + " (begun at row " +
                              std::to_string(top.row) + ")");
          continue;
        }
        if (!name.empty() && name != top.question.code) {
          problem("name",
                  kind + " names " + Quote(name) + " but closes " + Quote(top.question.code));
        }
        Frame done = std::move(top);
        open.pop_back();
        if (done.question.children.empty()) {
          Problem(sheet.name, done.row, done.column,
                  std::string(done.question.type == QuestionType::kGroup ? "group " : "repeat ") +
                      Quote(done.question.code) + " holds no question");
        }
        open.back().question.children.push_back(std::move(done.question));
        continue;
      }
      if (kind == "start" || kind == "end" || kind == "deviceid" || kind == "today") {
        // The submission's started_at and submitted_at carry start and end;
        // vigil identifies observers, not devices.
        continue;
      }
      Question q;
      q.code = name;
      bool ok = true;
      std::string list;
      if (kind == "select_one" || kind == "select_multiple") {
        if (words.size() != 2) {
          problem("type", words.size() < 2 ? kind + " needs a list name"
                                           : "unsupported type " + Quote(type_text) +
                                                 " (or_other and select from a file are not "
                                                 "supported)");
          ok = false;
        } else {
          list = words[1];
          q.type = kind == "select_one" ? QuestionType::kSelectOne : QuestionType::kSelectMultiple;
        }
      } else if (words.size() != 1) {
        problem("type", "unsupported type " + Quote(type_text));
        ok = false;
      } else if (kind == "begin_group" || kind == "begin_repeat") {
        q.type = kind == "begin_group" ? QuestionType::kGroup : QuestionType::kRepeat;
      } else if (auto simple = SimpleType(kind)) {
        q.type = *simple;
      } else {
        problem("type", "unknown type " + Quote(type_text));
        ok = false;
      }
      if (name.empty()) {
        problem("name", "name is missing");
        ok = false;
      } else if (!IsXmlName(name)) {
        problem("name", "name " + Quote(name) +
                            " is not a name (a letter or _, then letters, digits, _ - .; at "
                            "most 64)");
        ok = false;
      } else if (auto [it, inserted] = names.emplace(name, row.number); !inserted) {
        problem("name",
                "name " + Quote(name) + " is already used at row " + std::to_string(it->second));
        ok = false;
      }
      q.labels = Translations(t, row, "label");
      q.hints = Translations(t, row, "hint");
      q.constraint_messages = Translations(t, row, "constraint_message");
      q.relevant = Get(t, row, "relevant");
      q.appearance = Get(t, row, "appearance");
      q.calculation = Get(t, row, "calculation");
      q.constraint = Get(t, row, "constraint");
      if (const std::string r = Lower(Get(t, row, "required")); !r.empty()) {
        if (r == "yes" || r == "true" || r == "1" || r == "true()") {
          q.required = true;
        } else if (!(r == "no" || r == "false" || r == "0" || r == "false()")) {
          problem("required", "expected yes or no, got " + Quote(Get(t, row, "required")));
        }
      }
      in_container_ = open.size() > 1;
      in_repeat_ = std::any_of(open.begin(), open.end(), [](const Frame& f) {
        return f.question.type == QuestionType::kRepeat;
      });
      if (ok) ok = Complete(q, list, t, row);
      const bool container = q.type == QuestionType::kGroup || q.type == QuestionType::kRepeat;
      if (container) {
        if (static_cast<int>(open.size()) > core::kMaxQuestionNesting) {
          problem("type", "groups and repeats nest more than " +
                              std::to_string(core::kMaxQuestionNesting) + " deep");
          continue;
        }
        // Open it even when it has problems, so that its end still matches.
        open.push_back({std::move(q), row.number, t.Column("type")});
        continue;
      }
      if (ok) open.back().question.children.push_back(std::move(q));
    }
    for (std::size_t i = open.size(); i-- > 1;) {
      Problem(sheet.name, open[i].row, open[i].column,
              std::string(open[i].question.type == QuestionType::kGroup ? "group " : "repeat ") +
                  Quote(open[i].question.code) + " is never closed (" +
                  (open[i].question.type == QuestionType::kGroup ? "end_group" : "end_repeat") +
                  ")");
    }
    form_.questions = std::move(open.front().question.children);
    if (!form_.sms_comment.empty()) {
      const core::Question* q = form_.FindQuestion(form_.sms_comment);
      if (q == nullptr || q->type != QuestionType::kText) {
        Problem(
            "settings", sms_comment_cell_.first, sms_comment_cell_.second,
            "sms_comment " + Quote(form_.sms_comment) + " is not a text question of the survey");
      }
    }
    if (form_.questions.empty() && problems_.empty())
      Problem(sheet.name, 0, -1, "the form has no question");
  }

  static std::optional<QuestionType> SimpleType(const std::string& kind) {
    static const std::map<std::string, QuestionType, std::less<>> kTypes = {
        {"text", QuestionType::kText},         {"integer", QuestionType::kInteger},
        {"int", QuestionType::kInteger},       {"decimal", QuestionType::kDecimal},
        {"date", QuestionType::kDate},         {"time", QuestionType::kTime},
        {"datetime", QuestionType::kDateTime}, {"geopoint", QuestionType::kGeopoint},
        {"note", QuestionType::kNote},         {"calculate", QuestionType::kCalculate},
        {"image", QuestionType::kImage},
    };
    auto it = kTypes.find(kind);
    return it == kTypes.end() ? std::nullopt : std::optional(it->second);
  }

  // The rest of a question once its type is known: options, bounds, vigil's
  // own columns. False if anything is wrong (already reported).
  bool Complete(Question& q, const std::string& list, const Table& t, const XlsxRow& row) {
    bool ok = true;
    const auto problem = [&](const std::string& column, std::string text) {
      Problem(t.sheet->name, row.number, t.Column(column), std::move(text));
      ok = false;
    };
    if (!list.empty()) {
      auto it = lists_.find(list);
      if (it == lists_.end()) {
        problem("type", "unknown list " + Quote(list) + " (no such list_name in choices)");
        return false;
      }
      q.options = it->second.options;
      if (q.type == QuestionType::kSelectOne) {
        for (QuestionType implied :
             {QuestionType::kYesNo, QuestionType::kYesNoNa, QuestionType::kAssessment}) {
          const ImpliedList il = ImpliedListOf(implied);
          if (il.name != list || il.options.size() != q.options.size()) continue;
          if (std::equal(il.options.begin(), il.options.end(), q.options.begin(),
                         [](const auto& a, const auto& b) { return a.value == b.value; })) {
            q.type = implied;
            q.options.clear();
          }
        }
      }
    }
    if (q.type == QuestionType::kCalculate && q.calculation.empty())
      problem("calculation", "a calculate row needs a calculation");
    if (q.type != QuestionType::kCalculate && !q.calculation.empty())
      problem("calculation", "only calculate rows take a calculation");
    if ((q.type == QuestionType::kNote || q.type == QuestionType::kGroup) && q.required)
      problem("required", std::string(core::QuestionTypeName(q.type)) + " rows take no answer");
    if (q.type == QuestionType::kGroup || q.type == QuestionType::kNote) {
      if (!q.constraint.empty()) problem("constraint", "this row takes no constraint");
    }
    SimplifyConstraint(q);
    // vigil's own columns.
    if (const std::string negative = Get(t, row, "negative"); !negative.empty()) {
      const bool numeric = q.type == QuestionType::kInteger || q.type == QuestionType::kDecimal;
      const std::vector<std::string> allowed = core::Form::AllowedValues(q);
      if (numeric && negative[0] == '>') {
        if (auto n = Number(Trim(negative.substr(1)))) {
          q.negative_above = *n;
        } else {
          problem("negative", "expected >N for a number question, got " + Quote(negative));
        }
      } else if (allowed.empty()) {
        problem("negative", numeric ? "expected >N for a number question, got " + Quote(negative)
                                    : "only select, yes/no and number questions have negative "
                                      "answers");
      } else {
        for (const std::string& v : Words(negative)) {
          if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
            problem("negative", Quote(v) + " is not an answer of this question");
          } else {
            q.negative_values.push_back(v);
          }
        }
      }
    }
    if (const std::string critical = Get(t, row, "critical"); !critical.empty()) {
      const std::vector<std::string> allowed = core::Form::AllowedValues(q);
      if (allowed.empty()) {
        problem("critical", "only select, yes/no and assessment questions have critical answers");
      } else {
        for (const std::string& v : Words(critical)) {
          if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
            problem("critical", Quote(v) + " is not an answer of this question");
          } else {
            q.critical_values.push_back(v);
          }
        }
      }
    }
    for (const std::string& c : Words(Get(t, row, "criteria"))) {
      if (auto criterion = core::ParseCriterion(c)) {
        q.criteria.push_back(*criterion);
      } else {
        problem("criteria", "unknown criterion " + Quote(c) +
                                " (equality, universality, political_pluralism, confidence, "
                                "transparency, accountability)");
      }
    }
    q.figure = Get(t, row, "figure");
    q.contestant = Get(t, row, "contestant");
    if (!q.figure.empty()) {
      const bool known =
          q.figure == "votes" ||
          std::any_of(std::begin(core::kStationFigures), std::end(core::kStationFigures),
                      [&](const core::StationFigure& sf) { return q.figure == sf.name; });
      if (!known) {
        problem("figure", "unknown protocol figure " + Quote(q.figure));
      } else if (q.type != QuestionType::kInteger) {
        problem("figure", "only integer questions copy protocol figures");
      } else if (in_repeat_) {
        problem("figure", "a protocol figure is copied once per station, not inside a repeat");
      } else if (!figures_.insert(q.figure + ":" + q.contestant).second) {
        problem("figure", "another question already copies this figure");
      }
    }
    q.sms = Get(t, row, "sms");
    if (!q.sms.empty()) {
      if (!core::IsSmsTag(q.sms)) {
        problem("sms", "SMS tag " + Quote(q.sms) +
                           " is not 1 to 3 capital letters other than I, L "
                           "and O");
      } else if (q.type == QuestionType::kText || q.type == QuestionType::kDecimal ||
                 q.type == QuestionType::kNote || q.type == QuestionType::kCalculate ||
                 q.type == QuestionType::kGroup || q.type == QuestionType::kRepeat) {
        problem("sms", std::string("a ") + std::string(core::QuestionTypeName(q.type)) +
                           " row cannot be answered by SMS");
      } else if (in_container_) {
        problem("sms", "a question inside a group or repeat cannot be answered by SMS");
      } else if (auto [it, inserted] = sms_tags_.emplace(q.sms, row.number); !inserted) {
        problem("sms", "SMS tag " + Quote(q.sms) + " is already used at row " +
                           std::to_string(it->second));
      }
    }
    if (!q.figure.empty() && (q.figure == "votes") != !q.contestant.empty()) {
      problem("contestant", "a contestant is named exactly when the figure is \"votes\"");
    } else if (q.figure.empty() && !q.contestant.empty()) {
      problem("contestant", "a contestant is named only with figure \"votes\"");
    }
    return ok;
  }

  // ". >= 0 and . <= 5000" on a number question becomes min and max, and
  // "string-length(.) <= 200" on a text question becomes max, so that the
  // server checks them too; any other constraint stays an expression.
  static void SimplifyConstraint(Question& q) {
    if (q.constraint.empty()) return;
    const bool numeric = q.type == QuestionType::kInteger || q.type == QuestionType::kDecimal;
    if (!numeric && q.type != QuestionType::kText) return;
    std::optional<double> min, max;
    std::string rest = q.constraint;
    std::vector<std::string> terms;
    for (std::size_t at = 0;;) {
      const std::size_t and_at = rest.find(" and ", at);
      terms.push_back(Trim(std::string_view(rest).substr(
          at, and_at == std::string::npos ? std::string::npos : and_at - at)));
      if (and_at == std::string::npos) break;
      at = and_at + 5;
    }
    for (const std::string& term : terms) {
      const std::vector<std::string> w = Words(term);
      std::string subject, op, value;
      if (w.size() == 3) {
        subject = w[0], op = w[1], value = w[2];
      } else if (w.size() == 1) {  // ".<=5"
        const std::size_t o = term.find_first_of("<>");
        if (o == std::string::npos || o + 1 >= term.size() || term[o + 1] != '=') return;
        subject = term.substr(0, o), op = term.substr(o, 2), value = term.substr(o + 2);
      } else {
        return;
      }
      const std::string want = numeric ? "." : "string-length(.)";
      auto n = Number(value);
      if (subject != want || !n) return;
      if (op == ">=" && !min && numeric) {
        min = n;
      } else if (op == "<=" && !max) {
        max = n;
      } else {
        return;
      }
    }
    if (min && max && *min > *max) return;
    q.min = min;
    q.max = max;
    q.constraint.clear();
  }

  struct List {
    int row = 0;
    std::vector<core::Option> options;
  };

  std::vector<XlsFormProblem>& problems_;
  std::vector<XlsxSheet> sheets_;
  std::map<std::string, List> lists_;
  std::set<std::string> figures_;
  bool in_repeat_ = false;               // the row being read is inside a repeat
  bool in_container_ = false;            // ... inside a group or repeat
  std::map<std::string, int> sms_tags_;  // tag -> row
  std::pair<int, int> sms_comment_cell_{0, -1};
  core::Form form_;
};

}  // namespace

std::string XlsFormProblem::ToString() const {
  std::string where = sheet;
  if (row > 0) {
    where += "!" + (column >= 0 ? XlsxColumnName(column) : std::string()) + std::to_string(row);
  }
  return where.empty() ? problem : where + ": " + problem;
}

Result<core::Form> ReadXlsForm(std::string_view bytes, std::vector<XlsFormProblem>* problems) {
  std::vector<XlsFormProblem> local;
  std::vector<XlsFormProblem>& out = problems != nullptr ? *problems : local;
  out.clear();
  return Reader(out).Read(bytes);
}

ImpliedList ImpliedListOf(QuestionType type) {
  const auto option = [](const char* value, const char* en, const char* ru) {
    return core::Option{value, {{"en", en}, {"ru", ru}}};
  };
  switch (type) {
    case QuestionType::kYesNo:
      return {"yes_no", {option("yes", "Yes", "Да"), option("no", "No", "Нет")}};
    case QuestionType::kYesNoNa:
      return {"yes_no_na",
              {option("yes", "Yes", "Да"), option("no", "No", "Нет"),
               option("na", "Not applicable", "Неприменимо")}};
    case QuestionType::kAssessment:
      return {"assessment",
              {option("very_good", "Very good", "Очень хорошо"), option("good", "Good", "Хорошо"),
               option("bad", "Bad", "Плохо"), option("very_bad", "Very bad", "Очень плохо")}};
    default:
      return {};
  }
}

}  // namespace vigil::ingest
