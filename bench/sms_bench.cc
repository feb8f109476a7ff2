// Reading coded SMS reports (issue 4: at least 1,000,000 messages/s on one
// core): a realistic mix against the default forms, parsed into a reused
// report as the webhooks do.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/default_forms.h"
#include "ingest/sms.h"

namespace vigil::bench {
namespace {

// Valid reports of every form, noisy ones (spaces, punctuation, lower case,
// O for 0, a PIN, Cyrillic letters) and malformed ones, about as long as
// real reports (20-90 characters).
const std::vector<std::string>& Messages() {
  static const std::vector<std::string> messages = {
      "V1001AA0930AB1AC2AD1AE2AF1AG2AH1AJ0AK3AM2AN2AP2AQ2AR2AS2AT1AU1AV1AW5AX12AY2AZ1015",
      "C1001AA2130AB2AC1AD1AE1AF1AG1AH1AJ1AK0AM135AN2AP1AQ2AR1500AS1480AT1200AU280AX1100AY1000"
      "AZ100PA700PB300BA2",
      "O1001AA0645AB1AC2AD1AE1AF1AG1AH2AM1AN2",
      "T1001AA2300AB1AC1AD1AE2AF2AG2AH2AJ40AK2",
      "X1001!AA1405AB6AC2AD3AE2AF1 @Observer expelled by the chairman",
      "482913 v 1OO1, aa 93o; ab-1 ac.2 ad1 ay2",
      "V 0042 AA 0930 AB 1 AC 2 AD AY 2 AZ 1015 @queue outside",
      "\xD0\xA1"
      "1001 \xD0\x90\xD0\x90"
      "2130 AB2 AC1 AY1000",
      "V1001AA930AB7AC1QQ3",
      "V1001AA2575AB1AB2",
      "Q1001AA930",
      "V1001AA930AB1AC1AD1AE1AF1AG1AH1AJ1AK1AM1AN1AP1AQ1AR1AS1AT1AU1AV1AW1AX1AY1",
  };
  return messages;
}

void BM_ParseSms(benchmark::State& state) {
  const auto book = ingest::SmsCodebook::Build(core::DefaultForms({"Alpha", "Beta"}));
  if (!book) {
    state.SkipWithError(book.error().message().c_str());
    return;
  }
  const std::vector<std::string>& messages = Messages();
  ingest::SmsReport report;
  std::size_t i = 0;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& text = messages[i];
    ingest::ParseSms(text, *book, report);
    benchmark::DoNotOptimize(report.answers.data());
    bytes += static_cast<std::int64_t>(text.size());
    if (++i == messages.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());  // items/s = messages/s
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_ParseSms);

// What a webhook does per message beyond parsing: the answers as JSON and
// the reply.
void BM_ParseSmsWithAnswersAndReply(benchmark::State& state) {
  const auto book = ingest::SmsCodebook::Build(core::DefaultForms({"Alpha", "Beta"}));
  if (!book) {
    state.SkipWithError(book.error().message().c_str());
    return;
  }
  const std::vector<std::string>& messages = Messages();
  ingest::SmsReport report;
  std::size_t i = 0;
  for (auto _ : state) {
    ingest::ParseSms(messages[i], *book, report);
    if (report.form >= 0) benchmark::DoNotOptimize(ingest::SmsAnswersJson(report, *book));
    benchmark::DoNotOptimize(ingest::SmsReply(report, *book, "ru"));
    if (++i == messages.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseSmsWithAnswersAndReply);

}  // namespace
}  // namespace vigil::bench
