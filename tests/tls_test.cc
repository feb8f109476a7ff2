// HTTPS end to end on loopback: certificates made at test time, the real
// server and the project's client, and what goes wrong when either side
// should refuse.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "api/http_client.h"
#include "api/http_server.h"
#include "common/metrics.h"
#include "service/admin.h"
#include "support/test_certificate.h"
#include "support/test_mission.h"

namespace vigil::testing {
namespace {

namespace http = boost::beast::http;
using ::testing::HasSubstr;

// An HttpServer on 127.0.0.1 whose handler answers "tls" or "plain", as it
// was told by the server's Peer.
class PeerEchoServer {
 public:
  explicit PeerEchoServer(api::ServerOptions options) {
    options.listen = "127.0.0.1:0";
    options.handle_signals = false;
    options.threads = 2;
    server_ = std::make_unique<api::HttpServer>(
        options,
        [](api::Request&, const api::Peer& peer, api::Responder respond) {
          api::Reply reply;
          reply.response.result(http::status::ok);
          reply.response.body() = peer.tls ? "tls" : "plain";
          respond(std::move(reply));
        },
        nullptr, metrics_);
  }
  ~PeerEchoServer() { Stop(); }

  [[nodiscard]] Status Start() {
    Status s = server_->Start();
    if (s.ok()) thread_ = std::thread([this] { server_->Run(); });
    return s;
  }
  void Stop() {
    if (!thread_.joinable()) return;
    server_->Shutdown();
    thread_.join();
  }
  std::string Url(const std::string& scheme, const std::string& host = "127.0.0.1") const {
    return scheme + "://" + host + ":" + std::to_string(server_->port());
  }
  // Whether the server has counted a failed handshake within 5 s: it may
  // notice after the client has given up.
  bool CountedHandshakeFailure() const {
    for (int i = 0; i < 100; ++i) {
      if (metrics_.RenderPrometheusText().find("tls_handshake_failures_total 0") ==
          std::string::npos) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

 private:
  MetricsRegistry metrics_;
  std::unique_ptr<api::HttpServer> server_;
  std::thread thread_;
};

api::ServerOptions WithTls(const TestCertificate& cert) {
  api::ServerOptions options;
  options.tls_cert_file = cert.cert_file;
  options.tls_key_file = cert.key_file;
  return options;
}

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = MakeSelfSignedCertificate(dir_.path(), "server");
    server_ = std::make_unique<PeerEchoServer>(WithTls(cert_));
    ASSERT_TRUE(server_->Start().ok());
  }

  Result<std::unique_ptr<api::HttpClient>> Connect(const std::string& host = "127.0.0.1") {
    return api::HttpClient::Connect(server_->Url("https", host), {.ca_file = cert_.cert_file});
  }

  TempDir dir_;
  TestCertificate cert_;
  std::unique_ptr<PeerEchoServer> server_;
};

TEST_F(TlsServerTest, HandlerLearnsThatTheConnectionIsTls) {
  auto client = Connect();
  ASSERT_TRUE(client.has_value()) << client.error().ToString();
  auto res = (*client)->Get("/");
  ASSERT_TRUE(res.has_value()) << res.error().ToString();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "tls");
}

TEST_F(TlsServerTest, EveryResponseCarriesHsts) {
  auto client = Connect();
  ASSERT_TRUE(client.has_value()) << client.error().ToString();
  for (int i = 0; i < 3; ++i) {  // on one kept-alive connection
    auto res = (*client)->Get("/");
    ASSERT_TRUE(res.has_value()) << res.error().ToString();
    EXPECT_EQ(res->headers["strict-transport-security"], "max-age=31536000");
  }
}

TEST_F(TlsServerTest, ClientChecksTheNameInTheCertificate) {
  // The certificate names 127.0.0.1 and localhost, not other names.
  auto by_name = Connect("localhost");
  ASSERT_TRUE(by_name.has_value()) << by_name.error().ToString();
  EXPECT_EQ((*by_name)->Get("/")->status, 200);

  const TestCertificate named_only = MakeSelfSignedCertificate(dir_.path(), "named", "DNS:vigil");
  PeerEchoServer other(WithTls(named_only));
  ASSERT_TRUE(other.Start().ok());
  auto by_address = api::HttpClient::Connect(other.Url("https"), {.ca_file = named_only.cert_file});
  ASSERT_FALSE(by_address.has_value());
  EXPECT_THAT(by_address.error().message(), HasSubstr("IP address mismatch"));
}

TEST_F(TlsServerTest, ClientTrustingAnotherAuthorityFailsTheHandshake) {
  const TestCertificate stranger = MakeSelfSignedCertificate(dir_.path(), "stranger");
  auto client = api::HttpClient::Connect(server_->Url("https"), {.ca_file = stranger.cert_file});
  ASSERT_FALSE(client.has_value());
  EXPECT_EQ(client.error().code(), StatusCode::kUnavailable);
  EXPECT_THAT(client.error().message(), HasSubstr("certificate verify failed"));
  // The server counted it and still serves others.
  EXPECT_TRUE(server_->CountedHandshakeFailure());
  EXPECT_EQ((*Connect())->Get("/")->status, 200);
}

TEST_F(TlsServerTest, PlainHttpToTheTlsPortIsHungUpOn) {
  auto client = api::HttpClient::Connect(server_->Url("http"));
  ASSERT_TRUE(client.has_value()) << client.error().ToString();
  auto res = (*client)->Get("/");
  if (res.has_value()) {
    EXPECT_EQ(res->status, 400);  // a clean answer; a closed connection is clean too
  }
  EXPECT_TRUE(server_->CountedHandshakeFailure());
  EXPECT_EQ((*Connect())->Get("/")->status, 200);
}

TEST(TlsServer, OversizedBodyIs413OverTls) {
  TempDir dir;
  const TestCertificate cert = MakeSelfSignedCertificate(dir.path(), "server");
  api::ServerOptions options = WithTls(cert);
  options.max_body_bytes = 1024;
  PeerEchoServer server(options);
  ASSERT_TRUE(server.Start().ok());
  auto client = api::HttpClient::Connect(server.Url("https"), {.ca_file = cert.cert_file});
  ASSERT_TRUE(client.has_value()) << client.error().ToString();
  auto res = (*client)->PostJson("/", std::string(1 << 20, 'x'));
  ASSERT_TRUE(res.has_value()) << res.error().ToString();
  EXPECT_EQ(res->status, 413);
}

TEST_F(TlsServerTest, ShutdownDoesNotWaitLongForAnIdleTlsClient) {
  auto client = Connect();
  ASSERT_TRUE(client.has_value()) << client.error().ToString();
  ASSERT_EQ((*client)->Get("/")->status, 200);
  // The client keeps the connection open and never answers close_notify.
  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

// A request whose handler does not answer holds the drain until its
// timeout; the server then stops. The answer that comes after that (as a
// late commit's would) waits in the stopped queue, and goes with the
// server: ASan checks that nothing already destroyed is touched then.
TEST(PlainServer, StopsAfterTheDrainTimeoutAndIsDestroyedCleanly) {
  MetricsRegistry metrics;
  api::Responder held;  // never called before the server is gone
  std::mutex held_mu;
  auto server = std::make_unique<api::HttpServer>(
      api::ServerOptions{.listen = "127.0.0.1:0",
                         .threads = 2,
                         .drain_timeout = std::chrono::seconds(1),
                         .handle_signals = false},
      [&](api::Request&, const api::Peer&, api::Responder respond) {
        std::lock_guard lock(held_mu);
        held = std::move(respond);
      },
      nullptr, metrics);
  ASSERT_TRUE(server->Start().ok());
  std::thread run([&] { server->Run(); });
  std::thread client([&] {
    auto c = api::HttpClient::Connect("http://127.0.0.1:" + std::to_string(server->port()));
    if (!c) return;
    (*c)->set_timeout(std::chrono::seconds(5));
    (void)(*c)->Get("/never");  // fails when the server goes
  });
  for (int i = 0; i < 100; ++i) {
    std::lock_guard lock(held_mu);
    if (held) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto start = std::chrono::steady_clock::now();
  server->Shutdown();
  run.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  {
    std::lock_guard lock(held_mu);
    ASSERT_TRUE(held);
    api::Reply late;
    late.response.result(http::status::ok);
    held(std::move(late));
    held = nullptr;  // now only the stopped queue holds the connection
  }
  server.reset();
  client.join();
}

TEST(PlainServer, HandlerLearnsThatTheConnectionIsPlainAndNoHstsIsSent) {
  PeerEchoServer server({});
  ASSERT_TRUE(server.Start().ok());
  auto client = api::HttpClient::Connect(server.Url("http"));
  ASSERT_TRUE(client.has_value()) << client.error().ToString();
  auto res = (*client)->Get("/");
  ASSERT_TRUE(res.has_value()) << res.error().ToString();
  EXPECT_EQ(res->body, "plain");
  EXPECT_FALSE(res->headers.contains("strict-transport-security"));
}

TEST(TlsServerStart, RefusesAMissingCertificateNamingIt) {
  TempDir dir;
  const TestCertificate cert = MakeSelfSignedCertificate(dir.path(), "server");
  PeerEchoServer server(
      {.tls_cert_file = dir.path() + "/absent.crt", .tls_key_file = cert.key_file});
  const Status s = server.Start();
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr(dir.path() + "/absent.crt"));
}

TEST(TlsServerStart, RefusesAKeyThatDoesNotMatchTheCertificate) {
  TempDir dir;
  const TestCertificate a = MakeSelfSignedCertificate(dir.path(), "a");
  const TestCertificate b = MakeSelfSignedCertificate(dir.path(), "b");
  PeerEchoServer server({.tls_cert_file = a.cert_file, .tls_key_file = b.key_file});
  const Status s = server.Start();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "the private key in '" + b.key_file +
                             "' does not match the certificate in '" + a.cert_file + "'");
}

TEST(TlsServerStart, RefusesACertificateThatIsNotOne) {
  TempDir dir;
  const TestCertificate cert = MakeSelfSignedCertificate(dir.path(), "server");
  // The key where the certificate should be.
  PeerEchoServer server({.tls_cert_file = cert.key_file, .tls_key_file = cert.key_file});
  const Status s = server.Start();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(cert.key_file + "' is not a PEM certificate"));
}

TEST(TlsServerStart, RefusesACertificateWithoutKey) {
  TempDir dir;
  const TestCertificate cert = MakeSelfSignedCertificate(dir.path(), "server");
  PeerEchoServer server({.tls_cert_file = cert.cert_file});
  const Status s = server.Start();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("--tls-key"));
}

// The whole API over HTTPS, as a mission would serve it.
TEST(TlsApi, HealthzAndSubmissionOverTls) {
  TestMission mission;
  mission.Create();
  const TestCertificate cert = MakeSelfSignedCertificate(mission.dir.path(), "server");
  RunningServer server(mission.dir.path() + "/mission", WithTls(cert));
  ASSERT_THAT(server.url(), ::testing::StartsWith("https://"));

  auto health = server.Client("")->Get("/healthz");
  ASSERT_TRUE(health.has_value()) << health.error().ToString();
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->headers["strict-transport-security"], "max-age=31536000");

  auto client = server.Client(mission.admin_token);
  auto res = client->PostJson("/api/v1/submissions", ValidSubmission("uuid:tls1"));
  ASSERT_TRUE(res.has_value()) << res.error().ToString();
  EXPECT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(*server.server().service().store().CountSubmissions(), 1);
}

// Over TLS the session cookie is marked Secure, so a browser never sends it
// in the clear.
TEST(TlsApi, SessionCookieIsSecureOverTls) {
  TestMission mission;
  mission.Create();
  {
    auto store = mission.OpenStore();
    ASSERT_TRUE(service::AddUser(*store, "ana", {.role = core::Role::kAnalyst},
                                 "a long enough secret", {"test"})
                    .has_value());
  }
  const TestCertificate cert = MakeSelfSignedCertificate(mission.dir.path(), "server");
  RunningServer server(mission.dir.path() + "/mission", WithTls(cert));
  auto res = server.Client("")->PostJson("/api/v1/session",
                                         R"({"name":"ana","password":"a long enough secret"})");
  ASSERT_TRUE(res.has_value()) << res.error().ToString();
  ASSERT_EQ(res->status, 201) << res->body;
  EXPECT_THAT(res->headers["set-cookie"],
              ::testing::EndsWith("; HttpOnly; SameSite=Strict; Secure"));
}

}  // namespace
}  // namespace vigil::testing
