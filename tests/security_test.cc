// Access control end to end: every route of the server against every role
// and against no credentials, checked against the permission table in
// service/permissions.cc and against the matrix in docs/security.md; and
// the security headers on every response.
#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "ingest/xlsx.h"
#include "support/test_mission.h"

namespace vigil::testing {
namespace {

namespace http = boost::beast::http;

struct Caller {
  std::string name;  // a role, or "none"
  std::optional<core::Role> role;
  std::string token;
};

class SecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mission_.Create();
    server_ = std::make_unique<RunningServer>(mission_.dir.path() + "/mission");
    callers_ = {{"admin", core::Role::kAdmin, mission_.admin_token},
                {"analyst", core::Role::kAnalyst, mission_.analyst_token},
                {"coordinator", core::Role::kCoordinator, mission_.coordinator_token},
                {"observer", core::Role::kObserver, mission_.observer1_token},
                {"viewer", core::Role::kViewer, mission_.viewer_token},
                {"none", std::nullopt, ""}};
  }

  // The route's pattern with each {placeholder} filled in.
  static std::string Target(const std::string& pattern) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i] == '{') {
        i = pattern.find('}', i);
        out += "x";
      } else {
        out += pattern[i];
      }
    }
    return out;
  }

  TestMission mission_;
  std::unique_ptr<RunningServer> server_;
  std::vector<Caller> callers_;
};

TEST_F(SecurityTest, EveryRouteAllowsExactlyTheRolesWithItsPermission) {
  const auto& routes = server_->server().router().routes();
  ASSERT_GT(routes.size(), 10u);
  for (const api::Route& route : routes) {
    // A streamed route (the event stream) never ends its body when allowed:
    // asked with a filter it refuses, an allowed caller gets a whole 422.
    const std::string target =
        Target(route.pattern) + (route.handle_stream ? "?types=no-such-type" : "");
    for (const Caller& caller : callers_) {
      SCOPED_TRACE(std::string(http::to_string(route.method)) + " " + target + " as " +
                   caller.name);
      auto res = server_->Client(caller.token)->Send(route.method, target, "{}");
      ASSERT_TRUE(res.has_value()) << res.error().ToString();
      if (route.odk_login) {
        // Only an observer's ODK login opens these; a token is no credential here.
        EXPECT_EQ(res->status, 401) << res->body;
        EXPECT_EQ(res->headers["www-authenticate"].rfind("Digest realm=\"vigil\"", 0), 0u);
      } else if (!route.permission) {
        EXPECT_NE(res->status, 401);
        EXPECT_NE(res->status, 403);
      } else if (!caller.role) {
        EXPECT_EQ(res->status, 401) << res->body;
        EXPECT_EQ(res->headers["www-authenticate"], "Bearer realm=\"vigil\"");
      } else if (service::RoleHas(*caller.role, *route.permission)) {
        EXPECT_NE(res->status, 401) << res->body;
        EXPECT_NE(res->status, 403) << res->body;
      } else {
        EXPECT_EQ(res->status, 403) << res->body;
      }
    }
  }
}

// docs/security.md's matrix (section "The route matrix"): one row per
// route, "| `METHOD /path` |
// `permission` | admin | analyst | coordinator | observer | viewer |" with
// "yes" or "no" per role.
std::map<std::string, std::vector<std::string>> DocumentedMatrix() {
  const char* source = std::getenv("VIGIL_SOURCE_DIR");
  std::ifstream in(std::string(source ? source : ".") + "/docs/security.md");
  EXPECT_TRUE(in.good()) << "docs/security.md not found; is VIGIL_SOURCE_DIR set?";
  std::map<std::string, std::vector<std::string>> rows;
  std::string line;
  bool in_matrix = false;  // within the section "## The route matrix"
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_matrix = line == "## The route matrix";
    if (!in_matrix || line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    std::string cell;
    while (std::getline(ss, cell, '|')) {
      const auto first = cell.find_first_not_of(' ');
      const auto last = cell.find_last_not_of(' ');
      cells.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
    }
    if (!cells.empty() && cells.back().empty()) cells.pop_back();
    if (cells.empty()) continue;
    const std::string route = cells.front();
    cells.erase(cells.begin());
    rows[route] = cells;
  }
  return rows;
}

TEST_F(SecurityTest, DocumentedMatrixIsTheCodes) {
  std::map<std::string, std::vector<std::string>> expected;
  for (const api::Route& route : server_->server().router().routes()) {
    std::vector<std::string> cells = {
        route.odk_login    ? "ODK login"
        : route.permission ? "`" + std::string(service::PermissionName(*route.permission)) + "`"
                           : "public"};
    for (const Caller& caller : callers_) {
      if (!caller.role) continue;
      cells.push_back(!route.odk_login && (!route.permission ||
                                           service::RoleHas(*caller.role, *route.permission))
                          ? "yes"
                          : "no");
    }
    expected["`" + std::string(http::to_string(route.method)) + " " + route.pattern + "`"] = cells;
  }
  const auto documented = DocumentedMatrix();
  std::string table;  // the rows as the code has them, to paste into the doc
  for (const auto& [route, cells] : expected) {
    table += "| " + route + " |";
    for (const std::string& c : cells) table += " " + c + " |";
    table += "\n";
  }
  EXPECT_EQ(documented, expected)
      << "docs/security.md disagrees with the code; its rows should be:\n"
      << table;
}

// The coordinator of the test mission sees region R2 only: PS-11..PS-20
// and the observers assigned there, OBS-3 and OBS-4.
TEST_F(SecurityTest, ACoordinatorSeesOnlyItsRegion) {
  auto admin = server_->Client(mission_.admin_token);
  ASSERT_EQ(admin->PostJson("/api/v1/submissions", ValidSubmission("uuid:north"))->status, 201);
  ASSERT_EQ(admin->PostJson("/api/v1/submissions", ValidSubmission("uuid:south", "OBS-3", "PS-11"))
                ->status,
            201);
  auto coordinator = server_->Client(mission_.coordinator_token);
  auto analyst = server_->Client(mission_.analyst_token);

  // Outside the region a submission is not forbidden but absent.
  EXPECT_EQ(coordinator->Get("/api/v1/submissions/uuid:north")->status, 404);
  EXPECT_EQ(coordinator->Get("/api/v1/submissions/uuid:south")->status, 200);
  EXPECT_EQ(analyst->Get("/api/v1/submissions/uuid:north")->status, 200);

  const auto codes = [](const std::string& body, const char* list, const char* key) {
    std::vector<std::string> out;
    const boost::json::value parsed = boost::json::parse(body);
    for (const auto& item : parsed.at(list).as_array()) out.emplace_back(item.at(key).as_string());
    return out;
  };
  auto observers = coordinator->Get("/api/v1/observers");
  ASSERT_EQ(observers->status, 200);
  EXPECT_EQ(codes(observers->body, "observers", "code"),
            (std::vector<std::string>{"OBS-3", "OBS-4"}));
  EXPECT_EQ(codes(analyst->Get("/api/v1/observers")->body, "observers", "code").size(), 4u);

  auto coverage = coordinator->Get("/api/v1/coverage?depth=1");
  ASSERT_EQ(coverage->status, 200);
  const auto c = boost::json::parse(coverage->body);
  EXPECT_EQ(c.at("stations").as_int64(), 10);
  EXPECT_EQ(c.at("reported").as_int64(), 1);
  EXPECT_EQ(codes(coverage->body, "areas", "code"), (std::vector<std::string>{"R2-D1", "R2-D2"}));
  auto exported = coordinator->Get("/api/v1/export/submissions?format=jsonl");
  ASSERT_EQ(exported->status, 200);
  EXPECT_NE(exported->body.find("uuid:south"), std::string::npos) << exported->body;
  EXPECT_EQ(exported->body.find("uuid:north"), std::string::npos) << exported->body;

  const auto all = boost::json::parse(analyst->Get("/api/v1/coverage")->body);
  EXPECT_EQ(all.at("stations").as_int64(), 20);
  EXPECT_EQ(all.at("reported").as_int64(), 2);
}

// A viewer's export names no observer and links no versions; free text and
// exact times are gone too. An analyst's keeps them.
TEST_F(SecurityTest, AViewersExportIsAnonymized) {
  auto admin = server_->Client(mission_.admin_token);
  boost::json::value submission = boost::json::parse(ValidSubmission("uuid:one"));
  submission.as_object()["answers"].as_object()["VC"] = "the chair, Ivan Petrov, shouted";
  ASSERT_EQ(admin->PostJson("/api/v1/submissions", boost::json::serialize(submission))->status,
            201);

  auto viewer = server_->Client(mission_.viewer_token)->Get("/api/v1/export/submissions");
  ASSERT_EQ(viewer->status, 200) << viewer->body;
  EXPECT_EQ(viewer->headers["content-type"], "text/csv; charset=utf-8; header=present");
  EXPECT_EQ(viewer->headers["transfer-encoding"], "chunked") << "streamed as it is read";
  for (const char* secret : {"OBS-1", "uuid:one", "Ivan Petrov", "token:"}) {
    EXPECT_EQ(viewer->body.find(secret), std::string::npos) << secret << " in\n" << viewer->body;
  }
  EXPECT_NE(viewer->body.find("anon:1"), std::string::npos) << viewer->body;
  EXPECT_NE(viewer->body.find("PS-01"), std::string::npos) << viewer->body;

  auto analyst = server_->Client(mission_.analyst_token)->Get("/api/v1/export/submissions");
  ASSERT_EQ(analyst->status, 200);
  EXPECT_NE(analyst->body.find("OBS-1"), std::string::npos);
  EXPECT_NE(analyst->body.find("Ivan Petrov"), std::string::npos);
}

// ?format=xlsx: a workbook with the CSV's columns, as an attachment; the
// same permission and the same anonymizing as the CSV.
TEST_F(SecurityTest, AnXlsxExportIsAWorkbookForThoseWhoMayExport) {
  auto admin = server_->Client(mission_.admin_token);
  boost::json::value submission = boost::json::parse(ValidSubmission("uuid:one"));
  submission.as_object()["answers"].as_object()["VC"] = "the chair, Ivan Petrov, shouted";
  ASSERT_EQ(admin->PostJson("/api/v1/submissions", boost::json::serialize(submission))->status,
            201);
  const std::string target = "/api/v1/export/submissions?format=xlsx";

  auto analyst = server_->Client(mission_.analyst_token)->Get(target);
  ASSERT_EQ(analyst->status, 200) << analyst->body;
  EXPECT_EQ(analyst->headers["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(analyst->headers["content-disposition"], "attachment; filename=\"submissions.xlsx\"");
  const auto cells = [](const std::string& body) {
    std::vector<std::vector<std::string>> rows;
    auto sheets = ingest::ReadXlsx(body);
    EXPECT_TRUE(sheets.has_value()) << (sheets ? "" : sheets.error().message());
    if (!sheets || sheets->size() != 1 || (*sheets)[0].name != "submissions") {
      ADD_FAILURE() << "not one sheet named submissions";
      return rows;
    }
    for (const ingest::XlsxRow& row : (*sheets)[0].rows) {
      auto& texts = rows.emplace_back();
      for (const ingest::XlsxCell& c : row.cells) {
        texts.resize(c.column + 1);
        texts[c.column] = c.text;
      }
    }
    return rows;
  };
  auto rows = cells(analyst->body);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_GE(rows[0].size(), 5u);
  EXPECT_EQ(rows[0][0], "instance_id");
  EXPECT_EQ(rows[0][4], "observer");
  ASSERT_GE(rows[1].size(), 5u);
  EXPECT_EQ(rows[1][0], "uuid:one");
  EXPECT_EQ(rows[1][4], "OBS-1");

  auto viewer = server_->Client(mission_.viewer_token)->Get(target);
  ASSERT_EQ(viewer->status, 200) << viewer->body;
  rows = cells(viewer->body);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][0], "anon:1");
  for (const std::string& cell : rows[1]) {
    for (const char* secret : {"OBS-1", "uuid:one", "Ivan Petrov"}) {
      EXPECT_EQ(cell.find(secret), std::string::npos) << secret;
    }
  }

  auto observer = server_->Client(mission_.observer1_token)->Get(target);
  EXPECT_EQ(observer->status, 403) << observer->body;
  EXPECT_EQ(server_->Client("")->Get(target)->status, 401);
}

TEST_F(SecurityTest, AnExportInAnUnknownFormatIsRefusedNamingTheFormats) {
  auto res = server_->Client(mission_.analyst_token)->Get("/api/v1/export/submissions?format=ods");
  EXPECT_EQ(res->status, 422);
  EXPECT_NE(res->body.find("csv, jsonl or xlsx"), std::string::npos) << res->body;
}

TEST_F(SecurityTest, EveryResponseCarriesTheSecurityHeaders) {
  for (const std::string& target :
       {std::string("/healthz"), std::string("/api/v1/nothing"), std::string("/api/v1/forms")}) {
    SCOPED_TRACE(target);
    auto res = server_->Client("")->Get(target);
    ASSERT_TRUE(res.has_value());
    EXPECT_EQ(res->headers["x-content-type-options"], "nosniff");
    EXPECT_EQ(res->headers["x-frame-options"], "DENY");
    EXPECT_EQ(res->headers["referrer-policy"], "no-referrer");
    EXPECT_EQ(res->headers["cache-control"], "no-store");
    const std::string csp = res->headers["content-security-policy"];
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  }
}

}  // namespace
}  // namespace vigil::testing
