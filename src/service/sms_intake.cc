#include "service/sms_intake.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>

#include "common/crypto.h"
#include "service/field_credentials.h"

namespace vigil::service {

namespace json = boost::json;

namespace {

// Replies the parser's SmsReply does not make; {value} is replaced.
struct IntakeTexts {
  const char* locked;     // {value}: minutes to wait
  const char* duplicate;  // the same text was accepted within 12 hours
  const char* invalid;    // opens the list of validation problems
  const char* retry;
};

constexpr IntakeTexts kEnglish = {
    "Not accepted: too many wrong PINs. Wait {value} min and resend.",
    "Already received: the same report came within 12 hours. To send a new one, change it "
    "(e.g. add @ and a note).",
    "Not accepted: ",
    ". Please correct and resend.",
};

constexpr IntakeTexts kRussian = {
    "Не принято: слишком много неверных PIN. Подождите {value} мин.",
    "Уже получено: тот же отчёт пришёл за последние 12 часов. Чтобы отправить новый, "
    "измените его (например, @ и примечание).",
    "Не принято: ",
    ". Исправьте и отправьте снова.",
};

const IntakeTexts& Texts(std::string_view language) {
  return language == "ru" ? kRussian : kEnglish;
}

std::string Fill(std::string text, std::string_view value) {
  const std::size_t at = text.find("{value}");
  if (at != std::string::npos) text.replace(at, 7, value);
  return text;
}

bool IsLetter(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || u >= 0x80;
}

// The station a report is for: the one of the observer's stations that its
// "#" number names, or without one the observer's only station. Adds the
// problem and returns "" if there is no such single station.
std::string ReportedStation(const core::Observer& observer, ingest::SmsReport& report) {
  if (report.station.empty()) {
    if (observer.stations.size() == 1) return observer.stations.front();
    report.problems.push_back(
        {ingest::SmsProblemCode::kStationNeeded, "", std::to_string(observer.stations.size())});
    return "";
  }
  std::string found;
  for (const std::string& code : observer.stations) {
    if (ingest::SmsNumber(code) != report.station) continue;
    if (!found.empty()) {  // two of the observer's stations share the number
      found.clear();
      break;
    }
    found = code;
  }
  if (found.empty()) {
    report.problems.push_back({ingest::SmsProblemCode::kUnknownStation, "", report.station});
  }
  return found;
}

}  // namespace

SmsIntake::SmsIntake(MissionService& service, SmsIntakeOptions options)
    : service_(service), options_(options), logger_([this] { LogLoop(); }) {}

SmsIntake::~SmsIntake() {
  {
    std::lock_guard lock(log_mu_);
    log_stopping_ = true;
  }
  log_wake_.notify_one();
  logger_.join();
}

void SmsIntake::LogLoop() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock lock(log_mu_);
      log_wake_.wait(lock, [&] { return log_stopping_ || !log_queue_.empty(); });
      if (log_queue_.empty()) return;  // stopping, and everything is logged
      task = std::move(log_queue_.front());
      log_queue_.pop_front();
      log_busy_ = true;
    }
    task();
    {
      std::lock_guard lock(log_mu_);
      log_busy_ = false;
    }
    log_idle_.notify_all();
  }
}

void SmsIntake::Drain() {
  std::unique_lock lock(log_mu_);
  log_idle_.wait(lock, [&] { return log_queue_.empty() && !log_busy_; });
}

std::string SmsIntake::InstanceId(std::string_view gateway, std::string_view message_id) {
  // Length-prefixed so that no two (gateway, id) pairs hash the same text.
  std::string name = "vigil-sms:" + std::to_string(gateway.size()) + ":";
  name.append(gateway).append(":").append(message_id);
  Sha256 h = HashSha256(name);
  h[6] = static_cast<std::uint8_t>((h[6] & 0x0F) | 0x80);  // version 8
  h[8] = static_cast<std::uint8_t>((h[8] & 0x3F) | 0x80);  // RFC 9562 variant
  const std::string hex = ToHex(h);
  return "uuid:" + hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string SmsIntake::MaskPin(std::string_view text, bool has_pin) {
  std::string out(text);
  if (!has_pin) return out;
  for (char& c : out) {
    if (IsLetter(c)) break;
    if (c >= '0' && c <= '9') c = '*';
  }
  return out;
}

std::shared_ptr<const ingest::SmsCodebook> SmsIntake::Codebook(
    const std::shared_ptr<const core::MissionIndex>& mission, Status* error) {
  std::lock_guard lock(codebook_mu_);
  if (codebook_ && codebook_mission_ == mission) return codebook_;
  auto book = ingest::SmsCodebook::Build(*mission);
  if (!book) {
    *error = book.error();
    return nullptr;
  }
  codebook_ = std::make_shared<const ingest::SmsCodebook>(std::move(*book));
  codebook_mission_ = mission;
  return codebook_;
}

std::int64_t SmsIntake::LockedSeconds(const std::string& phone, Timestamp now) {
  std::lock_guard lock(failures_mu_);
  auto it = failures_.find(phone);
  if (it == failures_.end() || it->second.locked_until <= now) return 0;
  return std::chrono::ceil<std::chrono::seconds>(it->second.locked_until - now).count();
}

void SmsIntake::NoteFailure(const std::string& phone, Timestamp now) {
  std::lock_guard lock(failures_mu_);
  // Forget phones whose failures have all expired, so that a flood of
  // numbers cannot grow the map for good.
  if (failures_.size() > 4096) {
    std::erase_if(failures_, [&](const auto& entry) {
      const Failures& f = entry.second;
      return f.locked_until <= now &&
             (f.recent.empty() || f.recent.back() + options_.failure_window <= now);
    });
  }
  Failures& f = failures_[phone];
  std::erase_if(f.recent, [&](Timestamp t) { return t + options_.failure_window <= now; });
  f.recent.push_back(now);
  if (static_cast<int>(f.recent.size()) >= options_.max_failures) {
    f.locked_until = now + options_.lockout;
    f.recent.clear();
  }
}

void SmsIntake::ClearFailures(const std::string& phone) {
  std::lock_guard lock(failures_mu_);
  failures_.erase(phone);
}

void SmsIntake::Log(storage::SmsMessage message, const std::function<void(SmsIntakeResult)>& done) {
  SmsIntakeResult result;
  const storage::Actor actor{"sms:" + message.gateway};
  auto added = service_.store().AddSmsMessage(&message, actor);
  if (!added) {
    result.status = Status::Unavailable("the message could not be logged; deliver it again: " +
                                        added.error().message());
    done(std::move(result));
    return;
  }
  // Not added: another delivery of the same message was logged meanwhile,
  // and *message is now that row.
  result.redelivery = !*added;
  result.message = std::move(message);
  done(std::move(result));
}

std::string SmsIntake::ClaimText(const std::string& sender, const std::string& text,
                                 const std::string& instance_id) {
  std::lock_guard lock(in_flight_mu_);
  auto [it, claimed] = in_flight_.try_emplace(sender + '\n' + text, instance_id);
  return claimed ? std::string() : it->second;
}

void SmsIntake::ReleaseText(const std::string& sender, const std::string& text) {
  std::lock_guard lock(in_flight_mu_);
  in_flight_.erase(sender + '\n' + text);
}

void SmsIntake::Handle(InboundSms sms, std::function<void(SmsIntakeResult)> done) {
  if (sms.message_id.empty() || sms.sender.empty()) {
    done({.status = Status::InvalidArgument(sms.message_id.empty()
                                                ? "the message has no gateway message id"
                                                : "the message has no sender number")});
    return;
  }
  // 1. Redelivery.
  auto logged = service_.store().FindSmsMessage(sms.gateway, sms.message_id);
  if (!logged) {
    done({.status = Status::Unavailable(logged.error().message())});
    return;
  }
  if (*logged) {
    done({.message = std::move(**logged), .redelivery = true});
    return;
  }

  const std::shared_ptr<const core::MissionIndex> mission = service_.Mission();
  Status book_error;
  std::shared_ptr<const ingest::SmsCodebook> book = Codebook(mission, &book_error);
  if (!book) {
    done({.status = book_error});
    return;
  }
  auto report = std::make_shared<ingest::SmsReport>(ingest::ParseSms(sms.text, *book));

  storage::SmsMessage m{.gateway = sms.gateway,
                        .gateway_message_id = sms.message_id,
                        .sender = NormalizePhone(sms.sender),
                        .text = MaskPin(sms.text, !report->pin.empty()),
                        .received_at = sms.received_at,
                        .outcome = storage::SmsOutcome::kRejected};
  const Timestamp now = Now();

  // 2. Locked phone.
  if (const std::int64_t seconds = LockedSeconds(m.sender, now); seconds > 0) {
    m.problems = {"locked"};
    m.reply = Fill(kEnglish.locked, std::to_string((seconds + 59) / 60));
    Log(std::move(m), done);
    return;
  }

  // 3. Sender. Until the sender is known its language is not, so refusals
  // of unknown senders are in English.
  auto observer_code = CheckSmsSender(*mission, service_.store(), sms.sender, report->pin);
  if (!observer_code) {
    if (observer_code.error().code() != StatusCode::kUnauthenticated) {
      done({.status = Status::Unavailable(observer_code.error().message())});
      return;
    }
    NoteFailure(m.sender, now);
    ingest::SmsReport refused;
    refused.problems.push_back({ingest::SmsProblemCode::kWrongPin, "", ""});
    m.problems = {std::string(ingest::SmsProblemName(ingest::SmsProblemCode::kWrongPin))};
    m.reply = ingest::SmsReply(refused, *book, "en");
    Log(std::move(m), done);
    return;
  }
  ClearFailures(m.sender);
  const core::Observer* observer = mission->FindObserver(*observer_code);
  if (observer == nullptr) {  // checked against this very snapshot; cannot happen
    done({.status = Status::Internal("observer " + *observer_code + " vanished")});
    return;
  }
  m.observer_code = observer->code;
  const std::string language = observer->language;
  const IntakeTexts& texts = Texts(language);

  // 4. Observer number, station and reading.
  if (report->form >= 0 && !report->observer_id.empty() &&
      report->observer_id != ingest::SmsNumber(observer->code)) {
    report->problems.push_back({ingest::SmsProblemCode::kUnknownObserver, "", report->observer_id});
  }
  const std::string station = ReportedStation(*observer, *report);
  if (!report->ok()) {
    for (const ingest::SmsProblem& p : report->problems) {
      m.problems.emplace_back(ingest::SmsProblemName(p.code));
    }
    m.reply = ingest::SmsReply(*report, *book, language);
    Log(std::move(m), done);
    return;
  }

  // 5. The same text within the duplicate window.
  auto earlier = service_.store().FindAcceptedSmsText(m.sender, m.text,
                                                      sms.received_at - options_.duplicate_window);
  if (!earlier) {
    done({.status = Status::Unavailable(earlier.error().message())});
    return;
  }
  m.instance_id = InstanceId(sms.gateway, sms.message_id);
  std::string first =
      *earlier ? (*earlier)->instance_id : ClaimText(m.sender, m.text, m.instance_id);
  if (!first.empty()) {
    m.outcome = storage::SmsOutcome::kDuplicate;
    m.instance_id = std::move(first);
    m.reply = texts.duplicate;
    Log(std::move(m), done);
    return;
  }

  // 6. Submit. No times in the body: a redelivery must have the very same
  // content to be recognised as a retry; the store keeps when it came.
  const core::Form& form = book->forms().at(static_cast<std::size_t>(report->form));
  json::object body{
      {"instance_id", m.instance_id}, {"form", form.code},
      {"form_version", form.version}, {"station", station},
      {"observer", observer->code},   {"answers", ingest::SmsAnswersJson(*report, *book)}};
  Principal who;
  who.role = core::Role::kObserver;
  who.observer_code = observer->code;
  who.actor = "sms:" + sms.gateway + "/observer";
  service_.Submit(
      json::value(std::move(body)), who,
      [this, m = std::move(m), report, book, language, done](SubmitResult r) mutable {
        if (r.status.ok()) {
          // A duplicate here is an earlier delivery whose log entry was
          // lost (a crash in between): the report is stored all the same.
          m.outcome = storage::SmsOutcome::kAccepted;
          m.reply = ingest::SmsReply(*report, *book, language);
        } else if (r.status.code() == StatusCode::kInvalidArgument ||
                   r.status.code() == StatusCode::kPermissionDenied ||
                   r.status.code() == StatusCode::kConflict) {
          const IntakeTexts& t = Texts(language);
          m.problems = {"invalid"};
          m.reply = t.invalid;
          if (r.errors.empty()) r.errors.push_back({"", r.status.message()});
          for (std::size_t k = 0; k < r.errors.size(); ++k) {
            if (k > 0) m.reply += "; ";
            // The question as the observer knows it: by its SMS tag.
            std::string field = r.errors[k].field;
            if (field.starts_with("answers.")) {
              field.erase(0, 8);
              const core::Form& f = book->forms().at(static_cast<std::size_t>(report->form));
              for (const core::Question& q : f.questions) {
                if (q.code == field && !q.sms.empty()) field = q.sms;
              }
            }
            m.reply += field.empty() ? r.errors[k].problem : field + ": " + r.errors[k].problem;
          }
          m.reply += t.retry;
        } else {
          ReleaseText(m.sender, m.text);
          done({.status = r.status});
          return;
        }
        {
          std::lock_guard lock(log_mu_);
          log_queue_.push_back([this, m = std::move(m), done]() mutable {
            const std::string sender = m.sender;
            const std::string text = m.text;
            Log(std::move(m), done);
            ReleaseText(sender, text);  // once logged, rule 5 finds it in the log
          });
        }
        log_wake_.notify_one();
      });
}

}  // namespace vigil::service
