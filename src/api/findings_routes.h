// Observation findings over the live observation table
// (service/live_observations.h, analysis/findings.h):
//   GET /api/v1/findings?form=V&question=V7[&level=1]   one question, overall and per area
//   GET /api/v1/findings/summary                         every form's questions
//   GET /api/v1/criteria                                 the criteria scorecard
//   GET /api/v1/report/statement[?level=1&format=md|csv] the statement tables
// Filters on each: verified_only=1, exclude_quarantined=1,
// urban_rural=urban|rural, from, to (RFC 3339), sample=pvt. The findings
// routes take format=csv or Accept: text/csv too. A coordinator's figures
// cover its regions only; the statement covers the country and needs
// run_analyses.
#pragma once

#include <vector>

#include "api/router.h"

namespace vigil::api {

struct ApiServices;

std::vector<Route> FindingsRoutes(const ApiServices& services);

}  // namespace vigil::api
