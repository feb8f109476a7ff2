// Form definitions from and to XLSForm workbooks (ingest/xlsform.h), for
// `vigil forms import|export|list`. Forms are versioned: an import adds a
// version (which becomes the current one), never changes one.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "core/form.h"
#include "ingest/xlsform.h"
#include "storage/store.h"

namespace vigil::service {

struct FormImport {
  core::Form form;
  // True if this very definition was already installed under its code and
  // version: nothing was written.
  bool unchanged = false;
};

// Reads the XLSForm at `path` and installs its form as a new version,
// audited as form.install. InvalidArgument with every problem in *problems
// for a bad workbook; AlreadyExists if the version is installed with a
// different definition (give the new one a new version). Nothing is changed
// on any failure.
Result<FormImport> ImportXlsFormFile(storage::Store& store, const std::string& path,
                                     const storage::Actor& actor,
                                     std::vector<ingest::XlsFormProblem>* problems);

// Writes version `version` of form `code` (the current one when empty) to
// `path` as an XLSForm, through a temporary file and a rename. NotFound for
// an unknown code or version.
Result<core::Form> ExportXlsFormFile(storage::Store& store, const std::string& code,
                                     const std::string& version, const std::string& path);

}  // namespace vigil::service
