// Test fixtures: a fresh mission in a temporary directory with a small
// location hierarchy, observers and tokens, and an in-process server on a
// free port.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "api/http_client.h"
#include "api/vigil_server.h"
#include "storage/store.h"

namespace vigil::testing {

// A directory removed (with its contents) when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A mission with 2 regions, 4 districts, 20 polling stations PS-01..PS-20,
// observers OBS-1..OBS-4 (OBS-1 and OBS-2 assigned PS-01..PS-10, OBS-3 and
// OBS-4 PS-11..PS-20) and the default forms, the counting form with
// contestants Alpha and Beta.
struct TestMission {
  TempDir dir;
  std::string admin_token;
  std::string viewer_token;
  std::string analyst_token;
  std::string coordinator_token;  // limited to region R2 (PS-11..PS-20, OBS-3, OBS-4)
  std::string observer1_token;    // acts for OBS-1

  // Creates the mission; ASSERTs on failure.
  void Create();
  std::unique_ptr<storage::Store> OpenStore() const;
};

// A valid voting-form submission of OBS-1 at PS-01 as JSON text.
std::string ValidSubmission(const std::string& instance_id, const std::string& observer = "OBS-1",
                            const std::string& station = "PS-01", int voters_turned_away = 0);

// A counting-form submission: the protocol figures as an observer copied
// them (ballots in the boxes are valid + invalid).
struct ProtocolCopy {
  int registered = 1000;
  int issued = 600;
  int valid = 590;
  int invalid = 10;
  int alpha = 300;  // votes for the contestants of the test mission
  int beta = 290;
};
std::string CountingSubmission(const std::string& instance_id, const std::string& observer,
                               const std::string& station, const ProtocolCopy& copy);

// A VigilServer on 127.0.0.1 with a free port, served by a background thread.
// With a TLS certificate in `http`, url() is https and Client() trusts that
// (self-signed) certificate as its certificate authority.
class RunningServer {
 public:
  explicit RunningServer(const std::string& data_dir, api::ServerOptions http = {},
                         service::SessionOptions sessions = {}, api::SmsGatewaySecrets sms = {},
                         std::vector<api::WebhookTarget> webhooks = {},
                         api::WebhookOptions webhook_options = {});
  // Listens on a free port of 127.0.0.1 whatever options.http.listen says.
  explicit RunningServer(api::VigilServerOptions options);
  ~RunningServer();  // shuts down gracefully and joins
  std::string url() const;
  api::VigilServer& server() { return *server_; }
  std::unique_ptr<api::HttpClient> Client(const std::string& token) const;
  // Stops the server and waits until it has drained.
  void Stop();

 private:
  std::unique_ptr<api::VigilServer> server_;
  std::thread thread_;
  std::string tls_ca_file_;  // empty: plain HTTP
};

}  // namespace vigil::testing
