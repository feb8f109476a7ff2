// libFuzzer target: the coded-SMS parser (ingest/sms.h) against the default
// forms. Besides crashes and sanitizer reports, it checks what the parser
// promises: a report without problems holds answers that pass
// core::ValidateSubmission, and every reply is short.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/default_forms.h"
#include "core/mission.h"
#include "ingest/sms.h"

namespace {

using namespace vigil;

const ingest::SmsCodebook& Book() {
  static const ingest::SmsCodebook book =
      ingest::SmsCodebook::Build(core::DefaultForms({"Alpha", "Beta"})).value();
  return book;
}

const core::MissionIndex& Mission() {
  static const core::MissionIndex mission({}, {{.code = "PS1"}},
                                          {{.code = "OBS-1", .stations = {"PS1"}}},
                                          core::DefaultForms({"Alpha", "Beta"}));
  return mission;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ingest::SmsReport report = ingest::ParseSms(text, Book());
  for (const char* language : {"en", "ru"}) {
    // The longest problem texts are bounded, so two segments plus one item.
    if (ingest::SmsReply(report, Book(), language).size() > 1024) __builtin_trap();
  }
  if (report.form < 0) return 0;
  core::Submission s;
  s.form_code = Book().forms()[report.form].code;
  s.form_version = Book().forms()[report.form].version;
  s.station_code = "PS1";
  s.observer_code = "OBS-1";
  s.answers = ingest::SmsAnswersJson(report, Book());
  if (!report.ok()) return 0;
  const std::string comment = "answers." + Book().forms()[report.form].sms_comment;
  for (const core::FieldError& e : core::ValidateSubmission(s, Mission())) {
    // Missing answers and the free-text comment are the caller's to judge.
    if (e.problem != "required" && e.field != comment) __builtin_trap();
  }
  return 0;
}
