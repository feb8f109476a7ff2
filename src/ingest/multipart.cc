#include "ingest/multipart.h"

#include <algorithm>
#include <cctype>

namespace vigil::ingest {

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 2046 bchars: DIGIT / ALPHA / "'()+_,-./:=?" and space (not last).
bool IsBoundaryChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

Status Malformed(std::size_t offset, const std::string& problem) {
  return Status::InvalidArgument("multipart body, byte " + std::to_string(offset) + ": " + problem);
}

// Parameters of a header value ("form-data; name=\"a\"; filename=b"): the
// value before the first ';' and each name=value after, names lower-cased.
// Values may be tokens or quoted strings with backslash escapes.
struct HeaderValue {
  std::string_view main;
  std::vector<std::pair<std::string, std::string>> params;
  std::string error;  // set if the parameters are malformed
};

HeaderValue ParseParams(std::string_view v) {
  HeaderValue out;
  std::size_t i = std::min(v.find(';'), v.size());
  out.main = TrimSpace(v.substr(0, i));
  while (i < v.size()) {
    ++i;  // the ';'
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
    if (i == v.size()) break;  // a trailing ';'
    const std::size_t eq = v.find('=', i);
    if (eq == std::string_view::npos) {
      out.error = "parameter '" + std::string(TrimSpace(v.substr(i))) + "' has no value";
      return out;
    }
    std::string name(TrimSpace(v.substr(i, eq - i)));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    i = eq + 1;
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
    std::string value;
    if (i < v.size() && v[i] == '"') {
      ++i;
      bool closed = false;
      while (i < v.size()) {
        const char c = v[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < v.size()) {
          value.push_back(v[i++]);
        } else {
          value.push_back(c);
        }
      }
      if (!closed) {
        out.error = "parameter '" + name + "' has an unterminated quoted value";
        return out;
      }
      while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
      if (i < v.size() && v[i] != ';') {
        out.error = "unexpected text after the quoted value of '" + name + "'";
        return out;
      }
    } else {
      const std::size_t end = std::min(v.find(';', i), v.size());
      value = std::string(TrimSpace(v.substr(i, end - i)));
      i = end;
    }
    out.params.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

const std::string* Param(const HeaderValue& h, std::string_view name) {
  for (const auto& [n, v] : h.params) {
    if (n == name) return &v;
  }
  return nullptr;
}

}  // namespace

Result<std::string> MultipartBoundary(std::string_view content_type) {
  const HeaderValue h = ParseParams(content_type);
  if (!IEquals(h.main, "multipart/form-data")) {
    return Fail(Status::InvalidArgument("expected Content-Type multipart/form-data, got '" +
                                        std::string(h.main.substr(0, 100)) + "'"));
  }
  if (!h.error.empty()) return Fail(Status::InvalidArgument("Content-Type: " + h.error));
  const std::string* boundary = Param(h, "boundary");
  if (boundary == nullptr) {
    return Fail(Status::InvalidArgument("Content-Type multipart/form-data has no boundary"));
  }
  if (boundary->empty() || boundary->size() > 70 || boundary->back() == ' ' ||
      !std::all_of(boundary->begin(), boundary->end(), IsBoundaryChar)) {
    return Fail(Status::InvalidArgument(
        "the multipart boundary must be 1 to 70 letters, digits or '()+_,-./:=? (RFC 2046)"));
  }
  return *boundary;
}

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary,
                                                  const MultipartLimits& limits) {
  const std::string delimiter = "--" + std::string(boundary);
  // The first delimiter starts the body or a line after the preamble.
  std::size_t pos = 0;
  if (!body.starts_with(delimiter)) {
    const std::size_t found = body.find("\r\n" + delimiter);
    if (found == std::string_view::npos) {
      return Fail(Malformed(0, "the boundary '" + std::string(boundary) + "' never occurs"));
    }
    pos = found + 2;
  }
  const std::string next_delimiter = "\r\n" + delimiter;
  std::vector<MultipartPart> parts;
  while (true) {
    pos += delimiter.size();                        // at the end of a delimiter
    if (body.substr(pos, 2) == "--") return parts;  // the close delimiter; the rest is epilogue
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;  // padding
    if (body.substr(pos, 2) != "\r\n") {
      return Fail(Malformed(pos, "expected a line break after the boundary"));
    }
    pos += 2;
    if (parts.size() == limits.max_parts) {
      return Fail(Status::ResourceExhausted("a submission may have at most " +
                                            std::to_string(limits.max_parts) + " parts"));
    }
    const std::size_t part_start = pos;
    // Headers: lines up to an empty one.
    const std::size_t headers_end = body.find("\r\n\r\n", pos - 2);
    if (headers_end == std::string_view::npos) {
      return Fail(Malformed(part_start, "the part's headers do not end with an empty line"));
    }
    if (headers_end + 2 - part_start > limits.max_header_bytes) {
      return Fail(Status::ResourceExhausted("multipart body, byte " + std::to_string(part_start) +
                                            ": the part's headers are longer than " +
                                            std::to_string(limits.max_header_bytes) + " bytes"));
    }
    MultipartPart part;
    part.content_type = "text/plain";
    bool has_disposition = false;
    std::size_t line_start = part_start;
    while (line_start < headers_end + 2) {
      const std::size_t line_end = body.find("\r\n", line_start);
      const std::string_view line = body.substr(line_start, line_end - line_start);
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        return Fail(Malformed(line_start, "a header line without 'name:'"));
      }
      const std::string_view name = line.substr(0, colon);
      const std::string_view value = TrimSpace(line.substr(colon + 1));
      if (IEquals(name, "Content-Disposition")) {
        const HeaderValue h = ParseParams(value);
        if (!h.error.empty()) return Fail(Malformed(line_start, "Content-Disposition: " + h.error));
        if (!IEquals(h.main, "form-data")) {
          return Fail(Malformed(line_start, "Content-Disposition must be form-data, not '" +
                                                std::string(h.main.substr(0, 40)) + "'"));
        }
        const std::string* n = Param(h, "name");
        if (n == nullptr || n->empty()) {
          return Fail(Malformed(line_start, "Content-Disposition has no name"));
        }
        part.name = *n;
        if (const std::string* f = Param(h, "filename")) part.filename = *f;
        has_disposition = true;
      } else if (IEquals(name, "Content-Type")) {
        if (value.empty()) return Fail(Malformed(line_start, "an empty Content-Type"));
        part.content_type = std::string(value);
      }
      line_start = line_end + 2;
    }
    if (!has_disposition) {
      return Fail(Malformed(part_start, "the part has no Content-Disposition header"));
    }
    const std::size_t body_start = headers_end + 4;
    const std::size_t body_end = body.find(next_delimiter, body_start);
    if (body_end == std::string_view::npos) {
      return Fail(Malformed(body_start, "part '" + part.name + "' is not ended by a boundary"));
    }
    if (body_end - body_start > limits.max_part_bytes) {
      return Fail(Status::ResourceExhausted("part '" + part.name + "' (" + part.filename +
                                            ") is larger than " +
                                            std::to_string(limits.max_part_bytes) + " bytes"));
    }
    part.body = body.substr(body_start, body_end - body_start);
    parts.push_back(std::move(part));
    pos = body_end + 2;
  }
}

}  // namespace vigil::ingest
