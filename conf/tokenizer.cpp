#include "conf/tokenizer.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>

namespace ferry::conf {

namespace {

bool is_name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One pass over the text; state is the statement being built and the open quote, if any.
class Tokenizer {
 public:
  Tokenizer(std::string_view text, const std::string& file, std::vector<Diagnostic>& diags)
      : text_(text), file_(file), diags_(diags) {
    st_.pos = {file_, 1, 0};
  }

  std::vector<Statement> run() {
    while (i_ < text_.size())
      step();
    end_of_line();
    return std::move(out_);
  }

 private:
  enum class Quote { None, Double, Single };

  char at(size_t k) const { return i_ + k < text_.size() ? text_[i_ + k] : '\0'; }

  void step() {
    const char c = text_[i_];
    if (c == '\n') return newline();
    if (c == '\r' && at(1) == '\n') return skip(1);
    if (quote_ == Quote::Single) return single_quoted(c);
    if (c == '\\') return escape();
    if (c == '$') return dollar();
    if (quote_ == Quote::Double) return c == '"' ? close_quote() : literal(c);
    unquoted(c);
  }

  void unquoted(char c) {
    if (c == ' ' || c == '\t') {
      finish_word();
      return skip(1);
    }
    if (c == '#') {
      while (i_ < text_.size() && text_[i_] != '\n')
        ++i_;
      return;
    }
    if (c == '"' || c == '\'') {
      quote_ = c == '"' ? Quote::Double : Quote::Single;
      in_word_ = true;
      return skip(1);
    }
    literal(c);
  }

  void single_quoted(char c) { return c == '\'' ? close_quote() : literal(c); }

  void close_quote() {
    quote_ = Quote::None;
    skip(1);
  }

  void literal(char c) {
    word_ += c;
    in_word_ = true;
    skip(1);
  }

  void skip(size_t n) { i_ += n; }

  void newline() {
    end_of_line();
    ++line_;
    skip(1);
    st_ = Statement{{file_, line_, 0}, {}};
    broken_ = false;
  }

  void end_of_line() {
    if (quote_ != Quote::None) {
      error(quote_ == Quote::Double
                ? "unterminated double quote; close it with '\"' on the same line"
                : "unterminated single quote; close it with \"'\" on the same line");
      quote_ = Quote::None;
    }
    finish_word();
    if (!broken_ && !st_.words.empty()) out_.push_back(std::move(st_));
    st_.words.clear();
  }

  void finish_word() {
    if (in_word_) st_.words.push_back(std::move(word_));
    word_.clear();
    in_word_ = false;
  }

  // After a backslash: a line continuation or one escaped character.
  void escape() {
    const char n = at(1);
    if (n == '\n' || (n == '\r' && at(2) == '\n')) {
      skip(n == '\n' ? 2 : 3);
      ++line_;
      return;
    }
    if (n == '\0' && i_ + 1 >= text_.size()) return skip(1);
    if (n == 'x') return hex_escape();
    in_word_ = true;
    // As HAProxy: any other backslash stays, so regexes keep `\.` and replacements `\1`.
    if (std::string_view(" #\\'\"$nrt").find(n) == std::string_view::npos) {
      word_ += '\\';
      return skip(1);
    }
    skip(2);
    word_ += n == 'n' ? '\n' : n == 'r' ? '\r' : n == 't' ? '\t' : n;
  }

  void hex_escape() {
    const int hi = hex_value(at(2)), lo = hex_value(at(3));
    if (hi < 0 || lo < 0) {
      error("invalid '\\x' escape: it needs two hexadecimal digits, as in '\\x0a'");
      return skip(2);
    }
    word_ += static_cast<char>(hi * 16 + lo);
    in_word_ = true;
    skip(4);
  }

  // `$NAME`, `${NAME}`, `${NAME-default}`, `${NAME[*]}`; anything else is a literal `$`.
  void dollar() {
    if (at(1) == '{') return braced_variable();
    if (!is_name_start(at(1))) return literal('$');
    size_t end = i_ + 1;
    while (end < text_.size() && is_name_char(text_[end]))
      ++end;
    const std::string name(text_.substr(i_ + 1, end - i_ - 1));
    i_ = end;
    expand(name, std::nullopt, false);
  }

  void braced_variable() {
    const size_t close = text_.find('}', i_ + 2);
    const size_t eol = text_.find('\n', i_);
    if (close == std::string_view::npos || close > eol) {
      error("unterminated '${' in an environment variable reference; close it with '}'");
      return skip(2);
    }
    std::string body(text_.substr(i_ + 2, close - i_ - 2));
    i_ = close + 1;
    std::optional<std::string> fallback;
    bool split = false;
    if (body.size() > 3 && body.ends_with("[*]")) {
      split = true;
      body.resize(body.size() - 3);
    }
    if (const size_t dash = body.find('-'); dash != std::string::npos) {
      fallback = body.substr(dash + 1);
      body.resize(dash);
    }
    if (!valid_name(body))
      return error("invalid environment variable name '" + body + "' in '${...}'");
    expand(body, fallback, split);
  }

  static bool valid_name(const std::string& name) {
    if (name == ".FILE" || name == ".LINE") return true;
    if (name.empty() || !is_name_start(name[0])) return false;
    for (char c : name)
      if (!is_name_char(c)) return false;
    return true;
  }

  void expand(const std::string& name, const std::optional<std::string>& fallback, bool split) {
    std::string value;
    if (name == ".FILE") {
      value = file_;
    } else if (name == ".LINE") {
      value = std::to_string(line_);
    } else if (const char* env = std::getenv(name.c_str())) {
      value = env;
    } else if (fallback) {
      value = *fallback;
    } else {
      warning("environment variable '" + name + "' is not set; it expands to an empty string");
    }
    split ? append_split(value) : append(value);
  }

  void append(const std::string& value) {
    word_ += value;
    if (!value.empty()) in_word_ = true;
  }

  // `${VAR[*]}`: each blank-separated piece of the value becomes its own word.
  void append_split(const std::string& value) {
    size_t pos = 0;
    bool first = true;
    while (pos < value.size()) {
      const size_t start = value.find_first_not_of(" \t", pos);
      if (start == std::string::npos) break;
      const size_t end = std::min(value.find_first_of(" \t", start), value.size());
      if (!first) finish_word();
      append(value.substr(start, end - start));
      first = false;
      pos = end;
    }
  }

  void error(std::string message) {
    diags_.push_back({Diagnostic::Severity::Error, {file_, line_, 0}, std::move(message)});
    broken_ = true;
  }

  void warning(std::string message) {
    diags_.push_back({Diagnostic::Severity::Warning, {file_, line_, 0}, std::move(message)});
  }

  std::string_view text_;
  const std::string& file_;
  std::vector<Diagnostic>& diags_;
  size_t i_ = 0;
  int line_ = 1;
  Quote quote_ = Quote::None;
  Statement st_;
  std::string word_;
  bool in_word_ = false;
  bool broken_ = false;  // an error in this statement: drop it
  std::vector<Statement> out_;
};

}  // namespace

std::vector<Statement> tokenize(std::string_view text, const std::string& file,
                                std::vector<Diagnostic>& diags) {
  return Tokenizer(text, file, diags).run();
}

}  // namespace ferry::conf
