// Streaming export of submissions as CSV (one column per question) or JSON
// Lines (one canonical submission per line). Rows are written as they come,
// so an export of millions of submissions needs constant memory.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

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

class SubmissionWriter {
 public:
  virtual ~SubmissionWriter() = default;
  virtual void Write(const ExportRow& row) = 0;
  virtual void Finish() = 0;
};

enum class ExportFormat { kCsv, kJsonl };

// CSV columns: instance_id, form, form_version, station, observer,
// started_at, submitted_at, received_at, replaces, current, then one column
// per question code of `forms` in form order (first appearance wins);
// select_multiple answers are space-separated.
std::unique_ptr<SubmissionWriter> MakeSubmissionWriter(ExportFormat format, std::ostream& out,
                                                       const std::vector<core::Form>& forms);

// `s` without what could lead to its observer, for people who may see only
// anonymized data (the viewer role): no observer, instance id "anon:<n>", no
// link to the version it replaces, times cut to the hour, and no free-text
// answers (they may name people) nor answers to questions `form` does not
// know. `form` may be null (then only answers are dropped).
core::Submission Anonymize(const core::Submission& s, const core::Form* form, std::int64_t n);
// A time cut to the hour.
Timestamp ToHour(Timestamp t);

}  // namespace vigil::report
