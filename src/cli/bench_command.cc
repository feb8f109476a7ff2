// `vigil bench ingest`: a built-in load generator that posts valid voting-form
// submissions to a running server over keep-alive connections and reports
// submissions per second and response latency (the engine is
// cli/bench_ingest.h).
#include <boost/json.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "api/http_client.h"
#include "cli/bench_ingest.h"
#include "cli/cli.h"

namespace vigil::cli {

namespace {

namespace json = boost::json;

struct BenchIngestFlags {
  IngestBenchOptions options;
  double duration_s = 10;
  double warmup_s = 2;
  bool json = false;
};

double Ms(std::int64_t micros) { return static_cast<double>(micros) / 1000.0; }

void PrintJson(const BenchIngestFlags& flags, const IngestBenchReport& r) {
  json::object statuses;
  for (const auto& [status, count] : r.statuses) statuses[std::to_string(status)] = count;
  const json::object out{{"mode", r.echo ? "echo" : "store"},
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
                         {"client_cpu_s", r.client_cpu_s}};
  std::printf("%s\n", json::serialize(out).c_str());
}

void PrintSummary(const BenchIngestFlags& flags, const IngestBenchReport& r) {
  std::printf("vigil bench ingest: %s mode, %d clients, %.1f s measured after %.1f s warm-up\n",
              r.echo ? "echo (validate only, nothing stored)" : "store", r.clients, r.duration_s,
              r.warmup_s);
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
  const double wall = r.warmup_s + r.duration_s;
  std::printf("  client CPU   %.2f s (%.0f%% of one core)\n", r.client_cpu_s,
              wall > 0 ? 100.0 * r.client_cpu_s / wall : 0.0);
  if (!r.first_error.empty()) std::printf("  first error  %s\n", r.first_error.c_str());
}

int RunBenchIngest(BenchIngestFlags& flags) {
  IngestBenchOptions& o = flags.options;
  o.duration = std::chrono::milliseconds(static_cast<std::int64_t>(flags.duration_s * 1000));
  o.warmup = std::chrono::milliseconds(static_cast<std::int64_t>(flags.warmup_s * 1000));
  std::fprintf(stderr,
               "vigil bench ingest: %d clients, %.1f s warm-up + %.1f s measured against %s%s\n",
               o.clients, flags.warmup_s, flags.duration_s, o.url.c_str(), o.echo ? " (echo)" : "");
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
  ingest->add_flag("--json", flags->json, "Print one JSON object instead of the summary");
  ingest->callback([flags, &ctx] { ctx.exit_code = RunBenchIngest(*flags); });
}

}  // namespace vigil::cli
