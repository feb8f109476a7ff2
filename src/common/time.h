// Timestamps: UTC, microsecond resolution, exchanged as RFC 3339 text.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vigil {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

Timestamp Now();
// "2026-11-28T07:05:00.123456Z" (always UTC, always six fraction digits, so that
// text order is time order).
std::string FormatRfc3339(Timestamp t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)"; lower-case t/z too.
Result<Timestamp> ParseRfc3339(std::string_view text);

}  // namespace vigil
