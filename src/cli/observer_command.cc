// `vigil observer login|pin|clear-login|clear-pin|list-credentials`: the
// credentials observers use on the field channels (an ODK login, an SMS
// PIN). A generated secret is printed once, alone on stdout so that scripts
// can capture it, with the note on stderr.
#include <unistd.h>

#include <cstdio>

#include "cli/cli.h"
#include "common/file.h"
#include "service/field_credentials.h"

namespace vigil::cli {

namespace {

Result<std::unique_ptr<storage::Store>> Open(const std::string& data_dir) {
  return storage::OpenStore({.data_dir = data_dir, .create = false});
}

void AddObserverCode(CLI::App& cmd, std::string& code) {
  cmd.add_option("OBS-CODE", code, "The observer's code")->required();
}

void AddLogin(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand(
      "login",
      "Give an observer a username and password for ODK Collect, Enketo or KoboCollect "
      "(HTTP Digest); replaces any login it had");
  struct Options {
    std::string data_dir, code, username, password_file;
    std::string realm = service::kDefaultDigestRealm;
  };
  auto o = std::make_shared<Options>();
  AddDataOption(*cmd, o->data_dir);
  AddObserverCode(*cmd, o->code);
  cmd->add_option("--username", o->username, "The username, unique across observers")->required();
  cmd->add_option("--password-file", o->password_file,
                  "Read the password from the first line of this file (else it is typed on a "
                  "terminal, or without one generated and printed once)");
  cmd->add_option("--realm", o->realm,
                  "The Digest realm the server uses; the password works in this realm only")
      ->capture_default_str();
  cmd->callback([&ctx, o] {
    const bool generate = o->password_file.empty() && !isatty(STDIN_FILENO);
    const Status s = [&]() -> Status {
      std::string password;
      if (generate) {
        password = service::GenerateFieldPassword();
      } else {
        auto typed = ReadNewPassword(o->password_file);
        if (!typed) return typed.error();
        password = *typed;
      }
      auto store = Open(o->data_dir);
      if (!store) return store.error();
      VIGIL_RETURN_IF_ERROR(
          service::SetFieldLogin(**store, o->code, o->username, o->realm, password, LocalActor()));
      if (generate) std::printf("%s\n", password.c_str());
      return Status::Ok();
    }();
    if (!s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    std::fprintf(generate ? stderr : stdout, "ODK login of %s set: username %s, realm \"%s\".%s\n",
                 o->code.c_str(), o->username.c_str(), o->realm.c_str(),
                 generate ? " The password is shown only this once." : "");
  });
}

void AddPin(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand(
      "pin", "Give an observer a PIN (4-8 digits) to send with SMS reports; replaces any it had");
  struct Options {
    std::string data_dir, code, pin_file;
  };
  auto o = std::make_shared<Options>();
  AddDataOption(*cmd, o->data_dir);
  AddObserverCode(*cmd, o->code);
  cmd->add_option("--pin-file", o->pin_file,
                  "Read the PIN from the first line of this file (else 6 digits are generated "
                  "and printed once)");
  cmd->callback([&ctx, o] {
    const bool generate = o->pin_file.empty();
    const Status s = [&]() -> Status {
      std::string pin;
      if (generate) {
        pin = service::GenerateSmsPin();
      } else {
        auto content = ReadWholeFile(o->pin_file);
        if (!content) return content.error();
        pin = content->substr(0, content->find_first_of("\r\n"));
      }
      auto store = Open(o->data_dir);
      if (!store) return store.error();
      VIGIL_RETURN_IF_ERROR(service::SetSmsPin(**store, o->code, pin, LocalActor()));
      if (generate) std::printf("%s\n", pin.c_str());
      return Status::Ok();
    }();
    if (!s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    std::fprintf(generate ? stderr : stdout, "SMS PIN of %s set.%s\n", o->code.c_str(),
                 generate ? " It is shown only this once." : "");
  });
}

// `clear-login` and `clear-pin`: `clear` removes the credential.
void AddClear(CLI::App& parent, Context& ctx, const std::string& name, const std::string& what,
              Status (storage::Store::*clear)(const std::string&, const storage::Actor&)) {
  auto* cmd = parent.add_subcommand(name, "Remove an observer's " + what);
  struct Options {
    std::string data_dir, code;
  };
  auto o = std::make_shared<Options>();
  AddDataOption(*cmd, o->data_dir);
  AddObserverCode(*cmd, o->code);
  cmd->callback([&ctx, o, what, clear] {
    auto store = Open(o->data_dir);
    const Status s = store ? ((**store).*clear)(o->code, LocalActor()) : store.error();
    if (!s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    std::printf("%s of %s removed.\n", what.c_str(), o->code.c_str());
  });
}

void AddListCredentials(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand(
      "list-credentials",
      "List every observer with its ODK username and realm and whether it has an SMS PIN "
      "(never the secrets)");
  auto data_dir = std::make_shared<std::string>();
  AddDataOption(*cmd, *data_dir);
  cmd->callback([&ctx, data_dir] {
    auto listed = [&]() -> Result<std::vector<storage::FieldCredentials>> {
      auto store = Open(*data_dir);
      if (!store) return Fail(store.error());
      return (*store)->ListFieldCredentials();
    }();
    if (!listed) {
      ctx.exit_code = ReportError(listed.error());
      return;
    }
    const auto when = [](const std::optional<Timestamp>& t) {
      return t ? FormatRfc3339(*t).substr(0, 19) + "Z" : std::string("-");
    };
    std::printf("%-12s %-24s %-16s %-20s %s\n", "observer", "odk username", "realm", "login set",
                "sms pin set");
    for (const storage::FieldCredentials& c : *listed) {
      std::printf("%-12s %-24s %-16s %-20s %s\n", c.observer_code.c_str(),
                  c.login_set_at ? c.username.c_str() : "-", c.login_set_at ? c.realm.c_str() : "-",
                  when(c.login_set_at).c_str(), when(c.pin_set_at).c_str());
    }
  });
}

}  // namespace

void RegisterObserver(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("observer",
                                 "Manage observers' field credentials: ODK logins and SMS PINs");
  cmd->require_subcommand(1);
  AddLogin(*cmd, ctx);
  AddPin(*cmd, ctx);
  AddClear(*cmd, ctx, "clear-login", "ODK login", &storage::Store::ClearFieldLogin);
  AddClear(*cmd, ctx, "clear-pin", "SMS PIN", &storage::Store::ClearSmsPin);
  AddListCredentials(*cmd, ctx);
}

}  // namespace vigil::cli
