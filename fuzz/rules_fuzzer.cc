// libFuzzer target: data-quality rule expressions (analysis/rules.h). An
// input "F | EXPR" is parsed against default form F, anything else against
// the counting form C; every input is also parsed without a form. Besides
// crashes and sanitizer reports, it checks what the parser promises: an
// error names a column within the text (or just past its end) and says
// what was wrong; an expression the form accepts is also valid syntax
// without one; and evaluation gives an outcome on any answers.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analysis/rules.h"
#include "core/default_forms.h"

namespace {

using namespace vigil;

const std::vector<core::Form>& Forms() {
  static const std::vector<core::Form> forms = core::DefaultForms({"Alpha", "Beta"});
  return forms;
}

const std::vector<boost::json::object>& Answers() {
  // Every code of the counting form as a number, then as text, then none.
  static const std::vector<boost::json::object> answers = [] {
    boost::json::object numbers, text;
    for (const core::Question* q : core::AnswerFields(Forms()[1].questions)) {
      numbers[q->code] = 0;
      text[q->code] = "yes";
    }
    return std::vector<boost::json::object>{numbers, text, {}};
  }();
  return answers;
}

void Check(std::string_view text, const core::Form* form) {
  analysis::RuleSyntaxError error;
  auto rule = analysis::RuleExpression::Parse(text, form, &error);
  if (!rule) {
    std::size_t characters = 0;
    for (char c : text) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (error.column < 1 || error.column > characters + 1) __builtin_trap();
    if (error.message.empty() || rule.error().message() != error.ToString()) __builtin_trap();
    return;
  }
  if (form != nullptr && !analysis::RuleExpression::Parse(text, nullptr)) __builtin_trap();
  for (const boost::json::object& answers : Answers()) {
    const analysis::RuleOutcome outcome = rule->Evaluate(answers);
    if (analysis::RuleOutcomeName(outcome).empty()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const core::Form* form = &Forms()[1];  // C
  if (const std::size_t bar = text.find(" | "); bar != std::string_view::npos) {
    for (const core::Form& f : Forms()) {
      if (text.substr(0, bar) == f.code) form = &f;
    }
    text.remove_prefix(bar + 3);
  }
  Check(text, form);
  Check(text, nullptr);
  return 0;
}
