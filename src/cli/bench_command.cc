// `vigil bench ingest`: a built-in load generator that posts valid voting-form
// submissions to a running server over keep-alive connections and reports
// submissions per second and response latency (the engine is
// cli/bench_ingest.h), optionally while other clients keep signing in.
#include <boost/json.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "api/http_client.h"
#include "cli/bench_ingest.h"
#include "cli/cli.h"
#include "common/file.h"

namespace vigil::cli {

namespace {

namespace json = boost::json;

struct BenchIngestFlags {
  IngestBenchOptions options;
  double duration_s = 10;
  double warmup_s = 2;
  std::string sign_in_password_file;
  std::string odk_password_file;
  bool json = false;
};

double Ms(std::int64_t micros) { return static_cast<double>(micros) / 1000.0; }

void PrintJson(const BenchIngestFlags& flags, const IngestBenchReport& r) {
  json::object statuses;
  for (const auto& [status, count] : r.statuses) statuses[std::to_string(status)] = count;
  const json::object out{{"mode", r.openrosa ? "openrosa"
                                  : r.echo   ? "echo"
                                             : "store"},
                         {"clients", r.clients},
                         {"duration_s", r.duration_s},
                         {"warmup_s", r.warmup_s},
                         {"requests", r.requests},
                         {"ok", r.ok},
                         {"errors", r.errors},
                         {"network_errors", r.network_errors},
                         {"per_second", r.per_second()},
                         {"p50_ms", Ms(r.latency.ValueAtQuantile(0.50))},
                         {"p95_ms", Ms(r.latency.ValueAtQuantile(0.95))},
                         {"p99_ms", Ms(r.latency.ValueAtQuantile(0.99))},
                         {"max_ms", Ms(r.latency.max())},
                         {"statuses", std::move(statuses)},
                         {"form", flags.options.form},
                         {"form_version", r.form_version},
                         {"client_cpu_s", r.client_cpu_s},
                         {"sign_in_clients", r.sign_in_clients},
                         {"sign_ins", r.sign_ins},
                         {"sign_in_errors", r.sign_in_errors},
                         {"sign_ins_per_second", r.sign_ins_per_second()}};
  json::object with_sse = out;
  if (r.sse) {
    with_sse["sse_events"] = r.sse_latency.count();
    with_sse["sse_p50_ms"] = Ms(r.sse_latency.ValueAtQuantile(0.50));
    with_sse["sse_p99_ms"] = Ms(r.sse_latency.ValueAtQuantile(0.99));
    with_sse["sse_max_ms"] = Ms(r.sse_latency.max());
    with_sse["sse_missing"] = r.sse_missing;
    if (!r.sse_error.empty()) with_sse["sse_error"] = r.sse_error;
  }
  std::printf("%s\n", json::serialize(with_sse).c_str());
}

void PrintSummary(const BenchIngestFlags& flags, const IngestBenchReport& r) {
  std::printf("vigil bench ingest: %s mode, %d clients, %.1f s measured after %.1f s warm-up\n",
              r.openrosa ? "OpenRosa (multipart XML, Digest; stored)"
              : r.echo   ? "echo (validate only, nothing stored)"
                         : "store",
              r.clients, r.duration_s, r.warmup_s);
  std::printf("  target       %s\n", r.target.c_str());
  std::printf("  form         %s version %s, %zu observer/station pairs\n",
              flags.options.form.c_str(), r.form_version.c_str(), r.assignments);
  std::printf("  requests     %lld (%lld ok, %lld errors, of which %lld network)\n",
              static_cast<long long>(r.requests), static_cast<long long>(r.ok),
              static_cast<long long>(r.errors), static_cast<long long>(r.network_errors));
  std::printf("  throughput   %.1f %s/s\n", r.per_second(), r.echo ? "validations" : "submissions");
  std::printf("  latency      p50 %.2f ms   p95 %.2f ms   p99 %.2f ms   max %.2f ms\n",
              Ms(r.latency.ValueAtQuantile(0.50)), Ms(r.latency.ValueAtQuantile(0.95)),
              Ms(r.latency.ValueAtQuantile(0.99)), Ms(r.latency.max()));
  std::string statuses;
  for (const auto& [status, count] : r.statuses) {
    statuses +=
        (statuses.empty() ? "" : "   ") + std::to_string(status) + ": " + std::to_string(count);
  }
  std::printf("  statuses     %s\n", statuses.empty() ? "(none)" : statuses.c_str());
  if (r.sign_in_clients > 0) {
    std::printf("  sign-ins     %.1f/s alongside (%lld ok, %lld errors, %d clients)\n",
                r.sign_ins_per_second(), static_cast<long long>(r.sign_ins),
                static_cast<long long>(r.sign_in_errors), r.sign_in_clients);
  }
  const double wall = r.warmup_s + r.duration_s;
  std::printf("  client CPU   %.2f s (%.0f%% of one core)\n", r.client_cpu_s,
              wall > 0 ? 100.0 * r.client_cpu_s / wall : 0.0);
  if (r.sse) {
    std::printf(
        "  event stream %lld submission events: 201 to arrival p50 %.2f ms   p99 %.2f ms   max "
        "%.2f ms; %lld never arrived%s%s\n",
        static_cast<long long>(r.sse_latency.count()), Ms(r.sse_latency.ValueAtQuantile(0.50)),
        Ms(r.sse_latency.ValueAtQuantile(0.99)), Ms(r.sse_latency.max()),
        static_cast<long long>(r.sse_missing), r.sse_error.empty() ? "" : ": ",
        r.sse_error.c_str());
  }
  if (!r.first_error.empty()) std::printf("  first error  %s\n", r.first_error.c_str());
}

int RunBenchIngest(BenchIngestFlags& flags) {
  IngestBenchOptions& o = flags.options;
  o.duration = std::chrono::milliseconds(static_cast<std::int64_t>(flags.duration_s * 1000));
  o.warmup = std::chrono::milliseconds(static_cast<std::int64_t>(flags.warmup_s * 1000));
  if (o.sign_in_clients > 0) {
    if (o.sign_in_name.empty() || flags.sign_in_password_file.empty()) {
      std::fprintf(stderr,
                   "vigil: bench ingest: --sign-in-clients needs --sign-in-user and "
                   "--sign-in-password-file\n");
      return kExitUsage;
    }
    auto content = ReadWholeFile(flags.sign_in_password_file);
    if (!content) return ReportError(content.error());
    o.sign_in_password = content->substr(0, content->find_first_of("\r\n"));
  }
  if (o.openrosa) {
    if (o.odk_user.empty() || flags.odk_password_file.empty() || o.odk_observer.empty()) {
      std::fprintf(stderr,
                   "vigil: bench ingest: --openrosa needs --odk-user, --odk-password-file and "
                   "--odk-observer\n");
      return kExitUsage;
    }
    auto content = ReadWholeFile(flags.odk_password_file);
    if (!content) return ReportError(content.error());
    o.odk_password = content->substr(0, content->find_first_of("\r\n"));
  }
  const std::string signing_in =
      o.sign_in_clients > 0 ? ", " + std::to_string(o.sign_in_clients) + " clients signing in" : "";
  std::fprintf(stderr,
               "vigil bench ingest: %d clients, %.1f s warm-up + %.1f s measured against %s%s%s\n",
               o.clients, flags.warmup_s, flags.duration_s, o.url.c_str(), o.echo ? " (echo)" : "",
               signing_in.c_str());
  auto report = RunIngestBench(o);
  if (!report) {
    std::fprintf(stderr, "vigil: bench ingest: %s\n", report.error().message().c_str());
    return kExitFailure;
  }
  if (flags.json) {
    PrintJson(flags, *report);
  } else {
    PrintSummary(flags, *report);
  }
  return kExitOk;
}

}  // namespace

void RegisterBench(CLI::App& app, Context& ctx) {
  CLI::App* bench = app.add_subcommand("bench", "Measure a running server");
  bench->require_subcommand(1);

  auto flags = std::make_shared<BenchIngestFlags>();
  CLI::App* ingest = bench->add_subcommand(
      "ingest",
      "Post generated, valid submissions over keep-alive connections (one request in flight "
      "each) and report submissions/s and latency percentiles. Every submission is stored "
      "unless --echo.");
  ingest->add_option("--url", flags->options.url, "The server, e.g. http://127.0.0.1:8080")
      ->required()
      ->check([](const std::string& url) {
        std::string host, port;
        const Status s = api::ParseHttpUrl(url, &host, &port);
        return s.ok() ? std::string() : s.message();
      });
  ingest->add_option("--token", flags->options.token, "An admin API token (default: $VIGIL_TOKEN)")
      ->envname("VIGIL_TOKEN")
      ->required();
  ingest->add_option("--clients", flags->options.clients, "Concurrent connections")
      ->check(CLI::Range(1, 4000))
      ->capture_default_str();
  ingest->add_option("--duration", flags->duration_s, "Seconds measured, after the warm-up")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str();
  ingest->add_option("--warmup", flags->warmup_s, "Seconds run before measuring")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  ingest->add_option("--form", flags->options.form, "The form to fill in (its current version)")
      ->capture_default_str();
  ingest->add_flag("--echo", flags->options.echo,
                   "POST /api/v1/submissions/validate instead: parsed and validated, never stored "
                   "(the HTTP ceiling)");
  ingest
      ->add_option("--sign-in-clients", flags->options.sign_in_clients,
                   "Meanwhile, this many clients sign in again and again (POST "
                   "/api/v1/session, one request in flight each); needs --sign-in-user")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  ingest
      ->add_option("--sign-ins-per-second", flags->options.sign_ins_per_second,
                   "At most this many sign-ins per second in all (0: as fast as answered)")
      ->check(CLI::Range(0.0, 100000.0))
      ->capture_default_str();
  ingest->add_option("--sign-in-user", flags->options.sign_in_name,
                     "The user the --sign-in-clients sign in as");
  ingest->add_option("--sign-in-password-file", flags->sign_in_password_file,
                     "The first line of this file is --sign-in-user's password");
  ingest->add_flag("--openrosa", flags->options.openrosa,
                   "POST /openrosa/submission as ODK Collect does (multipart XML, Digest)");
  ingest->add_option("--odk-user", flags->options.odk_user,
                     "With --openrosa: the ODK username (vigil observer login)");
  ingest->add_option("--odk-password-file", flags->odk_password_file,
                     "With --openrosa: the first line of this file is --odk-user's password");
  ingest->add_option("--odk-observer", flags->options.odk_observer,
                     "With --openrosa: the observer whose login --odk-user is");
  ingest->add_flag("--sse", flags->options.sse,
                   "Meanwhile, follow GET /api/v1/events and measure each submission's time from "
                   "its 201 to its event's arrival");
  ingest->add_flag("--json", flags->json, "Print one JSON object instead of the summary");
  ingest->callback([flags, &ctx] { ctx.exit_code = RunBenchIngest(*flags); });
}

}  // namespace vigil::cli
