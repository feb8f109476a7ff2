// `vigil bench ingest`: a built-in load generator that posts valid voting-form
// submissions to a running server over keep-alive connections and reports
// submissions per second and response latency (the engine is
// cli/bench_ingest.h).
#include <cstdio>
#include <memory>
#include <string>

#include "api/http_client.h"
#include "cli/bench_ingest.h"
#include "cli/cli.h"

namespace vigil::cli {

namespace {

struct BenchIngestFlags {
  IngestBenchOptions options;
  double duration_s = 10;
  double warmup_s = 2;
  bool json = false;
};

double Ms(std::int64_t micros) { return static_cast<double>(micros) / 1000.0; }

// Escapes for a JSON string literal (the only free text is the form code).
std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x",
                    static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

void PrintJson(const BenchIngestFlags& flags, const IngestBenchReport& r) {
  std::string statuses;
  for (const auto& [status, count] : r.statuses) {
    statuses +=
        (statuses.empty() ? "\"" : ",\"") + std::to_string(status) + "\":" + std::to_string(count);
  }
  std::printf(
      "{\"mode\":\"%s\",\"clients\":%d,\"duration_s\":%.3f,\"warmup_s\":%.3f,"
      "\"requests\":%lld,\"ok\":%lld,\"errors\":%lld,\"network_errors\":%lld,"
      "\"per_second\":%.1f,\"p50_ms\":%.3f,\"p95_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,"
      "\"statuses\":{%s},\"form\":%s,\"form_version\":%s,\"client_cpu_s\":%.2f}\n",
      r.echo ? "echo" : "store", r.clients, r.duration_s, r.warmup_s,
      static_cast<long long>(r.requests), static_cast<long long>(r.ok),
      static_cast<long long>(r.errors), static_cast<long long>(r.network_errors), r.per_second(),
      Ms(r.latency.ValueAtQuantile(0.50)), Ms(r.latency.ValueAtQuantile(0.95)),
      Ms(r.latency.ValueAtQuantile(0.99)), Ms(r.latency.max()), statuses.c_str(),
      JsonString(flags.options.form).c_str(), JsonString(r.form_version).c_str(), r.client_cpu_s);
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
