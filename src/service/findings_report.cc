#include "service/findings_report.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "report/csv.h"

namespace vigil::service {

namespace json = boost::json;
using analysis::FormSummary;
using analysis::QuestionFinding;

namespace {

json::value OptionalNumber(const std::optional<double>& x) {
  return x ? json::value(*x) : json::value(nullptr);
}

std::string Number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", x);
  return buf;
}

// The questions a statement quotes: those defining a negative answer.
FormSummary Quotable(FormSummary form) {
  std::erase_if(form.questions, [](const QuestionFinding& q) { return !q.has_negative; });
  return form;
}

std::string Cell(const QuestionFinding& q) {
  return Percent(q.share) + " (n=" + std::to_string(q.n) + ")";
}

std::string Escape(std::string text) {  // for a Markdown table cell
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    if (c == '\n') c = ' ';
    out += c;
  }
  return out;
}

struct Line {
  std::string section, form, phase, area_code, area_name;
  const QuestionFinding* q;
};

std::vector<Line> Lines(const Statement& s) {
  std::vector<Line> lines;
  for (const FormSummary& f : s.phases) {
    for (const QuestionFinding& q : f.questions) {
      lines.push_back({"phase", f.form, std::string(core::PhaseName(f.phase)), "", "", &q});
    }
  }
  for (const analysis::AreaSummary& a : s.regions) {
    for (const FormSummary& f : a.forms) {
      for (const QuestionFinding& q : f.questions) {
        lines.push_back(
            {"region", f.form, std::string(core::PhaseName(f.phase)), a.code, a.name, &q});
      }
    }
  }
  return lines;
}

constexpr const char* kStatementColumns[] = {"section",   "form",     "phase", "area_code",
                                             "area_name", "question", "label", "negative_answers",
                                             "negative",  "n",        "share"};

}  // namespace

Result<analysis::FindingFilter> FindingFilterFrom(
    const std::function<std::string(std::string_view)>& get, storage::Store& store) {
  analysis::FindingFilter filter;
  for (const char* flag : {"verified_only", "exclude_quarantined"}) {
    const std::string v = get(flag);
    if (!v.empty() && v != "0" && v != "1" && v != "true" && v != "false") {
      return Fail(Status::InvalidArgument(std::string(flag) + " must be 1 or 0, not '" + v + "'"));
    }
    const bool on = v == "1" || v == "true";
    (std::string_view(flag) == "verified_only" ? filter.verified_only
                                               : filter.exclude_quarantined) = on;
  }
  if (const std::string v = get("urban_rural"); !v.empty()) {
    const auto settlement = core::ParseSettlement(v);
    if (!settlement || *settlement == core::Settlement::kUnknown) {
      return Fail(Status::InvalidArgument("urban_rural must be urban or rural, not '" + v + "'"));
    }
    filter.settlement = *settlement;
  }
  for (const char* bound : {"from", "to"}) {
    const std::string v = get(bound);
    if (v.empty()) continue;
    auto t = ParseRfc3339(v);
    if (!t) {
      return Fail(Status::InvalidArgument(std::string(bound) +
                                          " must be an RFC 3339 time such as "
                                          "2026-06-07T08:00:00Z: " +
                                          t.error().message()));
    }
    (std::string_view(bound) == "from" ? filter.from : filter.to) = *t;
  }
  if (const std::string v = get("sample"); !v.empty()) {
    if (v != "pvt") return Fail(Status::InvalidArgument("sample must be pvt, not '" + v + "'"));
    auto sample = store.GetPvtSample();
    if (!sample) return Fail(sample.error());
    if (!*sample) return Fail(Status::NotFound("sample=pvt: no PVT sample has been drawn"));
    std::vector<std::string> stations;
    for (const core::DrawnStation& d : (*sample)->stations) {
      if (!d.reserve) stations.push_back(d.code);
    }
    filter.sample = std::move(stations);
  }
  return filter;
}

std::string Percent(const std::optional<double>& share) {
  if (!share) return "-";
  return std::to_string(static_cast<long long>(std::floor(*share * 100 + 0.5))) + "%";
}

json::value FindingJson(const QuestionFinding& f) {
  json::array distribution;
  for (const auto& o : f.distribution) {
    distribution.push_back(
        json::object{{"value", o.value}, {"count", o.count}, {"negative", o.negative}});
  }
  json::array criteria;
  for (core::Criterion c : f.criteria) criteria.emplace_back(core::CriterionName(c));
  json::object out{
      {"form", f.form},
      {"question", f.question},
      {"label", f.label},
      {"type", core::QuestionTypeName(f.type)},
      {"negative_answers", f.has_negative ? json::value(f.negative_answers) : json::value(nullptr)},
      {"observations", f.observations},
      {"answered", f.answered},
      {"not_applicable", f.not_applicable},
      {"n", f.n},
      {"negative", f.negative},
      {"share", OptionalNumber(f.share)},
      {"distribution", std::move(distribution)},
      {"criteria", std::move(criteria)}};
  if (f.mean) out["mean"] = *f.mean;
  if (f.interval) {
    out["interval"] = json::object{{"low", f.interval->low}, {"high", f.interval->high}};
  } else {
    out["interval"] = nullptr;
    out["interval_note"] = f.interval_note;
  }
  return out;
}

json::value SummaryJson(const std::vector<FormSummary>& summary) {
  json::array forms;
  for (const FormSummary& s : summary) {
    json::object status;
    for (int i = 0; i < 4; ++i) {
      status[core::ReviewStatusName(static_cast<core::ReviewStatus>(i))] = s.by_status[i];
    }
    json::array questions;
    for (const QuestionFinding& q : s.questions) {
      questions.push_back(json::object{{"question", q.question},
                                       {"label", q.label},
                                       {"n", q.n},
                                       {"negative", q.negative},
                                       {"share", OptionalNumber(q.share)}});
    }
    forms.push_back(json::object{{"form", s.form},
                                 {"title", s.title},
                                 {"phase", core::PhaseName(s.phase)},
                                 {"observations", s.observations},
                                 {"by_status", std::move(status)},
                                 {"questions", std::move(questions)}});
  }
  return json::object{{"forms", std::move(forms)}};
}

json::value ScorecardJson(const std::vector<analysis::CriterionScore>& scores) {
  json::array criteria;
  for (const auto& c : scores) {
    json::array questions;
    for (const QuestionFinding& q : c.questions) {
      questions.push_back(json::object{{"form", q.form},
                                       {"question", q.question},
                                       {"label", q.label},
                                       {"n", q.n},
                                       {"negative", q.negative},
                                       {"share", OptionalNumber(q.share)}});
    }
    criteria.push_back(json::object{{"criterion", core::CriterionName(c.criterion)},
                                    {"questions", std::move(questions)}});
  }
  return json::object{{"criteria", std::move(criteria)}};
}

std::string FindingsCsv(const std::vector<analysis::AreaFinding>& rows) {
  std::ostringstream out;
  out << "form,area_code,area_name,question,label,observations,answered,not_applicable,n,"
         "negative,share,interval_low,interval_high\r\n";
  for (const auto& row : rows) {
    const QuestionFinding& f = row.finding;
    report::WriteCsvField(out, f.form);
    out << ',';
    report::WriteCsvField(out, row.code);
    out << ',';
    report::WriteCsvField(out, row.name);
    out << ',';
    report::WriteCsvField(out, f.question);
    out << ',';
    report::WriteCsvField(out, f.label);
    out << ',' << f.observations << ',' << f.answered << ',' << f.not_applicable << ',' << f.n
        << ',' << f.negative << ',' << (f.share ? Number(*f.share) : "") << ','
        << (f.interval ? Number(f.interval->low) : "") << ','
        << (f.interval ? Number(f.interval->high) : "") << "\r\n";
  }
  return out.str();
}

Statement BuildStatement(const analysis::ObservationTable& table, int depth,
                         const analysis::FindingFilter& filter) {
  Statement s;
  const core::MissionIndex& mission = table.geography().mission();
  s.election = mission.election().name;
  s.random_sample = filter.sample.has_value();
  s.depth = depth < 0 ? table.geography().RegionDepth() : depth;
  s.filters = filter.verified_only         ? "verified reports only"
              : filter.exclude_quarantined ? "all reports except quarantined and rejected ones"
                                           : "all reports except rejected ones";
  for (const FormSummary& f : analysis::ComputeSummary(table, filter)) {
    if (f.observations > 0) s.phases.push_back(Quotable(f));
  }
  std::stable_sort(s.phases.begin(), s.phases.end(),
                   [](const FormSummary& a, const FormSummary& b) { return a.phase < b.phase; });
  for (analysis::AreaSummary& a : analysis::ComputeSummaryByArea(table, s.depth, filter)) {
    std::vector<FormSummary> forms;
    for (const FormSummary& phase : s.phases) {
      for (const FormSummary& f : a.forms) {
        if (f.form == phase.form) forms.push_back(Quotable(f));
      }
    }
    a.forms = std::move(forms);
    s.regions.push_back(std::move(a));
  }
  return s;
}

json::value StatementJson(const Statement& s) {
  json::array phases;
  for (const FormSummary& f : s.phases) {
    json::value v = SummaryJson({f}).at("forms").at(0);
    phases.push_back(std::move(v));
  }
  json::array regions;
  for (const auto& a : s.regions) {
    json::value forms = SummaryJson(a.forms).at("forms");
    regions.push_back(json::object{{"code", a.code}, {"name", a.name}, {"forms", forms}});
  }
  return json::object{{"election", s.election},           {"counted", s.filters},
                      {"random_sample", s.random_sample}, {"depth", s.depth},
                      {"phases", std::move(phases)},      {"regions", std::move(regions)}};
}

std::string StatementMarkdown(const Statement& s) {
  std::ostringstream out;
  out << "# Statement tables: " << Escape(s.election) << "\n\n"
      << "Share of observations with a negative answer among those where the question "
         "applied; n is that number of observations. Each current report counts once, so a "
         "station visited by two teams counts twice. Counted: "
      << s.filters << ".";
  if (!s.random_sample) {
    out << " Observers chose their stations: this is not a random sample, and no margin of "
           "error is given.";
  }
  out << "\n";
  for (const FormSummary& f : s.phases) {
    out << "\n## " << Escape(f.title.empty() ? f.form : f.title) << " (" << f.form
        << "): " << f.observations << " observations\n\n"
        << "| Question | Negative answer | Share | n |\n|---|---|---:|---:|\n";
    for (const QuestionFinding& q : f.questions) {
      out << "| " << Escape(q.label) << " (" << q.question << ") | " << Escape(q.negative_answers)
          << " | " << Percent(q.share) << " | " << q.n << " |\n";
    }
  }
  if (!s.regions.empty()) {
    out << "\n# By region (level " << s.depth << ")\n";
    for (std::size_t p = 0; p < s.phases.size(); ++p) {
      const FormSummary& f = s.phases[p];
      out << "\n## " << Escape(f.title.empty() ? f.form : f.title) << " (" << f.form
          << ")\n\n| Question |";
      for (const auto& a : s.regions) out << ' ' << Escape(a.name) << " |";
      out << "\n|---|";
      for (std::size_t i = 0; i < s.regions.size(); ++i) out << "---:|";
      out << '\n';
      for (std::size_t q = 0; q < f.questions.size(); ++q) {
        out << "| " << Escape(f.questions[q].label) << " (" << f.questions[q].question << ") |";
        for (const auto& a : s.regions) out << ' ' << Cell(a.forms[p].questions[q]) << " |";
        out << '\n';
      }
    }
  }
  return out.str();
}

std::string StatementCsv(const Statement& s) {
  std::ostringstream out;
  bool first = true;
  for (const char* c : kStatementColumns) {
    out << (first ? "" : ",") << c;
    first = false;
  }
  out << "\r\n";
  for (const Line& l : Lines(s)) {
    for (const std::string* field : {&l.section, &l.form, &l.phase, &l.area_code, &l.area_name,
                                     &l.q->question, &l.q->label, &l.q->negative_answers}) {
      report::WriteCsvField(out, *field);
      out << ',';
    }
    out << l.q->negative << ',' << l.q->n << ',' << (l.q->share ? Number(*l.q->share) : "")
        << "\r\n";
  }
  return out.str();
}

Status WriteStatementXlsx(const Statement& s, const std::string& path) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (wb == nullptr) return Status::Internal("statement: cannot create " + path);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "statement");
  lxw_format* percent = workbook_add_format(wb);
  format_set_num_format(percent, "0%");
  lxw_error error = LXW_NO_ERROR;
  lxw_col_t col = 0;
  for (const char* c : kStatementColumns) {
    if (error == LXW_NO_ERROR) error = worksheet_write_string(ws, 0, col++, c, nullptr);
  }
  lxw_row_t row = 1;
  for (const Line& l : Lines(s)) {
    col = 0;
    for (const std::string* field : {&l.section, &l.form, &l.phase, &l.area_code, &l.area_name,
                                     &l.q->question, &l.q->label, &l.q->negative_answers}) {
      if (error == LXW_NO_ERROR)
        error = worksheet_write_string(ws, row, col, field->c_str(), nullptr);
      ++col;
    }
    if (error == LXW_NO_ERROR)
      error = worksheet_write_number(ws, row, col++, static_cast<double>(l.q->negative), nullptr);
    if (error == LXW_NO_ERROR)
      error = worksheet_write_number(ws, row, col++, static_cast<double>(l.q->n), nullptr);
    if (error == LXW_NO_ERROR && l.q->share)
      error = worksheet_write_number(ws, row, col, *l.q->share, percent);
    ++row;
  }
  const lxw_error closed = workbook_close(wb);
  if (error == LXW_NO_ERROR) error = closed;
  if (error != LXW_NO_ERROR) {
    return Status::Internal("statement: writing " + path + ": " + lxw_strerror(error));
  }
  return Status::Ok();
}

}  // namespace vigil::service
