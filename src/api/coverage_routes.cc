#include "api/coverage_routes.h"

#include <algorithm>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <charconv>

#include "analysis/coverage.h"
#include "api/routes.h"
#include "service/conflicts.h"

namespace vigil::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using service::Permission;

namespace {

using Respond = std::function<void(Response)>;

// Query parameter `key` as a whole number in [lo, hi], or `fallback` if
// absent; on a bad value answers 422 and returns nullopt.
std::optional<std::int64_t> IntQuery(const RouteRequest& r, std::string_view key,
                                     std::int64_t fallback, std::int64_t lo, std::int64_t hi,
                                     const Respond& respond) {
  const std::string text = r.Query(key);
  if (text.empty()) return fallback;
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v < lo || v > hi) {
    respond(JsonError(Status::InvalidArgument(std::string(key) + " must be a whole number from " +
                                              std::to_string(lo) + " to " + std::to_string(hi))));
    return std::nullopt;
  }
  return v;
}

// The form asked for (`fallback` if none); on an unknown one answers 404.
std::optional<std::string> FormQuery(const RouteRequest& r, const core::MissionIndex& mission,
                                     const char* fallback, const Respond& respond) {
  std::string form = r.Query("form");
  if (form.empty()) form = fallback;
  if (mission.FindForm(form) == nullptr) {
    respond(JsonError(Status::NotFound("no form '" + form + "'")));
    return std::nullopt;
  }
  return form;
}

// The areas a request looks in: region=CODE if given (a coordinator only
// within its own regions), else the caller's regions (none: everywhere).
std::optional<std::vector<std::string>> AreasQuery(const RouteRequest& r,
                                                   const core::MissionIndex& mission,
                                                   const Respond& respond) {
  const std::string region = r.Query("region");
  const service::Principal& who = *r.principal;
  if (region.empty()) return who.regions;
  if (mission.FindLocation(region) == nullptr ||
      (!who.regions.empty() && !mission.IsWithin(region, who.regions))) {
    respond(JsonError(Status::NotFound("no region '" + region + "'")));
    return std::nullopt;
  }
  return std::vector<std::string>{region};
}

json::value OptionalTime(const std::optional<Timestamp>& t) {
  return t ? json::value(FormatRfc3339(*t)) : json::value(nullptr);
}

json::value ResolutionJson(const std::optional<core::ConflictResolution>& r) {
  if (!r) return nullptr;
  json::object o{
      {"id", r->id},
      {"instance_id", r->instance_id.empty() ? json::value(nullptr) : json::value(r->instance_id)},
      {"value", r->value.value_or(nullptr)},
      {"note", r->note},
      {"by", r->actor},
      {"at", FormatRfc3339(r->resolved_at)}};
  return o;
}

}  // namespace

std::vector<Route> CoverageRoutes(const ApiServices& services) {
  service::MissionService& service = services.mission;
  service::LiveReports& live = services.live;
  std::vector<Route> routes;
  const auto add = [&](http::verb method, std::string pattern, Permission permission,
                       std::function<void(RouteRequest&, Respond)> handle) {
    routes.push_back({method, std::move(pattern), permission, std::move(handle)});
  };

  // Every form's coverage: stations, planned (an observer assigned),
  // reported, and current reports in all.
  add(http::verb::get, "/api/v1/coverage/forms", Permission::kReadStatistics,
      [&service, &live](RouteRequest& r, Respond respond) {
        const auto mission = service.Mission();
        std::vector<std::string> codes;
        for (const core::Form& f : mission->forms()) {
          if (std::find(codes.begin(), codes.end(), f.code) == codes.end()) codes.push_back(f.code);
        }
        // Copied under the lock (a few hundred kilobytes), counted outside it.
        std::vector<std::vector<std::int32_t>> counts(codes.size());
        std::shared_ptr<const analysis::StationIndex> stations;
        live.Read([&](const service::LiveReports::View& view) {
          stations = view.stations;
          for (std::size_t i = 0; i < codes.size(); ++i) {
            const auto c = view.LocationCounts(codes[i]);
            counts[i].assign(c.begin(), c.end());
          }
        });
        json::array forms;
        for (std::size_t i = 0; i < codes.size(); ++i) {
          const auto c = analysis::ComputeCoverage(*stations, counts[i], 0, r.principal->regions);
          forms.push_back(json::object{{"form", codes[i]},
                                       {"stations", c.stations},
                                       {"planned", c.planned},
                                       {"reported", c.reported},
                                       {"reports", c.reports}});
        }
        respond(JsonResponse(http::status::ok, json::object{{"forms", std::move(forms)}}));
      });

  // Planned stations with no current report of the form, in set-up order,
  // paged with offset and limit; names the observers assigned.
  add(http::verb::get, "/api/v1/coverage/missing", Permission::kReadSetup,
      [&service, &live](RouteRequest& r, Respond respond) {
        const auto mission = service.Mission();
        const auto form = FormQuery(r, *mission, "V", respond);
        if (!form) return;
        const auto areas = AreasQuery(r, *mission, respond);
        if (!areas) return;
        const auto offset = IntQuery(r, "offset", 0, 0, 100'000'000, respond);
        if (!offset) return;
        const auto limit = IntQuery(r, "limit", 100, 1, 10'000, respond);
        if (!limit) return;
        std::vector<std::int32_t> counts;
        std::shared_ptr<const analysis::StationIndex> index;
        live.Read([&](const service::LiveReports::View& view) {
          index = view.stations;
          const auto c = view.LocationCounts(*form);
          counts.assign(c.begin(), c.end());
        });
        const std::vector<analysis::MissingReport> missing =
            analysis::MissingReports(*index, counts, *areas);
        json::array stations;
        for (std::size_t i = static_cast<std::size_t>(*offset);
             i < missing.size() && stations.size() < static_cast<std::size_t>(*limit); ++i) {
          json::array observers;
          for (const std::string& o : missing[i].observers) observers.emplace_back(o);
          stations.push_back(json::object{{"code", missing[i].station_code},
                                          {"name", missing[i].station_name},
                                          {"observers", std::move(observers)}});
        }
        respond(JsonResponse(http::status::ok, json::object{{"form", *form},
                                                            {"total", missing.size()},
                                                            {"offset", *offset},
                                                            {"limit", *limit},
                                                            {"stations", std::move(stations)}}));
      });

  // Observers: checked in (any current report) and reported (a report of
  // the form); status=not_checked_in or not_reported lists only those.
  add(http::verb::get, "/api/v1/coverage/observers", Permission::kReadSetup,
      [&service, &live](RouteRequest& r, Respond respond) {
        const auto mission = service.Mission();
        const auto form = FormQuery(r, *mission, "V", respond);
        if (!form) return;
        const auto areas = AreasQuery(r, *mission, respond);
        if (!areas) return;
        const std::string status = r.Query("status");
        if (!status.empty() && status != "all" && status != "not_checked_in" &&
            status != "not_reported") {
          respond(JsonError(
              Status::InvalidArgument("status must be all, not_checked_in or not_reported")));
          return;
        }
        std::vector<analysis::ObserverActivity> activity;
        live.Read([&](const service::LiveReports::View& view) {
          activity = analysis::ComputeObserverActivity(*mission, view.reports, *form, *areas);
        });
        std::int64_t not_checked_in = 0;
        std::int64_t not_reported = 0;
        json::array list;
        for (const analysis::ObserverActivity& a : activity) {
          if (!a.checked_in()) ++not_checked_in;
          if (a.form_reports == 0) ++not_reported;
          if ((status == "not_checked_in" && a.checked_in()) ||
              (status == "not_reported" && a.form_reports > 0))
            continue;
          list.push_back(json::object{{"code", a.code},
                                      {"name", a.name},
                                      {"checked_in", a.checked_in()},
                                      {"reports", a.reports},
                                      {"form_reports", a.form_reports},
                                      {"last_report", OptionalTime(a.last_report)}});
        }
        respond(JsonResponse(http::status::ok, json::object{{"form", *form},
                                                            {"observers_total", activity.size()},
                                                            {"not_checked_in", not_checked_in},
                                                            {"not_reported", not_reported},
                                                            {"observers", std::move(list)}}));
      });

  // Current reports of the form per time bucket (minutes=15 by default) by
  // when the server received them.
  add(http::verb::get, "/api/v1/coverage/timeline", Permission::kReadStatistics,
      [&service, &live](RouteRequest& r, Respond respond) {
        const auto mission = service.Mission();
        const auto form = FormQuery(r, *mission, "V", respond);
        if (!form) return;
        const auto areas = AreasQuery(r, *mission, respond);
        if (!areas) return;
        const auto minutes = IntQuery(r, "minutes", 15, 1, 1440, respond);
        if (!minutes) return;
        Result<std::vector<analysis::TimeBucket>> buckets;
        live.Read([&](const service::LiveReports::View& view) {
          buckets = analysis::ReportsOverTime(*mission, view.reports, *form,
                                              std::chrono::minutes(*minutes), *areas);
        });
        if (!buckets) {
          respond(JsonError(buckets.error()));
          return;
        }
        json::array list;
        for (const analysis::TimeBucket& b : *buckets) {
          list.push_back(json::object{{"start", FormatRfc3339(b.start)},
                                      {"reports", b.reports},
                                      {"cumulative", b.cumulative}});
        }
        respond(JsonResponse(
            http::status::ok,
            json::object{{"form", *form}, {"minutes", *minutes}, {"buckets", std::move(list)}}));
      });

  // One row per station and question where the form's current reports
  // disagree; status=open or resolved lists only those (default all).
  add(http::verb::get, "/api/v1/conflicts", Permission::kReadConflicts,
      [&service, &live](RouteRequest& r, Respond respond) {
        const std::string status = r.Query("status");
        service::ConflictFilter filter = service::ConflictFilter::kAll;
        if (status == "open") {
          filter = service::ConflictFilter::kOpen;
        } else if (status == "resolved") {
          filter = service::ConflictFilter::kResolved;
        } else if (!status.empty() && status != "all") {
          respond(JsonError(Status::InvalidArgument("status must be open, resolved or all")));
          return;
        }
        std::string form = r.Query("form");
        if (form.empty()) form = "C";
        auto stations =
            service::ListConflicts(service, live, *r.principal, form, r.Query("region"), filter);
        if (!stations) {
          respond(JsonError(stations.error()));
          return;
        }
        json::array list;
        for (const service::StationConflicts& s : *stations) {
          for (const analysis::QuestionConflict& c : s.conflicts) {
            json::array answers;
            for (const analysis::GivenAnswer& a : c.answers) {
              answers.push_back(json::object{{"instance_id", a.instance_id},
                                             {"observer", a.observer_code},
                                             {"value", a.value}});
            }
            list.push_back(json::object{{"station", s.station_code},
                                        {"question", c.question},
                                        {"status", c.resolution ? "resolved" : "open"},
                                        {"answers", std::move(answers)},
                                        {"resolution", ResolutionJson(c.resolution)}});
          }
        }
        respond(
            JsonResponse(http::status::ok, json::object{{"form", form},
                                                        {"status", status.empty() ? "all" : status},
                                                        {"stations", stations->size()},
                                                        {"conflicts", std::move(list)}}));
      });

  // {"station", "form", "question", "instance_id" | "value", "note"}: 201
  // with the resolution as kept.
  add(http::verb::post, "/api/v1/conflicts/resolve", Permission::kResolveConflicts,
      [&service, &live](RouteRequest& r, Respond respond) {
        auto body = ParseJsonBody(r.request, respond);
        if (!body) return;
        const json::object* o = body->if_object();
        if (o == nullptr) {
          respond(JsonError(Status::InvalidArgument("the body must be a JSON object")));
          return;
        }
        service::ResolveRequest request;
        std::vector<core::FieldError> errors;
        const auto text = [&](const char* key, std::string* out, bool required) {
          const json::value* v = o->if_contains(key);
          if (v == nullptr) {
            if (required) errors.push_back({key, "is required"});
          } else if (!v->is_string()) {
            errors.push_back({key, "must be a string"});
          } else {
            *out = std::string(v->as_string());
          }
        };
        for (const auto& [key, value] : *o) {
          if (key != "station" && key != "form" && key != "question" && key != "instance_id" &&
              key != "value" && key != "note")
            errors.push_back({std::string(key), "unknown field"});
        }
        text("station", &request.station, true);
        text("form", &request.form, true);
        text("question", &request.question, true);
        text("instance_id", &request.instance_id, false);
        text("note", &request.note, false);
        if (const json::value* v = o->if_contains("value")) request.value = *v;
        if (!errors.empty()) {
          respond(JsonError(Status::InvalidArgument("the resolution is malformed"), errors));
          return;
        }
        auto resolution = service::ResolveConflict(service, live, *r.principal, request);
        if (!resolution) {
          respond(JsonError(resolution.error()));
          return;
        }
        json::value out = ResolutionJson(*resolution);
        out.as_object()["station"] = resolution->station_code;
        out.as_object()["form"] = resolution->form_code;
        out.as_object()["question"] = resolution->question;
        respond(JsonResponse(http::status::created, out));
      });

  // The station's master record of form=C (default): per question the
  // value, where it came from (agreed, chosen, override, conflict) and the
  // reports that gave it.
  add(http::verb::get, "/api/v1/stations/{code}/master", Permission::kReadConflicts,
      [&service, &live](RouteRequest& r, Respond respond) {
        std::string form = r.Query("form");
        if (form.empty()) form = "C";
        auto record = service::StationMasterRecord(service, live, *r.principal, r.params[0], form);
        if (!record) {
          respond(JsonError(record.error()));
          return;
        }
        json::array reports;
        for (const std::string& id : record->reports) reports.emplace_back(id);
        json::array answers;
        for (const analysis::MasterAnswer& a : record->answers) {
          json::array from;
          for (const std::string& id : a.from) from.emplace_back(id);
          answers.push_back(json::object{{"question", a.question},
                                         {"value", a.value},
                                         {"source", analysis::MasterSourceName(a.source)},
                                         {"from", std::move(from)},
                                         {"resolution", ResolutionJson(a.resolution)}});
        }
        respond(JsonResponse(http::status::ok, json::object{{"station", r.params[0]},
                                                            {"form", form},
                                                            {"reports", std::move(reports)},
                                                            {"answers", std::move(answers)}}));
      });
  return routes;
}

}  // namespace vigil::api
