#include "api/events_routes.h"

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <charconv>

#include "api/routes.h"
#include "service/alerts.h"

namespace vigil::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using service::EventType;
using service::Permission;

namespace {

using Respond = std::function<void(Response)>;

std::optional<std::int64_t> ParseId(std::string_view text) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

void AppendEvent(std::string* out, std::int64_t id, std::string_view type, std::string_view data) {
  *out += "id: ";
  *out += std::to_string(id);
  *out += "\nevent: ";
  *out += type;
  // The JSON is one line (serialize writes no newlines), as one data: line.
  *out += "\ndata: ";
  *out += data;
  *out += "\n\n";
}

json::object ChangeJson(const core::AlertChange& c) {
  json::object o{{"at", FormatRfc3339(c.at)},
                 {"actor", c.actor},
                 {"action", c.action},
                 {"status", core::AlertStatusName(c.status)},
                 {"assignee", c.assignee}};
  if (!c.note.empty()) o["note"] = c.note;
  return o;
}

}  // namespace

EventStream::EventStream(service::EventBus& bus, service::MissionService& mission,
                         service::Principal who, Options options)
    : bus_(bus), mission_(mission), who_(std::move(who)), options_(std::move(options)) {}

void EventStream::Start(std::function<void()> wake) {
  subscription_ = bus_.Subscribe(std::move(wake));
}

void EventStream::Stop() {
  if (subscription_ != 0) bus_.Unsubscribe(subscription_);
  subscription_ = 0;
}

BodyStream::Next EventStream::Pull(std::string* out) {
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<const service::Event>> events;
  if (!started_) {
    started_ = true;
    last_sent_ = now;
    // How long a browser's EventSource waits before reconnecting.
    *out += "retry: 2000\n\n";
    // A stream opened after a 201 starts after that submission's event, as
    // one opened before it gets it.
    mission_.WaitForListeners();
    cursor_ = bus_.LastId();
    if (options_.last_event_id) {
      if (bus_.Read(*options_.last_event_id, 0, &events) == service::EventBus::ReadResult::kOk) {
        cursor_ = *options_.last_event_id;
      } else {
        AppendEvent(out, cursor_, "reset",
                    json::serialize(json::object{
                        {"reason",
                         "the events after the given id are no longer kept (or it is from an "
                         "earlier run): reload, then follow the stream"},
                        {"last_event_id", *options_.last_event_id}}));
      }
    }
  }
  std::shared_ptr<const core::MissionIndex> mission;
  while (out->size() < options_.max_chunk_bytes) {
    events.clear();
    if (bus_.Read(cursor_, 256, &events) == service::EventBus::ReadResult::kGap) {
      // Too slow to keep up with the ring: end; the client resumes and is
      // told to reload.
      return Next::kEnd;
    }
    if (events.empty()) break;
    for (const auto& e : events) {
      cursor_ = e->id;
      if (!options_.types.empty() && !options_.types.contains(e->type)) continue;
      if (!who_.regions.empty()) {
        if (!mission) mission = mission_.Mission();
        if (!who_.SeesStation(*mission, e->station_code)) continue;
      }
      AppendEvent(out, e->id, service::EventTypeName(e->type), e->data);
    }
  }
  if (!out->empty()) {
    last_sent_ = now;
    return Next::kData;
  }
  if (now - last_sent_ >= options_.heartbeat) {
    last_sent_ = now;
    *out += ": heartbeat\n\n";
    return Next::kData;
  }
  return Next::kWait;
}

std::vector<Route> EventsRoutes(const ApiServices& services) {
  std::vector<Route> routes;
  service::EventBus& bus = services.events;
  service::MissionService& mission = services.mission;
  service::AlertService& alerts = services.alerts;

  Route events{http::verb::get, "/api/v1/events", Permission::kReadStatistics, nullptr};
  events.handle_stream = [&bus, &mission](
                             RouteRequest& r,
                             std::function<void(Response, std::shared_ptr<BodyStream>)> respond) {
    EventStream::Options options;
    const std::string types = r.Query("types");
    for (std::size_t at = 0; at < types.size();) {
      const std::size_t comma = std::min(types.find(',', at), types.size());
      const std::string name = types.substr(at, comma - at);
      at = comma + 1;
      if (name.empty()) continue;
      auto type = service::ParseEventType(name);
      if (!type) {
        respond(JsonError(Status::InvalidArgument("types: unknown event type '" + name +
                                                  "' (submission, alert, rule)")),
                nullptr);
        return;
      }
      options.types.insert(*type);
    }
    std::string last = std::string(r.request["Last-Event-ID"]);
    if (last.empty()) last = r.Query("last_event_id");
    if (!last.empty()) {
      options.last_event_id = ParseId(last);
      if (!options.last_event_id) {
        respond(JsonError(Status::InvalidArgument("Last-Event-ID: expected an event id, got '" +
                                                  last + "'")),
                nullptr);
        return;
      }
    }
    Response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/event-stream; charset=utf-8");
    // Proxies such as nginx would otherwise hold events back in a buffer.
    res.set("X-Accel-Buffering", "no");
    respond(std::move(res),
            std::make_shared<EventStream>(bus, mission, *r.principal, std::move(options)));
  };
  routes.push_back(std::move(events));

  routes.push_back(
      {http::verb::get, "/api/v1/alerts", Permission::kReadStatistics,
       [&alerts](RouteRequest& r, Respond respond) {
         std::optional<core::AlertStatus> status;
         if (const std::string s = r.Query("status"); !s.empty()) {
           status = core::ParseAlertStatus(s);
           if (!status) {
             respond(JsonError(Status::InvalidArgument(
                 "status: expected open, acknowledged or resolved, got '" + s + "'")));
             return;
           }
         }
         std::int64_t limit = 1000;
         if (const std::string l = r.Query("limit"); !l.empty()) {
           auto n = ParseId(l);
           if (!n || *n < 1 || *n > 100000) {
             respond(JsonError(Status::InvalidArgument(
                 "limit: expected a number from 1 to 100000, got '" + l + "'")));
             return;
           }
           limit = *n;
         }
         auto list = alerts.List(*r.principal, status, limit);
         if (!list) {
           respond(JsonError(list.error()));
           return;
         }
         json::array out;
         for (const core::Alert& a : *list) out.push_back(service::AlertJson(a));
         respond(JsonResponse(http::status::ok, json::object{{"alerts", std::move(out)}}));
       }});

  routes.push_back({http::verb::get, "/api/v1/alerts/{id}", Permission::kReadStatistics,
                    [&alerts](RouteRequest& r, Respond respond) {
                      auto id = ParseId(r.params[0]);
                      if (!id) {
                        respond(JsonError(Status::NotFound("no alert '" + r.params[0] + "'")));
                        return;
                      }
                      auto detail = alerts.Get(*r.principal, *id);
                      if (!detail) {
                        respond(JsonError(detail.error()));
                        return;
                      }
                      json::array history;
                      for (const core::AlertChange& c : detail->history)
                        history.push_back(ChangeJson(c));
                      respond(
                          JsonResponse(http::status::ok,
                                       json::object{{"alert", service::AlertJson(detail->alert)},
                                                    {"history", std::move(history)}}));
                    }});

  routes.push_back(
      {http::verb::post, "/api/v1/alerts/{id}/{action}", Permission::kHandleAlerts,
       [&alerts](RouteRequest& r, Respond respond) {
         auto id = ParseId(r.params[0]);
         if (!id) {
           respond(JsonError(Status::NotFound("no alert '" + r.params[0] + "'")));
           return;
         }
         std::string assignee;
         std::string note;
         if (!r.request.body().empty()) {
           boost::system::error_code ec;
           const json::value body = json::parse(r.request.body(), ec);
           if (ec || !body.is_object()) {
             Response res = JsonError(Status::InvalidArgument(
                 R"(the body must be a JSON object: {"assignee": "...", "note": "..."})"));
             res.result(http::status::bad_request);
             respond(std::move(res));
             return;
           }
           for (const auto& [key, value] : body.as_object()) {
             if (key != "assignee" && key != "note") {
               respond(JsonError(Status::InvalidArgument("unknown field '" + std::string(key) +
                                                         "' (assignee, note)"),
                                 {{std::string(key), "unknown field"}}));
               return;
             }
             if (!value.is_string()) {
               respond(JsonError(Status::InvalidArgument(std::string(key) + ": expected text"),
                                 {{std::string(key), "expected text"}}));
               return;
             }
             (key == "assignee" ? assignee : note) = std::string(value.as_string());
           }
         }
         auto changed = alerts.Act(*r.principal, *id, r.params[1], assignee, note);
         if (!changed) {
           respond(JsonError(changed.error()));
           return;
         }
         respond(
             JsonResponse(http::status::ok, json::object{{"alert", service::AlertJson(*changed)}}));
       }});
  return routes;
}

}  // namespace vigil::api
