#include "cli/bench_ingest.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "api/http_client.h"
#include "common/crypto.h"
#include "core/form.h"
#include "service/field_credentials.h"

namespace vigil::cli {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------
// LatencyHistogram

namespace {

constexpr int kSubBucketBits = 10;                         // 1024 values per power of two ...
constexpr std::int64_t kSubBuckets = 1 << kSubBucketBits;  // ... of which the upper half
constexpr std::int64_t kHalfSubBuckets = kSubBuckets / 2;  // is new in each power
constexpr int kMaxShift = 40;                              // up to 2^50 us, far beyond any run
constexpr std::int64_t kMaxValue = (std::int64_t{1} << (kMaxShift + kSubBucketBits)) - 1;
constexpr std::size_t kBucketCount = kSubBuckets + kMaxShift * kHalfSubBuckets;

// Values below kSubBuckets get a bucket each; above, a bucket covers 2^shift
// values, where shift makes (v >> shift) fall in [kSubBuckets/2, kSubBuckets).
std::size_t BucketOf(std::int64_t v) {
  if (v < kSubBuckets) return static_cast<std::size_t>(v);
  const int shift = std::bit_width(static_cast<std::uint64_t>(v)) - kSubBucketBits;
  return static_cast<std::size_t>(kSubBuckets + (shift - 1) * kHalfSubBuckets +
                                  ((v >> shift) - kHalfSubBuckets));
}

// The lowest value of bucket `i` and the number of values it covers.
std::pair<std::int64_t, std::int64_t> BucketRange(std::size_t i) {
  if (i < static_cast<std::size_t>(kSubBuckets)) return {static_cast<std::int64_t>(i), 1};
  const std::int64_t j = static_cast<std::int64_t>(i) - kSubBuckets;
  const int shift = static_cast<int>(j / kHalfSubBuckets) + 1;
  return {((j % kHalfSubBuckets) + kHalfSubBuckets) << shift, std::int64_t{1} << shift};
}

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(kBucketCount, 0) {}

void LatencyHistogram::Record(std::int64_t micros) {
  micros = std::clamp<std::int64_t>(micros, 0, kMaxValue);
  ++counts_[BucketOf(micros)];
  ++count_;
  max_ = std::max(max_, micros);
}

std::int64_t LatencyHistogram::ValueAtQuantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = std::max<std::int64_t>(
      1, static_cast<std::int64_t>(std::ceil(q * static_cast<double>(count_))));
  std::int64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const auto [low, width] = BucketRange(i);
      return std::min(max_, low + (width - 1) / 2);
    }
  }
  return max_;
}

// ---------------------------------------------------------------------------
// SubmissionBodyGenerator

namespace {

std::string Quoted(std::string_view text) { return json::serialize(json::string(text)); }

constexpr const char* kRemarks[] = {
    "Calm, orderly process.",
    "Queue outside at opening, moved quickly.",
    "Ballot box seals checked.",
    "Commission members courteous.",
    "Short delay while the register was found.",
    "Observer of a party present.",
};

// Uniform integer in [lo, hi] (lo <= hi); the slight modulo bias is
// irrelevant for made-up answers.
std::int64_t Between(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
  return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
}

void AppendInt(std::int64_t v, std::string* out) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, end);
}

void AppendTwoDigits(int v, std::string* out) {
  out->push_back(static_cast<char>('0' + v / 10));
  out->push_back(static_cast<char>('0' + v % 10));
}

// A random version 4 UUID (RFC 9562, section 5.4) from 122 random bits.
void AppendUuid(std::mt19937_64& rng, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t hi = rng();
  std::uint64_t lo = rng();
  hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // variant 10
  char buf[36];
  int pos = 0;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) buf[pos++] = '-';
    const std::uint64_t word = i < 16 ? hi : lo;
    buf[pos++] = kHex[(word >> (60 - 4 * (i % 16))) & 0xF];
  }
  out->append(buf, sizeof buf);
}

}  // namespace

struct SubmissionBodyGenerator::Plan {
  struct Question {
    std::string key;  // `"V1":`
    core::QuestionType type = core::QuestionType::kYesNo;
    bool required = false;
    std::vector<std::string> usual;     // quoted values that report no problem
    std::vector<std::string> problems;  // quoted values that report one
    std::string not_applicable;         // `"na"` for yes/no/n.a.
    double low = 0;                     // numeric bounds, inclusive
    double high = 0;
    double usual_high = 0;         // numbers up to this are the common, unproblematic answers
    std::size_t max_chars = 2000;  // text
  };
  std::string form_prefix;  // `"form":"V","form_version":"2026.1",`
  std::vector<Question> questions;
  std::vector<StationAssignment> assignments;  // codes as quoted JSON strings
};

SubmissionBodyGenerator::SubmissionBodyGenerator(std::shared_ptr<const Plan> plan,
                                                 std::uint64_t seed)
    : plan_(std::move(plan)), rng_(seed) {}

SubmissionBodyGenerator SubmissionBodyGenerator::WithSeed(std::uint64_t seed) const {
  return SubmissionBodyGenerator(plan_, seed);
}

SubmissionBodyGenerator::SubmissionBodyGenerator(const core::Form& form,
                                                 const std::vector<StationAssignment>& assignments,
                                                 std::uint64_t seed)
    : rng_(seed) {
  auto plan = std::make_shared<Plan>();
  plan->form_prefix =
      "\"form\":" + Quoted(form.code) + ",\"form_version\":" + Quoted(form.version) + ",";
  for (const StationAssignment& a : assignments) {
    plan->assignments.push_back({Quoted(a.observer), Quoted(a.station)});
  }
  for (const core::Question& q : form.questions) {
    // Notes and calculations take no answer of the observer's; groups and
    // repeats are left unanswered (the default forms have none).
    if (q.type == core::QuestionType::kNote || q.type == core::QuestionType::kCalculate ||
        q.type == core::QuestionType::kGroup || q.type == core::QuestionType::kRepeat) {
      continue;
    }
    Plan::Question question;
    question.key = Quoted(q.code) + ":";
    question.type = q.type;
    question.required = q.required;
    std::vector<std::string> negative = q.negative_values;
    if (q.type == core::QuestionType::kAssessment && negative.empty()) {
      negative = {"bad", "very_bad"};
    }
    for (const std::string& value : core::Form::AllowedValues(q)) {
      if (q.type == core::QuestionType::kYesNoNa && value == "na") {
        question.not_applicable = Quoted(value);
      } else if (std::find(negative.begin(), negative.end(), value) != negative.end()) {
        question.problems.push_back(Quoted(value));
      } else {
        question.usual.push_back(Quoted(value));
      }
    }
    if (question.usual.empty()) std::swap(question.usual, question.problems);
    if (q.type == core::QuestionType::kInteger) {
      question.low = q.min ? std::ceil(*q.min) : (q.max ? std::min(0.0, std::floor(*q.max)) : 0.0);
      question.high = q.max ? std::floor(*q.max) : question.low + 1000;
    } else {
      question.low = q.min ? *q.min : (q.max ? std::min(0.0, *q.max) : 0.0);
      question.high = q.max ? *q.max : question.low + 1000;
    }
    // Bounds far beyond what any question means keep the integer casts defined.
    constexpr double kLimit = 1e15;
    question.low = std::clamp(question.low, -kLimit, kLimit);
    question.high = std::clamp(std::max(question.high, question.low), -kLimit, kLimit);
    question.usual_high =
        q.negative_above ? std::clamp(std::floor(*q.negative_above), question.low, question.high)
                         : std::min(question.high, question.low + 10);
    if (q.type == core::QuestionType::kText && q.max) {
      question.max_chars = static_cast<std::size_t>(std::max(0.0, *q.max));
    }
    plan->questions.push_back(std::move(question));
  }
  plan_ = std::move(plan);
}

void SubmissionBodyGenerator::Next(Timestamp now, std::string* body) {
  using core::QuestionType;
  std::mt19937_64& rng = rng_;
  const auto percent = [&rng] { return static_cast<int>(rng() % 100); };
  const auto pick = [&rng](const std::vector<std::string>& values) -> const std::string& {
    return values[rng() % values.size()];
  };
  const Plan& plan = *plan_;
  const StationAssignment& where = plan.assignments[rng() % plan.assignments.size()];
  const Timestamp started = now - std::chrono::seconds(Between(rng, 120, 1200));

  body->clear();
  body->append("{\"instance_id\":\"uuid:");
  AppendUuid(rng, body);
  body->append("\",").append(plan.form_prefix);
  body->append("\"station\":").append(where.station);
  body->append(",\"observer\":").append(where.observer);
  body->append(",\"started_at\":\"").append(FormatRfc3339(started));
  body->append("\",\"submitted_at\":\"").append(FormatRfc3339(now));
  body->append("\",\"answers\":{");
  bool first = true;
  for (const Plan::Question& q : plan.questions) {
    if (q.type == QuestionType::kText && !q.required && percent() >= 25)
      continue;  // usually left blank
    if (!first) body->push_back(',');
    first = false;
    body->append(q.key);
    switch (q.type) {
      case QuestionType::kYesNo:
      case QuestionType::kYesNoNa:
      case QuestionType::kAssessment:
      case QuestionType::kSelectOne: {
        const int p = percent();
        if (!q.not_applicable.empty() && p < 5) {
          body->append(q.not_applicable);
        } else if (p < 92 || q.problems.empty()) {
          body->append(pick(q.usual));
        } else {
          body->append(pick(q.problems));
        }
        break;
      }
      case QuestionType::kSelectMultiple: {
        const std::vector<std::string>& pool =
            percent() < 90 || q.problems.empty() ? q.usual : q.problems;
        body->push_back('[');
        if (!pool.empty()) {
          const std::size_t a = rng() % pool.size();
          body->append(pool[a]);
          if (pool.size() > 1 && percent() < 30) {
            body->push_back(',');
            body->append(pool[(a + 1 + rng() % (pool.size() - 1)) % pool.size()]);
          }
        }
        body->push_back(']');
        break;
      }
      case QuestionType::kInteger: {
        const auto low = static_cast<std::int64_t>(q.low);
        const auto high = percent() < 85 ? static_cast<std::int64_t>(q.usual_high)
                                         : std::min(static_cast<std::int64_t>(q.high), low + 100);
        AppendInt(Between(rng, low, high), body);
        break;
      }
      case QuestionType::kDecimal: {
        const double unit = static_cast<double>(rng() >> 11) * 0x1.0p-53;  // [0, 1)
        double x = std::round((q.low + unit * (q.usual_high - q.low)) * 10) / 10;
        x = std::clamp(x, q.low, q.high);
        char buf[32];
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
        body->append(buf, end);
        break;
      }
      case QuestionType::kTime:
        body->push_back('"');
        AppendTwoDigits(static_cast<int>(Between(rng, 7, 19)), body);
        body->push_back(':');
        AppendTwoDigits(static_cast<int>(Between(rng, 0, 59)), body);
        body->push_back('"');
        break;
      case QuestionType::kText: {
        const std::string_view remark = kRemarks[rng() % std::size(kRemarks)];
        body->push_back('"');
        body->append(remark.substr(0, q.max_chars));  // ASCII: bytes are characters
        body->push_back('"');
        break;
      }
      case QuestionType::kImage:
        body->append("\"protocol.jpg\"");
        break;
      case QuestionType::kDate:
        body->append("\"2026-06-07\"");
        break;
      case QuestionType::kDateTime:
        body->append("\"").append(FormatRfc3339(now)).push_back('"');
        break;
      case QuestionType::kGeopoint:
        body->append("\"41.3275 19.8187 110 5\"");
        break;
      case QuestionType::kNote:
      case QuestionType::kCalculate:
      case QuestionType::kGroup:
      case QuestionType::kRepeat:
        break;  // not in the plan
    }
  }
  body->append("}}");
}

// ---------------------------------------------------------------------------
// OpenRosa mode: the same submissions as XForm instances.

namespace {

void AppendXmlText(std::string_view text, std::string* out) {
  for (char c : text) {
    switch (c) {
      case '&':
        out->append("&amp;");
        break;
      case '<':
        out->append("&lt;");
        break;
      case '>':
        out->append("&gt;");
        break;
      default:
        out->push_back(c);
    }
  }
}

void AppendElement(std::string_view name, const json::value& v, std::string* out) {
  out->push_back('<');
  out->append(name);
  out->push_back('>');
  if (v.is_string()) {
    AppendXmlText(v.get_string(), out);
  } else if (v.is_array()) {
    bool first = true;
    for (const json::value& item : v.get_array()) {
      if (!first) out->push_back(' ');
      first = false;
      if (item.is_string()) AppendXmlText(item.get_string(), out);
    }
  } else {
    out->append(json::serialize(v));
  }
  out->append("</");
  out->append(name);
  out->push_back('>');
}

constexpr char kMultipartBoundary[] = "vigil-bench-7f3a9c2e51d4";

}  // namespace

std::string SubmissionJsonToXForm(std::string_view submission_json) {
  const json::object o = json::parse(submission_json).as_object();
  std::string xml = "<?xml version='1.0' ?><data id=\"";
  AppendXmlText(o.at("form").as_string(), &xml);
  xml += "\" version=\"";
  AppendXmlText(o.at("form_version").as_string(), &xml);
  xml += "\">";
  AppendElement("station", o.at("station"), &xml);
  for (const auto& [code, answer] : o.at("answers").as_object()) AppendElement(code, answer, &xml);
  AppendElement("started_at", o.at("started_at"), &xml);
  AppendElement("submitted_at", o.at("submitted_at"), &xml);
  xml += "<meta>";
  AppendElement("instanceID", o.at("instance_id"), &xml);
  xml += "</meta></data>";
  return xml;
}

// ---------------------------------------------------------------------------
// Set-up: the form and the observers, fetched with the blocking client.

namespace {

struct BenchSetup {
  core::Form form;
  std::vector<StationAssignment> assignments;
};

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}

// A failed set-up request, with the server's own explanation when it gave one.
Status RefusedBy(const std::string& what, const api::ClientResponse& res) {
  std::string message;
  boost::system::error_code ec;
  const json::value body = json::parse(res.body, ec);
  if (!ec && body.is_object()) {
    if (const json::value* m = body.get_object().if_contains("message");
        m != nullptr && m->is_string()) {
      message = std::string(m->get_string());
    }
  }
  if (message.empty()) message = res.body.substr(0, 200);
  return Status::Unavailable(what + " answered HTTP " + std::to_string(res.status) +
                             (message.empty() ? "" : ": " + message));
}

Result<json::value> GetJson(api::HttpClient& client, const std::string& target) {
  auto res = client.Get(target);
  if (!res) return Fail(res.error());
  if (res->status != 200) return Fail(RefusedBy("GET " + target, *res));
  boost::system::error_code ec;
  json::value value = json::parse(res->body, ec);
  if (ec) return Fail(Status::Internal("GET " + target + " sent invalid JSON: " + ec.message()));
  return value;
}

Result<BenchSetup> FetchSetup(const IngestBenchOptions& options) {
  auto client = api::HttpClient::Connect(options.url);
  if (!client) return Fail(client.error());
  (*client)->set_bearer_token(options.token);
  (*client)->set_timeout(std::chrono::seconds(30));

  BenchSetup setup;
  const std::string form_target = "/api/v1/forms/" + PercentEncode(options.form);
  auto form_json = GetJson(**client, form_target);
  if (!form_json) return Fail(form_json.error());
  auto form = core::FormFromJson(*form_json);
  if (!form) {
    return Fail(Status::Internal(
        "GET " + form_target +
        " sent a form this version of vigil cannot read: " + form.error().message()));
  }
  setup.form = std::move(*form);

  auto observers = GetJson(**client, "/api/v1/observers");
  if (!observers) return Fail(observers.error());
  const json::value* list =
      observers->is_object() ? observers->get_object().if_contains("observers") : nullptr;
  if (list == nullptr || !list->is_array()) {
    return Fail(Status::Internal("GET /api/v1/observers: expected {\"observers\": [...]}"));
  }
  for (const json::value& o : list->get_array()) {
    const json::object* observer = o.if_object();
    if (observer == nullptr) continue;
    const json::value* code = observer->if_contains("code");
    const json::value* stations = observer->if_contains("stations");
    if (code == nullptr || !code->is_string() || stations == nullptr || !stations->is_array()) {
      continue;
    }
    for (const json::value& s : stations->get_array()) {
      if (s.is_string()) {
        setup.assignments.push_back({std::string(code->get_string()), std::string(s.get_string())});
      }
    }
  }
  if (setup.assignments.empty()) {
    return Fail(
        Status::NotFound("the mission has no observer assigned to a polling station; import "
                         "observers with stations first"));
  }
  return setup;
}

// What a Digest challenge gave, and the login's HA1: enough for every
// connection to compute its Authorization headers.
struct DigestSession {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string opaque;
  std::string ha1;
};

std::string ChallengeParam(std::string_view header, std::string_view name) {
  const std::string key = std::string(name) + "=\"";
  const std::size_t at = header.find(key);
  if (at == std::string_view::npos) return {};
  const std::size_t start = at + key.size();
  return std::string(header.substr(start, header.find('"', start) - start));
}

// Asks once without credentials, as ODK Collect does, to get the nonce.
Result<DigestSession> FetchDigestChallenge(const IngestBenchOptions& options) {
  auto client = api::HttpClient::Connect(options.url);
  if (!client) return Fail(client.error());
  auto res = (*client)->Send(http::verb::head, "/openrosa/submission");
  if (!res) return Fail(res.error());
  const std::string header = res->headers["www-authenticate"];
  if (res->status != 401 || header.rfind("Digest ", 0) != 0) {
    return Fail(Status::Unavailable("HEAD /openrosa/submission answered HTTP " +
                                    std::to_string(res->status) + " without a Digest challenge"));
  }
  DigestSession d;
  d.username = options.odk_user;
  d.realm = ChallengeParam(header, "realm");
  d.nonce = ChallengeParam(header, "nonce");
  d.opaque = ChallengeParam(header, "opaque");
  d.ha1 = service::DigestHa1(options.odk_user, d.realm, options.odk_password);
  return d;
}

// ---------------------------------------------------------------------------
// Sign-ins alongside: blocking clients on threads of their own, because each
// answer waits for an Argon2id check on the server and the generator's CPU
// does not matter here.

constexpr char kSessionTarget[] = "/api/v1/session";
constexpr int kSignedIn = 201;

std::string SignInBody(const IngestBenchOptions& options) {
  return json::serialize(
      json::object{{"name", options.sign_in_name}, {"password", options.sign_in_password}});
}

// One sign-in before the run, so that a wrong name or password fails the
// set-up instead of turning every sign-in of the run into an error.
Status CheckSignIn(const IngestBenchOptions& options) {
  auto client = api::HttpClient::Connect(options.url);
  if (!client) return client.error();
  (*client)->set_timeout(options.request_timeout);
  auto res = (*client)->PostJson(kSessionTarget, SignInBody(options));
  if (!res) return res.error();
  if (res->status != kSignedIn) {
    return RefusedBy("POST " + std::string(kSessionTarget) + " as " + options.sign_in_name, *res);
  }
  return Status::Ok();
}

class SignInLoad {
 public:
  explicit SignInLoad(const IngestBenchOptions& options)
      : options_(options), body_(SignInBody(options)) {}
  ~SignInLoad() { Stop(); }

  void Start() {
    for (int i = 0; i < options_.sign_in_clients; ++i) threads_.emplace_back([this] { Run(); });
  }
  void SetMeasuring(bool measuring) { measuring_.store(measuring); }
  // Waits for the sign-ins in flight, then adds what was measured to `report`.
  void Stop(IngestBenchReport* report = nullptr) {
    stop_.store(true);
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    if (report == nullptr) return;
    report->sign_in_clients = options_.sign_in_clients;
    report->sign_ins = ok_.load();
    report->sign_in_errors = errors_.load();
    if (report->first_error.empty() && !first_error_.empty()) {
      report->first_error = "sign-in: " + first_error_;
    }
  }

 private:
  void Run() {
    using Seconds = std::chrono::duration<double>;
    const bool paced = options_.sign_ins_per_second > 0;
    const auto interval = paced ? std::chrono::duration_cast<Clock::duration>(Seconds(
                                      options_.sign_in_clients / options_.sign_ins_per_second))
                                : Clock::duration::zero();
    // Spread the clients' turns over one interval, so they do not sign in together.
    Clock::time_point next =
        Clock::now() + interval * (next_client_.fetch_add(1) % options_.sign_in_clients) /
                           options_.sign_in_clients;
    std::unique_ptr<api::HttpClient> client;
    while (!stop_.load()) {
      if (paced) {
        // Short naps, so that Stop() is not kept waiting for a slow rate.
        if (Clock::now() < next) {
          std::this_thread::sleep_until(std::min(next, Clock::now() + kNap));
          continue;
        }
        // A late turn is not made up for: the rate is an upper bound.
        next = std::max(next + interval, Clock::now());
      }
      if (client == nullptr) {
        auto connected = api::HttpClient::Connect(options_.url);
        if (!connected) {
          Count(false, connected.error().message());
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          continue;
        }
        client = std::move(*connected);
        client->set_timeout(options_.request_timeout);
      }
      auto res = client->PostJson(kSessionTarget, body_);
      if (!res) {
        Count(false, res.error().message());
        client.reset();  // reconnect, after a pause, as the submissions do
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      } else if (res->status != kSignedIn) {
        Count(false, "HTTP " + std::to_string(res->status) + ": " + res->body.substr(0, 300));
      } else {
        Count(true, {});
      }
    }
  }

  void Count(bool ok, const std::string& error) {
    if (!ok) {
      std::lock_guard lock(mu_);
      if (first_error_.empty()) first_error_ = error;
    }
    if (!measuring_.load()) return;
    ++(ok ? ok_ : errors_);
  }

  const IngestBenchOptions& options_;
  const std::string body_;
  static constexpr std::chrono::milliseconds kNap{50};
  std::atomic<int> next_client_{0};
  std::atomic<bool> measuring_{false};
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> ok_{0};
  std::atomic<std::int64_t> errors_{0};
  std::mutex mu_;
  std::string first_error_;  // guarded by mu_
  std::vector<std::thread> threads_;
};

// ---------------------------------------------------------------------------
// The event stream probe: one blocking connection on a thread of its own
// reading GET /api/v1/events?types=submission, matched with the 201s by
// instance id.

class SseProbe {
 public:
  explicit SseProbe(const IngestBenchOptions& options) : options_(options) {}
  ~SseProbe() { Stop(nullptr); }

  // Connects and waits for the stream's first bytes, so that every later
  // submission's event is seen.
  Status Start(const std::string& host, const std::string& port) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) {
      return Status::Unavailable("event stream: cannot resolve " + host);
    }
    fd_ = ::socket(found->ai_family, SOCK_STREAM, 0);
    const int rc = ::connect(fd_, found->ai_addr, found->ai_addrlen);
    freeaddrinfo(found);
    if (rc != 0) return Status::Unavailable("event stream: cannot connect");
    const std::string request = "GET /api/v1/events?types=submission HTTP/1.1\r\nHost: " + host +
                                "\r\nAuthorization: Bearer " + options_.token + "\r\n\r\n";
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
      return Status::Unavailable("event stream: cannot send the request");
    }
    // The header, then the first chunk (the retry preamble); they may come
    // in one segment or in two.
    while (!ReadChunks()) {
      if (!Receive(5000)) return Status::Unavailable("event stream: no answer");
    }
    if (raw_header_.rfind("HTTP/1.1 200", 0) != 0) {
      return Status::Unavailable("event stream: " + raw_header_.substr(0, raw_header_.find('\r')));
    }
    thread_ = std::thread([this] { Run(); });
    return Status::Ok();
  }

  // On the load's thread, for every 201.
  void OnCreated(std::string_view instance_id, bool measuring, Clock::time_point at) {
    std::lock_guard lock(mu_);
    auto it = arrived_.find(std::string(instance_id));
    if (it != arrived_.end()) {
      if (measuring) latency_.Record(0);
      arrived_.erase(it);
      return;
    }
    if (measuring) created_.emplace(std::string(instance_id), at);
  }

  // Waits up to `grace` for the events still missing, then stops and
  // reports.
  void Stop(IngestBenchReport* report, std::chrono::milliseconds grace = {}) {
    if (fd_ < 0) return;
    const auto deadline = Clock::now() + grace;
    while (Clock::now() < deadline) {
      {
        std::lock_guard lock(mu_);
        if (created_.empty() || failed_) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
    fd_ = -1;
    if (report == nullptr) return;
    std::lock_guard lock(mu_);
    report->sse = true;
    report->sse_latency = latency_;
    report->sse_missing = static_cast<std::int64_t>(created_.size());
    report->sse_error = error_;
  }

 private:
  void Run() {
    while (!stop_) {
      if (!Receive(200)) {
        if (closed_) {
          std::lock_guard lock(mu_);
          failed_ = true;
          error_ = "the server closed the event stream";
          return;
        }
        continue;
      }
      ReadChunks();
      const Clock::time_point now = Clock::now();
      // Whole events: "...data: {...}\n\n".
      std::size_t end;
      while ((end = body_.find("\n\n")) != std::string::npos) {
        const std::string_view block(body_.data(), end);
        constexpr std::string_view kKey = "\"instance_id\":\"";
        if (const std::size_t at = block.find(kKey); at != std::string_view::npos) {
          const std::size_t from = at + kKey.size();
          const std::string id(block.substr(from, block.find('"', from) - from));
          std::lock_guard lock(mu_);
          if (auto it = created_.find(id); it != created_.end()) {
            latency_.Record(
                std::chrono::duration_cast<std::chrono::microseconds>(now - it->second).count());
            created_.erase(it);
          } else {
            arrived_.emplace(id, now);
          }
        }
        body_.erase(0, end + 2);
      }
    }
  }

  bool Receive(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    raw_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  // Moves whole chunks from raw_ to body_; true if any was moved.
  bool ReadChunks() {
    if (raw_header_.empty()) {
      const std::size_t end = raw_.find("\r\n\r\n");
      if (end == std::string::npos) return false;
      raw_header_ = raw_.substr(0, end);
      raw_.erase(0, end + 4);
    }
    bool moved = false;
    std::size_t at = 0;
    for (;;) {
      const std::size_t line_end = raw_.find("\r\n", at);
      if (line_end == std::string::npos) break;
      std::size_t size = 0;
      std::from_chars(raw_.data() + at, raw_.data() + line_end, size, 16);
      if (raw_.size() < line_end + 2 + size + 2) break;
      body_.append(raw_, line_end + 2, size);
      at = line_end + 2 + size + 2;
      moved = true;
    }
    raw_.erase(0, at);
    return moved;
  }

  const IngestBenchOptions& options_;
  int fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  bool closed_ = false;  // the probe's thread only, after Start
  std::string raw_header_;
  std::string raw_;
  std::string body_;
  std::mutex mu_;
  std::unordered_map<std::string, Clock::time_point> created_;  // 201 seen, event not yet
  std::unordered_map<std::string, Clock::time_point> arrived_;  // event seen, 201 not yet
  LatencyHistogram latency_;
  bool failed_ = false;
  std::string error_;
};

// ---------------------------------------------------------------------------
// The load: one io_context, one thread, `clients` connections.

class IngestLoad;

// One keep-alive connection with at most one request in flight. Between
// Start() and its last handler it always has exactly one asynchronous
// operation pending (connect, write, read or the reconnect pause), so
// cancelling that operation is enough to bring it to a close.
class BenchConnection {
 public:
  BenchConnection(IngestLoad& load, SubmissionBodyGenerator generator);
  void Start() { Connect(); }
  // Closes once the request in flight (if any) is answered.
  void Stop();
  // Closes now, abandoning the request in flight.
  void Abort();

 private:
  enum class State { kConnecting, kBusy, kPausing, kClosed };

  void Connect();
  void SendNext();
  void OnRead(beast::error_code ec);
  void OnNetworkError(const char* what, beast::error_code ec);
  void Close();

  IngestLoad& load_;
  SubmissionBodyGenerator generator_;
  beast::tcp_stream stream_;
  net::steady_timer pause_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  Clock::time_point sent_at_;
  State state_ = State::kClosed;
  // OpenRosa mode: the submission's JSON before it becomes XML, and this
  // connection's Digest nonce count and client nonce.
  std::string json_;
  std::uint32_t nc_ = 0;
  std::string cnonce_;
};

class IngestLoad {
 public:
  IngestLoad(const IngestBenchOptions& options, tcp::resolver::results_type endpoints,
             std::string host_header, std::string target, int expected_status, SignInLoad* sign_ins,
             const DigestSession* digest, SseProbe* sse)
      : options_(options),
        sse_(sse),
        digest_(digest),
        endpoints_(std::move(endpoints)),
        host_header_(std::move(host_header)),
        target_(std::move(target)),
        expected_status_(expected_status),
        sign_ins_(sign_ins),
        phase_timer_(ioc_),
        drain_timer_(ioc_) {}

  net::io_context& ioc() { return ioc_; }
  const IngestBenchOptions& options() const { return options_; }
  const tcp::resolver::results_type& endpoints() const { return endpoints_; }
  const std::string& host_header() const { return host_header_; }
  const std::string& target() const { return target_; }
  bool stopping() const { return stopping_; }
  const DigestSession* digest() const { return digest_; }  // null unless OpenRosa mode

  // Runs warm-up, measurement and drain; returns when every connection is closed.
  void Run(std::vector<SubmissionBodyGenerator> generators, IngestBenchReport* report) {
    report_ = report;
    for (SubmissionBodyGenerator& g : generators) {
      connections_.push_back(std::make_unique<BenchConnection>(*this, std::move(g)));
    }
    open_ = static_cast<int>(connections_.size());
    if (options_.warmup.count() <= 0) {
      BeginMeasuring();
    } else {
      phase_timer_.expires_after(options_.warmup);
      phase_timer_.async_wait([this](beast::error_code ec) {
        if (!ec) BeginMeasuring();
      });
    }
    for (auto& c : connections_) c->Start();
    ioc_.run();
    connections_.clear();
  }

  void OnResponse(const http::response<http::string_body>& res, Clock::duration latency) {
    const int status = static_cast<int>(res.result_int());
    if (sse_ != nullptr && status == 201) {
      // Location: /api/v1/submissions/{instance_id}
      const std::string_view location = res[http::field::location];
      sse_->OnCreated(location.substr(location.rfind('/') + 1), measuring_, Clock::now());
    }
    if (status != expected_status_ && report_->first_error.empty()) {
      report_->first_error = "HTTP " + std::to_string(status) + ": " + res.body().substr(0, 300);
    }
    if (!measuring_) return;
    ++report_->requests;
    ++report_->statuses[status];
    report_->latency.Record(std::chrono::duration_cast<std::chrono::microseconds>(latency).count());
    if (status == expected_status_) {
      ++report_->ok;
    } else {
      ++report_->errors;
    }
  }

  void OnNetworkError(const char* what, beast::error_code ec) {
    if (stopping_) return;  // our own cancellation at the end
    if (report_->first_error.empty()) {
      report_->first_error = std::string(what) + ": " + ec.message();
    }
    if (!measuring_) return;
    ++report_->requests;
    ++report_->errors;
    ++report_->network_errors;
  }

  void OnConnectionClosed() {
    if (--open_ == 0) {
      // Nothing left to wait for: let ioc_.run() return.
      phase_timer_.cancel();
      drain_timer_.cancel();
    }
  }

 private:
  void BeginMeasuring() {
    measuring_ = true;
    if (sign_ins_ != nullptr) sign_ins_->SetMeasuring(true);
    window_start_ = Clock::now();
    phase_timer_.expires_after(options_.duration);
    phase_timer_.async_wait([this](beast::error_code ec) {
      if (!ec) EndMeasuring();
    });
  }

  void EndMeasuring() {
    measuring_ = false;
    if (sign_ins_ != nullptr) sign_ins_->SetMeasuring(false);
    stopping_ = true;
    report_->duration_s = std::chrono::duration<double>(Clock::now() - window_start_).count();
    for (auto& c : connections_) c->Stop();
    drain_timer_.expires_after(options_.drain_timeout);
    drain_timer_.async_wait([this](beast::error_code ec) {
      if (ec) return;
      for (auto& c : connections_) c->Abort();
    });
  }

  const IngestBenchOptions& options_;
  SseProbe* sse_;  // may be null
  const DigestSession* digest_;
  net::io_context ioc_{1};
  tcp::resolver::results_type endpoints_;
  std::string host_header_;
  std::string target_;
  int expected_status_;
  SignInLoad* sign_ins_;           // measured in the same window; may be null
  net::steady_timer phase_timer_;  // end of warm-up, then end of measurement
  net::steady_timer drain_timer_;
  std::vector<std::unique_ptr<BenchConnection>> connections_;
  IngestBenchReport* report_ = nullptr;
  Clock::time_point window_start_;
  bool measuring_ = false;
  bool stopping_ = false;
  int open_ = 0;
};

BenchConnection::BenchConnection(IngestLoad& load, SubmissionBodyGenerator generator)
    : load_(load), generator_(std::move(generator)), stream_(load.ioc()), pause_(load.ioc()) {
  request_.method(http::verb::post);
  request_.target(load.target());
  request_.version(11);
  request_.set(http::field::host, load.host_header());
  request_.set(http::field::user_agent, "vigil-bench");
  if (load.digest() != nullptr) {
    request_.set(http::field::content_type,
                 std::string("multipart/form-data; boundary=") + kMultipartBoundary);
    cnonce_ = RandomToken(8);
  } else {
    request_.set(http::field::authorization, "Bearer " + load.options().token);
    request_.set(http::field::content_type, "application/json");
  }
  request_.keep_alive(true);
}

void BenchConnection::Stop() {
  switch (state_) {
    case State::kConnecting:
      stream_.cancel();
      break;
    case State::kPausing:
      pause_.cancel();
      break;
    case State::kBusy:  // SendNext() sees stopping() when the response is in
    case State::kClosed:
      break;
  }
}

void BenchConnection::Abort() {
  if (state_ == State::kClosed) return;
  stream_.cancel();
  pause_.cancel();
}

void BenchConnection::Connect() {
  state_ = State::kConnecting;
  buffer_.clear();
  stream_.expires_after(load_.options().request_timeout);
  stream_.async_connect(load_.endpoints(), [this](beast::error_code ec, const tcp::endpoint&) {
    if (ec) return OnNetworkError("connect", ec);
    if (load_.stopping()) return Close();
    beast::error_code ignored;
    stream_.socket().set_option(tcp::no_delay(true), ignored);
    SendNext();
  });
}

void BenchConnection::SendNext() {
  if (load_.stopping()) return Close();
  state_ = State::kBusy;
  if (const DigestSession* d = load_.digest()) {
    generator_.Next(Now(), &json_);
    std::string& body = request_.body();
    body.assign("--").append(kMultipartBoundary);
    body.append(
        "\r\nContent-Disposition: form-data; name=\"xml_submission_file\"; "
        "filename=\"submission.xml\"\r\nContent-Type: text/xml\r\n\r\n");
    body.append(SubmissionJsonToXForm(json_));
    body.append("\r\n--").append(kMultipartBoundary).append("--\r\n");
    char nc[9];
    std::snprintf(nc, sizeof nc, "%08x", ++nc_);
    const std::string& uri = load_.target();
    const std::string response = Md5Hex(d->ha1 + ":" + d->nonce + ":" + nc + ":" + cnonce_ +
                                        ":auth:" + Md5Hex("POST:" + uri));
    request_.set(http::field::authorization,
                 "Digest username=\"" + d->username + "\", realm=\"" + d->realm + "\", nonce=\"" +
                     d->nonce + "\", uri=\"" + uri + "\", response=\"" + response +
                     "\", qop=auth, nc=" + nc + ", cnonce=\"" + cnonce_ + "\", opaque=\"" +
                     d->opaque + "\", algorithm=MD5");
  } else {
    generator_.Next(Now(), &request_.body());
  }
  request_.prepare_payload();
  response_ = {};
  sent_at_ = Clock::now();
  stream_.expires_after(load_.options().request_timeout);
  http::async_write(stream_, request_, [this](beast::error_code ec, std::size_t) {
    if (ec) return OnNetworkError("write", ec);
    http::async_read(stream_, buffer_, response_,
                     [this](beast::error_code read_ec, std::size_t) { OnRead(read_ec); });
  });
}

void BenchConnection::OnRead(beast::error_code ec) {
  if (ec) return OnNetworkError("read", ec);
  load_.OnResponse(response_, Clock::now() - sent_at_);
  if (response_.keep_alive()) return SendNext();
  // The server wants this connection closed: open a new one.
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
  if (load_.stopping()) return Close();
  Connect();
}

void BenchConnection::OnNetworkError(const char* what, beast::error_code ec) {
  load_.OnNetworkError(what, ec);
  stream_.close();
  if (load_.stopping()) return Close();
  // Pause before reconnecting, so a server that is down is not hammered.
  state_ = State::kPausing;
  pause_.expires_after(std::chrono::milliseconds(100));
  pause_.async_wait([this](beast::error_code wait_ec) {
    if (wait_ec || load_.stopping()) return Close();
    Connect();
  });
}

void BenchConnection::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.close();
  load_.OnConnectionClosed();
}

}  // namespace

Result<IngestBenchReport> RunIngestBench(const IngestBenchOptions& options) {
  std::string host, port;
  VIGIL_RETURN_IF_ERROR(api::ParseHttpUrl(options.url, &host, &port));
  if (options.clients < 1) return Fail(Status::InvalidArgument("--clients must be at least 1"));
  if (options.sign_in_clients < 0 || options.sign_ins_per_second < 0) {
    return Fail(Status::InvalidArgument(
        "--sign-in-clients and --sign-ins-per-second must not be negative"));
  }
  auto setup = FetchSetup(options);
  if (!setup) return Fail(setup.error());
  std::optional<DigestSession> digest;
  if (options.openrosa) {
    if (options.echo) {
      return Fail(Status::InvalidArgument("--openrosa stores submissions; it has no --echo mode"));
    }
    if (options.odk_user.empty() || options.odk_observer.empty()) {
      return Fail(Status::InvalidArgument(
          "--openrosa needs --odk-user, --odk-password-file and --odk-observer"));
    }
    // An ODK login submits as its own observer, at its own stations.
    std::erase_if(setup->assignments,
                  [&](const StationAssignment& a) { return a.observer != options.odk_observer; });
    if (setup->assignments.empty()) {
      return Fail(Status::NotFound("observer " + options.odk_observer +
                                   " is assigned to no polling station"));
    }
    auto challenge = FetchDigestChallenge(options);
    if (!challenge) return Fail(challenge.error());
    digest = std::move(*challenge);
  }
  if (options.sign_in_clients > 0) VIGIL_RETURN_IF_ERROR(CheckSignIn(options));

  IngestBenchReport report;
  report.echo = options.echo;
  report.openrosa = options.openrosa;
  report.clients = options.clients;
  report.form_version = setup->form.version;
  report.assignments = setup->assignments.size();
  report.warmup_s = std::chrono::duration<double>(options.warmup).count();
  const std::string target = options.openrosa ? "/openrosa/submission"
                             : options.echo   ? "/api/v1/submissions/validate"
                                              : "/api/v1/submissions";
  report.target = "POST " + options.url + target;

  tcp::resolver::results_type endpoints;
  {
    net::io_context resolver_ioc;
    tcp::resolver resolver(resolver_ioc);
    beast::error_code ec;
    endpoints = resolver.resolve(host, port, ec);
    if (ec) return Fail(Status::Unavailable("cannot resolve " + host + ": " + ec.message()));
  }
  const bool ipv6_literal = host.find(':') != std::string::npos;
  const std::string host_header = (ipv6_literal ? "[" + host + "]" : host) + ":" + port;

  // One generator per connection, each with its own random stream, so that
  // instance ids stay unique without any coordination.
  std::random_device entropy;
  const std::uint64_t base_seed = (std::uint64_t{entropy()} << 32) ^ entropy();
  const SubmissionBodyGenerator prototype(setup->form, setup->assignments, base_seed);
  std::vector<SubmissionBodyGenerator> generators;
  generators.reserve(static_cast<std::size_t>(options.clients));
  for (int i = 1; i <= options.clients; ++i) {
    generators.push_back(
        prototype.WithSeed(base_seed + 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(i)));
  }

  std::optional<SseProbe> sse;
  if (options.sse) {
    if (options.echo)
      return Fail(Status::InvalidArgument("--sse needs stored submissions, not --echo"));
    sse.emplace(options);
    VIGIL_RETURN_IF_ERROR(sse->Start(host, port));
  }
  const std::clock_t cpu_before = std::clock();
  SignInLoad sign_ins(options);
  IngestLoad load(options, std::move(endpoints), host_header, target, options.echo ? 200 : 201,
                  &sign_ins, digest ? &*digest : nullptr, sse ? &*sse : nullptr);
  sign_ins.Start();
  load.Run(std::move(generators), &report);
  sign_ins.Stop(&report);
  if (sse) sse->Stop(&report, std::chrono::milliseconds(2000));
  report.client_cpu_s = static_cast<double>(std::clock() - cpu_before) / CLOCKS_PER_SEC;
  return report;
}

}  // namespace vigil::cli
