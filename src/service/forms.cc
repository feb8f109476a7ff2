#include "service/forms.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>

#include "common/file.h"
#include "ingest/xlsform_writer.h"

namespace vigil::service {

// A form workbook is small; anything this large is the wrong file.
constexpr std::size_t kMaxXlsFormBytes = 32u << 20;

Result<FormImport> ImportXlsFormFile(storage::Store& store, const std::string& path,
                                     const storage::Actor& actor,
                                     std::vector<ingest::XlsFormProblem>* problems) {
  if (problems != nullptr) problems->clear();
  auto bytes = ReadWholeFile(path, kMaxXlsFormBytes);
  if (!bytes) return Fail(bytes.error());
  auto form = ingest::ReadXlsForm(*bytes, problems);
  if (!form) return Fail(Status(form.error().code(), path + ": " + form.error().message()));
  auto installed = store.ListForms();
  if (!installed) return Fail(installed.error());
  for (const core::Form& f : *installed) {
    if (f.code != form->code || f.version != form->version) continue;
    if (core::FormToJson(f) == core::FormToJson(*form)) return FormImport{std::move(*form), true};
    return Fail(Status::AlreadyExists("form " + form->code + " version " + form->version +
                                      " is already installed with a different definition; give "
                                      "the new one another version (settings: version)"));
  }
  VIGIL_RETURN_IF_ERROR(store.InstallForm(*form, actor));
  return FormImport{std::move(*form), false};
}

Result<core::Form> ExportXlsFormFile(storage::Store& store, const std::string& code,
                                     const std::string& version, const std::string& path) {
  auto forms = store.ListForms();
  if (!forms) return Fail(forms.error());
  const core::Form* found = nullptr;
  bool code_known = false;
  for (const core::Form& f : *forms) {  // installation order: the last is current
    if (f.code != code) continue;
    code_known = true;
    if (version.empty() || f.version == version) found = &f;
  }
  if (found == nullptr) {
    return Fail(Status::NotFound(code_known ? "form " + code + " has no version " + version
                                            : "no form " + code));
  }
  // libxlsxwriter writes the file itself: write beside it, then rename, so
  // that a reader never sees half a workbook.
  const std::string temporary = path + ".tmp-" + std::to_string(getpid());
  if (Status s = ingest::WriteXlsForm(*found, temporary); !s.ok()) {
    std::filesystem::remove(temporary);
    return Fail(s);
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary);
    return Fail(Status::Internal("cannot write " + path + ": " + ec.message()));
  }
  return *found;
}

}  // namespace vigil::service
