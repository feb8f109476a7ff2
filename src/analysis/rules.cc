#include "analysis/rules.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace vigil::analysis {

std::string_view RuleOutcomeName(RuleOutcome outcome) {
  switch (outcome) {
    case RuleOutcome::kNotApplicable:
      return "not_applicable";
    case RuleOutcome::kPassed:
      return "passed";
    case RuleOutcome::kFlagged:
      return "flagged";
  }
  return "";
}

std::string RuleSyntaxError::ToString() const {
  return "at " + std::to_string(column) + ": " + message;
}

namespace {

// Parentheses, `not` and unary minus nest at most this deep, so that a
// hostile expression cannot exhaust the parser's stack.
constexpr int kMaxDepth = 64;

enum class Type { kNumber, kText, kCondition, kAny };

std::string_view TypeName(Type t) {
  switch (t) {
    case Type::kNumber:
      return "a number";
    case Type::kText:
      return "text";
    case Type::kCondition:
      return "a condition";
    case Type::kAny:
      return "a value";
  }
  return "";
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

struct Token {
  enum Kind { kEnd, kNumber, kString, kWord, kSymbol };
  Kind kind = kEnd;
  std::string_view text;  // as written (a string without its quotes)
  std::size_t pos = 0;    // byte offset
  double number = 0;
};

bool IsWordStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

class RuleParser {
 public:
  using Node = RuleExpression::Node;
  using Op = RuleExpression::Op;

  RuleParser(std::string_view text, const core::Form* form, RuleExpression* out)
      : text_(text), form_(form), out_(out) {
    if (form_ != nullptr) fields_ = core::AnswerFields(form_->questions);
  }

  bool Run() {
    if (text_.size() > kMaxRuleLength) {
      return Error(kMaxRuleLength, "longer than " + std::to_string(kMaxRuleLength) + " characters");
    }
    if (!Tokenize()) return false;
    auto root = ParseOr();
    if (!root) return false;
    if (Peek().kind != Token::kEnd) {
      return Error(Peek().pos,
                   "expected an operator or the end, found '" + std::string(Peek().text) + "'");
    }
    if (root->type != Type::kCondition && root->type != Type::kAny) {
      return Error(root->pos, "a rule must be a condition (such as a comparison), not " +
                                  std::string(TypeName(root->type)));
    }
    std::sort(out_->codes_.begin(), out_->codes_.end());
    out_->codes_.erase(std::unique(out_->codes_.begin(), out_->codes_.end()), out_->codes_.end());
    return true;
  }

  RuleSyntaxError error;

 private:
  struct Operand {
    std::int32_t node = -1;
    Type type = Type::kAny;
    std::size_t pos = 0;
    const core::Question* question = nullptr;  // a bare answer of the form
  };

  bool Error(std::size_t pos, std::string message) {
    // Columns count characters, not bytes (labels and strings may be Cyrillic).
    std::size_t column = 1;
    for (std::size_t i = 0; i < pos && i < text_.size(); ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
    error = {column, std::move(message)};
    return false;
  }

  bool Tokenize() {
    std::size_t i = 0;
    while (true) {
      while (i < text_.size() &&
             (text_[i] == ' ' || text_[i] == '\t' || text_[i] == '\n' || text_[i] == '\r')) {
        ++i;
      }
      Token t;
      t.pos = i;
      if (i == text_.size()) {
        tokens_.push_back(t);
        return true;
      }
      const char c = text_[i];
      if (IsDigit(c)) {
        std::size_t end = i;
        while (end < text_.size() && IsDigit(text_[end])) ++end;
        if (end < text_.size() && text_[end] == '.') {
          ++end;
          if (end == text_.size() || !IsDigit(text_[end])) {
            return Error(end, "expected a digit after the decimal point");
          }
          while (end < text_.size() && IsDigit(text_[end])) ++end;
        }
        if (end < text_.size() && IsWordStart(text_[end])) {
          return Error(i, "a question code starts with a letter, not '" +
                              std::string(text_.substr(i, end - i + 1)) + "'");
        }
        t.kind = Token::kNumber;
        t.text = text_.substr(i, end - i);
        std::from_chars(t.text.data(), t.text.data() + t.text.size(), t.number);
        i = end;
      } else if (c == '"' || c == '\'') {
        const std::size_t close = text_.find(c, i + 1);
        if (close == std::string_view::npos) {
          return Error(i, std::string("unterminated string: no closing ") + c);
        }
        t.kind = Token::kString;
        t.text = text_.substr(i + 1, close - i - 1);
        i = close + 1;
      } else if (IsWordStart(c)) {
        std::size_t end = i;
        while (end < text_.size() && (IsWordStart(text_[end]) || IsDigit(text_[end]))) ++end;
        t.kind = Token::kWord;
        t.text = text_.substr(i, end - i);
        i = end;
      } else {
        static constexpr std::string_view kTwo[] = {"==", "!=", "<>", "<=", ">="};
        std::size_t len = 0;
        for (std::string_view two : kTwo) {
          if (text_.substr(i, 2) == two) len = 2;
        }
        if (len == 0 && std::string_view("+-*/()=<>,").find(c) != std::string_view::npos) len = 1;
        if (len == 0) {
          if (c == '!') return Error(i, "expected '!=' ('not' negates a condition)");
          // Name the whole character, not one byte of it.
          std::size_t end = i + 1;
          while (end < text_.size() && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) {
            ++end;
          }
          return Error(i, "unexpected character '" + std::string(text_.substr(i, end - i)) + "'");
        }
        t.kind = Token::kSymbol;
        t.text = text_.substr(i, len);
        i += len;
      }
      tokens_.push_back(t);
    }
  }

  const Token& Peek() const { return tokens_[next_]; }
  bool PeekSymbol(std::string_view s) const {
    return Peek().kind == Token::kSymbol && Peek().text == s;
  }
  bool PeekKeyword(std::string_view k) const {
    return Peek().kind == Token::kWord && EqualsNoCase(Peek().text, k);
  }
  const Token& Take() { return tokens_[next_++]; }

  std::int32_t Add(Node node) {
    out_->nodes_.push_back(std::move(node));
    return static_cast<std::int32_t>(out_->nodes_.size() - 1);
  }

  std::optional<Operand> ParseOr() {
    auto left = ParseAnd();
    if (!left) return std::nullopt;
    while (PeekKeyword("or")) {
      const Token& op = Take();
      auto right = ParseAnd();
      if (!right) return std::nullopt;
      if (!Logical(op, *left, *right)) return std::nullopt;
      left = Operand{Add({.op = Op::kOr, .left = left->node, .right = right->node}),
                     Type::kCondition, left->pos};
    }
    return left;
  }

  std::optional<Operand> ParseAnd() {
    auto left = ParseNot();
    if (!left) return std::nullopt;
    while (PeekKeyword("and")) {
      const Token& op = Take();
      auto right = ParseNot();
      if (!right) return std::nullopt;
      if (!Logical(op, *left, *right)) return std::nullopt;
      left = Operand{Add({.op = Op::kAnd, .left = left->node, .right = right->node}),
                     Type::kCondition, left->pos};
    }
    return left;
  }

  bool Logical(const Token& op, const Operand& left, const Operand& right) {
    for (const Operand* side : {&left, &right}) {
      if (side->type != Type::kCondition && side->type != Type::kAny) {
        return Error(side->pos, "'" + std::string(op.text) + "' joins conditions, not " +
                                    std::string(TypeName(side->type)));
      }
    }
    return true;
  }

  std::optional<Operand> ParseNot() {
    if (!PeekKeyword("not")) return ParseComparison();
    const Token& op = Take();
    if (++depth_ > kMaxDepth) return Fail(op.pos, "nested too deeply");
    auto operand = ParseNot();
    --depth_;
    if (!operand) return std::nullopt;
    if (operand->type != Type::kCondition && operand->type != Type::kAny) {
      return Fail(operand->pos,
                  "'not' negates a condition, not " + std::string(TypeName(operand->type)));
    }
    return Operand{Add({.op = Op::kNot, .left = operand->node}), Type::kCondition, op.pos};
  }

  std::optional<Op> PeekComparison() const {
    if (Peek().kind != Token::kSymbol) return std::nullopt;
    const std::string_view s = Peek().text;
    if (s == "=" || s == "==") return Op::kEqual;
    if (s == "!=" || s == "<>") return Op::kNotEqual;
    if (s == "<") return Op::kLess;
    if (s == "<=") return Op::kLessEqual;
    if (s == ">") return Op::kGreater;
    if (s == ">=") return Op::kGreaterEqual;
    return std::nullopt;
  }

  std::optional<Operand> ParseComparison() {
    auto left = ParseSum();
    if (!left) return std::nullopt;
    const auto op = PeekComparison();
    if (!op) return left;
    const Token& op_token = Take();
    auto right = ParseSum();
    if (!right) return std::nullopt;
    if (PeekComparison()) {
      return Fail(Peek().pos, "comparisons do not chain; join them with 'and'");
    }
    const std::string name(op_token.text);
    for (const Operand* side : {&*left, &*right}) {
      if (side->type == Type::kCondition) {
        return Fail(side->pos, "'" + name + "' compares numbers or text, not conditions");
      }
    }
    if (left->type != Type::kAny && right->type != Type::kAny && left->type != right->type) {
      return Fail(op_token.pos, "'" + name + "' cannot compare " +
                                    std::string(TypeName(left->type)) + " with " +
                                    std::string(TypeName(right->type)));
    }
    if (*op == Op::kEqual || *op == Op::kNotEqual) {
      if (!CheckOption(*left, *right) || !CheckOption(*right, *left)) return std::nullopt;
    }
    return Operand{Add({.op = *op, .left = left->node, .right = right->node}), Type::kCondition,
                   left->pos};
  }

  // "V3 = 'noo'" can never hold: say so rather than never flag.
  bool CheckOption(const Operand& answer, const Operand& literal) {
    if (answer.question == nullptr || out_->nodes_[literal.node].op != Op::kString) return true;
    const auto allowed = core::Form::AllowedValues(*answer.question);
    if (allowed.empty()) return true;
    const std::string& value = out_->nodes_[literal.node].text;
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return true;
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return Error(literal.pos, "'" + value + "' is not an answer of " + answer.question->code +
                                  " (" + list + ")");
  }

  std::optional<Operand> ParseSum() {
    auto left = ParseProduct();
    if (!left) return std::nullopt;
    while (PeekSymbol("+") || PeekSymbol("-")) {
      const Token& op = Take();
      auto right = ParseProduct();
      if (!right) return std::nullopt;
      if (!Arithmetic(op, *left, *right)) return std::nullopt;
      left = Operand{Add({.op = op.text == "+" ? Op::kAdd : Op::kSubtract,
                          .left = left->node,
                          .right = right->node}),
                     Type::kNumber, left->pos};
    }
    return left;
  }

  std::optional<Operand> ParseProduct() {
    auto left = ParseUnary();
    if (!left) return std::nullopt;
    while (PeekSymbol("*") || PeekSymbol("/")) {
      const Token& op = Take();
      auto right = ParseUnary();
      if (!right) return std::nullopt;
      if (!Arithmetic(op, *left, *right)) return std::nullopt;
      left = Operand{Add({.op = op.text == "*" ? Op::kMultiply : Op::kDivide,
                          .left = left->node,
                          .right = right->node}),
                     Type::kNumber, left->pos};
    }
    return left;
  }

  bool Arithmetic(const Token& op, const Operand& left, const Operand& right) {
    for (const Operand* side : {&left, &right}) {
      if (side->type != Type::kNumber && side->type != Type::kAny) {
        return Error(side->pos, "'" + std::string(op.text) + "' needs numbers, not " +
                                    std::string(TypeName(side->type)));
      }
    }
    return true;
  }

  std::optional<Operand> ParseUnary() {
    if (!PeekSymbol("-")) return ParsePrimary();
    const Token& op = Take();
    if (++depth_ > kMaxDepth) return Fail(op.pos, "nested too deeply");
    auto operand = ParseUnary();
    --depth_;
    if (!operand) return std::nullopt;
    if (operand->type != Type::kNumber && operand->type != Type::kAny) {
      return Fail(operand->pos, "'-' needs a number, not " + std::string(TypeName(operand->type)));
    }
    return Operand{Add({.op = Op::kNegate, .left = operand->node}), Type::kNumber, op.pos};
  }

  std::optional<Operand> Fail(std::size_t pos, std::string message) {
    Error(pos, std::move(message));
    return std::nullopt;
  }

  // "expected a value after '+'", naming what came before.
  std::optional<Operand> ExpectedValue() {
    const Token& t = Peek();
    std::string message = "expected a value";
    if (next_ > 0) message += " after '" + std::string(tokens_[next_ - 1].text) + "'";
    if (t.kind != Token::kEnd) {
      message +=
          ", found '" +
          (t.kind == Token::kString ? "\"" + std::string(t.text) + "\"" : std::string(t.text)) +
          "'";
    }
    return Fail(t.pos, message);
  }

  std::optional<Operand> ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case Token::kEnd:
        return ExpectedValue();
      case Token::kNumber:
        Take();
        return Operand{Add({.op = Op::kNumber, .number = t.number}), Type::kNumber, t.pos};
      case Token::kString:
        Take();
        return Operand{Add({.op = Op::kString, .text = std::string(t.text)}), Type::kText, t.pos};
      case Token::kSymbol:
        if (t.text != "(") return ExpectedValue();
        return ParseParenthesised();
      case Token::kWord:
        break;
    }
    for (std::string_view keyword : {"and", "or", "not"}) {
      if (EqualsNoCase(t.text, keyword)) return ExpectedValue();
    }
    Take();
    if (EqualsNoCase(t.text, "answered") && PeekSymbol("(")) return ParseAnswered(t);
    if (EqualsNoCase(t.text, "coalesce") && PeekSymbol("(")) return ParseCoalesce(t);
    const core::Question* question = nullptr;
    auto type = AnswerType(t, /*any_type=*/false, &question);
    if (!type) return std::nullopt;
    out_->codes_.emplace_back(t.text);
    return Operand{Add({.op = Op::kAnswer, .text = std::string(t.text)}), *type, t.pos, question};
  }

  std::optional<Operand> ParseParenthesised() {
    const Token& open = Take();
    if (++depth_ > kMaxDepth) return Fail(open.pos, "nested too deeply");
    auto inner = ParseOr();
    --depth_;
    if (!inner) return std::nullopt;
    if (!PeekSymbol(")")) {
      return Fail(Peek().pos, "expected ')' to close the '(' at " + ColumnText(open.pos));
    }
    Take();
    inner->pos = open.pos;
    inner->question = nullptr;
    return inner;
  }

  std::optional<Operand> ParseAnswered(const Token& word) {
    Take();  // (
    const Token& code = Peek();
    if (code.kind != Token::kWord) {
      return Fail(code.pos, "expected a question code in answered(...)");
    }
    Take();
    if (!AnswerType(code, /*any_type=*/true, nullptr)) return std::nullopt;
    if (!PeekSymbol(")"))
      return Fail(Peek().pos, "expected ')' after answered(" + std::string(code.text));
    Take();
    out_->codes_.emplace_back(code.text);
    return Operand{Add({.op = Op::kAnswered, .text = std::string(code.text)}), Type::kCondition,
                   word.pos};
  }

  std::optional<Operand> ParseCoalesce(const Token& word) {
    Take();  // (
    const Token& code = Peek();
    if (code.kind != Token::kWord) {
      return Fail(code.pos, "expected a question code in coalesce(...)");
    }
    Take();
    const core::Question* question = nullptr;
    auto type = AnswerType(code, /*any_type=*/false, &question);
    if (!type) return std::nullopt;
    if (!PeekSymbol(",")) {
      return Fail(Peek().pos, "expected ',' and the value to use where " + std::string(code.text) +
                                  " has no answer");
    }
    Take();
    if (++depth_ > kMaxDepth) return Fail(word.pos, "nested too deeply");
    auto fallback = ParseSum();
    --depth_;
    if (!fallback) return std::nullopt;
    if (*type != Type::kAny && fallback->type != Type::kAny && fallback->type != *type) {
      return Fail(fallback->pos, "the value instead of " + std::string(code.text) + " must be " +
                                     std::string(TypeName(*type)) + ", not " +
                                     std::string(TypeName(fallback->type)));
    }
    if (!PeekSymbol(")")) return Fail(Peek().pos, "expected ')' to close coalesce(");
    Take();
    out_->codes_.emplace_back(code.text);
    const std::int32_t answer = Add({.op = Op::kAnswer, .text = std::string(code.text)});
    return Operand{Add({.op = Op::kCoalesce, .left = answer, .right = fallback->node}),
                   *type == Type::kAny ? fallback->type : *type, word.pos};
  }

  std::string ColumnText(std::size_t pos) {
    RuleSyntaxError saved = error;
    Error(pos, "");
    const std::size_t column = error.column;
    error = saved;
    return std::to_string(column);
  }

  // The type of question `code`'s answer, checked against the form.
  std::optional<Type> AnswerType(const Token& code, bool any_type, const core::Question** out) {
    if (form_ == nullptr) return Type::kAny;
    const core::Question* q = nullptr;
    for (const core::Question* f : fields_) {
      if (f->code == code.text) q = f;
    }
    if (q == nullptr) {
      if (form_->FindQuestion(code.text) != nullptr) {
        Error(code.pos, "question " + std::string(code.text) +
                            " is inside a repeat; rules read answers outside repeats");
        return std::nullopt;
      }
      Error(code.pos,
            "unknown question code '" + std::string(code.text) + "' in form " + form_->code);
      return std::nullopt;
    }
    if (out != nullptr) *out = q;
    if (any_type) return Type::kCondition;
    switch (q->type) {
      case core::QuestionType::kInteger:
      case core::QuestionType::kDecimal:
        return Type::kNumber;
      case core::QuestionType::kCalculate:
        return Type::kAny;  // the client computes it: a number or text
      case core::QuestionType::kSelectMultiple:
      case core::QuestionType::kRepeat:
      case core::QuestionType::kGroup:
      case core::QuestionType::kNote:
        Error(code.pos, "question " + q->code + " is a " +
                            std::string(core::QuestionTypeName(q->type)) +
                            "; a rule can only test it with answered(" + q->code + ")");
        return std::nullopt;
      default:
        return Type::kText;
    }
  }

  std::string_view text_;
  const core::Form* form_;
  RuleExpression* out_;
  std::vector<const core::Question*> fields_;
  std::vector<Token> tokens_;
  std::size_t next_ = 0;
  int depth_ = 0;
};

Result<RuleExpression> RuleExpression::Parse(std::string_view text, const core::Form* form,
                                             RuleSyntaxError* error) {
  RuleExpression expression;
  RuleParser parser(text, form, &expression);
  if (!parser.Run()) {
    if (error != nullptr) *error = parser.error;
    return Fail(Status::InvalidArgument(parser.error.ToString()));
  }
  return expression;
}

// A value during evaluation; text points into the answers or the nodes.
struct RuleExpression::Value {
  enum Kind : std::uint8_t { kUnknown, kNumber, kText, kFalse, kTrue };
  Kind kind = kUnknown;
  double number = 0;
  std::string_view text;
};

RuleExpression::Value RuleExpression::Eval(std::int32_t index,
                                           const boost::json::object& answers) const {
  const Node& n = nodes_[static_cast<std::size_t>(index)];
  using V = Value;
  auto condition = [](bool b) { return V{b ? V::kTrue : V::kFalse}; };
  switch (n.op) {
    case Op::kNumber:
      return {V::kNumber, n.number};
    case Op::kString:
      return {V::kText, 0, n.text};
    case Op::kAnswer: {
      const boost::json::value* a = answers.if_contains(n.text);
      if (a == nullptr) return {};
      switch (a->kind()) {
        case boost::json::kind::int64:
          return {V::kNumber, static_cast<double>(a->get_int64())};
        case boost::json::kind::uint64:
          return {V::kNumber, static_cast<double>(a->get_uint64())};
        case boost::json::kind::double_:
          return {V::kNumber, a->get_double()};
        case boost::json::kind::string:
          if (a->get_string().empty()) return {};
          return {V::kText, 0, std::string_view(a->get_string())};
        default:
          return {};
      }
    }
    case Op::kAnswered: {
      const boost::json::value* a = answers.if_contains(n.text);
      if (a == nullptr || a->is_null()) return condition(false);
      if (a->is_string()) return condition(!a->get_string().empty());
      if (a->is_array()) return condition(!a->get_array().empty());
      return condition(true);
    }
    case Op::kCoalesce: {
      const V v = Eval(n.left, answers);
      return v.kind == V::kUnknown ? Eval(n.right, answers) : v;
    }
    case Op::kNegate: {
      const V v = Eval(n.left, answers);
      if (v.kind != V::kNumber) return {};
      return {V::kNumber, -v.number};
    }
    case Op::kNot: {
      const V v = Eval(n.left, answers);
      if (v.kind == V::kTrue) return condition(false);
      if (v.kind == V::kFalse) return condition(true);
      return {};
    }
    case Op::kAnd: {
      // False wins over unknown; no need to look right of a false.
      const V l = Eval(n.left, answers);
      if (l.kind == V::kFalse) return l;
      const V r = Eval(n.right, answers);
      if (r.kind == V::kFalse) return r;
      if (l.kind == V::kTrue && r.kind == V::kTrue) return l;
      return {};
    }
    case Op::kOr: {
      const V l = Eval(n.left, answers);
      if (l.kind == V::kTrue) return l;
      const V r = Eval(n.right, answers);
      if (r.kind == V::kTrue) return r;
      if (l.kind == V::kFalse && r.kind == V::kFalse) return l;
      return {};
    }
    default:
      break;
  }
  const V l = Eval(n.left, answers);
  const V r = Eval(n.right, answers);
  if (l.kind != r.kind || (l.kind != V::kNumber && l.kind != V::kText)) return {};
  switch (n.op) {
    case Op::kAdd:
    case Op::kSubtract:
    case Op::kMultiply:
    case Op::kDivide:
      if (l.kind != V::kNumber) return {};
      if (n.op == Op::kAdd) return {V::kNumber, l.number + r.number};
      if (n.op == Op::kSubtract) return {V::kNumber, l.number - r.number};
      if (n.op == Op::kMultiply) return {V::kNumber, l.number * r.number};
      if (r.number == 0) return {};  // no answer to a question that divides by zero
      return {V::kNumber, l.number / r.number};
    default:
      break;
  }
  // -1, 0, 1 as l is less than, equal to or greater than r.
  const int order = l.kind == V::kNumber
                        ? (l.number < r.number ? -1 : (l.number > r.number ? 1 : 0))
                        : l.text.compare(r.text);
  switch (n.op) {
    case Op::kEqual:
      return condition(order == 0);
    case Op::kNotEqual:
      return condition(order != 0);
    case Op::kLess:
      return condition(order < 0);
    case Op::kLessEqual:
      return condition(order <= 0);
    case Op::kGreater:
      return condition(order > 0);
    case Op::kGreaterEqual:
      return condition(order >= 0);
    default:
      return {};
  }
}

RuleOutcome RuleExpression::Evaluate(const boost::json::object& answers) const {
  if (nodes_.empty()) return RuleOutcome::kNotApplicable;
  const Value v = Eval(static_cast<std::int32_t>(nodes_.size() - 1), answers);
  if (v.kind == Value::kTrue) return RuleOutcome::kFlagged;
  if (v.kind == Value::kFalse) return RuleOutcome::kPassed;
  return RuleOutcome::kNotApplicable;
}

}  // namespace vigil::analysis
