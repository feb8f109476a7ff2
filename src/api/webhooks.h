// Outbound webhooks: every event of the chosen types (service/events.h) is
// POSTed as JSON to each configured URL, signed so the receiver can tell it
// comes from this server:
//   X-Vigil-Signature: sha256=<lower-case hex HMAC-SHA256 of the body, keyed
//                      with the webhook's secret>
//   X-Vigil-Event-Id:  the event id (a receiver deduplicates retries on it)
//   X-Vigil-Event:     the event type
// and the body {"id": N, "type": "alert", "station": "...", "data": {...}}.
// A 2xx answer delivers it; anything else (or no answer within the timeout)
// is retried after 1 s, 2 s, 4 s ... until 5 minutes have passed since the
// first attempt, then given up and counted. Events go out in order, one
// webhook's on a thread of its own (`vigil-webhook`), read from the bus's
// ring by id: nothing waits on a slow receiver but its own webhook, and a
// receiver so far behind that the ring has moved past it loses the events
// in between (counted in /metrics), never the server's memory.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "service/events.h"

namespace vigil::api {

struct WebhookTarget {
  std::string url;                     // http:// or https://
  std::string secret;                  // HMAC key; never logged
  std::set<service::EventType> types;  // empty: every type
};

// Reads the --webhooks file: a JSON array of {"url": "...", "secret": "...",
// "events": ["alert", ...]}. InvalidArgument naming the file, the entry and
// the field for anything else (the secret's value is never in a message).
Result<std::vector<WebhookTarget>> ReadWebhookFile(const std::string& path);

struct WebhookOptions {
  std::chrono::milliseconds first_retry{1000};      // doubled after each failure
  std::chrono::milliseconds max_retry{60000};       // the longest wait between two attempts
  std::chrono::milliseconds give_up_after{300000};  // since the first attempt
  std::chrono::milliseconds timeout{10000};         // per attempt
};

class WebhookDispatcher {
 public:
  // Starts one thread per target; delivers the events published from now on.
  WebhookDispatcher(std::vector<WebhookTarget> targets, service::EventBus& bus,
                    MetricsRegistry& metrics, WebhookOptions options = {});
  ~WebhookDispatcher();  // Stop()

  // Stops the threads: an event being retried is abandoned (not counted as
  // given up). Idempotent.
  void Stop();

 private:
  struct Worker;
  void Run(Worker& worker);
  bool Deliver(Worker& worker, const service::Event& event);

  service::EventBus& bus_;
  const WebhookOptions options_;
  Counter* delivered_;
  Counter* failed_attempts_;
  Counter* given_up_;
  Counter* overflowed_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace vigil::api
