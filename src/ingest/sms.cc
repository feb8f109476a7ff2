#include "ingest/sms.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <limits>

namespace vigil::ingest {

namespace json = boost::json;

namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

// 0 for the empty string; distinct for every string of up to 3 letters.
int Key(std::string_view letters) {
  int key = 0;
  for (char c : letters) key = key * 27 + (c - 'A' + 1);
  return key;
}

// Cyrillic capitals and small letters that look like Latin capitals, as
// UTF-8 (two bytes), and the Latin letter they are read as.
struct Lookalike {
  unsigned char lead, trail;
  char latin;
};
constexpr Lookalike kLookalikes[] = {
    {0xD0, 0x90, 'A'}, {0xD0, 0x92, 'B'}, {0xD0, 0x95, 'E'}, {0xD0, 0x9A, 'K'}, {0xD0, 0x9C, 'M'},
    {0xD0, 0x9D, 'H'}, {0xD0, 0x9E, 'O'}, {0xD0, 0xA0, 'P'}, {0xD0, 0xA1, 'C'}, {0xD0, 0xA2, 'T'},
    {0xD0, 0xA3, 'Y'}, {0xD0, 0xA5, 'X'}, {0xD0, 0xB0, 'A'}, {0xD0, 0xB2, 'B'}, {0xD0, 0xB5, 'E'},
    {0xD0, 0xBA, 'K'}, {0xD0, 0xBC, 'M'}, {0xD0, 0xBD, 'H'}, {0xD0, 0xBE, 'O'}, {0xD1, 0x80, 'P'},
    {0xD1, 0x81, 'C'}, {0xD1, 0x82, 'T'}, {0xD1, 0x83, 'Y'}, {0xD1, 0x85, 'X'},
};

char Lookalike(unsigned char lead, unsigned char trail) {
  for (const auto& l : kLookalikes) {
    if (l.lead == lead && l.trail == trail) return l.latin;
  }
  return 0;
}

// The length of the UTF-8 sequence that starts with `lead` (1 for a stray
// byte), bounded by what is left.
std::size_t SequenceLength(unsigned char lead, std::size_t left) {
  std::size_t n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  return std::min(n, left);
}

std::string_view Trim(std::string_view s) {
  const auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// What a problem's argument may hold: long runs are cut, so that a
// malformed message cannot make the reply or the log long.
std::string Cut(std::string_view s) {
  constexpr std::size_t kMax = 12;
  if (s.size() <= kMax) return std::string(s);
  return std::string(s.substr(0, kMax)) + "...";
}

void Add(SmsReport& out, SmsProblemCode code, std::string_view tag = {},
         std::string_view value = {}) {
  out.problems.push_back({code, Cut(tag), Cut(value)});
}

// Letters upper-cased, lookalikes read as Latin, digits, "!" and "#" kept; the
// rest dropped, reporting what is neither space nor ASCII punctuation.
void Normalise(std::string_view data, SmsReport& out) {
  std::string& n = out.normalized_;
  for (std::size_t i = 0; i < data.size();) {
    const auto c = static_cast<unsigned char>(data[i]);
    if (c < 0x80) {
      if (IsDigit(static_cast<char>(c)) || IsUpper(static_cast<char>(c)) || c == '!' || c == '#') {
        n.push_back(static_cast<char>(c));
      } else if (c >= 'a' && c <= 'z') {
        n.push_back(static_cast<char>(c - 'a' + 'A'));
      }
      ++i;
      continue;
    }
    const std::size_t len = SequenceLength(c, data.size() - i);
    if (len == 2) {
      if (char latin = Lookalike(c, static_cast<unsigned char>(data[i + 1]))) {
        n.push_back(latin);
        i += 2;
        continue;
      }
    }
    Add(out, SmsProblemCode::kBadCharacter, {}, data.substr(i, len));
    i += len;
  }
}

// Splits a run of letters into known tags, preferring longer tags first;
// false if it does not split. `tags` receives the question indices.
bool SplitTags(std::string_view run, const SmsCodebook& book, int form,
               std::array<int, 64>& questions, int& count) {
  if (run.size() > questions.size()) return false;
  // next[i]: the length of the tag that starts a split of run[i..], or 0.
  std::array<std::uint8_t, 65> next{};
  std::array<bool, 65> splits{};
  splits[run.size()] = true;
  for (std::size_t i = run.size(); i-- > 0;) {
    for (std::size_t len = std::min<std::size_t>(3, run.size() - i); len >= 1; --len) {
      if (splits[i + len] && book.FindTag(form, run.substr(i, len)) >= 0) {
        splits[i] = true;
        next[i] = static_cast<std::uint8_t>(len);
        break;
      }
    }
  }
  if (!splits[0]) return false;
  count = 0;
  for (std::size_t i = 0; i < run.size(); i += next[i]) {
    questions[count++] = book.FindTag(form, run.substr(i, next[i]));
  }
  return true;
}

// `digits` without leading zeros ("0" for zero) into `out`.
void AssignNumber(std::string_view digits, std::string& out) {
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  out.assign(digits);
}

// The number in `digits`, or -1 if it has more than 15 digits.
std::int64_t Number(std::string_view digits) {
  if (digits.size() > 15) return -1;
  std::int64_t v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

// Reads one tag's value (empty for a bare tag) into an answer; false with a
// problem added if it is not an answer to the question.
bool ReadValue(const core::Question& q, std::string_view tag, std::string_view digits,
               SmsReport& out, std::int64_t& value) {
  using core::QuestionType;
  const auto choice = [&](std::size_t choices) {
    const std::int64_t v = digits.empty() ? 1 : Number(digits);
    if (v < 1 || v > static_cast<std::int64_t>(choices)) {
      Add(out, SmsProblemCode::kOutOfRange, tag, digits);
      return false;
    }
    value = v - 1;
    return true;
  };
  switch (q.type) {
    case QuestionType::kYesNo:
      return choice(2);
    case QuestionType::kYesNoNa:
      return choice(3);
    case QuestionType::kAssessment:
      return choice(4);
    case QuestionType::kSelectOne:
      return choice(q.options.size());
    case QuestionType::kSelectMultiple: {
      if (digits.empty()) digits = "1";
      value = 0;
      for (char c : digits) {
        const int option = c - '1';
        if (option < 0 || option >= static_cast<int>(q.options.size())) {
          Add(out, SmsProblemCode::kOutOfRange, tag, digits);
          return false;
        }
        if (value & (std::int64_t{1} << option)) {
          Add(out, SmsProblemCode::kRepeatedOption, tag, digits);
          return false;
        }
        value |= std::int64_t{1} << option;
      }
      return true;
    }
    case QuestionType::kInteger: {
      const std::int64_t v = digits.empty() ? 1 : Number(digits);
      if (v < 0 || (q.min && static_cast<double>(v) < *q.min) ||
          (q.max && static_cast<double>(v) > *q.max)) {
        Add(out, SmsProblemCode::kOutOfRange, tag, digits.empty() ? "1" : digits);
        return false;
      }
      value = v;
      return true;
    }
    case QuestionType::kTime: {
      if (digits.empty()) {
        Add(out, SmsProblemCode::kMissingValue, tag);
        return false;
      }
      const std::int64_t v = digits.size() == 3 || digits.size() == 4 ? Number(digits) : -1;
      if (v < 0 || v / 100 > 23 || v % 100 > 59) {
        Add(out, SmsProblemCode::kBadTime, tag, digits);
        return false;
      }
      value = v / 100 * 60 + v % 100;
      return true;
    }
    default:  // text and decimal carry no tag (FormFromJson)
      Add(out, SmsProblemCode::kUnknownQuestion, tag);
      return false;
  }
}

// Reads one tag and its digits into the report.
void ReadAnswer(const SmsCodebook& book, int form, int question, std::string_view digits,
                SmsReport& out) {
  const core::Question& q = book.forms()[form].questions[question];
  for (const SmsAnswer& a : out.answers) {
    if (a.question == question) {
      Add(out, SmsProblemCode::kRepeatedQuestion, q.sms);
      return;
    }
  }
  std::int64_t value = 0;
  if (ReadValue(q, q.sms, digits, out, value)) out.answers.push_back({question, value});
}

std::string_view Span(const std::string& s, std::size_t from, std::size_t to) {
  return std::string_view(s).substr(from, to - from);
}

}  // namespace

Result<SmsCodebook> SmsCodebook::Build(std::vector<core::Form> forms) {
  SmsCodebook book;
  std::erase_if(forms, [](const core::Form& f) { return f.sms_prefix.empty(); });
  if (forms.size() > static_cast<std::size_t>(std::numeric_limits<std::int16_t>::max())) {
    return Fail(Status::InvalidArgument("too many forms for SMS"));
  }
  book.prefix_.assign(kKeys, -1);
  book.tags_.assign(forms.size() * kKeys, -1);
  for (std::size_t f = 0; f < forms.size(); ++f) {
    const core::Form& form = forms[f];
    if (!core::IsSmsPrefix(form.sms_prefix)) {
      return Fail(Status::InvalidArgument("form " + form.code + ": bad SMS prefix '" +
                                          form.sms_prefix + "'"));
    }
    std::int16_t& slot = book.prefix_[Key(form.sms_prefix)];
    if (slot >= 0) {
      return Fail(Status::InvalidArgument("forms " + forms[slot].code + " and " + form.code +
                                          " share the SMS prefix '" + form.sms_prefix + "'"));
    }
    slot = static_cast<std::int16_t>(f);
    for (std::size_t q = 0; q < form.questions.size(); ++q) {
      const std::string& tag = form.questions[q].sms;
      if (tag.empty()) continue;
      if (!core::IsSmsTag(tag)) {
        return Fail(Status::InvalidArgument("form " + form.code + ": bad SMS tag '" + tag + "'"));
      }
      std::int32_t& t = book.tags_[f * kKeys + Key(tag)];
      if (t >= 0) {
        return Fail(
            Status::InvalidArgument("form " + form.code + ": duplicate SMS tag '" + tag + "'"));
      }
      t = static_cast<std::int32_t>(q);
    }
  }
  book.forms_ = std::move(forms);
  return book;
}

Result<SmsCodebook> SmsCodebook::Build(const core::MissionIndex& mission) {
  std::vector<core::Form> current;
  for (const core::Form& form : mission.forms()) {
    const bool seen = std::any_of(current.begin(), current.end(),
                                  [&](const core::Form& f) { return f.code == form.code; });
    if (!seen) current.push_back(*mission.FindForm(form.code));
  }
  return Build(std::move(current));
}

int SmsCodebook::FindForm(std::string_view prefix) const {
  if (prefix.empty() || prefix.size() > 3 || !std::all_of(prefix.begin(), prefix.end(), IsUpper))
    return -1;
  return prefix_[Key(prefix)];
}

int SmsCodebook::FindTag(int form, std::string_view tag) const {
  if (form < 0 || static_cast<std::size_t>(form) >= forms_.size() || tag.empty() ||
      tag.size() > 3 || !std::all_of(tag.begin(), tag.end(), IsUpper))
    return -1;
  return tags_[static_cast<std::size_t>(form) * kKeys + Key(tag)];
}

std::string_view SmsProblemName(SmsProblemCode code) {
  switch (code) {
    case SmsProblemCode::kEmpty:
      return "empty";
    case SmsProblemCode::kNoForm:
      return "no_form";
    case SmsProblemCode::kUnknownForm:
      return "unknown_form";
    case SmsProblemCode::kMissingObserver:
      return "missing_observer";
    case SmsProblemCode::kUnknownQuestion:
      return "unknown_question";
    case SmsProblemCode::kRepeatedQuestion:
      return "repeated_question";
    case SmsProblemCode::kOutOfRange:
      return "out_of_range";
    case SmsProblemCode::kRepeatedOption:
      return "repeated_option";
    case SmsProblemCode::kBadTime:
      return "bad_time";
    case SmsProblemCode::kMissingValue:
      return "missing_value";
    case SmsProblemCode::kStrayValue:
      return "stray_value";
    case SmsProblemCode::kBadCharacter:
      return "bad_character";
    case SmsProblemCode::kMissingStation:
      return "missing_station";
    case SmsProblemCode::kRepeatedStation:
      return "repeated_station";
    case SmsProblemCode::kUnknownObserver:
      return "unknown_observer";
    case SmsProblemCode::kWrongPin:
      return "wrong_pin";
    case SmsProblemCode::kUnknownStation:
      return "unknown_station";
    case SmsProblemCode::kStationNeeded:
      return "station_needed";
  }
  return "";
}

void ParseSms(std::string_view text, const SmsCodebook& book, SmsReport& out) {
  out.form = -1;
  out.pin.clear();
  out.observer_id.clear();
  out.station.clear();
  out.incident = false;
  out.answers.clear();
  out.comment.clear();
  out.problems.clear();
  out.normalized_.clear();

  const std::size_t at = text.find('@');
  if (at != std::string_view::npos) out.comment = Trim(text.substr(at + 1));
  Normalise(text.substr(0, at), out);
  const std::string& n = out.normalized_;
  if (n.empty() && out.comment.empty() && out.problems.empty()) {
    Add(out, SmsProblemCode::kEmpty);
    return;
  }

  // PIN (and a "!" typed early), then the letters of the prefix.
  std::size_t i = 0;
  for (; i < n.size() && !IsUpper(n[i]); ++i) {
    if (n[i] == '!') {
      out.incident = true;
    } else if (n[i] == '#') {
      Add(out, SmsProblemCode::kStrayValue, {}, "#");
    } else {
      out.pin.push_back(n[i]);
    }
  }
  std::size_t run_end = i;
  while (run_end < n.size() && IsUpper(n[run_end])) ++run_end;
  if (run_end == i) {
    Add(out, SmsProblemCode::kNoForm);
    return;
  }
  for (std::size_t len = std::min<std::size_t>(3, run_end - i); len >= 1 && out.form < 0; --len) {
    out.form = book.FindForm(Span(n, i, i + len));
    if (out.form >= 0) i += len;
  }
  if (out.form < 0) {
    Add(out, SmsProblemCode::kUnknownForm, {}, Span(n, i, run_end));
    return;
  }

  // The data part: O is 0, I and L are 1.
  std::string& data = out.normalized_;
  for (std::size_t k = i; k < data.size(); ++k) {
    if (data[k] == 'O') data[k] = '0';
    if (data[k] == 'I' || data[k] == 'L') data[k] = '1';
  }
  for (; i < data.size() && data[i] == '!'; ++i) out.incident = true;
  std::size_t digits_end = i;
  while (digits_end < data.size() && IsDigit(data[digits_end])) ++digits_end;
  if (digits_end == i) {
    Add(out, SmsProblemCode::kMissingObserver);
  } else {
    AssignNumber(Span(data, i, digits_end), out.observer_id);
  }
  i = digits_end;

  std::array<int, 64> questions;
  while (i < data.size()) {
    if (data[i] == '!') {
      out.incident = true;
      ++i;
      continue;
    }
    if (data[i] == '#') {
      std::size_t end = ++i;
      while (end < data.size() && IsDigit(data[end])) ++end;
      const std::string_view digits = Span(data, i, end);
      i = end;
      if (digits.empty()) {
        Add(out, SmsProblemCode::kMissingStation);
      } else if (!out.station.empty()) {
        Add(out, SmsProblemCode::kRepeatedStation, {}, digits);
      } else {
        AssignNumber(digits, out.station);
      }
      continue;
    }
    std::size_t end = i;
    while (end < data.size() && IsUpper(data[end])) ++end;
    const std::string_view run = Span(data, i, end);
    std::size_t value_end = end;
    while (value_end < data.size() && IsDigit(data[value_end])) ++value_end;
    const std::string_view digits = Span(data, end, value_end);
    i = value_end;
    if (run.empty()) {
      Add(out, SmsProblemCode::kStrayValue, {}, digits);
      continue;
    }
    const int whole = book.FindTag(out.form, run);
    int count = 0;
    if (whole >= 0) {
      questions[0] = whole;
      count = 1;
    } else if (!SplitTags(run, book, out.form, questions, count)) {
      Add(out, SmsProblemCode::kUnknownQuestion, run);
      continue;
    }
    // All but the last tag of a run are bare.
    for (int k = 0; k < count; ++k) {
      ReadAnswer(book, out.form, questions[k], k + 1 == count ? digits : std::string_view{}, out);
    }
  }
}

SmsReport ParseSms(std::string_view text, const SmsCodebook& codebook) {
  SmsReport report;
  ParseSms(text, codebook, report);
  return report;
}

json::object SmsAnswersJson(const SmsReport& report, const SmsCodebook& book) {
  json::object answers;
  const core::Form& form = book.forms().at(static_cast<std::size_t>(report.form));
  for (const SmsAnswer& a : report.answers) {
    const core::Question& q = form.questions[a.question];
    switch (q.type) {
      case core::QuestionType::kInteger:
        answers[q.code] = a.value;
        break;
      case core::QuestionType::kTime: {
        char hhmm[6] = {static_cast<char>('0' + a.value / 600),
                        static_cast<char>('0' + a.value / 60 % 10),
                        ':',
                        static_cast<char>('0' + a.value % 60 / 10),
                        static_cast<char>('0' + a.value % 10),
                        0};
        answers[q.code] = hhmm;
        break;
      }
      case core::QuestionType::kSelectMultiple: {
        json::array chosen;
        for (std::size_t o = 0; o < q.options.size(); ++o) {
          if (a.value & (std::int64_t{1} << o)) chosen.emplace_back(q.options[o].value);
        }
        answers[q.code] = std::move(chosen);
        break;
      }
      default:
        answers[q.code] = core::Form::AllowedValues(q).at(static_cast<std::size_t>(a.value));
    }
  }
  if (!report.comment.empty() && !form.sms_comment.empty()) {
    answers[form.sms_comment] = report.comment;
  }
  return answers;
}

namespace {

constexpr int kProblemCodes = static_cast<int>(SmsProblemCode::kLastCode) + 1;

struct ReplyTexts {
  const char* problem[kProblemCodes];  // by SmsProblemCode; {tag} and {value} are replaced
  const char* received;                // {form} {observer} {answers}
  const char* at_station;              // {station}: after {observer} when the SMS named one
  const char* incident;
  const char* rejected;  // opens the list of problems
  const char* resend;
  const char* more;   // {count} problems not listed
  std::size_t limit;  // characters in two SMS segments (GSM-7 or UCS-2)
};

constexpr ReplyTexts kEnglish = {
    {"empty message", "no form code", "unknown form code {value}", "observer number missing",
     "unknown question code {tag}", "question {tag} given twice",
     "value {value} out of range for {tag}", "option repeated in {tag}{value}",
     "bad time {value} for {tag} (use HHMM)", "no value for {tag}",
     "value {value} without a question code", "unexpected character {value}",
     "station number missing after #", "station given twice (#{value})",
     "unknown observer number {value}", "wrong PIN", "station #{value} is not one of yours",
     "you observe {value} stations: add # and the station number after your observer number"},
    "Received {form} from {observer}{station}, answers: {answers}",
    " at station #{station}",
    ", incident noted",
    "Not accepted: ",
    ". Please correct and resend.",
    "; and {count} more",
    306,
};

constexpr ReplyTexts kRussian = {
    {"пустое сообщение", "нет кода формы", "неизвестный код формы {value}",
     "нет номера наблюдателя", "неизвестный код вопроса {tag}", "вопрос {tag} дважды",
     "значение {value} вне диапазона для {tag}", "повтор варианта в {tag}{value}",
     "неверное время {value} для {tag} (ЧЧММ)", "нет значения для {tag}",
     "значение {value} без кода вопроса", "недопустимый символ {value}",
     "нет номера участка после #", "участок указан дважды (#{value})",
     "неизвестный номер наблюдателя {value}", "неверный PIN", "участок #{value} не ваш",
     "за вами {value} участков: добавьте # и номер участка после номера наблюдателя"},
    "Принято: {form}, наблюдатель {observer}{station}, ответов: {answers}",
    ", участок #{station}",
    ", инцидент отмечен",
    "Не принято: ",
    ". Исправьте и отправьте снова.",
    "; и ещё {count}",
    134,
};

std::string Fill(std::string text, std::string_view name, std::string_view value) {
  const std::string key = "{" + std::string(name) + "}";
  for (std::size_t at = text.find(key); at != std::string::npos;
       at = text.find(key, at + value.size())) {
    text.replace(at, key.size(), value);
  }
  return text;
}

std::size_t Characters(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::string SmsReply(const SmsReport& report, const SmsCodebook& book, std::string_view language) {
  const ReplyTexts& t = language == "ru" ? kRussian : kEnglish;
  std::string form;
  if (report.form >= 0) form = book.forms().at(static_cast<std::size_t>(report.form)).sms_prefix;
  if (report.ok()) {
    std::string reply = Fill(t.received, "form", form);
    reply = Fill(std::move(reply), "observer", report.observer_id);
    reply = Fill(std::move(reply), "station",
                 report.station.empty() ? "" : Fill(t.at_station, "station", report.station));
    reply = Fill(std::move(reply), "answers", std::to_string(report.answers.size()));
    if (report.incident) reply += t.incident;
    return reply + ".";
  }
  std::string reply = t.rejected;
  const std::size_t closing = Characters(t.resend);
  for (std::size_t k = 0; k < report.problems.size(); ++k) {
    const SmsProblem& p = report.problems[k];
    std::string item = Fill(t.problem[static_cast<int>(p.code)], "tag", p.tag);
    item = Fill(std::move(item), "value", p.value);
    // Room for this problem, the closing words, and "and N more" if more follow.
    const std::size_t after = report.problems.size() - k - 1;
    const std::size_t more =
        after > 0 ? Characters(Fill(t.more, "count", std::to_string(after))) : 0;
    if (k > 0 && Characters(reply) + 2 + Characters(item) + more + closing > t.limit) {
      reply += Fill(t.more, "count", std::to_string(after + 1));
      break;
    }
    if (k > 0) reply += "; ";
    reply += item;
  }
  return reply + t.resend;
}

std::string SmsNumber(std::string_view code) {
  std::string digits;
  for (char c : code) {
    if (!IsDigit(c)) continue;
    if (digits == "0") digits.clear();
    digits.push_back(c);
  }
  return digits;
}

}  // namespace vigil::ingest
