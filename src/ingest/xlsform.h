// XLSForm import: an observation form authored in Excel (or LibreOffice,
// KoboToolbox, ODK's templates), read from the .xlsx bytes into a
// core::Form. docs/forms.md lists every sheet, column and type understood.
//
// Sheets: `survey` (one question per row), `choices` (the option lists of
// select questions) and `settings` (form_id, version, titles). The first row
// of each sheet names its columns, in any order. Columns starting with "$" or
// "_" are other tools' bookkeeping (Kobo's $kuid) and are skipped; any other
// unknown column is refused, since dropping it silently would change the form.
//
// A workbook is taken whole or not at all: every problem found is listed,
// each naming sheet, row and column as Excel does (`survey!C14: unknown
// type "barcode"`).
//
// A pure function of the bytes (no files, no state), so it can be fuzzed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "core/form.h"

namespace vigil::ingest {

struct XlsFormProblem {
  std::string sheet;  // "survey", "choices", "settings"; empty: the file as a whole
  int row = 0;        // 1-based; 0: the sheet as a whole
  int column = -1;    // 0-based; -1: no single column
  std::string problem;

  // "survey!C14: unknown type "barcode"", "survey!14: ...", "settings: ...".
  std::string ToString() const;
};

// At most this many problems are listed.
inline constexpr std::size_t kMaxXlsFormProblems = 1000;

// The form, or InvalidArgument "N problems in the XLSForm" with the problems
// in sheet and row order in *problems (which may be null; it is cleared
// first in any case).
//
// Select questions whose list is named yes_no, yes_no_na or assessment and
// holds exactly the values of vigil's type of that name, in its order
// (yes no; yes no na; very_good good bad very_bad), become that type: the
// list's labels are then the built-in ones. This is how XlsFormWriter
// exports those types, so that import -> export -> import is the identity.
[[nodiscard]] Result<core::Form> ReadXlsForm(std::string_view bytes,
                                             std::vector<XlsFormProblem>* problems);

// The list name and option labels XLSForm export gives the types that carry
// no explicit options (yes_no, yes_no_na, assessment); empty for other types.
struct ImpliedList {
  std::string name;
  std::vector<core::Option> options;  // labels in English and Russian
};
ImpliedList ImpliedListOf(core::QuestionType type);

}  // namespace vigil::ingest
