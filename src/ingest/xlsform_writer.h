// XLSForm export: a form written as an .xlsx workbook with the sheets and
// columns ReadXlsForm reads (docs/forms.md), so that import -> export ->
// import gives the same form and a mission can edit its forms in Excel.
//
// yes_no, yes_no_na and assessment questions become select_one questions on
// generated lists of those names (ImpliedListOf), which the reader turns
// back into those types. Bounds become constraints (". >= 0 and . <= 5000";
// "string-length(.) <= 200" for text). Every language of the form gets its
// own column ("label::en"); titles go to form_title::LANG in settings.
#pragma once

#include <string>

#include "common/status.h"
#include "core/form.h"

namespace vigil::ingest {

// Writes `form` to the file `path` (replacing it). Internal on a libxlsxwriter
// failure, naming it.
Status WriteXlsForm(const core::Form& form, const std::string& path);

}  // namespace vigil::ingest
