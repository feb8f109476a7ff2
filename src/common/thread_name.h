// Names the calling thread (at most 15 characters), so that `top -H`,
// debuggers and profilers show which part of vigil is busy.
#pragma once

namespace vigil {

void SetThreadName(const char* name);

}  // namespace vigil
