// Observation forms: versioned lists of questions. A form is identified by
// (code, version); a submission names the version it was filled in against,
// so editing a form never changes the meaning of stored answers.
#pragma once

#include <boost/json/fwd.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vigil::core {

enum class QuestionType {
  kYesNo,           // "yes" | "no"
  kYesNoNa,         // "yes" | "no" | "na" (not applicable)
  kInteger,         // whole number within [min, max]
  kDecimal,         // number within [min, max]
  kSelectOne,       // one option value
  kSelectMultiple,  // array of distinct option values
  kAssessment,      // "very_good" | "good" | "bad" | "very_bad"
  kTime,            // "HH:MM" (24 h, local time at the station)
  kText,            // free text up to max characters (default 2000)
  kImage,           // a photo (e.g. of the protocol): the attachment's file name
  // XLSForm types (docs/forms.md).
  kDate,       // "YYYY-MM-DD"
  kDateTime,   // RFC 3339 with an offset, as submissions' times
  kGeopoint,   // "lat lon [altitude [accuracy]]" in degrees and metres, as ODK sends it
  kNote,       // text shown to the observer; takes no answer
  kCalculate,  // `calculation` computed by the client; its answer is optional and free
  kGroup,      // questions shown together (`children`); answered by their own codes
  kRepeat,     // `children` asked again and again; answer: array of objects by child code
};
std::string_view QuestionTypeName(QuestionType type);  // "yes_no", "integer", ...
std::optional<QuestionType> ParseQuestionType(std::string_view text);

// The six criteria of OSCE commitments a question can speak to.
enum class Criterion {
  kEquality,
  kUniversality,
  kPoliticalPluralism,
  kConfidence,
  kTransparency,
  kAccountability,
};
std::string_view CriterionName(Criterion c);  // "equality", "political_pluralism", ...
std::optional<Criterion> ParseCriterion(std::string_view text);

using Labels = std::map<std::string, std::string, std::less<>>;  // language -> text

struct Option {
  std::string value;  // what is stored and sent ("yes", "late", "1")
  Labels labels;
};

struct Question {
  std::string code;  // short, unique in the form, usable in SMS: "V7"
  QuestionType type = QuestionType::kYesNo;
  Labels labels;
  std::vector<Option> options;  // select types; implied for yes/no and assessment
  std::optional<double> min;    // numeric bounds, inclusive
  std::optional<double> max;    // for text: maximum length in characters
  bool required = false;
  // Answers that report a problem: option values, or for numbers any value
  // above negative_above (e.g. "voters turned away" > 0).
  std::vector<std::string> negative_values;
  std::optional<double> negative_above;
  // Answers so grave that they alert the core team at once (police
  // intervention, counting stopped, an incident of critical severity): option
  // values of a select, yes/no or assessment question. JSON "critical",
  // XLSForm column `critical`.
  std::vector<std::string> critical_values;
  std::vector<Criterion> criteria;
  // For integer questions that copy the result protocol: which figure (a
  // kStationFigures name such as "valid", or "votes" with the contestant's
  // name), so that observers' copies can be set beside official results.
  std::string figure;
  std::string contestant;
  // The tag that carries this question in a coded SMS ("AB" in
  // "V1001AA1AB4"): 1-3 capital letters without I, L and O (an SMS reads
  // those as 1 and 0), unique in the form. Empty: not answerable by SMS.
  // Text and decimal questions have none.
  std::string sms;

  // From XLSForm. The expressions (`relevant`, `constraint`, `calculation`)
  // are ODK XPath: stored and carried to the clients, which evaluate them; the
  // server checks answers only against type, bounds, options and `required`.
  Labels hints;
  std::string relevant;
  std::string constraint;  // what min/max cannot say (simple bounds become min/max)
  Labels constraint_messages;
  std::string calculation;  // calculate questions
  std::string appearance;
  // The questions of a group or repeat. Codes are unique in the whole form.
  std::vector<Question> children;
};

// Phases of election day a form belongs to.
enum class Phase { kOpening, kVoting, kCounting, kTabulation, kIncident };
std::string_view PhaseName(Phase phase);
std::optional<Phase> ParsePhase(std::string_view text);

struct Form {
  std::string code;     // "V"
  std::string version;  // "2026.1"; compared as an opaque string
  Phase phase = Phase::kVoting;
  Labels title;
  std::string default_language;  // XLSForm's; empty: none named
  std::vector<Question> questions;
  // The letters that open a coded SMS for this form ("V" in "V1001AA1"):
  // 1-3 capital letters, unique among a mission's current forms (checked
  // when the SMS codebook is built). Unlike tags they may contain O, I and
  // L, since they come before the part where those are read as digits.
  // Empty: the form is not sent by SMS.
  std::string sms_prefix;
  // The code of the text question an SMS's "@comment" fills, or empty.
  std::string sms_comment;

  // Any question of the form, inside groups and repeats too.
  const Question* FindQuestion(std::string_view question_code) const;
  const Question* FindSmsTag(std::string_view tag) const;
  // The option values a question accepts (explicit or implied by its type).
  static std::vector<std::string> AllowedValues(const Question& q);
};

// The questions answered side by side in one object (a submission's answers,
// or one item of a repeat): `questions` with their groups opened, since a
// group has no answer of its own. A repeat is one of them; its children are
// answered inside its items.
std::vector<const Question*> AnswerFields(const std::vector<Question>& questions);

// Groups and repeats nest at most this deep, so that a stored definition
// stays well within Boost.JSON's default parse depth (32).
inline constexpr int kMaxQuestionNesting = 8;

// The JSON exchanged by GET /api/v1/forms/{code} and stored per version.
boost::json::value FormToJson(const Form& form);
// Checks the definition (unique codes, known types, options for select types,
// min <= max, each protocol figure copied once, by an integer question; SMS
// tags and prefix well formed, tags unique, no tag on text or decimal
// questions nor on a multiple choice of more than 9 options, nor inside a
// group or repeat; sms_comment naming a text question; children exactly for groups
// and repeats, a calculation exactly for calculate questions) and names the
// first problem with its JSON path. Fields added with XLSForm are optional,
// so forms stored before them still read.
Result<Form> FormFromJson(const boost::json::value& json);

// True for 1-3 capital letters A-Z other than I, L and O: what an SMS tag
// may be.
bool IsSmsTag(std::string_view text);
// True for 1-3 capital letters A-Z: what a form's SMS prefix may be.
bool IsSmsPrefix(std::string_view text);

}  // namespace vigil::core
