// Credentials observers use on the field channels, which cannot carry a
// bearer token: a username and password for ODK Collect, Enketo and
// KoboCollect (HTTP Digest), and a PIN for SMS reports sent from a
// registered phone. Neither secret is stored: only Digest's HA1, and a
// salted hash of the PIN (common/crypto.h says why a fast one).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "core/mission.h"
#include "storage/store.h"

namespace vigil::service {

// The Digest realm of ODK logins unless the mission chooses another.
inline constexpr char kDefaultDigestRealm[] = "vigil";

// HA1 for MD5 (RFC 7616 section 3.4.2, RFC 2617 section 3.2.2.2): hex
// MD5(username ":" realm ":" password).
std::string DigestHa1(std::string_view username, std::string_view realm, std::string_view password);

// A realm is 1-64 printable ASCII characters other than '"' and '\': it is
// sent in a quoted string of the WWW-Authenticate header.
Status CheckDigestRealm(std::string_view realm);

// Gives the observer an ODK login, replacing any it had. The username must
// pass CheckUserName and belong to no other observer (AlreadyExists), the
// password CheckNewPassword; NotFound for an unknown observer.
Status SetFieldLogin(storage::Store& store, const std::string& observer_code,
                     const std::string& username, const std::string& realm,
                     std::string_view password, const storage::Actor& actor);

// A random password to type into ODK Collect: four groups of four
// lower-case letters and digits, without the look-alikes 0 o 1 l i (about
// 79 bits). HA1 is one MD5, so a leaked HA1 is guessed as fast as MD5 runs;
// only a long random password resists that.
std::string GenerateFieldPassword();

// A PIN is 4 to 8 digits.
Status CheckSmsPin(std::string_view pin);
// Six random digits.
std::string GenerateSmsPin();
// Sets or replaces the observer's PIN (stored hashed); InvalidArgument for
// a bad PIN, NotFound for an unknown observer.
Status SetSmsPin(storage::Store& store, const std::string& observer_code, std::string_view pin,
                 const storage::Actor& actor);

// A phone number as compared: its digits, after a '+' if it starts with one
// ("+373 69-123 456" -> "+37369123456").
std::string NormalizePhone(std::string_view phone);

// The observer who sent an SMS from `phone` with `pin` (empty when the
// message carries none). The phone must be registered to an observer; when
// that observer has a PIN, `pin` must match it. A phone registered to
// several observers identifies the one whose PIN matches, and none if that
// is not exactly one. Unauthenticated, always with the same message,
// whether the phone is unknown or the PIN wrong, so that an answer tells a
// sender nothing about which numbers are registered.
Result<std::string> CheckSmsSender(const core::MissionIndex& mission, storage::Store& store,
                                   std::string_view phone, std::string_view pin);

}  // namespace vigil::service
