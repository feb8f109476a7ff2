// `vigil results list|check|diff|copies`: the result sets kept in the
// mission store, the protocol arithmetic of one, what differs between two
// (e.g. two publications), and the observers' copies of the protocols
// against one.
#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <sstream>

#include "analysis/forensics.h"
#include "analysis/protocol_checks.h"
#include "analysis/results_compare.h"
#include "cli/cli.h"
#include "report/csv.h"
#include "service/admin.h"
#include "service/observer_copies.h"

namespace vigil::cli {

namespace {

// Opens the mission's store and reads result set `name`.
Result<core::ResultsTable> LoadSet(const std::string& data_dir, const std::string& name) {
  auto store = storage::OpenStore({.data_dir = data_dir, .create = false});
  if (!store) return Fail(store.error());
  return (*store)->GetResultSet(name);
}

void AddCheck(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand("check", "Check the protocol arithmetic of a result set");
  struct Options {
    std::string name, by, csv, data_dir;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("NAME", o->name, "The result set")->required();
  cmd->add_option("--by", o->by, "Also count the failures per area at this level");
  cmd->add_option("--csv", o->csv, "Write the failing stations as CSV (- for standard output)");
  AddDataOption(*cmd, o->data_dir);
  cmd->callback([&ctx, o] {
    auto table = LoadSet(o->data_dir, o->name);
    if (!table) {
      ctx.exit_code = ReportError(table.error());
      return;
    }
    int level = -1;
    if (!o->by.empty()) {
      auto index = analysis::AreaLevelIndex(table->area_levels, o->by, "--by ");
      if (!index) {
        ctx.exit_code = ReportError(index.error());
        return;
      }
      level = *index;
    }
    const analysis::ProtocolChecks checks = analysis::CheckProtocols(*table, level);
    if (!o->csv.empty()) {
      std::ostringstream out;
      out << "station";
      for (const std::string& l : table->area_levels) {
        out << ',';
        report::WriteCsvField(out, l);
      }
      out << ",relation,left,right,difference\r\n";
      for (const analysis::ProtocolFailure& f : checks.failures) {
        const core::StationResult& s = table->stations[f.station];
        report::WriteCsvField(out, s.code);
        for (std::size_t i = 0; i < table->area_levels.size(); ++i) {
          out << ',';
          report::WriteCsvField(out, i < s.areas.size() ? s.areas[i] : "");
        }
        out << ',' << analysis::ControlRelationName(f.relation) << ',' << f.left << ',' << f.right
            << ',' << f.left - f.right << "\r\n";
      }
      if (Status s = WriteFileAtomically(o->csv, out.str()); !s.ok()) {
        ctx.exit_code = ReportError(s);
        return;
      }
      if (o->csv == "-") return;
    }
    std::printf("%s: %zu stations\n", o->name.c_str(), table->stations.size());
    std::printf("  %-32s %9s %9s\n", "relation", "checked", "failed");
    for (std::size_t k = 0; k < checks.relations.size(); ++k) {
      std::printf("  %-32s %9lld %9lld\n",
                  analysis::ControlRelationText(analysis::kControlRelations[k]),
                  static_cast<long long>(checks.relations[k].checked),
                  static_cast<long long>(checks.relations[k].failed));
    }
    if (level < 0) return;
    // The areas with the most failing relations first.
    std::vector<std::pair<std::int64_t, const analysis::AreaProtocolChecks*>> areas;
    for (const auto& a : checks.by_area) {
      std::int64_t failed = 0;
      for (const auto& t : a.relations) failed += t.failed;
      if (failed > 0) areas.emplace_back(failed, &a);
    }
    std::stable_sort(areas.begin(), areas.end(),
                     [](const auto& x, const auto& y) { return x.first > y.first; });
    std::printf("\n%zu of %zu areas (%s) have failures; the most:\n", areas.size(),
                checks.by_area.size(), o->by.c_str());
    for (std::size_t i = 0; i < areas.size() && i < 20; ++i) {
      std::printf("  %6lld  %s\n", static_cast<long long>(areas[i].first),
                  areas[i].second->area.c_str());
    }
  });
}

void AddDiff(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand(
      "diff",
      "Compare two result sets station by station (copies vs. official, or two publications)");
  struct Options {
    std::string a, b, by, csv, data_dir;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("A", o->a, "The first result set (e.g. the official results)")->required();
  cmd->add_option("B", o->b, "The second (e.g. the observers' copies, or a re-publication)")
      ->required();
  cmd->add_option("--by", o->by, "Summarise by area at this level (e.g. the district)");
  cmd->add_option("--csv", o->csv, "Write every difference as CSV (- for standard output)");
  AddDataOption(*cmd, o->data_dir);
  cmd->callback([&ctx, o] {
    auto a = LoadSet(o->data_dir, o->a);
    auto b = a ? LoadSet(o->data_dir, o->b) : a;
    if (!a || !b) {
      ctx.exit_code = ReportError(!a ? a.error() : b.error());
      return;
    }
    if (!o->by.empty()) {
      const bool in_a = analysis::AreaLevelIndex(a->area_levels, o->by, "").has_value();
      if (!in_a) {
        if (auto in_b = analysis::AreaLevelIndex(b->area_levels, o->by, "--by "); !in_b) {
          ctx.exit_code = ReportError(in_b.error());
          return;
        }
      }
    }
    const analysis::ResultsComparison c = analysis::CompareResults(*a, *b, o->by);
    if (!o->csv.empty()) {
      std::ostringstream out;
      out << "station,area,match,figure,a,b,change\r\n";
      for (const analysis::StationComparison& s : c.stations) {
        const auto row = [&](const std::string& figure, const std::string& values) {
          report::WriteCsvField(out, s.code);
          out << ',';
          report::WriteCsvField(out, s.area);
          out << ',' << analysis::StationMatchName(s.match) << ',';
          report::WriteCsvField(out, figure);
          out << ',' << values << "\r\n";
        };
        if (s.changes.empty()) row("", ",,");
        for (const analysis::FigureChange& f : s.changes) {
          row(f.figure,
              std::to_string(f.a) + ',' + std::to_string(f.b) + ',' + std::to_string(f.b - f.a));
        }
      }
      if (Status s = WriteFileAtomically(o->csv, out.str()); !s.ok()) {
        ctx.exit_code = ReportError(s);
        return;
      }
      if (o->csv == "-") return;
    }
    const auto line = [](const analysis::AreaComparison& t, const std::string& label) {
      std::printf("  %-28s %8lld %8lld %10lld %10lld %12lld\n", label.c_str(),
                  static_cast<long long>(t.same), static_cast<long long>(t.differs),
                  static_cast<long long>(t.only_in_a), static_cast<long long>(t.only_in_b),
                  static_cast<long long>(t.votes_changed));
    };
    std::printf("A = %s, B = %s\n", o->a.c_str(), o->b.c_str());
    for (const std::string& name : c.only_in_a) {
      std::printf("  contestant only in A, not compared: %s\n", name.c_str());
    }
    for (const std::string& name : c.only_in_b) {
      std::printf("  contestant only in B, not compared: %s\n", name.c_str());
    }
    std::printf("  %-28s %8s %8s %10s %10s %12s\n", "", "same", "differ", "only in A", "only in B",
                "votes moved");
    line(c.total, "all stations");
    if (o->by.empty()) return;
    std::vector<const analysis::AreaComparison*> areas;
    for (const auto& area : c.by_area) {
      if (area.differs + area.only_in_a + area.only_in_b > 0) areas.push_back(&area);
    }
    std::stable_sort(areas.begin(), areas.end(), [](const auto* x, const auto* y) {
      return x->votes_changed > y->votes_changed;
    });
    std::printf("\n%zu of %zu areas (%s) differ; most votes moved first:\n", areas.size(),
                c.by_area.size(), o->by.c_str());
    for (std::size_t i = 0; i < areas.size() && i < 20; ++i) line(*areas[i], areas[i]->area);
  });
}

void AddCopies(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand(
      "copies", "Compare the observers' copies of the protocols with an official result set");
  struct Options {
    std::string official, previous, by, csv, json, data_dir;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("OFFICIAL", o->official, "The official result set")->required();
  cmd->add_option("--previous", o->previous,
                  "An earlier publication: mark stations whose official figures changed since");
  cmd->add_option("--by", o->by,
                  "Summarise by area: a level of OFFICIAL (e.g. the district) or a depth of the "
                  "mission's hierarchy (0 = top)");
  cmd->add_option("--csv", o->csv, "Write every station compared as CSV (- for standard output)");
  cmd->add_option("--json", o->json, "Write the comparison as JSON (- for standard output)");
  AddDataOption(*cmd, o->data_dir);
  cmd->footer("The copies are the protocol figures observers entered on the counting form.");
  cmd->callback([&ctx, o] {
    auto report = [&]() -> Result<service::CopiesReport> {
      auto store = storage::OpenStore({.data_dir = o->data_dir, .create = false});
      if (!store) return Fail(store.error());
      auto mission = service::LoadMission(**store);
      if (!mission) return Fail(mission.error());
      auto copies = service::ReadObserverCopies(**store, *mission);
      if (!copies) return Fail(copies.error());
      return service::CompareObserverCopies(**store, *copies, o->official, o->previous, o->by);
    }();
    if (!report) {
      ctx.exit_code = ReportError(report.error());
      return;
    }
    if (!o->csv.empty()) {
      std::ostringstream out;
      service::WriteCopiesCsv(out, *report);
      if (Status s = WriteFileAtomically(o->csv, out.str()); !s.ok()) {
        ctx.exit_code = ReportError(s);
        return;
      }
    }
    if (!o->json.empty()) {
      const std::string text = boost::json::serialize(service::CopiesReportJson(*report)) + "\n";
      if (Status s = WriteFileAtomically(o->json, text); !s.ok()) {
        ctx.exit_code = ReportError(s);
        return;
      }
    }
    if (o->csv == "-" || o->json == "-") return;
    const analysis::CopiesComparison& c = report->comparison;
    const auto line = [](const analysis::AreaCopies& t, const std::string& label) {
      std::printf("  %-28s %7lld %7lld %11lld %9lld %8lld %12lld\n", label.c_str(),
                  static_cast<long long>(t.copies), static_cast<long long>(t.match),
                  static_cast<long long>(t.discrepancy), static_cast<long long>(t.official_missing),
                  static_cast<long long>(t.changed), static_cast<long long>(t.votes_differing));
    };
    std::printf("Observers' copies (%lld counting reports) against %s%s%s\n",
                static_cast<long long>(report->submissions), o->official.c_str(),
                o->previous.empty() ? "" : ", changes since ", o->previous.c_str());
    for (const std::string& code : report->disagreeing) {
      std::printf("  observers' copies differ at %s (the latest is compared)\n", code.c_str());
    }
    std::printf("  %-28s %7s %7s %11s %9s %8s %12s\n", "", "copies", "match", "discrepancy",
                "missing", "changed", "votes differ");
    line(c.total, "all stations");
    if (o->by.empty()) return;
    std::vector<const analysis::AreaCopies*> areas;
    for (const auto& area : c.by_area) {
      if (area.discrepancy + area.official_missing + area.changed > 0) areas.push_back(&area);
    }
    std::stable_sort(areas.begin(), areas.end(), [](const auto* x, const auto* y) {
      return x->discrepancy != y->discrepancy ? x->discrepancy > y->discrepancy
                                              : x->votes_differing > y->votes_differing;
    });
    std::printf("\n%zu of %zu areas (%s) with discrepancies; most first:\n", areas.size(),
                c.by_area.size(), o->by.c_str());
    for (std::size_t i = 0; i < areas.size() && i < 20; ++i) line(*areas[i], areas[i]->area);
  });
}

}  // namespace

void RegisterResults(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "results", "Official result sets kept in the mission: list, check, diff, copies");
  cmd->require_subcommand(1);
  auto* list = cmd->add_subcommand("list", "List the result sets, oldest first");
  auto data_dir = std::make_shared<std::string>();
  AddDataOption(*list, *data_dir);
  list->callback([&ctx, data_dir] {
    auto store = storage::OpenStore({.data_dir = *data_dir, .create = false});
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    auto sets = (*store)->ListResultSets();
    if (!sets) {
      ctx.exit_code = ReportError(sets.error());
      return;
    }
    if (sets->empty()) {
      std::printf("No result sets yet; vigil import results FILE --name NAME adds one.\n");
      return;
    }
    std::printf("%-20s %9s  %-27s %-13s %s\n", "name", "stations", "imported", "format", "source");
    for (const storage::ResultSetInfo& s : *sets) {
      std::printf("%-20s %9lld  %-27s %-13s %s\n", s.name.c_str(),
                  static_cast<long long>(s.stations), FormatRfc3339(s.imported_at).c_str(),
                  s.format.c_str(), s.source.c_str());
    }
  });
  AddCheck(*cmd, ctx);
  AddDiff(*cmd, ctx);
  AddCopies(*cmd, ctx);
}

}  // namespace vigil::cli
