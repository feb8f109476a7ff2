// The vigil HTTP API (version 1): the route table.
#pragma once

#include <vector>

#include "api/router.h"
#include "common/metrics.h"
#include "service/forensics_jobs.h"
#include "service/mission_service.h"
#include "service/observer_copies.h"
#include "service/sessions.h"

namespace vigil::api {

// What the routes work with; each outlives the routes.
struct ApiServices {
  service::MissionService& mission;
  service::SessionManager& sessions;
  service::ForensicsJobs& forensics;
  service::ObserverCopiesCache& copies;
  MetricsRegistry& metrics;
};

// Every route of the API, each with the permission it needs.
std::vector<Route> ApiRoutes(const ApiServices& services);

}  // namespace vigil::api
