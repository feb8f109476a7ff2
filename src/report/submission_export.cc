#include "report/submission_export.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <unordered_map>

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

// Every question code of `forms` that has an answer column, in form order,
// each once.
std::vector<std::string> QuestionColumns(const std::vector<core::Form>& forms) {
  std::vector<std::string> columns;
  std::set<std::string> seen;
  for (const core::Form& f : forms) {
    for (const core::Question* q : core::AnswerFields(f.questions)) {
      if (q->type == core::QuestionType::kNote) continue;
      if (seen.insert(q->code).second) columns.push_back(q->code);
    }
  }
  return columns;
}

constexpr const char* kFixedColumns[] = {"instance_id", "form",       "form_version", "station",
                                         "observer",    "started_at", "submitted_at", "received_at",
                                         "replaces",    "current"};

Status StreamError() {
  return Status::Unavailable("cannot write the export (disk full or pipe closed?)");
}

// Rows are appended to a buffer that goes to the stream in large writes: a
// million rows must not cost a stream call per field.
class BufferedWriter : public SubmissionWriter {
 public:
  explicit BufferedWriter(std::ostream& out) : out_(out) {}

  Status Finish() override {
    VIGIL_RETURN_IF_ERROR(Flush());
    out_.flush();
    return out_ ? Status::Ok() : StreamError();
  }

 protected:
  Status EndRow() { return buffer_.size() >= kFlushBytes ? Flush() : Status::Ok(); }

  std::string buffer_;

 private:
  static constexpr std::size_t kFlushBytes = 256 << 10;

  Status Flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
    return out_ ? Status::Ok() : StreamError();
  }

  std::ostream& out_;
};

class CsvWriter final : public BufferedWriter {
 public:
  CsvWriter(std::ostream& out, const std::vector<core::Form>& forms)
      : BufferedWriter(out), questions_(QuestionColumns(forms)), answers_(questions_.size()) {
    for (std::size_t i = 0; i < questions_.size(); ++i) column_of_.emplace(questions_[i], i);
    buffer_ =
        "instance_id,form,form_version,station,observer,started_at,submitted_at,received_at,"
        "replaces,current";
    for (const std::string& q : questions_) {
      buffer_ += ',';
      AppendCsvField(buffer_, q);
    }
    buffer_ += "\r\n";
  }

  Status Write(const ExportRow& row) override {
    const core::Submission& s = row.submission;
    for (std::string_view field :
         {std::string_view(s.instance_id), std::string_view(s.form_code),
          std::string_view(s.form_version), std::string_view(s.station_code),
          std::string_view(s.observer_code)}) {
      AppendCsvField(buffer_, field);
      buffer_ += ',';
    }
    for (const std::optional<Timestamp>& t : {s.started_at, s.submitted_at}) {
      if (t) buffer_ += FormatRfc3339(*t);
      buffer_ += ',';
    }
    buffer_ += FormatRfc3339(row.received_at);
    buffer_ += ',';
    AppendCsvField(buffer_, s.replaces);
    buffer_ += row.current ? ",true" : ",false";
    // The answers into their columns: a pass over the (few) answers given
    // rather than a lookup per column of every form.
    std::fill(answers_.begin(), answers_.end(), nullptr);
    for (const auto& [code, value] : s.answers) {
      const auto it = column_of_.find(std::string_view(code));
      if (it != column_of_.end()) answers_[it->second] = &value;
    }
    for (const json::value* v : answers_) {
      buffer_ += ',';
      if (v != nullptr) AppendAnswer(*v);
    }
    buffer_ += "\r\n";
    return EndRow();
  }

 private:
  // As AnswerText, without a string per answer for the common kinds.
  void AppendAnswer(const json::value& v) {
    if (v.is_string()) {
      AppendCsvField(buffer_, v.get_string());
    } else if (v.is_int64() || v.is_uint64()) {
      char digits[24];
      const auto [end, ec] = v.is_int64()
                                 ? std::to_chars(digits, digits + sizeof digits, v.get_int64())
                                 : std::to_chars(digits, digits + sizeof digits, v.get_uint64());
      buffer_.append(digits, end);
    } else if (!v.is_null()) {
      bool is_number = false;
      const std::string text = AnswerText(v, &is_number);
      AppendCsvField(buffer_, text, is_number);
    }
  }

  std::vector<std::string> questions_;
  std::unordered_map<std::string_view, std::size_t> column_of_;  // views into questions_
  std::vector<const json::value*> answers_;                      // of the row, by column
};

class JsonlWriter final : public BufferedWriter {
 public:
  explicit JsonlWriter(std::ostream& out) : BufferedWriter(out) {}
  // The canonical encoding plus what the store knows about the version,
  // spliced in before its closing brace rather than parsed and printed
  // again (CanonicalJson has neither key).
  Status Write(const ExportRow& row) override {
    const std::string_view canonical = row.canonical_json;
    if (canonical.size() >= 2 && canonical.front() == '{' && canonical.back() == '}') {
      buffer_.append(canonical.substr(0, canonical.size() - 1));
      if (canonical.size() > 2) buffer_ += ',';
      buffer_ += R"("received_at":")";
      buffer_ += FormatRfc3339(row.received_at);
      buffer_ += row.current ? R"(","current":true})"
                               "\n"
                             : R"(","current":false})"
                               "\n";
    } else {
      json::value v = json::parse(row.canonical_json);
      v.as_object()["received_at"] = FormatRfc3339(row.received_at);
      v.as_object()["current"] = row.current;
      buffer_ += json::serialize(v);
      buffer_ += '\n';
    }
    return EndRow();
  }
};

// `text` cut to Excel's limit on a UTF-8 character boundary, marked as cut.
std::string_view FitCell(std::string_view text, std::string* scratch) {
  // Counting UTF-8 lead bytes counts characters (libxlsxwriter counts so).
  std::size_t chars = 0;
  for (char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (chars <= kXlsxMaxCellChars) return text;
  constexpr std::string_view kCut = " [cut]";
  std::size_t keep = kXlsxMaxCellChars - kCut.size(), end = 0;
  for (; end < text.size(); ++end) {
    if ((static_cast<unsigned char>(text[end]) & 0xC0) != 0x80 && keep-- == 0) break;
  }
  scratch->assign(text.substr(0, end));
  scratch->append(kCut);
  return *scratch;
}

class XlsxWriter final : public SubmissionWriter {
 public:
  XlsxWriter(std::ostream& out, const std::vector<core::Form>& forms,
             const std::filesystem::path& scratch_dir, std::int64_t rows_per_sheet)
      : out_(out), questions_(QuestionColumns(forms)), rows_per_sheet_(rows_per_sheet) {
    std::error_code ec;
    const std::filesystem::path dir =
        scratch_dir.empty() ? std::filesystem::temp_directory_path(ec) : scratch_dir;
    if (ec || !std::filesystem::is_directory(dir, ec)) {
      status_ = Status::Unavailable("xlsx export: " + dir.string() +
                                    " is not a directory to build the workbook in");
      return;
    }
    // A directory only this process's user may enter: the workbook holds
    // the submissions in full, and libxlsxwriter creates its files with the
    // umask's permissions.
    std::string dir_template = (dir / "vigil-export-XXXXXX").string();
    if (::mkdtemp(dir_template.data()) == nullptr) {
      status_ = Status::Unavailable("xlsx export: cannot create a directory in " + dir.string() +
                                    ": " + std::strerror(errno));
      return;
    }
    tmpdir_ = dir_template;
    path_ = std::filesystem::path(tmpdir_) / "submissions.xlsx";
    // constant_memory: each row goes to disk once the next begins, so a
    // million rows need no more memory than one. Zip64, as a sheet of
    // a million rows with many questions can pass 4 GB unpacked.
    lxw_workbook_options options{
        .constant_memory = LXW_TRUE, .tmpdir = tmpdir_.data(), .use_zip64 = LXW_TRUE};
    workbook_ = workbook_new_opt(path_.c_str(), &options);
    if (workbook_ == nullptr) {
      status_ = Status::Unavailable("xlsx export: cannot create a workbook in " + tmpdir_);
      return;
    }
    bold_ = workbook_add_format(workbook_);
    format_set_bold(bold_);
    status_ = NewSheet();
  }

  ~XlsxWriter() override {
    // Abandoned (a failed or cancelled export): freed, not packaged.
    if (workbook_ != nullptr) lxw_workbook_free(workbook_);
    if (!tmpdir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(tmpdir_, ec);
    }
  }

  Status Write(const ExportRow& row) override {
    VIGIL_RETURN_IF_ERROR(status_);
    if (row_ == rows_per_sheet_) VIGIL_RETURN_IF_ERROR(status_ = NewSheet());
    const core::Submission& s = row.submission;
    lxw_col_t col = 0;
    for (const std::string* field :
         {&s.instance_id, &s.form_code, &s.form_version, &s.station_code, &s.observer_code}) {
      Text(col++, *field);
    }
    for (const std::optional<Timestamp>& t : {s.started_at, s.submitted_at}) {
      if (t) Text(col, FormatRfc3339(*t));
      ++col;
    }
    Text(col++, FormatRfc3339(row.received_at));
    Text(col++, s.replaces);
    Check(worksheet_write_boolean(sheet_, Row(), col++, row.current, nullptr));
    for (const std::string& q : questions_) {
      if (const json::value* v = s.answers.if_contains(q)) {
        if (v->is_number()) {
          Check(worksheet_write_number(sheet_, Row(), col, v->to_number<double>(), nullptr));
        } else {
          bool is_number = false;
          Text(col, AnswerText(*v, &is_number));
        }
      }
      ++col;
    }
    ++row_;
    return status_;
  }

  Status Finish() override {
    VIGIL_RETURN_IF_ERROR(status_);
    const lxw_error closed = workbook_close(workbook_);
    workbook_ = nullptr;
    if (closed != LXW_NO_ERROR) {
      return Status::Unavailable(std::string("xlsx export: writing the workbook: ") +
                                 lxw_strerror(closed));
    }
    std::ifstream in(path_, std::ios::binary);
    if (!in) return Status::Unavailable("xlsx export: cannot read back " + path_.string());
    std::vector<char> buffer(1 << 20);
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      out_.write(buffer.data(), in.gcount());
      if (!out_) return StreamError();
    }
    if (in.bad()) return Status::Unavailable("xlsx export: cannot read back " + path_.string());
    out_.flush();
    return out_ ? Status::Ok() : StreamError();
  }

 private:
  lxw_row_t Row() const { return static_cast<lxw_row_t>(row_); }

  void Check(lxw_error error) {
    if (error != LXW_NO_ERROR && status_.ok()) {
      status_ = Status::Internal(std::string("xlsx export: row ") + std::to_string(row_) + ": " +
                                 lxw_strerror(error));
    }
  }

  // Text as a string cell; nothing for empty text.
  void Text(lxw_col_t col, const std::string& text) {
    if (text.empty()) return;
    const std::string_view fit = FitCell(text, &scratch_);
    Check(worksheet_write_string(
        sheet_, Row(), col, fit.data() == text.data() ? text.c_str() : scratch_.c_str(), nullptr));
  }

  // The next sheet, with the header row.
  Status NewSheet() {
    ++sheets_;
    const std::string name =
        sheets_ == 1 ? "submissions" : "submissions " + std::to_string(sheets_);
    sheet_ = workbook_add_worksheet(workbook_, name.c_str());
    if (sheet_ == nullptr) return Status::Internal("xlsx export: cannot add sheet " + name);
    row_ = 0;
    lxw_col_t col = 0;
    for (const char* c : kFixedColumns) Check(worksheet_write_string(sheet_, 0, col++, c, bold_));
    for (const std::string& q : questions_) {
      Check(worksheet_write_string(sheet_, 0, col++, q.c_str(), bold_));
    }
    worksheet_freeze_panes(sheet_, 1, 0);
    row_ = 1;
    return status_;
  }

  std::ostream& out_;
  std::vector<std::string> questions_;
  const std::int64_t rows_per_sheet_;
  std::filesystem::path path_;
  std::string tmpdir_;
  lxw_workbook* workbook_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format* bold_ = nullptr;
  int sheets_ = 0;
  std::int64_t row_ = 0;  // the next row to write on sheet_, 0-based
  std::string scratch_;
  Status status_;
};

}  // namespace

std::unique_ptr<SubmissionWriter> MakeSubmissionWriter(ExportFormat format, std::ostream& out,
                                                       const std::vector<core::Form>& forms,
                                                       const std::filesystem::path& scratch_dir) {
  switch (format) {
    case ExportFormat::kCsv:
      return std::make_unique<CsvWriter>(out, forms);
    case ExportFormat::kJsonl:
      return std::make_unique<JsonlWriter>(out);
    case ExportFormat::kXlsx:
      return std::make_unique<XlsxWriter>(out, forms, scratch_dir, kXlsxMaxRows);
  }
  return nullptr;
}

std::unique_ptr<SubmissionWriter> MakeXlsxSubmissionWriter(std::ostream& out,
                                                           const std::vector<core::Form>& forms,
                                                           const std::filesystem::path& scratch_dir,
                                                           std::int64_t rows_per_sheet) {
  return std::make_unique<XlsxWriter>(out, forms, scratch_dir, rows_per_sheet);
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
