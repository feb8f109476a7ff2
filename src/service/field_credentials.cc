#include "service/field_credentials.h"

#include <algorithm>
#include <vector>

#include "common/crypto.h"
#include "service/admin.h"

namespace vigil::service {

std::string DigestHa1(std::string_view username, std::string_view realm,
                      std::string_view password) {
  std::string input;
  input.reserve(username.size() + realm.size() + password.size() + 2);
  input.append(username).append(":").append(realm).append(":").append(password);
  return Md5Hex(input);
}

Status CheckDigestRealm(std::string_view realm) {
  const bool ok = !realm.empty() && realm.size() <= 64 &&
                  std::all_of(realm.begin(), realm.end(),
                              [](char c) { return c >= ' ' && c <= '~' && c != '"' && c != '\\'; });
  if (ok) return Status::Ok();
  return Status::InvalidArgument("realm '" + std::string(realm) +
                                 "': use 1 to 64 printable ASCII characters other than \" and \\");
}

Status SetFieldLogin(storage::Store& store, const std::string& observer_code,
                     const std::string& username, const std::string& realm,
                     std::string_view password, const storage::Actor& actor) {
  VIGIL_RETURN_IF_ERROR(CheckUserName(username));
  VIGIL_RETURN_IF_ERROR(CheckDigestRealm(realm));
  VIGIL_RETURN_IF_ERROR(CheckNewPassword(password));
  return store.SetFieldLogin(observer_code, username, realm, DigestHa1(username, realm, password),
                             actor);
}

std::string GenerateFieldPassword() {
  constexpr std::string_view kAlphabet = "23456789abcdefghjkmnpqrstuvwxyz";
  std::string password;
  for (int i = 0; i < 16; ++i) {
    if (i > 0 && i % 4 == 0) password.push_back('-');
    password.push_back(kAlphabet[RandomBelow(static_cast<std::uint32_t>(kAlphabet.size()))]);
  }
  return password;
}

Status CheckSmsPin(std::string_view pin) {
  const bool ok = pin.size() >= 4 && pin.size() <= 8 &&
                  std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (ok) return Status::Ok();
  return Status::InvalidArgument("an SMS PIN is 4 to 8 digits");
}

std::string GenerateSmsPin() {
  std::string pin;
  for (int i = 0; i < 6; ++i) pin.push_back(static_cast<char>('0' + RandomBelow(10)));
  return pin;
}

Status SetSmsPin(storage::Store& store, const std::string& observer_code, std::string_view pin,
                 const storage::Actor& actor) {
  VIGIL_RETURN_IF_ERROR(CheckSmsPin(pin));
  return store.SetSmsPin(observer_code, HashPin(pin), actor);
}

std::string NormalizePhone(std::string_view phone) {
  std::string out;
  const std::size_t first = phone.find_first_not_of(' ');
  if (first != std::string_view::npos && phone[first] == '+') out.push_back('+');
  for (char c : phone) {
    if (c >= '0' && c <= '9') out.push_back(c);
  }
  return out;
}

Result<std::string> CheckSmsSender(const core::MissionIndex& mission, storage::Store& store,
                                   std::string_view phone, std::string_view pin) {
  const std::string sender = NormalizePhone(phone);
  std::vector<const core::Observer*> holders;
  for (const core::Observer& o : mission.observers()) {
    if (std::any_of(o.phones.begin(), o.phones.end(),
                    [&](const std::string& p) { return NormalizePhone(p) == sender; })) {
      holders.push_back(&o);
    }
  }
  std::vector<std::string> matched;
  for (const core::Observer* o : holders) {
    auto hash = store.FindSmsPinHash(o->code);
    if (!hash) return Fail(hash.error());
    if (!*hash || VerifyPin(**hash, pin)) matched.push_back(o->code);
  }
  if (holders.empty()) {
    // As much hashing as for a registered phone, so that the time taken
    // does not tell which numbers are registered either.
    static const std::string kDecoy = HashPin("decoy");
    (void)VerifyPin(kDecoy, pin);
  }
  if (matched.size() != 1) {
    return Fail(Status::Unauthenticated("unknown phone number or wrong PIN"));
  }
  return matched.front();
}

}  // namespace vigil::service
