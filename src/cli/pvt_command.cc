// `vigil pvt size|draw|estimate`: the parallel vote tabulation (quick
// count): how many stations to sample, the sample itself (reproducible from
// its seed), and the estimate from the stations' results.
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "analysis/forensics.h"
#include "analysis/pvt.h"
#include "cli/cli.h"
#include "common/file.h"
#include "ingest/setup_csv.h"
#include "report/pvt_sample.h"
#include "service/admin.h"
#include "service/pvt.h"

namespace vigil::cli {

namespace {

void AddSize(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand("size", "How many stations a PVT sample needs");
  struct Options {
    analysis::SampleSizeInput in;
    double confidence = 0.95;
    double z = 0;
    double non_reporting = 0;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("--voters", o->in.voters, "Registered voters in the population")->required();
  cmd->add_option("--stations", o->in.stations, "Polling stations in the population")->required();
  cmd->add_option("--margin", o->in.margin, "Wanted margin of error, as a share (0.01 = 1 point)")
      ->required();
  cmd->add_option("--proportion", o->in.proportion, "Expected share (0.5 is the safest)")
      ->capture_default_str();
  cmd->add_option("--confidence", o->confidence, "Confidence level")->capture_default_str();
  cmd->add_option("--z", o->z, "The normal quantile itself, instead of --confidence");
  cmd->add_option("--voters-per-station", o->in.voters_per_station,
                  "Average voters per station (default: voters / stations)");
  cmd->add_option("--turnout", o->in.turnout, "Expected turnout, as a share")
      ->capture_default_str();
  cmd->add_option("--non-reporting", o->non_reporting,
                  "Expected share of sampled stations that will not report")
      ->capture_default_str();
  cmd->callback([&ctx, o] {
    if (!(o->confidence > 0 && o->confidence < 1)) {
      ctx.exit_code = ReportError(Status::InvalidArgument("--confidence must be between 0 and 1"));
      return;
    }
    o->in.z = o->z > 0 ? o->z : analysis::ZForConfidence(o->confidence);
    o->in.reporting = 1 - o->non_reporting;
    auto size = analysis::PvtSampleSize(o->in);
    if (!size) {
      ctx.exit_code = ReportError(size.error());
      return;
    }
    std::printf("z = %.4f, p = %.3f, margin %.4f\n", o->in.z, o->in.proportion, o->in.margin);
    std::printf("NDI (Estok, Nevitte and Cowan 2002): %.0f voters, %lld stations\n", size->voters,
                static_cast<long long>(size->stations_ndi));
    std::printf("sampler (rsampcalc, stations as units): %lld stations\n",
                static_cast<long long>(size->stations_sampler));
  });
}

// The stations to draw from: a results file (strata by an area level), or
// the mission's polling stations (strata by hierarchy depth or urban/rural).
Result<std::vector<core::PvtStation>> Population(const ResultsFileOptions& file,
                                                 const std::string& data_dir,
                                                 const std::string& by) {
  std::vector<core::PvtStation> out;
  if (!file.file.empty()) {
    auto read = ReadResults(file);
    if (!read) return Fail(read.error());
    int level = -1;
    if (!by.empty()) {
      auto index = analysis::AreaLevelIndex(read->table.area_levels, by, "--by ");
      if (!index) return Fail(index.error());
      level = *index;
    }
    for (const core::StationResult& s : read->table.stations) {
      const auto l = static_cast<std::size_t>(level);
      out.push_back(
          {s.code, level >= 0 && l < s.areas.size() ? s.areas[l] : "", s.registered.value_or(0)});
    }
    return out;
  }
  auto store = storage::OpenStore({.data_dir = data_dir, .create = false});
  if (!store) return Fail(store.error());
  auto locations = (*store)->ListLocations();
  if (!locations) return Fail(locations.error());
  std::unordered_map<std::string, const core::Location*> by_code;
  std::unordered_set<std::string> parents;
  for (const core::Location& l : *locations) {
    by_code[l.code] = &l;
    parents.insert(l.parent_code);
  }
  int depth = -1;
  if (!by.empty() && by != "urban-rural") {
    char* end = nullptr;
    depth = static_cast<int>(std::strtol(by.c_str(), &end, 10));
    if (end == by.c_str() || *end != '\0' || depth < 0) {
      return Fail(Status::InvalidArgument(
          "--by " + by + ": give a hierarchy depth (0 = the top level) or urban-rural"));
    }
  }
  for (const core::Location& l : *locations) {
    if (parents.contains(l.code)) continue;  // not a polling station
    std::string stratum;
    if (by == "urban-rural") {
      stratum = core::SettlementName(l.settlement);
      if (stratum.empty()) {
        return Fail(Status::InvalidArgument("--by urban-rural: station " + l.code +
                                            " is neither urban nor rural"));
      }
    } else if (depth >= 0) {
      std::vector<std::string> chain;  // the station's ancestors, top first
      for (const core::Location* a = &l; a != nullptr;) {
        chain.insert(chain.begin(), a->code);
        auto parent = by_code.find(a->parent_code);
        a = parent == by_code.end() ? nullptr : parent->second;
      }
      if (static_cast<std::size_t>(depth) + 1 >= chain.size()) {
        return Fail(Status::InvalidArgument("--by " + by + ": station " + l.code +
                                            " has no area at that depth"));
      }
      stratum = chain[static_cast<std::size_t>(depth)];
    }
    out.push_back({l.code, stratum, l.registered_voters.value_or(0)});
  }
  if (out.empty()) {
    return Fail(Status::NotFound(
        "the mission has no polling stations; import them (vigil import stations) or give a "
        "results file"));
  }
  return out;
}

void AddDraw(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand(
      "draw", "Draw a reproducible PVT sample (simple or stratified, with reserves)");
  struct Options {
    ResultsFileOptions file;
    std::string data_dir;
    analysis::DrawOptions draw;
    std::string by;
    std::string output = "-";
    bool save = false;
  };
  auto o = std::make_shared<Options>();
  AddResultsFileOptions(*cmd, o->file, /*required=*/false, "STATIONS");
  AddDataOption(*cmd, o->data_dir);
  cmd->add_option("--seed", o->draw.seed, "The seed; publish it so that anyone can re-draw")
      ->required();
  cmd->add_option("--sample", o->draw.sample, "Stations to sample")->required();
  cmd->add_option("--reserves", o->draw.reserves, "Reserve stations in all")->capture_default_str();
  cmd->add_option("--by", o->by,
                  "Stratify: an area level of STATIONS, or for the mission's stations a "
                  "hierarchy depth (0 = top) or urban-rural");
  cmd->add_option("--output", o->output, "Where to write the sample CSV (- for standard output)")
      ->capture_default_str();
  cmd->add_flag("--save", o->save,
                "Keep the sample in the mission (--data) for the live estimate; a kept sample is "
                "never replaced");
  cmd->footer(
      "Without STATIONS, draws from the mission's polling stations (--data). The procedure is in "
      "docs/pvt.md.");
  cmd->callback([&ctx, o] {
    auto population = Population(o->file, o->data_dir, o->by);
    if (!population) {
      ctx.exit_code = ReportError(population.error());
      return;
    }
    auto sample = analysis::DrawPvtSample(std::move(*population), o->draw);
    if (!sample) {
      ctx.exit_code = ReportError(sample.error());
      return;
    }
    if (o->save) {
      auto store = storage::OpenStore({.data_dir = o->data_dir, .create = false});
      Status saved = store ? (*store)->SavePvtSample(*sample, LocalActor()) : store.error();
      if (!saved.ok()) {
        ctx.exit_code = ReportError(saved);
        return;
      }
    }
    std::ostringstream csv;
    report::WritePvtSampleCsv(csv, *sample);
    if (Status s = WriteFileAtomically(o->output, csv.str()); !s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    for (const core::StratumSummary& s : sample->strata) {
      std::fprintf(stderr, "%-24s %7lld stations: %lld sampled, %lld reserves\n",
                   s.stratum.empty() ? "(all)" : s.stratum.c_str(),
                   static_cast<long long>(s.stations), static_cast<long long>(s.sample),
                   static_cast<long long>(s.reserves));
    }
  });
}

void PrintEstimate(const analysis::PvtEstimate& e) {
  std::printf("%lld of %lld sampled stations reported (%.1f%%); %lld reserves stood in\n",
              static_cast<long long>(e.reported), static_cast<long long>(e.sampled),
              100 * e.reporting_rate, static_cast<long long>(e.reserves_used));
  std::printf("%-32s %9s %9s %9s %7s %9s  %s\n", "", "estimate", "95% +/-", "99% +/-", "n",
              "official", "inside 95%/99%");
  bool unknown_margins = false;
  for (const auto& r : e.combined) {
    const bool known = !std::isnan(r.margin95);
    unknown_margins = unknown_margins || !known;
    std::printf("%-32s %8.2f%% ", r.quantity.c_str(), 100 * r.estimate);
    if (known) {
      std::printf("%8.2f  %8.2f ", 100 * r.margin95, 100 * r.margin99);
    } else {
      std::printf("%8s  %8s ", "n/a", "n/a");
    }
    std::printf(" %7lld", static_cast<long long>(r.n));
    if (r.official && !std::isnan(*r.official)) {
      std::printf(" %8.2f%%  %s", 100 * *r.official,
                  !known ? "?"
                         : (std::string(r.official_inside95 ? "yes" : "NO") + "/" +
                            (r.official_inside99 ? "yes" : "NO"))
                               .c_str());
    }
    std::printf("\n");
  }
  if (unknown_margins) {
    std::printf(
        "Margins need at least two reports in every stratum that has reported; wait for more.\n");
  }
}

// From files: the sample as `pvt draw` wrote it and the stations' results.
Result<service::MissionPvt> EstimateFromFiles(const std::string& sample_path,
                                              const ResultsFileOptions& results,
                                              const std::string& data_dir,
                                              const std::string& official_set) {
  auto content = ReadWholeFile(sample_path);
  if (!content) return Fail(content.error());
  std::vector<ingest::CsvProblem> problems;
  auto sample = ingest::ParsePvtSampleCsv(sample_path, *content, &problems);
  for (const auto& p : problems) std::fprintf(stderr, "%s\n", p.ToString().c_str());
  if (!sample) return Fail(sample.error());
  auto read = ReadResults(results);
  if (!read) return Fail(read.error());
  analysis::OfficialShares official;
  if (!official_set.empty()) {
    auto store = storage::OpenStore({.data_dir = data_dir, .create = false});
    if (!store) return Fail(store.error());
    auto table = (*store)->GetResultSet(official_set);
    if (!table) return Fail(table.error());
    official = service::OfficialSharesOf(*table, read->table.contestants);
  }
  service::MissionPvt out{
      .as_of = Now(), .sample = std::move(*sample), .official_set = official_set};
  out.estimate = analysis::EstimatePvt(out.sample, read->table.contestants,
                                       service::PvtReportsOf(read->table), official);
  return out;
}

// From the mission: its kept sample and the observers' copies.
Result<service::MissionPvt> EstimateFromMission(const std::string& data_dir,
                                                const std::string& official_set) {
  auto store = storage::OpenStore({.data_dir = data_dir, .create = false});
  if (!store) return Fail(store.error());
  auto mission = service::LoadMission(**store);
  if (!mission) return Fail(mission.error());
  auto copies = service::ReadObserverCopies(**store, *mission);
  if (!copies) return Fail(copies.error());
  return service::EstimateMissionPvt(**store, *copies, official_set);
}

void AddEstimate(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand(
      "estimate", "Estimate the result from the sampled stations' results, with margins");
  struct Options {
    std::string sample;
    ResultsFileOptions results;
    std::string official_set;
    std::string data_dir;
    std::string json;
  };
  auto o = std::make_shared<Options>();
  auto* sample = cmd->add_option("SAMPLE", o->sample, "The sample, as `vigil pvt draw` wrote it");
  AddResultsFileOptions(*cmd, o->results, /*required=*/false, "RESULTS");
  sample->needs(cmd->get_option("RESULTS"));
  cmd->get_option("RESULTS")->needs(sample);
  cmd->add_option("--official-set", o->official_set,
                  "Compare with this official result set of the mission (--data)");
  AddDataOption(*cmd, o->data_dir);
  cmd->add_option("--json", o->json, "Write the estimate as JSON (- for standard output)");
  cmd->footer(
      "Without SAMPLE and RESULTS, estimates from the mission (--data): its kept sample (vigil "
      "pvt draw --save) and the protocol figures observers copied on the counting form.");
  cmd->callback([&ctx, o] {
    auto pvt = o->sample.empty()
                   ? EstimateFromMission(o->data_dir, o->official_set)
                   : EstimateFromFiles(o->sample, o->results, o->data_dir, o->official_set);
    if (!pvt) {
      ctx.exit_code = ReportError(pvt.error());
      return;
    }
    for (const std::string& code : pvt->disagreeing) {
      std::fprintf(stderr,
                   "warning: observers' copies differ at sampled station %s; the latest "
                   "is used\n",
                   code.c_str());
    }
    if (!o->json.empty()) {
      const std::string text =
          boost::json::serialize(service::PvtEstimateJson(pvt->estimate, pvt->sample.seed)) + "\n";
      if (Status s = WriteFileAtomically(o->json, text); !s.ok()) {
        ctx.exit_code = ReportError(s);
        return;
      }
      if (o->json == "-") return;
    }
    PrintEstimate(pvt->estimate);
  });
}

}  // namespace

void RegisterPvt(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("pvt", "Parallel vote tabulation: sample size, draw, estimate");
  cmd->require_subcommand(1);
  AddSize(*cmd, ctx);
  AddDraw(*cmd, ctx);
  AddEstimate(*cmd, ctx);
}

}  // namespace vigil::cli
