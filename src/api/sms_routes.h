// The SMS gateway webhooks: each gateway posts inbound messages in its own
// format and expects the reply SMS in its own format (docs/sms.md). They
// are public routes: a gateway proves itself with its secret (a signature
// or a shared secret), not with a bearer token. A gateway without a secret
// configured has no route (404).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/router.h"
#include "common/status.h"
#include "service/sms_intake.h"

namespace vigil::api {

struct SmsGatewaySecrets {
  std::string twilio_auth_token;  // verifies X-Twilio-Signature
  std::string telerivet_secret;   // the webhook's "secret" field
  std::string generic_secret;     // HMAC-SHA256 key of X-Vigil-Signature
  std::string kannel_secret;      // the get-url's "secret" parameter
  // The public base URL gateways call ("https://vigil.example.org"), which
  // Twilio signs; empty: taken from the request's Host header.
  std::string public_url;
};

// Reads `key = value` lines ('#' starts a comment) with the keys above;
// InvalidArgument naming file and line for anything else.
Result<SmsGatewaySecrets> ReadSmsGatewayFile(const std::string& path);

// Base64 HMAC-SHA1, keyed with the auth token, of the URL followed by every
// POST parameter, sorted by name, as name then value (Twilio's scheme).
std::string TwilioSignature(std::string_view auth_token, std::string_view url,
                            std::vector<std::pair<std::string, std::string>> params);
// Lower-case hex HMAC-SHA256 of `body` keyed with `secret`.
std::string HmacSha256Hex(std::string_view secret, std::string_view body);

// The routes of the gateways that have a secret.
std::vector<Route> SmsRoutes(service::SmsIntake& intake, const SmsGatewaySecrets& secrets);

}  // namespace vigil::api
