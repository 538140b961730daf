#include "healthcheck/fcgi_check.hpp"

#include <cassert>

#include "http/cgi_head.hpp"
#include "http/fcgi_params.hpp"
#include "http/fcgi_stream.hpp"

namespace ferry::healthcheck {

namespace {

CheckResult invalid_answer(std::string text) {
  return {core::CheckStatus::L7Rsp, -1, std::move(text), -1};
}

// The CGI answer as the HTTP answer it stands for: a status line from its `Status:` (or the
// default), its other fields, and its body.
std::string as_http(const http::ResponseHead& head, std::string_view stdout_text) {
  std::string out = "HTTP/1.1 " + std::to_string(head.status) + " " + std::string(head.reason);
  out += "\r\n";
  for (const http::Header& h : head.headers) {
    out.append(h.name);
    out += ": ";
    out.append(h.value);
    out += "\r\n";
  }
  out += "\r\n";
  out.append(stdout_text.substr(head.size));
  return out;
}

}  // namespace

std::string fcgi_check_request(const HttpCheckSpec& spec, const conf::FcgiAppConf& conf) {
  http::HeadParser parser;
  http::RequestHead req;
  const http::ParseResult parsed = parser.parse_request(spec.request, req);
  (void)parsed;
  assert(parsed == http::ParseResult::Done && "build_http_request writes a valid request");
  http::fcgi::App app = http::fcgi::App::from(conf);
  app.keep_conn = false;  // a check's connection ends with its answer
  return http::fcgi::request_head(app, req, {});
}

std::optional<CheckResult> judge_fcgi_answer(const HttpCheckSpec& spec, std::string_view data,
                                             bool closed) {
  std::string text(data);
  http::fcgi::AnswerRecords records;
  text.resize(records.unwrap(text.data(), text.size()));
  if (records.failed()) return invalid_answer("invalid FastCGI answer: " + records.error());
  const bool ended = records.ended() || closed || data.size() >= kCheckBufferSize;
  http::ResponseHead head;
  std::string error;
  switch (http::parse_cgi_head(text, http::Limits{}.max_head, spec.head_request, head, error)) {
    case http::ParseResult::NeedMore:
      if (!ended) return std::nullopt;
      return invalid_answer("");
    case http::ParseResult::Error:
      return invalid_answer("");
    case http::ParseResult::Done:
      break;
  }
  return judge_http_response(spec, as_http(head, text), ended);
}

std::unique_ptr<Probe> make_fcgi_check_probe(HttpCheckSpec spec, const conf::FcgiAppConf& app) {
  spec.request = fcgi_check_request(spec, app);
  spec.fcgi = true;
  return make_http_check_probe(std::move(spec));
}

}  // namespace ferry::healthcheck
