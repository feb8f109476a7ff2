// Findings as the API and the statement give them: JSON for
// /api/v1/findings, /summary and /criteria, and the statement tables (the
// per-phase shares of negative answers with n, overall and by region) as
// JSON, Markdown, CSV and XLSX.
#pragma once

#include <boost/json/fwd.hpp>
#include <functional>
#include <string>
#include <vector>

#include "analysis/findings.h"
#include "storage/store.h"

namespace vigil::service {

// The filters of /api/v1/findings and `vigil report statement` from named
// parameters (`get` returns "" when one is absent): verified_only=1,
// exclude_quarantined=1, urban_rural=urban|rural, from and to (RFC 3339),
// sample=pvt (the stations of the stored PVT sample, reserves left out).
// InvalidArgument names the parameter; NotFound if sample=pvt has no sample.
Result<analysis::FindingFilter> FindingFilterFrom(
    const std::function<std::string(std::string_view)>& get, storage::Store& store);

boost::json::value FindingJson(const analysis::QuestionFinding& f);
boost::json::value SummaryJson(const std::vector<analysis::FormSummary>& summary);
boost::json::value ScorecardJson(const std::vector<analysis::CriterionScore>& scores);

// CSV of findings, one line per question (and area): form, area_code,
// area_name, question, label, observations, answered, not_applicable, n,
// negative, share, interval_low, interval_high.
std::string FindingsCsv(const std::vector<analysis::AreaFinding>& rows);

struct Statement {
  std::string election;
  std::string filters;  // what was counted, in words
  bool random_sample = false;
  int depth = 0;                               // of the regions
  std::vector<analysis::FormSummary> phases;   // forms in phase order
  std::vector<analysis::AreaSummary> regions;  // the same per region at `depth`
};

// The statement's figures: every form with reports, in phase order (opening,
// voting, counting, tabulation, incidents), each question that defines a
// negative answer. `depth` < 0: the top level below the country.
Statement BuildStatement(const analysis::ObservationTable& table, int depth,
                         const analysis::FindingFilter& filter);

boost::json::value StatementJson(const Statement& s);
// Tables readable as plain text ("7% (n=812)").
std::string StatementMarkdown(const Statement& s);
// One line per question and area ("" for the whole country): section,
// form, phase, area_code, area_name, question, label, negative_answers,
// negative, n, share.
std::string StatementCsv(const Statement& s);
// The same lines as StatementCsv, as an .xlsx workbook written to `path`.
Status WriteStatementXlsx(const Statement& s, const std::string& path);

// A share as statements quote it: whole per cent ("7%"), "-" without n.
std::string Percent(const std::optional<double>& share);

}  // namespace vigil::service
