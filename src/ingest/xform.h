// ODK XForms (https://getodk.github.io/xforms-spec/), both ways: the XForm
// of a form version, which ODK Collect, Enketo and KoboCollect download, and
// the filled-in instance they send back, read into the JSON object of the
// submission API so that it is validated exactly like any other submission.
// Pure functions of their inputs, so that each can be fuzzed.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "core/form.h"

namespace vigil::ingest {

// The instance's fixed fields besides the answers: the polling station (a
// text input, see docs/openrosa.md for why not a list) and the times the
// device fills in itself.
inline constexpr std::string_view kStationField = "station";
inline constexpr std::string_view kStartedField = "started_at";
inline constexpr std::string_view kSubmittedField = "submitted_at";

// The XForm of one form version: one itext translation per label language
// (English the default when present), a bind per question with its type,
// `required` and bounds as `constraint`, select options (fixed ones for
// yes_no, yes_no_na and assessment), `jr:preload` start and end times and
// `orx:meta/instanceID`. The instance root is <data id="CODE"
// version="VERSION">, with one element per question named by its code.
// InvalidArgument if a question code cannot be an XML element name. The
// same form always gives the same bytes (formList's md5 hash depends on it).
Result<std::string> MakeXForm(const core::Form& form);

// The OpenRosa formID of a form: its code.
inline const std::string& XFormId(const core::Form& form) { return form.code; }

// A submitted instance, as read from its XML.
struct XFormInstance {
  std::string form_id;        // the root's id attribute
  std::string form_version;   // its version attribute; may be empty
  std::string instance_id;    // meta/instanceID
  std::string deprecated_id;  // meta/deprecatedID: the version an edit replaces
  // Every other child of the root, in document order: element name and text.
  // Empty elements (unanswered questions) are kept with empty text.
  std::vector<std::pair<std::string, std::string>> fields;
};

// Reads an instance document. InvalidArgument naming the problem (with the
// byte offset for malformed XML, the element for a misplaced structure):
// not XML, no id attribute, missing instanceID, an element nested where a
// value belongs, a field given twice.
Result<XFormInstance> ParseXFormInstance(std::string_view xml);

// The submission API's JSON object for `instance`, filled in against `form`
// (the version the instance names) by `observer_code`: answers converted by
// question type (integers and decimals to numbers, select_multiple to an
// array, XForm times to "HH:MM"), empty answers left out, station and times
// from their fields, deprecatedID as "replaces". Values that do not convert
// are passed on as text, so that validation reports them against their
// question; names that are no question are passed on too, for the same
// reason.
boost::json::value InstanceToSubmissionJson(const XFormInstance& instance, const core::Form& form,
                                            std::string_view observer_code);

}  // namespace vigil::ingest
