#include "report/submission_export.h"

#include <boost/json.hpp>
#include <cstdio>
#include <set>

#include "report/csv.h"

namespace vigil::report {

namespace json = boost::json;

namespace {

std::string AnswerText(const json::value& v, bool* is_number) {
  *is_number = v.is_number();
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_null()) return {};
  if (v.is_double()) {
    // Plain decimal notation ("0.5", not Boost.JSON's "5E-1").
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v.get_double());
    return buf;
  }
  if (v.is_array()) {
    std::string out;
    for (const json::value& item : v.get_array()) {
      if (!out.empty()) out.push_back(' ');
      out += item.is_string() ? std::string(item.get_string()) : json::serialize(item);
    }
    return out;
  }
  return json::serialize(v);
}

class CsvWriter final : public SubmissionWriter {
 public:
  CsvWriter(std::ostream& out, const std::vector<core::Form>& forms) : out_(out) {
    std::set<std::string> seen;
    for (const core::Form& f : forms) {
      for (const core::Question* q : core::AnswerFields(f.questions)) {
        if (q->type == core::QuestionType::kNote) continue;
        if (seen.insert(q->code).second) questions_.push_back(q->code);
      }
    }
    out_ << "instance_id,form,form_version,station,observer,started_at,submitted_at,received_at,"
            "replaces,current";
    for (const std::string& q : questions_) {
      out_ << ',';
      WriteCsvField(out_, q);
    }
    out_ << "\r\n";
  }

  void Write(const ExportRow& row) override {
    const core::Submission& s = row.submission;
    const auto time = [](const std::optional<Timestamp>& t) {
      return t ? FormatRfc3339(*t) : std::string();
    };
    for (std::string_view field :
         {std::string_view(s.instance_id), std::string_view(s.form_code),
          std::string_view(s.form_version), std::string_view(s.station_code),
          std::string_view(s.observer_code)}) {
      WriteCsvField(out_, field);
      out_ << ',';
    }
    out_ << time(s.started_at) << ',' << time(s.submitted_at) << ','
         << FormatRfc3339(row.received_at) << ',';
    WriteCsvField(out_, s.replaces);
    out_ << ',' << (row.current ? "true" : "false");
    for (const std::string& q : questions_) {
      out_ << ',';
      if (const json::value* v = s.answers.if_contains(q)) {
        bool is_number = false;
        const std::string text = AnswerText(*v, &is_number);
        WriteCsvField(out_, text, is_number);
      }
    }
    out_ << "\r\n";
  }

  void Finish() override { out_.flush(); }

 private:
  std::ostream& out_;
  std::vector<std::string> questions_;
};

class JsonlWriter final : public SubmissionWriter {
 public:
  explicit JsonlWriter(std::ostream& out) : out_(out) {}
  void Write(const ExportRow& row) override {
    // The canonical encoding plus what the store knows about the version.
    json::value v = json::parse(row.canonical_json);
    v.as_object()["received_at"] = FormatRfc3339(row.received_at);
    v.as_object()["current"] = row.current;
    out_ << json::serialize(v) << '\n';
  }
  void Finish() override { out_.flush(); }

 private:
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<SubmissionWriter> MakeSubmissionWriter(ExportFormat format, std::ostream& out,
                                                       const std::vector<core::Form>& forms) {
  if (format == ExportFormat::kCsv) return std::make_unique<CsvWriter>(out, forms);
  return std::make_unique<JsonlWriter>(out);
}

Timestamp ToHour(Timestamp t) { return std::chrono::floor<std::chrono::hours>(t); }

namespace {

// The answers without free text, which may name people; inside repeats too.
json::object AnonymousAnswers(const json::object& answers, const core::Form* form) {
  json::object out;
  for (const auto& [code, answer] : answers) {
    const core::Question* q = form ? form->FindQuestion(code) : nullptr;
    if (q == nullptr || q->type == core::QuestionType::kText) continue;
    if (q->type == core::QuestionType::kRepeat && answer.is_array()) {
      json::array items;
      for (const json::value& item : answer.get_array()) {
        if (item.is_object()) items.push_back(AnonymousAnswers(item.get_object(), form));
      }
      out[code] = std::move(items);
    } else {
      out[code] = answer;
    }
  }
  return out;
}

}  // namespace

core::Submission Anonymize(const core::Submission& s, const core::Form* form, std::int64_t n) {
  core::Submission a;
  a.instance_id = "anon:" + std::to_string(n);
  a.form_code = s.form_code;
  a.form_version = s.form_version;
  a.station_code = s.station_code;
  if (s.started_at) a.started_at = ToHour(*s.started_at);
  if (s.submitted_at) a.submitted_at = ToHour(*s.submitted_at);
  a.answers = AnonymousAnswers(s.answers, form);
  return a;
}

}  // namespace vigil::report
