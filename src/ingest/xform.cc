#include "ingest/xform.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <pugixml.hpp>
#include <set>
#include <sstream>

namespace vigil::ingest {

namespace json = boost::json;
using core::Question;
using core::QuestionType;

namespace {

constexpr std::string_view kRoot = "data";

// Labels of the options that yes_no, yes_no_na and assessment imply; other
// languages fall back to English.
struct FixedLabel {
  std::string_view value, en, ru;
};
constexpr FixedLabel kFixedLabels[] = {
    {"yes", "Yes", "Да"},
    {"no", "No", "Нет"},
    {"na", "Not applicable", "Неприменимо"},
    {"very_good", "Very good", "Очень хорошо"},
    {"good", "Good", "Хорошо"},
    {"bad", "Bad", "Плохо"},
    {"very_bad", "Very bad", "Очень плохо"},
};

const core::Labels kStationLabels = {{"en", "Polling station code"},
                                     {"ru", "Код избирательного участка"}};

core::Labels FixedOptionLabels(std::string_view value) {
  for (const FixedLabel& f : kFixedLabels) {
    if (f.value == value) return {{"en", std::string(f.en)}, {"ru", std::string(f.ru)}};
  }
  return {};
}

bool IsXmlName(std::string_view name) {
  const auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (name.empty() || !(letter(name[0]) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) {
    return letter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
  });
}

std::string FormatNumber(double d) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, end);
}

const char* BindType(QuestionType type) {
  switch (type) {
    case QuestionType::kInteger:
      return "int";
    case QuestionType::kDecimal:
      return "decimal";
    case QuestionType::kTime:
      return "time";
    case QuestionType::kImage:
      return "binary";
    default:
      return "string";
  }
}

std::string Constraint(const Question& q) {
  if (q.type == QuestionType::kInteger || q.type == QuestionType::kDecimal) {
    std::string c;
    if (q.min) c = ". >= " + FormatNumber(*q.min);
    if (q.max) c += (c.empty() ? "" : " and ") + (". <= " + FormatNumber(*q.max));
    return c;
  }
  if (q.type == QuestionType::kText) {
    return "string-length(.) <= " + FormatNumber(q.max.value_or(2000));
  }
  return {};
}

// The text for `lang`, else the default language's, else any, else `fallback`.
std::string LabelIn(const core::Labels& labels, const std::string& lang,
                    const std::string& default_lang, std::string_view fallback) {
  if (auto it = labels.find(lang); it != labels.end()) return it->second;
  if (auto it = labels.find(default_lang); it != labels.end()) return it->second;
  if (!labels.empty()) return labels.begin()->second;
  return std::string(fallback);
}

struct Itext {
  std::string id;
  const core::Labels* labels;
  std::string fallback;
};

std::string Trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// "uuid:..." may come as orx:instanceID; compare names without a prefix.
std::string_view LocalName(std::string_view name) {
  const std::size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

}  // namespace

Result<std::string> MakeXForm(const core::Form& form) {
  static constexpr std::string_view kReserved[] = {kStationField, kStartedField, kSubmittedField,
                                                   "meta"};
  for (const Question& q : form.questions) {
    if (!IsXmlName(q.code) ||
        std::find(std::begin(kReserved), std::end(kReserved), q.code) != std::end(kReserved)) {
      return Fail(Status::InvalidArgument(
          "form " + form.code + " version " + form.version + ": question code '" + q.code +
          "' cannot be an XForm element name (it must start with a letter or '_', hold only "
          "letters, digits, '_', '-' and '.', and not be station, started_at, submitted_at or "
          "meta)"));
    }
  }
  // Every language any label is given in.
  std::set<std::string> languages;
  const auto note = [&](const core::Labels& labels) {
    for (const auto& [lang, text] : labels) languages.insert(lang);
  };
  note(form.title);
  for (const Question& q : form.questions) {
    note(q.labels);
    for (const core::Option& o : q.options) note(o.labels);
  }
  if (languages.empty()) languages.insert("en");
  const std::string default_lang = languages.contains("en") ? "en" : *languages.begin();

  const std::string root_path = "/" + std::string(kRoot);
  std::vector<Itext> texts;
  std::vector<core::Labels> fixed;  // storage for implied option labels
  fixed.reserve(form.questions.size() * 4);

  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node html = doc.append_child("h:html");
  html.append_attribute("xmlns") = "http://www.w3.org/2002/xforms";
  html.append_attribute("xmlns:h") = "http://www.w3.org/1999/xhtml";
  html.append_attribute("xmlns:jr") = "http://openrosa.org/javarosa";
  html.append_attribute("xmlns:orx") = "http://openrosa.org/xforms";
  html.append_attribute("xmlns:odk") = "http://www.opendatakit.org/xforms";
  html.append_attribute("xmlns:xsd") = "http://www.w3.org/2001/XMLSchema";
  pugi::xml_node head = html.append_child("h:head");
  head.append_child("h:title").text() =
      LabelIn(form.title, default_lang, default_lang, form.code).c_str();
  pugi::xml_node model = head.append_child("model");
  model.append_attribute("odk:xforms-version") = "1.0.0";
  pugi::xml_node itext = model.append_child("itext");
  pugi::xml_node instance = model.append_child("instance");
  pugi::xml_node data = instance.append_child(std::string(kRoot).c_str());
  data.append_attribute("id") = XFormId(form).c_str();
  data.append_attribute("version") = form.version.c_str();
  pugi::xml_node body = html.append_child("h:body");

  const auto bind = [&](const std::string& path, const char* type) {
    pugi::xml_node b = model.append_child("bind");
    b.append_attribute("nodeset") = path.c_str();
    b.append_attribute("type") = type;
    return b;
  };
  const auto label = [&](pugi::xml_node control, const std::string& id, const core::Labels& labels,
                         std::string_view fallback) {
    texts.push_back({id, &labels, std::string(fallback)});
    control.append_child("label").append_attribute("ref") = ("jr:itext('" + id + "')").c_str();
  };

  // The station first: it is what every report is about.
  data.append_child(std::string(kStationField).c_str());
  const std::string station_path = root_path + "/" + std::string(kStationField);
  bind(station_path, "string").append_attribute("required") = "true()";
  pugi::xml_node station_input = body.append_child("input");
  station_input.append_attribute("ref") = station_path.c_str();
  label(station_input, station_path + ":label", kStationLabels, kStationField);

  for (const Question& q : form.questions) {
    data.append_child(q.code.c_str());
    const std::string path = root_path + "/" + q.code;
    pugi::xml_node b = bind(path, BindType(q.type));
    if (q.required) b.append_attribute("required") = "true()";
    if (const std::string c = Constraint(q); !c.empty()) {
      b.append_attribute("constraint") = c.c_str();
    }
    const char* control_name = "input";
    if (q.type == QuestionType::kSelectMultiple) {
      control_name = "select";
    } else if (!core::Form::AllowedValues(q).empty()) {
      control_name = "select1";
    } else if (q.type == QuestionType::kImage) {
      control_name = "upload";
    }
    pugi::xml_node control = body.append_child(control_name);
    control.append_attribute("ref") = path.c_str();
    if (q.type == QuestionType::kImage) control.append_attribute("mediatype") = "image/*";
    label(control, path + ":label", q.labels, q.code);
    if (q.options.empty()) {
      for (const std::string& value : core::Form::AllowedValues(q)) {
        fixed.push_back(FixedOptionLabels(value));
        pugi::xml_node item = control.append_child("item");
        label(item, path + "/" + value + ":label", fixed.back(), value);
        item.append_child("value").text() = value.c_str();
      }
    } else {
      for (const core::Option& o : q.options) {
        pugi::xml_node item = control.append_child("item");
        label(item, path + "/" + o.value + ":label", o.labels, o.value);
        item.append_child("value").text() = o.value.c_str();
      }
    }
  }

  data.append_child(std::string(kStartedField).c_str());
  data.append_child(std::string(kSubmittedField).c_str());
  pugi::xml_node started = bind(root_path + "/" + std::string(kStartedField), "dateTime");
  started.append_attribute("jr:preload") = "timestamp";
  started.append_attribute("jr:preloadParams") = "start";
  pugi::xml_node submitted = bind(root_path + "/" + std::string(kSubmittedField), "dateTime");
  submitted.append_attribute("jr:preload") = "timestamp";
  submitted.append_attribute("jr:preloadParams") = "end";

  data.append_child("meta").append_child("instanceID");
  pugi::xml_node id_bind = bind(root_path + "/meta/instanceID", "string");
  id_bind.append_attribute("readonly") = "true()";
  id_bind.append_attribute("jr:preload") = "uid";

  for (const std::string& lang : languages) {
    pugi::xml_node translation = itext.append_child("translation");
    translation.append_attribute("lang") = lang.c_str();
    if (lang == default_lang) translation.append_attribute("default") = "true()";
    for (const Itext& t : texts) {
      pugi::xml_node text = translation.append_child("text");
      text.append_attribute("id") = t.id.c_str();
      text.append_child("value").text() =
          LabelIn(*t.labels, lang, default_lang, t.fallback).c_str();
    }
  }

  std::ostringstream out;
  doc.save(out, "  ", pugi::format_indent, pugi::encoding_utf8);
  return out.str();
}

Result<XFormInstance> ParseXFormInstance(std::string_view xml) {
  pugi::xml_document doc;
  // No parse_doctype entities are expanded by pugixml, and it reads no
  // external files, so an instance cannot make us read anything.
  const pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return Fail(Status::InvalidArgument(
        "the submission is not well-formed XML: " + std::string(parsed.description()) +
        " at byte " + std::to_string(parsed.offset)));
  }
  const pugi::xml_node root = doc.document_element();
  if (!root) return Fail(Status::InvalidArgument("the submission XML has no root element"));
  XFormInstance out;
  out.form_id = root.attribute("id").value();
  if (out.form_id.empty()) {
    return Fail(Status::InvalidArgument("the root element <" + std::string(root.name()) +
                                        "> has no id attribute naming the form"));
  }
  out.form_version = root.attribute("version").value();
  std::set<std::string, std::less<>> seen;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    const std::string_view name = child.name();
    if (LocalName(name) == "meta") {
      for (pugi::xml_node m : child.children()) {
        if (m.type() != pugi::node_element) continue;
        if (LocalName(m.name()) == "instanceID") {
          out.instance_id = Trim(m.text().get());
        } else if (LocalName(m.name()) == "deprecatedID") {
          out.deprecated_id = Trim(m.text().get());
        }
      }
      continue;
    }
    if (child.find_child([](pugi::xml_node n) { return n.type() == pugi::node_element; })) {
      return Fail(Status::InvalidArgument("element <" + std::string(name) +
                                          "> holds other elements; this form has no groups"));
    }
    if (!seen.insert(std::string(name)).second) {
      return Fail(Status::InvalidArgument("element <" + std::string(name) + "> is given twice"));
    }
    out.fields.emplace_back(std::string(name), child.text().get());
  }
  if (out.instance_id.empty()) {
    return Fail(Status::InvalidArgument("the submission has no <meta><instanceID>"));
  }
  return out;
}

json::value InstanceToSubmissionJson(const XFormInstance& instance, const core::Form& form,
                                     std::string_view observer_code) {
  json::object o;
  o["instance_id"] = instance.instance_id;
  o["form"] = instance.form_id;
  if (!instance.form_version.empty()) o["form_version"] = instance.form_version;
  o["observer"] = observer_code;
  if (!instance.deprecated_id.empty()) o["replaces"] = instance.deprecated_id;
  json::object answers;
  for (const auto& [name, raw] : instance.fields) {
    const std::string text = Trim(raw);
    if (name == kStationField) {
      if (!text.empty()) o["station"] = text;
      continue;
    }
    if (name == kStartedField || name == kSubmittedField) {
      if (!text.empty()) o[name] = text;
      continue;
    }
    if (text.empty()) continue;  // not answered
    const Question* q = form.FindQuestion(name);
    if (q == nullptr) {
      answers[name] = text;
      continue;
    }
    switch (q->type) {
      case QuestionType::kInteger: {
        std::int64_t n = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec == std::errc() && end == text.data() + text.size()) {
          answers[name] = n;
        } else {
          answers[name] = text;
        }
        break;
      }
      case QuestionType::kDecimal: {
        double d = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
        if (ec == std::errc() && end == text.data() + text.size() && std::isfinite(d)) {
          answers[name] = d;
        } else {
          answers[name] = text;
        }
        break;
      }
      case QuestionType::kSelectMultiple: {
        json::array values;
        std::istringstream words(text);
        for (std::string w; words >> w;) values.emplace_back(w);
        answers[name] = std::move(values);
        break;
      }
      case QuestionType::kTime:
        // XForms times are "HH:MM:SS.sss+hh:mm"; observers report minutes,
        // in the station's local time, which is what the device shows.
        if (text.size() > 5 && text[5] == ':') {
          answers[name] = text.substr(0, 5);
        } else {
          answers[name] = text;
        }
        break;
      case QuestionType::kText:
        answers[name] = raw;  // as typed, spaces included
        break;
      default:
        answers[name] = text;
    }
  }
  o["answers"] = std::move(answers);
  return o;
}

}  // namespace vigil::ingest
