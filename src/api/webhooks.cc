#include "api/webhooks.h"

#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "api/http_client.h"
#include "api/sms_routes.h"
#include "common/file.h"
#include "common/thread_name.h"

namespace vigil::api {

namespace json = boost::json;

namespace {

// Splits a webhook URL into what HttpClient connects to and the request
// target.
Status SplitUrl(const std::string& url, std::string* base, std::string* target) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") ||
      parsed->host().empty()) {
    return Status::InvalidArgument("expected an http:// or https:// URL, got '" + url + "'");
  }
  *base = std::string(parsed->scheme()) + "://" + std::string(parsed->encoded_host_and_port());
  *target = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  if (parsed->has_query()) *target += "?" + std::string(parsed->encoded_query());
  return Status::Ok();
}

}  // namespace

Result<std::vector<WebhookTarget>> ReadWebhookFile(const std::string& path) {
  auto text = ReadWholeFile(path, 1 << 20);
  if (!text) return Fail(text.error());
  boost::system::error_code ec;
  const json::value doc = json::parse(*text, ec);
  if (ec || !doc.is_array()) {
    return Fail(Status::InvalidArgument(
        path + ": expected a JSON array of {\"url\", \"secret\", \"events\"} objects" +
        (ec ? ": " + ec.message() : "")));
  }
  std::vector<WebhookTarget> targets;
  for (std::size_t i = 0; i < doc.as_array().size(); ++i) {
    const std::string where = path + ": webhook " + std::to_string(i) + ": ";
    const json::value& entry = doc.as_array()[i];
    if (!entry.is_object()) return Fail(Status::InvalidArgument(where + "expected an object"));
    WebhookTarget t;
    for (const auto& [key, value] : entry.as_object()) {
      if (key == "url" && value.is_string()) {
        t.url = value.as_string();
      } else if (key == "secret" && value.is_string()) {
        t.secret = value.as_string();
      } else if (key == "events" && value.is_array()) {
        for (const json::value& e : value.as_array()) {
          auto type = e.is_string() ? service::ParseEventType(e.as_string()) : std::nullopt;
          if (!type) {
            return Fail(Status::InvalidArgument(
                where + "events: expected submission, alert or rule, got " + json::serialize(e)));
          }
          t.types.insert(*type);
        }
      } else if (key == "url" || key == "secret" || key == "events") {
        return Fail(Status::InvalidArgument(where + std::string(key) + ": wrong type"));
      } else {
        return Fail(Status::InvalidArgument(where + "unknown field '" + std::string(key) +
                                            "' (url, secret, events)"));
      }
    }
    std::string base;
    std::string target;
    if (Status s = SplitUrl(t.url, &base, &target); !s.ok()) {
      return Fail(Status::InvalidArgument(where + "url: " + s.message()));
    }
    // Short secrets can be guessed from signed bodies.
    if (t.secret.size() < 16) {
      return Fail(Status::InvalidArgument(where + "secret: at least 16 characters"));
    }
    targets.push_back(std::move(t));
  }
  return targets;
}

struct WebhookDispatcher::Worker {
  struct Signal {
    std::mutex mu;
    std::condition_variable cv;
    bool woken = false;  // GUARDED_BY(mu)
    bool stop = false;   // GUARDED_BY(mu)
  };
  WebhookTarget target;
  std::string base;
  std::string path;
  std::shared_ptr<Signal> signal = std::make_shared<Signal>();
  std::uint64_t subscription = 0;
  std::int64_t cursor = 0;  // the last event id dealt with
  std::unique_ptr<HttpClient> client;
  std::thread thread;
};

WebhookDispatcher::WebhookDispatcher(std::vector<WebhookTarget> targets, service::EventBus& bus,
                                     MetricsRegistry& metrics, WebhookOptions options)
    : bus_(bus),
      options_(options),
      delivered_(metrics.GetCounter("webhook_deliveries_total", "Events delivered to webhooks")),
      failed_attempts_(metrics.GetCounter("webhook_failed_attempts_total",
                                          "Webhook deliveries that failed and were retried")),
      given_up_(metrics.GetCounter("webhook_given_up_total",
                                   "Events given up after 5 minutes of retries")),
      overflowed_(metrics.GetCounter(
          "webhook_overflow_total",
          "Events a webhook never got because it fell further behind than the events kept")) {
  for (WebhookTarget& t : targets) {
    auto w = std::make_unique<Worker>();
    w->target = std::move(t);
    (void)SplitUrl(w->target.url, &w->base, &w->path);  // checked by ReadWebhookFile
    w->cursor = bus_.LastId();
    w->subscription = bus_.Subscribe([signal = w->signal] {
      {
        std::lock_guard lock(signal->mu);
        signal->woken = true;
      }
      signal->cv.notify_one();
    });
    Worker* raw = w.get();
    w->thread = std::thread([this, raw] { Run(*raw); });
    workers_.push_back(std::move(w));
  }
}

WebhookDispatcher::~WebhookDispatcher() { Stop(); }

void WebhookDispatcher::Stop() {
  for (auto& w : workers_) {
    bus_.Unsubscribe(w->subscription);
    {
      std::lock_guard lock(w->signal->mu);
      w->signal->stop = true;
    }
    w->signal->cv.notify_all();
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
}

void WebhookDispatcher::Run(Worker& w) {
  SetThreadName("vigil-webhook");
  std::vector<std::shared_ptr<const service::Event>> events;
  for (;;) {
    {
      std::unique_lock lock(w.signal->mu);
      w.signal->cv.wait(lock, [&] { return w.signal->woken || w.signal->stop; });
      if (w.signal->stop) return;
      w.signal->woken = false;
    }
    for (;;) {
      events.clear();
      if (bus_.Read(w.cursor, 64, &events) == service::EventBus::ReadResult::kGap) {
        const std::int64_t oldest = bus_.OldestId();
        overflowed_->Increment(
            static_cast<std::uint64_t>(std::max<std::int64_t>(0, oldest - 1 - w.cursor)));
        w.cursor = oldest - 1;
        continue;
      }
      if (events.empty()) break;
      for (const auto& e : events) {
        if (w.target.types.empty() || w.target.types.contains(e->type)) {
          if (!Deliver(w, *e)) {
            std::lock_guard lock(w.signal->mu);
            if (w.signal->stop) return;
          }
        }
        w.cursor = e->id;
      }
    }
  }
}

bool WebhookDispatcher::Deliver(Worker& w, const service::Event& e) {
  // The data is already JSON text: spliced in rather than parsed again.
  const std::string body = "{\"id\":" + std::to_string(e.id) + ",\"type\":\"" +
                           std::string(service::EventTypeName(e.type)) +
                           "\",\"station\":" + json::serialize(json::string(e.station_code)) +
                           ",\"data\":" + e.data + "}";
  const std::string signature = "sha256=" + HmacSha256Hex(w.target.secret, body);
  const auto first = std::chrono::steady_clock::now();
  std::chrono::milliseconds delay = options_.first_retry;
  for (;;) {
    bool ok = false;
    if (!w.client) {
      auto client = HttpClient::Connect(w.base);
      if (client) w.client = std::move(*client);
    }
    if (w.client) {
      w.client->set_timeout(options_.timeout);
      w.client->set_header("X-Vigil-Signature", signature);
      w.client->set_header("X-Vigil-Event-Id", std::to_string(e.id));
      w.client->set_header("X-Vigil-Event", std::string(service::EventTypeName(e.type)));
      auto res = w.client->Send(boost::beast::http::verb::post, w.path, body);
      if (!res) {
        w.client.reset();  // a fresh connection next time
      } else {
        ok = res->status >= 200 && res->status < 300;
      }
    }
    if (ok) {
      delivered_->Increment();
      return true;
    }
    failed_attempts_->Increment();
    if (std::chrono::steady_clock::now() + delay - first > options_.give_up_after) {
      given_up_->Increment();
      return false;
    }
    std::unique_lock lock(w.signal->mu);
    if (w.signal->cv.wait_for(lock, delay, [&] { return w.signal->stop; })) return false;
    delay = std::min(delay * 2, options_.max_retry);
  }
}

}  // namespace vigil::api
