// Tests for XForm generation and instance reading (ingest/xform.h). Golden
// files are in tests/data/openrosa/ (README.md there says where they come
// from); VIGIL_UPDATE_GOLDEN=1 rewrites the generated ones.
#include "ingest/xform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <pugixml.hpp>
#include <sstream>

#include "core/default_forms.h"

namespace vigil::ingest {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

std::string Fixture(const std::string& name) {
  const char* source = std::getenv("VIGIL_SOURCE_DIR");
  return std::string(source != nullptr ? source : ".") + "/tests/data/openrosa/" + name;
}

std::string ReadFixture(const std::string& name) {
  std::ifstream in(Fixture(name), std::ios::binary);
  EXPECT_TRUE(in.good()) << Fixture(name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

core::Form VotingForm() {
  for (core::Form& f : core::DefaultForms({"Party A", "Party B"})) {
    if (f.code == "V") return f;
  }
  ADD_FAILURE() << "no default voting form";
  return {};
}

core::Form LoadForm(const char* definition) {
  auto form = core::FormFromJson(json::parse(definition));
  EXPECT_TRUE(form.has_value()) << (form ? "" : form.error().ToString());
  return form.value_or(core::Form{});
}

TEST(MakeXForm, MatchesTheGoldenVotingForm) {
  auto xform = MakeXForm(VotingForm());
  ASSERT_TRUE(xform.has_value()) << xform.error().ToString();
  if (std::getenv("VIGIL_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(Fixture("voting_form.xml"), std::ios::binary) << *xform;
  }
  EXPECT_EQ(*xform, ReadFixture("voting_form.xml"));
}

TEST(MakeXForm, IsWellFormedWithTheOdkStructure) {
  auto xform = MakeXForm(VotingForm());
  ASSERT_TRUE(xform.has_value());
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xform->c_str())) << *xform;
  const pugi::xml_node model = doc.child("h:html").child("h:head").child("model");
  const pugi::xml_node data = model.child("instance").child("data");
  EXPECT_STREQ(data.attribute("id").value(), "V");
  EXPECT_STREQ(data.attribute("version").value(), "2026.1");
  EXPECT_TRUE(data.child("station"));
  EXPECT_TRUE(data.child("VA"));
  EXPECT_TRUE(data.child("meta").child("instanceID"));
  // One translation per label language, English the default.
  const pugi::xml_node itext = model.child("itext");
  EXPECT_STREQ(
      itext.find_child_by_attribute("translation", "lang", "en").attribute("default").value(),
      "true()");
  EXPECT_TRUE(itext.find_child_by_attribute("translation", "lang", "ru"));
  // Binds: types, required, preloads.
  EXPECT_STREQ(
      model.find_child_by_attribute("bind", "nodeset", "/data/VA").attribute("type").value(),
      "time");
  EXPECT_STREQ(
      model.find_child_by_attribute("bind", "nodeset", "/data/V1").attribute("required").value(),
      "true()");
  EXPECT_STREQ(
      model.find_child_by_attribute("bind", "nodeset", "/data/V7").attribute("type").value(),
      "int");
  EXPECT_STREQ(model.find_child_by_attribute("bind", "nodeset", "/data/started_at")
                   .attribute("jr:preloadParams")
                   .value(),
               "start");
  EXPECT_STREQ(model.find_child_by_attribute("bind", "nodeset", "/data/submitted_at")
                   .attribute("jr:preloadParams")
                   .value(),
               "end");
  EXPECT_STREQ(model.find_child_by_attribute("bind", "nodeset", "/data/meta/instanceID")
                   .attribute("jr:preload")
                   .value(),
               "uid");
  // yes_no_na is a select1 with its three fixed options.
  const pugi::xml_node v6 =
      doc.child("h:html").child("h:body").find_child_by_attribute("select1", "ref", "/data/V6");
  ASSERT_TRUE(v6);
  std::vector<std::string> values;
  for (pugi::xml_node item : v6.children("item")) values.push_back(item.child_value("value"));
  EXPECT_EQ(values, (std::vector<std::string>{"yes", "no", "na"}));
}

TEST(MakeXForm, WritesBoundsAsConstraintsAndImagesAsUploads) {
  const core::Form form = LoadForm(R"json({
    "code": "P", "version": "3", "phase": "counting", "title": {"fr": "Protocole"},
    "questions": [
      {"code": "N", "type": "integer", "min": 0, "max": 5000, "labels": {"fr": "Inscrits"}},
      {"code": "D", "type": "decimal", "min": 0.5},
      {"code": "T", "type": "text", "max": 40},
      {"code": "PH", "type": "image", "required": true},
      {"code": "S", "type": "select_multiple",
       "options": [{"value": "a", "labels": {"fr": "A"}}, {"value": "b"}]}
    ]})json");
  auto xform = MakeXForm(form);
  ASSERT_TRUE(xform.has_value()) << xform.error().ToString();
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xform->c_str()));
  const pugi::xml_node model = doc.child("h:html").child("h:head").child("model");
  const auto bind = [&](const char* path) {
    return model.find_child_by_attribute("bind", "nodeset", path);
  };
  EXPECT_STREQ(bind("/data/N").attribute("constraint").value(), ". >= 0 and . <= 5000");
  EXPECT_STREQ(bind("/data/D").attribute("constraint").value(), ". >= 0.5");
  EXPECT_STREQ(bind("/data/T").attribute("constraint").value(), "string-length(.) <= 40");
  EXPECT_STREQ(bind("/data/PH").attribute("type").value(), "binary");
  const pugi::xml_node body = doc.child("h:html").child("h:body");
  EXPECT_STREQ(
      body.find_child_by_attribute("upload", "ref", "/data/PH").attribute("mediatype").value(),
      "image/*");
  EXPECT_TRUE(body.find_child_by_attribute("select", "ref", "/data/S"));
  // The only language is French, which becomes the default; labels missing
  // in it fall back to the code.
  const pugi::xml_node fr =
      model.child("itext").find_child_by_attribute("translation", "lang", "fr");
  EXPECT_STREQ(fr.attribute("default").value(), "true()");
  EXPECT_STREQ(fr.find_child_by_attribute("text", "id", "/data/N:label").child_value("value"),
               "Inscrits");
  EXPECT_STREQ(fr.find_child_by_attribute("text", "id", "/data/D:label").child_value("value"), "D");
  EXPECT_STREQ(doc.child("h:html").child("h:head").child_value("h:title"), "Protocole");
}

TEST(MakeXForm, RefusesCodesThatCannotBeElementNames) {
  core::Form form = LoadForm(R"json({"code": "P", "version": "1", "phase": "voting",
    "questions": [{"code": "1st", "type": "yes_no"}]})json");
  auto xform = MakeXForm(form);
  ASSERT_FALSE(xform.has_value());
  EXPECT_THAT(xform.error().message(), HasSubstr("question code '1st' cannot be an XForm element"));
  form.questions[0].code = "station";
  EXPECT_FALSE(MakeXForm(form).has_value());
}

TEST(MakeXForm, IsDeterministic) {
  EXPECT_EQ(MakeXForm(VotingForm()).value(), MakeXForm(VotingForm()).value());
}

TEST(ParseXFormInstance, ReadsTheGoldenInstanceIntoSubmissionJson) {
  auto instance = ParseXFormInstance(ReadFixture("voting_instance.xml"));
  ASSERT_TRUE(instance.has_value()) << instance.error().ToString();
  EXPECT_EQ(instance->form_id, "V");
  EXPECT_EQ(instance->form_version, "2026.1");
  EXPECT_EQ(instance->instance_id, "uuid:2b7e4c1a-9f3d-4e2b-8c6a-1d5f0e9b3a72");
  const json::value submission = InstanceToSubmissionJson(*instance, VotingForm(), "OBS-0001");
  EXPECT_EQ(submission, json::parse(ReadFixture("voting_instance.json")))
      << json::serialize(submission);
}

TEST(ParseXFormInstance, ReadsDeprecatedIdAsReplaces) {
  auto instance = ParseXFormInstance(R"(<?xml version="1.0"?>
<data xmlns:orx="http://openrosa.org/xforms" id="V" version="2026.1"><station>PS-1</station>
<orx:meta><orx:instanceID>uuid:b</orx:instanceID><orx:deprecatedID>uuid:a</orx:deprecatedID></orx:meta></data>)");
  ASSERT_TRUE(instance.has_value()) << instance.error().ToString();
  EXPECT_EQ(instance->instance_id, "uuid:b");
  EXPECT_EQ(instance->deprecated_id, "uuid:a");
  const json::value s = InstanceToSubmissionJson(*instance, VotingForm(), "OBS-1");
  EXPECT_EQ(s.at("replaces"), "uuid:a");
  EXPECT_EQ(s.at("station"), "PS-1");
}

TEST(ParseXFormInstance, PassesUnconvertibleValuesOnForValidation) {
  auto instance = ParseXFormInstance(
      R"(<data id="V"><V7>seven</V7><ZZ>1</ZZ><V2></V2><meta><instanceID>uuid:c</instanceID></meta></data>)");
  ASSERT_TRUE(instance.has_value());
  const json::value s = InstanceToSubmissionJson(*instance, VotingForm(), "OBS-1");
  EXPECT_EQ(s.at("answers"), json::parse(R"({"V7": "seven", "ZZ": "1"})"));
  EXPECT_FALSE(s.as_object().contains("station"));  // so validation says it is required
  EXPECT_FALSE(s.as_object().contains("form_version"));
}

struct BadInstance {
  const char* file;
  const char* problem;
};

class ParseXFormInstanceMalformed : public ::testing::TestWithParam<BadInstance> {};

TEST_P(ParseXFormInstanceMalformed, NamesTheProblem) {
  auto instance = ParseXFormInstance(ReadFixture(GetParam().file));
  ASSERT_FALSE(instance.has_value());
  EXPECT_EQ(instance.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(instance.error().message(), HasSubstr(GetParam().problem));
}

INSTANTIATE_TEST_SUITE_P(
    GoldenFiles, ParseXFormInstanceMalformed,
    ::testing::Values(BadInstance{"bad_unclosed.xml",
                                  "not well-formed XML: Start-end tags mismatch at byte 28"},
                      BadInstance{"bad_no_id.xml", "root element <data> has no id attribute"},
                      BadInstance{"bad_no_instance_id.xml", "no <meta><instanceID>"},
                      BadInstance{"bad_nested.xml", "element <V1> holds other elements"},
                      BadInstance{"bad_twice.xml", "element <V2> is given twice"},
                      BadInstance{"bad_empty.xml", "not well-formed XML"}));

}  // namespace
}  // namespace vigil::ingest
