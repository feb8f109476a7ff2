#include "api/sms_routes.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/params_view.hpp>
#include <charconv>
#include <memory>

#include "common/crypto.h"
#include "common/file.h"
#include "report/svg.h"

namespace vigil::api {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

using Respond = std::function<void(Response)>;
using Params = std::vector<std::pair<std::string, std::string>>;

std::string Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return "";
  return std::string(s.substr(first, s.find_last_not_of(" \t\r") - first + 1));
}

std::string Hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size);
  return std::string(reinterpret_cast<const char*>(out), size);
}

// A form-encoded body ('+' is a space); false if it is malformed.
bool ParseForm(std::string_view body, Params* out) {
  try {
    for (auto p : boost::urls::params_view(body, boost::urls::encoding_opts(true, false, false))) {
      out->emplace_back(p.key, p.value);
    }
    return true;
  } catch (const boost::system::system_error&) {
    return false;
  }
}

std::string Param(const Params& params, std::string_view key) {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return "";
}

Response Text(http::status status, std::string_view content_type, std::string body) {
  Response res{status, 11};
  res.set(http::field::content_type, content_type);
  res.body() = std::move(body);
  return res;
}

// 400: what the gateway sent cannot be read.
Response BadRequest(std::string message) {
  Response res = JsonError(Status::InvalidArgument(std::move(message)));
  res.result(http::status::bad_request);
  return res;
}

// 403 for a request that is not from the gateway: no reply SMS, and the
// log names gateway and address but no secret.
Response Forbidden(std::string_view gateway, const Peer& peer) {
  spdlog::warn("SMS webhook {}: refused a request from {} with a bad signature or secret", gateway,
               peer.address);
  return JsonError(Status::PermissionDenied("bad signature or secret"));
}

// What a gateway does with a message it cannot deliver now: retry later.
Response Failure(const Status& status) {
  spdlog::warn("SMS webhook: message not handled: {}", status.ToString());
  return JsonError(status);
}

// The URL Twilio requested, as it signed it.
std::string TwilioUrl(const SmsGatewaySecrets& secrets, const RouteRequest& r) {
  std::string base = secrets.public_url;
  if (base.empty()) {
    base = std::string(r.peer.tls ? "https://" : "http://") +
           std::string(r.request[http::field::host]);
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + std::string(r.request.target());
}

json::value OutcomeJson(const service::SmsIntakeResult& result) {
  const storage::SmsMessage& m = result.message;
  json::array problems;
  for (const std::string& p : m.problems) problems.emplace_back(p);
  return json::object{
      {"reply", m.reply},
      {"outcome", storage::SmsOutcomeName(m.outcome)},
      {"problems", std::move(problems)},
      {"instance_id", m.instance_id.empty() ? json::value(nullptr) : json::value(m.instance_id)},
      {"redelivery", result.redelivery}};
}

}  // namespace

Result<SmsGatewaySecrets> ReadSmsGatewayFile(const std::string& path) {
  auto text = ReadWholeFile(path, 1 << 16);
  if (!text) return Fail(text.error());
  SmsGatewaySecrets s;
  std::size_t line_no = 0;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    ++line_no;
    const std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    const std::size_t eq = trimmed.find('=');
    const std::string where = path + ":" + std::to_string(line_no) + ": ";
    if (eq == std::string::npos) {
      return Fail(Status::InvalidArgument(where + "expected key = value"));
    }
    const std::string key = Trim(std::string_view(trimmed).substr(0, eq));
    const std::string value = Trim(std::string_view(trimmed).substr(eq + 1));
    std::string* field = key == "twilio_auth_token"  ? &s.twilio_auth_token
                         : key == "telerivet_secret" ? &s.telerivet_secret
                         : key == "generic_secret"   ? &s.generic_secret
                         : key == "kannel_secret"    ? &s.kannel_secret
                         : key == "public_url"       ? &s.public_url
                                                     : nullptr;
    if (field == nullptr) {
      return Fail(Status::InvalidArgument(
          where + "unknown key '" + key +
          "' (known: twilio_auth_token, telerivet_secret, generic_secret, kannel_secret, "
          "public_url)"));
    }
    if (value.empty()) return Fail(Status::InvalidArgument(where + key + " has no value"));
    *field = value;
  }
  return s;
}

std::string TwilioSignature(std::string_view auth_token, std::string_view url, Params params) {
  std::stable_sort(params.begin(), params.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string data(url);
  for (const auto& [k, v] : params) data += k + v;
  const std::string mac = Hmac(EVP_sha1(), auth_token, data);
  std::string out(4 * ((mac.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(mac.data()),
                                static_cast<int>(mac.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string HmacSha256Hex(std::string_view secret, std::string_view body) {
  const std::string mac = Hmac(EVP_sha256(), secret, body);
  Sha256 bytes{};
  std::copy(mac.begin(), mac.end(), bytes.begin());
  return ToHex(bytes);
}

std::vector<Route> SmsRoutes(service::SmsIntake& intake, const SmsGatewaySecrets& secrets) {
  std::vector<Route> routes;
  auto shared = std::make_shared<const SmsGatewaySecrets>(secrets);

  // Twilio: form-encoded From, Body, MessageSid; answers TwiML.
  if (!secrets.twilio_auth_token.empty()) {
    routes.push_back(
        {http::verb::post, "/sms/inbound/twilio", std::nullopt,
         [&intake, shared](RouteRequest& r, Respond respond) {
           Params params;
           if (!ParseForm(r.request.body(), &params)) {
             respond(BadRequest("the body is not form-encoded"));
             return;
           }
           const std::string expected =
               TwilioSignature(shared->twilio_auth_token, TwilioUrl(*shared, r), params);
           if (!ConstantTimeEquals(expected, std::string_view(r.request["X-Twilio-Signature"]))) {
             respond(Forbidden("twilio", r.peer));
             return;
           }
           intake.Handle({.gateway = "twilio",
                          .message_id = Param(params, "MessageSid"),
                          .sender = Param(params, "From"),
                          .text = Param(params, "Body"),
                          .received_at = Now()},
                         [respond](service::SmsIntakeResult result) {
                           if (!result.status.ok()) {
                             respond(Failure(result.status));
                             return;
                           }
                           respond(Text(http::status::ok, "text/xml; charset=utf-8",
                                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
                                        "<Message>" +
                                            report::HtmlEscape(result.message.reply) +
                                            "</Message></Response>"));
                         });
         }});
  }

  // Telerivet: form-encoded secret, id, from_number, content, event;
  // answers with the messages to send.
  if (!secrets.telerivet_secret.empty()) {
    routes.push_back(
        {http::verb::post, "/sms/inbound/telerivet", std::nullopt,
         [&intake, shared](RouteRequest& r, Respond respond) {
           Params params;
           if (!ParseForm(r.request.body(), &params)) {
             respond(BadRequest("the body is not form-encoded"));
             return;
           }
           if (!ConstantTimeEquals(shared->telerivet_secret, Param(params, "secret"))) {
             respond(Forbidden("telerivet", r.peer));
             return;
           }
           const std::string event = Param(params, "event");
           if (!event.empty() && event != "incoming_message") {
             // Other events (sent, delivered) carry no report.
             respond(JsonResponse(http::status::ok, json::object{}));
             return;
           }
           intake.Handle({.gateway = "telerivet",
                          .message_id = Param(params, "id"),
                          .sender = Param(params, "from_number"),
                          .text = Param(params, "content"),
                          .received_at = Now()},
                         [respond](service::SmsIntakeResult result) {
                           if (!result.status.ok()) {
                             respond(Failure(result.status));
                             return;
                           }
                           json::array messages{json::object{{"content", result.message.reply}}};
                           respond(JsonResponse(http::status::ok,
                                                json::object{{"messages", std::move(messages)}}));
                         });
         }});
  }

  // Generic (SMS gateway apps, FrontlineSMS-style relays): JSON
  // {"id","from","text","received_at"} signed with X-Vigil-Signature:
  // sha256=<hex HMAC-SHA256 of the body>.
  if (!secrets.generic_secret.empty()) {
    routes.push_back(
        {http::verb::post, "/sms/inbound/generic", std::nullopt,
         [&intake, shared](RouteRequest& r, Respond respond) {
           const std::string expected =
               "sha256=" + HmacSha256Hex(shared->generic_secret, r.request.body());
           if (!ConstantTimeEquals(expected, std::string_view(r.request["X-Vigil-Signature"]))) {
             respond(Forbidden("generic", r.peer));
             return;
           }
           boost::system::error_code ec;
           const json::value body = json::parse(r.request.body(), ec);
           const json::object* o = ec ? nullptr : body.if_object();
           service::InboundSms sms{.gateway = "generic", .received_at = Now()};
           std::vector<std::string> missing;
           for (auto [key, field] :
                {std::pair{"id", &sms.message_id}, std::pair{"from", &sms.sender},
                 std::pair{"text", &sms.text}}) {
             const json::value* v = o ? o->if_contains(key) : nullptr;
             if (v == nullptr || !v->is_string()) {
               missing.emplace_back(key);
               continue;
             }
             *field = v->as_string();
           }
           if (const json::value* at = o ? o->if_contains("received_at") : nullptr) {
             Result<Timestamp> parsed = Fail(Status::InvalidArgument("not a string"));
             if (at->is_string()) parsed = ParseRfc3339(std::string_view(at->as_string()));
             if (!parsed) {
               missing.emplace_back("received_at (RFC 3339)");
             } else {
               sms.received_at = *parsed;
             }
           }
           if (!missing.empty()) {
             std::string list;
             for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
             respond(BadRequest(
                 R"(send {"id", "from", "text"} as strings and optionally "received_at"; bad: )" +
                 list));
             return;
           }
           intake.Handle(std::move(sms), [respond](service::SmsIntakeResult result) {
             if (!result.status.ok()) {
               respond(Failure(result.status));
               return;
             }
             respond(JsonResponse(http::status::ok, OutcomeJson(result)));
           });
         }});
  }

  // Kannel: the sms-service get-url, e.g.
  // ".../sms/inbound/kannel?secret=S&id=%I&from=%p&text=%a"; the reply is
  // the plain-text body.
  if (!secrets.kannel_secret.empty()) {
    routes.push_back({http::verb::get, "/sms/inbound/kannel", std::nullopt,
                      [&intake, shared](RouteRequest& r, Respond respond) {
                        if (!ConstantTimeEquals(shared->kannel_secret, r.Query("secret"))) {
                          respond(Forbidden("kannel", r.peer));
                          return;
                        }
                        intake.Handle({.gateway = "kannel",
                                       .message_id = r.Query("id"),
                                       .sender = r.Query("from"),
                                       .text = r.Query("text"),
                                       .received_at = Now()},
                                      [respond](service::SmsIntakeResult result) {
                                        if (!result.status.ok()) {
                                          respond(Failure(result.status));
                                          return;
                                        }
                                        respond(Text(http::status::ok, "text/plain; charset=utf-8",
                                                     result.message.reply));
                                      });
                      }});
  }
  return routes;
}

}  // namespace vigil::api
