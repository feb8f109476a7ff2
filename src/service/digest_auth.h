// HTTP Digest authentication (RFC 7616, as RFC 2617 clients speak it: MD5,
// qop=auth) of observers' ODK logins, for the OpenRosa routes; and Basic
// (RFC 7617) over TLS only, since it sends the password itself.
//
// Nonces are stateless: hex(time || HMAC-SHA-256(secret, time)), so any
// server thread can check one and nothing is stored per client. A nonce
// older than nonce_lifetime is refused with stale=true, and the client
// retries with a fresh one without asking the observer again. Replays of a
// whole request within a nonce's lifetime are not detected (nc is checked
// for form, not for order, since a client may send several requests with
// one nonce in parallel); the submission pipeline makes a replayed
// submission a no-op (same instance id and content: a duplicate).
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"
#include "common/time.h"
#include "service/field_credentials.h"
#include "storage/store.h"

namespace vigil::service {

struct DigestOptions {
  std::string realm = kDefaultDigestRealm;
  std::chrono::seconds nonce_lifetime{600};  // then stale=true
  std::string secret;                        // HMAC key of nonces; empty: random per process
};

// The outcome of checking an Authorization header.
struct DigestCheck {
  Status status;              // OK, or Unauthenticated (answer 401 with a challenge)
  bool stale = false;         // the nonce expired: challenge with stale=true
  bool failed_login = false;  // a known username with a wrong password (worth auditing)
  std::string observer_code;  // set when OK
  std::string username;       // as sent, when it names a login
};

class DigestAuthenticator {
 public:
  DigestAuthenticator(storage::Store& store, DigestOptions options);

  const std::string& realm() const { return options_.realm; }

  // The WWW-Authenticate value of a 401: Digest with a fresh nonce.
  std::string Challenge(bool stale, Timestamp now = Now()) const;

  // Checks `authorization` (the header's value) for a request with `method`
  // ("POST") and `target` ("/openrosa/submission"). Digest: username, realm,
  // nonce (made here, not expired), uri (the request target), qop=auth,
  // nc (8 hex digits), cnonce, opaque if sent, algorithm MD5 if named, and
  // the response. Basic: only when `tls`. The same message for every
  // failure but an expired nonce, so that nothing tells which usernames exist.
  DigestCheck Check(std::string_view authorization, std::string_view method,
                    std::string_view target, bool tls, Timestamp now = Now());

 private:
  std::string MakeNonce(std::int64_t seconds) const;
  // The login of `username`, cached for 30 s (a changed password or
  // removed login takes effect within that).
  Result<std::optional<storage::FieldLogin>> FindLogin(const std::string& username, Timestamp now);

  storage::Store& store_;
  DigestOptions options_;
  std::string opaque_;

  struct CachedLogin {
    std::optional<storage::FieldLogin> login;
    Timestamp checked_at;
  };
  std::mutex mu_;
  std::unordered_map<std::string, CachedLogin> logins_;  // GUARDED_BY(mu_)
};

}  // namespace vigil::service
