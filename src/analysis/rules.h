// Data-quality rules: small expressions over one submission's answers that
// describe a problem, e.g. `CF != CV + CN` (ballots in boxes are not valid +
// invalid) or `V3 = "no" and V4 = "yes"`. A rule is flagged when its
// expression is true. Parsed once (and checked against the form), then
// evaluated on every submission as it arrives, so evaluation allocates
// nothing. Pure: no storage.
//
// The language (docs/analytics.md, "Review"):
//   identifiers   question codes of the form (top-level or inside groups)
//   literals      numbers (12, 0.5) and strings ("no" or 'no')
//   arithmetic    + - * / and unary -, on numbers
//   comparisons   = == != <> < <= > >=, numbers with numbers, text with text
//                 (text compares by bytes, so "HH:MM" times order correctly)
//   logic         and, or, not (keywords in any case), parentheses
//   answered(X)   true when question X has an answer
//   coalesce(X, v)  X's answer, or v where X has none (a protocol line
//                 such as "lost ballots" that most protocols leave out)
// A missing answer (or an answer of the wrong type, or a division by zero)
// is unknown, and unknown spreads like SQL's NULL: `and` is false if either
// side is false, `or` true if either side is true, anything else with an
// unknown side is unknown. A rule whose value is unknown is not applicable:
// neither flagged nor passed. So `CL > 5` says nothing about a protocol
// without CL, while `not answered(CL)` flags it.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "core/form.h"

namespace vigil::analysis {

enum class RuleOutcome : std::uint8_t {
  kNotApplicable,  // an answer it needs is missing
  kPassed,         // false: no problem
  kFlagged,        // true: the problem it describes is there
};
std::string_view RuleOutcomeName(RuleOutcome outcome);  // "not_applicable", "passed", "flagged"

// Expressions longer than this are refused (a rule is one line).
inline constexpr std::size_t kMaxRuleLength = 2000;

// A parse failure: the 1-based column (in characters) where it was found and
// what was expected there.
struct RuleSyntaxError {
  std::size_t column = 0;
  std::string message;  // "expected a value after '+'"
  // "at 12: expected a value after '+'"
  std::string ToString() const;
};

class RuleExpression {
 public:
  // Parses `text`. With a form, every identifier must be one of its
  // question codes answered at the top level of a submission (not inside a
  // repeat) and of a type a rule can compare; operands are type-checked
  // (numbers for arithmetic, like with like for comparisons) and a string
  // compared with a choice question must be one of its options. Without a
  // form only the syntax is checked and types are checked on evaluation.
  // On failure *error (if given) says where and why, and the Status (an
  // InvalidArgument) carries error->ToString().
  static Result<RuleExpression> Parse(std::string_view text, const core::Form* form,
                                      RuleSyntaxError* error = nullptr);

  // Thread-safe (const); allocates nothing.
  RuleOutcome Evaluate(const boost::json::object& answers) const;

  // The question codes it reads, sorted, without repeats.
  const std::vector<std::string>& codes() const { return codes_; }

 private:
  friend class RuleParser;
  enum class Op : std::uint8_t {
    kNumber,
    kString,
    kAnswer,
    kAnswered,
    kCoalesce,
    kNegate,
    kAdd,
    kSubtract,
    kMultiply,
    kDivide,
    kEqual,
    kNotEqual,
    kLess,
    kLessEqual,
    kGreater,
    kGreaterEqual,
    kAnd,
    kOr,
    kNot,
  };
  struct Node {
    Op op = Op::kNumber;
    std::int32_t left = -1;  // child node indices
    std::int32_t right = -1;
    double number = 0;
    std::string text;  // string literal or question code
  };
  struct Value;
  Value Eval(std::int32_t node, const boost::json::object& answers) const;

  std::vector<Node> nodes_;  // the root is the last
  std::vector<std::string> codes_;
};

}  // namespace vigil::analysis
