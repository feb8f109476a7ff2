// The OpenRosa server (https://docs.getodk.org/openrosa/) under /openrosa/,
// for ODK Collect, Enketo and KoboCollect, which are configured with the
// server URL https://HOST/openrosa:
//   GET  /openrosa/formList                          the current version of each form
//   GET  /openrosa/forms/{code}/{version}            its XForm
//   GET  /openrosa/forms/{code}/{version}/manifest   its media files (none yet)
//   HEAD /openrosa/submission                        204 with the size limit
//   POST /openrosa/submission                        multipart: the instance and attachments
// Every route needs an observer's ODK login (HTTP Digest; Basic over TLS
// only), checked here rather than by the router, whose credentials are
// bearer tokens and sessions. Every answer carries X-OpenRosa-Version: 1.0
// and Date; errors are OpenRosaResponse documents with the HTTP status of
// the JSON API. Submissions go through MissionService::Submit like those of
// POST /api/v1/submissions, so validation, deduplication and durability are
// the same.
#pragma once

#include <vector>

#include "api/router.h"

namespace vigil::api {

struct ApiServices;

std::vector<Route> OpenRosaRoutes(const ApiServices& services);

// The value of an HTTP Date header ("Sun, 07 Jun 2026 08:01:02 GMT").
std::string HttpDate(Timestamp t);

// The 413 answer to an OpenRosa request over the limit (HttpServer's
// BodyLimit::too_large), an OpenRosaResponse like every other error.
Response OpenRosaTooLarge(std::size_t max_bytes);

// An OpenRosaResponse document carrying `message` (escaped).
std::string OpenRosaMessage(std::string_view message);

}  // namespace vigil::api
