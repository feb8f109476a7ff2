// The web application's static files (web/, bundled by the build into
// build/<preset>/web/dist): read once when the server starts and served from
// memory, with the gzip copies the build made beside them.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_server.h"
#include "common/status.h"

namespace vigil::api {

class WebAssets {
 public:
  // Reads every file under `root`, which must hold index.html. A file
  // `x.gz` beside `x` is x's precompressed copy, not a file of its own.
  static Result<std::shared_ptr<const WebAssets>> Load(const std::string& root);

  // The response to GET `path` (decoded, starting with '/'), or nullopt if
  // the path is the API's (/api/, /openrosa/, /sms/). Files under /assets/
  // carry a content hash in their name, so they are cached for a year;
  // index.html must be revalidated (no-cache) so that a new build is seen.
  // A path without a file extension is one of the app's own (client-side)
  // routes and gets index.html; any other unknown file is a 404.
  std::optional<Response> Serve(std::string_view path, std::string_view accept_encoding) const;

  std::size_t size() const { return files_.size(); }

 private:
  struct File {
    std::string content_type;
    std::string body;
    std::string gzip;  // empty: no precompressed copy
  };
  Response Answer(std::string_view path, const File& file, std::string_view accept_encoding) const;

  std::map<std::string, File, std::less<>> files_;  // by URL path: "/index.html"
};

// The Content-Type of a file name's extension.
std::string_view WebContentType(std::string_view name);
// Whether an Accept-Encoding header allows gzip (and does not refuse it with q=0).
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace vigil::api
