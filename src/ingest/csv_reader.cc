#include "ingest/csv_reader.h"

#include <csv.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <utility>

#include "common/utf8.h"

namespace vigil::ingest {

bool CsvRecord::IsValidUtf8(std::size_t field) const {
  return !std::binary_search(invalid_utf8_fields.begin(), invalid_utf8_fields.end(), field);
}

namespace {

// Fields are delivered with their length, so CSV_APPEND_NULL is not needed.
constexpr unsigned char kParserOptions = CSV_STRICT | CSV_STRICT_FINI;
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// True if libcsv would start no record on this line: it skips spaces, tabs
// and line breaks outside records (its default space and terminator sets).
bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// libcsv reads a whole buffer per call and reports no positions. Feeding it one
// physical line at a time gives the line number: a record starts on the first
// non-blank line fed while no record is open. Fields of a record are copied
// into one reused buffer, so steady-state reading does not allocate.
class Reader {
 public:
  Reader(std::string_view content, CsvHandler& handler) : content_(content), handler_(handler) {
    csv_init(&parser_, kParserOptions);
  }
  ~Reader() { csv_free(&parser_); }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  void Run() {
    std::size_t pos = content_.starts_with(kByteOrderMark) ? kByteOrderMark.size() : 0;
    while (pos < content_.size() && !stopped_) {
      ++line_;
      const std::size_t newline = content_.find('\n', pos);
      const std::size_t end = newline == std::string_view::npos ? content_.size() : newline + 1;
      const std::string_view text = content_.substr(pos, end - pos);
      if (!record_open_ && !IsBlank(text)) OpenRecord();
      FeedLine(text, pos);
      pos = end;
    }
    if (!stopped_) Finish();
  }

 private:
  // Feeds one line, stopping at each invalid UTF-8 sequence to learn which
  // field holds it: that byte can be neither a separator nor a quote, so it
  // belongs to the field being read at that point.
  void FeedLine(std::string_view text, std::size_t offset) {
    std::size_t done = 0;
    std::size_t scan = 0;
    while (true) {
      const std::optional<std::size_t> bad = FindInvalidUtf8(text.substr(scan));
      const std::size_t stop = bad ? scan + *bad : text.size();
      if (!Parse(text.substr(done, stop - done))) return;
      done = stop;
      if (!bad) return;
      NoteInvalidUtf8(offset + stop);
      scan = stop + 1;
    }
  }

  // Returns false if the parser failed; the rest of the line is then dropped.
  bool Parse(std::string_view chunk) {
    const std::size_t parsed =
        csv_parse(&parser_, chunk.data(), chunk.size(), &Reader::OnField, &Reader::OnRowEnd, this);
    RethrowHandlerException();
    if (parsed == chunk.size()) return true;
    if (csv_error(&parser_) != CSV_EPARSE) {
      Report(spans_.size(), csv_strerror(csv_error(&parser_)), /*record_dropped=*/true);
      stopped_ = true;
      return false;
    }
    // libcsv stops at the offending byte. In strict mode that is a quote in
    // an unquoted field, or anything but a separator after a closing quote.
    std::string problem =
        parser_.quoted
            ? "unexpected text after the closing quote of a quoted field "
              "(a quote inside a quoted field is written twice: \"\")"
            : "quote inside an unquoted field (quote the whole field and write each quote "
              "inside it twice: \"\")";
    if (line_ != record_.line) problem += " on line " + std::to_string(line_);
    Report(spans_.size(), std::move(problem), /*record_dropped=*/true);
    Restart();
    return false;
  }

  void Finish() {
    const std::size_t field = spans_.size();
    if (csv_fini(&parser_, &Reader::OnField, &Reader::OnRowEnd, this) != 0) {
      Report(field, "quoted field is never closed (its closing quote is missing)",
             /*record_dropped=*/true);
      Restart();
    }
    RethrowHandlerException();
  }

  // Forgets the malformed record and resets the parser, whose state after an
  // error cannot be continued.
  void Restart() {
    csv_free(&parser_);
    csv_init(&parser_, kParserOptions);
    CloseRecord();
  }

  void OpenRecord() {
    record_open_ = true;
    record_.line = line_;
  }

  void CloseRecord() {
    record_open_ = false;
    buffer_.clear();
    spans_.clear();
    record_.fields.clear();
    record_.invalid_utf8_fields.clear();
  }

  void NoteInvalidUtf8(std::size_t file_offset) {
    if (!record_open_) OpenRecord();
    const std::size_t field = spans_.size();
    if (!record_.invalid_utf8_fields.empty() && record_.invalid_utf8_fields.back() == field) {
      return;  // one report per field is enough
    }
    record_.invalid_utf8_fields.push_back(field);
    Report(field, "invalid UTF-8 at byte " + std::to_string(file_offset), /*record_dropped=*/false);
  }

  void Report(std::size_t field, std::string problem, bool record_dropped) {
    handler_.OnError(
        CsvError{record_open_ ? record_.line : line_, field, std::move(problem), record_dropped});
  }

  // libcsv is C: exceptions must not unwind through it, so the callbacks
  // park them and Parse()/Finish() rethrow once libcsv has returned.
  void RethrowHandlerException() {
    if (pending_exception_) std::rethrow_exception(std::exchange(pending_exception_, nullptr));
  }

  static void OnField(void* data, std::size_t size, void* self) {
    auto* reader = static_cast<Reader*>(self);
    if (reader->pending_exception_) return;
    try {
      if (!reader->record_open_) reader->OpenRecord();
      reader->spans_.emplace_back(reader->buffer_.size(), size);
      reader->buffer_.append(static_cast<const char*>(data), size);
    } catch (...) {
      reader->pending_exception_ = std::current_exception();
    }
  }

  static void OnRowEnd(int /*terminator*/, void* self) {
    auto* reader = static_cast<Reader*>(self);
    if (reader->pending_exception_) return;
    try {
      CsvRecord& record = reader->record_;
      for (const auto& [start, size] : reader->spans_) {
        record.fields.emplace_back(reader->buffer_.data() + start, size);
      }
      reader->handler_.OnRecord(record);
      reader->CloseRecord();
    } catch (...) {
      reader->pending_exception_ = std::current_exception();
    }
  }

  std::string_view content_;
  CsvHandler& handler_;
  csv_parser parser_{};
  std::size_t line_ = 0;  // physical line being fed, 1-based
  bool record_open_ = false;
  bool stopped_ = false;
  CsvRecord record_;
  std::string buffer_;                                      // field bytes of record_
  std::vector<std::pair<std::size_t, std::size_t>> spans_;  // (start, size) in buffer_
  std::exception_ptr pending_exception_;
};

}  // namespace

void ReadCsv(std::string_view content, CsvHandler& handler) { Reader(content, handler).Run(); }

}  // namespace vigil::ingest
