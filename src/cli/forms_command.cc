// `vigil forms import|export|list`: the mission's observation forms, authored
// and edited as XLSForm workbooks (docs/forms.md).
#include <cstdio>
#include <map>

#include "cli/cli.h"
#include "service/forms.h"

namespace vigil::cli {

namespace {

std::size_t CountQuestions(const std::vector<core::Question>& questions) {
  std::size_t n = 0;
  for (const core::Question& q : questions) n += 1 + CountQuestions(q.children);
  return n;
}

void AddFormsImport(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand("import", "Install a form version from an XLSForm workbook");
  struct Options {
    std::string file, data_dir;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("FILE", o->file, "The XLSForm (.xlsx): survey, choices and settings sheets")
      ->required();
  AddDataOption(*cmd, o->data_dir);
  cmd->callback([&ctx, o] {
    auto store = storage::OpenStore({.data_dir = o->data_dir, .create = false});
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    std::vector<ingest::XlsFormProblem> problems;
    auto imported = service::ImportXlsFormFile(**store, o->file, LocalActor(), &problems);
    for (const auto& p : problems)
      std::fprintf(stderr, "%s: %s\n", o->file.c_str(), p.ToString().c_str());
    if (!imported) {
      const Status& s = imported.error();
      ctx.exit_code = ReportError(
          problems.empty() ? s : Status(s.code(), s.message() + "; nothing was installed"));
      return;
    }
    const core::Form& f = imported->form;
    if (imported->unchanged) {
      std::printf(
          "Form %s version %s is already installed with this definition; nothing changed.\n",
          f.code.c_str(), f.version.c_str());
      return;
    }
    std::printf("Installed form %s version %s (%s, %zu questions) from %s; it is now current.\n",
                f.code.c_str(), f.version.c_str(), std::string(core::PhaseName(f.phase)).c_str(),
                CountQuestions(f.questions), o->file.c_str());
  });
}

void AddFormsExport(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand("export", "Write a form version as an XLSForm workbook");
  struct Options {
    std::string code, version, out, data_dir;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("CODE", o->code, "The form's code (its XLSForm form_id), e.g. V")->required();
  cmd->add_option("--version", o->version, "The version to write (default: the current one)");
  cmd->add_option("--xlsform", o->out, "The .xlsx file to write")->required();
  AddDataOption(*cmd, o->data_dir);
  cmd->callback([&ctx, o] {
    auto store = storage::OpenStore({.data_dir = o->data_dir, .create = false});
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    auto form = service::ExportXlsFormFile(**store, o->code, o->version, o->out);
    if (!form) {
      ctx.exit_code = ReportError(form.error());
      return;
    }
    std::printf("Wrote form %s version %s to %s.\n", form->code.c_str(), form->version.c_str(),
                o->out.c_str());
  });
}

void AddFormsList(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand("list", "List every installed form version");
  auto data_dir = std::make_shared<std::string>();
  AddDataOption(*cmd, *data_dir);
  cmd->callback([&ctx, data_dir] {
    auto store = storage::OpenStore({.data_dir = *data_dir, .create = false});
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    auto forms = (*store)->ListForms();
    if (!forms) {
      ctx.exit_code = ReportError(forms.error());
      return;
    }
    std::map<std::string, std::size_t> current;  // installation order: the last is current
    for (std::size_t i = 0; i < forms->size(); ++i) current[(*forms)[i].code] = i;
    std::printf("%-10s %-16s %-11s %9s  %-7s  %s\n", "code", "version", "phase", "questions",
                "current", "title");
    for (std::size_t i = 0; i < forms->size(); ++i) {
      const core::Form& f = (*forms)[i];
      std::string title;
      if (auto it = f.title.find(f.default_language.empty() ? "en" : f.default_language);
          it != f.title.end()) {
        title = it->second;
      } else if (!f.title.empty()) {
        title = f.title.begin()->second;
      }
      std::printf("%-10s %-16s %-11s %9zu  %-7s  %s\n", f.code.c_str(), f.version.c_str(),
                  std::string(core::PhaseName(f.phase)).c_str(), CountQuestions(f.questions),
                  current[f.code] == i ? "yes" : "no", title.c_str());
    }
  });
}

}  // namespace

void RegisterForms(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("forms", "Install, export and list observation forms (XLSForm)");
  cmd->require_subcommand(1);
  cmd->footer(
      "An XLSForm has the sheets survey (type, name, label::LANG, hint, required, relevant,\n"
      "constraint, constraint_message, calculation, appearance, and vigil's negative, criteria,\n"
      "figure, contestant), choices (list_name, name, label::LANG) and settings (form_id,\n"
      "version, form_title, default_language, phase). See docs/forms.md.\n"
      "A workbook with any problem is refused whole; every problem is listed as\n"
      "FILE: sheet!CELL: problem. An installed version is never changed: import a new version.");
  AddFormsImport(*cmd, ctx);
  AddFormsExport(*cmd, ctx);
  AddFormsList(*cmd, ctx);
}

}  // namespace vigil::cli
