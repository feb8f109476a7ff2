// Routes of the vigil HTTP API. Every route declares, in the one table built
// by MakeRouter, its method, path pattern and the permission it needs; the
// router authenticates the caller and checks that permission before the
// handler runs, so no handler can forget it.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/http_server.h"
#include "service/mission_service.h"
#include "service/sessions.h"

namespace vigil::api {

struct RouteRequest {
  Request& request;
  const Peer& peer;
  std::vector<std::string> params;                         // values of the {placeholders}, decoded
  std::optional<service::Principal> principal;             // set unless the route is public
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  // Set when the caller was authenticated by a session cookie.
  std::optional<service::SessionView> session;
  std::string session_cookie;
  // Who the access log names; a route that authenticates by itself (the
  // OpenRosa routes) sets it.
  std::shared_ptr<std::string> actor;

  // The value of query parameter `key`; empty if absent.
  std::string Query(std::string_view key) const;
};

struct Route {
  boost::beast::http::verb method;
  std::string pattern;                            // "/api/v1/submissions/{instance_id}"
  std::optional<service::Permission> permission;  // nullopt: public, or see odk_login
  std::function<void(RouteRequest&, std::function<void(Response)>)> handle;
  // Authenticated by the route itself with an observer's ODK login (HTTP
  // Digest, openrosa_routes.h), not by the router: tokens and sessions do
  // not count. `permission` is then nullopt.
  bool odk_login = false;
  // Instead of `handle`, for a route whose body is streamed (http_server.h's
  // BodyStream): answers with the response's header and the stream, or with
  // a whole response and a null stream (e.g. an error).
  std::function<void(RouteRequest&, std::function<void(Response, std::shared_ptr<BodyStream>)>)>
      handle_stream;
};

// The session cookie's name. Over TLS it carries the __Host- prefix, with
// which a browser accepts it only from this host, over HTTPS, for the whole
// site: a sibling subdomain cannot plant its own session cookie on us.
inline constexpr std::string_view kSessionCookie = "vigil_session";
inline constexpr std::string_view kSecureSessionCookie = "__Host-vigil_session";
inline std::string_view SessionCookieName(bool tls) {
  return tls ? kSecureSessionCookie : kSessionCookie;
}
// The header that must carry a session's CSRF token on a state-changing request.
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// The value of cookie `name` in a Cookie header, or empty.
std::string_view FindCookie(std::string_view cookie_header, std::string_view name);

// A caller is authenticated by an `Authorization: Bearer` token or, failing
// that, by the session cookie; a state-changing request (any method but GET
// and HEAD) authenticated by a cookie must also carry the session's CSRF
// token in X-CSRF-Token, because a browser sends cookies with requests that
// other sites make it send.
class Router {
 public:
  Router(std::vector<Route> routes, service::MissionService& service,
         service::SessionManager& sessions);
  // The Handler for HttpServer.
  void Handle(Request& request, const Peer& peer, Responder respond);
  const std::vector<Route>& routes() const { return routes_; }
  // What answers a GET that no route matches (the web app's files,
  // web_assets.h), given the decoded path; its nullopt leaves the 404.
  using Fallback = std::function<std::optional<Response>(const Request&, std::string_view path)>;
  void set_fallback(Fallback fallback) { fallback_ = std::move(fallback); }

 private:
  // Fills r.principal (and r.session); on failure returns what to answer.
  Status Authenticate(RouteRequest& r);

  std::vector<Route> routes_;
  Fallback fallback_;
  service::MissionService& service_;
  service::SessionManager& sessions_;
};

// JSON error body: {"error": "...", "message": "...", "fields": [...]}.
Response JsonError(const Status& status, const std::vector<core::FieldError>& fields = {});
// The one mapping from Status to HTTP status.
boost::beast::http::status HttpStatusFor(StatusCode code);
Response JsonResponse(boost::beast::http::status status, const boost::json::value& body);

}  // namespace vigil::api
