// libFuzzer target: the multipart/form-data parser (ingest/multipart.h). The
// boundary is taken from the input's first line when it starts with "--"
// (as in a real body, so the golden body is a seed), else "XY"; the first
// line is also read as a Content-Type. Besides crashes and sanitizer
// reports, it checks the parser's promises: within the limits, every part
// is named and its body lies inside the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ingest/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::ingest;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const std::string_view first_line = body.substr(0, body.find("\r\n"));
  (void)MultipartBoundary(first_line);
  std::string boundary = "XY";
  if (first_line.starts_with("--") && first_line.size() > 2) {
    boundary = std::string(first_line.substr(2, 70));
  }
  MultipartLimits limits;
  limits.max_parts = 8;
  limits.max_part_bytes = 4096;
  limits.max_header_bytes = 512;
  auto parts = ParseMultipart(body, boundary, limits);
  if (!parts) return 0;
  if (parts->size() > limits.max_parts) __builtin_trap();
  for (const MultipartPart& p : *parts) {
    if (p.name.empty() || p.content_type.empty()) __builtin_trap();
    if (p.body.size() > limits.max_part_bytes) __builtin_trap();
    if (p.body.data() < body.data() || p.body.data() + p.body.size() > body.data() + body.size()) {
      __builtin_trap();
    }
  }
  return 0;
}
