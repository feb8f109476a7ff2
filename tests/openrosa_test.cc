// The OpenRosa server end to end, as ODK Collect uses it (api/openrosa_routes.h):
// form list, XForm download checked against its md5 hash, the Digest
// challenge, HEAD then multipart POST, a retry, a conflict, an edit with
// deprecatedID read back through the JSON API; and Digest authentication
// itself (service/digest_auth.h) on a real store: nonce expiry, wrong
// passwords, Basic only over TLS.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <pugixml.hpp>
#include <sstream>

#include "common/crypto.h"
#include "service/digest_auth.h"
#include "service/field_credentials.h"
#include "support/test_mission.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;
using api::ClientResponse;
using boost::beast::http::verb;
using ::testing::HasSubstr;

constexpr char kUser[] = "ana";
constexpr char kPassword[] = "k7m2-p9q4-x3v8-w6r5";
constexpr char kBoundary[] = "----OpenRosaBoundaryq1w2e3";

// The auth-params of a WWW-Authenticate: Digest challenge.
std::map<std::string, std::string> ChallengeParams(std::string_view header) {
  std::map<std::string, std::string> out;
  EXPECT_TRUE(header.starts_with("Digest ")) << header;
  std::string_view rest = header.substr(std::min<std::size_t>(7, header.size()));
  while (!rest.empty()) {
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == ',')) rest.remove_prefix(1);
    const std::size_t eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    std::string name(rest.substr(0, eq));
    rest.remove_prefix(eq + 1);
    std::string value;
    if (!rest.empty() && rest.front() == '"') {
      const std::size_t close = rest.find('"', 1);
      value = std::string(rest.substr(1, close - 1));
      rest.remove_prefix(close + 1);
    } else {
      const std::size_t end = std::min(rest.find(','), rest.size());
      value = std::string(rest.substr(0, end));
      rest.remove_prefix(end);
    }
    out[name] = value;
  }
  return out;
}

// What ODK Collect sends after a challenge (RFC 7616 section 3.4, qop=auth).
std::string DigestHeader(const std::map<std::string, std::string>& challenge, const char* method,
                         const std::string& uri, int nc, const std::string& password = kPassword,
                         const std::string& user = kUser) {
  const std::string ha1 = service::DigestHa1(user, challenge.at("realm"), password);
  char nc_text[9];
  std::snprintf(nc_text, sizeof nc_text, "%08x", nc);
  const std::string cnonce = "0a4f113b";
  const std::string response = Md5Hex(ha1 + ":" + challenge.at("nonce") + ":" + nc_text + ":" +
                                      cnonce + ":auth:" + Md5Hex(std::string(method) + ":" + uri));
  return "Digest username=\"" + user + "\", realm=\"" + challenge.at("realm") + "\", nonce=\"" +
         challenge.at("nonce") + "\", uri=\"" + uri + "\", response=\"" + response +
         "\", qop=auth, nc=" + nc_text + ", cnonce=\"" + cnonce + "\", algorithm=MD5, opaque=\"" +
         challenge.at("opaque") + "\"";
}

std::string Instance(const std::string& instance_id, const std::string& station = "PS-01",
                     const std::string& turned_away = "0", const std::string& deprecated = "") {
  return "<?xml version='1.0' ?><data id=\"V\" version=\"2026.1\" "
         "xmlns:orx=\"http://openrosa.org/xforms\"><station>" +
         station + "</station><VA>08:05:00.000+03:00</VA><V1>yes</V1><V7>" + turned_away +
         "</V7><V20>good</V20><started_at>2026-06-07T08:01:12.345+03:00</started_at>"
         "<submitted_at>2026-06-07T08:41:03.210+03:00</submitted_at><orx:meta><orx:instanceID>" +
         instance_id + "</orx:instanceID>" +
         (deprecated.empty() ? "" : "<orx:deprecatedID>" + deprecated + "</orx:deprecatedID>") +
         "</orx:meta></data>";
}

// As ODK Collect sends it: the instance, then each file (name, bytes).
std::string Multipart(const std::string& xml,
                      const std::vector<std::pair<std::string, std::string>>& files = {}) {
  std::string body = std::string("--") + kBoundary +
                     "\r\nContent-Disposition: form-data; name=\"xml_submission_file\"; "
                     "filename=\"V.xml\"\r\nContent-Type: text/xml\r\n\r\n" +
                     xml + "\r\n";
  for (const auto& [name, bytes] : files) {
    body += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name +
            "\"; filename=\"" + name + "\"\r\nContent-Type: image/jpeg\r\n\r\n" + bytes + "\r\n";
  }
  return body + "--" + kBoundary + "--\r\n";
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class OpenRosaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mission_.Create();
    auto store = mission_.OpenStore();
    ASSERT_TRUE(service::SetFieldLogin(*store, "OBS-1", kUser, service::kDefaultDigestRealm,
                                       kPassword, {"test"})
                    .ok());
    store.reset();
    server_ = std::make_unique<RunningServer>(mission_.dir.path() + "/mission");
    client_ = server_->Client("");
  }

  // Sends like ODK Collect: unauthenticated the first time, to be
  // challenged, then with Digest on the nonce it was given.
  ClientResponse Send(verb method, const std::string& target, const std::string& body = {},
                      const std::string& content_type = {}) {
    if (challenge_.empty()) {
      auto first = client_->Send(method, target, body, content_type);
      EXPECT_TRUE(first.has_value());
      if (!first) return {};
      EXPECT_EQ(first->status, 401) << first->body;
      challenge_ = ChallengeParams(first->headers["www-authenticate"]);
    }
    const char* name = method == verb::get ? "GET" : method == verb::head ? "HEAD" : "POST";
    client_->set_header("Authorization", DigestHeader(challenge_, name, target, ++nc_));
    auto r = client_->Send(method, target, body, content_type);
    client_->set_header("Authorization", "");
    EXPECT_TRUE(r.has_value());
    return r ? *r : ClientResponse{};
  }

  ClientResponse Submit(const std::string& xml,
                        const std::vector<std::pair<std::string, std::string>>& files = {}) {
    return Send(verb::post, "/openrosa/submission", Multipart(xml, files),
                std::string("multipart/form-data; boundary=") + kBoundary);
  }

  TestMission mission_;
  std::unique_ptr<RunningServer> server_;
  std::unique_ptr<api::HttpClient> client_;
  std::map<std::string, std::string> challenge_;
  int nc_ = 0;
};

TEST_F(OpenRosaTest, CollectsFormListDownloadChallengeSubmitRetryAndEdit) {
  // Unauthenticated: a Digest challenge, with the OpenRosa headers.
  auto first = client_->Get("/openrosa/formList");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->status, 401);
  EXPECT_EQ(first->headers["x-openrosa-version"], "1.0");
  EXPECT_THAT(first->headers["date"], HasSubstr(" GMT"));
  EXPECT_THAT(first->headers["www-authenticate"], HasSubstr("qop=\"auth\""));
  EXPECT_THAT(first->headers["www-authenticate"], HasSubstr("algorithm=MD5"));
  EXPECT_THAT(first->body,
              HasSubstr("<OpenRosaResponse xmlns=\"http://openrosa.org/http/response\">"));

  // The form list, then the voting form's XForm, whose md5 must match.
  const ClientResponse list = Send(verb::get, "/openrosa/formList");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.headers.at("x-openrosa-version"), "1.0");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(list.body.c_str())) << list.body;
  const pugi::xml_node xforms = doc.child("xforms");
  EXPECT_STREQ(xforms.attribute("xmlns").value(), "http://openrosa.org/xforms/xformsList");
  const pugi::xml_node v = xforms.find_child(
      [](pugi::xml_node n) { return std::string_view(n.child_value("formID")) == "V"; });
  ASSERT_TRUE(v) << list.body;
  EXPECT_STREQ(v.child_value("version"), "2026.1");
  EXPECT_STREQ(v.child_value("name"), "Voting");
  // Absolute URLs on the host the client named (the test client's Host
  // header carries no port).
  const std::string url = v.child_value("downloadUrl");
  const std::string prefix = "http://127.0.0.1";
  ASSERT_TRUE(url.starts_with(prefix + "/openrosa/forms/V/2026.1")) << url;
  const ClientResponse xform = Send(verb::get, url.substr(prefix.size()));
  ASSERT_EQ(xform.status, 200) << xform.body;
  EXPECT_EQ(std::string(v.child_value("hash")), "md5:" + Md5Hex(xform.body));
  const std::string manifest_url = v.child_value("manifestUrl");
  const ClientResponse manifest = Send(verb::get, manifest_url.substr(prefix.size()));
  EXPECT_EQ(manifest.status, 200);
  EXPECT_THAT(manifest.body, HasSubstr("http://openrosa.org/xforms/xformsManifest"));

  // HEAD, then the submission; a retry is stored once.
  const ClientResponse head = Send(verb::head, "/openrosa/submission");
  EXPECT_EQ(head.status, 204);
  EXPECT_EQ(head.headers.at("x-openrosa-accept-content-length"), std::to_string(10 << 20));
  const std::string id = "uuid:4a1d2e3f-0000-4000-8000-00000000e2e1";
  const std::string photo("\xff\xd8\xff\xe0 protocol page 1\r\n--\0\xff\xd9", 27);
  const ClientResponse stored = Submit(Instance(id), {{"1717750000123.jpg", photo}});
  ASSERT_EQ(stored.status, 201) << stored.body;
  EXPECT_THAT(stored.body, HasSubstr("<message>Thank you"));
  // A retry with the same photo, then the same instance with a second photo
  // (as clients split large submissions): stored once, files added.
  const ClientResponse retry = Submit(Instance(id), {{"1717750000123.jpg", photo}});
  EXPECT_EQ(retry.status, 201) << retry.body;
  EXPECT_THAT(retry.body, HasSubstr("already received"));
  const ClientResponse second = Submit(Instance(id), {{"1717750000456.jpg", "page 2"}});
  EXPECT_EQ(second.status, 201) << second.body;
  // Another file under a name already used: 409.
  const ClientResponse clash = Submit(Instance(id), {{"1717750000456.jpg", "other bytes"}});
  EXPECT_EQ(clash.status, 409) << clash.body;
  {
    auto files = server_->server().service().store().ListAttachments(id);
    ASSERT_TRUE(files.has_value());
    ASSERT_EQ(files->size(), 2u);
    EXPECT_EQ((*files)[0].file_name, "1717750000123.jpg");
    EXPECT_EQ((*files)[0].sha256, HashSha256(photo));
    EXPECT_EQ((*files)[0].size, 27);
    EXPECT_EQ((*files)[0].content_type, "image/jpeg");
    const std::string hex = ToHex(HashSha256(photo));
    EXPECT_EQ(ReadWholeFile(mission_.dir.path() + "/mission/attachments/" + hex.substr(0, 2) + "/" +
                            hex.substr(2)),
              photo);
  }

  // The same instanceID with other content: 409.
  const ClientResponse conflict = Submit(Instance(id, "PS-01", "4"));
  EXPECT_EQ(conflict.status, 409) << conflict.body;

  // An edit: a new instanceID naming the old one as deprecatedID.
  const std::string edit_id = "uuid:4a1d2e3f-0000-4000-8000-00000000e2e2";
  const ClientResponse edited = Submit(Instance(edit_id, "PS-01", "4", id));
  ASSERT_EQ(edited.status, 201) << edited.body;

  // Read back through the JSON API: both versions, by observer OBS-1.
  auto api = server_->Client(mission_.admin_token);
  auto history = api->Get("/api/v1/submissions/" + edit_id);
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->status, 200) << history->body;
  const json::value h = json::parse(history->body);
  ASSERT_EQ(h.at("history").as_array().size(), 2u);
  EXPECT_EQ(h.at("history").at(0).at("instance_id"), json::value(id));
  EXPECT_EQ(h.at("history").at(0).at("answers").at("V7"), 0);
  EXPECT_EQ(h.at("current").at("instance_id"), json::value(edit_id));
  EXPECT_EQ(h.at("current").at("replaces"), json::value(id));
  EXPECT_EQ(h.at("current").at("observer"), "OBS-1");
  EXPECT_EQ(h.at("current").at("answers").at("V7"), 4);
  EXPECT_EQ(h.at("current").at("answers").at("VA"), "08:05");
}

TEST_F(OpenRosaTest, RefusesMalformedAndInvalidSubmissionsWithOpenRosaMessages) {
  const ClientResponse bad_xml = Submit("<data id=\"V\"><station>PS-01</data>");
  EXPECT_EQ(bad_xml.status, 400);
  EXPECT_THAT(bad_xml.body, HasSubstr("not well-formed XML"));
  EXPECT_EQ(bad_xml.headers.at("x-openrosa-version"), "1.0");

  const ClientResponse no_part = Send(
      verb::post, "/openrosa/submission",
      std::string("--") + kBoundary +
          "\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--" + kBoundary + "--\r\n",
      std::string("multipart/form-data; boundary=") + kBoundary);
  EXPECT_EQ(no_part.status, 400);
  EXPECT_THAT(no_part.body, HasSubstr("no xml_submission_file part"));

  const ClientResponse not_multipart =
      Send(verb::post, "/openrosa/submission", Instance("uuid:x"), "text/xml");
  EXPECT_EQ(not_multipart.status, 400);
  EXPECT_THAT(not_multipart.body, HasSubstr("multipart/form-data"));

  // Validation: out-of-range answer, and a station OBS-1 is not assigned to.
  const ClientResponse invalid =
      Submit(Instance("uuid:4a1d2e3f-0000-4000-8000-0000000000b1", "PS-15", "99999"));
  EXPECT_EQ(invalid.status, 422) << invalid.body;
  pugi::xml_document response;
  ASSERT_TRUE(response.load_string(invalid.body.c_str())) << invalid.body;
  const std::string message = response.child("OpenRosaResponse").child_value("message");
  EXPECT_THAT(message, HasSubstr("answers.V7: value 99999 is out of range [0, 5000]"));
  EXPECT_THAT(message, HasSubstr("station: observer 'OBS-1' is not assigned to station 'PS-15'"));
}

TEST_F(OpenRosaTest, FormListLinksUseThePublicUrlWhenGiven) {
  server_.reset();
  server_ = std::make_unique<RunningServer>(api::VigilServerOptions{
      .data_dir = mission_.dir.path() + "/mission", .public_url = "https://vigil.example.org/"});
  client_ = server_->Client("");
  const ClientResponse list = Send(verb::get, "/openrosa/formList?formID=V");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_THAT(list.body,
              HasSubstr("<downloadUrl>https://vigil.example.org/openrosa/forms/V/2026.1<"));
}

TEST_F(OpenRosaTest, TakesPhotosAboveTheApiLimitAndRefusesBodiesAboveItsOwnInItsDialect) {
  // 3 MB: above the JSON API's 1 MiB, within OpenRosa's 10 MiB.
  const std::string photo(3'000'000, '\x7f');
  const ClientResponse stored =
      Submit(Instance("uuid:4a1d2e3f-0000-4000-8000-0000000000c1"), {{"big.jpg", photo}});
  ASSERT_EQ(stored.status, 201) << stored.body;
  auto files = server_->server().service().store().ListAttachments(
      "uuid:4a1d2e3f-0000-4000-8000-0000000000c1");
  ASSERT_TRUE(files.has_value());
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].size, 3'000'000);

  const ClientResponse too_large = Submit(Instance("uuid:4a1d2e3f-0000-4000-8000-0000000000c2"),
                                          {{"huge.jpg", std::string(11 << 20, 'x')}});
  EXPECT_EQ(too_large.status, 413) << too_large.body;
  EXPECT_EQ(too_large.headers.at("x-openrosa-version"), "1.0");
  pugi::xml_document response;
  ASSERT_TRUE(response.load_string(too_large.body.c_str())) << too_large.body;
  EXPECT_THAT(std::string(response.child("OpenRosaResponse").child_value("message")),
              HasSubstr("larger than the limit of 10485760 bytes"));

  // The JSON API keeps its own limit.
  auto api = server_->Client(mission_.admin_token);
  auto json_too_large = api->PostJson("/api/v1/submissions", std::string(2 << 20, ' '));
  ASSERT_TRUE(json_too_large.has_value());
  EXPECT_EQ(json_too_large->status, 413);
}

TEST_F(OpenRosaTest, RefusesWrongPasswordsAndAuditsThem) {
  auto first = client_->Get("/openrosa/formList");
  ASSERT_TRUE(first.has_value());
  const auto challenge = ChallengeParams(first->headers["www-authenticate"]);
  client_->set_header("Authorization",
                      DigestHeader(challenge, "GET", "/openrosa/formList", 1, "wrong-password"));
  auto wrong = client_->Get("/openrosa/formList");
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->status, 401);
  EXPECT_THAT(wrong->headers["www-authenticate"], HasSubstr("Digest realm=\"vigil\""));
  // A response computed for another URI is refused too.
  client_->set_header("Authorization", DigestHeader(challenge, "GET", "/openrosa/other", 2));
  auto other_uri = client_->Get("/openrosa/formList");
  ASSERT_TRUE(other_uri.has_value());
  EXPECT_EQ(other_uri->status, 401);
  // Basic over plain HTTP is refused even with the right password.
  client_->set_header("Authorization", "Basic YW5hOms3bTItcDlxNC14M3Y4LXc2cjU=");
  auto basic = client_->Get("/openrosa/formList");
  ASSERT_TRUE(basic.has_value());
  EXPECT_EQ(basic->status, 401);
  EXPECT_THAT(basic->body, HasSubstr("Basic authentication is accepted only over HTTPS"));
  server_->Stop();
  int failed = 0;
  auto store = mission_.OpenStore();
  ASSERT_TRUE(store
                  ->ForEachAuditEntry([&](const core::AuditEntry& e) {
                    if (e.action == "auth.odk_login_failed") {
                      ++failed;
                      EXPECT_EQ(e.subject, "odk:ana");
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(failed, 1);
}

// Digest on its own, with the clock in the test's hands.
class DigestAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mission_.Create();
    store_ = mission_.OpenStore();
    ASSERT_TRUE(
        service::SetFieldLogin(*store_, "OBS-2", "boris", "field", kPassword, {"test"}).ok());
    digest_ = std::make_unique<service::DigestAuthenticator>(
        *store_,
        service::DigestOptions{
            .realm = "field", .nonce_lifetime = std::chrono::seconds(60), .secret = "test secret"});
  }

  TestMission mission_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<service::DigestAuthenticator> digest_;
};

TEST_F(DigestAuthTest, AcceptsAFreshNonceAndNamesTheObserver) {
  const Timestamp t0 = Now();
  const auto challenge = ChallengeParams(digest_->Challenge(false, t0));
  const std::string header =
      DigestHeader(challenge, "POST", "/openrosa/submission", 1, kPassword, "boris");
  const service::DigestCheck ok =
      digest_->Check(header, "POST", "/openrosa/submission", false, t0 + std::chrono::seconds(59));
  ASSERT_TRUE(ok.status.ok()) << ok.status.ToString();
  EXPECT_EQ(ok.observer_code, "OBS-2");
  // The method is part of the response.
  EXPECT_FALSE(digest_->Check(header, "GET", "/openrosa/submission", false, t0).status.ok());
}

TEST_F(DigestAuthTest, SaysStaleForAnExpiredNonce) {
  const Timestamp t0 = Now();
  const auto challenge = ChallengeParams(digest_->Challenge(false, t0));
  const service::DigestCheck late =
      digest_->Check(DigestHeader(challenge, "GET", "/openrosa/formList", 1, kPassword, "boris"),
                     "GET", "/openrosa/formList", false, t0 + std::chrono::seconds(61));
  EXPECT_EQ(late.status.code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(late.stale);
  EXPECT_FALSE(late.failed_login);
  EXPECT_THAT(digest_->Challenge(true, t0), HasSubstr(", stale=true"));
}

TEST_F(DigestAuthTest, RefusesForgedNoncesUnknownUsersAndBadParameters) {
  const Timestamp t0 = Now();
  auto challenge = ChallengeParams(digest_->Challenge(false, t0));
  const auto check = [&](const std::string& header) {
    return digest_->Check(header, "GET", "/openrosa/formList", false, t0);
  };
  auto forged = challenge;
  forged["nonce"] =
      std::to_string(
          std::chrono::duration_cast<std::chrono::seconds>(t0.time_since_epoch()).count()) +
      ".00000000000000000000000000000000";
  EXPECT_FALSE(
      check(DigestHeader(forged, "GET", "/openrosa/formList", 1, kPassword, "boris")).status.ok());
  const service::DigestCheck unknown =
      check(DigestHeader(challenge, "GET", "/openrosa/formList", 1, kPassword, "nobody"));
  EXPECT_FALSE(unknown.status.ok());
  EXPECT_FALSE(unknown.failed_login);  // nothing to audit about a name that is no login
  const service::DigestCheck wrong =
      check(DigestHeader(challenge, "GET", "/openrosa/formList", 1, "guess", "boris"));
  EXPECT_FALSE(wrong.status.ok());
  EXPECT_TRUE(wrong.failed_login);
  EXPECT_EQ(wrong.status.message(), unknown.status.message());
  std::string header = DigestHeader(challenge, "GET", "/openrosa/formList", 1, kPassword, "boris");
  EXPECT_FALSE(check(header.substr(0, header.size() - 1)).status.ok());  // unterminated
  EXPECT_FALSE(
      check(std::string(header).replace(header.find("qop=auth"), 8, "qop=auth-int")).status.ok());
  EXPECT_FALSE(check("Digest garbage").status.ok());
  EXPECT_FALSE(check("Bearer vgl_x").status.ok());
}

TEST_F(DigestAuthTest, AcceptsBasicOnlyOverTls) {
  // base64("boris:" + kPassword)
  const std::string header = "Basic Ym9yaXM6azdtMi1wOXE0LXgzdjgtdzZyNQ==";
  EXPECT_FALSE(digest_->Check(header, "GET", "/openrosa/formList", false).status.ok());
  const service::DigestCheck tls = digest_->Check(header, "GET", "/openrosa/formList", true);
  ASSERT_TRUE(tls.status.ok()) << tls.status.ToString();
  EXPECT_EQ(tls.observer_code, "OBS-2");
  EXPECT_FALSE(digest_->Check("Basic Ym9yaXM6d3Jvbmc=", "GET", "/x", true).status.ok());
}

}  // namespace
}  // namespace vigil::testing
