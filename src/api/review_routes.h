// Data-quality rules and the analysts' review of submissions
// (docs/analytics.md, "Review"; docs/api.md):
//   GET  /api/v1/rules                            every rule
//   POST /api/v1/rules                            add or replace one (422 with the column)
//   POST /api/v1/rules/{code}/enable, .../disable
//   GET  /api/v1/quality                          flagged submissions (rule, form, status,
//                                                 region, offset, limit)
//   POST /api/v1/submissions/{instance_id}/review {"status": "verified", "note": "..."}
// GET /api/v1/submissions/{instance_id} shows each version's status, review
// history and flags (ReviewJson).
#pragma once

#include <boost/json/object.hpp>
#include <vector>

#include "api/router.h"
#include "storage/store.h"

namespace vigil::api {

struct ApiServices;

std::vector<Route> ReviewRoutes(const ApiServices& services);

// {"status": "quarantined", "history": [...], "rule_flags": [...]} for one
// stored version.
Result<boost::json::object> ReviewJson(storage::Store& store, const std::string& instance_id);

}  // namespace vigil::api
