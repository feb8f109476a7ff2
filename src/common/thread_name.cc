#include "common/thread_name.h"

#include <pthread.h>

namespace vigil {

void SetThreadName(const char* name) { pthread_setname_np(pthread_self(), name); }

}  // namespace vigil
