#include "service/admin.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "common/crypto.h"
#include "common/file.h"
#include "core/default_forms.h"
#include "core/mission.h"
#include "service/mission_service.h"

namespace vigil::service {

namespace json = boost::json;

Result<core::MissionIndex> LoadMission(storage::Store& store) {
  auto election = store.GetElection();
  if (!election) return Fail(election.error());
  auto locations = store.ListLocations();
  if (!locations) return Fail(locations.error());
  auto observers = store.ListObservers();
  if (!observers) return Fail(observers.error());
  auto forms = store.ListForms();
  if (!forms) return Fail(forms.error());
  return core::MissionIndex(std::move(*election), std::move(*locations), std::move(*observers),
                            std::move(*forms));
}

namespace {

std::string FileLabel(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

}  // namespace

Status InitMission(const std::string& data_dir, const core::Election& election,
                   const std::vector<std::string>& contestants, const storage::Actor& actor) {
  if (std::filesystem::exists(std::filesystem::path(data_dir) / "vigil.db")) {
    return Status::AlreadyExists(data_dir + " already holds a mission (vigil.db exists)");
  }
  auto store = storage::OpenStore({.data_dir = data_dir, .create = true});
  if (!store) return store.error();
  VIGIL_RETURN_IF_ERROR((*store)->SaveElection(election, actor));
  for (const core::Form& form : core::DefaultForms(contestants)) {
    VIGIL_RETURN_IF_ERROR((*store)->InstallForm(form, actor));
  }
  return Status::Ok();
}

Status CheckNewPassword(std::string_view password) {
  if (password.size() < 10) {
    return Status::InvalidArgument("a password needs at least 10 characters");
  }
  return Status::Ok();
}

Status CheckUserName(const std::string& name) {
  const bool ok =
      !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
               c == '@';
      });
  if (ok) return Status::Ok();
  return Status::InvalidArgument("user name '" + name +
                                 "': use 1 to 64 letters, digits and . _ - @");
}

Result<storage::UserRecord> AddUser(storage::Store& store, const std::string& name,
                                    const Grant& grant, std::string_view password,
                                    const storage::Actor& actor) {
  VIGIL_RETURN_IF_ERROR(CheckUserName(name));
  VIGIL_RETURN_IF_ERROR(CheckNewPassword(password));
  VIGIL_RETURN_IF_ERROR(CheckGrant(store, grant));
  storage::UserRecord user{.name = name,
                           .role = grant.role,
                           .observer_code = grant.observer_code,
                           .regions = grant.regions,
                           .password_hash = HashPassword(password),
                           .created_at = Now()};
  VIGIL_RETURN_IF_ERROR(store.CreateUser(&user, actor));
  return user;
}

Status ChangeRole(storage::Store& store, const std::string& name, const Grant& grant,
                  const storage::Actor& actor) {
  VIGIL_RETURN_IF_ERROR(CheckGrant(store, grant));
  return store.SetUserRole(name, grant.role, grant.observer_code, grant.regions, actor);
}

Status ChangePassword(storage::Store& store, const std::string& name, std::string_view password,
                      const storage::Actor& actor) {
  VIGIL_RETURN_IF_ERROR(CheckNewPassword(password));
  return store.SetUserPassword(name, HashPassword(password), actor);
}

Status ImportLocationsFile(storage::Store& store, const std::string& path,
                           const storage::Actor& actor, std::vector<ingest::CsvProblem>* problems,
                           std::size_t* imported) {
  auto content = ReadWholeFile(path);
  if (!content) return content.error();
  auto mission = LoadMission(store);
  if (!mission) return mission.error();
  auto locations = ingest::ParseLocationsCsv(
      FileLabel(path), *content,
      [&](std::string_view code) { return mission->FindLocation(code) != nullptr; }, problems);
  if (!locations) return locations.error();
  VIGIL_RETURN_IF_ERROR(store.UpsertLocations(*locations, actor, FileLabel(path)));
  *imported = locations->size();
  return Status::Ok();
}

Status ImportObserversFile(storage::Store& store, const std::string& path,
                           const storage::Actor& actor, std::vector<ingest::CsvProblem>* problems,
                           std::size_t* imported) {
  auto content = ReadWholeFile(path);
  if (!content) return content.error();
  auto mission = LoadMission(store);
  if (!mission) return mission.error();
  auto observers = ingest::ParseObserversCsv(
      FileLabel(path), *content,
      [&](std::string_view code) { return mission->IsPollingStation(code); }, problems);
  if (!observers) return observers.error();
  VIGIL_RETURN_IF_ERROR(store.UpsertObservers(*observers, actor, FileLabel(path)));
  *imported = observers->size();
  return Status::Ok();
}

Status CheckGrant(storage::Store& store, const Grant& grant) {
  const std::string role(core::RoleName(grant.role));
  if (grant.role == core::Role::kObserver) {
    if (grant.observer_code.empty())
      return Status::InvalidArgument("the observer role needs --observer CODE");
    auto observers = store.ListObservers();
    if (!observers) return observers.error();
    const bool known =
        std::any_of(observers->begin(), observers->end(),
                    [&](const core::Observer& o) { return o.code == grant.observer_code; });
    if (!known)
      return Status::NotFound("no observer '" + grant.observer_code + "' (import observers first)");
  } else if (!grant.observer_code.empty()) {
    return Status::InvalidArgument("--observer applies only to the observer role, not " + role);
  }
  if (grant.role == core::Role::kCoordinator) {
    // A coordinator without regions would see nothing, or, worse, be
    // mistaken for one who sees everything.
    if (grant.regions.empty())
      return Status::InvalidArgument("the coordinator role needs at least one --region CODE");
    auto locations = store.ListLocations();
    if (!locations) return locations.error();
    for (const std::string& region : grant.regions) {
      const bool known = std::any_of(locations->begin(), locations->end(),
                                     [&](const core::Location& l) { return l.code == region; });
      if (!known) return Status::NotFound("no location '" + region + "' (import stations first)");
    }
  } else if (!grant.regions.empty()) {
    return Status::InvalidArgument("--region applies only to the coordinator role, not " + role);
  }
  return Status::Ok();
}

Result<NewToken> IssueToken(storage::Store& store, const Grant& grant, const std::string& label,
                            std::optional<Timestamp> expires_at, const storage::Actor& actor) {
  VIGIL_RETURN_IF_ERROR(CheckGrant(store, grant));
  NewToken t;
  t.token = NewBearerToken();
  t.record.token_hash = HashBearerToken(t.token);
  t.record.role = grant.role;
  t.record.observer_code = grant.observer_code;
  t.record.regions = grant.regions;
  t.record.label = label;
  t.record.created_at = Now();
  t.record.expires_at = expires_at;
  VIGIL_RETURN_IF_ERROR(store.CreateToken(&t.record, actor));
  return t;
}

Status ExportSubmissions(storage::Store& store, const ExportOptions& options, std::ostream& out,
                         const Progress& progress, std::int64_t* exported) {
  auto forms = store.ListForms();
  if (!forms) return forms.error();
  auto total = store.CountSubmissions();
  if (!total) return total.error();
  auto writer = report::MakeSubmissionWriter(options.format, out, *forms, options.scratch_dir);
  const auto form_of = [&](const core::Submission& s) -> const core::Form* {
    for (const core::Form& f : *forms) {
      if (f.code == s.form_code && f.version == s.form_version) return &f;
    }
    return nullptr;
  };
  std::int64_t seen = 0;
  *exported = 0;
  VIGIL_RETURN_IF_ERROR(store.ForEachSubmission([&](const storage::StoredSubmission& s) {
    ++seen;
    if (progress && seen % 10000 == 0) progress(seen, *total);
    if (options.cancelled && options.cancelled())
      return Status::Unavailable("the export was cancelled");
    const bool current = s.superseded_by.empty();
    if (options.current_only && !current) return Status::Ok();
    if (options.include && !options.include(s.submission)) return Status::Ok();
    ++*exported;
    if (options.anonymize) {
      const core::Submission anonymous =
          report::Anonymize(s.submission, form_of(s.submission), *exported);
      return writer->Write(
          {anonymous, core::CanonicalJson(anonymous), report::ToHour(s.received_at), current});
    }
    return writer->Write({s.submission, s.canonical_json, s.received_at, current});
  }));
  VIGIL_RETURN_IF_ERROR(writer->Finish());
  if (progress) progress(seen, *total);
  return Status::Ok();
}

Result<AuditReport> VerifyAudit(storage::Store& store, const Progress& progress) {
  // One consistent state, even while a server keeps writing.
  auto snapshot = store.PinSnapshot();
  if (!snapshot) return Fail(snapshot.error());
  AuditReport report;
  core::AuditChainVerifier verifier;
  // seq -> SHA-256(instance_id "\n" content hash) of each recorded submission.
  std::unordered_map<std::int64_t, Sha256> recorded;
  // What the store marks as replaced, and what the (hashed) edits say they
  // replace: instance_id -> the version that replaces it.
  std::map<std::string, std::string> marked_replaced;
  std::map<std::string, std::string> replaced;
  // form -> station -> current versions, from the submissions themselves.
  std::map<std::string, std::map<std::string, std::int64_t>> current;
  auto total = store.CountSubmissions();
  if (!total) return Fail(total.error());
  VIGIL_RETURN_IF_ERROR(store.ForEachAuditEntry([&](const core::AuditEntry& e) {
    if (!verifier.Add(e)) return Status::Ok();
    if (e.action == "submission.create" || e.action == "submission.edit") {
      boost::system::error_code ec;
      json::value detail = json::parse(e.detail, ec);
      const json::value* hash =
          ec || !detail.is_object() ? nullptr : detail.get_object().if_contains("content_sha256");
      recorded[e.seq] =
          HashSha256(e.subject + "\n" +
                     (hash != nullptr && hash->is_string() ? std::string(hash->get_string()) : ""));
    }
    return Status::Ok();
  }));
  report.entries = verifier.entries();
  report.head_hash = ToHex(verifier.head());
  report.chain_break = verifier.first_break();
  VIGIL_RETURN_IF_ERROR(store.ForEachSubmission([&](const storage::StoredSubmission& s) {
    ++report.submissions_checked;
    if (progress && report.submissions_checked % 10000 == 0)
      progress(report.submissions_checked, *total);
    const std::string body_hash = ToHex(HashSha256(s.canonical_json));
    const std::string& id = s.submission.instance_id;
    if (!s.superseded_by.empty()) marked_replaced[id] = s.superseded_by;
    if (!s.submission.replaces.empty()) replaced[s.submission.replaces] = id;
    if (s.superseded_by.empty()) ++current[s.submission.form_code][s.submission.station_code];
    if (body_hash != ToHex(s.content_hash)) {
      report.problems.push_back("submission " + id +
                                ": stored content does not match its content hash (altered)");
    }
    auto it = recorded.find(s.audit_seq);
    if (it == recorded.end()) {
      if (!report.chain_break || s.audit_seq < report.chain_break->seq) {
        report.problems.push_back("submission " + id + ": no audit entry " +
                                  std::to_string(s.audit_seq) +
                                  " records it (inserted outside vigil?)");
      }
    } else {
      if (it->second != HashSha256(id + "\n" + body_hash)) {
        report.problems.push_back("submission " + id + ": differs from what audit entry " +
                                  std::to_string(s.audit_seq) + " recorded (altered)");
      }
      recorded.erase(it);
    }
    return Status::Ok();
  }));
  for (const auto& [seq, hash] : recorded) {
    report.problems.push_back("audit entry " + std::to_string(seq) +
                              " records a submission that is missing from the store (deleted)");
  }
  // Which version is current decides what is counted, so it must follow from
  // the edits, and the store's counts from the submissions.
  for (const auto& [id, by] : replaced) {
    auto it = marked_replaced.find(id);
    if (it == marked_replaced.end() || it->second != by) {
      report.problems.push_back("submission " + id + ": replaced by " + by +
                                " but not marked so in the store (altered)");
    }
    if (it != marked_replaced.end()) marked_replaced.erase(it);
  }
  for (const auto& [id, by] : marked_replaced) {
    report.problems.push_back("submission " + id + ": marked as replaced by " + by +
                              ", which does not replace it (altered)");
  }
  for (const auto& [form, held] : current) {
    auto counted = store.CountReportsByStation(form);
    if (!counted) return Fail(counted.error());
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> stations;  // counted, held
    for (const storage::StationReports& r : *counted)
      stations[r.station_code].first = r.current_submissions;
    for (const auto& [station, n] : held) stations[station].second = n;
    for (const auto& [station, n] : stations) {
      if (n.first == n.second) continue;
      report.problems.push_back(
          "form " + form + " station " + station + ": the store counts " + std::to_string(n.first) +
          " current reports, its submissions hold " + std::to_string(n.second) + " (altered)");
    }
  }
  std::sort(report.problems.begin(), report.problems.end());
  if (progress) progress(report.submissions_checked, *total);
  return report;
}

}  // namespace vigil::service
