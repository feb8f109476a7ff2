// Runs the real `vigil` binary as a child process, for end-to-end tests of
// the CLI and of crash recovery.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace vigil::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 if killed by a signal
  std::string out;     // standard output
  std::string err;     // standard error
};

// Runs `vigil args...` to completion, capturing its output.
ProcessResult RunVigil(const std::vector<std::string>& args, const std::string& stdin_text = {});

// A `vigil` child running in the background (e.g. `serve`).
class VigilProcess {
 public:
  explicit VigilProcess(const std::vector<std::string>& args, const std::string& log_path);
  ~VigilProcess();  // SIGKILLs the child if still running
  pid_t pid() const { return pid_; }
  void Kill(int signal);
  // Waits for exit; returns the exit code (or -signal).
  int Wait();

 private:
  pid_t pid_ = -1;
};

// The whole file (empty if unreadable); writes `content` as the whole file.
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);

// Polls GET url/healthz until it answers 200 or `seconds` pass.
bool WaitUntilHealthy(const std::string& url, int seconds);
// A TCP port that was free a moment ago on 127.0.0.1.
int FreePort();

}  // namespace vigil::testing
