// Live coverage and conflicts (issue 5), beside GET /api/v1/coverage in
// routes.cc:
//   GET  /api/v1/coverage/forms           stations planned vs. reported, per form
//   GET  /api/v1/coverage/missing         planned stations without a report of a form (paged)
//   GET  /api/v1/coverage/observers       who has checked in and who has reported
//   GET  /api/v1/coverage/timeline        reports per time bucket
//   GET  /api/v1/conflicts                observers' reports that disagree
//   POST /api/v1/conflicts/resolve        an analyst's resolution
//   GET  /api/v1/stations/{code}/master   a station's master record of a form
// All work on service::LiveReports, kept as submissions are stored, and
// coordinators see only their regions. docs/api.md and docs/analytics.md
// describe the answers.
#pragma once

#include <vector>

#include "api/router.h"

namespace vigil::api {

struct ApiServices;

std::vector<Route> CoverageRoutes(const ApiServices& services);

}  // namespace vigil::api
