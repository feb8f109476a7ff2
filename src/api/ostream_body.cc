#include "api/ostream_body.h"

#include <streambuf>
#include <utility>

#include "common/thread_name.h"

namespace vigil::api {

// Collects writes in a small array and hands them to the body in pieces,
// so that each row does not take the lock.
class OstreamBody::Buffer final : public std::streambuf {
 public:
  explicit Buffer(OstreamBody& body) : body_(body) { setp(bytes_, bytes_ + sizeof bytes_); }
  ~Buffer() override { sync(); }

 protected:
  int_type overflow(int_type c) override {
    if (sync() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }

  int sync() override {
    const std::size_t n = static_cast<std::size_t>(pptr() - pbase());
    if (n == 0) return 0;
    setp(bytes_, bytes_ + sizeof bytes_);
    return body_.Append(bytes_, n) ? 0 : -1;
  }

 private:
  OstreamBody& body_;
  char bytes_[64 << 10];
};

OstreamBody::OstreamBody(Produce produce, std::size_t max_buffered)
    : produce_(std::move(produce)), max_buffered_(max_buffered) {}

OstreamBody::~OstreamBody() { Stop(); }

void OstreamBody::Start(std::function<void()> wake) {
  wake_ = std::move(wake);
  // The thread holds a reference: the session may drop its own, even on
  // this thread (by way of wake_), before Run returns.
  thread_ = std::thread([self = shared_from_this()] {
    SetThreadName("vigil-export");
    self->Run();
  });
}

void OstreamBody::Run() {
  Status status;
  {
    auto buffer = std::make_unique<Buffer>(*this);
    std::ostream out(buffer.get());
    status = produce_(out, [this] { return Cancelled(); });
    out.flush();
    if (status.ok() && !out) status = Status::Unavailable("the response could not be written");
  }
  {
    std::lock_guard lock(mu_);
    done_ = true;
    status_ = std::move(status);
  }
  wake_();
}

bool OstreamBody::Append(const char* data, std::size_t size) {
  {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return cancelled_ || pending_.size() < max_buffered_; });
    if (cancelled_) return false;
    pending_.append(data, size);
  }
  wake_();
  return true;
}

bool OstreamBody::Cancelled() {
  std::lock_guard lock(mu_);
  return cancelled_;
}

BodyStream::Next OstreamBody::Pull(std::string* out) {
  std::lock_guard lock(mu_);
  if (done_ && !status_.ok()) return Next::kAbort;
  out->swap(pending_);
  room_.notify_one();
  if (done_) return Next::kEnd;
  return out->empty() ? Next::kWait : Next::kData;
}

BodyStream::Next OstreamBody::OnShutdown() {
  std::lock_guard lock(mu_);
  // Complete only if everything was produced and has been pulled.
  return done_ && status_.ok() && pending_.empty() ? Next::kEnd : Next::kAbort;
}

void OstreamBody::Stop() {
  {
    std::lock_guard lock(mu_);
    cancelled_ = true;
  }
  room_.notify_all();
  if (!thread_.joinable()) return;
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();  // the last reference went with the thread's own
  } else {
    thread_.join();
  }
}

}  // namespace vigil::api
