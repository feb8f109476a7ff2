#include "core/alert.h"

#include <algorithm>
#include <boost/json.hpp>

namespace vigil::core {

std::string_view AlertStatusName(AlertStatus status) {
  switch (status) {
    case AlertStatus::kOpen:
      return "open";
    case AlertStatus::kAcknowledged:
      return "acknowledged";
    case AlertStatus::kResolved:
      return "resolved";
  }
  return "";
}

std::optional<AlertStatus> ParseAlertStatus(std::string_view text) {
  for (AlertStatus s : {AlertStatus::kOpen, AlertStatus::kAcknowledged, AlertStatus::kResolved}) {
    if (AlertStatusName(s) == text) return s;
  }
  return std::nullopt;
}

namespace {

bool AnyCritical(const std::vector<Question>& questions) {
  return std::any_of(questions.begin(), questions.end(), [](const Question& q) {
    return !q.critical_values.empty() ||
           (q.type == QuestionType::kGroup && AnyCritical(q.children));
  });
}

bool IsCritical(const Question& q, std::string_view value) {
  return std::find(q.critical_values.begin(), q.critical_values.end(), value) !=
         q.critical_values.end();
}

}  // namespace

bool HasCriticalQuestions(const Form& form) { return AnyCritical(form.questions); }

std::vector<CriticalAnswer> FindCriticalAnswers(const Form& form, const Submission& submission) {
  std::vector<CriticalAnswer> found;
  // AnswerFields opens groups; a repeat is one field whose items are not
  // looked into.
  for (const Question* q : AnswerFields(form.questions)) {
    if (q->critical_values.empty()) continue;
    const boost::json::value* answer = submission.answers.if_contains(q->code);
    if (answer == nullptr) continue;
    if (answer->is_string()) {
      if (IsCritical(*q, answer->get_string())) {
        found.push_back({q->code, std::string(answer->get_string())});
      }
    } else if (answer->is_array()) {
      for (const boost::json::value& v : answer->get_array()) {
        if (v.is_string() && IsCritical(*q, v.get_string())) {
          found.push_back({q->code, std::string(v.get_string())});
        }
      }
    }
  }
  return found;
}

std::vector<Alert> AlertsFor(const Form& form, const Submission& submission, Timestamp now) {
  std::vector<Alert> alerts;
  for (CriticalAnswer& c : FindCriticalAnswers(form, submission)) {
    Alert a;
    a.kind = form.phase == Phase::kIncident ? "critical_incident" : "critical_answer";
    a.instance_id = submission.instance_id;
    a.form_code = submission.form_code;
    a.station_code = submission.station_code;
    a.observer_code = submission.observer_code;
    a.question = std::move(c.question);
    a.value = std::move(c.value);
    a.created_at = now;
    a.updated_at = now;
    alerts.push_back(std::move(a));
  }
  return alerts;
}

}  // namespace vigil::core
