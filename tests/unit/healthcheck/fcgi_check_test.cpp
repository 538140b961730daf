// option httpchk to a `proto fcgi` server: the check request as FastCGI records with the
// fcgi-app's parameters, and the CGI answer judged as an HTTP one.
#include <doctest/doctest.h>

#include <map>

#include "healthcheck/fcgi_check.hpp"
#include "http/fcgi_record.hpp"
#include "tests/unit/healthcheck/probe_fixture.hpp"

namespace ferry::healthcheck::test {

namespace {

namespace fcgi = http::fcgi;

HttpCheckSpec spec_of(std::string kind = "", std::string arg = "") {
  conf::HealthProbeConf c;
  c.kind = conf::HealthProbeConf::Kind::HttpCheck;
  c.http_method = "GET";
  c.http_uri = "/ping?full";
  c.http_headers = {{"X-Check", "yes"}};
  c.http_expect_kind = std::move(kind);
  c.http_expect_arg = std::move(arg);
  HttpCheckBuild b = compile_http_check(c);
  REQUIRE_MESSAGE(b.spec.has_value(), b.error);
  return std::move(*b.spec);
}

conf::FcgiAppConf app_conf() {
  conf::FcgiAppConf a;
  a.docroot = "/srv/www";
  a.index = "index.php";
  a.keep_conn = true;
  a.set_params = {{{}, "REDIRECT_STATUS", "200"}};
  return a;
}

// What the application sends back: `stdout_text` as STDOUT records, then END_REQUEST.
std::string answer(std::string_view stdout_text, bool end = true) {
  std::string out;
  fcgi::append_stream(out, fcgi::Type::Stdout, 1, stdout_text);
  fcgi::append_stream_end(out, fcgi::Type::Stdout, 1);
  if (end) {
    fcgi::append_header(out, fcgi::Type::EndRequest, 1, 8);
    out.append(8, '\0');
  }
  return out;
}

}  // namespace

TEST_CASE("fcgi check: the request is FastCGI records with the fcgi-app's parameters") {
  const std::string records = fcgi_check_request(spec_of(), app_conf());
  fcgi::RecordReader reader;
  std::string_view in = records;
  std::map<fcgi::Type, std::string> content;
  std::vector<fcgi::Type> ended;
  while (!in.empty()) {
    const fcgi::RecordReader::Piece p = reader.next(in);
    REQUIRE(p.size > 0);
    if (p.kind == fcgi::RecordReader::Piece::Content)
      content[reader.record().type].append(in.substr(0, p.size));
    in.remove_prefix(p.size);
    if (p.ends) ended.push_back(reader.record().type);
  }
  // BEGIN_REQUEST (responder, no FCGI_KEEP_CONN: the check's connection ends with its answer),
  // PARAMS and their end, the empty STDIN.
  CHECK(ended == std::vector<fcgi::Type>{fcgi::Type::BeginRequest, fcgi::Type::Params,
                                         fcgi::Type::Params, fcgi::Type::Stdin});
  CHECK(content[fcgi::Type::BeginRequest] == std::string("\0\1\0\0\0\0\0\0", 8));
  std::map<std::string, std::string> params;
  std::string_view pairs = content[fcgi::Type::Params], name, value;
  while (fcgi::take_name_value(pairs, name, value))
    params[std::string(name)] = value;
  CHECK(pairs.empty());
  CHECK(params["REQUEST_METHOD"] == "GET");
  CHECK(params["REQUEST_URI"] == "/ping?full");
  CHECK(params["SCRIPT_NAME"] == "/ping");
  CHECK(params["QUERY_STRING"] == "full");
  CHECK(params["SCRIPT_FILENAME"] == "/srv/www/ping");
  CHECK(params["DOCUMENT_ROOT"] == "/srv/www");
  CHECK(params["HTTP_X_CHECK"] == "yes");
  CHECK(params["SERVER_PROTOCOL"] == "HTTP/1.0");
  CHECK(params["REDIRECT_STATUS"] == "200");
  CHECK(params.count("HTTP_CONNECTION") == 0);
}

TEST_CASE("fcgi check: PHP-FPM's ping answer passes the default and string expects") {
  const std::string pong = answer(
      "Content-type: text/plain;charset=UTF-8\r\nExpires: Thu, 01 Jan 1970 00:00:00 "
      "GMT\r\nCache-Control: no-cache, no-store, must-revalidate, max-age=0\r\n\r\npong");
  expect(judge_fcgi_answer(spec_of(), pong, false), CheckStatus::L7Ok, 200, "");
  expect(judge_fcgi_answer(spec_of("string", "pong"), pong, false), CheckStatus::L7Ok, 200, "");
  expect(judge_fcgi_answer(spec_of("string", "ping"), pong, false), CheckStatus::L7Rsp, -1,
         "HTTP content check did not match");
  expect(judge_fcgi_answer(spec_of("status", "200"), pong, false), CheckStatus::L7Ok, 200, "");
}

TEST_CASE("fcgi check: Status gives the code and the reason of a failed check") {
  const std::string missing = answer(
      "Status: 404 Not Found\r\nContent-type: text/html\r\n\r\n"
      "File not found.\n");
  expect(judge_fcgi_answer(spec_of(), missing, false), CheckStatus::L7Sts, 404, "Not Found");
  expect(judge_fcgi_answer(spec_of("status", "404"), missing, false), CheckStatus::L7Ok, 404, "");
  // A Status without a phrase gets the standard one.
  expect(judge_fcgi_answer(spec_of(), answer("Status: 503\r\n\r\n"), false), CheckStatus::L7Sts,
         503, "Service Unavailable");
}

TEST_CASE("fcgi check: an answer still arriving waits and a cut or broken one is L7RSP") {
  const std::string pong = answer("Content-type: text/plain\r\n\r\npong");
  // Cut anywhere before the expected text is whole: wait for more; the application closing
  // inside the head: invalid.
  for (size_t cut = 0; cut < pong.rfind("pong") + 4; ++cut) {
    CAPTURE(cut);
    const std::string_view part = std::string_view(pong).substr(0, cut);
    CHECK_FALSE(judge_fcgi_answer(spec_of("string", "pong"), part, false).has_value());
  }
  expect(judge_fcgi_answer(spec_of(), answer("Content-type: text/pl", false), true),
         CheckStatus::L7Rsp, -1, "");
  std::string bad_version = pong;
  bad_version[0] = 2;
  expect(judge_fcgi_answer(spec_of(), bad_version, false), CheckStatus::L7Rsp, -1,
         "invalid FastCGI answer: FastCGI record of version 2 (1 expected)");
  expect(judge_fcgi_answer(spec_of(), answer("no colon here\r\n\r\n"), false), CheckStatus::L7Rsp,
         -1, "");
}

}  // namespace ferry::healthcheck::test
