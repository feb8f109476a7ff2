// `vigil sms log`: the message log of inbound SMS, for the data centre.
#include <boost/json.hpp>
#include <cstdio>

#include "cli/cli.h"

namespace vigil::cli {

namespace json = boost::json;

void RegisterSms(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("sms", "Inbound coded SMS: the message log");
  cmd->require_subcommand(1);
  auto* log = cmd->add_subcommand(
      "log", "Print the newest messages, accepted or not, as JSON Lines (newest first)");
  struct Options {
    std::string data_dir;
    std::int64_t limit = 100;
  };
  auto opts = std::make_shared<Options>();
  AddDataOption(*log, opts->data_dir);
  log->add_option("--limit", opts->limit, "How many messages")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{10'000'000}))
      ->capture_default_str();
  log->callback([&ctx, opts] {
    auto store = storage::OpenStore({.data_dir = opts->data_dir, .create = false});
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    auto messages = (*store)->ListSmsMessages(opts->limit);
    if (!messages) {
      ctx.exit_code = ReportError(messages.error());
      return;
    }
    for (const storage::SmsMessage& m : *messages) {
      json::array problems;
      for (const std::string& p : m.problems) problems.emplace_back(p);
      const json::object line{{"id", m.id},
                              {"gateway", m.gateway},
                              {"gateway_message_id", m.gateway_message_id},
                              {"sender", m.sender},
                              {"text", m.text},
                              {"received_at", FormatRfc3339(m.received_at)},
                              {"outcome", storage::SmsOutcomeName(m.outcome)},
                              {"problems", std::move(problems)},
                              {"observer", m.observer_code},
                              {"instance_id", m.instance_id},
                              {"reply", m.reply}};
      std::printf("%s\n", json::serialize(line).c_str());
    }
  });
}

}  // namespace vigil::cli
