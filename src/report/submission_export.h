// Streaming export of submissions as CSV (one column per question), JSON
// Lines (one canonical submission per line) or an XLSX workbook (the CSV's
// columns). Rows are written as they come, so an export of millions of
// submissions needs constant memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "core/form.h"
#include "core/submission.h"

namespace vigil::report {

struct ExportRow {
  const core::Submission& submission;
  const std::string& canonical_json;
  Timestamp received_at;
  bool current;  // not superseded by a later version
};

// Not thread-safe. A writer that returned an error must not be used again.
class SubmissionWriter {
 public:
  virtual ~SubmissionWriter() = default;
  [[nodiscard]] virtual Status Write(const ExportRow& row) = 0;
  // Writes what is left (for XLSX: the whole workbook) to the stream.
  [[nodiscard]] virtual Status Finish() = 0;
};

enum class ExportFormat { kCsv, kJsonl, kXlsx };

// CSV columns: instance_id, form, form_version, station, observer,
// started_at, submitted_at, received_at, replaces, current, then one column
// per question code of `forms` in form order (first appearance wins);
// select_multiple answers are space-separated.
//
// XLSX has the same columns and header on a sheet "submissions", numbers as
// numbers, `current` as a boolean and everything else (times too) as text:
// times are RFC 3339 in UTC as in the CSV, exact to the microsecond and
// sorting correctly as text, where an Excel date has no time zone and
// rounds. Past Excel's 1,048,576 rows a sheet, rows go on to "submissions 2"
// and so on, each with the header. Text longer than Excel's 32,767
// characters a cell is cut and ends in "[cut]" (the CSV and JSON Lines
// exports keep it whole). The workbook is built with libxlsxwriter's
// constant_memory mode in a temporary file in `scratch_dir` (empty: the
// system's, $TMPDIR) and copied to `out` by Finish; the file is deleted
// either way.
std::unique_ptr<SubmissionWriter> MakeSubmissionWriter(
    ExportFormat format, std::ostream& out, const std::vector<core::Form>& forms,
    const std::filesystem::path& scratch_dir = {});

// The XLSX writer with `rows_per_sheet` rows a sheet, header included
// (kXlsxMaxRows in MakeSubmissionWriter; fewer to test going on to the next
// sheet).
std::unique_ptr<SubmissionWriter> MakeXlsxSubmissionWriter(std::ostream& out,
                                                           const std::vector<core::Form>& forms,
                                                           const std::filesystem::path& scratch_dir,
                                                           std::int64_t rows_per_sheet);

// The limits of an .xlsx worksheet (Excel's specifications and limits).
inline constexpr std::int64_t kXlsxMaxRows = 1048576;
inline constexpr std::size_t kXlsxMaxCellChars = 32767;

// `s` without what could lead to its observer, for people who may see only
// anonymized data (the viewer role): no observer, instance id "anon:<n>", no
// link to the version it replaces, times cut to the hour, and no free-text
// answers (they may name people) nor answers to questions `form` does not
// know. `form` may be null (then only answers are dropped).
core::Submission Anonymize(const core::Submission& s, const core::Form* form, std::int64_t n);
// A time cut to the hour.
Timestamp ToHour(Timestamp t);

}  // namespace vigil::report
