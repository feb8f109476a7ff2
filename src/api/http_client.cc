#include "api/http_client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <optional>

namespace vigil::api {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

struct BaseUrl {
  bool tls = false;
  std::string host;
  std::string port;
};

Result<BaseUrl> ParseBaseUrl(const std::string& url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") ||
      parsed->host().empty()) {
    return Fail(Status::InvalidArgument(
        "expected a URL like http://127.0.0.1:8080 or https://localhost:8443, got '" + url + "'"));
  }
  BaseUrl out;
  out.tls = parsed->scheme() == "https";
  out.host = parsed->host();
  if (out.host.size() >= 2 && out.host.front() == '[') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  out.port = parsed->has_port() ? std::string(parsed->port()) : out.tls ? "443" : "80";
  return out;
}

Result<std::unique_ptr<ssl::context>> MakeClientTlsContext(const ClientTlsOptions& options) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  if (!options.verify) {
    ctx->set_verify_mode(ssl::verify_none);
    return ctx;
  }
  ctx->set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  if (options.ca_file.empty()) {
    ctx->set_default_verify_paths(ec);
  } else {
    ctx->load_verify_file(options.ca_file, ec);
  }
  if (ec) {
    return Fail(Status::InvalidArgument("cannot load certificate authorities from '" +
                                        (options.ca_file.empty() ? "the system" : options.ca_file) +
                                        "': " + ec.message()));
  }
  return ctx;
}

}  // namespace

Status ParseHttpUrl(const std::string& url, std::string* host, std::string* port) {
  auto base = ParseBaseUrl(url);
  if (!base || base->tls) {
    return Status::InvalidArgument("expected a URL like http://127.0.0.1:8080, got '" + url + "'");
  }
  *host = base->host;
  *port = base->port;
  return Status::Ok();
}

struct HttpClient::Impl {
  net::io_context ioc;
  std::unique_ptr<ssl::context> tls_context;  // null: plain HTTP
  bool verify = true;
  beast::tcp_stream plain{ioc};
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;  // a fresh one per TLS connection
  beast::flat_buffer buffer;
  std::string host, port;
  bool connected = false;

  beast::tcp_stream& Tcp() { return tls ? beast::get_lowest_layer(*tls) : plain; }

  // Calls `f` with the stream of the current connection.
  template <class F>
  void WithStream(F&& f) {
    if (tls) {
      f(*tls);
    } else {
      f(plain);
    }
  }

  // Runs one asynchronous operation to its end on this thread. Only
  // asynchronous operations honour the stream's timer (expires_after), which
  // fails them with beast::error::timeout: blocking calls would wait for a
  // silent server for ever.
  template <class Start>
  beast::error_code Await(Start&& start) {
    beast::error_code result;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  Status Connect(std::chrono::milliseconds timeout) {
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(host, port, ec);
    if (ec) return Status::Unavailable("cannot resolve " + host + ": " + ec.message());
    if (tls_context) tls.emplace(ioc, *tls_context);
    Tcp().expires_after(timeout);
    ec = Await([&](auto done) { Tcp().async_connect(results, std::move(done)); });
    if (ec)
      return Status::Unavailable("cannot connect to " + host + ":" + port + ": " + ec.message());
    Tcp().socket().set_option(tcp::no_delay(true), ec);
    buffer.clear();
    connected = true;
    if (tls) return Handshake(timeout);
    return Status::Ok();
  }

  // OpenSSL checks the name (or IP address) during the handshake, so a
  // mismatch fails it with a reason saying so.
  Status Handshake(std::chrono::milliseconds timeout) {
    SSL* ssl = tls->native_handle();
    beast::error_code ec;
    net::ip::make_address(host, ec);
    const bool is_address = !ec;
    if (verify) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
      const int ok = is_address ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                                : X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
      if (ok != 1) return Status::InvalidArgument("cannot check a certificate for '" + host + "'");
    }
    if (!is_address) SSL_set_tlsext_host_name(ssl, host.c_str());  // SNI
    Tcp().expires_after(timeout);
    ec = Await([&](auto done) { tls->async_handshake(ssl::stream_base::client, std::move(done)); });
    if (!ec) return Status::Ok();
    std::string why = ec.message();
    if (const long result = SSL_get_verify_result(ssl); result != X509_V_OK) {
      why += std::string(" (") + X509_verify_cert_error_string(result) + ")";
    }
    Close();
    return Status::Unavailable("TLS handshake with " + host + ":" + port + " failed: " + why);
  }

  // Over TLS too, the TCP connection is just closed: HTTP's own framing
  // tells where each response ends, and waiting for the server's
  // close_notify could block.
  void Close() {
    beast::error_code ec;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
    Tcp().close();
    connected = false;
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() {
  if (impl_ && impl_->connected) impl_->Close();
}

Result<std::unique_ptr<HttpClient>> HttpClient::Connect(const std::string& base_url,
                                                        const ClientTlsOptions& tls) {
  auto impl = std::make_unique<Impl>();
  auto url = ParseBaseUrl(base_url);
  if (!url) return Fail(url.error());
  impl->host = url->host;
  impl->port = url->port;
  if (url->tls) {
    auto context = MakeClientTlsContext(tls);
    if (!context) return Fail(context.error());
    impl->tls_context = std::move(*context);
    impl->verify = tls.verify;
  }
  std::unique_ptr<HttpClient> client(new HttpClient(std::move(impl)));
  VIGIL_RETURN_IF_ERROR(client->impl_->Connect(client->timeout_));
  return client;
}

Result<ClientResponse> HttpClient::Send(http::verb method, const std::string& target,
                                        const std::string& body, const std::string& content_type) {
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, impl_->host);
  req.set(http::field::user_agent, "vigil");
  if (!bearer_.empty()) req.set(http::field::authorization, "Bearer " + bearer_);
  for (const auto& [name, value] : headers_) req.set(name, value);
  if (!body.empty() || method == http::verb::post) {
    req.set(http::field::content_type, content_type);
    req.body() = body;
  }
  req.keep_alive(true);
  req.prepare_payload();

  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!impl_->connected) VIGIL_RETURN_IF_ERROR(impl_->Connect(timeout_));
    beast::error_code ec;
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 << 20);
    impl_->Tcp().expires_after(timeout_);
    impl_->WithStream([&](auto& stream) {
      ec = impl_->Await([&](auto done) { http::async_write(stream, req, std::move(done)); });
      if (ec) return;
      ec = impl_->Await(
          [&](auto done) { http::async_read(stream, impl_->buffer, parser, std::move(done)); });
    });
    if (ec) {
      impl_->Close();
      // A kept-alive connection the server closed meanwhile (over TLS
      // perhaps without close_notify): retry once on a fresh one. Anything
      // else is the caller's to handle.
      if (attempt == 0 && (ec == http::error::end_of_stream || ec == net::error::connection_reset ||
                           ec == net::error::broken_pipe || ec == net::error::eof ||
                           ec == ssl::error::stream_truncated)) {
        continue;
      }
      return Fail(Status::Unavailable("HTTP " + std::string(http::to_string(method)) + " " +
                                      target + ": " + ec.message()));
    }
    auto res = parser.release();
    ClientResponse out;
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    for (const auto& field : res) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(field.value());
    }
    if (!res.keep_alive()) impl_->Close();
    return out;
  }
  return Fail(Status::Unavailable("HTTP request failed"));
}

}  // namespace vigil::api
