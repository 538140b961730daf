#include "healthcheck/tcp_check.hpp"

#include <cassert>
#include <cstring>

namespace ferry::healthcheck {

using core::CheckStatus;
using Kind = TcpCheckRule::Kind;

namespace {

bool is_expect(Kind kind) {
  return kind == Kind::ExpectString || kind == Kind::ExpectRstring || kind == Kind::ExpectBinary;
}

// What the texts call a step: `connect`, `send`, `expect string '...'`, `expect regex`, ...
std::string describe(const TcpCheckRule& rule) {
  switch (rule.kind) {
    case Kind::Connect:
      return "connect";
    case Kind::Send:
    case Kind::SendBinary:
      return "send";
    case Kind::ExpectString:
      return "expect string '" + rule.bytes + "'";
    case Kind::ExpectRstring:
      return "expect regex";
    case Kind::ExpectBinary:
      return "expect binary '" + rule.bytes + "'";
  }
  return "";
}

// How a failed expect names its pattern: ` '...'`, ` (regex)`, ` (binary)`.
std::string pattern_label(const TcpCheckRule& rule) {
  if (rule.kind == Kind::ExpectRstring) return " (regex)";
  if (rule.kind == Kind::ExpectBinary) return " (binary)";
  return " '" + rule.bytes + "'";
}

// Text patterns are not searched past a NUL byte (as HAProxy); binary ones see everything.
bool pattern_found(const TcpCheckRule& rule, std::string_view data) {
  if (rule.kind == Kind::ExpectBinary) return data.find(rule.bytes) != std::string_view::npos;
  data = data.substr(0, data.find('\0'));
  if (rule.kind == Kind::ExpectString) return data.find(rule.bytes) != std::string_view::npos;
  return std::regex_search(data.begin(), data.end(), *rule.regex);
}

std::string first_line(std::string_view data) {
  return std::string(data.substr(0, data.find_first_of("\r\n")));
}

enum class Verdict { Pass, Fail, Wait };

class TcpCheckRun final : public ProbeRun {
 public:
  explicit TcpCheckRun(const TcpCheckRules& rules) : rules_(rules) {}

  ProbeAction start() override {
    if (rules_.rules.front().kind == Kind::Connect) current_ = &rules_.rules[next_++];
    return {ProbeAction::Kind::Connect, "", {}};
  }

  ProbeAction done() override {
    if (!connected_ && (current_ == nullptr || current_->kind == Kind::Connect)) connected_ = true;
    return advance();
  }

  ProbeAction received(std::string_view data, bool closed) override;

  CheckResult connect_failed(int err, ConnectPhase phase) override {
    CheckResult r = connect_failure(err, phase);
    r.text += where();
    return r;
  }

  CheckResult io_failed(int err) override {
    return {CheckStatus::SockErr, -1, std::strerror(err) + where(), -1};
  }

  CheckResult timed_out() override {
    return {connected_ ? CheckStatus::L7Tout : CheckStatus::L4Tout, -1, where(), -1};
  }

 private:
  ProbeAction advance();
  Verdict judge(std::string_view data, bool closed, CheckResult& failure) const;
  CheckResult passed() const;
  std::string where() const;

  const TcpCheckRules& rules_;
  size_t next_ = 0;                        // the next rule to run
  const TcpCheckRule* current_ = nullptr;  // the rule under way; null = the implicit connect
  bool connected_ = false;
};

ProbeAction TcpCheckRun::advance() {
  if (next_ == rules_.rules.size()) return {ProbeAction::Kind::Finish, "", passed()};
  current_ = &rules_.rules[next_++];
  switch (current_->kind) {
    case Kind::Connect:
      connected_ = false;
      return {ProbeAction::Kind::Connect, "", {}};
    case Kind::Send:
    case Kind::SendBinary:
      return {ProbeAction::Kind::Send, current_->bytes, {}};
    default:
      return {ProbeAction::Kind::Receive, "", {}};
  }
}

// Judges the expect under way, then any expects right after it on the same data.
ProbeAction TcpCheckRun::received(std::string_view data, bool closed) {
  assert(current_ != nullptr && is_expect(current_->kind));
  for (;;) {
    CheckResult failure;
    const Verdict v = judge(data, closed, failure);
    if (v == Verdict::Wait) return {ProbeAction::Kind::Receive, "", {}};
    if (v == Verdict::Fail) return {ProbeAction::Kind::Finish, "", failure};
    if (next_ == rules_.rules.size() || !is_expect(rules_.rules[next_].kind)) return advance();
    current_ = &rules_.rules[next_++];
  }
}

Verdict TcpCheckRun::judge(std::string_view data, bool closed, CheckResult& failure) const {
  const TcpCheckRule& rule = *current_;
  const TcpCheckDialect& d = rules_.dialect;
  const bool conclusive = closed || data.size() >= kCheckBufferSize;
  const std::string at = " at step " + std::to_string(rule.step);
  if (data.empty()) {
    failure = {d.error_status, 0, "TCPCHK got an empty response" + at, -1};
    return conclusive ? Verdict::Fail : Verdict::Wait;
  }
  const bool found = pattern_found(rule, data);
  if (found && !rule.negate) return Verdict::Pass;
  if (!found && !conclusive) return Verdict::Wait;
  if (!found && rule.negate) return Verdict::Pass;  // the unwanted pattern never came
  std::string text = d.error_is_first_line ? first_line(data)
                     : found ? "TCPCHK matched unwanted content" + pattern_label(rule) + at
                             : "TCPCHK did not match content" + pattern_label(rule) + at;
  failure = {d.error_status, 0, std::move(text), -1};
  return Verdict::Fail;
}

// The verdict once every rule passed: L4OK when the last one was a connect, else L7OK.
CheckResult TcpCheckRun::passed() const {
  if (current_ == nullptr || current_->kind == Kind::Connect) {
    return {CheckStatus::L4Ok, -1, rules_.dialect.ok_text, -1};
  }
  return {CheckStatus::L7Ok, 0, rules_.dialect.ok_text, -1};
}

// Where an error or timeout happened, as HAProxy appends it to the text of a tcp-check.
std::string TcpCheckRun::where() const {
  if (!rules_.dialect.step_context) return "";
  if (current_ == nullptr) return " at initial connection step of tcp-check";
  return " at step " + std::to_string(current_->step) + " of tcp-check (" + describe(*current_) +
         ")";
}

class TcpCheckProbe final : public Probe {
 public:
  explicit TcpCheckProbe(TcpCheckRules rules) : rules_(std::move(rules)) {}
  std::unique_ptr<ProbeRun> start_run() const override {
    return std::make_unique<TcpCheckRun>(rules_);
  }

 private:
  TcpCheckRules rules_;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string place(const conf::SourcePos& pos) {
  return conf::to_string(pos) + ": ";
}

// Fills in a rule's bytes or regex; returns an error text or "".
std::string compile_rule(const conf::TcpCheckStep& step, TcpCheckRule& rule) {
  rule.bytes = step.arg;
  if (step.kind == Kind::SendBinary || step.kind == Kind::ExpectBinary) {
    auto bytes = decode_hex(step.arg);
    if (!bytes) return place(step.pos) + "invalid hex string '" + step.arg + "'";
    rule.bytes = std::move(*bytes);
  }
  if (step.kind == Kind::ExpectRstring) {
    try {
      rule.regex.emplace(step.arg, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      return place(step.pos) + "invalid regex '" + step.arg + "': " + e.what();
    }
  }
  return "";
}

}  // namespace

std::optional<std::string> decode_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_value(hex[i]);
    const int lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

TcpCheckRulesBuild compile_tcp_check(std::span<const conf::TcpCheckStep> steps) {
  TcpCheckRules rules;
  for (const conf::TcpCheckStep& step : steps) {
    TcpCheckRule rule;
    rule.kind = step.kind;
    rule.negate = step.negate;
    rule.step = static_cast<int>(rules.rules.size()) + 1;
    if (std::string error = compile_rule(step, rule); !error.empty()) return {std::nullopt, error};
    rules.rules.push_back(std::move(rule));
  }
  return {std::move(rules), ""};
}

std::unique_ptr<Probe> make_tcp_check_probe(TcpCheckRules rules) {
  if (rules.rules.empty()) return make_connect_probe();
  return std::make_unique<TcpCheckProbe>(std::move(rules));
}

}  // namespace ferry::healthcheck
