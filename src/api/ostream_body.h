// A response body written by a function to a std::ostream on a thread of
// its own (an export of a million submissions), handed to the HTTP server
// as it is produced. At most `max_buffered` bytes wait for the socket: when
// the client reads slowly, the writing thread waits, so memory stays
// bounded whatever the size of the body. If the function fails, or the
// server shuts down first, the body ends without its last chunk, so that
// the client sees it cut short rather than complete.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "api/http_server.h"
#include "common/status.h"

namespace vigil::api {

// Create with std::make_shared: the writing thread keeps the body alive.
class OstreamBody final : public BodyStream, public std::enable_shared_from_this<OstreamBody> {
 public:
  // Writes the body to `out`; should stop soon once `cancelled()` is true
  // (the client went away): writes to `out` then fail anyway.
  using Produce = std::function<Status(std::ostream& out, const std::function<bool()>& cancelled)>;

  explicit OstreamBody(Produce produce, std::size_t max_buffered = 1 << 20);
  ~OstreamBody() override;  // calls Stop()

  void Start(std::function<void()> wake) override;
  Next Pull(std::string* out) override;
  Next OnShutdown() override;
  void Stop() override;

 private:
  class Buffer;
  void Run();
  // Appends bytes for the socket, waiting for room; false once cancelled.
  bool Append(const char* data, std::size_t size);
  bool Cancelled();

  Produce produce_;
  const std::size_t max_buffered_;
  std::function<void()> wake_;
  std::thread thread_;

  std::mutex mu_;
  std::condition_variable room_;
  std::string pending_;     // produced, not yet pulled; GUARDED_BY(mu_)
  bool done_ = false;       // GUARDED_BY(mu_)
  bool cancelled_ = false;  // GUARDED_BY(mu_)
  Status status_;           // of produce_, once done_; GUARDED_BY(mu_)
};

}  // namespace vigil::api
