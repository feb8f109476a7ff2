// OstreamBody: a body written on a thread of its own reaches the puller
// whole and in order, with no more than the bound waiting; a failed or
// interrupted body ends as cut short, never as complete.
#include "api/ostream_body.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace vigil::testing {
namespace {

using api::BodyStream;
using api::OstreamBody;
using namespace std::chrono_literals;

std::string Row(int i) { return "row " + std::to_string(i) + ",some,fields,of,a,submission\n"; }

// Pulls until the end, as the server does: after each chunk, or after a wake.
BodyStream::Next Drain(OstreamBody& body, std::atomic<int>& wakes, std::string* got,
                       std::size_t* largest_chunk) {
  while (true) {
    std::string chunk;
    const BodyStream::Next next = body.Pull(&chunk);
    *largest_chunk = std::max(*largest_chunk, chunk.size());
    got->append(chunk);
    if (next == BodyStream::Next::kEnd || next == BodyStream::Next::kAbort) return next;
    if (next == BodyStream::Next::kWait) {
      const int seen = wakes.load();
      for (int spin = 0; spin < 2000 && wakes.load() == seen; ++spin)
        std::this_thread::sleep_for(1ms);
    }
  }
}

TEST(OstreamBody, DeliversTheWholeBodyInOrderWithABoundedBuffer) {
  constexpr int kRows = 200'000;  // about 8 MB
  std::string expected;
  for (int i = 0; i < kRows; ++i) expected += Row(i);
  auto body = std::make_shared<OstreamBody>(
      [](std::ostream& out, const std::function<bool()>&) {
        for (int i = 0; i < kRows; ++i) out << Row(i);
        return Status::Ok();
      },
      /*max_buffered=*/256 << 10);
  std::atomic<int> wakes = 0;
  body->Start([&] { ++wakes; });
  std::string got;
  std::size_t largest = 0;
  EXPECT_EQ(Drain(*body, wakes, &got, &largest), BodyStream::Next::kEnd);
  body->Stop();
  EXPECT_EQ(got.size(), expected.size());
  EXPECT_TRUE(got == expected);
  // The bound, plus at most one piece of the writer's 64 KiB buffer.
  EXPECT_LE(largest, (256u << 10) + (64u << 10));
}

TEST(OstreamBody, AFailedProducerEndsTheBodyCutShort) {
  auto body = std::make_shared<OstreamBody>([](std::ostream& out, const std::function<bool()>&) {
    out << "instance_id,form\nuuid:1,V\n";
    return Status::Unavailable("the store went away");
  });
  std::atomic<int> wakes = 0;
  body->Start([&] { ++wakes; });
  std::string got;
  std::size_t largest = 0;
  EXPECT_EQ(Drain(*body, wakes, &got, &largest), BodyStream::Next::kAbort);
  EXPECT_EQ(body->OnShutdown(), BodyStream::Next::kAbort);
}

TEST(OstreamBody, StopReleasesAWaitingProducerAndShutdownDoesNotLookComplete) {
  std::promise<bool> saw_cancel;
  auto body = std::make_shared<OstreamBody>(
      [&](std::ostream& out, const std::function<bool()>& cancelled) {
        // Far more than the bound, and nobody pulls: the writer waits.
        for (int i = 0; i < 1'000'000 && out; ++i) out << Row(i);
        saw_cancel.set_value(cancelled() && !out);
        return Status::Unavailable("cancelled");
      },
      /*max_buffered=*/4 << 10);
  body->Start([] {});
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(body->OnShutdown(), BodyStream::Next::kAbort) << "not all of it was produced";
  body->Stop();  // returns: the waiting writer is released
  auto result = saw_cancel.get_future();
  ASSERT_EQ(result.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(result.get());
}

}  // namespace
}  // namespace vigil::testing
