// The mission's event bus: what the server's clients are told as it happens
// (GET /api/v1/events, outbound webhooks). Producers publish from any thread
// without waiting on anything but a short lock; consumers read the recent
// events from a ring buffer by id, so a client that reconnects with the last
// id it saw gets what it missed, and none of them can make a producer wait.
//
// Ids grow by one per event. The first id of a run is the time the bus was
// made, in microseconds since 1970, so ids of an earlier run are smaller than
// any of this run's: a client resuming from one (or from an id older than the
// ring) is told to reload (kGap), never given the wrong events.
#pragma once

#include <boost/json/object.hpp>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/metrics.h"

namespace vigil::service {

enum class EventType {
  kSubmission,  // a new stored version (no answers)
  kAlert,       // an alert raised, or changed (acknowledged, assigned, resolved)
  kRule,        // a data-quality rule flagged a submission
};
std::string_view EventTypeName(EventType type);  // "submission", "alert", "rule"
std::optional<EventType> ParseEventType(std::string_view text);

struct Event {
  std::int64_t id = 0;
  EventType type = EventType::kSubmission;
  // The polling station the event is about: coordinators are sent only the
  // events of their regions' stations.
  std::string station_code;
  std::string data;  // a JSON object, serialized once for every reader
};

class EventBus {
 public:
  struct Options {
    std::size_t capacity = 100000;  // events kept for resumption
    // Subscribers are woken this often even without events, so that idle
    // streams can send a heartbeat.
    std::chrono::milliseconds tick{5000};
    // 0: the current time in microseconds (unique across runs).
    std::int64_t first_id = 0;
  };

  EventBus(Options options, MetricsRegistry& metrics);
  ~EventBus();  // joins the wake-up thread
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  // Thread-safe; does not wait for any reader. `data` is the event's JSON
  // payload (the id, type and station are carried beside it). Returns the id.
  std::int64_t Publish(EventType type, std::string station_code, const boost::json::object& data);

  enum class ReadResult {
    kOk,   // *out holds the events after `after` (at most max), maybe none
    kGap,  // `after` is older than the ring, from another run, or unknown
  };
  // The events with id > after, oldest first. Thread-safe.
  ReadResult Read(std::int64_t after, std::size_t max,
                  std::vector<std::shared_ptr<const Event>>* out) const;

  // The id of the newest event, or first_id - 1 before any: a new client
  // starts reading after it.
  std::int64_t LastId() const;
  // The id of the oldest event kept (LastId() + 1 when none is).
  std::int64_t OldestId() const;

  // `wake` is called, from the bus's own thread and never under its lock,
  // soon after events are published and at every tick. It must be quick.
  using Wake = std::function<void()>;
  std::uint64_t Subscribe(Wake wake);
  void Unsubscribe(std::uint64_t subscription);

 private:
  void WakeLoop();

  const Options options_;
  Counter* published_;

  mutable std::mutex mu_;
  std::vector<std::shared_ptr<const Event>> ring_;  // GUARDED_BY(mu_); slot = id % capacity
  std::int64_t first_id_ = 0;                       // the run's first id
  std::int64_t next_id_ = 0;                        // GUARDED_BY(mu_)

  std::mutex subscribers_mu_;
  std::map<std::uint64_t, Wake> subscribers_;  // GUARDED_BY(subscribers_mu_)
  std::uint64_t next_subscription_ = 1;        // GUARDED_BY(subscribers_mu_)

  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool pending_ = false;  // GUARDED_BY(wake_mu_)
  bool stop_ = false;     // GUARDED_BY(wake_mu_)
  std::thread waker_;     // last: started once everything above exists
};

}  // namespace vigil::service
