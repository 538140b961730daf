#include <doctest/doctest.h>

#include "stats/commands.hpp"
#include "stats_fixture.hpp"

namespace ferry::stats::test {
namespace {

using conf::Level;
using Calls = std::vector<std::string>;

const std::string kTrailer =
    "  help [<command>]                        : list matching or all commands\n"
    "  prompt                                  : toggle interactive mode with prompt\n"
    "  quit                                    : disconnect\n";

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
bool starts_with(const std::string& s, const std::string& head) {
  return s.rfind(head, 0) == 0;
}

TEST_CASE("replies of reference 2.5, exactly") {
  Runtime rt;
  struct Case {
    const char* line;
    const char* reply;
  };
  const Case cases[] = {
      {"disable server nosuch/x", "No such backend.\n"},
      {"disable server be_app/nosuch", "No such server.\n"},
      {"enable server be_app/nosuch", "No such server.\n"},
      {"set server be_app/nosuch state ready", "No such server.\n"},
      {"shutdown sessions server be_app/nosuch", "No such server.\n"},
      {"disable health be_app/nosuch", "No such server.\n"},
      {"disable server be_app", "Require 'backend/server'.\n"},
      {"disable server", "Require 'backend/server'.\n"},
      {"set server be_app/", "Require 'backend/server'.\n"},
      {"set server", "Require 'backend/server'.\n"},
      {"set server be_app/s1 state bogus",
       "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n"},
      {"set server be_app/s1",
       "usage: set server <backend>/<server> addr | agent | agent-addr | agent-port | "
       "agent-send | check-addr | check-port | fqdn | health | ssl | state | weight\n"},
      {"set server be_app/s1 bogus",
       "usage: set server <backend>/<server> addr | agent | agent-addr | agent-port | "
       "agent-send | check-addr | check-port | fqdn | health | ssl | state | weight\n"},
      {"set server be_app/s1 health x",
       "'set server <srv> health' expects 'up', 'stopping', or 'down'.\n"},
      {"set server be_app/s1 weight 300",
       "Absolute weight can only be between 0 and 256 inclusive.\n"},
      {"set server be_app/s1 weight -1",
       "Absolute weight can only be between 0 and 256 inclusive.\n"},
      {"set server be_app/s1 weight", "Require <weight> or <weight%>.\n"},
      {"set server be_app/s1 weight abc", "Empty weight string empty or preceded by garbage"},
      {"set server be_app/s1 weight 1x", "Trailing garbage in weight string"},
      {"set server be_app/s1 weight -5%", "Relative weight must be positive.\n"},
      {"set weight be_app/s1 300", "Absolute weight can only be between 0 and 256 inclusive.\n"},
      {"get weight nosuch/s1", "No such backend.\n"},
      {"get weight be_app/zz", "No such server.\n"},
      {"get weight be_app", "Require 'backend/server'.\n"},
      {"get weight be_app/s1", "1 (initial 1)\n"},
      {"show servers state nosuch", "Can't find backend.\n"},
      {"show servers state fe_main", "Can't find backend.\n"},
      {"show stat nosuch 4 -1", "No such proxy.\n"},
      {"show stat typed 3 -1", "No such proxy.\n"},
      {"show stat domain foo", "Invalid statistics domain.\n"},
      {"set timeout cli", "Expects an integer value.\n"},
      {"set timeout cli abc", "Invalid timeout value.\n"},
      {"set timeout cli 0", "Invalid timeout value.\n"},
      {"set timeout foo 5", "'set timeout' only supports 'cli'.\n"},
      {"set severity-output bogus", "one of 'none', 'number', 'string' is a required argument\n"},
      {"show cli level", "admin\n"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.line);
    CHECK(run(rt, c.line).text == c.reply);
  }
  CHECK(rt.control.calls.empty());
}

TEST_CASE("successful changes print nothing and go through ServerControl") {
  Runtime rt;
  const char* lines[] = {"disable server be_app/s2",
                         "enable server be_app/s2",
                         "set server be_app/s2 state drain",
                         "set server be_app/s2 state maint",
                         "set server be_app/s2 state ready",
                         "set server be_app/s1 weight 5",
                         "set weight be_app/s1 1",
                         "set server be_app/s1 health down",
                         "shutdown sessions server be_app/s1",
                         "disable health be_app/s1",
                         "enable health be_app/s1",
                         "clear counters",
                         "clear counters all",
                         "set timeout cli 5",
                         "operator",
                         "user"};
  for (const char* line : lines) {
    CAPTURE(line);
    const Reply r = run(rt, line);
    CHECK(r.text.empty());
    CHECK(r.severity == Severity::Output);
  }
  CHECK(rt.control.calls == Calls{"s2 maint on", "s2 maint off", "s2 drain on", "s2 maint on",
                                  "s2 drain off", "s2 maint off", "s1 weight 5", "s1 weight 1",
                                  "s1 health down", "s1 shutdown", "s1 checks off",
                                  "s1 checks on"});
}

TEST_CASE("drain leaves forced maintenance, maintenance leaves drain") {
  Runtime rt;
  run(rt, "disable server be_app/s1");
  run(rt, "set server be_app/s1 state drain");
  CHECK(rt.server(0).admin_flags == core::admin::kForcedDrain);
  run(rt, "set server be_app/s1 state maint");
  CHECK(rt.server(0).admin_flags == core::admin::kForcedMaint);
  run(rt, "set server be_app/s1 state drain");
  run(rt, "disable server be_app/s1");  // `disable server` is `state maint`: drain goes
  CHECK(rt.server(0).admin_flags == core::admin::kForcedMaint);
}

TEST_CASE("a state the server already has is not applied again (one log line each)") {
  Runtime rt;
  run(rt, "disable server be_app/s1");
  run(rt, "disable server be_app/s1");
  run(rt, "set server be_app/s1 state maint");
  run(rt, "enable server be_app/s1");
  run(rt, "enable server be_app/s1");
  run(rt, "set server be_app/s2 state drain");
  run(rt, "set server be_app/s2 state drain");
  CHECK(rt.control.calls == Calls{"s1 maint on", "s1 maint off", "s2 drain on"});
}

TEST_CASE("a server disabled in the config shows HAProxy's admin state 5") {
  Runtime rt;
  rt.server(1).admin_flags = core::admin::kConfigMaint | core::admin::kForcedMaint;
  rt.server(1).op = core::OpState::Stopped;
  const std::string out = run(rt, "show servers state be_app").text;
  CHECK(out.find("\n3 be_app 2 s2 - 0 5 1 1 8 6 3 0 14 ") != std::string::npos);
  run(rt, "enable server be_app/s2");
  CHECK(rt.control.calls == Calls{"s2 maint off"});
}

TEST_CASE("weights: relative to the initial weight, capped, static algorithms") {
  Runtime rt;
  core::Server& s1 = rt.server(0);
  s1.iweight = 10;
  run(rt, "set weight be_app/s1 50%");
  CHECK(s1.uweight == 5);
  run(rt, "set weight be_app/s1 5000%");
  CHECK(s1.uweight == 256);
  run(rt, "set weight be_app/s1 +7");
  CHECK(s1.uweight == 7);
  CHECK(run(rt, "get weight be_app/s1").text == "7 (initial 10)\n");
  const_cast<core::BackendSettings&>(rt.backend().settings).balance = conf::Balance::Source;
  CHECK(run(rt, "set weight be_app/s1 3").text ==
        "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n");
  CHECK(run(rt, "set weight be_app/s1 0%").text.empty());
  CHECK(run(rt, "set weight be_app/s1 100%").text.empty());
  CHECK(run(rt, "set weight be_app/s1 10").text.empty());
  CHECK(s1.uweight == 10);
}

// Issue 10 finding 5: `set timeout cli 18446744073709553` overflowed a signed multiplication
// (the sanitizer build aborted, Release wrapped to 1 s). HAProxy 2.6 takes seconds below 2^31,
// rounds a smaller unit up, and answers "Invalid timeout value." to anything else.
TEST_CASE("set timeout cli: overflow and range as HAProxy 2.6") {
  Runtime rt;
  for (const char* bad : {"18446744073709553", "9999999999999999999999", "9223372036854775807",
                          "2147483648", "-1", "0", "0s", "1x", "1.5", "+5", "25000000000d"}) {
    CAPTURE(bad);
    CliSession s;
    CHECK(run_command({"set", "timeout", "cli", bad}, s, rt.ctx).text ==
          "Invalid timeout value.\n");
    CHECK(s.timeout == CliSession{}.timeout);
  }
  const std::pair<const char*, long long> good[] = {{"1", 1000},
                                                    {"999us", 1000},
                                                    {"500ms", 1000},
                                                    {"1001ms", 2000},
                                                    {"2073601", 2073601000},
                                                    {"24d", 2073600000},
                                                    {"2147483647", 2147483647000},
                                                    {"2147483647000ms", 2147483647000}};
  for (const auto& [text, ms] : good) {
    CAPTURE(text);
    CliSession s;
    s.level = s.bind_level = Level::User;
    CHECK(run_command({"set", "timeout", "cli", text}, s, rt.ctx).text.empty());
    CHECK(s.timeout == Millis(ms));
  }
}

TEST_CASE("weights: numbers beyond any integer are out of range or capped as in HAProxy") {
  Runtime rt;
  core::Server& s1 = rt.server(0);
  const std::string range = "Absolute weight can only be between 0 and 256 inclusive.\n";
  for (const char* w :
       {"99999999999999", "18446744073709551617", "4294967297", "257", "-9223372036854775809"}) {
    CAPTURE(w);
    CHECK(run(rt, std::string("set server be_app/s1 weight ") + w).text == range);
  }
  CHECK(s1.uweight == 1);
  CHECK(run(rt, "set server be_app/s1 weight 99999999999999999999999%").text.empty());
  CHECK(s1.uweight == 256);  // 25600% of 1 at most, then 256 at most, as HAProxy caps
  CHECK(run(rt, "set server be_app/s1 weight -99999999999999999999999%").text ==
        "Relative weight must be positive.\n");
  CHECK(run(rt, "set server be_app/s1 weight 0x10").text == "Trailing garbage in weight string");
}

TEST_CASE("show stat: odd numbers are read as HAProxy's atoi reads them, without wrapping") {
  Runtime rt;
  const std::string all = run(rt, "show stat").text;
  const std::string header = all.substr(0, all.find('\n') + 1);
  CHECK(run(rt, "show stat -1 -1 -1").text == all);
  CHECK(run(rt, "show stat abc -1 -1").text == "No such proxy.\n");
  CHECK(run(rt, "show stat 99999999999 -1 -1").text == header);
  CHECK(run(rt, "show stat 99999999999999999999999 -1 -1").text == header);
  CHECK(run(rt, "show stat -1 abc -1").text == header);
  CHECK(run(rt, "show stat -1 -1 99999999999999999999999").text.find(",s1,") == std::string::npos);
  CHECK(run(rt, "show stat 3x -1 -1").text == run(rt, "show stat 3 -1 -1").text);
}

TEST_CASE("servers are also found by #id") {
  Runtime rt;
  CHECK(run(rt, "get weight #3/#2").text == "1 (initial 1)\n");
  CHECK(run(rt, "get weight #9/#2").text == "No such backend.\n");
  CHECK(run(rt, "get weight be_app/#7").text == "No such server.\n");
  CHECK(run(rt, "get weight be_app/#4294967298").text == "No such server.\n");
  CHECK(run(rt, "get weight be_app/#99999999999999999999").text == "No such server.\n");
  CHECK(run(rt, "get weight be_app/#-2").text == "No such server.\n");
}

TEST_CASE("enable health needs a configured check") {
  Runtime rt;
  rt.server(2).check.configured = false;
  CHECK(run(rt, "enable health be_app/s3").text ==
        "Health check was not configured on this server, cannot enable.\n");
}

TEST_CASE("levels: checked before the arguments, admin commands refused below admin") {
  Runtime rt;
  for (const char* line :
       {"disable server nosuch/x", "enable server be_app/s1", "set server be_app/s1 state maint",
        "set weight be_app/s1 2", "shutdown sessions server nosuch/x", "disable health be_app/s1",
        "enable health be_app/s1", "clear counters all", "wait 1"}) {
    CAPTURE(line);
    for (Level level : {Level::User, Level::Operator}) {
      const Reply r = run(rt, line, level);
      CHECK(r.text == "Permission denied\n");
      CHECK(r.severity == Severity::Error);
    }
  }
  CHECK(run(rt, "clear counters", Level::User).text == "Permission denied\n");
  CHECK(run(rt, "clear counters", Level::Operator).text.empty());
  CHECK(run(rt, "get weight be_app/s1", Level::User).text == "1 (initial 1)\n");
  CHECK(starts_with(run(rt, "show stat", Level::User).text, "# pxname,"));
  CHECK(rt.control.calls.empty());
}

TEST_CASE("levels: a session can lower its level, never raise it") {
  Runtime rt;
  CliSession s;
  s.bind_level = s.level = Level::Admin;
  CHECK(run_command({"operator"}, s, rt.ctx).text.empty());
  CHECK(run_command({"show", "cli", "level"}, s, rt.ctx).text == "operator\n");
  CHECK(run_command({"user"}, s, rt.ctx).text.empty());
  CHECK(run_command({"show", "cli", "level"}, s, rt.ctx).text == "user\n");
  CHECK(run_command({"operator"}, s, rt.ctx).text == "Permission denied\n");
  CHECK(run_command({"disable", "server", "be_app/s1"}, s, rt.ctx).text == "Permission denied\n");
}

TEST_CASE("help and unknown commands: HAProxy's header and trailer lines") {
  Runtime rt;
  Reply r = run(rt, std::vector<std::string>{});
  CHECK(starts_with(r.text,
                    "Unknown command. Please enter one of the following commands only:\n"
                    "  clear counters [all]                    : "));
  CHECK(ends_with(r.text, kTrailer));
  CHECK(r.severity == Severity::Info);
  r = run(rt, "help");
  CHECK(starts_with(r.text, "The following commands are valid at this level:\n"));
  CHECK(ends_with(r.text, kTrailer));
  CHECK(r.text.find("  show stat [desc|json|no-maint|typed|up]*: report counters") !=
        std::string::npos);
  CHECK(run(rt, "help", Level::User).text == r.text);  // the same list at every level
  r = run(rt, "foo");
  CHECK(starts_with(r.text,
                    "Unknown command, but maybe one of the following ones is a better match:\n"));
  CHECK(ends_with(r.text, kTrailer));
  CHECK(r.text.find("show stats") == std::string::npos);  // the alias is not listed
}

TEST_CASE("unknown commands: suggestions share the typed keywords") {
  Runtime rt;
  const std::string disable = run(rt, "disable foo").text;
  CHECK(disable.find("  disable health <bk>/<srv>") != std::string::npos);
  CHECK(disable.find("  disable server <bk>/<srv>") != std::string::npos);
  CHECK(disable.find("  show ") == std::string::npos);
  const std::string shutdown = run(rt, "shutdown sessions foo").text;
  CHECK(shutdown ==
        "Unknown command, but maybe one of the following ones is a better match:\n"
        "  shutdown sessions server <bk>/<srv>     : close every session on a server now\n" +
            kTrailer);
  const std::string typo = run(rt, "sho stat").text;
  CHECK(typo.find("  show stat [") != std::string::npos);
  const std::string help_disable = run(rt, "help disable").text;
  CHECK(starts_with(help_disable,
                    "The following commands are valid at this level:\n"
                    "  disable health"));
}

TEST_CASE("show stats answers like show stat") {
  Runtime rt;
  CHECK(run(rt, "show stats").text == run(rt, "show stat").text);
  CHECK(run(rt, "show stats 3 2 -1").text == run(rt, "show stat 3 2 -1").text);
}

TEST_CASE("show servers state: version line, header, one row per server") {
  Runtime rt;
  rt.control.set_maint(rt.server(0), true);
  rt.server(0).last_change = rt.now;
  const std::string out = run(rt, "show servers state be_app").text;
  CHECK(out ==
        "1\n"
        "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight "
        "srv_iweight srv_time_since_last_change srv_check_status srv_check_result "
        "srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id "
        "srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr "
        "srv_agent_port\n"
        "3 be_app 1 s1 - 0 1 1 1 0 6 3 0 14 0 0 0 - 0 - 0 0 - - 0\n"
        "3 be_app 2 s2 - 2 0 1 1 8 6 3 4 6 0 0 0 - 0 - 0 0 - - 0\n"
        "3 be_app 3 s3 - 0 0 1 1 7 5 2 0 6 0 0 0 - 0 - 0 0 - - 0\n");
  CHECK(run(rt, "show servers state").text == out);
}

TEST_CASE("show backend, show version, show cli sockets") {
  Runtime rt;
  CHECK(run(rt, "show backend").text == "# name\nbe_app\n");
  CHECK(run(rt, "show version").text == "2.6.0-ferry-0.1.0\n");
  rt.ctx.sockets.push_back(SocketDesc{"unix@/run/ferry.sock", Level::Admin});
  rt.ctx.sockets.push_back(SocketDesc{"ipv4@127.0.0.1:9999", Level::User});
  CHECK(run(rt, "show cli sockets").text ==
        "# socket lvl processes\nunix@/run/ferry.sock admin all\nipv4@127.0.0.1:9999 user all\n");
}

TEST_CASE("show info: every key hatop needs, in HAProxy's order") {
  Runtime rt;
  const std::string out = run(rt, "show info").text;
  size_t at = 0;
  for (const char* key :
       {"Name: HAProxy\n", "Version: 2.6.0-ferry-0.1.0\n", "Release_date: ", "Nbthread: 1\n",
        "Nbproc: 1\n", "Process_num: 1\n", "Pid: 4242\n", "Uptime: 0d 0h00m00s\n",
        "Uptime_sec: 0\n", "Ulimit-n: 20000\n", "Maxconn: 9983\n", "CurrConns: 0\n",
        "Maxpipes: 2495\n", "PipesUsed: 0\n", "Tasks: ", "Run_queue: 0\n", "node: testhost\n",
        "Listeners: 0\n", "Tainted: 0\n"}) {
    CAPTURE(key);
    const size_t found = out.find(key, at);
    CHECK(found != std::string::npos);
    if (found != std::string::npos) at = found;
  }
  CHECK(out.find("ZlibMemUsage") == std::string::npos);  // empty keys are left out
  const std::string typed = run(rt, "show info typed").text;
  CHECK(starts_with(typed, "0.Name.1:POS:str:HAProxy\n1.Version.1:POS:str:2.6.0-ferry-0.1.0\n"));
  CHECK(typed.find("\n6.Pid.1:SGP:u32:4242\n") != std::string::npos);
  CHECK(typed.find("\n71.Tainted.1:SGP:str:0\n") != std::string::npos);
  const std::string json = run(rt, "show info json").text;
  CHECK(starts_with(json,
                    "[{\"field\":{\"pos\":0,\"name\":\"Name\"},\"processNum\":1,\"tags\":"
                    "{\"origin\":\"Product\",\"nature\":\"Output\",\"scope\":\"Service\"},"
                    "\"value\":{\"type\":\"str\",\"value\":\"HAProxy\"}},"));
  CHECK(ends_with(json, "}}]\n"));
}

TEST_CASE("format_reply: prompt, interactive mode and severity prefixes") {
  CliSession s;
  CHECK(format_reply(Reply{"1 (initial 1)\n", Severity::Output, {}, {}}, s) == "1 (initial 1)\n\n");
  CHECK(format_reply(Reply{}, s) == "\n");
  s.interactive = true;
  CHECK(format_reply(Reply{}, s) == "\n> ");
  s.interactive = false;
  s.severity_output = SeverityOutput::Number;
  CHECK(format_reply(Reply{"No such server.\n", Severity::Error, {}, {}}, s) ==
        "[3]: No such server.\n\n");
  CHECK(format_reply(Reply{"admin\n", Severity::Info, {}, {}}, s) == "[6]: admin\n\n");
  CHECK(format_reply(Reply{"1 (initial 1)\n", Severity::Output, {}, {}}, s) == "1 (initial 1)\n\n");
  s.severity_output = SeverityOutput::String;
  CHECK(format_reply(Reply{"x\n", Severity::Error, {}, {}}, s) == "[err]: x\n\n");
  CHECK(format_reply(Reply{"x\n", Severity::Info, {}, {}}, s) == "[info]: x\n\n");
}

TEST_CASE("prompt and quit change the session") {
  Runtime rt;
  CliSession s;
  run_command({"prompt"}, s, rt.ctx);
  CHECK(s.interactive);
  run_command({"prompt"}, s, rt.ctx);
  CHECK_FALSE(s.interactive);
  run_command({"quit"}, s, rt.ctx);
  CHECK(s.quit);
  run_command({"set", "timeout", "cli", "60"}, s, rt.ctx);
  CHECK(s.timeout == Millis(60000));
}

TEST_CASE("wait: HAProxy 3.0 syntax and errors") {
  Runtime rt;
  CHECK(run(rt, "wait").text == "Expects a duration in milliseconds.\n");
  CHECK(run(rt, "wait abc").text == "Invalid duration.\n");
  CHECK(run(rt, "wait 0").text == "Invalid duration.\n");
  CHECK(run(rt, "wait 18446744073709553s").text == "Invalid duration.\n");
  CHECK(run(rt, "wait 99999999999999999999").text == "Invalid duration.\n");
  CHECK(run(rt, "wait 366d").text == "Invalid duration.\n");
  CHECK(run(rt, "wait 1s srv-removable").text == "Missing server name (<backend>/<server>).\n");
  CHECK(run(rt, "wait 1s srv-removable be_app").text == "Require 'backend/server'.\n");
  CHECK(starts_with(run(rt, "wait 1s bogus").text,
                    "Usage: wait {-h|<duration>} [condition [args...]]\n"));
  Reply r = run(rt, "wait 2s srv-removable be_app/s1");
  REQUIRE(r.wait);
  CHECK(r.wait->delay == Millis(2000));
  CHECK(r.wait->backend == "be_app");
  CHECK(r.wait->server == "s1");
  r = run(rt, "wait 150");
  REQUIRE(r.wait);
  CHECK(r.wait->delay == Millis(150));
  CHECK(r.wait->backend.empty());
}

TEST_CASE("wait srv-removable: done once in maintenance with nothing left on it") {
  Runtime rt;
  WaitRequest w{WaitRequest::Kind::SrvRemovable, Millis(1000), "be_app", "s1"};
  CHECK(wait_status(w, rt.engine) == WaitStatus::Failed);  // not in maintenance
  rt.control.set_maint(rt.server(0), true);
  rt.server(0).served = 1;
  CHECK(wait_status(w, rt.engine) == WaitStatus::Pending);
  rt.server(0).served = 0;
  CHECK(wait_status(w, rt.engine) == WaitStatus::Done);
  CHECK(wait_status(WaitRequest{WaitRequest::Kind::SrvRemovable, Millis(1), "nosuch", "s1"},
                    rt.engine) == WaitStatus::Failed);
  CHECK(finish_wait(w, WaitStatus::Done).text == "Done.\n");
  CHECK(finish_wait(w, WaitStatus::Pending).text == "Wait delay expired.\n");
  CHECK(finish_wait(w, WaitStatus::Pending).severity == Severity::Error);
  CHECK(finish_wait(w, WaitStatus::Failed).text == "Failed.\n");
  CHECK(finish_wait(WaitRequest{WaitRequest::Kind::Sleep, Millis(5), "", ""}, WaitStatus::Pending)
            .text == "Done.\n");
}

TEST_CASE("safe disable: made only while the backend keeps keep-up other usable servers") {
  Runtime rt;
  // s1 and s2 are up, s3 is down: s1 has one other usable server.
  WaitRequest w{WaitRequest::Kind::TakeOut, Millis(1000), "be_app", "s1"};
  w.keep_up = 2;
  CHECK(wait_status(w, rt.engine) == WaitStatus::Pending);
  CHECK_FALSE(rt.server(0).in_maint());
  w.keep_up = 1;
  CHECK(wait_status(w, rt.engine) == WaitStatus::Done);
  CHECK(rt.server(0).in_maint());
  CHECK(finish_wait(w, WaitStatus::Done).text == "be_app/s1 is in maintenance.\n");
  // Down servers do not count as usable; a server already out changes freely.
  w.server = "s2";
  CHECK(wait_status(w, rt.engine) == WaitStatus::Pending);
  w.drain = true;
  w.server = "s1";
  CHECK(wait_status(w, rt.engine) == WaitStatus::Done);
  CHECK(rt.server(0).in_drain());
  CHECK_FALSE(rt.server(0).in_maint());
  const Reply expired = finish_wait(w, WaitStatus::Pending);
  CHECK(expired.severity == Severity::Error);
  CHECK(expired.text.rfind("Kept up: be_app/s1 stays in rotation", 0) == 0);
  const Reply r = run(rt, "safe disable server be_app/s2 keep-up 0");
  CHECK(r.text == "be_app/s2 is in maintenance.\n");
  CHECK(rt.server(1).in_maint());
}

TEST_CASE(
    "show activity: HAProxy's per-thread lines, one figure per thread when there are several") {
  Runtime rt;
  const std::string one = run(rt, "show activity").text;
  CHECK(one.rfind("thread_id: 1 (1..1)\ndate_now: ", 0) == 0);
  CHECK(one.find("\nloops: ") != std::string::npos);
  CHECK(one.find("\naccepted: 0\n") != std::string::npos);  // no brackets with one thread

  core::EventLoop loop;
  core::Log log;
  core::Engine engine(loop, Runtime::quiet(log), 100, 3);
  ProcessInfo process;
  CliContext ctx{engine, process, {}};
  engine.workers[1]->activity.accepted = 5;
  engine.workers[2]->activity.accepted = 2;
  CliSession session;
  session.bind_level = session.level = conf::Level::User;
  const std::string three = run_command({"show", "activity"}, session, ctx).text;
  CHECK(three.rfind("thread_id: 1 (1..3)\n", 0) == 0);
  CHECK(three.find("\naccepted: 7 [ 0 5 2 ]\n") != std::string::npos);
  CHECK(three.find("\nloops: 0 [ 0 0 0 ]\n") != std::string::npos);
}

}  // namespace
}  // namespace ferry::stats::test
