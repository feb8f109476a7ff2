#include "service/mission_service.h"

#include <boost/json.hpp>
#include <chrono>

#include "common/thread_name.h"
#include "service/quality.h"

namespace vigil::service {

namespace {

constexpr std::string_view kTokenPrefix = "vgl_";
// A cached token is re-read from the store after this long, so a revocation
// made by another process takes effect within it.
constexpr auto kTokenRecheck = std::chrono::seconds(30);
constexpr auto kTokenUseFlush = std::chrono::seconds(60);
constexpr auto kMissionRecheck = std::chrono::seconds(1);
// Stored versions the live thread may fall behind by before the committer
// waits for it: memory stays bounded (a few seconds of the benchmark's peak).
constexpr std::size_t kMaxLiveVersions = 50000;

std::int64_t SteadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

SubmitResult Refused(Status status, std::vector<core::FieldError> errors = {}) {
  SubmitResult r;
  r.status = std::move(status);
  r.errors = std::move(errors);
  return r;
}

}  // namespace

std::string NewBearerToken() { return std::string(kTokenPrefix) + RandomToken(32); }

Sha256 HashBearerToken(std::string_view token) { return HashSha256(token); }

MissionService::MissionService(std::unique_ptr<storage::Store> store, MetricsRegistry& metrics,
                               SubmissionCommitter::Options options)
    : store_(std::move(store)),
      live_thread_([this] {
        SetThreadName("vigil-live");
        LiveLoop();
      }),
      committer_(*store_, metrics, [&] {
        options.on_stored = [this](auto stored) { HandToListeners(std::move(stored)); };
        return options;
      }()) {}

void MissionService::AddStoredListener(StoredListener listener) {
  std::unique_lock lock(listeners_mu_);
  listeners_.push_back(std::move(listener));
}

void MissionService::HandToListeners(std::vector<storage::PendingSubmission> stored) {
  {
    std::unique_lock lock(live_mu_);
    // Only if the live thread falls this far behind does the sync thread
    // wait for it, so that memory stays bounded.
    live_told_cv_.wait(lock, [&] { return live_queued_versions_ < kMaxLiveVersions; });
    live_queued_versions_ += stored.size();
    live_queue_.push_back(std::move(stored));
    live_handed_.fetch_add(1, std::memory_order_release);
  }
  live_cv_.notify_one();
}

void MissionService::LiveLoop() {
  std::vector<storage::PendingSubmission> batch;
  for (;;) {
    std::int64_t taken = 0;
    batch.clear();
    {
      std::unique_lock lock(live_mu_);
      live_cv_.wait(lock, [&] { return live_stop_ || !live_queue_.empty(); });
      if (live_queue_.empty()) return;  // stopping, and everything is told
      // Every batch waiting, told as one: the listeners' per-call work is
      // shared when the thread falls behind.
      batch.swap(live_queue_.front());
      live_queue_.pop_front();
      ++taken;
      while (!live_queue_.empty()) {
        for (auto& p : live_queue_.front()) batch.push_back(std::move(p));
        live_queue_.pop_front();
        ++taken;
      }
    }
    {
      std::shared_lock lock(listeners_mu_);
      for (const auto& listener : listeners_) listener(batch);
    }
    {
      std::lock_guard lock(live_mu_);
      live_queued_versions_ -= batch.size();
      live_told_.fetch_add(taken, std::memory_order_release);
    }
    live_told_cv_.notify_all();
  }
}

void MissionService::WaitForListeners() {
  const std::int64_t handed = live_handed_.load(std::memory_order_acquire);
  if (live_told_.load(std::memory_order_acquire) >= handed) return;
  std::unique_lock lock(live_mu_);
  live_told_cv_.wait(lock, [&] { return live_told_.load(std::memory_order_relaxed) >= handed; });
}

void MissionService::StopLive() {
  {
    std::lock_guard lock(live_mu_);
    live_stop_ = true;
  }
  live_cv_.notify_one();
  if (live_thread_.joinable()) live_thread_.join();
}

MissionService::~MissionService() { Drain(); }

Result<std::unique_ptr<MissionService>> MissionService::Open(const ServiceOptions& options,
                                                             MetricsRegistry& metrics) {
  auto store = storage::OpenStore({.data_dir = options.data_dir, .create = false});
  if (!store) return Fail(store.error());
  std::unique_ptr<MissionService> service(
      new MissionService(std::move(*store), metrics, options.committer));
  VIGIL_RETURN_IF_ERROR(service->ReloadMission());
  return service;
}

Status MissionService::ReloadMission() {
  auto version = store_->SetupVersion();
  if (!version) return version.error();
  {
    std::lock_guard lock(mission_mu_);
    if (*version == mission_version_) return Status::Ok();
  }
  auto election = store_->GetElection();
  if (!election) return election.error();
  auto locations = store_->ListLocations();
  if (!locations) return locations.error();
  auto observers = store_->ListObservers();
  if (!observers) return observers.error();
  auto forms = store_->ListForms();
  if (!forms) return forms.error();
  auto index = std::make_shared<const core::MissionIndex>(
      std::move(*election), std::move(*locations), std::move(*observers), std::move(*forms));
  auto rules = store_->ListRules();
  if (!rules) return rules.error();
  auto compiled = std::make_shared<const RuleSet>(RuleSet::Compile(*rules, *index));
  std::lock_guard lock(mission_mu_);
  mission_ = std::move(index);
  rules_ = std::move(compiled);
  mission_version_ = *version;
  return Status::Ok();
}

std::shared_ptr<const RuleSet> MissionService::Rules() {
  (void)Mission();  // reloads with the set-up
  std::lock_guard lock(mission_mu_);
  return rules_;
}

Status MissionService::ReloadRules() {
  const auto mission = Mission();
  auto rules = store_->ListRules();
  if (!rules) return rules.error();
  auto compiled = std::make_shared<const RuleSet>(RuleSet::Compile(*rules, *mission));
  std::lock_guard lock(mission_mu_);
  rules_ = std::move(compiled);
  return Status::Ok();
}

void MissionService::AddReviewListener(ReviewListener listener) {
  std::unique_lock lock(listeners_mu_);
  review_listeners_.push_back(std::move(listener));
}

Result<storage::ReviewChange> MissionService::Review(const std::string& instance_id,
                                                     core::ReviewStatus to, const std::string& note,
                                                     std::optional<core::ReviewStatus> expected,
                                                     const Principal& who) {
  if (!RoleHas(who.role, Permission::kReview)) {
    return Fail(Status::PermissionDenied("role " + std::string(core::RoleName(who.role)) +
                                         " may not review submissions"));
  }
  const Status absent = Status::NotFound("no submission '" + instance_id + "'");
  auto history = store_->GetSubmission(instance_id);
  if (!history) return Fail(history.error());
  if (!*history) return Fail(absent);
  const auto mission = Mission();
  for (const storage::StoredSubmission& v : (*history)->versions) {
    if (v.submission.instance_id == instance_id &&
        !who.SeesStation(*mission, v.submission.station_code)) {
      return Fail(absent);  // outside a coordinator's regions: invisible
    }
  }
  auto change = store_->ReviewSubmission(instance_id, to, note, expected, {who.actor});
  if (!change) return change;
  // The live views must hold the version (answered before the review could
  // name it) before they are told of its review.
  WaitForListeners();
  std::shared_lock lock(listeners_mu_);
  for (const auto& listener : review_listeners_) listener(*change);
  return change;
}

std::shared_ptr<const core::MissionIndex> MissionService::Mission() {
  const std::int64_t now = SteadyNanos();
  std::int64_t due = next_mission_check_ns_.load(std::memory_order_relaxed);
  // One caller per interval checks for changes; the others use the snapshot.
  if (now >= due && next_mission_check_ns_.compare_exchange_strong(
                        due, now + std::chrono::nanoseconds(kMissionRecheck).count())) {
    (void)ReloadMission();  // on failure keep serving the last good snapshot
  }
  std::lock_guard lock(mission_mu_);
  return mission_;
}

Result<Principal> MissionService::Authenticate(std::string_view bearer_token) {
  const Status denied = Status::Unauthenticated("invalid or expired token");
  if (bearer_token.size() != kTokenPrefix.size() + 43 ||
      bearer_token.substr(0, kTokenPrefix.size()) != kTokenPrefix) {
    return Fail(denied);
  }
  const Sha256 hash = HashBearerToken(bearer_token);
  const std::string key(reinterpret_cast<const char*>(hash.data()), hash.size());
  const Timestamp now = Now();
  std::optional<storage::TokenRecord> record;
  {
    std::shared_lock lock(tokens_mu_);
    if (auto it = tokens_.find(key);
        it != tokens_.end() && now - it->second.checked_at < kTokenRecheck) {
      record = it->second.record;
    }
  }
  if (!record) {
    auto found = store_->FindToken(hash);
    if (!found)
      return Fail(Status::Unavailable("cannot check the token now: " + found.error().message()));
    if (!*found) return Fail(denied);
    record = **found;
    std::unique_lock lock(tokens_mu_);
    tokens_[key] = CachedToken{*record, now};
  }
  if (record->revoked_at || (record->expires_at && *record->expires_at <= now)) return Fail(denied);
  if (record->role == core::Role::kCoordinator && record->regions.empty()) {
    // Made before coordinators had regions: it must not see the whole country.
    return Fail(Status::PermissionDenied(
        "this coordinator token names no regions; issue a new one with vigil token create "
        "--role coordinator --region CODE"));
  }
  NoteTokenUse(record->id, now);
  Principal p;
  p.token_id = record->id;
  p.role = record->role;
  p.observer_code = record->observer_code;
  p.regions = record->regions;
  p.actor = "token:" + std::to_string(record->id) + "/" + std::string(core::RoleName(record->role));
  return p;
}

SubmitResult MissionService::Check(const boost::json::value& body, const Principal& who,
                                   storage::PendingSubmission* pending) {
  if (!RoleHas(who.role, Permission::kSubmit)) {
    return Refused(Status::PermissionDenied("role " + std::string(core::RoleName(who.role)) +
                                            " may not submit observation forms"));
  }
  std::vector<core::FieldError> errors;
  auto submission = core::SubmissionFromJson(body, &errors);
  if (!submission)
    return Refused(Status::InvalidArgument("the submission is malformed"), std::move(errors));
  if (who.role == core::Role::kObserver && submission->observer_code != who.observer_code) {
    return Refused(
        Status::PermissionDenied("this token may only submit as observer " + who.observer_code));
  }
  const auto mission = Mission();
  if (submission->form_version.empty()) {
    if (const core::Form* current = mission->FindForm(submission->form_code)) {
      submission->form_version = current->version;
    }
  }
  errors = core::ValidateSubmission(*submission, *mission);
  if (!errors.empty()) {
    return Refused(Status::InvalidArgument("the submission does not match its form or the mission"),
                   std::move(errors));
  }
  // Pure and cheap (docs/benchmarks.md): most submissions flag nothing.
  if (const auto rules = Rules()) pending->rule_flags = rules->Flags(*submission);
  pending->canonical_json = core::CanonicalJson(*submission);
  pending->content_hash = HashSha256(pending->canonical_json);
  pending->submission = std::move(*submission);
  pending->actor = who.actor;
  pending->received_at = Now();
  SubmitResult ok;
  ok.instance_id = pending->submission.instance_id;
  return ok;
}

void MissionService::Submit(const boost::json::value& body, const Principal& who,
                            std::function<void(SubmitResult)> done) {
  storage::PendingSubmission pending;
  SubmitResult checked = Check(body, who, &pending);
  if (!checked.status.ok()) {
    done(std::move(checked));
    return;
  }
  std::string instance_id = pending.submission.instance_id;
  std::string replaces = pending.submission.replaces;
  auto on_commit = [done, instance_id, replaces](Result<storage::CommitOutcome> outcome) {
    SubmitResult r;
    r.instance_id = instance_id;
    if (!outcome) {
      r.status = Status::Unavailable("the submission could not be stored; retry: " +
                                     outcome.error().message());
      done(std::move(r));
      return;
    }
    switch (*outcome) {
      case storage::CommitOutcome::kStored:
        break;
      case storage::CommitOutcome::kDuplicate:
        r.duplicate = true;
        break;
      case storage::CommitOutcome::kConflict:
        r.status =
            Status::Conflict("instance_id " + instance_id +
                             " was already stored with different content; an edit needs a new "
                             "instance_id and \"replaces\"");
        break;
      case storage::CommitOutcome::kReplacesUnknown:
        r.status = Status::InvalidArgument("replaces names no stored submission");
        r.errors.push_back({"replaces", "no submission '" + replaces + "' is stored"});
        break;
      case storage::CommitOutcome::kReplacesSuperseded:
        r.status = Status::Conflict("submission " + replaces +
                                    " was already replaced by a newer version; fetch the current "
                                    "version and edit that");
        break;
      case storage::CommitOutcome::kReplacesMismatch:
        r.status = Status::InvalidArgument("an edit must keep the form of the version it replaces");
        r.errors.push_back({"form", "differs from the form of '" + replaces + "'"});
        break;
    }
    done(std::move(r));
  };
  if (Status s = committer_.Enqueue(std::move(pending), std::move(on_commit)); !s.ok()) {
    done(Refused(std::move(s)));
  }
}

Result<std::optional<storage::SubmissionHistory>> MissionService::GetSubmission(
    const std::string& instance_id, const Principal& who) {
  if (!RoleHas(who.role, Permission::kReadSubmissions)) {
    return Fail(Status::PermissionDenied("role " + std::string(core::RoleName(who.role)) +
                                         " may not read submissions"));
  }
  auto history = store_->GetSubmission(instance_id);
  if (!history || !*history) return history;
  const auto mission = Mission();
  for (const auto& v : (*history)->versions) {
    // Observers see only their own reports, coordinators those from their
    // regions; others look as if absent.
    if ((who.role == core::Role::kObserver && v.submission.observer_code != who.observer_code) ||
        !who.SeesStation(*mission, v.submission.station_code)) {
      return std::optional<storage::SubmissionHistory>{};
    }
  }
  return history;
}

bool Principal::SeesStation(const core::MissionIndex& mission, std::string_view code) const {
  return role != core::Role::kCoordinator || mission.IsWithin(code, regions);
}

bool Principal::SeesObserver(const core::MissionIndex& mission,
                             const core::Observer& observer) const {
  if (role != core::Role::kCoordinator) return true;
  return std::any_of(observer.stations.begin(), observer.stations.end(),
                     [&](const std::string& s) { return mission.IsWithin(s, regions); });
}

void MissionService::NoteTokenUse(std::int64_t token_id, Timestamp at) {
  {
    std::lock_guard lock(uses_mu_);
    token_uses_[token_id] = at;
    if (at - uses_flushed_at_ < kTokenUseFlush) return;
    uses_flushed_at_ = at;
  }
  // On failure the uses are kept for the next flush; a request is never
  // refused for want of this bookkeeping.
  (void)FlushTokenUses();
}

Status MissionService::FlushTokenUses() {
  std::lock_guard flushing(flush_mu_);
  std::vector<storage::TokenUse> uses;
  {
    std::lock_guard lock(uses_mu_);
    for (const auto& [id, at] : token_uses_) uses.push_back({id, at});
    token_uses_.clear();
  }
  Status s = store_->RecordTokenUse(uses, {"server"});
  if (!s.ok()) {  // keep them for the next flush, unless newer uses came meanwhile
    std::lock_guard lock(uses_mu_);
    for (const storage::TokenUse& u : uses) token_uses_.try_emplace(u.token_id, u.at);
  }
  return s;
}

void MissionService::Drain() {
  committer_.Stop();
  StopLive();  // after the committer: its last batches are told too
  (void)FlushTokenUses();
}

}  // namespace vigil::service
