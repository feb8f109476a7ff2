// Serving the web application (api/web_assets.h): index.html and hashed
// assets with their types and cache lifetimes, gzip copies for clients that
// accept them, client-side routes answered with index.html, 404s for
// unknown files, and the API's routes kept ahead of it all. Also the role's
// permissions in GET /api/v1/session, from which the app builds its menu.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "api/web_assets.h"
#include "support/test_mission.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kIndex =
    "<!doctype html><title>vigil</title><script src=/assets/main-AB12.js>";
constexpr const char* kScript = "console.log('vigil');";
// Not real gzip: the server sends the file as it is, so any bytes show
// which copy was sent.
constexpr const char* kScriptGzip = "\x1f\x8bGZIPPED-SCRIPT";

void WriteFile(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

class WebTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(mission_.Create());
    WriteFile(Root() + "/index.html", kIndex);
    WriteFile(Root() + "/assets/main-AB12.js", kScript);
    WriteFile(Root() + "/assets/main-AB12.js.gz", kScriptGzip);
    WriteFile(Root() + "/assets/main-CD34.css", "body{}");
    server_ = std::make_unique<RunningServer>(
        api::VigilServerOptions{.data_dir = Data(), .web_root = Root()});
    ASSERT_NE(server_->server().web(), nullptr);
    client_ = server_->Client("");
  }

  std::string Data() const { return mission_.dir.path() + "/mission"; }
  std::string Root() const { return mission_.dir.path() + "/web"; }

  TestMission mission_;
  std::unique_ptr<RunningServer> server_;
  std::unique_ptr<api::HttpClient> client_;
};

TEST_F(WebTest, ServesIndexAtTheRootAndMustBeRevalidated) {
  auto res = client_->Get("/");
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->body, kIndex);
  EXPECT_EQ(res->headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(res->headers["cache-control"], "no-cache");
  EXPECT_THAT(res->headers["content-security-policy"], HasSubstr("default-src 'self'"));
  EXPECT_EQ(res->headers["x-content-type-options"], "nosniff");
}

TEST_F(WebTest, ClientSideRoutesGetIndex) {
  for (const char* path : {"/dashboard", "/signin", "/findings/V/V7"}) {
    auto res = client_->Get(path);
    ASSERT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->body, kIndex) << path;
    EXPECT_EQ(res->headers["cache-control"], "no-cache") << path;
  }
}

TEST_F(WebTest, ServesHashedAssetsWithTheirTypeForAYear) {
  auto js = client_->Get("/assets/main-AB12.js");
  ASSERT_EQ(js->status, 200);
  EXPECT_EQ(js->body, kScript);
  EXPECT_EQ(js->headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(js->headers["cache-control"], "public, max-age=31536000, immutable");
  EXPECT_EQ(js->headers["vary"], "Accept-Encoding");
  EXPECT_EQ(js->headers.count("content-encoding"), 0u);

  auto css = client_->Get("/assets/main-CD34.css");
  ASSERT_EQ(css->status, 200);
  EXPECT_EQ(css->body, "body{}");
  EXPECT_EQ(css->headers["content-type"], "text/css; charset=utf-8");
  EXPECT_EQ(css->headers.count("vary"), 0u);  // no gzip copy of it
}

TEST_F(WebTest, SendsTheGzipCopyOnlyToClientsThatAcceptIt) {
  client_->set_header("Accept-Encoding", "br, gzip, deflate");
  auto gz = client_->Get("/assets/main-AB12.js");
  ASSERT_EQ(gz->status, 200);
  EXPECT_EQ(gz->headers["content-encoding"], "gzip");
  EXPECT_EQ(gz->body, kScriptGzip);
  EXPECT_EQ(gz->headers["content-type"], "text/javascript; charset=utf-8");

  client_->set_header("Accept-Encoding", "gzip;q=0, deflate");
  auto refused = client_->Get("/assets/main-AB12.js");
  EXPECT_EQ(refused->headers.count("content-encoding"), 0u);
  EXPECT_EQ(refused->body, kScript);

  client_->set_header("Accept-Encoding", "identity");
  EXPECT_EQ(client_->Get("/assets/main-AB12.js")->body, kScript);
}

TEST_F(WebTest, UnknownFilesAre404) {
  for (const char* path : {"/assets/main-OLD0.js", "/assets/nothing", "/favicon.ico",
                           "/assets/main-AB12.js.gz", "/../vigil.db"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res.has_value()) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_NE(res->body, kIndex) << path;
  }
}

TEST_F(WebTest, ApiRoutesKeepPriority) {
  auto health = client_->Get("/healthz");
  ASSERT_EQ(health->status, 200);
  EXPECT_EQ(health->headers["content-type"], "application/json");
  // An unknown API path is the API's JSON 404, not the app.
  auto missing = client_->Get("/api/v1/no-such-route");
  EXPECT_EQ(missing->status, 404);
  EXPECT_THAT(missing->body, HasSubstr("no such route"));
  EXPECT_EQ(client_->Get("/api/v1/coverage")->status, 401);
  // Not a GET: the app does not answer it.
  EXPECT_EQ(client_->Send(boost::beast::http::verb::post, "/dashboard", "{}")->status, 404);
}

TEST_F(WebTest, WithoutAWebRootTheRootIsTheLandingPage) {
  server_.reset();
  RunningServer plain(Data());
  EXPECT_EQ(plain.server().web(), nullptr);
  auto client = plain.Client("");
  auto res = client->Get("/");
  ASSERT_EQ(res->status, 200);
  EXPECT_THAT(res->body, HasSubstr("vigil HTTP API"));
  EXPECT_EQ(client->Get("/dashboard")->status, 404);
}

TEST(WebAssetsTest, AWebRootWithoutIndexIsRefused) {
  TempDir dir;
  WriteFile(dir.path() + "/assets/x.js", kScript);
  auto assets = api::WebAssets::Load(dir.path());
  ASSERT_FALSE(assets.has_value());
  EXPECT_EQ(assets.error().code(), StatusCode::kNotFound);
  EXPECT_THAT(assets.error().message(), HasSubstr("no index.html"));
}

TEST(WebAssetsTest, AcceptEncoding) {
  EXPECT_TRUE(api::AcceptsGzip("gzip"));
  EXPECT_TRUE(api::AcceptsGzip("deflate, GZIP;q=0.5"));
  EXPECT_TRUE(api::AcceptsGzip("gzip, deflate, br, zstd"));
  EXPECT_FALSE(api::AcceptsGzip(""));
  EXPECT_FALSE(api::AcceptsGzip("br, deflate"));
  EXPECT_FALSE(api::AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(api::AcceptsGzip("gzip; q=0.000"));
  EXPECT_FALSE(api::AcceptsGzip("x-gzip2"));
}

TEST(WebAssetsTest, ContentTypes) {
  EXPECT_EQ(api::WebContentType("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(api::WebContentType("a/b.svg"), "image/svg+xml");
  EXPECT_EQ(api::WebContentType("x.woff2"), "font/woff2");
  EXPECT_EQ(api::WebContentType("LICENSE"), "application/octet-stream");
}

// The app shows each role only what it may use, from this list.
TEST_F(WebTest, SessionListsTheRolesPermissions) {
  const auto permissions = [&](const std::string& token) {
    auto client = server_->Client(token);
    auto res = client->Get("/api/v1/session");
    EXPECT_EQ(res->status, 200) << res->body;
    const json::value body = json::parse(res->body);
    std::vector<std::string> out;
    for (const auto& p : body.at("permissions").as_array()) out.emplace_back(p.as_string());
    return out;
  };
  EXPECT_THAT(permissions(mission_.observer1_token),
              ElementsAre("submit", "read_submissions", "read_forms", "signed_in"));
  EXPECT_THAT(permissions(mission_.viewer_token),
              ElementsAre("read_forms", "read_statistics", "export", "signed_in"));
  const auto analyst = permissions(mission_.analyst_token);
  EXPECT_THAT(analyst, ::testing::Contains("run_analyses"));
  EXPECT_THAT(analyst, ::testing::Not(::testing::Contains("submit")));
  EXPECT_EQ(permissions(mission_.admin_token).size(), std::size(service::kAllPermissions));
}

}  // namespace
}  // namespace vigil::testing
