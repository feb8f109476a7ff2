// Splits CSV text (RFC 4180, UTF-8) into records with libcsv in strict mode and
// tells the caller on which physical line each record starts, which libcsv does
// not track, so that messages about a record can name its line.
//
// Accepted: LF or CRLF line endings, a UTF-8 byte order mark at the start
// (skipped), fields quoted or not, quoted fields holding commas, doubled quotes
// and line breaks. Spaces and tabs around an unquoted field, or around the
// quotes of a quoted one, are dropped (libcsv's rule). Lines holding nothing
// but spaces and tabs are skipped. Lines are counted by LF; a lone CR ends a
// record too (libcsv's rule) but not a line. The reader knows nothing of
// headers and does not compare field counts; that is the caller's business.
//
// Errors never stop the reader, except running out of memory. A malformed
// record (a stray quote, a quoted field that is never closed) is reported and
// dropped, and reading resumes at the next physical line. Invalid UTF-8 is
// reported once per field and the record is still delivered, with the field
// marked, so the caller can skip checks whose messages would quote raw bytes.
//
// ReadCsv keeps no state between calls; calls on different threads are
// independent.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::ingest {

// One record as delivered to CsvHandler::OnRecord. The views point into the
// reader's buffer and are valid only during that call.
struct CsvRecord {
  std::size_t line = 0;  // 1-based physical line where the record starts
  std::vector<std::string_view> fields;
  // Indices of the fields that hold invalid UTF-8, ascending. Each was
  // already reported through CsvHandler::OnError.
  std::vector<std::size_t> invalid_utf8_fields;

  bool IsValidUtf8(std::size_t field) const;
};

struct CsvError {
  static constexpr std::size_t kNoField = static_cast<std::size_t>(-1);

  std::size_t line = 0;          // 1-based physical line where the record starts
  std::size_t field = kNoField;  // 0-based index of the field in its record
  std::string problem;           // e.g. "invalid UTF-8 at byte 17"
  bool record_dropped = false;   // the record is malformed and is not delivered
};

// Receives the records and errors of one CSV text, in file order (an error
// about a record comes before the record, if it is delivered at all).
class CsvHandler {
 public:
  virtual ~CsvHandler() = default;
  virtual void OnRecord(const CsvRecord& record) = 0;
  virtual void OnError(const CsvError& error) = 0;
};

// Reads all of `content`, calling `handler` for each record and error.
// Byte offsets in messages count from the start of `content` (BOM included),
// starting at 0. Exceptions thrown by the handler propagate to the caller.
void ReadCsv(std::string_view content, CsvHandler& handler);

}  // namespace vigil::ingest
