#include "service/alerts.h"

#include <algorithm>
#include <boost/json.hpp>

#include "common/thread_name.h"
#include "common/time.h"

namespace vigil::service {

namespace json = boost::json;

namespace {

// Who the audit log says raised an alert: the server itself.
const storage::Actor kAlertActor{"system:alerts"};

std::string FormKey(std::string_view code, std::string_view version) {
  std::string key(code);
  key += '\n';
  key += version;
  return key;
}

json::object SubmissionEventJson(const storage::PendingSubmission& p) {
  const core::Submission& s = p.submission;
  json::object o{{"instance_id", s.instance_id},   {"form", s.form_code},
                 {"form_version", s.form_version}, {"station", s.station_code},
                 {"observer", s.observer_code},    {"received_at", FormatRfc3339(p.received_at)}};
  o["submitted_at"] = s.submitted_at ? json::value(FormatRfc3339(*s.submitted_at)) : nullptr;
  if (!s.replaces.empty()) o["replaces"] = s.replaces;
  return o;
}

}  // namespace

json::object AlertJson(const core::Alert& a) {
  return json::object{{"id", a.id},
                      {"kind", a.kind},
                      {"status", core::AlertStatusName(a.status)},
                      {"instance_id", a.instance_id},
                      {"form", a.form_code},
                      {"station", a.station_code},
                      {"observer", a.observer_code},
                      {"question", a.question},
                      {"value", a.value},
                      {"assignee", a.assignee},
                      {"created_at", FormatRfc3339(a.created_at)},
                      {"updated_at", FormatRfc3339(a.updated_at)}};
}

AlertService::AlertService(MissionService& mission, EventBus& bus, MetricsRegistry& metrics,
                           Options options)
    : mission_(mission),
      bus_(bus),
      options_(options),
      raised_(metrics.GetCounter("alerts_raised_total", "Critical alerts raised and stored")),
      dropped_(metrics.GetCounter(
          "alerts_dropped_total",
          "Critical alerts not stored because the queue was full or the store failed "
          "(raised again at the next start)")) {
  Refresh();
  thread_ = std::thread([this] { Run(); });
  link_->service = this;
  mission_.AddStoredListener([link = link_](std::span<const storage::PendingSubmission> stored) {
    std::shared_lock lock(link->mu);
    if (link->service != nullptr) link->service->OnStored(stored);
  });
}

AlertService::~AlertService() {
  {
    std::unique_lock lock(link_->mu);
    link_->service = nullptr;
  }
  Drain();
}

void AlertService::Drain() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AlertService::Flush() {
  mission_.WaitForListeners();  // the alerts of every answered submission are queued
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock,
                [this] { return stop_ || (queue_.empty() && unknown_forms_.empty() && !busy_); });
}

std::shared_ptr<const AlertService::CriticalForms> AlertService::Refresh() {
  auto mission = mission_.Mission();
  {
    std::lock_guard lock(forms_mu_);
    if (forms_ && forms_->mission == mission) return forms_;
  }
  auto fresh = std::make_shared<CriticalForms>();
  fresh->mission = mission;
  for (const core::Form& f : mission->forms()) {
    const bool critical = core::HasCriticalQuestions(f);
    fresh->known[FormKey(f.code, f.version)] = critical;
    if (critical) fresh->forms[FormKey(f.code, f.version)] = &f;
  }
  std::lock_guard lock(forms_mu_);
  forms_ = fresh;
  return forms_;
}

// On the mission service's live thread: quick, no store access, no waiting.
void AlertService::OnStored(std::span<const storage::PendingSubmission> stored) {
  std::shared_ptr<const CriticalForms> forms;
  {
    std::lock_guard lock(forms_mu_);
    forms = forms_;
  }
  const Timestamp now = Now();
  std::vector<core::Alert> alerts;
  std::vector<core::Submission> unknown;
  for (const storage::PendingSubmission& p : stored) {
    bus_.Publish(EventType::kSubmission, p.submission.station_code, SubmissionEventJson(p));
    if (!p.rule_flags.empty()) {
      json::object rule = SubmissionEventJson(p);
      rule["rules"] = json::array(p.rule_flags.begin(), p.rule_flags.end());
      bus_.Publish(EventType::kRule, p.submission.station_code, rule);
    }
    const std::string key = FormKey(p.submission.form_code, p.submission.form_version);
    if (auto it = forms->forms.find(key); it != forms->forms.end()) {
      for (core::Alert& a : core::AlertsFor(*it->second, p.submission, now)) {
        alerts.push_back(std::move(a));
      }
    } else if (!forms->known.contains(key)) {
      // A form version installed since the last refresh: the thread looks.
      unknown.push_back(p.submission);
    }
  }
  if (alerts.empty() && unknown.empty()) return;
  {
    std::lock_guard lock(mu_);
    const std::size_t room =
        options_.max_queue > queue_.size() ? options_.max_queue - queue_.size() : 0;
    if (alerts.size() > room) dropped_->Increment(alerts.size() - room);
    for (std::size_t i = 0; i < alerts.size() && i < room; ++i) {
      queue_.push_back(std::move(alerts[i]));
    }
    for (core::Submission& s : unknown) unknown_forms_.push_back(std::move(s));
  }
  cv_.notify_one();
}

void AlertService::Run() {
  SetThreadName("vigil-alerts");
  if (options_.catch_up) CatchUp();
  {
    std::lock_guard lock(mu_);
    busy_ = false;
  }
  idle_cv_.notify_all();
  for (;;) {
    std::vector<core::Alert> alerts;
    std::vector<core::Submission> unknown;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty() || !unknown_forms_.empty(); });
      if (queue_.empty() && unknown_forms_.empty()) {
        idle_cv_.notify_all();
        return;  // stopping, and nothing left
      }
      alerts.swap(queue_);
      unknown.swap(unknown_forms_);
      busy_ = true;
    }
    if (!unknown.empty()) {
      auto forms = Refresh();
      for (const core::Submission& s : unknown) {
        const core::Form* form = forms->mission->FindForm(s.form_code, s.form_version);
        if (form == nullptr) continue;
        for (core::Alert& a : core::AlertsFor(*form, s, Now())) alerts.push_back(std::move(a));
      }
    }
    auto stored = mission_.store().AddAlerts(alerts, kAlertActor);
    if (!stored) {
      // Counted; raised again by the catch-up at the next start.
      dropped_->Increment(alerts.size());
    } else {
      raised_->Increment(stored->size());
      for (const core::Alert& a : *stored) PublishAlert(a, "raised");
    }
    std::unique_lock lock(mu_);
    busy_ = false;
    idle_cv_.notify_all();
    cv_.wait_for(lock, options_.write_interval, [this] { return stop_; });
  }
}

void AlertService::CatchUp() {
  auto forms = Refresh();
  std::vector<std::string> codes;
  for (const auto& [key, form] : forms->forms) {
    if (std::find(codes.begin(), codes.end(), form->code) == codes.end()) {
      codes.push_back(form->code);
    }
  }
  const Timestamp now = Now();
  std::vector<core::Alert> alerts;
  for (const std::string& code : codes) {
    const Status s = mission_.store().ForEachCurrentSubmission(
        code, [&](const storage::StoredSubmission& stored) {
          auto it = forms->forms.find(
              FormKey(stored.submission.form_code, stored.submission.form_version));
          if (it == forms->forms.end()) return Status::Ok();
          for (core::Alert& a : core::AlertsFor(*it->second, stored.submission, now)) {
            a.created_at = a.updated_at = stored.received_at;
            alerts.push_back(std::move(a));
          }
          return Status::Ok();
        });
    if (!s.ok()) return;  // the live path still raises new alerts
  }
  auto stored = mission_.store().AddAlerts(alerts, kAlertActor);
  if (!stored) return;
  raised_->Increment(stored->size());
  for (const core::Alert& a : *stored) PublishAlert(a, "raised");
}

void AlertService::PublishAlert(const core::Alert& alert, std::string_view change) {
  json::object data = AlertJson(alert);
  data["change"] = change;
  bus_.Publish(EventType::kAlert, alert.station_code, data);
}

Result<std::vector<core::Alert>> AlertService::List(const Principal& who,
                                                    std::optional<core::AlertStatus> status,
                                                    std::int64_t limit) {
  const bool all = who.regions.empty();
  // A coordinator's alerts are filtered after reading: read more.
  auto alerts =
      mission_.store().ListAlerts(status, all ? limit : std::max<std::int64_t>(limit, 100000));
  if (!alerts) return alerts;
  if (all) return alerts;
  auto mission = mission_.Mission();
  std::vector<core::Alert> seen;
  for (core::Alert& a : *alerts) {
    if (static_cast<std::int64_t>(seen.size()) >= limit) break;
    if (who.SeesStation(*mission, a.station_code)) seen.push_back(std::move(a));
  }
  return seen;
}

Result<AlertDetail> AlertService::Get(const Principal& who, std::int64_t id) {
  auto alert = mission_.store().GetAlert(id);
  if (!alert) return Fail(alert.error());
  if (!*alert || !who.SeesStation(*mission_.Mission(), (*alert)->station_code)) {
    return Fail(Status::NotFound("no alert " + std::to_string(id)));
  }
  auto history = mission_.store().AlertHistory(id);
  if (!history) return Fail(history.error());
  return AlertDetail{std::move(**alert), std::move(*history)};
}

Result<core::Alert> AlertService::Act(const Principal& who, std::int64_t id,
                                      std::string_view action, const std::string& assignee,
                                      const std::string& note) {
  if (note.size() > 2000) {
    return Fail(
        Status::InvalidArgument("note: at most 2000 bytes, got " + std::to_string(note.size())));
  }
  if (assignee.size() > 200) {
    return Fail(Status::InvalidArgument("assignee: at most 200 bytes"));
  }
  if (action != "acknowledge" && action != "assign" && action != "resolve") {
    return Fail(Status::NotFound("no alert action '" + std::string(action) +
                                 "' (acknowledge, assign, resolve)"));
  }
  // Read, check and change one at a time, so that two analysts resolving at
  // once do not both succeed.
  std::lock_guard lock(act_mu_);
  auto current = Get(who, id);
  if (!current) return Fail(current.error());
  const core::Alert& a = current->alert;
  if (a.status == core::AlertStatus::kResolved) {
    return Fail(Status::Conflict("alert " + std::to_string(id) + " is resolved already"));
  }
  core::AlertChange change{.alert_id = id,
                           .at = Now(),
                           .actor = who.actor,
                           .status = a.status,
                           .assignee = a.assignee,
                           .note = note};
  if (action == "acknowledge") {
    if (a.status != core::AlertStatus::kOpen) {
      return Fail(Status::Conflict("alert " + std::to_string(id) + " is acknowledged already"));
    }
    change.action = "acknowledged";
    change.status = core::AlertStatus::kAcknowledged;
  } else if (action == "assign") {
    if (assignee.empty()) {
      return Fail(Status::InvalidArgument("assignee: name who is to deal with the alert"));
    }
    change.action = "assigned";
    change.status = core::AlertStatus::kAcknowledged;
    change.assignee = assignee;
  } else {  // resolve
    change.action = "resolved";
    change.status = core::AlertStatus::kResolved;
  }
  auto changed = mission_.store().ChangeAlert(change, {who.actor});
  if (!changed) return Fail(changed.error());
  PublishAlert(*changed, change.action);
  return changed;
}

}  // namespace vigil::service
