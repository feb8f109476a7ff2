// The vigil HTTP API (version 1): the route table.
#pragma once

#include <vector>

#include "api/router.h"
#include "common/metrics.h"
#include "service/forensics_jobs.h"
#include "service/mission_service.h"
#include "service/observer_copies.h"

namespace vigil::api {

// Every route of the API, each with the permission it needs.
std::vector<Route> ApiRoutes(service::MissionService& service, service::ForensicsJobs& forensics,
                             service::ObserverCopiesCache& copies_cache, MetricsRegistry& metrics);

}  // namespace vigil::api
