#include "service/sessions.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <cstdio>

#include "common/crypto.h"
#include "service/admin.h"

namespace vigil::service {

namespace json = boost::json;

namespace {

// A session's user is read again after this long, so that disabling a user
// or changing a password ends its sessions within that time.
constexpr auto kUserRecheck = std::chrono::seconds(30);
// Beyond this many remembered names or addresses, expired ones are dropped,
// so that guessing with ever new names cannot exhaust memory.
constexpr std::size_t kMaxFailureEntries = 10000;
constexpr std::size_t kSweepSessionsAbove = 1000;

const Status& WrongNameOrPassword() {
  static const Status s = Status::Unauthenticated("wrong user name or password");
  return s;
}

std::string SessionKey(std::string_view cookie) {
  const Sha256 h = HashSha256(cookie);
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

std::string AddressDetail(const std::string& address, std::string_view reason = {}) {
  json::object detail{{"address", address}};
  if (!reason.empty()) detail["reason"] = reason;
  return json::serialize(detail);
}

Principal PrincipalOf(const storage::UserRecord& user) {
  Principal p;
  p.role = user.role;
  p.observer_code = user.observer_code;
  p.regions = user.regions;
  // By id, as tokens are: the access log shows who acted without a name,
  // which may be a person's (users.id maps it back).
  p.actor = "user#" + std::to_string(user.id) + "/" + std::string(core::RoleName(user.role));
  return p;
}

// Lowers the calling thread's CPU priority, once per thread: when sign-ins
// flood in, submissions (which observers cannot postpone) get the cores
// first and sign-ins what is left. On Linux the nice value is per thread.
void YieldToOtherWork() {
  thread_local bool lowered = false;
  if (lowered) return;
  lowered = true;
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
}

}  // namespace

SessionManager::SessionManager(storage::Store& store, SessionOptions options,
                               MetricsRegistry& metrics)
    : store_(store),
      options_(std::move(options)),
      sign_ins_ok_(
          metrics.GetCounter("vigil_sign_ins_total", "Sign-ins by outcome", "outcome=\"ok\"")),
      sign_ins_failed_(
          metrics.GetCounter("vigil_sign_ins_total", "Sign-ins by outcome", "outcome=\"failed\"")),
      sign_ins_refused_(metrics.GetCounter("vigil_sign_ins_total", "Sign-ins by outcome",
                                           "outcome=\"locked_out\"")),
      pool_(static_cast<std::size_t>(std::max(1, options_.password_threads))) {
  // Made now, in the background, so that the first unknown name is not the
  // one sign-in that takes twice as long.
  boost::asio::post(pool_, [this] { MakeDummyHash(); });
}

void SessionManager::MakeDummyHash() {
  std::call_once(dummy_once_, [this] { dummy_hash_ = HashPassword(RandomToken(16)); });
}

SessionManager::~SessionManager() { pool_.join(); }

Status SessionManager::CheckNotLockedOut(const std::string& name, const std::string& address) {
  const std::int64_t wait = LockedForSeconds(name, address);
  if (wait <= 0) return Status::Ok();
  sign_ins_refused_->Increment();
  return Status(StatusCode::kTooManyRequests,
                "too many failed sign-ins for this name or from this address; try again in " +
                    std::to_string((wait + 59) / 60) +
                    " minutes, or ask an administrator to check the account");
}

void SessionManager::SignIn(std::string name, std::string password, std::string address,
                            std::function<void(Result<NewSession>)> done) {
  if (Status locked = CheckNotLockedOut(name, address); !locked.ok()) {
    done(Fail(std::move(locked)));
    return;
  }
  {
    std::lock_guard lock(mu_);
    if (waiting_ >= options_.max_waiting) {
      done(Fail(Status::Unavailable("too many sign-ins at once; try again in a few seconds")));
      return;
    }
    ++waiting_;
  }
  boost::asio::post(pool_, [this, name = std::move(name), password = std::move(password),
                            address = std::move(address), done = std::move(done)]() mutable {
    YieldToOtherWork();
    {
      std::lock_guard lock(mu_);
      --waiting_;
    }
    // Again: guesses queued behind those that caused a lockout are refused too.
    Status locked = CheckNotLockedOut(name, address);
    done(locked.ok() ? CheckPassword(name, password, address) : Fail(std::move(locked)));
  });
}

Result<NewSession> SessionManager::CheckPassword(const std::string& name,
                                                 const std::string& password,
                                                 const std::string& address) {
  std::optional<storage::UserRecord> user;
  const bool valid_name = CheckUserName(name).ok();
  if (valid_name) {
    auto found = store_.FindUser(name);
    if (!found) return Fail(Status::Unavailable("cannot check the password now; try again"));
    user = std::move(*found);
  }
  std::string_view reason;
  if (user && !user->disabled_at) {
    if (VerifyPassword(user->password_hash, password)) {
      if (user->role == core::Role::kCoordinator && user->regions.empty()) {
        // Made before coordinators had regions: it must not see the whole country.
        return Fail(Status::PermissionDenied(
            "this coordinator account names no regions; an administrator must set them with "
            "vigil user role NAME --role coordinator --region CODE"));
      }
      const Timestamp now = options_.clock();
      NewSession s;
      s.cookie = RandomToken(32);
      s.view = {.principal = PrincipalOf(*user),
                .user = user->name,
                .csrf_token = RandomToken(32),
                .expires_at = now + options_.absolute_timeout,
                .idle_expires_at = now + options_.idle_timeout};
      {
        std::lock_guard lock(mu_);
        accounts_.erase(name);
        // Sessions nobody resumes again are dropped here, not only on use.
        if (sessions_.size() >= kSweepSessionsAbove) {
          std::erase_if(sessions_, [&](const auto& entry) {
            const SessionView& v = entry.second.view;
            return now >= v.expires_at || now >= v.idle_expires_at;
          });
        }
        sessions_[SessionKey(s.cookie)] = {s.view, user->password_hash, now};
      }
      // No sign-in without its audit entry.
      if (!Record({s.view.principal.actor, "auth.login", "user:" + name, AddressDetail(address),
                   now})) {
        std::lock_guard lock(mu_);
        sessions_.erase(SessionKey(s.cookie));
        return Fail(Status::Unavailable("cannot record the sign-in now; try again"));
      }
      sign_ins_ok_->Increment();
      return s;
    }
    reason = "wrong password";
  } else {
    // As slow as a real check, so that timing does not tell which names exist.
    MakeDummyHash();
    (void)VerifyPassword(dummy_hash_, password);
    reason = !valid_name ? "invalid name" : user ? "disabled user" : "unknown user";
  }
  sign_ins_failed_->Increment();
  const Timestamp now = options_.clock();
  // Only the names of real users are logged: anything else could be a
  // password typed into the name field.
  const std::string subject = user ? "user:" + name : "user:(unknown)";
  (void)Record({"anonymous", "auth.login_failed", subject, AddressDetail(address, reason), now});
  bool name_locked = false;
  bool address_locked = false;
  {
    std::lock_guard lock(mu_);
    PruneFailures(now);
    if (valid_name) name_locked = CountFailure(accounts_, name, options_.account_failures, now);
    address_locked = CountFailure(addresses_, address, options_.address_failures, now);
  }
  const std::string until = FormatRfc3339(now + options_.lockout);
  if (name_locked) {
    (void)Record({"server", "auth.lockout", subject,
                  json::serialize(json::object{{"address", address}, {"until", until}}), now});
  }
  if (address_locked) {
    (void)Record({"server", "auth.lockout", "address:" + address,
                  json::serialize(json::object{{"until", until}}), now});
  }
  return Fail(WrongNameOrPassword());
}

bool SessionManager::CountFailure(std::unordered_map<std::string, Failures>& table,
                                  const std::string& key, int limit, Timestamp now) {
  Failures& f = table[key];
  if (f.count == 0 || now - f.first > options_.failure_window) {
    f.count = 0;
    f.first = now;
  }
  if (++f.count < limit) return false;
  f.count = 0;
  f.locked_until = now + options_.lockout;
  return true;
}

void SessionManager::PruneFailures(Timestamp now) {
  for (auto* table : {&accounts_, &addresses_}) {
    if (table->size() < kMaxFailureEntries) continue;
    std::erase_if(*table, [&](const auto& entry) {
      const Failures& f = entry.second;
      return f.locked_until <= now && now - f.first > options_.failure_window;
    });
  }
}

std::int64_t SessionManager::LockedForSeconds(const std::string& name, const std::string& address) {
  const Timestamp now = options_.clock();
  std::lock_guard lock(mu_);
  Timestamp until = now;
  for (const auto& [table, key] :
       {std::pair{&accounts_, &name}, std::pair{&addresses_, &address}}) {
    if (auto it = table->find(*key); it != table->end() && it->second.locked_until > until) {
      until = it->second.locked_until;
    }
  }
  return std::chrono::duration_cast<std::chrono::seconds>(until - now).count();
}

Result<SessionView> SessionManager::Resume(std::string_view cookie) {
  const Status expired = Status::Unauthenticated("not signed in, or the session has expired");
  const std::string key = SessionKey(cookie);
  const Timestamp now = options_.clock();
  std::string user;
  bool recheck = false;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(key);
    if (it == sessions_.end()) return Fail(expired);
    Session& s = it->second;
    if (now >= s.view.expires_at || now >= s.view.idle_expires_at) {
      sessions_.erase(it);
      return Fail(expired);
    }
    recheck = now - s.user_checked_at >= kUserRecheck;
    if (!recheck) {
      s.view.idle_expires_at = std::min(now + options_.idle_timeout, s.view.expires_at);
      return s.view;
    }
    user = s.view.user;
  }
  auto found = store_.FindUser(user);
  if (!found) return Fail(Status::Unavailable("cannot check the session now: try again"));
  std::lock_guard lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return Fail(expired);
  Session& s = it->second;
  const Principal& p = s.view.principal;
  if (!*found || (*found)->disabled_at || (*found)->password_hash != s.password_hash ||
      (*found)->role != p.role || (*found)->observer_code != p.observer_code ||
      (*found)->regions != p.regions) {
    sessions_.erase(it);
    return Fail(expired);
  }
  s.user_checked_at = now;
  s.view.idle_expires_at = std::min(now + options_.idle_timeout, s.view.expires_at);
  return s.view;
}

Status SessionManager::SignOut(std::string_view cookie, const std::string& address) {
  std::optional<SessionView> ended;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(SessionKey(cookie));
    if (it == sessions_.end()) return Status::Unauthenticated("not signed in");
    ended = std::move(it->second.view);
    sessions_.erase(it);
  }
  (void)Record({ended->principal.actor, "auth.logout", "user:" + ended->user,
                AddressDetail(address), options_.clock()});
  return Status::Ok();
}

bool SessionManager::Record(storage::AuditEvent event) {
  const storage::AuditEvent events[] = {std::move(event)};
  if (Status s = store_.RecordEvents(events); !s.ok()) {
    // Loud, because the entry is what lets the mission reconstruct who did what.
    std::fprintf(stderr, "vigil: cannot write the audit entry %s: %s\n", events[0].action.c_str(),
                 s.ToString().c_str());
    return false;
  }
  return true;
}

}  // namespace vigil::service
