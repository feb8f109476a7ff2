// Reading a whole input file, with a size limit so that a wrong path (a
// disk image, a device) fails with a message instead of exhausting memory.
#pragma once

#include <cstddef>
#include <string>

#include "common/status.h"

namespace vigil {

constexpr std::size_t kMaxInputFileBytes = 512u << 20;  // 512 MiB

// NotFound if `path` cannot be opened, ResourceExhausted if it is larger
// than `max_bytes`.
Result<std::string> ReadWholeFile(const std::string& path,
                                  std::size_t max_bytes = kMaxInputFileBytes);

}  // namespace vigil
