// The load generator behind `vigil bench ingest`: N keep-alive connections,
// all driven by one thread running one asio io_context, each posting a
// freshly generated, valid submission as soon as the previous response
// arrives (a closed loop), so the generator itself costs little CPU on a
// machine it shares with the server. It measures what the server sustains,
// not what a fixed offered rate would see.
//
// Optionally, other threads sign in with a password meanwhile, to show what
// sign-ins (an Argon2id check each) take from token-authenticated
// submissions.
//
// Thread-safety: none of these types are thread-safe; RunIngestBench uses
// only the calling thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/time.h"

namespace vigil::core {
struct Form;
}

namespace vigil::cli {

struct IngestBenchOptions {
  std::string url;         // "http://127.0.0.1:8080" (http only)
  std::string token;       // bearer token; must allow reading forms and observers and submitting
  std::string form = "V";  // the form whose current version is filled in
  int clients = 16;        // concurrent connections, each with one request in flight
  std::chrono::milliseconds warmup{2000};     // run but not measured
  std::chrono::milliseconds duration{10000};  // measured, after the warm-up
  bool echo = false;  // POST /api/v1/submissions/validate (nothing stored) instead of storing
  // OpenRosa mode: POST /openrosa/submission as ODK Collect does (multipart
  // with the XML instance, Digest authentication) as odk_observer, whose
  // ODK login is odk_user / odk_password, at that observer's stations.
  // `token` is still used to read the form and the assignments.
  bool openrosa = false;
  std::string odk_user;
  std::string odk_password;
  std::string odk_observer;
  // A request unanswered this long counts as a network error.
  std::chrono::milliseconds request_timeout{30000};
  // At the end, how long requests in flight may take before they are abandoned.
  std::chrono::milliseconds drain_timeout{5000};
  // Meanwhile, this many threads sign in as sign_in_name again and again
  // (POST /api/v1/session), each with one blocking request in flight; 0:
  // none. Sign-ins that succeed never count towards a lockout.
  int sign_in_clients = 0;
  std::string sign_in_name;
  std::string sign_in_password;
  // At most this many sign-ins per second in all, spread evenly over the
  // sign-in clients; 0: each signs in again as soon as it is answered.
  double sign_ins_per_second = 0;
  // Meanwhile, one client follows GET /api/v1/events?types=submission, and
  // the time from each submission's 201 to its event's arrival is measured
  // (`token` must have read_statistics: an admin token has).
  bool sse = false;
};

// Response latencies in microseconds, in log-linear buckets (at most 0.2%
// relative error) so that memory stays fixed however long the run.
// Method: HdrHistogram (Gil Tene), 1024 sub-buckets per power of two.
class LatencyHistogram {
 public:
  LatencyHistogram();
  void Record(std::int64_t micros);
  std::int64_t count() const { return count_; }
  std::int64_t max() const { return max_; }  // exact
  // The nearest-rank quantile (q in [0, 1]), as the middle of its bucket
  // (never above max()); 0 if nothing was recorded.
  std::int64_t ValueAtQuantile(double q) const;

 private:
  std::vector<std::int64_t> counts_;
  std::int64_t count_ = 0;
  std::int64_t max_ = 0;
};

struct IngestBenchReport {
  bool echo = false;
  bool openrosa = false;
  int clients = 0;
  std::string target;           // "POST http://127.0.0.1:8080/api/v1/submissions"
  std::string form_version;     // the version filled in
  std::size_t assignments = 0;  // (observer, station) pairs drawn from
  double warmup_s = 0;
  double duration_s = 0;  // the measured window, as it happened
  // Only requests completed inside the measured window count below.
  std::int64_t requests = 0;             // responses received plus network errors
  std::int64_t ok = 0;                   // 201 (store) or 200 (echo)
  std::int64_t errors = 0;               // any other status, plus network errors
  std::int64_t network_errors = 0;       // connect, write, read failures and timeouts
  std::map<int, std::int64_t> statuses;  // HTTP status -> responses
  LatencyHistogram latency;              // every response, whatever its status
  double client_cpu_s = 0;               // CPU time of this process during the whole run
  std::string first_error;               // the first error seen, for the summary; empty if none
  // Sign-ins alongside, in the same window: 201 answers, and anything else.
  int sign_in_clients = 0;
  std::int64_t sign_ins = 0;
  std::int64_t sign_in_errors = 0;
  // With options.sse: for each 201 in the window, the time from the 201 to
  // the arrival of its submission event on the stream (0 if the event came
  // first: it is published before the requests are answered), and the 201s
  // whose event had not arrived by the end of the drain.
  bool sse = false;
  LatencyHistogram sse_latency;
  std::int64_t sse_missing = 0;
  std::string sse_error;  // why the stream failed, if it did

  double per_second() const { return duration_s > 0 ? static_cast<double>(ok) / duration_s : 0; }
  double sign_ins_per_second() const {
    return duration_s > 0 ? static_cast<double>(sign_ins) / duration_s : 0;
  }
};

// The (observer, station) pairs a submission may name.
struct StationAssignment {
  std::string observer;
  std::string station;
};

// Builds submission bodies that validate against one form version: every
// question answered (optional free text sometimes omitted), mostly
// unproblematic answers, a new random v4 instance_id each time.
class SubmissionBodyGenerator {
 public:
  // `assignments` must not be empty.
  SubmissionBodyGenerator(const core::Form& form, const std::vector<StationAssignment>& assignments,
                          std::uint64_t seed);
  // Another generator over the same form and assignments (shared, not
  // copied) with its own random stream.
  SubmissionBodyGenerator WithSeed(std::uint64_t seed) const;

  // Replaces `*body` with the JSON of a new submission submitted at `now`.
  void Next(Timestamp now, std::string* body);

 private:
  struct Plan;  // what every body draws from, prepared once
  SubmissionBodyGenerator(std::shared_ptr<const Plan> plan, std::uint64_t seed);

  std::shared_ptr<const Plan> plan_;
  std::mt19937_64 rng_;
};

// The XML instance of a submission the generator made (its JSON), as
// ODK Collect would send it for the XForm of ingest/xform.h.
std::string SubmissionJsonToXForm(std::string_view submission_json);

// Fetches the form and the observers with options.token (and signs in once
// if sign-ins are asked for), then runs the load and returns what was
// measured. Fails (with the server's message) only if the set-up fails: the
// server cannot be reached, refuses the token or the password, has no such
// form or no observer assigned to a station. Errors during the run are
// counted in the report, not returned.
[[nodiscard]] Result<IngestBenchReport> RunIngestBench(const IngestBenchOptions& options);

}  // namespace vigil::cli
