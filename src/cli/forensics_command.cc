// `vigil forensics FILE`: results forensics on a file of polling-station
// results, without a mission.
#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>

#include "analysis/forensics.h"
#include "cli/cli.h"
#include "ingest/results_reader.h"
#include "report/csv.h"
#include "service/forensics_csv.h"
#include "service/forensics_html.h"

namespace vigil::cli {

namespace {

// One row per flagged station: its code, areas and figures, turnout and
// share with their robust z-scores within its area, and the flags.
std::string StationFlagsCsv(const core::ResultsTable& table,
                            const analysis::ForensicsReport& report) {
  std::ostringstream out;
  const auto field = [&](std::string_view text, bool number = false) {
    report::WriteCsvField(out, text, number);
    out << ',';
  };
  const auto number = [&](auto value) {
    std::ostringstream v;
    v << value;
    field(v.str(), true);
  };
  field("station");
  for (const std::string& level : table.area_levels) field(level);
  for (const char* h : {"registered", "issued", "cast", "leader_votes", "turnout", "share",
                        "turnout_z", "share_z"}) {
    field(h);
  }
  out << "flags\r\n";
  const int leader = table.Leader();
  for (const analysis::StationFlags& f : report.station_flags) {
    const core::StationResult& s = table.stations[f.station];
    field(s.code);
    for (std::size_t i = 0; i < table.area_levels.size(); ++i) {
      field(i < s.areas.size() ? s.areas[i] : "");
    }
    number(s.registered.value_or(0));
    number(s.issued.value_or(0));
    number(s.BallotsCast().value_or(0));
    number(s.votes[static_cast<std::size_t>(leader)]);
    number(f.turnout);
    number(f.share);
    number(f.turnout_z);
    number(f.share_z);
    report::WriteCsvField(out, analysis::FlagNames(f));
    out << "\r\n";
  }
  return out.str();
}

void PrintSummary(const ingest::ResultsRead& read, const analysis::ForensicsReport& report) {
  std::printf("%lld stations read", static_cast<long long>(report.stations));
  if (read.skipped_without_votes > 0) {
    std::printf(" (%zu without votes left out)", read.skipped_without_votes);
  }
  if (read.skipped_aggregates > 0) {
    std::printf(" (%zu rows without a station number, such as remote electronic voting, left out)",
                read.skipped_aggregates);
  }
  std::printf("; leader: %s\n", report.leader.c_str());
  const auto& integer = report.integer_percentage;
  if (!integer.results.empty()) {
    std::printf(
        "\nInteger percentages (Kobak et al. 2016), %lld stations, %d replicates, seed %llu\n",
        static_cast<long long>(integer.stations_used), integer.replicates,
        static_cast<unsigned long long>(integer.seed));
    std::printf("  %-8s %-13s %12s %12s %10s %12s\n", "integer", "weighted by", "observed",
                "null mean", "null SD", "excess");
  }
  for (const auto& r : integer.results) {
    std::printf("  %-8s %-13s %12.0f %12.1f %10.1f %12.1f\n", analysis::CriterionName(r.criterion),
                analysis::WeightName(r.weight), r.observed, r.null_mean, r.null_sd, r.excess);
  }
  for (const auto& group : report.digit_tests) {
    if (!group.area.empty()) continue;
    std::printf(
        "\nDigit tests, %s (flag: the 95%% bootstrap interval excludes the expected value)\n",
        group.quantity.c_str());
    for (const auto& r : group.results) {
      std::printf("  %-6s %9.3f  [%7.3f, %7.3f]  expected %6.3f  n %7lld  %s\n",
                  r.statistic.c_str(), r.value, r.ci_low, r.ci_high, r.expected,
                  static_cast<long long>(r.n), r.flagged ? "FLAG" : "");
    }
    std::printf("  %-6s %9.4f  p %.3f (Hartigan's dip test of unimodality)  %s\n", "Dip", group.dip,
                group.dip_p, group.dip_p < 0.05 ? "FLAG" : "");
    if (!group.turnout) {
      std::printf("  %-6s %9.3f  (Sobyanin-Sukhovolsky: slope of share on turnout - mean share)\n",
                  "SobSuk", group.sobyanin);
      std::printf("  %-6s %9.3f  (correlation of turnout and share)\n", "Corr", group.correlation);
    }
  }
  if (report.shpilkin) {
    const auto& e = *report.shpilkin;
    std::printf("\nExcess votes for the leader (Shpilkin), %lld stations\n",
                static_cast<long long>(e.stations_used));
    if (e.clean_turnout_percent < 0) {
      std::printf("  not estimable: no clean turnout bin with votes for the others\n");
    } else {
      std::printf("  clean turnout %d%%, leader : others %.3f there\n", e.clean_turnout_percent,
                  e.clean_ratio);
      std::printf(
          "  leader's votes %lld, expected %.0f, excess %.0f (%.1f%% of the leader's)\n",
          static_cast<long long>(e.leader_votes), e.expected_leader_votes, e.excess_votes,
          e.leader_votes > 0 ? 100 * e.excess_votes / static_cast<double>(e.leader_votes) : 0.0);
    }
  }
  if (report.klimek && report.klimek->fitted) {
    const auto& k = *report.klimek;
    const auto& p = k.parameters;
    std::printf("\nFraud model (Klimek et al. 2012), %lld stations, %d simulations per point\n",
                static_cast<long long>(k.stations_used), k.simulations);
    std::printf("  fair turnout %.3f (SD %.3f), fair share %.3f (SD %.3f)\n", p.fair.turnout,
                p.fair.turnout_sd, p.fair.share, p.fair.share_sd);
    std::printf("  incremental fraud f_i %.3f, extreme fraud f_e %.3f, alpha %.2f, theta %.3f\n",
                p.incremental, p.extreme, p.alpha, p.theta);
    std::printf("  distance %.4g (fair model: %.4g)\n", k.distance, k.fair_distance);
  }
  if (!report.station_flags.empty()) {
    std::printf(
        "\n%zu stations flagged (integer or extreme turnout or share, or outliers within "
        "their %s); --flags FILE lists them\n",
        report.station_flags.size(),
        report.flags_level.empty() ? "table" : report.flags_level.c_str());
  }
  for (const auto& group : report.last_digits) {
    if (!group.area.empty()) continue;
    const auto& t = group.tests;
    std::printf("\nLast digits (Beber and Scacco 2012), %lld counts of 100 or more\n",
                static_cast<long long>(t.n));
    std::printf("  uniform last digit      chi-square %8.1f (9 df)  p %.3g\n", t.chi_square,
                t.uniform_p);
    std::printf("  repeated last two       %.4f (expected 0.10)   p(as few)  %.3g\n",
                t.repeated_share, t.repeated_p);
    std::printf("  adjacent last two       %.4f (expected 0.18)   p(as many) %.3g\n",
                t.adjacent_share, t.adjacent_p);
  }
}

}  // namespace

void RegisterForensics(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "forensics",
      "Statistical forensics of polling-station results (integer percentages, digit tests)");
  struct Options {
    ResultsFileOptions input;
    std::string by;
    std::string json;
    std::uint64_t seed = 1;
    int replicates = 1000;
    int klimek_simulations = 10;
    int threads = 0;
    std::string only;
    std::string flags;
    std::string csv;
    std::string html;
  };
  auto opts = std::make_shared<Options>();
  AddResultsFileOptions(*cmd, opts->input);
  cmd->add_option("--by", opts->by, "Also run the digit tests per area at this level");
  cmd->add_option("--json", opts->json, "Write the full report as JSON (- for standard output)");
  cmd->add_option("--csv", opts->csv, "Write every result as one long CSV table");
  cmd->add_option("--flags", opts->flags, "Write the flagged stations as CSV");
  cmd->add_option("--html", opts->html, "Write the report as a self-contained HTML page");
  cmd->add_option("--seed", opts->seed, "Seed of every random draw (publish it)")
      ->capture_default_str();
  cmd->add_option("--replicates", opts->replicates, "Monte Carlo and bootstrap replicates")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--threads", opts->threads, "Worker threads (0: one per core)")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  cmd->add_option("--only", opts->only,
                  "Run one analysis: integer, digits, last-digits, shpilkin or klimek")
      ->check(CLI::IsMember({"integer", "digits", "last-digits", "shpilkin", "klimek"}));
  cmd->add_option("--klimek-simulations", opts->klimek_simulations,
                  "Simulated elections averaged per grid point of the Klimek fit")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->callback([opts, &ctx] {
    auto read = ReadResults(opts->input);
    if (!read) {
      ctx.exit_code = ReportError(read.error());
      return;
    }
    analysis::ForensicsOptions options{
        .seed = opts->seed,
        .replicates = opts->replicates,
        .threads = opts->threads,
        .integer_percentage = opts->only.empty() || opts->only == "integer",
        .digit_tests = opts->only.empty() || opts->only == "digits",
        .last_digits = opts->only.empty() || opts->only == "last-digits",
        .shpilkin = opts->only.empty() || opts->only == "shpilkin",
        .klimek = opts->only.empty() || opts->only == "klimek",
        .klimek_simulations = opts->klimek_simulations,
        .station_flags = opts->only.empty() || !opts->flags.empty()};
    if (!opts->by.empty()) {
      auto level = analysis::AreaLevelIndex(read->table.area_levels, opts->by, "--by ");
      if (!level) {
        ctx.exit_code = ReportError(level.error());
        return;
      }
      options.by_level = *level;
    }
    analysis::ForensicsReport report;
    {
      ProgressBar bar("analysing");  // ends its line before the summary
      options.progress = [&bar](int done, int total) { bar.Update(done, total); };
      report = analysis::RunForensics(read->table, options);
    }
    const std::pair<const std::string&, std::function<std::string()>> outputs[] = {
        {opts->json,
         [&] { return boost::json::serialize(analysis::ForensicsToJson(report)) + "\n"; }},
        {opts->html,
         [&] {
           return service::ForensicsHtml(read->table, report,
                                         {opts->input.file, opts->input.format});
         }},
        {opts->flags, [&] { return StationFlagsCsv(read->table, report); }},
        {opts->csv, [&] { return service::ForensicsResultsCsv(report); }},
    };
    for (const auto& [path, text] : outputs) {
      if (path.empty()) continue;
      if (Status s = WriteFileAtomically(path, text()); !s.ok()) {
        ctx.exit_code = ReportError(s);
        return;
      }
    }
    if (opts->json != "-" && opts->flags != "-" && opts->html != "-" && opts->csv != "-") {
      PrintSummary(*read, report);
    }
  });
}

}  // namespace vigil::cli
