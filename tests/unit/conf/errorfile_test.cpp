// errorfile: the file's response parsed and checked at load, the status list, inheritance from
// defaults, and the warnings for errorfiles ferry would never send (messages compared with
// HAProxy 2.6's where it has one: haproxy -c on the same files).
#include "conf/errorfile.hpp"

#include "tests/support/temp_dir.hpp"
#include "tests/unit/conf/conf_test.hpp"

namespace ferry::conf::test {
namespace {

using V = std::vector<std::string>;

ErrorFile parsed(std::string_view bytes) {
  ErrorFile e;
  const auto err = parse_errorfile(bytes, e);
  CHECK_MESSAGE(!err, *err);
  return e;
}

std::string error_of(std::string_view bytes) {
  ErrorFile e;
  return parse_errorfile(bytes, e).value_or("");
}

TEST_CASE("errorfile: a response with CRLF or bare LF lines, Connection dropped") {
  const ErrorFile e = parsed(
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\nConnection: close\r\n"
      "X-Custom:  Yes \r\n\r\n<html>sorry</html>\n");
  CHECK(e.version == "HTTP/1.1");
  CHECK(e.status_text == "503 Service Unavailable");
  CHECK(e.headers == std::vector<std::pair<std::string, std::string>>{{"Content-Type", "text/html"},
                                                                      {"X-Custom", "Yes"}});
  CHECK(e.body == "<html>sorry</html>\n");
  const ErrorFile lf = parsed("HTTP/1.0 503 Down\nContent-Length: 5\n\ndown\n");
  CHECK(lf.version == "HTTP/1.0");
  CHECK(lf.headers.size() == 1);
  CHECK(lf.body == "down\n");
  CHECK(parsed("HTTP/1.1 200\r\n\r\n").status_text == "200");
  CHECK(parsed("").version.empty());  // an empty file: close without a reply, as HAProxy
}

TEST_CASE("errorfile: what HAProxy refuses is refused, and more") {
  CHECK(error_of("HTTP/1.1 503 X\r\nContent-Length: 10\r\n\r\nabc") ==
        "its body is 3 bytes but its Content-Length says 10");
  CHECK(error_of("garbage\n") ==
        "its first line is not an HTTP/1 status line such as 'HTTP/1.1 503 Service Unavailable'");
  CHECK(error_of("HTTP/1.1 503 X\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n") ==
        "it has a Transfer-Encoding header; give the body as it is, with a Content-Length or "
        "none");
  CHECK(error_of("HTTP/1.1 503 X\r\n\r\n" + std::string(16384, 'a')) ==
        "it is 16402 bytes, more than the 16384 a response buffer holds (tune.bufsize)");
  CHECK(error_of("HTTP/1.1 503 X\r\nBad Name: v\r\n\r\n") ==
        "header line 'Bad Name: v' is not 'Name: value'");
  CHECK(error_of("HTTP/1.1 503 X\r\nX: a\x01z\r\n\r\n") ==
        "header 'X' has a control character in its value");
  CHECK(error_of("HTTP/1.1 503 X\r\nX: 1\r\n") ==
        "its header block does not end with an empty line");
  CHECK(error_of("HTTP/2 503 X\r\n\r\n").starts_with("its first line is not"));
  CHECK(error_of("HTTP/1.1 5x3 X\r\n\r\n").starts_with("its first line is not"));
  CHECK(error_of("HTTP/1.1 503 X\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx") ==
        "its Content-Length '2' is not one non-negative number");
}

TEST_CASE("errorfile: Debian's haproxy error files load as they are") {
  for (const char* code : {"400", "403", "408", "500", "502", "503", "504"}) {
    const std::string bytes =
        ferry::test::read_file(std::string("/etc/haproxy/errors/") + code + ".http");
    CAPTURE(code);
    REQUIRE_MESSAGE(!bytes.empty(), "haproxy's error files are missing (scripts/packages.sh)");
    const ErrorFile e = parsed(bytes);
    CHECK(e.status_text.starts_with(code));
  }
}

TEST_CASE("errorfile: in defaults and proxies, the proxy's own replacing the inherited one") {
  ferry::test::TempDir dir;
  const std::string a = dir.write_file("a.http", "HTTP/1.1 503 A\r\n\r\n");
  const std::string b = dir.write_file("b.http", "HTTP/1.1 503 B\r\n\r\n");
  const std::string c = dir.write_file("c.http", "HTTP/1.1 504 C\r\n\r\n");
  const auto r = load(
      "defaults\n  mode http\n  timeout connect 1s\n  timeout client 1s\n"
      "  timeout server 1s\n  errorfile 503 " +
      a + "\nbackend one\n  errorfile 503 " + b + "\n  errorfile 504 " + c +
      "\n  server s /s.sock\nbackend two\n  server s /s.sock\n");
  CHECK(lines(r) == V{});
  const auto& one = proxy(r, "one").errorfiles;
  REQUIRE(one.size() == 2);
  CHECK(one[0].status == 503);
  CHECK(one[0].status_text == "503 B");
  CHECK(one[1].status_text == "504 C");
  const auto& two = proxy(r, "two").errorfiles;
  REQUIRE(two.size() == 1);
  CHECK(two[0].status_text == "503 A");
  CHECK(two[0].pos.line == 6);  // the defaults line
}

TEST_CASE("errorfile: bad codes, unreadable and invalid files name the line") {
  ferry::test::TempDir dir;
  const std::string ok = dir.write_file("ok.http", "HTTP/1.1 503 X\r\n\r\n");
  const std::string bad = dir.write_file("bad.http", "garbage\n");
  CHECK(diags(kTimeouts + "backend b\n  mode http\n  errorfile 599 " + ok + "\n  errorfile 503 " +
              dir.file("none.http") + "\n  errorfile 503 " + bad + "\n  errorfile 503\n" +
              "  errorfile 503 " + dir.path() + "\n  server s /s.sock\n") ==
        V{"t.cfg:7: error: backend 'b': status code '599' is not one errorfile handles; use one "
          "of 200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504",
          "t.cfg:8: error: backend 'b': cannot read the errorfile '" + dir.file("none.http") +
              "': No such file or directory",
          "t.cfg:9: error: backend 'b': errorfile '" + bad +
              "' is not a response ferry can send: its first line is not an HTTP/1 status line "
              "such as 'HTTP/1.1 503 Service Unavailable'",
          "t.cfg:10: error: backend 'b': missing argument for 'errorfile'; usage: errorfile "
          "<code> <file>",
          "t.cfg:11: error: backend 'b': cannot read the errorfile '" + dir.path() +
              "': not a regular file"});
}

TEST_CASE("errorfile: a file ferry would never send is a warning") {
  ferry::test::TempDir dir;
  const std::string f = dir.write_file("f.http", "HTTP/1.1 400 X\r\n\r\n");
  CHECK(diags(kTimeouts + "backend b\n  mode http\n  errorfile 400 " + f +
              "\n  server s /s.sock\nbackend t\n  errorfile 503 " + f + "\n  server s /s.sock\n") ==
        V{"t.cfg:7: warning: 'errorfile 400' of backend 'b' is never sent: ferry replaces only its "
          "own 502, 503 and 504 answers (its 400 and 408 answer requests it could not read, where "
          "HAProxy 2.6 sends its built-in reply too); remove it",
          "t.cfg:10: warning: 'errorfile 503' of backend 't' ignored as it requires HTTP mode"});
}

TEST_CASE("errorfile: YAML maps status codes to files") {
  ferry::test::TempDir dir;
  const std::string f = dir.write_file("f.http", "HTTP/1.1 503 Y\r\n\r\n");
  const auto r = load(
      "defaults:\n  timeout: { connect: 1s, client: 1s, server: 1s }\n"
      "backends:\n  - name: b\n    mode: http\n    errorfile: { 503: " +
          f + " }\n    servers: [ { name: s, address: /s.sock } ]\n",
      "t.yaml");
  CHECK(lines(r) == V{});
  REQUIRE(proxy(r, "b").errorfiles.size() == 1);
  CHECK(proxy(r, "b").errorfiles[0].status_text == "503 Y");
}

}  // namespace
}  // namespace ferry::conf::test
