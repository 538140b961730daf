#include "healthcheck/http_check.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "conf/number.hpp"
#include "healthcheck/fcgi_check.hpp"
#include "healthcheck/http_response.hpp"

namespace ferry::healthcheck {

using core::CheckStatus;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

using Header = std::pair<std::string, std::string>;

// Splits the deprecated `HTTP/1.1\r\nHost: x` form into the version and its header lines.
std::string split_version(std::string_view version, std::vector<Header>& headers) {
  const size_t crlf = version.find("\r\n");
  if (crlf == std::string_view::npos) return std::string(version);
  std::string_view rest = version.substr(crlf + 2);
  while (!rest.empty()) {
    const size_t end = std::min(rest.find("\r\n"), rest.size());
    const std::string_view line = rest.substr(0, end);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos && colon > 0) {
      headers.emplace_back(std::string(line.substr(0, colon)),
                           std::string(trim(line.substr(colon + 1))));
    }
    rest.remove_prefix(std::min(end + 2, rest.size()));
  }
  return std::string(version.substr(0, crlf));
}

// `200,201,300-310`: codes of three digits at most, alone or as ranges.
bool parse_statuses(std::string_view list, std::vector<std::pair<int, int>>& out) {
  while (!list.empty()) {
    const size_t comma = std::min(list.find(','), list.size());
    const std::string_view item = list.substr(0, comma);
    const size_t dash = item.find('-');
    const auto lo = conf::parse_integer(item.substr(0, dash), 0, 999);
    const auto hi =
        dash == std::string_view::npos ? lo : conf::parse_integer(item.substr(dash + 1), 0, 999);
    if (!lo || !hi || *lo > *hi) return false;
    out.emplace_back(static_cast<int>(*lo), static_cast<int>(*hi));
    list.remove_prefix(std::min(comma + 1, list.size()));
  }
  return !out.empty();
}

std::string compile_regex(const std::string& source, std::optional<std::regex>& out) {
  try {
    out.emplace(source, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    return "invalid regex '" + source + "' in 'http-check expect': " + e.what();
  }
  return "";
}

// Fills `e` from `http-check expect [!] <kind> <arg>`; returns an error text or "".
std::string compile_expect(const conf::HealthProbeConf& conf, HttpExpect& e) {
  using K = HttpExpect::Kind;
  const std::string& kind = conf.http_expect_kind;
  e.negate = conf.http_expect_negate;
  if (kind.empty()) return "";
  if (kind == "status") {
    e.kind = K::Status;
    if (parse_statuses(conf.http_expect_arg, e.statuses)) return "";
    return "invalid status list '" + conf.http_expect_arg + "' in 'http-check expect status'";
  }
  if (kind == "string") {
    e.kind = K::String;
    e.text = conf.http_expect_arg;
    return "";
  }
  if (kind == "rstatus" || kind == "rstring") {
    e.kind = kind == "rstatus" ? K::Rstatus : K::Rstring;
    return compile_regex(conf.http_expect_arg, e.regex);
  }
  return "unsupported 'http-check expect " + kind + "'";
}

bool status_matches(const HttpExpect& e, const HttpResponseHead& head) {
  if (e.kind == HttpExpect::Kind::Rstatus) return std::regex_search(head.code_text, *e.regex);
  if (e.kind == HttpExpect::Kind::Default) return head.code >= 200 && head.code < 400;
  return std::any_of(e.statuses.begin(), e.statuses.end(),
                     [&](const auto& r) { return head.code >= r.first && head.code <= r.second; });
}

CheckResult invalid_response(std::string text = "") {
  return {CheckStatus::L7Rsp, -1, std::move(text), -1};
}

CheckResult judge_status(const HttpExpect& e, const HttpResponseHead& head) {
  const bool ok = status_matches(e, head) != (e.negate && e.kind != HttpExpect::Kind::Default);
  if (ok) return {CheckStatus::L7Ok, head.code, "", -1};
  return {CheckStatus::L7Sts, head.code, head.reason, -1};
}

std::optional<CheckResult> judge_body(const HttpExpect& e, const HttpResponseHead& head,
                                      const HttpBody& body) {
  if (body.invalid) return invalid_response();
  if (body.data.empty()) {
    if (!body.complete) return std::nullopt;
    return invalid_response("HTTP content check could not find a response body");
  }
  const bool found = e.kind == HttpExpect::Kind::String
                         ? body.data.find(e.text) != std::string::npos
                         : std::regex_search(body.data, *e.regex);
  if (!found && !body.complete) return std::nullopt;
  if (found == e.negate) {
    return invalid_response(found ? "HTTP check matched unwanted content"
                                  : "HTTP content check did not match");
  }
  return CheckResult{CheckStatus::L7Ok, head.code, "", -1};
}

enum class Phase { Connecting, Sending, Receiving };

class HttpCheckRun final : public ProbeRun {
 public:
  explicit HttpCheckRun(const HttpCheckSpec& spec) : spec_(spec) {}

  ProbeAction start() override { return {ProbeAction::Kind::Connect, "", {}}; }

  ProbeAction done() override {
    if (phase_ == Phase::Connecting) {
      phase_ = Phase::Sending;
      return {ProbeAction::Kind::Send, spec_.request, {}};
    }
    phase_ = Phase::Receiving;
    return {ProbeAction::Kind::Receive, "", {}};
  }

  ProbeAction received(std::string_view data, bool closed) override {
    auto verdict = spec_.fcgi ? judge_fcgi_answer(spec_, data, closed)
                              : judge_http_response(spec_, data, closed);
    if (!verdict) return {ProbeAction::Kind::Receive, "", {}};
    return {ProbeAction::Kind::Finish, "", std::move(*verdict)};
  }

  CheckResult connect_failed(int err, ConnectPhase phase) override {
    return connect_failure(err, phase);
  }

  CheckResult io_failed(int err) override {
    return {CheckStatus::SockErr, -1, std::strerror(err), -1};
  }

  CheckResult timed_out() override {
    if (phase_ == Phase::Connecting) return connect_timeout();
    return {CheckStatus::L7Tout, -1, "", -1};
  }

 private:
  const HttpCheckSpec& spec_;
  Phase phase_ = Phase::Connecting;
};

class HttpCheckProbe final : public Probe {
 public:
  explicit HttpCheckProbe(HttpCheckSpec spec) : spec_(std::move(spec)) {}
  std::unique_ptr<ProbeRun> start_run() const override {
    return std::make_unique<HttpCheckRun>(spec_);
  }

 private:
  HttpCheckSpec spec_;
};

}  // namespace

std::string build_http_request(const conf::HealthProbeConf& conf) {
  std::vector<Header> headers;
  const std::string version = split_version(conf.http_version, headers);
  headers.insert(headers.end(), conf.http_headers.begin(), conf.http_headers.end());
  std::string req = conf.http_method + " " + conf.http_uri + " " + version + "\r\n";
  bool has_connection = false;
  for (const auto& [name, value] : headers) {
    const std::string lname = lower(name);
    has_connection = has_connection || lname == "connection";
    req += lname + ": " + value + "\r\n";
  }
  if (!has_connection && lower(version) != "http/1.0") req += "connection: close\r\n";
  return req + "\r\n";
}

HttpCheckBuild compile_http_check(const conf::HealthProbeConf& conf) {
  HttpCheckSpec spec;
  spec.request = build_http_request(conf);
  spec.head_request = lower(conf.http_method) == "head";
  if (std::string error = compile_expect(conf, spec.expect); !error.empty()) {
    return {std::nullopt, error};
  }
  return {std::move(spec), ""};
}

std::optional<CheckResult> judge_http_response(const HttpCheckSpec& spec, std::string_view data,
                                               bool closed) {
  const bool conclusive = closed || data.size() >= kCheckBufferSize;
  HttpResponseHead head;
  switch (parse_http_head(data, spec.head_request, head)) {
    case HttpParse::Incomplete:
      if (!conclusive) return std::nullopt;
      return invalid_response();
    case HttpParse::Invalid:
      return invalid_response();
    case HttpParse::Complete:
      break;
  }
  const HttpExpect& e = spec.expect;
  if (e.kind != HttpExpect::Kind::String && e.kind != HttpExpect::Kind::Rstring) {
    return judge_status(e, head);
  }
  return judge_body(e, head, http_body(data, head, conclusive));
}

std::unique_ptr<Probe> make_http_check_probe(HttpCheckSpec spec) {
  return std::make_unique<HttpCheckProbe>(std::move(spec));
}

}  // namespace ferry::healthcheck
