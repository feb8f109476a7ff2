#include "service/digest_auth.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "common/crypto.h"
#include "service/field_credentials.h"

namespace vigil::service {

namespace {

constexpr auto kLoginRecheck = std::chrono::seconds(30);
constexpr std::size_t kMaxLogins = 100000;  // cache bound; cleared when reached

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

// The auth-params of a Digest header: name=token or name="quoted", comma
// separated, names lower-cased. False if malformed or a name repeats.
bool ParseAuthParams(std::string_view v, std::map<std::string, std::string>* out) {
  std::size_t i = 0;
  const auto skip = [&] {
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t' || v[i] == ',')) ++i;
  };
  skip();
  while (i < v.size()) {
    const std::size_t eq = v.find('=', i);
    if (eq == std::string_view::npos) return false;
    std::string name(v.substr(i, eq - i));
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name.empty()) return false;
    i = eq + 1;
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
    std::string value;
    if (i < v.size() && v[i] == '"') {
      ++i;
      bool closed = false;
      while (i < v.size()) {
        const char c = v[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < v.size()) {
          value.push_back(v[i++]);
        } else {
          value.push_back(c);
        }
      }
      if (!closed) return false;
    } else {
      const std::size_t end = std::min(v.find(',', i), v.size());
      value = std::string(v.substr(i, end - i));
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
      i = end;
    }
    if (!out->emplace(std::move(name), std::move(value)).second) return false;
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
    if (i < v.size() && v[i] != ',') return false;
    skip();
  }
  return true;
}

// "https://host/openrosa/submission?x" -> "/openrosa/submission?x"
std::string_view OriginForm(std::string_view uri) {
  const std::size_t scheme = uri.find("://");
  if (scheme == std::string_view::npos) return uri;
  const std::size_t path = uri.find('/', scheme + 3);
  return path == std::string_view::npos ? std::string_view("/") : uri.substr(path);
}

}  // namespace

DigestAuthenticator::DigestAuthenticator(storage::Store& store, DigestOptions options)
    : store_(store), options_(std::move(options)) {
  if (options_.secret.empty()) options_.secret = RandomToken(32);
  opaque_ = ToHex(HmacSha256(options_.secret, "opaque")).substr(0, 32);
}

std::string DigestAuthenticator::MakeNonce(std::int64_t seconds) const {
  const std::string time = std::to_string(seconds);
  return time + "." + ToHex(HmacSha256(options_.secret, "nonce:" + time)).substr(0, 32);
}

std::string DigestAuthenticator::Challenge(bool stale, Timestamp now) const {
  const std::int64_t seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  return "Digest realm=\"" + options_.realm + "\", qop=\"auth\", nonce=\"" + MakeNonce(seconds) +
         "\", opaque=\"" + opaque_ + "\", algorithm=MD5" + (stale ? ", stale=true" : "");
}

Result<std::optional<storage::FieldLogin>> DigestAuthenticator::FindLogin(
    const std::string& username, Timestamp now) {
  {
    std::lock_guard lock(mu_);
    if (auto it = logins_.find(username);
        it != logins_.end() && now - it->second.checked_at < kLoginRecheck) {
      return it->second.login;
    }
  }
  auto login = store_.FindFieldLogin(username, options_.realm);
  if (!login) return login;
  std::lock_guard lock(mu_);
  if (logins_.size() >= kMaxLogins) logins_.clear();
  logins_[username] = CachedLogin{*login, now};
  return login;
}

DigestCheck DigestAuthenticator::Check(std::string_view authorization, std::string_view method,
                                       std::string_view target, bool tls, Timestamp now) {
  DigestCheck out;
  const Status denied =
      Status::Unauthenticated("wrong username or password for realm \"" + options_.realm + "\"");
  out.status = denied;
  if (StartsWithNoCase(authorization, "Basic ")) {
    if (!tls) {
      out.status =
          Status::Unauthenticated("Basic authentication is accepted only over HTTPS; use Digest");
      return out;
    }
    std::string decoded;
    if (!DecodeBase64(authorization.substr(6), &decoded)) return out;
    const std::size_t colon = decoded.find(':');
    if (colon == std::string::npos) return out;
    const std::string username = decoded.substr(0, colon);
    auto login = FindLogin(username, now);
    if (!login) {
      out.status = Status::Unavailable("cannot check the login now: " + login.error().message());
      return out;
    }
    if (!*login) return out;
    out.username = username;
    if (!ConstantTimeEquals(DigestHa1(username, options_.realm, decoded.substr(colon + 1)),
                            (*login)->ha1)) {
      out.failed_login = true;
      return out;
    }
    out.status = Status::Ok();
    out.observer_code = (*login)->observer_code;
    return out;
  }
  if (!StartsWithNoCase(authorization, "Digest ")) {
    out.status = Status::Unauthenticated("this route needs HTTP Digest authentication");
    return out;
  }
  std::map<std::string, std::string> p;
  if (!ParseAuthParams(authorization.substr(7), &p)) {
    out.status = Status::Unauthenticated("malformed Digest Authorization header");
    return out;
  }
  const auto get = [&](const char* name) -> const std::string* {
    auto it = p.find(name);
    return it == p.end() ? nullptr : &it->second;
  };
  const std::string* username = get("username");
  const std::string* realm = get("realm");
  const std::string* nonce = get("nonce");
  const std::string* uri = get("uri");
  const std::string* response = get("response");
  const std::string* qop = get("qop");
  const std::string* nc = get("nc");
  const std::string* cnonce = get("cnonce");
  if (!username || !realm || !nonce || !uri || !response || !qop || !nc || !cnonce) {
    out.status = Status::Unauthenticated(
        "the Digest header lacks one of username, realm, nonce, uri, response, qop, nc, cnonce");
    return out;
  }
  if (*realm != options_.realm || *qop != "auth" || nc->size() != 8 || !IsHex(*nc) ||
      cnonce->empty() || response->size() != 32) {
    return out;
  }
  if (const std::string* algorithm = get("algorithm"); algorithm && *algorithm != "MD5") {
    out.status = Status::Unauthenticated("only algorithm=MD5 is supported");
    return out;
  }
  if (const std::string* opaque = get("opaque"); opaque && *opaque != opaque_) return out;
  if (OriginForm(*uri) != target) {
    out.status = Status::Unauthenticated("the Digest uri does not match the request");
    return out;
  }
  // The nonce: ours (its HMAC matches) and fresh.
  const std::size_t dot = nonce->find('.');
  std::int64_t issued = 0;
  if (dot == std::string::npos || dot == 0 || dot > 12 ||
      !std::all_of(nonce->begin(), nonce->begin() + static_cast<std::ptrdiff_t>(dot),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return out;
  }
  issued = std::stoll(nonce->substr(0, dot));
  if (!ConstantTimeEquals(*nonce, MakeNonce(issued))) return out;
  const std::int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  auto login = FindLogin(*username, now);
  if (!login) {
    out.status = Status::Unavailable("cannot check the login now: " + login.error().message());
    return out;
  }
  if (!*login) return out;
  out.username = *username;
  const std::string ha2 = Md5Hex(std::string(method) + ":" + *uri);
  const std::string expected =
      Md5Hex((*login)->ha1 + ":" + *nonce + ":" + *nc + ":" + *cnonce + ":auth:" + ha2);
  std::string given = *response;
  std::transform(given.begin(), given.end(), given.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!ConstantTimeEquals(given, expected)) {
    out.failed_login = true;
    return out;
  }
  // A correct response on an expired nonce: ask again with stale=true, so
  // the client retries without asking the observer for the password.
  if (now_s - issued > options_.nonce_lifetime.count() || issued > now_s + 60) {
    out.stale = true;
    out.status = Status::Unauthenticated("the Digest nonce has expired; retry with the new one");
    return out;
  }
  out.status = Status::Ok();
  out.observer_code = (*login)->observer_code;
  return out;
}

}  // namespace vigil::service
