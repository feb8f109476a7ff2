// Routes of the vigil HTTP API. Every route declares, in the one table built
// by MakeRouter, its method, path pattern and the permission it needs; the
// router authenticates the caller and checks that permission before the
// handler runs, so no handler can forget it.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/http_server.h"
#include "service/mission_service.h"

namespace vigil::api {

struct RouteRequest {
  Request& request;
  std::vector<std::string> params;                         // values of the {placeholders}, decoded
  std::optional<service::Principal> principal;             // set unless the route is public
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order

  // The value of query parameter `key`; empty if absent.
  std::string Query(std::string_view key) const;
};

struct Route {
  boost::beast::http::verb method;
  std::string pattern;                            // "/api/v1/submissions/{instance_id}"
  std::optional<service::Permission> permission;  // nullopt: public
  std::function<void(RouteRequest&, std::function<void(Response)>)> handle;
};

class Router {
 public:
  Router(std::vector<Route> routes, service::MissionService& service);
  // The Handler for HttpServer.
  void Handle(Request& request, const Peer& peer, Responder respond);
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  service::MissionService& service_;
};

// JSON error body: {"error": "...", "message": "...", "fields": [...]}.
Response JsonError(const Status& status, const std::vector<core::FieldError>& fields = {});
// The one mapping from Status to HTTP status.
boost::beast::http::status HttpStatusFor(StatusCode code);
Response JsonResponse(boost::beast::http::status status, const boost::json::value& body);

}  // namespace vigil::api
