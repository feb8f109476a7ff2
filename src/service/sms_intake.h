// Inbound coded SMS, from whichever gateway delivered it, to a submission and
// a reply. Every message, accepted or not, is kept in the message log
// (storage::SmsMessage) with the reply it got; docs/sms.md describes the
// rules. In order:
//
// 1. a message whose gateway message id is logged already is a redelivery:
//    it gets the logged reply again and nothing is stored;
// 2. a phone that failed to authenticate 3 times within a minute is locked
//    for 5 minutes: its messages are logged and refused unread;
// 3. the message is parsed with the codebook of the mission's current forms
//    (ingest/sms.h) and the sender identified by registered phone and PIN
//    (CheckSmsSender); an unknown phone and a wrong PIN get the same reply;
// 4. the observer number in the message must be the identified observer's
//    (SmsNumber), the station it names after "#" one of theirs (without
//    one, they must have exactly one), and the message must read without
//    problems;
// 5. the same text from the same phone within 12 hours of an accepted one
//    is a duplicate (NEMO's rule): logged, answered, not submitted again;
// 6. the report goes through MissionService::Submit as the observer, with
//    an instance id derived from gateway and message id, so that a
//    redelivery after a crash is an idempotent retry; the message is logged
//    once the submission is durable, and then answered.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "ingest/sms.h"
#include "service/mission_service.h"
#include "storage/store.h"

namespace vigil::service {

// One SMS as a gateway delivered it.
struct InboundSms {
  std::string gateway;     // "twilio", "telerivet", "kannel", "generic"
  std::string message_id;  // the gateway's id for the message; required
  std::string sender;      // the phone number, as the gateway writes it
  std::string text;
  Timestamp received_at;
};

struct SmsIntakeResult {
  // Not OK when the message could not be handled (nothing was logged): the
  // gateway should deliver it again later. InvalidArgument for a message
  // without an id or sender.
  Status status;
  storage::SmsMessage message;  // as logged; message.reply is the SMS to send back
  bool redelivery = false;      // answered from the log (rule 1)
};

struct SmsIntakeOptions {
  int max_failures = 3;  // failed authentications within failure_window lock the phone
  std::chrono::seconds failure_window{60};
  std::chrono::seconds lockout{300};
  std::chrono::hours duplicate_window{12};
};

class SmsIntake {
 public:
  explicit SmsIntake(MissionService& service, SmsIntakeOptions options = {});
  // Logs what is still queued (see logger_) and stops.
  ~SmsIntake();
  // Returns once every message queued for logging is logged and answered.
  // Call after MissionService::Drain.
  void Drain();

  // Handles one message. `done` runs exactly once: inline, or on the
  // intake's logging thread once the submission is durable and logged.
  void Handle(InboundSms sms, std::function<void(SmsIntakeResult)> done);

  // The instance id of the submission a message makes: "uuid:" and a
  // name-based UUID (version 8, RFC 9562) over SHA-256 of gateway and id.
  static std::string InstanceId(std::string_view gateway, std::string_view message_id);

  // The text as logged: when the message carries a PIN, the digits before
  // its first letter (where the PIN is) become '*'.
  static std::string MaskPin(std::string_view text, bool has_pin);

 private:
  std::shared_ptr<const ingest::SmsCodebook> Codebook(
      const std::shared_ptr<const core::MissionIndex>& mission, Status* error);
  // Seconds the phone stays locked, or 0.
  std::int64_t LockedSeconds(const std::string& phone, Timestamp now);
  void NoteFailure(const std::string& phone, Timestamp now);
  void ClearFailures(const std::string& phone);
  // Logs the message and answers with it.
  void Log(storage::SmsMessage message, const std::function<void(SmsIntakeResult)>& done);
  // The instance id of the same text from the same phone being submitted
  // now, or empty after noting this one as being submitted (under
  // `instance_id`): rule 5 must also catch a copy that arrives before the
  // first is logged.
  std::string ClaimText(const std::string& sender, const std::string& text,
                        const std::string& instance_id);
  void ReleaseText(const std::string& sender, const std::string& text);

  MissionService& service_;
  SmsIntakeOptions options_;

  std::mutex codebook_mu_;
  std::shared_ptr<const core::MissionIndex> codebook_mission_;  // GUARDED_BY(codebook_mu_)
  std::shared_ptr<const ingest::SmsCodebook> codebook_;         // GUARDED_BY(codebook_mu_)

  struct Failures {
    std::vector<Timestamp> recent;  // within failure_window
    Timestamp locked_until;
  };
  std::mutex failures_mu_;
  std::unordered_map<std::string, Failures> failures_;  // by phone; GUARDED_BY(failures_mu_)

  std::mutex in_flight_mu_;
  // sender + '\n' + masked text -> instance id; GUARDED_BY(in_flight_mu_)
  std::unordered_map<std::string, std::string> in_flight_;

  // Accepted messages are logged by a thread of their own, not on the
  // committer's sync thread that answers them: each log entry is a write
  // and a flush, which would hold up every other submission's answer.
  void LogLoop();
  std::mutex log_mu_;
  std::condition_variable log_wake_;
  std::deque<std::function<void()>> log_queue_;  // GUARDED_BY(log_mu_)
  bool log_stopping_ = false;                    // GUARDED_BY(log_mu_)
  bool log_busy_ = false;                        // a task is running; GUARDED_BY(log_mu_)
  std::condition_variable log_idle_;
  std::thread logger_;
};

}  // namespace vigil::service
