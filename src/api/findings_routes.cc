#include "api/findings_routes.h"

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <charconv>

#include "api/routes.h"
#include "service/findings_report.h"

namespace vigil::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using service::Permission;
using Respond = std::function<void(Response)>;

namespace {

// The request's filters, with a coordinator held to its regions.
Result<analysis::FindingFilter> Filter(const RouteRequest& r, storage::Store& store) {
  auto filter =
      service::FindingFilterFrom([&r](std::string_view key) { return r.Query(key); }, store);
  if (filter) filter->within = r.principal->regions;
  return filter;
}

// `level` as a hierarchy depth (0: top level), or `fallback` when absent.
Result<int> Level(const RouteRequest& r, int fallback) {
  const std::string v = r.Query("level");
  if (v.empty()) return fallback;
  int level = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), level);
  if (ec != std::errc() || ptr != v.data() + v.size() || level < 0 || level > 20) {
    return Fail(Status::InvalidArgument("level must be a whole number from 0 to 20"));
  }
  return level;
}

bool WantsCsv(const RouteRequest& r) {
  if (r.Query("format") == "csv") return true;
  return r.request[http::field::accept].find("text/csv") != std::string_view::npos;
}

Response Text(std::string body, const char* content_type) {
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, content_type);
  res.body() = std::move(body);
  return res;
}

constexpr const char* kCsv = "text/csv; charset=utf-8; header=present";

}  // namespace

std::vector<Route> FindingsRoutes(const ApiServices& services) {
  service::MissionService& mission = services.mission;
  service::LiveObservations& live = services.observations;
  std::vector<Route> routes;

  routes.push_back(
      {http::verb::get, "/api/v1/findings", Permission::kReadFindings,
       [&mission, &live](RouteRequest& r, Respond respond) {
         const std::string form = r.Query("form");
         const std::string question = r.Query("question");
         if (form.empty() || question.empty()) {
           respond(JsonError(Status::InvalidArgument("form and question are required")));
           return;
         }
         auto filter = Filter(r, mission.store());
         auto level = Level(r, -1);
         if (!filter || !level) {
           respond(JsonError(!filter ? filter.error() : level.error()));
           return;
         }
         live.Read([&](const analysis::ObservationTable& table) {
           auto overall = analysis::ComputeFinding(table, form, question, *filter);
           if (!overall) {
             respond(JsonError(overall.error()));
             return;
           }
           std::vector<analysis::AreaFinding> areas;
           if (*level >= 0) {
             auto by_area = analysis::ComputeFindingByArea(table, form, question, *level, *filter);
             if (!by_area) {
               respond(JsonError(by_area.error()));
               return;
             }
             areas = std::move(*by_area);
           }
           if (WantsCsv(r)) {
             areas.insert(areas.begin(), analysis::AreaFinding{"", "", *overall});
             respond(Text(service::FindingsCsv(areas), kCsv));
             return;
           }
           json::object out{{"finding", service::FindingJson(*overall)}};
           if (*level >= 0) {
             json::array list;
             for (const auto& a : areas) {
               json::value f = service::FindingJson(a.finding);
               list.push_back(json::object{{"code", a.code}, {"name", a.name}, {"finding", f}});
             }
             out["level"] = *level;
             out["areas"] = std::move(list);
           }
           respond(JsonResponse(http::status::ok, out));
         });
       }});

  routes.push_back({http::verb::get, "/api/v1/findings/summary", Permission::kReadFindings,
                    [&mission, &live](RouteRequest& r, Respond respond) {
                      auto filter = Filter(r, mission.store());
                      if (!filter) {
                        respond(JsonError(filter.error()));
                        return;
                      }
                      live.Read([&](const analysis::ObservationTable& table) {
                        const auto summary = analysis::ComputeSummary(table, *filter);
                        if (WantsCsv(r)) {
                          std::vector<analysis::AreaFinding> rows;
                          for (const auto& f : summary) {
                            for (const auto& q : f.questions)
                              rows.push_back(analysis::AreaFinding{"", "", q});
                          }
                          respond(Text(service::FindingsCsv(rows), kCsv));
                          return;
                        }
                        json::value out = service::SummaryJson(summary);
                        out.as_object()["interval_note"] =
                            filter->sample ? "" : analysis::kNotRandomNote;
                        respond(JsonResponse(http::status::ok, out));
                      });
                    }});

  routes.push_back(
      {http::verb::get, "/api/v1/criteria", Permission::kReadFindings,
       [&mission, &live](RouteRequest& r, Respond respond) {
         auto filter = Filter(r, mission.store());
         if (!filter) {
           respond(JsonError(filter.error()));
           return;
         }
         live.Read([&](const analysis::ObservationTable& table) {
           respond(JsonResponse(http::status::ok, service::ScorecardJson(analysis::ComputeScorecard(
                                                      analysis::ComputeSummary(table, *filter)))));
         });
       }});

  routes.push_back(
      {http::verb::get, "/api/v1/report/statement", Permission::kRunAnalyses,
       [&mission, &live](RouteRequest& r, Respond respond) {
         auto filter = Filter(r, mission.store());
         auto level = Level(r, -1);
         const std::string format = r.Query("format");
         if (!filter || !level) {
           respond(JsonError(!filter ? filter.error() : level.error()));
           return;
         }
         if (!format.empty() && format != "json" && format != "md" && format != "csv") {
           respond(JsonError(Status::InvalidArgument("format must be json, md or csv")));
           return;
         }
         live.Read([&](const analysis::ObservationTable& table) {
           const service::Statement s = service::BuildStatement(table, *level, *filter);
           if (format == "md") {
             respond(Text(service::StatementMarkdown(s), "text/markdown; charset=utf-8"));
           } else if (format == "csv") {
             respond(Text(service::StatementCsv(s), kCsv));
           } else {
             respond(JsonResponse(http::status::ok, service::StatementJson(s)));
           }
         });
       }});
  return routes;
}

}  // namespace vigil::api
