#include "api/router.h"

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "common/crypto.h"

namespace vigil::api {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

// Matches a decoded path against a pattern; fills params on success.
bool Match(std::string_view pattern, const std::vector<std::string>& segments,
           std::vector<std::string>* params) {
  params->clear();
  std::size_t i = 0;
  std::size_t pos = 1;  // skip the leading '/'
  while (pos <= pattern.size()) {
    const std::size_t end = std::min(pattern.find('/', pos), pattern.size());
    const std::string_view part = pattern.substr(pos, end - pos);
    if (i >= segments.size()) return false;
    if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
      if (segments[i].empty()) return false;
      params->push_back(segments[i]);
    } else if (part != segments[i]) {
      return false;
    }
    ++i;
    pos = end + 1;
  }
  return i == segments.size();
}

}  // namespace

http::status HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return http::status::ok;
    case StatusCode::kInvalidArgument:
      return http::status::unprocessable_entity;
    case StatusCode::kNotFound:
      return http::status::not_found;
    case StatusCode::kAlreadyExists:
      return http::status::conflict;
    case StatusCode::kConflict:
      return http::status::conflict;
    case StatusCode::kUnauthenticated:
      return http::status::unauthorized;
    case StatusCode::kPermissionDenied:
      return http::status::forbidden;
    case StatusCode::kResourceExhausted:
      return http::status::payload_too_large;
    case StatusCode::kTooManyRequests:
      return http::status::too_many_requests;
    case StatusCode::kUnavailable:
      return http::status::service_unavailable;
    case StatusCode::kDataLoss:
      return http::status::internal_server_error;
    case StatusCode::kInternal:
      return http::status::internal_server_error;
  }
  return http::status::internal_server_error;
}

Response JsonResponse(http::status status, const json::value& body) {
  Response res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = json::serialize(body);
  return res;
}

Response JsonError(const Status& status, const std::vector<core::FieldError>& fields) {
  json::object body{{"error", StatusCodeName(status.code())}, {"message", status.message()}};
  if (!fields.empty()) {
    json::array list;
    for (const auto& f : fields)
      list.push_back(json::object{{"field", f.field}, {"problem", f.problem}});
    body["fields"] = std::move(list);
  }
  Response res = JsonResponse(HttpStatusFor(status.code()), body);
  if (status.code() == StatusCode::kUnauthenticated) {
    res.set(http::field::www_authenticate, "Bearer realm=\"vigil\"");
  }
  if (status.code() == StatusCode::kUnavailable) res.set(http::field::retry_after, "1");
  return res;
}

std::string RouteRequest::Query(std::string_view key) const {
  for (const auto& [k, v] : query) {
    if (k == key) return v;
  }
  return {};
}

std::string_view FindCookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const std::size_t end = std::min(header.find(';'), header.size());
    std::string_view pair = header.substr(0, end);
    header.remove_prefix(std::min(end + 1, header.size()));
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return {};
}

Router::Router(std::vector<Route> routes, service::MissionService& service,
               service::SessionManager& sessions)
    : routes_(std::move(routes)), service_(service), sessions_(sessions) {}

Status Router::Authenticate(RouteRequest& r) {
  const auto auth = r.request[http::field::authorization];
  if (!auth.empty()) {
    constexpr std::string_view kBearer = "Bearer ";
    if (auth.size() <= kBearer.size() ||
        !boost::beast::iequals(auth.substr(0, kBearer.size()), kBearer)) {
      return Status::Unauthenticated("the Authorization header must be Bearer <token>");
    }
    auto principal = service_.Authenticate(auth.substr(kBearer.size()));
    if (!principal) return principal.error();
    r.principal = std::move(*principal);
    return Status::Ok();
  }
  const std::string_view cookie =
      FindCookie(r.request[http::field::cookie], SessionCookieName(r.peer.tls));
  if (cookie.empty()) {
    return Status::Unauthenticated(
        "this route needs an Authorization: Bearer <token> header or a session (POST "
        "/api/v1/session)");
  }
  auto session = sessions_.Resume(cookie);
  if (!session) return session.error();
  const bool safe = r.request.method() == http::verb::get || r.request.method() == http::verb::head;
  if (!safe && !ConstantTimeEquals(r.request[kCsrfHeader], session->csrf_token)) {
    // Names the caller, so that the access log shows who was refused.
    r.principal = session->principal;
    return Status::PermissionDenied(
        "missing or wrong X-CSRF-Token header: send the csrf_token given at sign-in (or by GET "
        "/api/v1/session)");
  }
  r.principal = session->principal;
  r.session_cookie = cookie;
  r.session = std::move(*session);
  return Status::Ok();
}

void Router::Handle(Request& request, const Peer& peer, Responder respond) {
  auto url = boost::urls::parse_origin_form(request.target());
  if (!url) {
    respond({JsonError(Status::InvalidArgument("malformed request target")), "unmatched", ""});
    return;
  }
  std::vector<std::string> segments;
  for (auto seg : url->segments()) segments.push_back(seg);
  if (segments.empty()) segments.emplace_back();  // "/" matches the pattern "/"

  std::vector<std::string> params;
  std::string allowed;
  for (const Route& route : routes_) {
    if (!Match(route.pattern, segments, &params)) continue;
    if (route.method != request.method()) {
      allowed += (allowed.empty() ? "" : ", ") + std::string(http::to_string(route.method));
      continue;
    }
    RouteRequest rr{request,
                    peer,
                    std::move(params),
                    std::nullopt,
                    {},
                    std::nullopt,
                    {},
                    std::make_shared<std::string>()};
    for (auto p : url->params()) rr.query.emplace_back(p.key, p.value);
    if (route.permission) {
      const Status auth = Authenticate(rr);
      if (rr.principal) *rr.actor = rr.principal->actor;
      if (!auth.ok()) {
        respond({JsonError(auth), route.pattern, *rr.actor});
        return;
      }
      if (!service::RoleHas(rr.principal->role, *route.permission)) {
        respond({JsonError(Status::PermissionDenied(
                     "role " + std::string(core::RoleName(rr.principal->role)) +
                     " lacks the permission " +
                     std::string(service::PermissionName(*route.permission)))),
                 route.pattern, *rr.actor});
        return;
      }
    }
    if (route.handle_stream) {
      route.handle_stream(rr, [respond, pattern = route.pattern, actor = rr.actor](
                                  Response res, std::shared_ptr<BodyStream> stream) {
        respond({std::move(res), pattern, *actor, std::move(stream)});
      });
      return;
    }
    route.handle(rr, [respond, pattern = route.pattern, actor = rr.actor](Response res) {
      respond({std::move(res), pattern, *actor});
    });
    return;
  }
  if (allowed.empty() && fallback_ && request.method() == http::verb::get) {
    if (auto res = fallback_(request, url->path())) {
      respond({std::move(*res), "web", ""});
      return;
    }
  }
  if (!allowed.empty()) {
    Response res =
        JsonError(Status(StatusCode::kInvalidArgument, "method not allowed; use " + allowed));
    res.result(http::status::method_not_allowed);
    res.set(http::field::allow, allowed);
    respond({std::move(res), "unmatched", ""});
    return;
  }
  Response res = JsonError(Status::NotFound("no such route: " + std::string(url->path())));
  respond({std::move(res), "unmatched", ""});
}

}  // namespace vigil::api
