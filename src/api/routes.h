// The vigil HTTP API (version 1): the route table.
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <optional>
#include <vector>

#include "api/router.h"
#include "common/metrics.h"
#include "service/alerts.h"
#include "service/attachments.h"
#include "service/digest_auth.h"
#include "service/events.h"
#include "service/forensics_jobs.h"
#include "service/live_observations.h"
#include "service/live_reports.h"
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
  service::DigestAuthenticator& digest;     // ODK logins, for the OpenRosa routes
  service::AttachmentStore& attachments;    // files sent with OpenRosa submissions
  service::LiveReports& live;               // current reports, for coverage and conflicts
  service::LiveObservations& observations;  // the findings routes' table
  std::size_t odk_max_body_bytes;           // OpenRosa submissions' limit, which they announce
  std::string public_url;                   // base of absolute URLs; empty: from the Host header
  service::EventBus& events;                // the event stream (events_routes.h)
  service::AlertService& alerts;            // critical alerts
};

// Every route of the API, each with the permission it needs, the OpenRosa
// routes (openrosa_routes.h) and the event stream and alerts
// (events_routes.h).
std::vector<Route> ApiRoutes(const ApiServices& services);

// Parses the body of a POST that must be JSON; on failure answers (415 or
// 400) and returns nullopt.
std::optional<boost::json::value> ParseJsonBody(const Request& request,
                                                const std::function<void(Response)>& respond);

}  // namespace vigil::api
