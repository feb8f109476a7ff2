#include "api/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "common/thread_name.h"
#include "common/time.h"

namespace vigil::api {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

// Headers on every response, errors made before routing included: nothing
// is sniffed, framed, cached or passed on as a referrer, and a page (the
// forensics report: inline SVG and one inline stylesheet, no scripts) loads
// nothing from elsewhere.
void SetSecurityHeaders(Response& res) {
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Content-Security-Policy",
          "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
          "base-uri 'none'; form-action 'none'");
  res.set(http::field::x_frame_options, "DENY");
  res.set("Referrer-Policy", "no-referrer");
  if (res.find(http::field::cache_control) == res.end()) {
    res.set(http::field::cache_control, "no-store");
  }
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

}  // namespace

// One TCP connection: reads requests one after another, hands each to the
// handler, writes its reply. All of its work runs on its own strand.
class HttpServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(HttpServer& server, tcp::socket socket) : server_(server), stream_(std::move(socket)) {
    beast::error_code ec;
    const auto endpoint = stream_.socket().remote_endpoint(ec);
    peer_.address = ec ? "unknown" : endpoint.address().to_string();
    server_.SessionStarted();
  }
  ~Session() { server_.SessionEnded(); }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // Called at shutdown: an idle connection is closed now, a busy one after
  // its response.
  void CloseIfIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) {
        beast::error_code ec;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        self->stream_.close();
      }
    });
  }

 private:
  void ReadHeader() {
    parser_.emplace();
    parser_->body_limit(server_.options_.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(server_.options_.max_header_bytes));
    stream_.expires_after(server_.options_.read_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    busy_ = true;
    start_ = std::chrono::steady_clock::now();
    // Beast checks Content-Length against the body limit with the header.
    if (ec == http::error::body_limit) return RejectOversized();
    if (ec) return OnReadError(ec);
    const auto& header = parser_->get();
    if (parser_->content_length() && *parser_->content_length() > server_.options_.max_body_bytes) {
      return RejectOversized();
    }
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
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::eof ||
        ec == net::error::connection_reset) {
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
    Send({PlainError(http::status::payload_too_large,
                     "request body is larger than the limit of " +
                         std::to_string(server_.options_.max_body_bytes) + " bytes"),
          "unmatched", ""});
  }

  void Dispatch() {
    request_ = parser_->release();
    keep_alive_ = request_.keep_alive();
    auto self = shared_from_this();
    server_.handler_(request_, peer_, [self](Reply reply) {
      net::post(self->stream_.get_executor(),
                [self, reply = std::move(reply)]() mutable { self->Send(std::move(reply)); });
    });
  }

  void Send(Reply reply) {
    reply_ = std::make_shared<Reply>(std::move(reply));
    Response& res = reply_->response;
    SetSecurityHeaders(res);
    res.version(11);
    res.keep_alive(keep_alive_ && !server_.shutting_down_.load());
    res.prepare_payload();
    stream_.expires_after(server_.options_.write_timeout);
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

  // After refusing an oversized body, read and drop what the client is still
  // sending so that it sees our 413 instead of a connection reset.
  void DiscardThenClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    discard_.resize(64 << 10);
    stream_.expires_after(std::chrono::seconds(5));
    DiscardSome();
  }
  void DiscardSome() {
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->discarded_ += n;
                              if (ec || self->discarded_ > kMaxDiscardBytes) return self->Close();
                              self->DiscardSome();
                            });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  HttpServer& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Request request_;
  std::shared_ptr<Reply> reply_;
  Peer peer_;
  bool keep_alive_ = true;
  bool busy_ = false;
  bool discard_after_write_ = false;
  std::vector<char> discard_;
  std::size_t discarded_ = 0;
  std::chrono::steady_clock::time_point start_;
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
      acceptor_(ioc_),
      signals_(ioc_),
      drain_timer_(ioc_) {}

HttpServer::~HttpServer() = default;

Status HttpServer::Start() {
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
      auto session = std::make_shared<Session>(*this, std::move(socket));
      {
        std::lock_guard lock(sessions_mu_);
        std::erase_if(sessions_, [](const std::weak_ptr<Session>& w) { return w.expired(); });
        sessions_.push_back(session);
      }
      session->Start();
    }
    Accept();
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
  if (live_sessions_.fetch_sub(1) == 1 && shutting_down_.load()) {
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
