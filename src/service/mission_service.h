// The application layer: one object per open mission, used by the HTTP API
// and the CLI alike. It owns the store, the current set-up snapshot, token
// authentication and the submission intake pipeline
// (shape -> permission -> validate -> deduplicate -> store -> audit).
#pragma once

#include <atomic>
#include <boost/json/fwd.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/metrics.h"
#include "core/mission.h"
#include "service/permissions.h"
#include "service/submission_committer.h"
#include "storage/store.h"

namespace vigil::service {

class RuleSet;  // service/quality.h

// An authenticated caller.
struct Principal {
  std::int64_t token_id = 0;
  core::Role role = core::Role::kViewer;
  std::string observer_code;         // set for observers
  std::vector<std::string> regions;  // set for coordinators: the areas they may see
  std::string actor;                 // as recorded in the audit log: "token:7/observer"

  // A coordinator sees only the stations within its regions, and the
  // observers assigned to them; what lies outside is invisible, not just
  // read-only. Every other role's view is set by its permissions alone.
  bool SeesStation(const core::MissionIndex& mission, std::string_view code) const;
  bool SeesObserver(const core::MissionIndex& mission, const core::Observer& observer) const;
};

// What happened to a submission. `status` maps to HTTP: OK -> 201,
// InvalidArgument -> 422 (with field errors), PermissionDenied -> 403,
// Conflict -> 409, Unavailable -> 503.
struct SubmitResult {
  Status status;
  std::vector<core::FieldError> errors;
  bool duplicate = false;  // an identical retry; nothing new was stored
  std::string instance_id;
};

struct ServiceOptions {
  std::string data_dir;
  SubmissionCommitter::Options committer;
};

class MissionService {
 public:
  // Opens the mission in options.data_dir (which `vigil init` created).
  static Result<std::unique_ptr<MissionService>> Open(const ServiceOptions& options,
                                                      MetricsRegistry& metrics);
  ~MissionService();

  storage::Store& store() { return *store_; }

  // The current set-up. Changes made by any process (e.g. `vigil import`
  // while the server runs) are picked up within a second.
  std::shared_ptr<const core::MissionIndex> Mission();

  // Checks a bearer token ("vgl_..."): Unauthenticated if unknown, revoked or
  // expired. The same message for all three, so it reveals nothing.
  Result<Principal> Authenticate(std::string_view bearer_token);

  // Checks a submission without storing it. Fills *pending on success.
  SubmitResult Check(const boost::json::value& body, const Principal& who,
                     storage::PendingSubmission* pending);

  // Checks and stores a submission. `done` runs exactly once: inline when the
  // submission is refused, else on the committer's sync thread once it is durable.
  void Submit(const boost::json::value& body, const Principal& who,
              std::function<void(SubmitResult)> done);

  // The version chain of `instance_id` if `who` may read it.
  Result<std::optional<storage::SubmissionHistory>> GetSubmission(const std::string& instance_id,
                                                                  const Principal& who);

  // The enabled data-quality rules, compiled against the current set-up;
  // Check stores the codes of those a submission flags with it. Reloaded
  // with the set-up (a rule's change bumps the set-up version) and by
  // ReloadRules.
  std::shared_ptr<const RuleSet> Rules();
  // Compiles the stored rules again now (after a change made here).
  Status ReloadRules();

  // Sets the review status of stored version `instance_id` (see
  // Store::ReviewSubmission), if `who` has the review permission and sees
  // its station: NotFound as if absent otherwise for a coordinator. Then
  // tells the review listeners, on this thread.
  Result<storage::ReviewChange> Review(const std::string& instance_id, core::ReviewStatus to,
                                       const std::string& note,
                                       std::optional<core::ReviewStatus> expected,
                                       const Principal& who);
  // Adds a listener told of every review change made through Review, once
  // stored, on the reviewing thread: quick, never blocking. Live views
  // (findings) load the current statuses with Store::ListReviewStates()
  // after registering, then apply these.
  using ReviewListener = std::function<void(const storage::ReviewChange&)>;
  void AddReviewListener(ReviewListener listener);

  // Adds a listener told of every newly stored version once it is durable,
  // in commit order, on the service's live thread (`vigil-live`), which the
  // committer hands each durable batch to: off the acknowledgement path, so
  // a listener may run just after the version's 201 has gone out. Live
  // views (analytics, the event stream) register here; a listener should
  // still be quick, as it delays the others. Readers that must see every
  // answered version call WaitForListeners first.
  using StoredListener = std::function<void(std::span<const storage::PendingSubmission>)>;
  void AddStoredListener(StoredListener listener);

  // Returns once the stored listeners have been told of every version
  // handed to them before the call, so of every submission answered 201
  // before it (read-your-writes for the live views). Quick when they are
  // current; never call it from a stored listener.
  void WaitForListeners();

  // Stops taking submissions, commits everything already queued and tells
  // the stored listeners of it. Idempotent.
  void Drain();

 private:
  MissionService(std::unique_ptr<storage::Store> store, MetricsRegistry& metrics,
                 SubmissionCommitter::Options options);
  Status ReloadMission();

  // On the committer's sync thread: queues the batch for the live thread.
  void HandToListeners(std::vector<storage::PendingSubmission> stored);
  void LiveLoop();
  void StopLive();

  std::unique_ptr<storage::Store> store_;
  std::shared_mutex listeners_mu_;
  std::vector<StoredListener> listeners_;  // GUARDED_BY(listeners_mu_)

  // Batches handed over but not yet told. Counted in batches: told_ catches
  // up with handed_ as the live thread works through them.
  std::mutex live_mu_;
  std::condition_variable live_cv_;       // wakes the live thread
  std::condition_variable live_told_cv_;  // wakes WaitForListeners and a full hand-over
  std::deque<std::vector<storage::PendingSubmission>> live_queue_;  // GUARDED_BY(live_mu_)
  std::size_t live_queued_versions_ = 0;                            // GUARDED_BY(live_mu_)
  bool live_stop_ = false;                                          // GUARDED_BY(live_mu_)
  std::atomic<std::int64_t> live_handed_{0};
  std::atomic<std::int64_t> live_told_{0};
  std::thread live_thread_;
  SubmissionCommitter committer_;  // last: its threads call HandToListeners

  std::vector<ReviewListener> review_listeners_;  // GUARDED_BY(listeners_mu_)

  std::mutex mission_mu_;
  std::shared_ptr<const core::MissionIndex> mission_;  // GUARDED_BY(mission_mu_)
  std::shared_ptr<const RuleSet> rules_;               // GUARDED_BY(mission_mu_)
  std::int64_t mission_version_ = -1;                  // GUARDED_BY(mission_mu_)
  std::atomic<std::int64_t> next_mission_check_ns_{0};

  struct CachedToken {
    storage::TokenRecord record;
    Timestamp checked_at;
  };
  std::shared_mutex tokens_mu_;
  std::unordered_map<std::string, CachedToken> tokens_;  // by hash bytes; GUARDED_BY(tokens_mu_)

  // When each token was last used, written to the store at most once a
  // minute (and when draining), not once per request.
  void NoteTokenUse(std::int64_t token_id, Timestamp at);
  Status FlushTokenUses();
  std::mutex uses_mu_;
  std::unordered_map<std::int64_t, Timestamp> token_uses_;  // GUARDED_BY(uses_mu_)
  Timestamp uses_flushed_at_;                               // GUARDED_BY(uses_mu_)
  std::mutex flush_mu_;                                     // one flush at a time
};

// Bearer tokens look like "vgl_" + 43 characters of base64url (256 bits).
std::string NewBearerToken();
Sha256 HashBearerToken(std::string_view token);

}  // namespace vigil::service
