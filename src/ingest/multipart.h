// multipart/form-data bodies (RFC 7578 on RFC 2046 section 5.1), as ODK
// Collect, Enketo and KoboCollect send OpenRosa submissions: one part
// `xml_submission_file` with the instance and one part per attachment. A
// pure function of the bytes (fuzzable); the HTTP layer has already undone
// any chunked transfer encoding.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vigil::ingest {

struct MultipartPart {
  std::string name;          // Content-Disposition name
  std::string filename;      // Content-Disposition filename; empty if none
  std::string content_type;  // "text/plain" when the part names none (RFC 7578 4.4)
  std::string_view body;     // a view into the parsed input: valid while it is
};

struct MultipartLimits {
  std::size_t max_parts = 100;             // more: ResourceExhausted
  std::size_t max_part_bytes = 10 << 20;   // one part's body; more: ResourceExhausted
  std::size_t max_header_bytes = 8 << 10;  // one part's header block
};

// The boundary parameter of a `multipart/form-data; boundary=...` content
// type (quoted or not). InvalidArgument if the type is another, or the
// boundary is missing or not 1-70 characters of RFC 2046's bchars.
Result<std::string> MultipartBoundary(std::string_view content_type);

// Splits `body` into its parts. The preamble and epilogue are ignored; each
// part must have a `Content-Disposition: form-data` header with a name.
// InvalidArgument naming the problem and its byte offset (no first
// boundary, a header line without ':', a part without a name, no closing
// boundary, ...); ResourceExhausted when a limit is passed.
Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary,
                                                  const MultipartLimits& limits = {});

}  // namespace vigil::ingest
