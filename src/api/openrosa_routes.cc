#include "api/openrosa_routes.h"

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <ctime>

#include "api/routes.h"
#include "common/crypto.h"
#include "ingest/multipart.h"
#include "ingest/xform.h"
#include "report/svg.h"
#include "service/digest_auth.h"

namespace vigil::api {

namespace http = boost::beast::http;

namespace {

using Respond = std::function<void(Response)>;

// Text and attribute values in XML need the same escapes as in HTML.
std::string XmlText(std::string_view text) { return report::HtmlEscape(text); }

// Headers every OpenRosa answer carries.
void SetOpenRosaHeaders(Response& res) {
  res.set("X-OpenRosa-Version", "1.0");
  res.set(http::field::date, HttpDate(Now()));
}

Response XmlResponse(http::status status, std::string body) {
  Response res{status, 11};
  SetOpenRosaHeaders(res);
  res.set(http::field::content_type, "text/xml; charset=utf-8");
  res.body() = std::move(body);
  return res;
}

Response OpenRosaError(const Status& status, const std::vector<core::FieldError>& fields = {}) {
  std::string message = status.message();
  for (const core::FieldError& f : fields) message += "\n" + f.field + ": " + f.problem;
  Response res = XmlResponse(HttpStatusFor(status.code()), OpenRosaMessage(message));
  if (status.code() == StatusCode::kUnavailable) res.set(http::field::retry_after, "1");
  return res;
}

}  // namespace

Response OpenRosaTooLarge(std::size_t max_bytes) {
  return OpenRosaError(Status::InvalidArgument("the submission is larger than the limit of " +
                                               std::to_string(max_bytes) +
                                               " bytes; send its attachments in several parts"));
}

namespace {

// The scheme and host the client reached us by, for absolute URLs.
// Behind a TLS proxy the request came over plain HTTP, hence --public-url.
std::string BaseUrl(const RouteRequest& r, const std::string& public_url) {
  if (!public_url.empty()) return public_url;
  std::string host(r.request[http::field::host]);
  if (host.empty()) host = "localhost";
  return std::string(r.peer.tls ? "https://" : "http://") + host;
}

std::string PercentEncodeSegment(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string FormName(const core::Form& form) {
  if (auto it = form.title.find("en"); it != form.title.end()) return it->second;
  if (!form.title.empty()) return form.title.begin()->second;
  return form.code;
}

// Runs `handle` for an authenticated observer, or answers 401 with a
// Digest challenge (and Basic over TLS). A wrong password for a known
// login is audited as auth.odk_login_failed.
using ObserverHandler = std::function<void(RouteRequest&, const service::Principal&, Respond)>;

std::function<void(RouteRequest&, Respond)> WithObserver(service::MissionService& mission,
                                                         service::DigestAuthenticator& digest,
                                                         ObserverHandler handle) {
  return [&mission, &digest, handle = std::move(handle)](RouteRequest& r, Respond respond) {
    const auto auth = r.request[http::field::authorization];
    service::DigestCheck check;
    if (auth.empty()) {
      check.status = Status::Unauthenticated("this server needs your ODK username and password");
    } else {
      check = digest.Check(auth, r.request.method_string(), r.request.target(), r.peer.tls);
    }
    if (check.status.code() == StatusCode::kUnavailable) {
      respond(OpenRosaError(check.status));
      return;
    }
    if (!check.status.ok()) {
      if (check.failed_login) {
        boost::json::object detail{{"address", r.peer.address}, {"channel", "openrosa"}};
        (void)mission.store().RecordEvents(std::vector<storage::AuditEvent>{
            {"anonymous", "auth.odk_login_failed", "odk:" + check.username,
             boost::json::serialize(detail), Now()}});
      }
      Response res = OpenRosaError(check.status);
      res.set(http::field::www_authenticate, digest.Challenge(check.stale));
      if (r.peer.tls) {
        res.insert(http::field::www_authenticate, "Basic realm=\"" + digest.realm() + "\"");
      }
      if (r.request.method() == http::verb::head) res.body().clear();  // HEAD has no body
      respond(std::move(res));
      return;
    }
    service::Principal who;
    who.role = core::Role::kObserver;
    who.observer_code = check.observer_code;
    who.actor = "odk:" + check.observer_code + "/observer";
    if (r.actor) *r.actor = who.actor;
    handle(r, who, std::move(respond));
  };
}

std::string_view SubmitMessage(const service::SubmitResult& r) {
  return r.duplicate ? "This form was already received; nothing new was stored."
                     : "Thank you: your form was received and stored.";
}

}  // namespace

std::string HttpDate(Timestamp t) {
  const std::time_t secs =
      std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

std::string OpenRosaMessage(std::string_view message) {
  return "<OpenRosaResponse xmlns=\"http://openrosa.org/http/response\"><message>" +
         XmlText(message) + "</message></OpenRosaResponse>";
}

std::vector<Route> OpenRosaRoutes(const ApiServices& services) {
  service::MissionService& mission = services.mission;
  service::DigestAuthenticator& digest = services.digest;
  service::AttachmentStore& attachments = services.attachments;
  const std::size_t max_body = services.odk_max_body_bytes;
  std::vector<Route> routes;
  const auto add = [&](http::verb method, std::string pattern, ObserverHandler handle) {
    routes.push_back({method, std::move(pattern), std::nullopt,
                      WithObserver(mission, digest, std::move(handle)), /*odk_login=*/true});
  };

  // The current version of each form (formID=CODE: that form only).
  add(http::verb::get, "/openrosa/formList",
      [&mission, public_url = services.public_url](RouteRequest& r, const service::Principal&,
                                                   Respond respond) {
        const auto snapshot = mission.Mission();
        const std::string only = r.Query("formID");
        const std::string base = BaseUrl(r, public_url);
        std::string body =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<xforms xmlns=\"http://openrosa.org/xforms/xformsList\">\n";
        std::vector<std::string> seen;
        for (const core::Form& f : snapshot->forms()) {
          if (std::find(seen.begin(), seen.end(), f.code) != seen.end()) continue;
          seen.push_back(f.code);
          if (!only.empty() && f.code != only) continue;
          const core::Form& current = *snapshot->FindForm(f.code);
          auto xform = ingest::MakeXForm(current);
          if (!xform) continue;  // a form whose codes XForms cannot carry is not offered
          const std::string url = base + "/openrosa/forms/" + PercentEncodeSegment(current.code) +
                                  "/" + PercentEncodeSegment(current.version);
          body += "  <xform>\n    <formID>" + XmlText(ingest::XFormId(current)) +
                  "</formID>\n    <name>" + XmlText(FormName(current)) + "</name>\n    <version>" +
                  XmlText(current.version) + "</version>\n    <hash>md5:" + Md5Hex(*xform) +
                  "</hash>\n    <downloadUrl>" + XmlText(url) +
                  "</downloadUrl>\n    <manifestUrl>" + XmlText(url + "/manifest") +
                  "</manifestUrl>\n  </xform>\n";
        }
        body += "</xforms>\n";
        respond(XmlResponse(http::status::ok, std::move(body)));
      });

  add(http::verb::get, "/openrosa/forms/{code}/{version}",
      [&mission](RouteRequest& r, const service::Principal&, Respond respond) {
        const core::Form* form = mission.Mission()->FindForm(r.params[0], r.params[1]);
        if (form == nullptr) {
          respond(OpenRosaError(Status::NotFound("no form '" + r.params[0] + "' with version '" +
                                                 r.params[1] + "'")));
          return;
        }
        auto xform = ingest::MakeXForm(*form);
        if (!xform) {
          respond(OpenRosaError(xform.error()));
          return;
        }
        respond(XmlResponse(http::status::ok, std::move(*xform)));
      });

  add(http::verb::get, "/openrosa/forms/{code}/{version}/manifest",
      [&mission](RouteRequest& r, const service::Principal&, Respond respond) {
        if (mission.Mission()->FindForm(r.params[0], r.params[1]) == nullptr) {
          respond(OpenRosaError(Status::NotFound("no form '" + r.params[0] + "' with version '" +
                                                 r.params[1] + "'")));
          return;
        }
        respond(XmlResponse(http::status::ok,
                            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                            "<manifest xmlns=\"http://openrosa.org/xforms/xformsManifest\">\n"
                            "</manifest>\n"));
      });

  // Clients ask first, to learn the size limit (and to be challenged).
  add(http::verb::head, "/openrosa/submission",
      [max_body](RouteRequest&, const service::Principal&, Respond respond) {
        Response res{http::status::no_content, 11};
        SetOpenRosaHeaders(res);
        res.set("X-OpenRosa-Accept-Content-Length", std::to_string(max_body));
        respond(std::move(res));
      });

  add(http::verb::post, "/openrosa/submission",
      [&mission, &attachments, max_body](RouteRequest& r, const service::Principal& who,
                                         Respond respond) {
        const auto bad_request = [&](const Status& s) {
          Response res = OpenRosaError(s);
          if (s.code() == StatusCode::kInvalidArgument) res.result(http::status::bad_request);
          respond(std::move(res));
        };
        auto boundary = ingest::MultipartBoundary(r.request[http::field::content_type]);
        if (!boundary) return bad_request(boundary.error());
        ingest::MultipartLimits limits;
        limits.max_part_bytes = max_body;
        auto parts = ingest::ParseMultipart(r.request.body(), *boundary, limits);
        if (!parts) return bad_request(parts.error());
        // The instance, and every other part as a file (photos; a client
        // may spread them over several POSTs of the same instance).
        const ingest::MultipartPart* xml = nullptr;
        std::vector<service::IncomingFile> files;
        for (const ingest::MultipartPart& p : *parts) {
          if (p.name == "xml_submission_file") {
            if (xml != nullptr) {
              return bad_request(
                  Status::InvalidArgument("the body has more than one xml_submission_file part"));
            }
            xml = &p;
            continue;
          }
          const std::string& name = p.filename.empty() ? p.name : p.filename;
          if (Status s = service::CheckAttachmentName(name); !s.ok()) return bad_request(s);
          if (std::any_of(files.begin(), files.end(),
                          [&](const service::IncomingFile& f) { return f.file_name == name; })) {
            return bad_request(
                Status::InvalidArgument("the body has two files named '" + name + "'"));
          }
          files.push_back({name, p.content_type, std::string(p.body)});
        }
        if (xml == nullptr) {
          return bad_request(
              Status::InvalidArgument("the body has no xml_submission_file part (the instance)"));
        }
        auto instance = ingest::ParseXFormInstance(xml->body);
        if (!instance) return bad_request(instance.error());
        const auto snapshot = mission.Mission();
        const core::Form* form = snapshot->FindForm(instance->form_id, instance->form_version);
        // An unknown form is converted without one, and validation names it.
        const boost::json::value body = ingest::InstanceToSubmissionJson(
            *instance, form ? *form : core::Form{}, who.observer_code);
        auto shared_files = std::make_shared<std::vector<service::IncomingFile>>(std::move(files));
        mission.Submit(
            body, who,
            [respond, &attachments, shared_files, actor = who.actor](service::SubmitResult result) {
              if (!result.status.ok()) {
                respond(OpenRosaError(result.status, result.errors));
                return;
              }
              const auto created = [respond, result] {
                Response res =
                    XmlResponse(http::status::created, OpenRosaMessage(SubmitMessage(result)));
                res.set(http::field::location, "/api/v1/submissions/" + result.instance_id);
                respond(std::move(res));
              };
              if (shared_files->empty()) return created();
              // The submission is durable; its files are written and recorded
              // before the 201. If that fails, the client's retry is a
              // duplicate submission and brings the files again.
              attachments.Save(result.instance_id, std::move(*shared_files), {actor},
                               [respond, created](Status s) {
                                 if (s.ok()) return created();
                                 if (s.code() != StatusCode::kConflict) {
                                   s = Status::Unavailable(
                                       "the attachments could not be stored; "
                                       "retry: " +
                                       s.message());
                                 }
                                 respond(OpenRosaError(s));
                               });
            });
      });

  return routes;
}

}  // namespace vigil::api
