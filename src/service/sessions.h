// Signing in with a name and password: browser sessions, their CSRF tokens,
// and the lockout that slows password guessing. Sessions live in memory
// only, so restarting the server signs everyone out; nothing secret about a
// session is ever written down. Every sign-in, failed sign-in, lockout and
// sign-out is an audit entry.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/metrics.h"
#include "service/mission_service.h"
#include "storage/store.h"

namespace vigil::service {

struct SessionOptions {
  // A session ends after this long without a request, and at the latest
  // this long after sign-in, whatever its use.
  std::chrono::seconds idle_timeout{std::chrono::minutes(30)};
  std::chrono::seconds absolute_timeout{std::chrono::hours(12)};
  // Failed sign-ins within failure_window that lock an account name, or a
  // client address, for `lockout`.
  int account_failures = 5;
  int address_failures = 20;
  std::chrono::seconds failure_window{std::chrono::minutes(15)};
  std::chrono::seconds lockout{std::chrono::minutes(15)};
  // Password checks run at once on their own threads (each Argon2id check
  // takes 64 MiB and about 0.1 s); more wait in a queue of at most
  // max_waiting, beyond which sign-ins are refused as Unavailable.
  int password_threads = 2;
  int max_waiting = 64;
  // The time; tests move it.
  std::function<Timestamp()> clock = [] { return Now(); };
};

// A signed-in browser session as its owner may see it.
struct SessionView {
  Principal principal;
  std::string user;
  std::string csrf_token;  // must accompany every state-changing request
  Timestamp expires_at;    // the absolute end
  Timestamp idle_expires_at;
};

struct NewSession {
  std::string cookie;  // the session id: shown once, in Set-Cookie
  SessionView view;
};

class SessionManager {
 public:
  SessionManager(storage::Store& store, SessionOptions options, MetricsRegistry& metrics);
  ~SessionManager();  // waits for password checks in flight

  const SessionOptions& options() const { return options_; }

  // Checks `name` and `password` on a password thread, then calls `done`
  // there with the new session, or with:
  //  - Unauthenticated "wrong user name or password": the same words and
  //    about the same time for an unknown or disabled user as for a wrong
  //    password;
  //  - TooManyRequests while the name or the address is locked out;
  //  - Unavailable when too many sign-ins wait.
  void SignIn(std::string name, std::string password, std::string address,
              std::function<void(Result<NewSession>)> done);

  // The session of a cookie, which counts as its use: Unauthenticated if it
  // is unknown, has expired, or its user was disabled or changed password.
  Result<SessionView> Resume(std::string_view cookie);

  // Ends the session (and audits it); Unauthenticated if there is none.
  Status SignOut(std::string_view cookie, const std::string& address);

  // Seconds until `address` or `name` may try again; 0 if neither is locked.
  std::int64_t LockedForSeconds(const std::string& name, const std::string& address);

 private:
  struct Session {
    SessionView view;
    std::string password_hash;  // the user's at sign-in: a new password ends the session
    Timestamp user_checked_at;
  };
  struct Failures {
    int count = 0;
    Timestamp first;
    Timestamp locked_until;
  };

  // TooManyRequests (counted) while `name` or `address` is locked out.
  Status CheckNotLockedOut(const std::string& name, const std::string& address);
  void MakeDummyHash();
  Result<NewSession> CheckPassword(const std::string& name, const std::string& password,
                                   const std::string& address);
  // Counts a failure; returns true if it locked `key` now.
  bool CountFailure(std::unordered_map<std::string, Failures>& table, const std::string& key,
                    int limit, Timestamp now);
  void PruneFailures(Timestamp now);
  // Appends one audit entry; false (and a message on stderr) if it cannot.
  bool Record(storage::AuditEvent event);

  storage::Store& store_;
  SessionOptions options_;
  Counter* sign_ins_ok_;
  Counter* sign_ins_failed_;
  Counter* sign_ins_refused_;

  std::once_flag dummy_once_;
  std::string dummy_hash_;  // verified against for unknown users, so they take as long

  std::mutex mu_;
  std::unordered_map<std::string, Session> sessions_;   // by SHA-256 of the cookie
  std::unordered_map<std::string, Failures> accounts_;  // by name tried
  std::unordered_map<std::string, Failures> addresses_;
  int waiting_ = 0;

  boost::asio::thread_pool pool_;  // last: joined before the rest goes
};

}  // namespace vigil::service
