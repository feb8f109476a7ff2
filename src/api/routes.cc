#include "api/routes.h"

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <sstream>

#include "analysis/coverage.h"
#include "analysis/forensics.h"
#include "api/coverage_routes.h"
#include "api/events_routes.h"
#include "api/findings_routes.h"
#include "api/openrosa_routes.h"
#include "api/ostream_body.h"
#include "api/review_routes.h"
#include "service/admin.h"
#include "service/forensics_jobs.h"
#include "service/observer_copies.h"
#include "service/pvt.h"

namespace vigil::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using service::Permission;

namespace {

using Respond = std::function<void(Response)>;

constexpr std::string_view kLandingPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vigil</title></head>
<body><h1>vigil</h1>
<p>Election observation platform. This server speaks the vigil HTTP API:</p>
<ul>
<li><code>GET /healthz</code> - liveness</li>
<li><code>GET /api/v1/forms</code> - form definitions (token needed)</li>
<li><code>POST /api/v1/submissions</code> - submit an observation form</li>
<li><code>GET /api/v1/coverage</code> - stations reported vs. planned</li>
<li><code>GET /api/v1/conflicts</code> - observers' reports that disagree</li>
<li><code>GET /api/v1/findings/summary</code> - negative answers per question, with n</li>
<li><code>GET /api/v1/results</code> - official result sets</li>
<li><code>GET /api/v1/results/{name}/forensics</code> - results forensics</li>
</ul>
<p>See README.md and docs/api.md.</p></body></html>
)";

json::value SubmissionVersionJson(const storage::StoredSubmission& s) {
  json::value v = json::parse(s.canonical_json);
  v.as_object()["received_at"] = FormatRfc3339(s.received_at);
  v.as_object()["superseded_by"] =
      s.superseded_by.empty() ? json::value(nullptr) : json::value(s.superseded_by);
  return v;
}

bool IsJsonContentType(std::string_view content_type) {
  const std::string_view media = content_type.substr(0, content_type.find(';'));
  return boost::beast::iequals(media, "application/json");
}

// The names of the permissions a role has, so that a client (the web app)
// shows only what the caller may use; the routes check them regardless.
json::array PermissionsJson(core::Role role) {
  json::array out;
  for (Permission p : service::kAllPermissions) {
    if (service::RoleHas(role, p)) out.emplace_back(service::PermissionName(p));
  }
  return out;
}

json::value SessionJson(const service::SessionView& s) {
  json::array regions;
  for (const std::string& r : s.principal.regions) regions.emplace_back(r);
  return json::object{
      {"user", s.user},
      {"role", core::RoleName(s.principal.role)},
      {"permissions", PermissionsJson(s.principal.role)},
      {"observer", s.principal.observer_code.empty() ? json::value(nullptr)
                                                     : json::value(s.principal.observer_code)},
      {"regions", std::move(regions)},
      {"csrf_token", s.csrf_token},
      {"expires_at", FormatRfc3339(s.expires_at)},
      {"idle_expires_at", FormatRfc3339(s.idle_expires_at)}};
}

// The Set-Cookie value for a session (an empty value with max_age 0 clears
// it). Script cannot read it (HttpOnly), other sites cannot make the browser
// send it (SameSite=Strict), and over TLS it never travels in the clear.
std::string SessionCookie(const std::string& value, std::int64_t max_age, bool tls) {
  return std::string(SessionCookieName(tls)) + "=" + value +
         "; Path=/; Max-Age=" + std::to_string(max_age) + "; HttpOnly; SameSite=Strict" +
         (tls ? "; Secure" : "");
}

Response SubmitReply(const service::SubmitResult& r) {
  if (!r.status.ok()) return JsonError(r.status, r.errors);
  Response res = JsonResponse(http::status::created,
                              json::object{{"instance_id", r.instance_id},
                                           {"status", r.duplicate ? "duplicate" : "stored"}});
  res.set(http::field::location, "/api/v1/submissions/" + r.instance_id);
  return res;
}

}  // namespace

// Parses the body of a POST that must be JSON; on failure answers and
// returns nullopt.
std::optional<json::value> ParseJsonBody(const Request& request,
                                         const std::function<void(Response)>& respond) {
  if (!IsJsonContentType(request[http::field::content_type])) {
    Response res =
        JsonError(Status::InvalidArgument("send the body as Content-Type: application/json"));
    res.result(http::status::unsupported_media_type);
    respond(std::move(res));
    return std::nullopt;
  }
  boost::system::error_code ec;
  json::value body = json::parse(request.body(), ec);
  if (ec) {
    Response res =
        JsonError(Status::InvalidArgument("the body is not valid JSON: " + ec.message()));
    res.result(http::status::bad_request);
    respond(std::move(res));
    return std::nullopt;
  }
  return body;
}

std::vector<Route> ApiRoutes(const ApiServices& services) {
  service::MissionService& service = services.mission;
  service::SessionManager& sessions = services.sessions;
  service::ForensicsJobs& forensics = services.forensics;
  service::ObserverCopiesCache& copies_cache = services.copies;
  MetricsRegistry& metrics = services.metrics;
  std::vector<Route> routes;
  const auto add = [&](http::verb method, std::string pattern, std::optional<Permission> permission,
                       std::function<void(RouteRequest&, Respond)> handle) {
    routes.push_back({method, std::move(pattern), permission, std::move(handle)});
  };

  add(http::verb::get, "/", std::nullopt, [](RouteRequest&, Respond respond) {
    Response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.body() = kLandingPage;
    respond(std::move(res));
  });

  add(http::verb::get, "/healthz", std::nullopt, [](RouteRequest&, Respond respond) {
    respond(JsonResponse(http::status::ok, json::object{{"status", "ok"}}));
  });

  // Sign in: {"name": ..., "password": ...} gives the session cookie and the
  // CSRF token that must accompany the session's state-changing requests.
  add(http::verb::post, "/api/v1/session", std::nullopt,
      [&sessions](RouteRequest& r, Respond respond) {
        auto body = ParseJsonBody(r.request, respond);
        if (!body) return;
        const json::object* o = body->if_object();
        const json::value* name = o ? o->if_contains("name") : nullptr;
        const json::value* password = o ? o->if_contains("password") : nullptr;
        if (!name || !name->is_string() || !password || !password->is_string()) {
          respond(JsonError(
              Status::InvalidArgument(R"(send {"name": "...", "password": "..."} to sign in)")));
          return;
        }
        sessions.SignIn(
            std::string(name->as_string()), std::string(password->as_string()), r.peer.address,
            [respond, tls = r.peer.tls, &sessions, user = std::string(name->as_string()),
             address = r.peer.address](Result<service::NewSession> session) {
              if (!session) {
                Response res = JsonError(session.error());
                if (session.error().code() == StatusCode::kTooManyRequests) {
                  res.set(http::field::retry_after,
                          std::to_string(
                              std::max<std::int64_t>(1, sessions.LockedForSeconds(user, address))));
                }
                respond(std::move(res));
                return;
              }
              Response res = JsonResponse(http::status::created, SessionJson(session->view));
              res.set(
                  http::field::set_cookie,
                  SessionCookie(session->cookie, sessions.options().absolute_timeout.count(), tls));
              respond(std::move(res));
            });
      });

  add(http::verb::get, "/api/v1/session", Permission::kSignedIn,
      [](RouteRequest& r, Respond respond) {
        if (!r.session) {
          respond(JsonResponse(http::status::ok,
                               json::object{{"role", core::RoleName(r.principal->role)},
                                            {"permissions", PermissionsJson(r.principal->role)},
                                            {"actor", r.principal->actor},
                                            {"csrf_token", nullptr}}));
          return;
        }
        respond(JsonResponse(http::status::ok, SessionJson(*r.session)));
      });

  // Sign out: ends the session and clears the cookie.
  add(http::verb::delete_, "/api/v1/session", Permission::kSignedIn,
      [&sessions](RouteRequest& r, Respond respond) {
        if (!r.session) {
          respond(JsonError(Status::InvalidArgument(
              "this request carries a token, not a session; vigil token revoke ends a token")));
          return;
        }
        if (Status s = sessions.SignOut(r.session_cookie, r.peer.address); !s.ok()) {
          respond(JsonError(s));
          return;
        }
        Response res{http::status::no_content, 11};
        res.set(http::field::set_cookie, SessionCookie("", 0, r.peer.tls));
        respond(std::move(res));
      });

  add(http::verb::get, "/metrics", Permission::kReadMetrics,
      [&metrics](RouteRequest&, Respond respond) {
        Response res{http::status::ok, 11};
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.body() = metrics.RenderPrometheusText();
        respond(std::move(res));
      });

  add(http::verb::get, "/api/v1/forms", Permission::kReadForms,
      [&service](RouteRequest&, Respond respond) {
        const auto mission = service.Mission();
        json::array forms;
        std::vector<std::string> seen;
        // Current version of each form, in the order forms were first installed.
        for (const core::Form& f : mission->forms()) {
          if (std::find(seen.begin(), seen.end(), f.code) != seen.end()) continue;
          seen.push_back(f.code);
          forms.push_back(core::FormToJson(*mission->FindForm(f.code)));
        }
        respond(JsonResponse(http::status::ok, json::object{{"forms", std::move(forms)}}));
      });

  add(http::verb::get, "/api/v1/forms/{code}", Permission::kReadForms,
      [&service](RouteRequest& r, Respond respond) {
        const auto mission = service.Mission();
        const std::string version = r.Query("version");
        const core::Form* form = mission->FindForm(r.params[0], version);
        if (form == nullptr) {
          respond(JsonError(
              Status::NotFound("no form '" + r.params[0] + "'" +
                               (version.empty() ? "" : " with version '" + version + "'"))));
          return;
        }
        respond(JsonResponse(http::status::ok, core::FormToJson(*form)));
      });

  add(http::verb::post, "/api/v1/submissions", Permission::kSubmit,
      [&service](RouteRequest& r, Respond respond) {
        auto body = ParseJsonBody(r.request, respond);
        if (!body) return;
        service.Submit(*body, *r.principal,
                       [respond](service::SubmitResult result) { respond(SubmitReply(result)); });
      });

  // Parses and validates like POST /api/v1/submissions but stores nothing:
  // lets clients check a form before sending, and measures the HTTP ceiling
  // (`vigil bench ingest --echo`).
  add(http::verb::post, "/api/v1/submissions/validate", Permission::kSubmit,
      [&service](RouteRequest& r, Respond respond) {
        auto body = ParseJsonBody(r.request, respond);
        if (!body) return;
        storage::PendingSubmission pending;
        service::SubmitResult result = service.Check(*body, *r.principal, &pending);
        if (!result.status.ok()) {
          respond(JsonError(result.status, result.errors));
          return;
        }
        respond(JsonResponse(http::status::ok,
                             json::object{{"instance_id", result.instance_id}, {"valid", true}}));
      });

  add(http::verb::get, "/api/v1/submissions/{instance_id}", Permission::kReadSubmissions,
      [&service](RouteRequest& r, Respond respond) {
        auto history = service.GetSubmission(r.params[0], *r.principal);
        if (!history) {
          respond(JsonError(history.error()));
          return;
        }
        if (!*history) {
          respond(JsonError(Status::NotFound("no submission '" + r.params[0] + "'")));
          return;
        }
        json::array versions;
        for (const auto& v : (*history)->versions) {
          json::value version = SubmissionVersionJson(v);
          auto review = ReviewJson(service.store(), v.submission.instance_id);
          if (!review) {
            respond(JsonError(review.error()));
            return;
          }
          version.as_object()["review"] = std::move(*review);
          versions.push_back(std::move(version));
        }
        json::object body{{"instance_id", (*history)->versions.back().submission.instance_id},
                          {"current", versions.back()},
                          {"history", std::move(versions)}};
        respond(JsonResponse(http::status::ok, body));
      });

  add(http::verb::get, "/api/v1/observers", Permission::kReadSetup,
      [&service](RouteRequest& r, Respond respond) {
        const auto mission = service.Mission();
        json::array list;
        for (const core::Observer& o : mission->observers()) {
          if (!r.principal->SeesObserver(*mission, o)) continue;
          json::array stations;
          for (const std::string& s : o.stations) {
            if (r.principal->SeesStation(*mission, s)) stations.emplace_back(s);
          }
          json::array phones;
          for (const std::string& p : o.phones) phones.emplace_back(p);
          list.push_back(json::object{{"code", o.code},
                                      {"name", o.name},
                                      {"phones", std::move(phones)},
                                      {"role", core::ObserverRoleName(o.role)},
                                      {"team", o.team},
                                      {"language", o.language},
                                      {"stations", std::move(stations)}});
        }
        respond(JsonResponse(http::status::ok, json::object{{"observers", std::move(list)}}));
      });

  add(http::verb::get, "/api/v1/coverage", Permission::kReadStatistics,
      [&live = services.live](RouteRequest& r, Respond respond) {
        std::string form = r.Query("form");
        if (form.empty()) form = "V";
        int depth = 0;
        if (const std::string d = r.Query("depth"); !d.empty()) {
          auto [ptr, ec] = std::from_chars(d.data(), d.data() + d.size(), depth);
          if (ec != std::errc() || ptr != d.data() + d.size() || depth < 0 || depth > 20) {
            respond(
                JsonError(Status::InvalidArgument("depth must be a whole number from 0 to 20")));
            return;
          }
        }
        // From the live counts by station index: no store query, no code look-up.
        std::vector<std::int32_t> counts;
        std::shared_ptr<const analysis::StationIndex> stations;
        live.Read([&](const service::LiveReports::View& view) {
          stations = view.stations;
          const auto c = view.LocationCounts(form);
          counts.assign(c.begin(), c.end());
        });
        const auto coverage =
            analysis::ComputeCoverage(*stations, counts, depth, r.principal->regions);
        json::array areas;
        for (const auto& a : coverage.areas) {
          areas.push_back(json::object{{"code", a.code},
                                       {"name", a.name},
                                       {"stations", a.stations},
                                       {"planned", a.planned},
                                       {"reported", a.reported}});
        }
        respond(JsonResponse(http::status::ok, json::object{{"form", form},
                                                            {"depth", depth},
                                                            {"stations", coverage.stations},
                                                            {"planned", coverage.planned},
                                                            {"reported", coverage.reported},
                                                            {"reports", coverage.reports},
                                                            {"areas", std::move(areas)}}));
      });

  // Submissions as CSV, JSON Lines or XLSX: a coordinator gets its regions',
  // a viewer an anonymized copy (report::Anonymize).
  Route export_route{http::verb::get, "/api/v1/export/submissions", Permission::kExport, nullptr};
  export_route.handle_stream =
      [&service](RouteRequest& r,
                 std::function<void(Response, std::shared_ptr<BodyStream>)> respond) {
        struct Kind {
          const char* name;
          report::ExportFormat format;
          const char* content_type;
        };
        static constexpr Kind kKinds[] = {
            {"csv", report::ExportFormat::kCsv, "text/csv; charset=utf-8; header=present"},
            {"jsonl", report::ExportFormat::kJsonl, "application/jsonl; charset=utf-8"},
            {"xlsx", report::ExportFormat::kXlsx,
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}};
        const std::string format = r.Query("format").empty() ? "csv" : r.Query("format");
        const Kind* kind = nullptr;
        for (const Kind& k : kKinds) {
          if (format == k.name) kind = &k;
        }
        if (kind == nullptr) {
          respond(JsonError(Status::InvalidArgument("format must be csv, jsonl or xlsx")), nullptr);
          return;
        }
        const auto mission = service.Mission();
        const service::Principal& who = *r.principal;
        service::ExportOptions options{
            .format = kind->format,
            // A viewer gets no replaced versions: they would show edits.
            .current_only = r.Query("current_only") == "true" || who.role == core::Role::kViewer,
            .anonymize = who.role == core::Role::kViewer};
        if (who.role == core::Role::kCoordinator) {
          options.include = [mission, who](const core::Submission& s) {
            return who.SeesStation(*mission, s.station_code);
          };
        }
        // Streamed as it is read (a million rows in bounded memory); a
        // failure part way cuts the body short, as the client will see. An
        // XLSX workbook is built in a temporary file first (the writer's
        // constant_memory mode), then streamed from it and deleted.
        Response res{http::status::ok, 11};
        res.set(http::field::content_type, kind->content_type);
        res.set(http::field::content_disposition,
                std::string("attachment; filename=\"submissions.") + kind->name + "\"");
        respond(std::move(res),
                std::make_shared<OstreamBody>(
                    [&service, options](std::ostream& out, const std::function<bool()>& cancelled) {
                      service::ExportOptions o = options;
                      o.cancelled = cancelled;
                      std::int64_t exported = 0;
                      return service::ExportSubmissions(service.store(), o, out, {}, &exported);
                    }));
      };
  routes.push_back(std::move(export_route));

  add(http::verb::get, "/api/v1/results", Permission::kReadStatistics,
      [&service](RouteRequest&, Respond respond) {
        auto sets = service.store().ListResultSets();
        if (!sets) {
          respond(JsonError(sets.error()));
          return;
        }
        json::array list;
        for (const storage::ResultSetInfo& s : *sets) {
          list.push_back(json::object{{"name", s.name},
                                      {"source", s.source},
                                      {"format", s.format},
                                      {"imported_at", FormatRfc3339(s.imported_at)},
                                      {"stations", s.stations},
                                      {"sha256", ToHex(s.content_hash)}});
        }
        respond(JsonResponse(http::status::ok, json::object{{"result_sets", std::move(list)}}));
      });

  // The forensics report of a result set: 202 with progress until it is
  // made (poll again after Retry-After), then 200 with the JSON or, with
  // format=html or csv, the HTML page or the results CSV.
  add(http::verb::get, "/api/v1/results/{name}/forensics", Permission::kRunAnalyses,
      [&service, &forensics](RouteRequest& r, Respond respond) {
        service::ForensicsRequest request{.set = r.params[0], .by = r.Query("by")};
        if (const std::string seed = r.Query("seed"); !seed.empty()) {
          auto [ptr, ec] = std::from_chars(seed.data(), seed.data() + seed.size(), request.seed);
          if (ec != std::errc() || ptr != seed.data() + seed.size()) {
            respond(
                JsonError(Status::InvalidArgument("seed must be a whole number from 0 to "
                                                  "18446744073709551615")));
            return;
          }
        }
        const std::string format = r.Query("format");
        if (!format.empty() && format != "json" && format != "html" && format != "csv") {
          respond(JsonError(Status::InvalidArgument("format must be json, html or csv")));
          return;
        }
        // Refuse an unknown set or level now rather than after queueing.
        auto sets = service.store().ListResultSets();
        if (!sets) {
          respond(JsonError(sets.error()));
          return;
        }
        const auto set = std::find_if(sets->begin(), sets->end(),
                                      [&](const auto& s) { return s.name == request.set; });
        if (set == sets->end()) {
          respond(JsonError(Status::NotFound("no result set named '" + request.set + "'")));
          return;
        }
        if (!request.by.empty()) {
          if (auto level = analysis::AreaLevelIndex(set->area_levels, request.by, "by="); !level) {
            respond(JsonError(level.error()));
            return;
          }
        }
        const service::ForensicsProgress p = forensics.Get(request);
        using State = service::ForensicsProgress::State;
        if (p.state == State::kFailed) {
          respond(JsonError(p.error));
          return;
        }
        if (p.state != State::kDone) {
          Response res = JsonResponse(
              http::status::accepted,
              json::object{{"status", p.state == State::kQueued ? "queued" : "running"},
                           {"steps_done", p.done},
                           {"steps", p.total}});
          res.set(http::field::retry_after, "2");
          respond(std::move(res));
          return;
        }
        Response res{http::status::ok, 11};
        if (format == "html") {
          res.set(http::field::content_type, "text/html; charset=utf-8");
          res.body() = *p.html;
        } else if (format == "csv") {
          res.set(http::field::content_type, "text/csv; charset=utf-8; header=present");
          res.body() = *p.csv;
        } else {
          res.set(http::field::content_type, "application/json");
          res.body() = *p.json;
        }
        respond(std::move(res));
      });

  // The observers' copies of the protocols against official result set
  // {name}: JSON, or with format=csv one row per station and differing
  // figure.
  add(http::verb::get, "/api/v1/results/{name}/copies", Permission::kRunAnalyses,
      [&service, &copies_cache](RouteRequest& r, Respond respond) {
        const std::string format = r.Query("format");
        if (!format.empty() && format != "json" && format != "csv") {
          respond(JsonError(Status::InvalidArgument("format must be json or csv")));
          return;
        }
        auto copies = copies_cache.Get(service.Mission());
        if (!copies) {
          respond(JsonError(copies.error()));
          return;
        }
        auto report = service::CompareObserverCopies(service.store(), **copies, r.params[0],
                                                     r.Query("previous"), r.Query("by"));
        if (!report) {
          respond(JsonError(report.error()));
          return;
        }
        if (format == "csv") {
          std::ostringstream csv;
          service::WriteCopiesCsv(csv, *report);
          Response res{http::status::ok, 11};
          res.set(http::field::content_type, "text/csv; charset=utf-8; header=present");
          res.body() = csv.str();
          respond(std::move(res));
          return;
        }
        respond(JsonResponse(http::status::ok, service::CopiesReportJson(*report)));
      });

  // The PVT estimate from the mission's sample, as its stations report;
  // official=NAME compares with that result set.
  add(http::verb::get, "/api/v1/pvt", Permission::kRunAnalyses,
      [&service, &copies_cache](RouteRequest& r, Respond respond) {
        auto copies = copies_cache.Get(service.Mission());
        if (!copies) {
          respond(JsonError(copies.error()));
          return;
        }
        auto pvt = service::EstimateMissionPvt(service.store(), **copies, r.Query("official"));
        if (!pvt) {
          respond(JsonError(pvt.error()));
          return;
        }
        respond(JsonResponse(http::status::ok, service::MissionPvtJson(*pvt)));
      });

  for (Route& route : OpenRosaRoutes(services)) routes.push_back(std::move(route));
  for (Route& route : ReviewRoutes(services)) routes.push_back(std::move(route));
  for (Route& route : CoverageRoutes(services)) routes.push_back(std::move(route));
  for (Route& route : FindingsRoutes(services)) routes.push_back(std::move(route));
  for (Route& route : EventsRoutes(services)) routes.push_back(std::move(route));
  return routes;
}

}  // namespace vigil::api
