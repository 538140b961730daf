// Server status strings (reference 1.4) and check_status codes (1.5).
#include <doctest/doctest.h>

#include "core/server.hpp"
#include "healthcheck/status_text.hpp"

namespace ferry::healthcheck::test {

using core::CheckStatus;
using core::OpState;

namespace {

void set_state(core::Server& s, OpState op, int health, bool checked, unsigned admin = 0) {
  s.op = op;
  s.admin_flags = admin;
  s.check.configured = s.check.enabled = checked;
  s.check.rise = 2;
  s.check.fall = 3;
  s.check.health = health;
}

std::string status(OpState op, int health, bool checked = true, unsigned admin = 0) {
  core::Server s;
  set_state(s, op, health, checked, admin);
  return server_status_text(s);
}

}  // namespace

TEST_CASE("UP and its partial states") {
  CHECK(status(OpState::Running, 4) == "UP");
  CHECK(status(OpState::Running, 3) == "UP 2/3");
  CHECK(status(OpState::Running, 2) == "UP 1/3");
  CHECK(status(OpState::Starting, 3) == "UP 2/3");
}

TEST_CASE("DOWN and its partial states") {
  CHECK(status(OpState::Stopped, 0) == "DOWN");
  CHECK(status(OpState::Stopped, 1) == "DOWN 1/2");
  CHECK(status(OpState::Stopped, 0, false) == "DOWN");  // `set server health down`, unchecked
}

TEST_CASE("MAINT wins over every operational state") {
  CHECK(status(OpState::Stopped, 0, true, core::admin::kForcedMaint) == "MAINT");
  CHECK(status(OpState::Stopped, 0, true, core::admin::kForcedMaint | core::admin::kConfigMaint) ==
        "MAINT");
  CHECK(status(OpState::Running, 4, false, core::admin::kForcedMaint) == "MAINT");
}

TEST_CASE("the `disabled` record alone is not maintenance (admin state 4 after `enable server`)") {
  CHECK(status(OpState::Running, 4, true, core::admin::kConfigMaint) == "UP");
}

TEST_CASE("DRAIN replaces UP, keeping the counts") {
  CHECK(status(OpState::Running, 4, true, core::admin::kForcedDrain) == "DRAIN");
  CHECK(status(OpState::Running, 3, true, core::admin::kForcedDrain) == "DRAIN 2/3");
  CHECK(status(OpState::Running, 2, true, core::admin::kForcedDrain) == "DRAIN 1/3");
  CHECK(status(OpState::Running, 4, false, core::admin::kForcedDrain) == "DRAIN");
  CHECK(status(OpState::Stopped, 0, true, core::admin::kForcedDrain) == "DOWN");
}

TEST_CASE("NOLB for a stopping server") {
  CHECK(status(OpState::Stopping, 4) == "NOLB");
  CHECK(status(OpState::Stopping, 3) == "NOLB 2/3");
  CHECK(status(OpState::Stopping, 4, false) == "NOLB");
  CHECK(status(OpState::Stopping, 4, true, core::admin::kForcedDrain) == "NOLB");
}

TEST_CASE("no check when the server is up and checks are off") {
  CHECK(status(OpState::Running, 4, false) == "no check");
  core::Server s;
  set_state(s, OpState::Running, 3, true);
  s.check.enabled = false;  // `disable health`
  CHECK(server_status_text(s) == "no check");
}

TEST_CASE("check_status names, numbers and descriptions") {
  struct Row {
    CheckStatus status;
    int number;
    const char* name;
    const char* description;
  };
  const Row rows[] = {
      {CheckStatus::Unknown, 0, "UNK", "Unknown"},
      {CheckStatus::Init, 1, "INI", "Initializing"},
      {CheckStatus::Checked, 3, "CHECKED", "No status change"},
      {CheckStatus::Hana, 4, "HANA", "Health analyze"},
      {CheckStatus::SockErr, 5, "SOCKERR", "Socket error"},
      {CheckStatus::L4Ok, 6, "L4OK", "Layer4 check passed"},
      {CheckStatus::L4Tout, 7, "L4TOUT", "Layer4 timeout"},
      {CheckStatus::L4Con, 8, "L4CON", "Layer4 connection problem"},
      {CheckStatus::L6Ok, 9, "L6OK", "Layer6 check passed"},
      {CheckStatus::L6Tout, 10, "L6TOUT", "Layer6 timeout"},
      {CheckStatus::L6Rsp, 11, "L6RSP", "Layer6 invalid response"},
      {CheckStatus::L7Tout, 12, "L7TOUT", "Layer7 timeout"},
      {CheckStatus::L7Rsp, 13, "L7RSP", "Layer7 invalid response"},
      {CheckStatus::L7Ok, 15, "L7OK", "Layer7 check passed"},
      {CheckStatus::L7OkC, 16, "L7OKC", "Layer7 check conditionally passed"},
      {CheckStatus::L7Sts, 17, "L7STS", "Layer7 wrong status"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.name);
    CHECK(static_cast<int>(r.status) == r.number);
    CHECK(check_status_name(r.status) == r.name);
    CHECK(check_status_description(r.status) == r.description);
  }
}

TEST_CASE("the in-progress prefix") {
  core::CheckInfo c;
  c.status = CheckStatus::L7Tout;
  CHECK(check_status_field(c) == "L7TOUT");
  c.in_progress = true;
  CHECK(check_status_field(c) == "* L7TOUT");
}

TEST_CASE("check_code is shown for L7OK, L7OKC and L7STS only") {
  CHECK(check_code_shown(CheckStatus::L7Ok));
  CHECK(check_code_shown(CheckStatus::L7OkC));
  CHECK(check_code_shown(CheckStatus::L7Sts));
  CHECK(!check_code_shown(CheckStatus::L7Rsp));
  CHECK(!check_code_shown(CheckStatus::L4Ok));
  CHECK(!check_code_shown(CheckStatus::Hana));
}

TEST_CASE("check columns are shown only for an enabled, unpaused check") {
  core::CheckInfo c;
  CHECK(!check_columns_shown(c));
  c.configured = c.enabled = true;
  CHECK(check_columns_shown(c));
  c.paused = true;
  CHECK(!check_columns_shown(c));
  c.paused = false;
  c.enabled = false;
  CHECK(!check_columns_shown(c));
}

}  // namespace ferry::healthcheck::test
