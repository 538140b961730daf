// Log lines, word for word as HAProxy 2.6 writes them (reference 3.9 and observed).
#include <doctest/doctest.h>

#include "healthcheck/log_sentences.hpp"

namespace ferry::healthcheck::test {

using core::CheckStatus;

namespace {

core::CheckInfo last_check(CheckStatus status, int code, std::string text, int64_t duration) {
  core::CheckInfo c;
  c.status = status;
  c.code = code;
  c.last_text = std::move(text);
  c.duration_ms = duration;
  return c;
}

}  // namespace

TEST_CASE("DOWN by a check, with info") {
  const auto c =
      last_check(CheckStatus::SockErr, -1, "General socket error (No such file or directory)", 0);
  CHECK(log_down_by_check({"be_app", "s3"}, c, {2, 0}, {0, 0, 0}) ==
        "Server be_app/s3 is DOWN, reason: Socket error, info: \"General socket error (No such "
        "file or directory)\", check duration: 0ms. 2 active and 0 backup servers left. 0 "
        "sessions active, 0 requeued, 0 remaining in queue.");
}

TEST_CASE("UP by a check, without info") {
  const auto c = last_check(CheckStatus::L4Ok, -1, "", 0);
  CHECK(log_up_by_check({"be_app", "s2"}, c, {2, 0}, {}) ==
        "Server be_app/s2 is UP, reason: Layer4 check passed, check duration: 0ms. 2 active and "
        "0 backup servers online. 0 sessions requeued, 0 total in queue.");
}

TEST_CASE("L7 statuses carry their code") {
  const auto down = last_check(CheckStatus::L7Sts, 404, "Not Found", 0);
  CHECK(log_down_by_check({"http_def", "h404"}, down, {12, 0}, {}) ==
        "Server http_def/h404 is DOWN, reason: Layer7 wrong status, code: 404, info: \"Not "
        "Found\", check duration: 0ms. 12 active and 0 backup servers left. 0 sessions active, "
        "0 requeued, 0 remaining in queue.");
  const auto up = last_check(CheckStatus::L7Ok, 0, "Redis server is ok", 0);
  CHECK(log_up_by_check({"flips", "r"}, up, {1, 0}, {}) ==
        "Server flips/r is UP, reason: Layer7 check passed, code: 0, info: \"Redis server is "
        "ok\", check duration: 0ms. 1 active and 0 backup servers online. 0 sessions requeued, 0 "
        "total in queue.");
  const auto rsp = last_check(CheckStatus::L7Rsp, 0, "", 50);
  CHECK(check_reason(rsp) == ", reason: Layer7 invalid response, check duration: 50ms");
}

TEST_CASE("the session numbers land in their places") {
  const auto c = last_check(CheckStatus::L4Tout, -1, "", 1501);
  CHECK(log_down_by_check({"b", "s"}, c, {3, 1}, {7, 5, 2}) ==
        "Server b/s is DOWN, reason: Layer4 timeout, check duration: 1501ms. 3 active and 1 "
        "backup servers left. 7 sessions active, 5 requeued, 2 remaining in queue.");
  CHECK(log_up_by_check({"b", "s"}, c, {3, 1}, {7, 5, 2})
            .ends_with(
                "3 active and 1 backup servers online. 5 sessions requeued, 2 total in queue."));
}

TEST_CASE("running on backup when the last active server goes") {
  const auto c = last_check(CheckStatus::L4Con, -1, "Connection refused", 0);
  CHECK(log_down_by_check({"be", "a1"}, c, {0, 2}, {}) ==
        "Server be/a1 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", "
        "check duration: 0ms. 0 active and 2 backup servers left. Running on backup. 0 sessions "
        "active, 0 requeued, 0 remaining in queue.");
}

TEST_CASE("maintenance, drain and CLI lines, backups say so") {
  CHECK(log_going_maint({"b", "s1"}, {2, 1}, {}) ==
        "Server b/s1 is going DOWN for maintenance. 2 active and 1 backup servers left. 0 "
        "sessions active, 0 requeued, 0 remaining in queue.");
  CHECK(log_going_maint({"b", "bk", true}, {1, 0}, {}) ==
        "Backup Server b/bk is going DOWN for maintenance. 1 active and 0 backup servers left. "
        "0 sessions active, 0 requeued, 0 remaining in queue.");
  CHECK(log_down_enters_maint({"b", "s1"}) == "Server b/s1 was DOWN and now enters maintenance.");
  CHECK(log_leaving_maint({"b", "s1"}, false) ==
        "Server b/s1 is UP/READY (leaving forced maintenance).");
  CHECK(log_leaving_maint({"b", "s2"}, true) ==
        "Server b/s2 is UP/DRAIN (leaving forced maintenance).");
  CHECK(log_enters_drain({"plain", "b1"}, {1, 0}, {}) ==
        "Server plain/b1 enters drain state. 1 active and 0 backup servers online. 0 sessions "
        "requeued, 0 total in queue.");
  CHECK(log_leaving_drain({"b", "s1"}) == "Server b/s1 is UP (leaving forced drain).");
  CHECK(log_remains_drain({"b", "s2"}) == "Server b/s2 remains in forced drain mode.");
  CHECK(log_down_changed({"b", "s1"}, kFromCli, {2, 1}, {}) ==
        "Server b/s1 is DOWN, changed from CLI. 2 active and 1 backup servers left. 0 sessions "
        "active, 0 requeued, 0 remaining in queue.");
  CHECK(log_up_changed({"b", "s1"}, kFromCli, {3, 1}, {}) ==
        "Server b/s1 is UP, changed from CLI. 3 active and 1 backup servers online. 0 sessions "
        "requeued, 0 total in queue.");
  CHECK(log_stopping_changed({"b", "s1"}, kFromCli, {2, 1}, {}) ==
        "Server b/s1 is stopping, changed from CLI. 2 active and 1 backup servers online. 0 "
        "sessions requeued, 0 total in queue.");
  // As HAProxy 2.6 logs a server the state file puts DOWN at start-up.
  CHECK(log_down_changed({"app", "web1"}, kFromSavedState, {2, 0}, {}) ==
        "Server app/web1 is DOWN, changed from server-state after a reload. 2 active and 0 backup "
        "servers left. 0 sessions active, 0 requeued, 0 remaining in queue.");
}

TEST_CASE("alerts") {
  CHECK(log_unix_backlog_full("be_app") ==
        "Connect() failed for backend be_app: can't connect to destination unix socket, check "
        "backlog size on the server.");
}

}  // namespace ferry::healthcheck::test
