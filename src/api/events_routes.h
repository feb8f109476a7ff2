// The live event stream and critical alerts:
//   GET  /api/v1/events                      server-sent events (text/event-stream)
//   GET  /api/v1/alerts?status=open&limit=N  alerts, newest first
//   GET  /api/v1/alerts/{id}                 one alert and its history
//   POST /api/v1/alerts/{id}/{action}        acknowledge | assign | resolve,
//                                            body {"assignee": "...", "note": "..."}
// The stream sends each event as `id:`, `event:` (submission, alert, rule
// or reset) and one `data:` line of JSON, and a comment line as a heartbeat
// when idle for 15 s. A client resumes with the Last-Event-ID header (or
// ?last_event_id=); if that id is older than the events kept, or from an
// earlier run of the server, it gets a `reset` event: reload, then follow
// the stream. `?types=alert,rule` picks event types. A coordinator gets
// only the events of its regions' stations. A client that reads too slowly
// to keep up with the events kept is disconnected; it can resume.
#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <vector>

#include "api/router.h"
#include "service/events.h"
#include "service/mission_service.h"

namespace vigil::api {

struct ApiServices;

std::vector<Route> EventsRoutes(const ApiServices& services);

// The body of one event stream (exposed for tests and the benchmark).
class EventStream final : public BodyStream {
 public:
  struct Options {
    std::set<service::EventType> types;  // empty: all
    // The id the client saw last; nullopt: only what comes from now on.
    std::optional<std::int64_t> last_event_id;
    std::chrono::milliseconds heartbeat{15000};
    std::size_t max_chunk_bytes = 64 << 10;  // per pull
  };
  EventStream(service::EventBus& bus, service::MissionService& mission, service::Principal who,
              Options options);

  void Start(std::function<void()> wake) override;
  Next Pull(std::string* out) override;
  void Stop() override;

 private:
  service::EventBus& bus_;
  service::MissionService& mission_;
  const service::Principal who_;
  const Options options_;
  std::uint64_t subscription_ = 0;
  bool started_ = false;
  std::int64_t cursor_ = 0;  // the last event id looked at
  std::chrono::steady_clock::time_point last_sent_;
};

}  // namespace vigil::api
