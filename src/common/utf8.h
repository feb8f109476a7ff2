// UTF-8 validation for text that arrives from outside (CSV files, SMS).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace vigil {

// Returns the byte offset of the first invalid UTF-8 sequence (overlong forms,
// surrogates and code points above U+10FFFF are invalid), or nullopt if valid.
std::optional<std::size_t> FindInvalidUtf8(std::string_view text);

}  // namespace vigil
