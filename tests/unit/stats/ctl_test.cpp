// ferryctl's pure parts: reading replies (marks, exit status), the status table, `-s` parsing.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "stats/ctl_endpoint.hpp"
#include "stats/ctl_reply.hpp"
#include "stats/stat_output.hpp"
#include "stats_fixture.hpp"

namespace ferry::stats::test {
namespace {

TEST_CASE("ferryctl replies: data passes through, the blank terminator goes") {
  CtlOutcome o = interpret_replies("\n1 (initial 1)\n\n");
  CHECK(o.text == "1 (initial 1)\n");
  CHECK(o.exit_code() == kCtlOk);
  o = interpret_replies("\n\n");  // disable server: no output
  CHECK(o.text.empty());
  CHECK(o.exit_code() == kCtlOk);
}

TEST_CASE("ferryctl replies: marks are removed, errors give status 1") {
  CtlOutcome o = interpret_replies("\n[3]: No such server.\n\n");
  CHECK(o.text == "No such server.\n");
  CHECK(o.exit_code() == kCtlErrorReply);
  o = interpret_replies("\n[6]: admin\n\n");
  CHECK(o.text == "admin\n");
  CHECK(o.exit_code() == kCtlOk);
  o = interpret_replies("\n[3]: Trailing garbage in weight string\n");
  CHECK(o.text == "Trailing garbage in weight string\n");
  CHECK(o.error);
  o = interpret_replies("\n[6]: Unknown command, but maybe one of the following ones:\n  x\n\n");
  CHECK(o.exit_code() == kCtlErrorReply);
}

TEST_CASE("ferryctl replies: empty replies vanish, several replies stay apart") {
  CtlOutcome o = interpret_replies("\n\n[6]: Done.\n\n");  // disable, then wait
  CHECK(o.text == "Done.\n");
  CHECK(o.exit_code() == kCtlOk);
  o = interpret_replies("\na\n\n\nb\n\n");
  CHECK(o.text == "a\n\nb\n");
}

TEST_CASE("ferryctl replies: an expired wait gives status 4") {
  CtlOutcome o = interpret_replies("\n\n[3]: Wait delay expired.\n\n");
  CHECK(o.text == "Wait delay expired.\n");
  CHECK(o.exit_code() == kCtlWaitExpired);
}

TEST_CASE("ferryctl status: one line per backend, then its servers") {
  Runtime rt;
  rt.server(0).counters.stot = 12;
  rt.server(0).served = 2;
  const std::string table = status_table(render_stat(rt.engine, StatRequest{}));
  std::vector<std::string> lines;
  for (size_t p = 0, nl; (nl = table.find('\n', p)) != std::string::npos; p = nl + 1)
    lines.push_back(table.substr(p, nl - p));
  REQUIRE(lines.size() == 5);
  CHECK(lines[0].rfind("BACKEND/SERVER  STATUS  WEIGHT  CUR  TOTAL  LAST CHECK   ", 0) == 0);
  CHECK(lines[1].rfind("be_app          UP           2    0      0   ", 0) == 0);
  CHECK(lines[2].rfind("  s1            UP           1    2     12  L4OK in 0ms: Layer4 check "
                       "passed   ",
                       0) == 0);
  CHECK(lines[4] ==
        "  s3            DOWN         1    0      0  SOCKERR in 0ms: General socket error (No "
        "such file or directory)  7s ago");
  const size_t column = lines[0].find("LAST CHANGE");
  CHECK(lines[1].substr(column) == "8s ago");  // the last column is aligned
  CHECK(lines[2].substr(column) == "8s ago");
  CHECK(status_table("garbage").empty());
}

TEST_CASE("ferryctl status --json: backends with their servers, numbers as numbers") {
  Runtime rt;
  rt.server(0).counters.stot = 12;
  rt.server(0).served = 2;
  const auto j = nlohmann::json::parse(status_json(render_stat(rt.engine, StatRequest{})));
  REQUIRE(j["backends"].size() == 1);
  const auto& b = j["backends"][0];
  CHECK(b["name"] == "be_app");
  CHECK(b["status"] == "UP");
  CHECK(b["weight"] == 2);
  REQUIRE(b["servers"].size() == 3);
  CHECK(b["servers"][0]["name"] == "s1");
  CHECK(b["servers"][0]["sessions"] == 2);
  CHECK(b["servers"][0]["sessions_total"] == 12);
  CHECK(b["servers"][0]["check_status"] == "L4OK");
  CHECK(b["servers"][0]["backup"] == false);
  CHECK(b["servers"][2]["status"] == "DOWN");
  CHECK(b["servers"][2]["last_change_seconds"] == 7);
  CHECK(status_json("garbage").empty());
}

TEST_CASE("ferryctl top: a frame has the title then a row per backend and server") {
  Runtime rt;
  const std::string frame = top_view(render_stat(rt.engine, StatRequest{}), "TITLE");
  CHECK(frame.rfind("TITLE\n\nBACKEND/SERVER  STATUS  WEIGHT  CUR  RATE  TOTAL  QUEUE  ERR CONN",
                    0) == 0);
  CHECK(frame.find("\n  s3            DOWN ") != std::string::npos);
  CHECK(top_view("garbage", "T") == "T\n\nno statistics in the answer\n");
}

TEST_CASE("ferryctl -s: paths and TCP addresses") {
  std::string err;
  auto e = parse_endpoint("/run/ferry.sock", err);
  REQUIRE(e);
  CHECK(e->is_unix);
  CHECK(e->path == "/run/ferry.sock");
  e = parse_endpoint("unix@/run/x.sock", err);
  CHECK((e && e->is_unix && e->path == "/run/x.sock"));
  e = parse_endpoint("ferry.sock", err);
  CHECK((e && e->is_unix && e->path == "ferry.sock"));
  e = parse_endpoint("127.0.0.1:9999", err);
  CHECK((e && !e->is_unix && e->host == "127.0.0.1" && e->port == "9999"));
  e = parse_endpoint("ipv4@127.0.0.1:9999", err);
  CHECK((e && !e->is_unix && e->host == "127.0.0.1"));
  e = parse_endpoint("[::1]:9999", err);
  CHECK((e && !e->is_unix && e->host == "::1" && e->port == "9999"));
  e = parse_endpoint("ipv6@::1:9999", err);
  CHECK((e && e->host == "::1" && e->port == "9999"));
  e = parse_endpoint("*:9999", err);
  CHECK((e && e->host == "127.0.0.1"));
  e = parse_endpoint("tcp://localhost:9999", err);
  CHECK((e && e->host == "localhost"));
  CHECK_FALSE(parse_endpoint("ipv4@127.0.0.1", err));
  CHECK(err == "'127.0.0.1' has no port (expected HOST:PORT)");
  CHECK_FALSE(parse_endpoint("/" + std::string(200, 'x'), err));
  CHECK(err.find("too long") != std::string::npos);
}

}  // namespace
}  // namespace ferry::stats::test
