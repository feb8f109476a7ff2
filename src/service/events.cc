#include "service/events.h"

#include <boost/json/serialize.hpp>
#include <chrono>

#include "common/thread_name.h"

namespace vigil::service {

std::string_view EventTypeName(EventType type) {
  switch (type) {
    case EventType::kSubmission:
      return "submission";
    case EventType::kAlert:
      return "alert";
    case EventType::kRule:
      return "rule";
  }
  return "";
}

std::optional<EventType> ParseEventType(std::string_view text) {
  for (EventType t : {EventType::kSubmission, EventType::kAlert, EventType::kRule}) {
    if (EventTypeName(t) == text) return t;
  }
  return std::nullopt;
}

EventBus::EventBus(Options options, MetricsRegistry& metrics)
    : options_(options),
      published_(metrics.GetCounter("events_published_total",
                                    "Events published on the event stream and to webhooks")) {
  ring_.resize(std::max<std::size_t>(options_.capacity, 1));
  first_id_ = options_.first_id > 0 ? options_.first_id
                                    : std::chrono::duration_cast<std::chrono::microseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count();
  next_id_ = first_id_;
  waker_ = std::thread([this] { WakeLoop(); });
}

EventBus::~EventBus() {
  {
    std::lock_guard lock(wake_mu_);
    stop_ = true;
  }
  wake_cv_.notify_one();
  waker_.join();
}

std::int64_t EventBus::Publish(EventType type, std::string station_code,
                               const boost::json::object& data) {
  auto event = std::make_shared<Event>();
  event->type = type;
  event->station_code = std::move(station_code);
  event->data = boost::json::serialize(data);
  std::int64_t id;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
    event->id = id;
    ring_[static_cast<std::size_t>(id) % ring_.size()] = std::move(event);
  }
  published_->Increment();
  {
    std::lock_guard lock(wake_mu_);
    pending_ = true;
  }
  wake_cv_.notify_one();
  return id;
}

EventBus::ReadResult EventBus::Read(std::int64_t after, std::size_t max,
                                    std::vector<std::shared_ptr<const Event>>* out) const {
  std::lock_guard lock(mu_);
  const std::int64_t oldest =
      std::max(first_id_, next_id_ - static_cast<std::int64_t>(ring_.size()));
  // `after` = oldest - 1 means "everything kept": nothing was missed.
  if (after < oldest - 1 || after >= next_id_) return ReadResult::kGap;
  for (std::int64_t id = after + 1; id < next_id_ && out->size() < max; ++id) {
    out->push_back(ring_[static_cast<std::size_t>(id) % ring_.size()]);
  }
  return ReadResult::kOk;
}

std::int64_t EventBus::LastId() const {
  std::lock_guard lock(mu_);
  return next_id_ - 1;
}

std::int64_t EventBus::OldestId() const {
  std::lock_guard lock(mu_);
  return std::max(first_id_, next_id_ - static_cast<std::int64_t>(ring_.size()));
}

std::uint64_t EventBus::Subscribe(Wake wake) {
  std::lock_guard lock(subscribers_mu_);
  const std::uint64_t id = next_subscription_++;
  subscribers_.emplace(id, std::move(wake));
  return id;
}

void EventBus::Unsubscribe(std::uint64_t subscription) {
  std::lock_guard lock(subscribers_mu_);
  subscribers_.erase(subscription);
}

// One thread wakes every subscriber, so that a publisher (the committer's
// sync thread among them) never runs their code. Wakes coalesce: a burst of
// events costs each subscriber one wake.
void EventBus::WakeLoop() {
  SetThreadName("vigil-events");
  std::vector<Wake> wakes;
  for (;;) {
    {
      std::unique_lock lock(wake_mu_);
      wake_cv_.wait_for(lock, options_.tick, [this] { return pending_ || stop_; });
      if (stop_) return;
      pending_ = false;
    }
    {
      std::lock_guard lock(subscribers_mu_);
      wakes.clear();
      for (const auto& [id, wake] : subscribers_) wakes.push_back(wake);
    }
    for (const Wake& wake : wakes) wake();
  }
}

}  // namespace vigil::service
