#include "api/review_routes.h"

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <charconv>

#include "api/routes.h"
#include "service/quality.h"

namespace vigil::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using service::Permission;

namespace {

using Respond = std::function<void(Response)>;

// The JSON object body of a POST; on failure answers and returns nullopt.
std::optional<json::object> ObjectBody(const Request& request, const Respond& respond) {
  auto body = ParseJsonBody(request, respond);
  if (!body) return std::nullopt;
  if (!body->is_object()) {
    Response res = JsonError(Status::InvalidArgument("the body must be a JSON object"));
    res.result(http::status::bad_request);
    respond(std::move(res));
    return std::nullopt;
  }
  return std::move(body->as_object());
}

// Field `key` of `o` as a string: "" if absent; nullopt (with a field error
// added) if present but not a string.
std::optional<std::string> StringField(const json::object& o, std::string_view key,
                                       std::vector<core::FieldError>* errors) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string()) {
    errors->push_back({std::string(key), "must be a string"});
    return std::nullopt;
  }
  return std::string(v->as_string());
}

json::object RuleJson(const storage::QualityRule& r) {
  json::object description;
  for (const auto& [language, text] : r.description) description[language] = text;
  return {{"code", r.code},
          {"form", r.form_code},
          {"expression", r.expression},
          {"description", std::move(description)},
          {"severity", storage::RuleSeverityName(r.severity)},
          {"enabled", r.enabled},
          {"updated_at", FormatRfc3339(r.updated_at)}};
}

json::object ChangeJson(const storage::ReviewChange& c) {
  return {{"instance_id", c.instance_id},
          {"from", core::ReviewStatusName(c.from)},
          {"to", core::ReviewStatusName(c.to)},
          {"note", c.note},
          {"actor", c.actor},
          {"at", FormatRfc3339(c.at)}};
}

// A rule from the body of POST /api/v1/rules; field errors for what is wrong.
std::optional<storage::QualityRule> RuleFromJson(const json::object& o,
                                                 std::vector<core::FieldError>* errors) {
  storage::QualityRule rule;
  const auto code = StringField(o, "code", errors);
  const auto form = StringField(o, "form", errors);
  const auto expression = StringField(o, "expression", errors);
  const auto severity = StringField(o, "severity", errors);
  if (code) rule.code = *code;
  if (form) rule.form_code = *form;
  if (expression) rule.expression = *expression;
  for (const auto& [key, value] :
       {std::pair{"code", &code}, std::pair{"form", &form}, std::pair{"expression", &expression}}) {
    if (*value && (*value)->empty()) errors->push_back({key, "required"});
  }
  if (severity && !severity->empty()) {
    auto parsed = storage::ParseRuleSeverity(*severity);
    if (!parsed) errors->push_back({"severity", "must be \"warning\" or \"error\""});
    rule.severity = parsed.value_or(storage::RuleSeverity::kWarning);
  }
  if (const json::value* d = o.if_contains("description")) {
    if (d->is_string()) {
      rule.description["en"] = std::string(d->as_string());
    } else if (d->is_object()) {
      for (const auto& [language, text] : d->as_object()) {
        if (!text.is_string()) {
          errors->push_back({"description." + std::string(language), "must be a string"});
          continue;
        }
        rule.description[std::string(language)] = std::string(text.as_string());
      }
    } else {
      errors->push_back({"description", "must be a string or an object of texts by language"});
    }
  }
  if (const json::value* e = o.if_contains("enabled")) {
    if (!e->is_bool()) {
      errors->push_back({"enabled", "must be true or false"});
    } else {
      rule.enabled = e->as_bool();
    }
  }
  for (const auto& [key, value] : o) {
    if (key != "code" && key != "form" && key != "expression" && key != "severity" &&
        key != "description" && key != "enabled") {
      errors->push_back({std::string(key), "unknown field"});
    }
  }
  if (!errors->empty()) return std::nullopt;
  return rule;
}

std::optional<std::int64_t> ParseCount(const std::string& text) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

}  // namespace

Result<json::object> ReviewJson(storage::Store& store, const std::string& instance_id) {
  auto changes = store.ListReviews(instance_id);
  if (!changes) return Fail(changes.error());
  auto flags = store.ListRuleFlags(instance_id);
  if (!flags) return Fail(flags.error());
  json::array history;
  for (const storage::ReviewChange& c : *changes) {
    json::object entry = ChangeJson(c);
    entry.erase("instance_id");
    history.push_back(std::move(entry));
  }
  json::array rule_flags;
  for (const std::string& f : *flags) rule_flags.emplace_back(f);
  return json::object{
      {"status", core::ReviewStatusName(changes->empty() ? core::ReviewStatus::kUnreviewed
                                                         : changes->back().to)},
      {"history", std::move(history)},
      {"rule_flags", std::move(rule_flags)}};
}

std::vector<Route> ReviewRoutes(const ApiServices& services) {
  service::MissionService& service = services.mission;
  std::vector<Route> routes;
  const auto add = [&](http::verb method, std::string pattern, Permission permission,
                       std::function<void(RouteRequest&, Respond)> handle) {
    routes.push_back({method, std::move(pattern), permission, std::move(handle)});
  };

  add(http::verb::get, "/api/v1/rules", Permission::kReadStatistics,
      [&service](RouteRequest&, Respond respond) {
        auto rules = service.store().ListRules();
        if (!rules) {
          respond(JsonError(rules.error()));
          return;
        }
        json::array list;
        for (const storage::QualityRule& r : *rules) list.push_back(RuleJson(r));
        respond(JsonResponse(http::status::ok, json::object{{"rules", std::move(list)}}));
      });

  // Adds or replaces a rule, then evaluates it over the stored submissions
  // in this request (one pass over its form's current submissions).
  add(http::verb::post, "/api/v1/rules", Permission::kManageRules,
      [&service](RouteRequest& r, Respond respond) {
        auto body = ObjectBody(r.request, respond);
        if (!body) return;
        std::vector<core::FieldError> errors;
        auto rule = RuleFromJson(*body, &errors);
        if (!rule) {
          respond(JsonError(Status::InvalidArgument("the rule is malformed"), errors));
          return;
        }
        analysis::RuleSyntaxError syntax;
        auto evaluated = service::SaveRule(service, *rule, {r.principal->actor}, &syntax);
        if (!evaluated) {
          if (syntax.column == 0) {
            respond(JsonError(evaluated.error()));
            return;
          }
          // The column, for a client to put the cursor there.
          Response res =
              JsonError(evaluated.error(), {{"expression", evaluated.error().message()}});
          json::value error = json::parse(res.body());
          error.as_object()["position"] = syntax.column;
          respond(JsonResponse(res.result(), error));
          return;
        }
        respond(JsonResponse(http::status::created,
                             json::object{{"rule", RuleJson(*rule)},
                                          {"checked", evaluated->checked},
                                          {"flagged", evaluated->flagged},
                                          {"not_applicable", evaluated->not_applicable}}));
      });

  for (const bool enable : {true, false}) {
    add(http::verb::post, enable ? "/api/v1/rules/{code}/enable" : "/api/v1/rules/{code}/disable",
        Permission::kManageRules, [&service, enable](RouteRequest& r, Respond respond) {
          const Status s =
              service::SetRuleEnabled(service, r.params[0], enable, {r.principal->actor});
          if (!s.ok()) {
            respond(JsonError(s));
            return;
          }
          respond(JsonResponse(http::status::ok,
                               json::object{{"code", r.params[0]}, {"enabled", enable}}));
        });
  }

  add(http::verb::get, "/api/v1/quality", Permission::kReview,
      [&service](RouteRequest& r, Respond respond) {
        service::QualityQuery query;
        query.rule = r.Query("rule");
        query.form = r.Query("form");
        query.region = r.Query("region");
        std::vector<core::FieldError> errors;
        if (const std::string status = r.Query("status"); !status.empty()) {
          query.status = core::ParseReviewStatus(status);
          if (!query.status) {
            errors.push_back({"status", "must be unreviewed, verified, quarantined or rejected"});
          }
        }
        for (const auto& [key, value] :
             {std::pair{"offset", &query.offset}, std::pair{"limit", &query.limit}}) {
          const std::string text = r.Query(key);
          if (text.empty()) continue;
          const auto n = ParseCount(text);
          if (!n) {
            errors.push_back({key, "must be a whole number"});
          } else {
            *value = *n;
          }
        }
        if (!errors.empty()) {
          respond(JsonError(Status::InvalidArgument("bad query"), errors));
          return;
        }
        auto page = service::ListQuality(service.store(), *service.Mission(), *r.principal, query);
        if (!page) {
          respond(JsonError(page.error()));
          return;
        }
        json::array items;
        for (const storage::FlaggedSubmission& f : page->items) {
          json::array rules;
          for (const std::string& code : f.rules) rules.emplace_back(code);
          items.push_back(json::object{{"instance_id", f.instance_id},
                                       {"form", f.form_code},
                                       {"station", f.station_code},
                                       {"observer", f.observer_code},
                                       {"received_at", FormatRfc3339(f.received_at)},
                                       {"rules", std::move(rules)},
                                       {"status", core::ReviewStatusName(f.status)}});
        }
        respond(JsonResponse(http::status::ok, json::object{{"total", page->total},
                                                            {"offset", query.offset},
                                                            {"limit", query.limit},
                                                            {"submissions", std::move(items)}}));
      });

  add(http::verb::post, "/api/v1/submissions/{instance_id}/review", Permission::kReview,
      [&service](RouteRequest& r, Respond respond) {
        auto body = ObjectBody(r.request, respond);
        if (!body) return;
        std::vector<core::FieldError> errors;
        const auto status = StringField(*body, "status", &errors);
        const auto note = StringField(*body, "note", &errors);
        const auto expected = StringField(*body, "expected", &errors);
        std::optional<core::ReviewStatus> to, from;
        if (status) {
          to = core::ParseReviewStatus(*status);
          if (!to) {
            errors.push_back({"status", "must be unreviewed, verified, quarantined or rejected"});
          }
        }
        if (expected && !expected->empty()) {
          from = core::ParseReviewStatus(*expected);
          if (!from) {
            errors.push_back({"expected", "must be unreviewed, verified, quarantined or rejected"});
          }
        }
        if (note && note->size() > 2000) errors.push_back({"note", "longer than 2000 bytes"});
        for (const auto& [key, value] : *body) {
          if (key != "status" && key != "note" && key != "expected") {
            errors.push_back({std::string(key), "unknown field"});
          }
        }
        if (!errors.empty()) {
          respond(JsonError(Status::InvalidArgument("the review is malformed"), errors));
          return;
        }
        auto change = service.Review(r.params[0], *to, *note, from, *r.principal);
        if (!change) {
          respond(JsonError(change.error()));
          return;
        }
        respond(JsonResponse(http::status::ok, ChangeJson(*change)));
      });
  return routes;
}

}  // namespace vigil::api
