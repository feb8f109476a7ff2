// The HTTP/1.1 server: Boost.Beast on Asio, asynchronous, so thousands of
// slow mobile connections and long-lived streams need no thread each. It
// knows nothing of vigil's routes: it reads requests (with size limits and
// timeouts), hands them to a Handler, writes the Reply, keeps connections
// alive, logs every request as one JSON line and counts it for /metrics.
// With a certificate and key it speaks HTTPS only (TLS 1.2 or later).
// Shutdown() stops accepting, closes idle connections and lets requests in
// flight finish (up to drain_timeout).
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"

namespace spdlog {
class logger;
}
namespace boost::asio::ssl {
class context;
}

namespace vigil::api {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// A response body written as it is produced, for responses that are long
// or never end (server-sent events; exports of a million rows). The server
// sends the header, then pulls chunks only when the socket has taken the
// previous one, so a slow client slows the producer instead of growing a
// buffer; a client that takes nothing for the write timeout is dropped. No
// thread waits for a stream: when a producer has nothing to give, it says
// so, and later calls the wake function to be pulled again.
class BodyStream {
 public:
  enum class Next {
    kData,   // *out holds the next bytes
    kWait,   // nothing now: the stream will call `wake`
    kEnd,    // the body is complete (what is in *out is sent first)
    kAbort,  // the body cannot be completed (an export failed): the
             // connection is closed without the last chunk, so that the
             // client sees the body as cut short rather than complete
  };
  virtual ~BodyStream() = default;

  // Called once, on the connection's strand, after the header is written.
  // `wake` may be called from any thread, any number of times, also after
  // the connection has ended (it then does nothing).
  virtual void Start(std::function<void()> wake) = 0;
  // Called on the connection's strand when the previous chunk is written,
  // and after a wake. Appends the next bytes to *out (empty on entry).
  virtual Next Pull(std::string* out) = 0;
  // How the body ends when the server shuts down before it is complete:
  // kEnd for a stream that may stop anywhere (events: the client resumes),
  // kAbort for a body that must not look complete when it is not.
  virtual Next OnShutdown() { return Next::kEnd; }
  // Called once when the connection ends, however it ends (client gone,
  // write timeout, shutdown, end of the body).
  virtual void Stop() {}
};

// What a handler answers: the response plus what the access log and the
// metrics should call the request.
struct Reply {
  Response response;
  std::string route = "unmatched";  // the route pattern, e.g. "/api/v1/submissions/{id}"
  std::string actor;                // who asked, if authenticated
  // Set: the body comes from this stream, chunked (response.body() is
  // ignored), and the connection closes after it.
  std::shared_ptr<BodyStream> stream;
};

// Who sent a request: the client's address, and whether the connection is
// TLS (cookies are then marked Secure).
struct Peer {
  std::string address;
  bool tls = false;
};

// Runs on an I/O thread. Must call `respond` exactly once, from any thread,
// possibly later (e.g. after a group commit).
using Responder = std::function<void(Reply)>;
using Handler = std::function<void(Request& request, const Peer& peer, Responder respond)>;

// A body limit of its own for the requests whose path starts with
// `path_prefix` (the first match counts), e.g. OpenRosa submissions that
// carry photos. `too_large` makes the 413's body in the dialect of those
// clients; without it the reply is plain text.
struct BodyLimit {
  std::string path_prefix;
  std::size_t max_bytes = 0;
  std::function<Response(std::size_t max_bytes)> too_large;
};

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  int threads = 0;                        // I/O threads; 0 = one per core
  std::size_t max_body_bytes = 1 << 20;   // larger bodies get 413
  std::vector<BodyLimit> body_limits;     // exceptions to max_body_bytes by path
  std::size_t max_header_bytes = 16 << 10;
  std::chrono::seconds read_timeout{30};  // a whole request, and keep-alive idle time
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds drain_timeout{20};  // how long shutdown waits for requests in flight
  bool handle_signals = true;              // SIGINT/SIGTERM call Shutdown()
  // PEM files. Both empty: plain HTTP. Both set: HTTPS only, and every
  // response carries Strict-Transport-Security. The certificate file may
  // hold the chain (the server's certificate first). The key must not be
  // encrypted with a passphrase.
  std::string tls_cert_file;
  std::string tls_key_file;
};

class HttpServer {
 public:
  // `access_log` may be null (no access log).
  HttpServer(ServerOptions options, Handler handler, std::shared_ptr<spdlog::logger> access_log,
             MetricsRegistry& metrics);
  ~HttpServer();

  // Loads the TLS certificate and key if configured, binds and listens.
  // After success, port() is the bound port. A TLS file that cannot be read
  // (NotFound) or used (InvalidArgument, e.g. a key that does not match the
  // certificate) is named in the error.
  Status Start();
  unsigned short port() const { return port_; }

  // Serves until Shutdown() and the drain are complete. Blocks; uses
  // options.threads threads including the caller's.
  void Run();

  // Thread-safe and idempotent.
  void Shutdown();

  struct Stats;

 private:
  class Session;  // what Shutdown() needs of every connection
  template <class Stream>
  class BasicSession;  // one connection over a plain TCP or a TLS stream

  void Accept();
  // The BodyLimit for a request target, or null for max_body_bytes.
  const BodyLimit* BodyLimitFor(std::string_view target) const;
  void StartSession(std::shared_ptr<Session> session);
  void SessionStarted();
  void SessionEnded();
  void PostFromOutside(std::function<void()> send);
  void LogRequest(const std::string& remote, const Request& request, const Reply& reply,
                  std::size_t bytes_out, std::chrono::steady_clock::time_point start);

  ServerOptions options_;
  std::size_t largest_body_limit_ = 0;  // of max_body_bytes and every BodyLimit
  Handler handler_;
  std::shared_ptr<spdlog::logger> access_log_;
  MetricsRegistry& metrics_;
  Histogram* latency_;
  Counter* tls_handshake_failures_;
  std::unique_ptr<boost::asio::ssl::context> tls_;  // null: plain HTTP

  // Before ioc_, so that they outlive it: when the drain times out, the
  // handlers left in ioc_ are destroyed with it, and their connections end
  // (SessionEnded) then.
  std::atomic<bool> shutting_down_{false};
  std::atomic<bool> stopped_{false};  // Run() has returned: post nothing more
  std::atomic<int> live_sessions_{0};

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer drain_timer_;
  unsigned short port_ = 0;

  std::mutex sessions_mu_;
  std::vector<std::weak_ptr<Session>> sessions_;  // GUARDED_BY(sessions_mu_)

  // Replies made on threads of other components (the committer's sync
  // thread answers a whole group of submissions at once) wait here for one
  // hand-off to the I/O threads per group rather than one per reply: each
  // post from outside may wake a thread. After ioc_, so that replies never
  // handed off end (and their connections with them) while it still exists.
  std::mutex outside_mu_;
  std::vector<std::function<void()>> outside_;  // GUARDED_BY(outside_mu_)
};

}  // namespace vigil::api
