// Server state in `show servers state`'s format: render -> parse round trip, the parser's
// errors, and the rules applying it to a freshly built runtime (HAProxy 2.6's, with the config
// winning where it changed a server).
#include "stats/server_state.hpp"

#include <doctest/doctest.h>

#include "tests/unit/stats/stats_fixture.hpp"

using namespace ferry;
using namespace ferry::stats;
using test::Runtime;
using Calls = std::vector<std::string>;

namespace {

// A state file with one line for be_app/<server>; the fields as HAProxy 2.6 writes them.
std::string state_line(const std::string& server, const std::string& addr, int op, int admin,
                       int uweight, int iweight, int check_state, int port = 0) {
  return "3 be_app 1 " + server + " " + addr + " " + std::to_string(op) + " " +
         std::to_string(admin) + " " + std::to_string(uweight) + " " + std::to_string(iweight) +
         " 12 6 3 4 " + std::to_string(check_state) + " 0 0 0 - " + std::to_string(port) +
         " - 0 0 - - 0\n";
}

std::vector<std::string> apply_lines(Runtime& rt, const std::string& lines) {
  const SavedState saved = parse_servers_state("1\n# header\n" + lines, "state");
  REQUIRE(saved.errors.empty());
  return apply_servers_state(saved, rt.engine, {&rt.backend()});
}

}  // namespace

TEST_CASE("what render writes, parse reads back") {
  Runtime rt;
  rt.control.set_maint(rt.server(1), true);
  rt.control.set_weight(rt.server(0), 7);
  const std::string text = render_servers_state(rt.engine);
  CHECK(text == run(rt, "show servers state").text);  // the command prints the same
  const SavedState saved = parse_servers_state(text, "f");
  CHECK(saved.errors.empty());
  REQUIRE(saved.servers.size() == 3);
  CHECK(saved.servers[0].backend == "be_app");
  CHECK(saved.servers[0].server == "s1");
  CHECK(saved.servers[0].uweight == 7);
  CHECK(saved.servers[0].addr == "-");
  CHECK(saved.servers[1].admin_state == core::admin::kForcedMaint);
  CHECK(saved.servers[2].op_state == 0);
  CHECK(saved.servers[2].line == 5);
  const SavedState with_paths =
      parse_servers_state(render_servers_state(rt.engine, nullptr, true), "f");
  CHECK(with_paths.servers[0].addr == "unix@/run/ha/s1.sock");
}

TEST_CASE("parse errors name the file and line, and good lines are kept") {
  CHECK(parse_servers_state("2\n", "st").errors ==
        Calls{"st:1: the first line must be the format version '1' (what 'show servers state' "
              "writes); the file is ignored"});
  CHECK(parse_servers_state("", "st").errors ==
        Calls{"st: empty (no version line); the file is ignored"});
  const SavedState s =
      parse_servers_state("1\n3 be_app 1 s1 - 2\n" + state_line("s2", "-", 9, 0, 1, 1, 6) +
                              state_line("s3", "-", 2, 0, 1, 1, 6),
                          "st");
  CHECK(s.servers.size() == 1);
  CHECK(s.errors == Calls{"st:2: server line has 6 fields, a server line has at least 14; the "
                          "line is ignored",
                          "st:3: server line has an invalid value (srv_op_state 0-3, "
                          "srv_admin_state, weights 0-256, srv_check_state, srv_port); the line "
                          "is ignored"});
}

TEST_CASE("maintenance, drain, runtime weight, disabled checks, DOWN and UP carry over") {
  Runtime rt;
  rt.server(2).op = core::OpState::Running;  // freshly built: everything UP
  const auto warnings =
      apply_lines(rt, state_line("s1", "-", 0, 1, 1, 1, 6) +      // MAINT
                          state_line("s2", "-", 2, 8, 5, 1, 2) +  // DRAIN, w5, no chk, UP
                          state_line("s3", "-", 0, 0, 1, 1, 6));  // DOWN by checks
  CHECK(warnings.empty());
  CHECK(rt.control.calls == Calls{"s1 maint on", "s2 weight 5", "s2 checks off", "s2 drain on",
                                  "s2 restored up", "s3 restored down"});
  CHECK(rt.server(0).in_maint());
  CHECK(rt.server(1).in_drain());
  CHECK(rt.server(1).uweight == 5);
  CHECK_FALSE(rt.server(1).check.enabled);
  CHECK(rt.server(2).op == core::OpState::Stopped);
}

TEST_CASE("the config wins where it changed the server, with a warning naming it") {
  Runtime rt;
  rt.server(1).iweight = rt.server(1).uweight = 3;
  const auto warnings =
      apply_lines(rt, state_line("s1", "127.0.0.1", 0, 1, 1, 1, 6, 8080) +  // was TCP, now UNIX
                          state_line("s2", "-", 2, 0, 9, 1, 6) +            // weight 1 -> 3
                          state_line("s3", "-", 2, 5, 1, 1, 6) +            // 'disabled' removed
                          state_line("gone", "-", 0, 1, 1, 1, 6) +
                          "9 be_old 1 x - 0 1 1 1 0 0 0 0 0 0 0 0 - 0 - 0 0 - - 0\n");
  CHECK(rt.control.calls == Calls{"s2 restored up"});  // only its weight is the config's
  CHECK(warnings ==
        Calls{"server-state: be_app/s1: its address changed in the configuration "
              "(127.0.0.1:8080, now unix@/run/ha/s1.sock); its saved state is ignored",
              "server-state: be_app/s2: its weight changed in the configuration (1, now 3); the "
              "weight set at run time (9) is ignored",
              "server-state: be_app/s3: 'disabled' was removed from its configuration; its saved "
              "admin state is ignored",
              "server-state: be_app/gone: the configuration has no such server any more (removed "
              "or renamed); its saved state is ignored",
              "server-state: be_old/x: the configuration has no backend 'be_old' any more "
              "(removed or renamed); its saved state is ignored"});
}

TEST_CASE("a UNIX path saved by ferry is compared, HAProxy's '-' is not") {
  Runtime rt;
  auto warnings = apply_lines(rt, state_line("s1", "unix@/run/ha/old.sock", 0, 1, 1, 1, 6) +
                                      state_line("s2", "unix@/run/ha/s2.sock", 0, 1, 1, 1, 6));
  CHECK(warnings == Calls{"server-state: be_app/s1: its address changed in the configuration "
                          "(unix@/run/ha/old.sock, now unix@/run/ha/s1.sock); its saved state is "
                          "ignored"});
  CHECK(rt.control.calls == Calls{"s2 maint on"});
}

TEST_CASE("a server disabled in both configs and enabled at run time stays enabled") {
  Runtime rt;
  rt.control.set_maint(rt.server(0), true);
  rt.server(0).admin_flags |= core::admin::kConfigMaint;
  rt.control.calls.clear();
  CHECK(apply_lines(rt, state_line("s1", "-", 2, 4, 1, 1, 6)).empty());
  CHECK(rt.control.calls == Calls{"s1 maint off", "s1 restored up"});
}

TEST_CASE("backends not asked for are left alone") {
  Runtime rt;
  const SavedState saved = parse_servers_state("1\n" + state_line("s1", "-", 0, 1, 1, 1, 6), "f");
  CHECK(apply_servers_state(saved, rt.engine, {}).empty());
  CHECK(rt.control.calls.empty());
}
