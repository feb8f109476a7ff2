#include "service/conflicts.h"

#include <algorithm>
#include <boost/json.hpp>

namespace vigil::service {

namespace {

namespace json = boost::json;

// The current versions of `refs` (one station and form), in their order.
Result<std::vector<core::Submission>> ReadReports(storage::Store& store,
                                                  const std::vector<analysis::ReportRef>& refs) {
  std::vector<core::Submission> out;
  for (const analysis::ReportRef& ref : refs) {
    auto history = store.GetSubmission(ref.instance_id);
    if (!history) return Fail(history.error());
    if (!*history) continue;
    // An edit may have been stored since the live view was read: take what
    // is current now, once.
    core::Submission& current = (*history)->versions.back().submission;
    if (std::none_of(out.begin(), out.end(), [&](const core::Submission& s) {
          return s.instance_id == current.instance_id;
        })) {
      out.push_back(std::move(current));
    }
  }
  return out;
}

// The areas to look in: `region` if given (and seen by `who`), else what
// `who` is limited to (nothing: everywhere).
Result<std::vector<std::string>> Areas(const core::MissionIndex& mission, const Principal& who,
                                       const std::string& region) {
  if (region.empty()) return who.regions;
  if (mission.FindLocation(region) == nullptr ||
      (!who.regions.empty() && !mission.IsWithin(region, who.regions))) {
    return Fail(Status::NotFound("no region '" + region + "'"));
  }
  return std::vector<std::string>{region};
}

Status CheckForm(const core::MissionIndex& mission, const std::string& form) {
  if (mission.FindForm(form) == nullptr) return Status::NotFound("no form '" + form + "'");
  return Status::Ok();
}

Status CheckStation(const core::MissionIndex& mission, const Principal& who,
                    const std::string& station) {
  if (!mission.IsPollingStation(station) || mission.FindLocation(station) == nullptr ||
      !who.SeesStation(mission, station)) {
    return Status::NotFound("no polling station '" + station + "'");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<StationConflicts>> ListConflicts(MissionService& service,
                                                    const LiveReports& live, const Principal& who,
                                                    const std::string& form,
                                                    const std::string& region,
                                                    ConflictFilter filter) {
  const auto mission = service.Mission();
  if (Status s = CheckForm(*mission, form); !s.ok()) return Fail(s);
  auto areas = Areas(*mission, who, region);
  if (!areas) return Fail(areas.error());
  auto resolutions = service.store().ListConflictResolutions(form);
  if (!resolutions) return Fail(resolutions.error());
  std::vector<StationConflicts> out;
  for (const auto& refs : live.SharedStations(form)) {
    const std::string& station = refs.front().station_code;
    if (!who.SeesStation(*mission, station)) continue;
    if (!areas->empty() && !mission->IsWithin(station, *areas)) continue;
    auto reports = ReadReports(service.store(), refs);
    if (!reports) return Fail(reports.error());
    std::vector<analysis::QuestionConflict> conflicts =
        analysis::DetectConflicts(*reports, *resolutions);
    std::erase_if(conflicts, [filter](const analysis::QuestionConflict& c) {
      return (filter == ConflictFilter::kOpen && c.resolution) ||
             (filter == ConflictFilter::kResolved && !c.resolution);
    });
    if (!conflicts.empty()) out.push_back({station, std::move(conflicts)});
  }
  std::sort(out.begin(), out.end(), [](const StationConflicts& a, const StationConflicts& b) {
    return a.station_code < b.station_code;
  });
  return out;
}

Result<analysis::MasterRecord> StationMasterRecord(MissionService& service, const LiveReports& live,
                                                   const Principal& who, const std::string& station,
                                                   const std::string& form) {
  const auto mission = service.Mission();
  if (Status s = CheckForm(*mission, form); !s.ok()) return Fail(s);
  if (Status s = CheckStation(*mission, who, station); !s.ok()) return Fail(s);
  auto reports = ReadReports(service.store(), live.StationReports(form, station));
  if (!reports) return Fail(reports.error());
  auto resolutions = service.store().ListConflictResolutions(form, station);
  if (!resolutions) return Fail(resolutions.error());
  return analysis::BuildMasterRecord(*reports, *resolutions);
}

Result<core::ConflictResolution> ResolveConflict(MissionService& service, const LiveReports& live,
                                                 const Principal& who,
                                                 const ResolveRequest& request) {
  const auto mission = service.Mission();
  if (Status s = CheckForm(*mission, request.form); !s.ok()) return Fail(s);
  if (Status s = CheckStation(*mission, who, request.station); !s.ok()) return Fail(s);
  const core::Form& form = *mission->FindForm(request.form);
  if (form.FindQuestion(request.question) == nullptr) {
    return Fail(
        Status::NotFound("no question '" + request.question + "' in form '" + request.form + "'"));
  }
  if (request.instance_id.empty() == !request.value.has_value()) {
    return Fail(Status::InvalidArgument(
        "give either instance_id (the report whose answer holds) or value (with a note)"));
  }
  if (request.value) {
    if (request.note.empty())
      return Fail(Status::InvalidArgument("an override needs a note saying why"));
    // The value is checked as the form checks an answer.
    core::Submission probe;
    probe.form_code = form.code;
    probe.form_version = form.version;
    probe.station_code = request.station;
    probe.answers[request.question] = *request.value;
    const std::string field = "answers." + request.question;
    for (const core::FieldError& e : core::ValidateSubmission(probe, *mission)) {
      if (e.field == field) return Fail(Status::InvalidArgument("value: " + e.problem));
    }
  }
  auto reports = ReadReports(service.store(), live.StationReports(request.form, request.station));
  if (!reports) return Fail(reports.error());
  const std::vector<analysis::QuestionConflict> conflicts = analysis::DetectConflicts(*reports, {});
  const auto conflict = std::find_if(
      conflicts.begin(), conflicts.end(),
      [&](const analysis::QuestionConflict& c) { return c.question == request.question; });
  if (conflict == conflicts.end()) {
    return Fail(Status::Conflict("the reports of form '" + request.form + "' at '" +
                                 request.station + "' do not disagree on '" + request.question +
                                 "'"));
  }
  if (!request.instance_id.empty() &&
      std::none_of(
          conflict->answers.begin(), conflict->answers.end(),
          [&](const analysis::GivenAnswer& a) { return a.instance_id == request.instance_id; })) {
    return Fail(Status::InvalidArgument("instance_id '" + request.instance_id +
                                        "' is not a current report at '" + request.station +
                                        "' that answered '" + request.question + "'"));
  }
  core::ConflictResolution r;
  r.station_code = request.station;
  r.form_code = request.form;
  r.question = request.question;
  r.instance_id = request.instance_id;
  r.value = request.value;
  r.note = request.note;
  if (Status s = service.store().AddConflictResolution(&r, {who.actor}); !s.ok()) return Fail(s);
  return r;
}

}  // namespace vigil::service
