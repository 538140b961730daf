// tcp-check rules: actions, verdicts and texts as HAProxy 2.6 reports them (observed).
#include <doctest/doctest.h>

#include <cerrno>

#include "healthcheck/tcp_check.hpp"
#include "tests/unit/healthcheck/probe_fixture.hpp"

namespace ferry::healthcheck::test {

namespace {

TcpCheck ping_pong(bool negate = false, StepKind expect = StepKind::ExpectString,
                   std::string pattern = "+PONG") {
  return TcpCheck({step(StepKind::Send, "PING\r\n"), step(expect, pattern, negate)});
}

// Walks a ping/pong run to its Receive.
ProbeRun& receiving(TcpCheck& t, const std::string& request = "PING\r\n") {
  REQUIRE(t.run->start().kind == ActionKind::Connect);
  const ProbeAction send = t.run->done();
  REQUIRE(send.kind == ActionKind::Send);
  CHECK(send.bytes == request);
  REQUIRE(t.run->done().kind == ActionKind::Receive);
  return *t.run;
}

}  // namespace

TEST_CASE("send then expect: passes as soon as the pattern arrives") {
  TcpCheck t = ping_pong();
  ProbeRun& run = receiving(t);
  CHECK(run.received("+PO", false).kind == ActionKind::Receive);
  check_result(finished(run.received("+PONG\r\n", false)), CheckStatus::L7Ok, "(tcp-check)", 0);
}

TEST_CASE("a mismatch waits for more until the peer closes") {
  TcpCheck t = ping_pong();
  ProbeRun& run = receiving(t);
  CHECK(run.received("-ERR nope\r\n", false).kind == ActionKind::Receive);
  check_result(finished(run.received("-ERR nope\r\n", true)), CheckStatus::L7Rsp,
               "TCPCHK did not match content '+PONG' at step 2", 0);
}

TEST_CASE("a partial answer then close is a mismatch") {
  TcpCheck t = ping_pong();
  check_result(finished(receiving(t).received("+PO", true)), CheckStatus::L7Rsp,
               "TCPCHK did not match content '+PONG' at step 2", 0);
}

TEST_CASE("a full buffer is conclusive") {
  TcpCheck t = ping_pong();
  const std::string junk(kCheckBufferSize, 'x');
  CHECK(finished(receiving(t).received(junk, false)).status == CheckStatus::L7Rsp);
}

TEST_CASE("nothing before close is an empty response") {
  TcpCheck t = ping_pong();
  check_result(finished(receiving(t).received("", true)), CheckStatus::L7Rsp,
               "TCPCHK got an empty response at step 2", 0);
}

TEST_CASE("socket errors and timeouts name the step") {
  TcpCheck t = ping_pong();
  ProbeRun& run = receiving(t);
  check_result(run.io_failed(ECONNRESET), CheckStatus::SockErr,
               "Connection reset by peer at step 2 of tcp-check (expect string '+PONG')");
  check_result(run.timed_out(), CheckStatus::L7Tout,
               " at step 2 of tcp-check (expect string '+PONG')");
}

TEST_CASE("failures of the implicit connection") {
  TcpCheck t = ping_pong();
  t.run->start();
  check_result(t.run->connect_failed(ENOENT, ConnectPhase::Immediate), CheckStatus::SockErr,
               "General socket error (No such file or directory) at initial connection step of "
               "tcp-check");
  check_result(t.run->connect_failed(ECONNREFUSED, ConnectPhase::Deferred), CheckStatus::L4Con,
               "Connection refused at initial connection step of tcp-check");
  check_result(t.run->timed_out(), CheckStatus::L4Tout, " at initial connection step of tcp-check");
}

TEST_CASE("a banner check expects without sending") {
  TcpCheck t({step(StepKind::ExpectString, "+OK POP3")});
  REQUIRE(t.run->start().kind == ActionKind::Connect);
  REQUIRE(t.run->done().kind == ActionKind::Receive);
  check_result(t.run->timed_out(), CheckStatus::L7Tout,
               " at step 1 of tcp-check (expect string '+OK POP3')");
  check_result(finished(t.run->received("", true)), CheckStatus::L7Rsp,
               "TCPCHK got an empty response at step 1", 0);
  CHECK(finished(t.run->received("+OK POP3 ready\r\n", false)).status == CheckStatus::L7Ok);
}

TEST_CASE("negated string: fails at once when present, passes only when conclusive") {
  TcpCheck t = ping_pong(true, StepKind::ExpectString, "-ERR");
  ProbeRun& run = receiving(t);
  CHECK(run.received("+PONG\r\n", false).kind == ActionKind::Receive);
  CHECK(finished(run.received("+PONG\r\n", true)).status == CheckStatus::L7Ok);
  check_result(finished(run.received("-ERR nope", false)), CheckStatus::L7Rsp,
               "TCPCHK matched unwanted content '-ERR' at step 2", 0);
  check_result(run.timed_out(), CheckStatus::L7Tout,
               " at step 2 of tcp-check (expect string '-ERR')");
}

TEST_CASE("rstring, plain and negated") {
  TcpCheck t = ping_pong(false, StepKind::ExpectRstring, "^\\+PO.G");
  ProbeRun& run = receiving(t);
  CHECK(finished(run.received("+PONG\r\n", false)).status == CheckStatus::L7Ok);
  check_result(finished(run.received("-ERR nope\r\n", true)), CheckStatus::L7Rsp,
               "TCPCHK did not match content (regex) at step 2", 0);
  check_result(run.timed_out(), CheckStatus::L7Tout, " at step 2 of tcp-check (expect regex)");

  TcpCheck n = ping_pong(true, StepKind::ExpectRstring, "^-ERR");
  check_result(finished(receiving(n).received("-ERR nope\r\n", false)), CheckStatus::L7Rsp,
               "TCPCHK matched unwanted content (regex) at step 2", 0);
}

TEST_CASE("binary send and expect, plain and negated") {
  TcpCheck t(
      {step(StepKind::SendBinary, "50494e470d0a"), step(StepKind::ExpectBinary, "0001ABCD")});
  ProbeRun& run = receiving(t);
  const std::string answer("\x00\x01\xab\xcd", 4);
  CHECK(finished(run.received(answer, false)).status == CheckStatus::L7Ok);
  check_result(finished(run.received("-ERR nope\r\n", true)), CheckStatus::L7Rsp,
               "TCPCHK did not match content (binary) at step 2", 0);

  TcpCheck n(
      {step(StepKind::SendBinary, "50494e470d0a"), step(StepKind::ExpectBinary, "0001abcd", true)});
  check_result(finished(receiving(n).received(answer, false)), CheckStatus::L7Rsp,
               "TCPCHK matched unwanted content (binary) at step 2", 0);

  TcpCheck w({step(StepKind::Send, "PING\r\n"), step(StepKind::ExpectBinary, "2b504f4e47")});
  check_result(receiving(w).timed_out(), CheckStatus::L7Tout,
               " at step 2 of tcp-check (expect binary '+PONG')");
}

TEST_CASE("text patterns stop at a NUL byte, binary ones do not") {
  const std::string data("A\0B", 3);
  TcpCheck t({step(StepKind::ExpectString, "B")});
  t.run->start();
  t.run->done();
  CHECK(finished(t.run->received(data, true)).status == CheckStatus::L7Rsp);
  TcpCheck b({step(StepKind::ExpectBinary, "42")});
  b.run->start();
  b.run->done();
  CHECK(finished(b.run->received(data, true)).status == CheckStatus::L7Ok);
}

TEST_CASE("consecutive expects judge the same buffer") {
  TcpCheck ok({step(StepKind::Send, "PING\r\n"), step(StepKind::ExpectString, "+PONG"),
               step(StepKind::ExpectString, "PONG")});
  CHECK(finished(receiving(ok).received("+PONG\r\n", false)).status == CheckStatus::L7Ok);

  TcpCheck bad({step(StepKind::Send, "PING\r\n"), step(StepKind::ExpectString, "+"),
                step(StepKind::ExpectString, "PONGX")});
  ProbeRun& run = receiving(bad);
  CHECK(run.received("+PONG\r\n", false).kind == ActionKind::Receive);
  check_result(finished(run.received("+PONG\r\n", true)), CheckStatus::L7Rsp,
               "TCPCHK did not match content 'PONGX' at step 3", 0);
}

TEST_CASE("each send starts a fresh answer") {
  TcpCheck t({step(StepKind::Send, "L1\r\n"), step(StepKind::ExpectString, "+A"),
              step(StepKind::Send, "L2\r\n"), step(StepKind::ExpectString, "+A")});
  ProbeRun& run = receiving(t, "L1\r\n");
  const ProbeAction second = run.received("+A\r\n", false);
  REQUIRE(second.kind == ActionKind::Send);
  CHECK(second.bytes == "L2\r\n");
  REQUIRE(run.done().kind == ActionKind::Receive);
  check_result(finished(run.received("+B\r\n", true)), CheckStatus::L7Rsp,
               "TCPCHK did not match content '+A' at step 4", 0);
}

TEST_CASE("send-only rules pass once sent") {
  TcpCheck t({step(StepKind::Send, "QUIT\r\n")});
  t.run->start();
  REQUIRE(t.run->done().kind == ActionKind::Send);
  check_result(finished(t.run->done()), CheckStatus::L7Ok, "(tcp-check)", 0);
}

TEST_CASE("an explicit connect is step 1 and a final connect ends in L4OK") {
  TcpCheck only({step(StepKind::Connect)});
  REQUIRE(only.run->start().kind == ActionKind::Connect);
  check_result(only.run->connect_failed(ENOENT, ConnectPhase::Immediate), CheckStatus::SockErr,
               "General socket error (No such file or directory) at step 1 of tcp-check "
               "(connect)");
  check_result(only.run->timed_out(), CheckStatus::L4Tout, " at step 1 of tcp-check (connect)");
  check_result(finished(only.run->done()), CheckStatus::L4Ok, "(tcp-check)");

  TcpCheck t({step(StepKind::Connect), step(StepKind::Send, "PING\r\n"),
              step(StepKind::ExpectString, "+PONG"), step(StepKind::Connect)});
  ProbeRun& run = receiving(t);
  REQUIRE(run.received("+PONG\r\n", false).kind == ActionKind::Connect);
  check_result(finished(run.done()), CheckStatus::L4Ok, "(tcp-check)");
}

TEST_CASE("steps are numbered with an explicit connect") {
  TcpCheck t({step(StepKind::Connect), step(StepKind::Send, "PING\r\n"),
              step(StepKind::ExpectString, "+PONG"), step(StepKind::ExpectString, "+PONGZ")});
  check_result(finished(receiving(t).received("+PONG\r\n", true)), CheckStatus::L7Rsp,
               "TCPCHK did not match content '+PONGZ' at step 4", 0);
}

TEST_CASE("an empty rule set is a plain connect check") {
  TcpCheck t({});
  REQUIRE(t.run->start().kind == ActionKind::Connect);
  check_result(finished(t.run->done()), CheckStatus::L4Ok, "");
}

TEST_CASE("compile errors name the place") {
  const Step odd[] = {step(StepKind::SendBinary, "abc")};
  CHECK(compile_tcp_check(odd).error == "t.cfg:7: invalid hex string 'abc'");
  const Step bad_hex[] = {step(StepKind::ExpectBinary, "0g")};
  CHECK(compile_tcp_check(bad_hex).error == "t.cfg:7: invalid hex string '0g'");
  const Step bad_regex[] = {step(StepKind::ExpectRstring, "(")};
  const TcpCheckRulesBuild b = compile_tcp_check(bad_regex);
  CHECK(!b.rules.has_value());
  CHECK(b.error.starts_with("t.cfg:7: invalid regex '('"));
}

TEST_CASE("hex decoding") {
  CHECK(decode_hex("50494e470d0a") == "PING\r\n");
  CHECK(decode_hex("00FF") == std::string("\x00\xff", 2));
  CHECK(decode_hex("") == "");
  CHECK(!decode_hex("5").has_value());
  CHECK(!decode_hex("zz").has_value());
}

}  // namespace ferry::healthcheck::test
