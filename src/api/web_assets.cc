#include "api/web_assets.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <system_error>

#include "api/router.h"
#include "common/file.h"

namespace vigil::api {

namespace http = boost::beast::http;
namespace fs = std::filesystem;

namespace {

// The app is small; a file this large under the web root is a mistake
// (a stray build artefact), not something to hold in memory.
constexpr std::size_t kMaxAssetBytes = 16u << 20;

bool IsApiPath(std::string_view path) {
  return path.starts_with("/api/") || path == "/api" || path.starts_with("/openrosa/") ||
         path.starts_with("/sms/");
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view WebContentType(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json";
  if (ext == "webmanifest") return "application/manifest+json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool AcceptsGzip(std::string_view header) {
  while (!header.empty()) {
    const std::size_t comma = std::min(header.find(','), header.size());
    std::string_view item = Trim(header.substr(0, comma));
    header.remove_prefix(std::min(comma + 1, header.size()));
    const std::size_t semi = item.find(';');
    const std::string_view coding = Trim(item.substr(0, semi));
    if (!boost::beast::iequals(coding, "gzip")) continue;
    if (semi == std::string_view::npos) return true;
    // "gzip;q=0" (or q=0.0, q=0.000) refuses it; any other weight accepts.
    std::string_view q = Trim(item.substr(semi + 1));
    if (!q.starts_with("q=") && !q.starts_with("Q=")) return true;
    q.remove_prefix(2);
    return q.find_first_not_of("0.") != std::string_view::npos;
  }
  return false;
}

Result<std::shared_ptr<const WebAssets>> WebAssets::Load(const std::string& root) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(root) / "index.html", ec)) {
    return Fail(Status::NotFound("no index.html in the web root '" + root +
                                 "' (the build makes it from web/; or pass --web-root)"));
  }
  auto assets = std::make_shared<WebAssets>();
  std::map<std::string, std::string> gzips;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string relative = it->path().lexically_relative(root).generic_string();
    auto body = ReadWholeFile(it->path().string(), kMaxAssetBytes);
    if (!body) return Fail(body.error());
    if (relative.ends_with(".gz")) {
      gzips["/" + relative.substr(0, relative.size() - 3)] = std::move(*body);
      continue;
    }
    assets->files_["/" + relative] = {std::string(WebContentType(relative)), std::move(*body), {}};
  }
  if (ec) return Fail(Status::Internal("cannot read the web root '" + root + "': " + ec.message()));
  for (auto& [path, gzip] : gzips) {
    if (auto f = assets->files_.find(path); f != assets->files_.end())
      f->second.gzip = std::move(gzip);
  }
  return std::shared_ptr<const WebAssets>(std::move(assets));
}

Response WebAssets::Answer(std::string_view path, const File& file,
                           std::string_view accept_encoding) const {
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, file.content_type);
  if (path.starts_with("/assets/")) {
    res.set(http::field::cache_control, "public, max-age=31536000, immutable");
  } else {
    res.set(http::field::cache_control, "no-cache");
  }
  if (path == "/index.html") {
    // Everything the app loads is its own: no inline script, nothing from
    // elsewhere (a mission's network may be offline anyway). The server adds
    // the other security headers to every response (http_server.cc).
    res.set("Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
  }
  if (!file.gzip.empty()) {
    res.set(http::field::vary, "Accept-Encoding");
    if (AcceptsGzip(accept_encoding)) {
      res.set(http::field::content_encoding, "gzip");
      res.body() = file.gzip;
      return res;
    }
  }
  res.body() = file.body;
  return res;
}

std::optional<Response> WebAssets::Serve(std::string_view path,
                                         std::string_view accept_encoding) const {
  if (IsApiPath(path)) return std::nullopt;
  if (path == "/") path = "/index.html";
  if (auto f = files_.find(path); f != files_.end())
    return Answer(path, f->second, accept_encoding);
  const std::string_view last = path.substr(path.rfind('/') + 1);
  if (!path.starts_with("/assets/") && last.find('.') == std::string_view::npos) {
    return Answer("/index.html", files_.find("/index.html")->second, accept_encoding);
  }
  Response res = JsonError(Status::NotFound("no such file: " + std::string(path)));
  res.set(http::field::cache_control, "no-cache");
  return res;
}

}  // namespace vigil::api
