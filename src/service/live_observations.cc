#include "service/live_observations.h"

#include <unordered_set>

namespace vigil::service {

Status LoadObservations(storage::Store& store, analysis::ObservationTable& table) {
  std::unordered_set<std::string> codes;
  for (const core::Form& form : table.geography().mission().forms()) {
    if (!codes.insert(form.code).second) continue;
    Status s = store.ForEachCurrentSubmission(form.code, [&](const storage::StoredSubmission& v) {
      table.Add(v.submission, v.received_at);
      return Status::Ok();
    });
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

LiveObservations::LiveObservations(MissionService& service) : service_(service) {}

Result<std::unique_ptr<LiveObservations>> LiveObservations::Open(MissionService& service) {
  std::unique_ptr<LiveObservations> live(new LiveObservations(service));
  LiveObservations* self = live.get();
  // Listen first, then read: a version committed during the read is both
  // read and queued, and the table keeps it once.
  service.AddStoredListener(
      [self](std::span<const storage::PendingSubmission> batch) { self->OnStored(batch); });
  std::unique_lock lock(live->table_mu_);
  // Reviews made while the table loads wait for this lock, so they land
  // after the stored statuses read below, which they are newer than.
  service.AddReviewListener([self](const storage::ReviewChange& change) {
    self->SetReviewStatus(change.instance_id, change.to);
  });
  live->mission_ = service.Mission();
  live->table_ = std::make_unique<analysis::ObservationTable>(
      std::make_shared<analysis::Geography>(live->mission_));
  if (Status s = LoadObservations(service.store(), *live->table_); !s.ok()) return Fail(s);
  live->CatchUp();
  auto reviewed = service.store().ListReviewStates();
  if (!reviewed) return Fail(reviewed.error());
  for (const storage::ReviewState& r : *reviewed)
    live->table_->SetReviewStatus(r.instance_id, r.status);
  return live;
}

void LiveObservations::OnStored(std::span<const storage::PendingSubmission> batch) {
  // On the service's live thread. Applied straight from the batch when no
  // read holds the table (the usual case: no copy); else copied into the
  // queue for the next read to apply. Never waits for a read.
  std::unique_lock lock(table_mu_, std::try_to_lock);
  if (lock.owns_lock() && table_ != nullptr) {
    CatchUp();
    AddInOrder(batch);
    return;
  }
  std::lock_guard queue_lock(queue_mu_);
  for (const storage::PendingSubmission& p : batch) {
    queue_.push_back({p.submission, p.received_at});
  }
}

void LiveObservations::CatchUp() {
  std::vector<Version> queued;
  {
    std::lock_guard lock(queue_mu_);
    queued.swap(queue_);
  }
  AddInOrder(std::span<const Version>(queued));
}

template <typename V>
void LiveObservations::AddInOrder(std::span<const V> versions) {
  // A version replaced later in the run is not current; skipping it keeps
  // an edit read from the store from coming back.
  std::unordered_set<std::string_view> replaced;
  for (const V& v : versions) {
    if (!v.submission.replaces.empty()) replaced.insert(v.submission.replaces);
  }
  for (const V& v : versions) {
    if (!replaced.empty() && replaced.contains(v.submission.instance_id)) {
      table_->Remove(v.submission.instance_id);
      continue;
    }
    table_->Add(v.submission, v.received_at);
  }
}

void LiveObservations::Read(const std::function<void(const analysis::ObservationTable&)>& read) {
  service_.WaitForListeners();  // every answered version is in the table or queued
  {
    std::unique_lock lock(table_mu_);
    if (auto mission = service_.Mission(); mission != mission_) {
      mission_ = std::move(mission);
      table_->SetGeography(std::make_shared<analysis::Geography>(mission_));
    }
    CatchUp();
  }
  std::shared_lock lock(table_mu_);
  read(*table_);
}

bool LiveObservations::SetReviewStatus(std::string_view instance_id, core::ReviewStatus status) {
  std::unique_lock lock(table_mu_);
  CatchUp();
  return table_->SetReviewStatus(instance_id, status);
}

}  // namespace vigil::service
