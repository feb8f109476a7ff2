#include "core/submission.h"

#include <algorithm>
#include <boost/json.hpp>

namespace vigil::core {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxIdLength = 200;

bool IsPrintableId(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

}  // namespace

Result<Submission> SubmissionFromJson(const json::value& v, std::vector<FieldError>* errors) {
  const std::size_t errors_before = errors->size();
  if (!v.is_object()) {
    errors->push_back({"$", "expected a JSON object"});
    return Fail(Status::InvalidArgument("submission is not a JSON object"));
  }
  const json::object& o = v.get_object();
  Submission s;
  const auto text = [&](std::string_view key, bool required, std::string* out) {
    const json::value* f = o.if_contains(key);
    if (f == nullptr || f->is_null()) {
      if (required) errors->push_back({std::string(key), "required"});
      return;
    }
    if (!f->is_string()) {
      errors->push_back({std::string(key), "expected text"});
      return;
    }
    const json::string& str = f->get_string();
    if (str.empty() || str.size() > kMaxIdLength || !IsPrintableId(str)) {
      errors->push_back(
          {std::string(key), "expected 1 to 200 printable characters without spaces"});
      return;
    }
    out->assign(str.data(), str.size());
  };
  const auto time = [&](std::string_view key, std::optional<Timestamp>* out) {
    const json::value* f = o.if_contains(key);
    if (f == nullptr || f->is_null()) return;
    if (!f->is_string()) {
      errors->push_back({std::string(key), "expected an RFC 3339 time"});
      return;
    }
    auto t = ParseRfc3339(f->get_string());
    if (!t) {
      errors->push_back({std::string(key), t.error().message()});
      return;
    }
    *out = *t;
  };

  text("instance_id", true, &s.instance_id);
  constexpr std::string_view kUuidPrefix = "uuid:";
  if (!s.instance_id.empty() &&
      (!s.instance_id.starts_with(kUuidPrefix) || s.instance_id.size() == kUuidPrefix.size())) {
    errors->push_back({"instance_id", "expected 'uuid:' followed by a UUID"});
  }
  text("form", true, &s.form_code);
  text("form_version", false, &s.form_version);
  text("station", true, &s.station_code);
  text("observer", true, &s.observer_code);
  text("replaces", false, &s.replaces);
  time("started_at", &s.started_at);
  time("submitted_at", &s.submitted_at);
  if (const json::value* a = o.if_contains("answers"); a == nullptr) {
    errors->push_back({"answers", "required"});
  } else if (!a->is_object()) {
    errors->push_back({"answers", "expected an object of question code -> answer"});
  } else {
    s.answers = a->get_object();
  }
  static constexpr std::string_view kKnown[] = {"instance_id",  "form",     "form_version",
                                                "station",      "observer", "started_at",
                                                "submitted_at", "replaces", "answers"};
  for (const auto& [key, value] : o) {
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      errors->push_back({std::string(key), "unknown field"});
    }
  }
  if (errors->size() != errors_before)
    return Fail(Status::InvalidArgument("submission is malformed"));
  return s;
}

namespace {

// `o` with its keys sorted, and so the items of repeats within it.
json::object SortedObject(const json::object& o) {
  std::vector<const json::key_value_pair*> fields;
  fields.reserve(o.size());
  for (const auto& kv : o) fields.push_back(&kv);
  std::sort(fields.begin(), fields.end(),
            [](const auto* a, const auto* b) { return a->key() < b->key(); });
  json::object sorted;
  sorted.reserve(fields.size());
  for (const auto* kv : fields) {
    if (kv->value().is_array()) {
      json::array items;
      for (const json::value& item : kv->value().get_array()) {
        items.push_back(item.is_object() ? json::value(SortedObject(item.get_object())) : item);
      }
      sorted.emplace(kv->key(), std::move(items));
    } else {
      sorted.emplace(kv->key(), kv->value());
    }
  }
  return sorted;
}

}  // namespace

Result<Submission> SubmissionFromJson(json::value&& json, std::vector<FieldError>* errors) {
  json::object answers;
  json::value* given = json.is_object() ? json.get_object().if_contains("answers") : nullptr;
  if (given != nullptr && given->is_object()) {
    answers = std::move(given->get_object());
    *given = json::object(answers.storage());  // still an object, now empty: nothing to copy
  }
  auto s = SubmissionFromJson(static_cast<const json::value&>(json), errors);
  if (s) s->answers = std::move(answers);
  return s;
}

std::string CanonicalJson(const Submission& s) {
  // Key order is fixed by construction: boost::json::object keeps insertion order.
  json::object o;
  o["instance_id"] = s.instance_id;
  o["form"] = s.form_code;
  o["form_version"] = s.form_version;
  o["station"] = s.station_code;
  o["observer"] = s.observer_code;
  o["started_at"] = s.started_at ? json::value(FormatRfc3339(*s.started_at)) : json::value(nullptr);
  o["submitted_at"] =
      s.submitted_at ? json::value(FormatRfc3339(*s.submitted_at)) : json::value(nullptr);
  o["replaces"] = s.replaces.empty() ? json::value(nullptr) : json::value(s.replaces);
  o["answers"] = SortedObject(s.answers);
  return json::serialize(o);
}

}  // namespace vigil::core
