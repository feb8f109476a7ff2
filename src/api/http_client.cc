#include "api/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

namespace vigil::api {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

Status ParseHttpUrl(const std::string& url, std::string* host, std::string* port) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || parsed->scheme() != "http" || parsed->host().empty()) {
    return Status::InvalidArgument("expected a URL like http://127.0.0.1:8080, got '" + url + "'");
  }
  *host = parsed->host();
  if (host->size() >= 2 && host->front() == '[') *host = host->substr(1, host->size() - 2);
  *port = parsed->has_port() ? std::string(parsed->port()) : "80";
  return Status::Ok();
}

struct HttpClient::Impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  std::string host, port;
  bool connected = false;

  Status Connect(std::chrono::milliseconds timeout) {
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(host, port, ec);
    if (ec) return Status::Unavailable("cannot resolve " + host + ": " + ec.message());
    stream.expires_after(timeout);
    stream.connect(results, ec);
    if (ec)
      return Status::Unavailable("cannot connect to " + host + ":" + port + ": " + ec.message());
    stream.socket().set_option(tcp::no_delay(true), ec);
    buffer.clear();
    connected = true;
    return Status::Ok();
  }

  void Close() {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream.close();
    connected = false;
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() {
  if (impl_ && impl_->connected) impl_->Close();
}

Result<std::unique_ptr<HttpClient>> HttpClient::Connect(const std::string& base_url) {
  auto impl = std::make_unique<Impl>();
  VIGIL_RETURN_IF_ERROR(ParseHttpUrl(base_url, &impl->host, &impl->port));
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
  if (!body.empty() || method == http::verb::post) {
    req.set(http::field::content_type, content_type);
    req.body() = body;
  }
  req.keep_alive(true);
  req.prepare_payload();

  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!impl_->connected) VIGIL_RETURN_IF_ERROR(impl_->Connect(timeout_));
    beast::error_code ec;
    impl_->stream.expires_after(timeout_);
    http::write(impl_->stream, req, ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 << 20);
    if (!ec) http::read(impl_->stream, impl_->buffer, parser, ec);
    if (ec) {
      impl_->Close();
      // A kept-alive connection the server closed meanwhile: retry once on
      // a fresh one. Anything else is the caller's to handle.
      if (attempt == 0 && (ec == http::error::end_of_stream || ec == net::error::connection_reset ||
                           ec == net::error::broken_pipe || ec == net::error::eof)) {
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
