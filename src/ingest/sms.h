// Coded SMS reports in the style of NDI's Apollo (../shared/BRIEF.md
// section 4):
//
//   [PIN] <form prefix> <observer id> [#<station>] [!] (<tag><value>)* [@comment]
//
// e.g. "482913 V1001 AA1 AB4 @long queue outside", or "V1001#123 AA1" from
// an observer who covers several stations (# is on every phone's keypad,
// and no tag can be mistaken for it). Pure: no storage. The
// SMS webhooks find the sender, check the PIN, turn the answers into a
// normal submission (core::ValidateSubmission) and send the reply.
//
// Normalisation, before anything is read: letters are upper-cased (Cyrillic
// letters that look like Latin ones, as typed on a Russian keyboard, are
// read as those: "С" as "C"); spaces and punctuation other than "!" and "@"
// are dropped (as are "#" and "@", which are read); in the data part (after the form prefix) O is
// read as 0 and I and L as 1, which is context free because tags never contain those letters.
// Everything after the first "@" is the comment, kept verbatim (trimmed). Any other character is
// reported, and dropped.
//
// Reading: digits before the first letter are the PIN; the longest known
// prefix of the first run of letters is the form; then come the observer id
// digits, the station number after "#" (anywhere after the observer id, at
// most once), and tags with their values. A run of letters that is not one tag
// is read as several tags if it splits into known ones ("AAAB4": AA, AB4):
// since spaces are dropped, that is how a bare tag is followed by another.
// A bare tag means yes (1). Values: yes_no 1 yes, 2 no; yes_no_na 1 yes,
// 2 no, 3 na; assessment 1 very good .. 4 very bad; select_one the option's
// number from 1; select_multiple one digit per option; integer the number
// (bounds checked); time HHMM (3 or 4 digits). Text questions are not
// answered by tags; the form's sms_comment question takes the comment.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "core/form.h"
#include "core/mission.h"

namespace vigil::ingest {

// The mission's forms compiled for SMS: prefix -> form -> tag -> question,
// by direct lookup. Immutable once built; share it between threads and
// rebuild it when the forms change.
class SmsCodebook {
 public:
  // `forms`: the current version of each of the mission's forms; those
  // without an SMS prefix are left out. Fails, naming both, if two forms
  // share a prefix.
  static Result<SmsCodebook> Build(std::vector<core::Form> forms);
  // The same over the current version of each of the mission's forms.
  static Result<SmsCodebook> Build(const core::MissionIndex& mission);

  const std::vector<core::Form>& forms() const { return forms_; }
  // The form with this prefix, or -1.
  int FindForm(std::string_view prefix) const;
  // The index in forms()[form].questions of the question with this tag, or -1.
  int FindTag(int form, std::string_view tag) const;

 private:
  static constexpr int kKeys = 27 * 27 * 27;  // every string of 0-3 letters
  std::vector<core::Form> forms_;
  std::vector<std::int16_t> prefix_;  // key -> form
  std::vector<std::int32_t> tags_;    // form * kKeys + key -> question
};

// Stable codes; the names (SmsProblemName) are what logs and tests show.
enum class SmsProblemCode {
  kEmpty,             // nothing but spaces and punctuation
  kNoForm,            // no letters where the form prefix belongs
  kUnknownForm,       // value: the letters read
  kMissingObserver,   // no digits after the prefix
  kUnknownQuestion,   // tag: the letters read
  kRepeatedQuestion,  // tag (the first answer is kept)
  kOutOfRange,        // tag, value
  kRepeatedOption,    // tag, value: a select_multiple digit given twice
  kBadTime,           // tag, value: not HHMM
  kMissingValue,      // tag: a bare tag where yes/1 means nothing (time)
  kStrayValue,        // value: digits that follow no tag
  kBadCharacter,      // value: the character (UTF-8)
  kMissingStation,    // a "#" without digits after it
  kRepeatedStation,   // value: the second station number (the first is kept)
  // Set by the caller that resolves the sender; rendered by SmsReply.
  kUnknownObserver,  // value: the observer id
  kWrongPin,
  kUnknownStation,  // value: the station number, not one of the observer's
  kStationNeeded,   // value: how many stations the observer covers (not one)
  kLastCode = kStationNeeded,
};
std::string_view SmsProblemName(SmsProblemCode code);  // "unknown_question", ...

struct SmsProblem {
  SmsProblemCode code;
  std::string tag;
  std::string value;
};

// One answer as read; SmsAnswersJson turns it into what a submission holds.
struct SmsAnswer {
  int question = -1;  // index into the form's questions
  // yes_no, yes_no_na, assessment and select_one: the answer's index in
  // core::Form::AllowedValues; select_multiple: a bit per option index;
  // integer: the number; time: minutes after midnight.
  std::int64_t value = 0;
};

struct SmsReport {
  int form = -1;                     // index into the codebook's forms, or -1
  std::string pin;                   // digits, or empty
  std::string observer_id;           // digits without leading zeros ("0" for zero)
  std::string station;               // after "#": digits without leading zeros, or empty
  bool incident = false;             // "!"
  std::vector<SmsAnswer> answers;    // in message order
  std::string comment;               // after "@", trimmed
  std::vector<SmsProblem> problems;  // every problem, in message order

  bool ok() const { return problems.empty(); }

  std::string normalized_;  // scratch, kept to reuse its capacity
};

// Reads one message into `out`, reusing its buffers (no allocation for a
// typical message once they have grown). Never fails: what it cannot read
// is in out.problems.
void ParseSms(std::string_view text, const SmsCodebook& codebook, SmsReport& out);
SmsReport ParseSms(std::string_view text, const SmsCodebook& codebook);

// The answers as a submission's `answers` object: question code -> "yes",
// 12, "09:30", ["police", "media"], ...; with the comment under the form's
// sms_comment question. REQUIRES: report.form >= 0.
boost::json::object SmsAnswersJson(const SmsReport& report, const SmsCodebook& codebook);

// The reply to send back, in `language` ("en" or "ru"; anything else gets
// English): what was received, or each problem by name ("unknown question
// code AZ", "value 7 out of range for AB"). Problems that do not fit in two
// SMS segments are counted instead of listed.
std::string SmsReply(const SmsReport& report, const SmsCodebook& codebook,
                     std::string_view language);

// The number by which an SMS names an observer or a station: the digits of
// its code without leading zeros ("OBS-0042" -> "42", "PS-00123" -> "123"),
// or empty if the code has no digits.
std::string SmsNumber(std::string_view code);

}  // namespace vigil::ingest
