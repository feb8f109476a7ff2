// No secret ever reaches a log: a real `vigil serve` is put through every
// kind of credential (right and wrong passwords, tokens good and bad,
// session cookies, CSRF tokens, field passwords and PINs), then its output,
// its access log, the audit log and every error message it answered are
// searched for each secret.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/test_mission.h"
#include "support/vigil_process.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

TEST(LogSecrets, NoSecretAppearsInAnyLogOrErrorMessage) {
  TestMission mission;
  mission.Create();
  const std::string data = mission.dir.path() + "/mission";
  std::vector<std::string> secrets = {mission.admin_token, mission.observer1_token};

  // Credentials set up through the CLI, as an administrator would.
  const std::string password = "Sup3r secret passphrase";
  const std::string password_file = mission.dir.path() + "/password";
  WriteFile(password_file, password + "\n");
  secrets.push_back(password);
  ASSERT_EQ(RunVigil({"user", "add", "kowalska", "--role", "analyst", "--password-file",
                      password_file, "--data", data})
                .exit_code,
            0);
  const ProcessResult field = RunVigil({"observer", "login", "OBS-1", "--username", "obs1",
                                        "--password-file", password_file, "--data", data});
  ASSERT_EQ(field.exit_code, 0) << field.err;
  const ProcessResult pin = RunVigil({"observer", "pin", "OBS-1", "--data", data});
  ASSERT_EQ(pin.exit_code, 0) << pin.err;
  secrets.push_back(pin.out.substr(0, pin.out.find('\n')));  // printed once, on purpose
  EXPECT_THAT(pin.err, ::testing::Not(::testing::HasSubstr(secrets.back())));

  const std::string listen = "127.0.0.1:" + std::to_string(FreePort());
  const std::string url = "http://" + listen;
  const std::string server_log = data + "/server.log";
  const std::string access_log = data + "/access.log";
  std::string answers;  // every response body, error messages included
  {
    VigilProcess server({"serve", "--data", data, "--listen", listen, "--access-log", access_log},
                        server_log);
    ASSERT_TRUE(WaitUntilHealthy(url, 20));
    auto client = api::HttpClient::Connect(url);
    ASSERT_TRUE(client.has_value());
    const auto send = [&](boost::beast::http::verb method, const std::string& target,
                          const std::string& body = {}) {
      auto res = (*client)->Send(method, target, body);
      EXPECT_TRUE(res.has_value());
      if (res) answers += res->body + "\n";
      return res ? *res : api::ClientResponse{};
    };
    using boost::beast::http::verb;

    const std::string wrong = "Wr0ng guess of a password";
    secrets.push_back(wrong);
    for (const char* name : {"kowalska", "nobody"}) {
      send(verb::post, "/api/v1/session",
           json::serialize(json::object{{"name", name}, {"password", wrong}}));
    }
    // A password typed into the name field.
    send(verb::post, "/api/v1/session",
         json::serialize(json::object{{"name", password}, {"password", "x"}}));
    const auto signed_in =
        send(verb::post, "/api/v1/session",
             json::serialize(json::object{{"name", "kowalska"}, {"password", password}}));
    ASSERT_EQ(signed_in.status, 201) << signed_in.body;
    const std::string cookie =
        signed_in.headers.at("set-cookie").substr(0, signed_in.headers.at("set-cookie").find(';'));
    const std::string csrf(json::parse(signed_in.body).at("csrf_token").as_string());
    secrets.push_back(cookie.substr(cookie.find('=') + 1));
    secrets.push_back(csrf);
    answers.clear();  // that answer carries the CSRF token on purpose

    (*client)->set_header("Cookie", cookie);
    send(verb::get, "/api/v1/coverage");
    send(verb::post, "/api/v1/submissions", ValidSubmission("uuid:no-csrf"));  // 403
    (*client)->set_header("X-CSRF-Token", csrf);
    send(verb::delete_, "/api/v1/session");
    send(verb::get, "/api/v1/coverage");  // 401: the session is over
    (*client)->set_header("Cookie", "");
    (*client)->set_header("X-CSRF-Token", "");

    (*client)->set_bearer_token(mission.admin_token);
    send(verb::post, "/api/v1/submissions", ValidSubmission("uuid:token"));
    (*client)->set_bearer_token(mission.observer1_token);
    send(verb::post, "/api/v1/submissions", ValidSubmission("uuid:other", "OBS-3", "PS-11"));
    const std::string forged = "vgl_" + std::string(43, 'A');
    secrets.push_back(forged);
    (*client)->set_bearer_token(forged);
    send(verb::get, "/api/v1/coverage");
    (*client)->set_bearer_token("not-a-token-at-all-" + wrong);
    send(verb::get, "/api/v1/coverage");
    server.Kill(SIGTERM);
    EXPECT_EQ(server.Wait(), 0);
  }
  const ProcessResult audit = RunVigil({"audit", "verify", "--data", data});
  EXPECT_EQ(audit.exit_code, 0) << audit.err;
  std::string audit_entries;
  {
    auto store = mission.OpenStore();
    ASSERT_TRUE(store
                    ->ForEachAuditEntry([&](const core::AuditEntry& e) {
                      audit_entries +=
                          e.actor + " " + e.action + " " + e.subject + " " + e.detail + "\n";
                      return Status::Ok();
                    })
                    .ok());
  }
  const std::string server_output = ReadFile(server_log);
  const std::string access = ReadFile(access_log);
  ASSERT_THAT(access, ::testing::HasSubstr("/api/v1/session"));  // the logs are not empty
  EXPECT_THAT(access, ::testing::HasSubstr("user#"));
  EXPECT_THAT(access, ::testing::Not(::testing::HasSubstr("kowalska")));  // no login names
  ASSERT_THAT(audit_entries, ::testing::HasSubstr("auth.login_failed"));
  for (const auto& [name, text] :
       std::vector<std::pair<std::string, std::string>>{{"server output", server_output},
                                                        {"access log", access},
                                                        {"audit log", audit_entries},
                                                        {"audit verify", audit.out + audit.err},
                                                        {"answers", answers}}) {
    for (const std::string& secret : secrets) {
      ASSERT_FALSE(secret.empty());
      EXPECT_EQ(text.find(secret), std::string::npos)
          << "a secret (" << secret.substr(0, 4) << "...) is in the " << name << ":\n"
          << text;
    }
  }
}

}  // namespace
}  // namespace vigil::testing
