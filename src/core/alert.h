// Critical alerts: an answer the form marks critical (Question::critical_values),
// or an incident report of critical severity, alerts the core team at once.
// An alert is then worked on: acknowledged, assigned to someone, resolved,
// each change kept with who made it and a note. This is the vocabulary and
// the detection; storing alerts is the store's business, raising them the
// service's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "core/form.h"
#include "core/submission.h"

namespace vigil::core {

enum class AlertStatus {
  kOpen,          // raised, nobody has taken it yet
  kAcknowledged,  // someone at the core team has seen it
  kResolved,      // dealt with; kept
};
std::string_view AlertStatusName(AlertStatus status);  // "open", "acknowledged", "resolved"
std::optional<AlertStatus> ParseAlertStatus(std::string_view text);

// One critical answer found in a submission.
struct CriticalAnswer {
  std::string question;  // code, e.g. "I4"
  std::string value;     // the critical value given, e.g. "critical"
};

// The critical answers of `submission`, in the form's question order
// (top-level questions and questions in groups; for a select_multiple, each
// critical value chosen). Answers inside repeats are not looked at.
std::vector<CriticalAnswer> FindCriticalAnswers(const Form& form, const Submission& submission);

// Whether `form` has any question with critical values (most submissions
// need no look at their answers).
bool HasCriticalQuestions(const Form& form);

struct Alert {
  std::int64_t id = 0;  // assigned by the store
  // "critical_incident" for an incident form's answer, else "critical_answer".
  std::string kind;
  std::string instance_id;  // the submission version that raised it
  std::string form_code;
  std::string station_code;
  std::string observer_code;
  std::string question;
  std::string value;
  Timestamp created_at;
  AlertStatus status = AlertStatus::kOpen;
  std::string assignee;  // empty: nobody
  Timestamp updated_at;
};

// One change of an alert, as its history keeps it.
struct AlertChange {
  std::int64_t alert_id = 0;
  Timestamp at;
  std::string actor;                        // as in the audit log
  std::string action;                       // "raised", "acknowledged", "assigned", "resolved"
  AlertStatus status = AlertStatus::kOpen;  // after the change
  std::string assignee;                     // after the change
  std::string note;
};

// The alerts `submission` raises (one per critical answer; nothing is
// stored: ids are 0).
std::vector<Alert> AlertsFor(const Form& form, const Submission& submission, Timestamp now);

}  // namespace vigil::core
