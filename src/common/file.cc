#include "common/file.h"

#include <filesystem>
#include <fstream>

namespace vigil {

Result<std::string> ReadWholeFile(const std::string& path, std::size_t max_bytes) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Fail(Status::NotFound("cannot read " + path + ": " + ec.message()));
  if (size > max_bytes) {
    return Fail(Status::ResourceExhausted(path + " is larger than " +
                                          std::to_string(max_bytes >> 20) + " MiB"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Status::NotFound("cannot open " + path));
  std::string content(size, '\0');
  in.read(content.data(), static_cast<std::streamsize>(size));
  if (!in) return Fail(Status::Internal("cannot read " + path));
  return content;
}

}  // namespace vigil
