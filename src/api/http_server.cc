#include "api/http_server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "common/thread_name.h"
#include "common/time.h"

namespace vigil::api {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

// Headers on every response, errors made before routing included: nothing
// is sniffed, framed, cached or passed on as a referrer, and a page (the
// forensics report: inline SVG and one inline stylesheet, no scripts) loads
// nothing from elsewhere. Over TLS, browsers are told to use nothing else
// for this host for a year.
void SetSecurityHeaders(Response& res, bool tls) {
  res.set("X-Content-Type-Options", "nosniff");
  // The web app's index.html brings a policy of its own (web_assets.cc).
  if (res.find("Content-Security-Policy") == res.end()) {
    res.set("Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors "
            "'none'; base-uri 'none'; form-action 'none'");
  }
  res.set(http::field::x_frame_options, "DENY");
  res.set("Referrer-Policy", "no-referrer");
  if (res.find(http::field::cache_control) == res.end()) {
    res.set(http::field::cache_control, "no-store");
  }
  if (tls) res.set(http::field::strict_transport_security, "max-age=31536000");
}

Response PlainError(http::status status, std::string_view message) {
  Response res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = boost::json::serialize(
      boost::json::object{{"error", http::obsolete_reason(status)}, {"message", message}});
  return res;
}

// Stops reading an oversized body after this much, then closes.
constexpr std::size_t kMaxDiscardBytes = 64 << 20;

// How long sending TLS's close_notify may take (a client that reads
// nothing can make it block).
constexpr std::chrono::seconds kTlsCloseTimeout{3};

// Whether a file can be opened, and if not why: OpenSSL's own errors for a
// missing file do not name it.
Status CheckReadable(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::NotFound("cannot read the " + what + " '" + path + "': " + std::strerror(errno));
  }
  return Status::Ok();
}

// TLS 1.2 or later, no compression (CRIME) and no renegotiation, with
// OpenSSL's default cipher suites for those versions.
Result<std::unique_ptr<ssl::context>> MakeTlsContext(const std::string& cert_file,
                                                     const std::string& key_file) {
  if (cert_file.empty() != key_file.empty()) {
    return Fail(Status::InvalidArgument(
        "TLS needs both a certificate and a private key (--tls-cert and --tls-key)"));
  }
  VIGIL_RETURN_IF_ERROR(CheckReadable(cert_file, "TLS certificate"));
  VIGIL_RETURN_IF_ERROR(CheckReadable(key_file, "TLS private key"));
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use | ssl::context::no_compression);
  SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  // An encrypted key would otherwise make OpenSSL prompt on the terminal.
  ctx->set_password_callback([](std::size_t, ssl::context::password_purpose) { return ""; });
  beast::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return Fail(Status::InvalidArgument("'" + cert_file +
                                        "' is not a PEM certificate (chain): " + ec.message()));
  }
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  const bool mismatch =
      ec && ec.category() == net::error::get_ssl_category() &&
      ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH;
  if (ec && !mismatch) {
    return Fail(Status::InvalidArgument(
        "'" + key_file + "' is not an unencrypted PEM private key: " + ec.message()));
  }
  if (mismatch || SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return Fail(Status::InvalidArgument("the private key in '" + key_file +
                                        "' does not match the certificate in '" + cert_file + "'"));
  }
  return ctx;
}

}  // namespace

// What Shutdown() needs of a connection, whatever its stream; it also keeps
// the server's count of live connections.
class HttpServer::Session {
 public:
  explicit Session(HttpServer& server) : server_(server) { server_.SessionStarted(); }
  virtual ~Session() { server_.SessionEnded(); }

  virtual void Start() = 0;

  // Called at shutdown: an idle connection is closed now, a busy one after
  // its response.
  virtual void CloseIfIdle() = 0;

  // Called once the I/O threads have stopped: lets go of a streamed
  // response waiting for data (which keeps its session alive).
  virtual void Release() = 0;

 protected:
  HttpServer& server_;
};

// One connection: for TLS, a handshake first; then requests one after
// another, each handed to the handler and its reply written. All of its work
// runs on its own strand. `Stream` is beast::tcp_stream or an ssl_stream
// over one; the two differ only in the handshake and in how they close.
template <class Stream>
class HttpServer::BasicSession : public HttpServer::Session,
                                 public std::enable_shared_from_this<BasicSession<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  using std::enable_shared_from_this<BasicSession>::shared_from_this;

 public:
  // `stream_args`: the accepted socket, and for TLS the server's context.
  template <class... StreamArgs>
  explicit BasicSession(HttpServer& server, StreamArgs&&... stream_args)
      : Session(server), stream_(std::forward<StreamArgs>(stream_args)...) {
    beast::error_code ec;
    const auto endpoint = Tcp().socket().remote_endpoint(ec);
    peer_.address = ec ? "unknown" : endpoint.address().to_string();
    peer_.tls = kTls;
  }

  void Start() override {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if constexpr (kTls) {
        self->Handshake();
      } else {
        self->ReadHeader();
      }
    });
  }

  ~BasicSession() override {
    if (body_stream_) body_stream_->Stop();
  }

  void CloseIfIdle() override {
    // Cancelling the pending read (or handshake) makes its handler close. A
    // stream waiting for data ends now; one being written ends after the
    // chunk (PullNext sees the shutdown).
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->body_stream_) {
        if (self->waiting_) self->Resume();
        return;
      }
      if (!self->busy_) self->Tcp().cancel();
    });
  }

  void Release() override {
    if (body_stream_) body_stream_->Stop();
    waiting_ = false;
    self_while_waiting_.reset();
  }

 private:
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  // A client gets as long for the handshake as for a request.
  void Handshake() {
    Tcp().expires_after(server_.options_.read_timeout);
    stream_.async_handshake(
        ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
          if (!ec) return self->ReadHeader();
          // Not TLS, or a certificate the client refused: there is no
          // channel to answer in, so just hang up. (A client that went
          // quiet, or a shutdown, is not a failure.)
          if (ec != beast::error::timeout && ec != net::error::operation_aborted) {
            self->server_.tls_handshake_failures_->Increment();
            spdlog::debug("TLS handshake with {} failed: {}", self->peer_.address, ec.message());
          }
          self->CloseTcp();
        });
  }

  void ReadHeader() {
    parser_.emplace();
    // The largest limit until the path is known; OnHeader narrows it.
    parser_->body_limit(server_.largest_body_limit_);
    limit_ = nullptr;
    parser_->header_limit(static_cast<std::uint32_t>(server_.options_.max_header_bytes));
    Tcp().expires_after(server_.options_.read_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    busy_ = true;
    start_ = std::chrono::steady_clock::now();
    // Beast checks Content-Length against the (largest) body limit at the
    // end of the header; the request line is read by then.
    const auto& header = parser_->get();
    limit_ = server_.BodyLimitFor(header.target());
    if (ec == http::error::body_limit) return RejectOversized();
    if (ec) return OnReadError(ec);
    const std::size_t limit = limit_ ? limit_->max_bytes : server_.options_.max_body_bytes;
    if (parser_->content_length() && *parser_->content_length() > limit) return RejectOversized();
    parser_->body_limit(limit);  // counts down through a chunked body
    if (beast::iequals(header[http::field::expect], "100-continue")) {
      // Tell the client to send the body (it was not refused above).
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *cont,
                        [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
                          if (wec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec == http::error::body_limit) return self->RejectOversized();
                       if (ec) return self->OnReadError(ec);
                       self->Dispatch();
                     });
  }

  void OnReadError(beast::error_code ec) {
    busy_ = false;
    // stream_truncated: the client closed TCP without TLS's close_notify,
    // as many do between requests.
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == ssl::error::stream_truncated) {
      return Close();
    }
    // A malformed request: answer 400 and close, since the stream position is lost.
    busy_ = true;
    request_ = parser_->release();
    keep_alive_ = false;
    Send({PlainError(http::status::bad_request, "malformed HTTP request: " + ec.message()),
          "unmatched", ""});
  }

  void RejectOversized() {
    busy_ = true;
    request_ = parser_->release();
    keep_alive_ = false;
    discard_after_write_ = true;
    const std::size_t limit = limit_ ? limit_->max_bytes : server_.options_.max_body_bytes;
    if (limit_ && limit_->too_large) {
      Response res = limit_->too_large(limit);
      res.result(http::status::payload_too_large);
      res.prepare_payload();
      return Send({std::move(res), "unmatched", ""});
    }
    Send({PlainError(http::status::payload_too_large, "request body is larger than the limit of " +
                                                          std::to_string(limit) + " bytes"),
          "unmatched", ""});
  }

  void Dispatch() {
    request_ = parser_->release();
    keep_alive_ = request_.keep_alive();
    auto self = shared_from_this();
    server_.handler_(request_, peer_, [self](Reply reply) {
      auto send = [self, reply = std::move(reply)]() mutable {
        net::post(self->stream_.get_executor(),
                  [self, reply = std::move(reply)]() mutable { self->Send(std::move(reply)); });
      };
      if (self->server_.ioc_.get_executor().running_in_this_thread()) {
        send();
      } else {
        self->server_.PostFromOutside(std::move(send));
      }
    });
  }

  void Send(Reply reply) {
    reply_ = std::make_shared<Reply>(std::move(reply));
    Response& res = reply_->response;
    SetSecurityHeaders(res, kTls);
    res.version(11);
    if (reply_->stream) return StartStream();
    res.keep_alive(keep_alive_ && !server_.shutting_down_.load());
    res.prepare_payload();
    Tcp().expires_after(server_.options_.write_timeout);
    http::async_write(stream_, res,
                      [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                        self->OnWrite(ec, bytes);
                      });
  }

  void OnWrite(beast::error_code ec, std::size_t bytes) {
    server_.LogRequest(peer_.address, request_, *reply_, bytes, start_);
    const bool keep = reply_->response.keep_alive();
    reply_.reset();
    request_ = {};
    busy_ = false;
    if (ec) return Close();
    if (discard_after_write_) return DiscardThenClose();
    // A connection kept alive when shutdown began must not wait for another request.
    if (!keep || server_.shutting_down_.load()) return Close();
    ReadHeader();
  }

  // A streamed body: the header (chunked, and the connection closes after
  // the body), then one chunk per pull, each pulled only once the previous
  // one is written.
  void StartStream() {
    body_stream_ = reply_->stream;
    const Response& res = reply_->response;
    auto head = std::make_shared<StreamHead>();
    head->header.result(res.result());
    head->header.version(11);
    for (const auto& field : res) head->header.set(field.name_string(), field.value());
    head->header.keep_alive(false);
    head->header.chunked(true);
    head->serializer.emplace(head->header);
    Tcp().expires_after(server_.options_.write_timeout);
    http::async_write_header(
        stream_, *head->serializer,
        [self = shared_from_this(), head](beast::error_code ec, std::size_t bytes) {
          self->streamed_bytes_ += bytes;
          if (ec) return self->EndStream(ec);
          std::weak_ptr<BasicSession> weak = self;
          self->body_stream_->Start([weak] {
            // A live session keeps the io_context alive, so posting is safe.
            if (auto s = weak.lock()) {
              net::post(s->stream_.get_executor(), [s] {
                if (s->waiting_) s->Resume();  // else a write is pending; its end pulls
              });
            }
          });
          self->PullNext();
        });
  }

  void PullNext() {
    if (stream_ended_) return;
    chunk_.clear();
    const BodyStream::Next next =
        server_.shutting_down_.load() ? body_stream_->OnShutdown() : body_stream_->Pull(&chunk_);
    if (next == BodyStream::Next::kAbort) return EndStream(net::error::operation_aborted);
    if (next == BodyStream::Next::kWait && chunk_.empty()) {
      // Nothing to send: no timeout while waiting for the producer, and no
      // operation pending to keep this session alive, so it keeps itself
      // until the wake (or the end).
      waiting_ = true;
      self_while_waiting_ = shared_from_this();
      Tcp().expires_never();
      return;
    }
    const bool last = next == BodyStream::Next::kEnd;
    if (chunk_.empty()) return WriteLastChunk();
    Tcp().expires_after(server_.options_.write_timeout);
    net::async_write(stream_, http::make_chunk(net::buffer(chunk_)),
                     [self = shared_from_this(), last](beast::error_code ec, std::size_t bytes) {
                       self->streamed_bytes_ += bytes;
                       if (ec) return self->EndStream(ec);
                       if (last) return self->WriteLastChunk();
                       self->PullNext();
                     });
  }

  // REQUIRES: waiting_, and the caller holds a reference to this session.
  void Resume() {
    waiting_ = false;
    self_while_waiting_.reset();
    PullNext();
  }

  void WriteLastChunk() {
    Tcp().expires_after(server_.options_.write_timeout);
    net::async_write(stream_, http::make_chunk_last(),
                     [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                       self->streamed_bytes_ += bytes;
                       self->EndStream(ec);
                     });
  }

  // Logs the streamed response and closes: a client that went away, or one
  // too slow to take a chunk within the write timeout, can reconnect (and
  // an event stream resumes where it stopped).
  void EndStream(beast::error_code) {
    if (stream_ended_) return;
    stream_ended_ = true;
    waiting_ = false;
    self_while_waiting_.reset();
    server_.LogRequest(peer_.address, request_, *reply_, streamed_bytes_, start_);
    busy_ = false;
    Close();
  }

  // After refusing an oversized body, read and drop what the client is still
  // sending so that it sees our 413 instead of a connection reset.
  void DiscardThenClose() {
    beast::error_code ec;
    Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
    discard_.resize(64 << 10);
    Tcp().expires_after(std::chrono::seconds(5));
    DiscardSome();
  }
  void DiscardSome() {
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->discarded_ += n;
                              // Our side is shut already: no close_notify.
                              if (ec || self->discarded_ > kMaxDiscardBytes) {
                                return self->CloseTcp();
                              }
                              self->DiscardSome();
                            });
  }

  // TLS says goodbye with close_notify, but does not wait for the client's
  // (RFC 8446, 6.1: the side that closes need not): HTTP framing has told
  // the client where the last response ends, and an idle client must not
  // hold up a shutdown's drain.
  void Close() {
    if constexpr (kTls) {
      SSL* ssl = stream_.native_handle();
      SSL_set_shutdown(ssl, SSL_get_shutdown(ssl) | SSL_RECEIVED_SHUTDOWN);
      Tcp().expires_after(kTlsCloseTimeout);
      stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->CloseTcp(); });
    } else {
      CloseTcp();
    }
  }

  void CloseTcp() {
    beast::error_code ec;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
    Tcp().close();
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Request request_;
  std::shared_ptr<Reply> reply_;
  Peer peer_;
  bool keep_alive_ = true;
  bool busy_ = false;
  bool discard_after_write_ = false;
  const BodyLimit* limit_ = nullptr;  // this request's, if not the default
  std::vector<char> discard_;
  std::size_t discarded_ = 0;
  std::chrono::steady_clock::time_point start_;

  // A streamed response (Reply::stream).
  struct StreamHead {
    http::response<http::empty_body> header;
    std::optional<http::response_serializer<http::empty_body>> serializer;
  };
  std::shared_ptr<BodyStream> body_stream_;
  std::string chunk_;
  bool waiting_ = false;                              // the producer had nothing; it will wake us
  std::shared_ptr<BasicSession> self_while_waiting_;  // set while waiting_
  bool stream_ended_ = false;
  std::size_t streamed_bytes_ = 0;
};

HttpServer::HttpServer(ServerOptions options, Handler handler,
                       std::shared_ptr<spdlog::logger> access_log, MetricsRegistry& metrics)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      access_log_(std::move(access_log)),
      metrics_(metrics),
      latency_(metrics.GetHistogram(
          "http_request_duration_seconds", "Time from request read to response written",
          {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5})),
      tls_handshake_failures_(metrics.GetCounter(
          "tls_handshake_failures_total",
          "TLS handshakes that failed (not TLS, or the client refused the certificate)")),
      acceptor_(ioc_),
      signals_(ioc_),
      drain_timer_(ioc_) {
  largest_body_limit_ = options_.max_body_bytes;
  for (const BodyLimit& l : options_.body_limits) {
    largest_body_limit_ = std::max(largest_body_limit_, l.max_bytes);
  }
}

HttpServer::~HttpServer() = default;

const BodyLimit* HttpServer::BodyLimitFor(std::string_view target) const {
  for (const BodyLimit& l : options_.body_limits) {
    if (target.starts_with(l.path_prefix)) return &l;
  }
  return nullptr;
}

Status HttpServer::Start() {
  if (!options_.tls_cert_file.empty() || !options_.tls_key_file.empty()) {
    auto tls = MakeTlsContext(options_.tls_cert_file, options_.tls_key_file);
    if (!tls) return tls.error();
    tls_ = std::move(*tls);
  }
  const auto colon = options_.listen.rfind(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument("--listen must be HOST:PORT, e.g. 127.0.0.1:8080; got '" +
                                   options_.listen + "'");
  }
  std::string host = options_.listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string port = options_.listen.substr(colon + 1);
  beast::error_code ec;
  tcp::resolver resolver(ioc_);
  auto results =
      resolver.resolve(host, port, tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return Status::InvalidArgument("cannot resolve listen address '" + options_.listen +
                                   "': " + ec.message());
  }
  const tcp::endpoint endpoint = results.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::Unavailable("cannot listen on " + options_.listen + ": " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  if (options_.handle_signals) {
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    signals_.async_wait([this](beast::error_code sec, int) {
      if (!sec) Shutdown();
    });
  }
  Accept();
  return Status::Ok();
}

void HttpServer::Accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
      spdlog::warn("accept failed: {}", ec.message());
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      if (tls_) {
        StartSession(std::make_shared<BasicSession<beast::ssl_stream<beast::tcp_stream>>>(
            *this, std::move(socket), *tls_));
      } else {
        StartSession(std::make_shared<BasicSession<beast::tcp_stream>>(*this, std::move(socket)));
      }
    }
    Accept();
  });
}

void HttpServer::StartSession(std::shared_ptr<Session> session) {
  {
    std::lock_guard lock(sessions_mu_);
    std::erase_if(sessions_, [](const std::weak_ptr<Session>& w) { return w.expired(); });
    sessions_.push_back(session);
  }
  session->Start();
}

void HttpServer::PostFromOutside(std::function<void()> send) {
  {
    std::lock_guard lock(outside_mu_);
    outside_.push_back(std::move(send));
    if (outside_.size() > 1) return;  // a hand-off is already on its way
  }
  net::post(ioc_, [this] {
    std::vector<std::function<void()>> sends;
    {
      std::lock_guard lock(outside_mu_);
      sends.swap(outside_);
    }
    for (auto& send : sends) send();
  });
}

void HttpServer::Run() {
  const int threads = options_.threads > 0
                          ? options_.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) {
    pool.emplace_back([this] {
      SetThreadName("vigil-http");
      ioc_.run();
    });
  }
  ioc_.run();
  for (std::thread& t : pool) t.join();
  stopped_.store(true);
  // Streams still waiting (the drain timed out) keep their sessions alive:
  // let them go, so that they end with the io_context.
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mu_);
    for (auto& w : sessions_) {
      if (auto session = w.lock()) live.push_back(std::move(session));
    }
  }
  for (auto& session : live) session->Release();
}

void HttpServer::Shutdown() {
  if (shutting_down_.exchange(true)) return;
  net::post(ioc_, [this] {
    beast::error_code ec;
    acceptor_.close(ec);
    signals_.cancel(ec);
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(sessions_mu_);
      for (auto& w : sessions_) {
        if (auto s = w.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) s->CloseIfIdle();
    if (live_sessions_.load() == 0) return;
    drain_timer_.expires_after(options_.drain_timeout);
    drain_timer_.async_wait([this](beast::error_code tec) {
      if (!tec) {
        spdlog::warn("shutdown: requests still in flight after {}s; stopping anyway",
                     options_.drain_timeout.count());
        ioc_.stop();
      }
    });
  });
}

void HttpServer::SessionStarted() { live_sessions_.fetch_add(1); }

void HttpServer::SessionEnded() {
  if (live_sessions_.fetch_sub(1) == 1 && shutting_down_.load() && !stopped_.load()) {
    net::post(ioc_, [this] { drain_timer_.cancel(); });
  }
}

void HttpServer::LogRequest(const std::string& remote, const Request& request, const Reply& reply,
                            std::size_t bytes_out, std::chrono::steady_clock::time_point start) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const unsigned code = reply.response.result_int();
  latency_->Observe(seconds);
  metrics_
      .GetCounter("http_requests_total", "HTTP requests by route, method and status code",
                  "route=\"" + reply.route + "\",method=\"" + std::string(request.method_string()) +
                      "\",code=\"" + std::to_string(code) + "\"")
      ->Increment();
  if (!access_log_) return;
  // The target's query string is dropped: it is not needed to read the log
  // and might carry something a client should not have put there.
  std::string_view target = request.target();
  target = target.substr(0, std::min(target.find('?'), std::size_t{512}));
  boost::json::object line{{"ts", FormatRfc3339(Now())},
                           {"remote", remote},
                           {"method", request.method_string()},
                           {"path", target},
                           {"route", reply.route},
                           {"status", code},
                           {"bytes_in", request.body().size()},
                           {"bytes_out", bytes_out},
                           {"ms", std::round(seconds * 1e6) / 1e3}};
  if (!reply.actor.empty()) line["actor"] = reply.actor;
  access_log_->info(boost::json::serialize(line));
}

}  // namespace vigil::api
