// What the admin commands do to real traffic through ferry (issue 4, reference section 5):
// `disable server` and `state drain` stop new connections to a server while its sessions keep
// flowing, `enable server` brings it back, `wait <delay> srv-removable` answers as soon as the
// last session is gone (or when the delay expires), `shutdown sessions server` ends them now.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/admin_client.hpp"

using namespace ferry::test;

namespace {

// A short connection through ferry: echoed, then closed by both sides.
bool short_connection(const AdminFerry& f) {
  ClientConn c = f.echoed_client();
  return c.ok() && c.close_gracefully(Deadline(2s));
}

// The held session still carries bytes both ways.
bool still_flows(ClientConn& c) {
  std::string echo;
  return c.send_all("still here\n") && c.read_exactly(11, echo, Deadline(2s)) &&
         echo == "still here\n";
}

// `command` stops new connections to s1 while its session flows; `enable server` undoes it.
void check_takes_s1_out(const std::string& command, const std::string& status) {
  AdminFerry f;
  REQUIRE_MESSAGE(f.start(), f.process().output());
  ClientConn held = f.client_on(0);
  REQUIRE(held.ok());

  REQUIRE(f.query(command) == "\n");
  CHECK(f.status("s1") == status);
  const size_t s1_before = f.server(0).accepted();
  const size_t s2_before = f.server(1).accepted();
  for (int i = 0; i < 6; ++i)
    REQUIRE(short_connection(f));
  CHECK(f.server(0).accepted() == s1_before);  // not one new connection
  CHECK(f.server(1).accepted() == s2_before + 6);
  CHECK(still_flows(held));
  std::string error;
  auto table = StatTable::parse(f.query("show stat"), error);
  REQUIRE_MESSAGE(table, error);
  CHECK(table->get("be", "s1", "scur") == "1");
  CHECK(table->get("be", "BACKEND", "act") == "1");  // one usable server left
  CHECK(table->get("be", "BACKEND", "weight") == "1");

  REQUIRE(f.query("enable server be/s1") == "\n");
  CHECK(f.status("s1") == "no check");
  for (int i = 0; i < 4; ++i)
    REQUIRE(short_connection(f));
  CHECK(f.server(0).accepted() >= s1_before + 2);  // roundrobin again: half of them
  CHECK(still_flows(held));
  CHECK(held.close_gracefully(Deadline(2s)));
  CHECK(f.process().stop_cleanly());
}

}  // namespace

TEST_CASE(
    "disable server: MAINT, no new connection to it, its sessions flow, enable brings it back") {
  check_takes_s1_out("disable server be/s1", "MAINT");
}

TEST_CASE("set server state drain: DRAIN, no new connection to it, its sessions flow") {
  check_takes_s1_out("set server be/s1 state drain", "DRAIN");
}

TEST_CASE("wait srv-removable answers Done. as soon as the last session on the server closes") {
  AdminFerry f;
  REQUIRE_MESSAGE(f.start(), f.process().output());
  ClientConn held = f.client_on(0);
  REQUIRE(held.ok());
  REQUIRE(f.query("disable server be/s1") == "\n");

  ClientConn waiter = f.admin().connect();
  REQUIRE(waiter.send_all("wait 5s srv-removable be/s1\n"));
  CHECK(waiter.stays_silent(300ms));  // a session is still on s1
  CHECK(still_flows(held));
  CHECK(waiter.stays_silent(50ms));

  const auto closed_at = Clock::now();
  REQUIRE(held.close_gracefully(Deadline(2s)));
  const Received r = waiter.read_until_eof(Deadline(6s));
  CHECK(r.closed);
  CHECK(r.data == "Done.\n\n");
  CHECK(elapsed_ms(closed_at) < 3000);  // long before the 5 s delay runs out
  CHECK(f.status("s1") == "MAINT");     // wait changes nothing
  // Nothing left on it: at once.
  CHECK(f.query("wait 5s srv-removable be/s1") == "Done.\n\n");
  CHECK(f.process().stop_cleanly());
}

TEST_CASE(
    "wait srv-removable: Wait delay expired. while a session stays, Failed. unless in MAINT") {
  AdminFerry f;
  REQUIRE_MESSAGE(f.start(), f.process().output());
  ClientConn held = f.client_on(0);
  REQUIRE(held.ok());
  REQUIRE(f.query("disable server be/s1") == "\n");

  const auto start = Clock::now();
  const Received r = admin_exchange(f.admin(), "wait 300ms srv-removable be/s1\n", true, 5s);
  const double took = elapsed_ms(start);
  CHECK(r.closed);
  CHECK(r.data == "Wait delay expired.\n\n");
  CHECK(took >= 290);  // ferry's clock is the loop's, in whole ms (as HAProxy's): not to the µs
  CHECK(took < 3000);
  CHECK(still_flows(held));  // the wait ends nothing

  // A server that is not in maintenance can never become removable.
  CHECK(f.query("wait 5s srv-removable be/s2") == "Failed.\n\n");
  CHECK(f.query("wait 5s srv-removable be/nosuch") == "Failed.\n\n");
  CHECK(held.close_gracefully(Deadline(2s)));
  CHECK(f.process().stop_cleanly());
}

TEST_CASE("shutdown sessions server ends that server's sessions now, and only those") {
  AdminFerry f;
  REQUIRE_MESSAGE(f.start(), f.process().output());
  ClientConn on_s1 = f.client_on(0);
  ClientConn on_s2 = f.client_on(1);
  REQUIRE((on_s1.ok() && on_s2.ok()));

  REQUIRE(f.query("shutdown sessions server be/s1") == "\n");
  const Received r = on_s1.read_until_eof(Deadline(2s));
  CHECK(r.closed);
  CHECK(r.data.empty());
  CHECK(still_flows(on_s2));
  CHECK(poll_until([&] { return stat_cell(f.admin(), "be", "s1", "scur") == "0"; }, 2s, 5ms));
  CHECK(stat_cell(f.admin(), "be", "s2", "scur") == "1");
  // The server itself stays in rotation.
  CHECK(f.status("s1") == "no check");
  const size_t s1_before = f.server(0).accepted();
  for (int i = 0; i < 2; ++i)
    REQUIRE(short_connection(f));
  CHECK(f.server(0).accepted() >= s1_before + 1);
  CHECK(on_s2.close_gracefully(Deadline(2s)));
  CHECK(f.process().stop_cleanly());
}

// HAProxy 2.6 in TCP mode, observed side by side: `used_conn_cur` counts only its HTTP reuse
// pool, so it stays 0 with sessions open; `need_conn_est` is 1 from the first connection made
// to the server (three open at once still show 1) and stays 1 after they close.
TEST_CASE("need_conn_est becomes 1 at a server's first connection and used_conn_cur stays 0") {
  AdminFerryOptions options;
  options.servers = {"s1"};
  AdminFerry f(options);
  REQUIRE_MESSAGE(f.start(), f.process().output());
  CHECK(stat_cell(f.admin(), "be", "s1", "need_conn_est") == "0");

  std::vector<ClientConn> open;
  for (int i = 0; i < 3; ++i)
    open.push_back(f.echoed_client());
  CHECK(stat_cell(f.admin(), "be", "s1", "scur") == "3");
  CHECK(stat_cell(f.admin(), "be", "s1", "used_conn_cur") == "0");
  CHECK(stat_cell(f.admin(), "be", "s1", "need_conn_est") == "1");
  for (ClientConn& c : open)
    CHECK(c.close_gracefully(Deadline(2s)));
  CHECK(poll_until([&] { return stat_cell(f.admin(), "be", "s1", "scur") == "0"; }, 2s, 5ms));
  CHECK(stat_cell(f.admin(), "be", "s1", "need_conn_est") == "1");
  CHECK(f.process().stop_cleanly());
}
