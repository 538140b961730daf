// option httpchk: the request bytes and the judge (observed on haproxy 2.6.12).
#include <doctest/doctest.h>

#include <cerrno>

#include "healthcheck/http_check.hpp"
#include "tests/unit/healthcheck/probe_fixture.hpp"

namespace ferry::healthcheck::test {

namespace {

conf::HealthProbeConf httpchk(std::string kind = "", std::string arg = "", bool negate = false) {
  conf::HealthProbeConf c;
  c.kind = conf::HealthProbeConf::Kind::HttpCheck;
  c.http_expect_kind = std::move(kind);
  c.http_expect_arg = std::move(arg);
  c.http_expect_negate = negate;
  return c;
}

std::optional<CheckResult> judge(const conf::HealthProbeConf& c, std::string_view data,
                                 bool closed = true) {
  HttpCheckBuild b = compile_http_check(c);
  REQUIRE_MESSAGE(b.spec.has_value(), b.error);
  return judge_http_response(*b.spec, data, closed);
}

}  // namespace

TEST_CASE("request: HTTP/1.0 by default, bare") {
  CHECK(build_http_request(httpchk()) == "OPTIONS / HTTP/1.0\r\n\r\n");
}

TEST_CASE("request: HTTP/1.1 adds connection: close, never a Host") {
  conf::HealthProbeConf c = httpchk();
  c.http_method = "GET";
  c.http_uri = "/health";
  c.http_version = "HTTP/1.1";
  CHECK(build_http_request(c) == "GET /health HTTP/1.1\r\nconnection: close\r\n\r\n");
}

TEST_CASE("request: headers are lower-cased, the deprecated version trick included") {
  conf::HealthProbeConf c = httpchk();
  c.http_method = "GET";
  c.http_uri = "/x";
  c.http_version = "HTTP/1.1\r\nHost: www.example.com";
  CHECK(build_http_request(c) ==
        "GET /x HTTP/1.1\r\nhost: www.example.com\r\nconnection: close\r\n\r\n");
  c.http_method = "HEAD";
  c.http_uri = "/y";
  c.http_version = "HTTP/1.0\r\nX-Foo: bar";
  CHECK(build_http_request(c) == "HEAD /y HTTP/1.0\r\nx-foo: bar\r\n\r\n");
}

TEST_CASE("request: http-check send headers, a Connection header replaces the default") {
  conf::HealthProbeConf c = httpchk();
  c.http_method = "GET";
  c.http_uri = "/z";
  c.http_version = "HTTP/1.1";
  c.http_headers = {{"Host", "a.b"}, {"X-Y", "z"}};
  CHECK(build_http_request(c) ==
        "GET /z HTTP/1.1\r\nhost: a.b\r\nx-y: z\r\nconnection: close\r\n\r\n");
  c.http_headers = {{"connection", "close"}};
  CHECK(build_http_request(c) == "GET /z HTTP/1.1\r\nconnection: close\r\n\r\n");
  conf::HealthProbeConf d = httpchk();
  d.http_headers = {{"Host", "a.b"}, {"Connection", "keep-alive"}};
  CHECK(build_http_request(d) ==
        "OPTIONS / HTTP/1.0\r\nhost: a.b\r\nconnection: keep-alive\r\n\r\n");
}

TEST_CASE("default expect: 2xx and 3xx pass with their code") {
  expect(judge(httpchk(), "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"), CheckStatus::L7Ok, 200,
         "");
  expect(judge(httpchk(), "HTTP/1.0 301 Moved\r\n\r\n"), CheckStatus::L7Ok, 301, "");
  expect(judge(httpchk(), "HTTP/1.0 204 No Content\r\n\r\n"), CheckStatus::L7Ok, 204, "");
  expect(judge(httpchk(), "HTTP/1.0 200\r\n\r\n"), CheckStatus::L7Ok, 200, "");
}

TEST_CASE("default expect: anything else is L7STS with the reason phrase") {
  expect(judge(httpchk(), "HTTP/1.0 404 Not Found\r\n\r\n"), CheckStatus::L7Sts, 404, "Not Found");
  expect(judge(httpchk(), "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 3\r\n\r\nbad"),
         CheckStatus::L7Sts, 503, "Service Unavailable");
  expect(judge(httpchk(), "HTTP/1.0 500\r\n\r\n"), CheckStatus::L7Sts, 500, "");
  expect(judge(httpchk(), "HTTP/1.0 500 \r\n\r\n"), CheckStatus::L7Sts, 500, "");
  expect(judge(httpchk(), "HTTP/1.1 100 Continue\r\n\r\n"), CheckStatus::L7Sts, 100, "Continue");
  expect(judge(httpchk(), "HTTP/1.0 099 X\r\n\r\n"), CheckStatus::L7Sts, 99, "X");
  expect(judge(httpchk(), "HTTP/1.0 600 X\r\n\r\n"), CheckStatus::L7Sts, 600, "X");
}

TEST_CASE("the status is judged as soon as the headers are complete") {
  expect(judge(httpchk(), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nre", false),
         CheckStatus::L7Ok, 200, "");
  CHECK(!judge(httpchk(), "HTTP/1.0 200 OK\r\nContent-Le", false).has_value());
  CHECK(!judge(httpchk(), "", false).has_value());
}

TEST_CASE("broken or truncated answers are L7RSP with no text") {
  for (const char* bad :
       {"garbage\r\n\r\n", "http/1.0 200 OK\r\n\r\n", "HTTP/1.0 2x0 OK\r\n\r\n",
        "HTTP/1.0 200 OK\r\nContent-Le", "+PONG\r\n", "", "HTTP/1.0 200 OK\r\nno colon\r\n\r\n"}) {
    CAPTURE(bad);
    expect(judge(httpchk(), bad), CheckStatus::L7Rsp, -1, "");
  }
}

TEST_CASE("expect status with codes and ranges, and negated") {
  const auto c = httpchk("status", "200,201,300-310");
  expect(judge(c, "HTTP/1.0 200 OK\r\n\r\n"), CheckStatus::L7Ok, 200, "");
  expect(judge(c, "HTTP/1.0 305 Use Proxy\r\n\r\n"), CheckStatus::L7Ok, 305, "");
  expect(judge(c, "HTTP/1.0 404 Not Found\r\n\r\n"), CheckStatus::L7Sts, 404, "Not Found");
  expect(judge(httpchk("status", "200"), "HTTP/1.0 301 Moved\r\n\r\n"), CheckStatus::L7Sts, 301,
         "Moved");
  const auto n = httpchk("status", "500", true);
  expect(judge(n, "HTTP/1.0 500 Internal Server Error\r\n\r\n"), CheckStatus::L7Sts, 500,
         "Internal Server Error");
  expect(judge(n, "HTTP/1.0 404 Not Found\r\n\r\n"), CheckStatus::L7Ok, 404, "");
}

TEST_CASE("expect rstatus, plain and negated") {
  const auto c = httpchk("rstatus", "^[23]");
  expect(judge(c, "HTTP/1.0 200 OK\r\n\r\n"), CheckStatus::L7Ok, 200, "");
  expect(judge(c, "HTTP/1.0 500 Boom\r\n\r\n"), CheckStatus::L7Sts, 500, "Boom");
  const auto n = httpchk("rstatus", "^5", true);
  expect(judge(n, "HTTP/1.0 200 OK\r\n\r\n"), CheckStatus::L7Ok, 200, "");
  expect(judge(n, "HTTP/1.0 500 Boom\r\n\r\n"), CheckStatus::L7Sts, 500, "Boom");
}

TEST_CASE("expect string: found passes at once, whatever the status") {
  const auto c = httpchk("string", "ready");
  expect(judge(c, "HTTP/1.1 200 OK\r\n\r\nstatus: ready\n", false), CheckStatus::L7Ok, 200, "");
  expect(judge(c, "HTTP/1.0 503 No\r\nContent-Length: 5\r\n\r\nready"), CheckStatus::L7Ok, 503, "");
}

TEST_CASE("expect string: a miss waits for the whole body") {
  const auto c = httpchk("string", "ready");
  CHECK(!judge(c, "HTTP/1.1 200 OK\r\n\r\nhello", false).has_value());
  expect(judge(c, "HTTP/1.1 200 OK\r\n\r\nhello", true), CheckStatus::L7Rsp, -1,
         "HTTP content check did not match");
  expect(judge(c, "HTTP/1.0 200 OK\r\nContent-Length: 11\r\n\r\nhello world", false),
         CheckStatus::L7Rsp, -1, "HTTP content check did not match");
}

TEST_CASE("expect string: no body at all") {
  const auto c = httpchk("string", "ready");
  expect(judge(c, "HTTP/1.0 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n", false),
         CheckStatus::L7Rsp, -1, "HTTP content check could not find a response body");
  CHECK(!judge(c, "HTTP/1.0 200 OK\r\n\r\n", false).has_value());
  conf::HealthProbeConf head = c;
  head.http_method = "HEAD";
  expect(judge(head, "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n", false), CheckStatus::L7Rsp, -1,
         "HTTP content check could not find a response body");
}

TEST_CASE("expect string on a chunked body") {
  const auto c = httpchk("string", "ready");
  expect(
      judge(c,
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nrea\r\n2\r\ndy\r\n0\r\n\r\n",
            false),
      CheckStatus::L7Ok, 200, "");
  expect(judge(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
               false),
         CheckStatus::L7Rsp, -1, "HTTP content check did not match");
  CHECK(!judge(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", false)
             .has_value());
  expect(judge(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false),
         CheckStatus::L7Rsp, -1, "");
}

TEST_CASE("negated string and rstring") {
  const auto n = httpchk("string", "hello", true);
  expect(judge(n, "HTTP/1.0 200 OK\r\nContent-Length: 11\r\n\r\nhello world", false),
         CheckStatus::L7Rsp, -1, "HTTP check matched unwanted content");
  CHECK(!judge(n, "HTTP/1.0 200 OK\r\n\r\nstatus: ready\n", false).has_value());
  expect(judge(n, "HTTP/1.0 200 OK\r\n\r\nstatus: ready\n", true), CheckStatus::L7Ok, 200, "");
  const auto r = httpchk("rstring", "hel+o");
  expect(judge(r, "HTTP/1.0 200 OK\r\nContent-Length: 11\r\n\r\nhello world"), CheckStatus::L7Ok,
         200, "");
  expect(judge(r, "HTTP/1.0 200 OK\r\n\r\nstatus: ready\n"), CheckStatus::L7Rsp, -1,
         "HTTP content check did not match");
}

TEST_CASE("compile errors") {
  CHECK(compile_http_check(httpchk("status", "2xx")).error ==
        "invalid status list '2xx' in 'http-check expect status'");
  CHECK(compile_http_check(httpchk("rstring", "("))
            .error.starts_with("invalid regex '(' in 'http-check expect'"));
  CHECK(compile_http_check(httpchk("hdr", "x")).error == "unsupported 'http-check expect hdr'");
}

TEST_CASE("a run: connect, send the request, receive, judge") {
  std::unique_ptr<Probe> keep;
  auto run = run_of(httpchk(), keep);
  REQUIRE(run->start().kind == ActionKind::Connect);
  check_result(run->timed_out(), CheckStatus::L4Tout, "");
  check_result(run->connect_failed(ENOENT, ConnectPhase::Immediate), CheckStatus::SockErr,
               "General socket error (No such file or directory)");
  const ProbeAction send = run->done();
  REQUIRE(send.kind == ActionKind::Send);
  CHECK(send.bytes == "OPTIONS / HTTP/1.0\r\n\r\n");
  REQUIRE(run->done().kind == ActionKind::Receive);
  CHECK(run->received("HTTP/1.0 2", false).kind == ActionKind::Receive);
  check_result(run->io_failed(ECONNRESET), CheckStatus::SockErr, "Connection reset by peer");
  check_result(run->timed_out(), CheckStatus::L7Tout, "");
  check_result(finished(run->received("HTTP/1.0 200 OK\r\n\r\n", false)), CheckStatus::L7Ok, "",
               200);
}

}  // namespace ferry::healthcheck::test
