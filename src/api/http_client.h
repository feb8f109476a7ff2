// A small blocking HTTP/1.1 client over one keep-alive connection, plain or
// TLS, for the demo's simulated observers, the CLI and the end-to-end tests.
// Not thread-safe: use one per thread.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "common/status.h"

namespace vigil::api {

struct ClientResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// How an https client decides whether to trust the server.
struct ClientTlsOptions {
  // PEM file of the certificate authorities to trust (a self-signed server
  // certificate may be its own); empty: the system's.
  std::string ca_file;
  // false accepts any certificate for any name. Only for talking to oneself
  // on loopback, as the demo's simulated observers do.
  bool verify = true;
};

class HttpClient {
 public:
  // `base_url`: "http://127.0.0.1:8080" or "https://localhost:8443". Over
  // https the server's certificate must chain to a trusted authority and
  // name the host (DNS name or IP address), unless `tls.verify` is false.
  static Result<std::unique_ptr<HttpClient>> Connect(const std::string& base_url,
                                                     const ClientTlsOptions& tls = {});
  ~HttpClient();

  void set_bearer_token(std::string token) { bearer_ = std::move(token); }
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  // Sends `value` as header `name` with every request; an empty value stops it.
  void set_header(const std::string& name, std::string value) {
    if (value.empty()) {
      headers_.erase(name);
    } else {
      headers_[name] = std::move(value);
    }
  }

  // Sends one request and reads the response, reconnecting once if the
  // server closed the idle connection. Fails on network errors only; any
  // HTTP status is a successful exchange.
  Result<ClientResponse> Send(boost::beast::http::verb method, const std::string& target,
                              const std::string& body = {},
                              const std::string& content_type = "application/json");
  Result<ClientResponse> Get(const std::string& target) {
    return Send(boost::beast::http::verb::get, target);
  }
  Result<ClientResponse> PostJson(const std::string& target, const std::string& body) {
    return Send(boost::beast::http::verb::post, target, body);
  }

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string bearer_;
  std::map<std::string, std::string> headers_;
  std::chrono::milliseconds timeout_{30000};
};

// Splits "http://host:port" into host and port; InvalidArgument otherwise,
// https included (for callers that speak plain HTTP only).
Status ParseHttpUrl(const std::string& url, std::string* host, std::string* port);

}  // namespace vigil::api
