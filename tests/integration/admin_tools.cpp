// The admin socket as the HAProxy tools drive it (issue 4, reference section 6): hatop's
// interactive session, haproxy_exporter's two connections read to EOF with a strict CSV reader,
// and Ansible's chained commands and header-keyed `show stat`. Over UNIX and TCP sockets.
#include <doctest/doctest.h>

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_csv.hpp"

using namespace ferry::test;

namespace {

bool is_decimal(const std::string& s) {
  if (s.empty()) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  for (size_t at = 0, end; (end = text.find('\n', at)) != std::string::npos; at = end + 1)
    out.push_back(text.substr(at, end - at));
  return out;
}

// hatop's CSV reading: skip '#' lines and lines with fewer than 51 commas, split on every ',',
// columns 0-50 typed; the integer ones must be decimal or empty.
void check_as_hatop(const std::string& csv, size_t expected_rows) {
  static const std::set<size_t> kText = {0, 1, 17, 31,
                                         36};  // pxname svname status tracked check_status
  size_t rows = 0;
  for (const std::string& line : lines_of(csv)) {
    if (line.empty() || line[0] == '#' || naive_token_count(line) < 52) continue;
    ++rows;
    std::vector<std::string> f;
    for (size_t at = 0, end; (end = line.find(',', at)) != std::string::npos; at = end + 1)
      f.push_back(line.substr(at, end - at));
    for (size_t i = 0; i <= 50; ++i)
      if (!kText.count(i) && !f[i].empty()) CHECK_MESSAGE(is_decimal(f[i]), i << ": " << line);
  }
  CHECK(rows == expected_rows);
}

// haproxy_exporter's reading of `show stat`: strict CSV, rows of equal width, `type` routes the
// row, the numeric columns it uses hold integers when not empty.
void check_as_exporter(const std::string& reply) {
  static const std::vector<size_t> kNumeric = {
      2,  3,  4,  5,  6,  7,  8,  9,  10, 12, 13, 14, 15, 16, 18, 19, 21, 24, 30, 33, 34,
      35, 38, 39, 40, 41, 42, 43, 44, 48, 49, 50, 51, 52, 53, 54, 58, 59, 60, 61, 79};
  std::string error;
  const auto table = StatTable::parse(reply, error);
  REQUIRE_MESSAGE(table, error);
  REQUIRE(table->header().size() >= 33);
  for (const CsvRecord& row : table->rows()) {
    CAPTURE(row[0] + "/" + row[1]);
    CHECK((row[32] == "0" || row[32] == "1" || row[32] == "2"));
    for (size_t c : kNumeric)
      if (!row[c].empty()) CHECK_MESSAGE(is_decimal(row[c]), table->header()[c] << "=" << row[c]);
    CHECK(!row[17].empty());  // status, mapped to 1 (UP, DRAIN, no check, ...) or 0
  }
}

// `show info` as hatop parses it: `Key: value` lines; it aborts without any of these.
void check_info_for_hatop(const std::string& info) {
  std::set<std::string> keys;
  for (const std::string& line : lines_of(info)) {
    const auto colon = line.find(": ");
    if (colon != std::string::npos) keys.insert(line.substr(0, colon));
  }
  for (const char* key :
       {"Name", "Version", "Release_date", "Nbproc", "Process_num", "Pid", "Uptime", "Maxconn",
        "CurrConns", "Maxpipes", "PipesUsed", "Tasks", "Run_queue", "node"})
    CHECK_MESSAGE(keys.count(key), "show info lacks " << key);
}

}  // namespace

TEST_CASE("the strict CSV reader refuses what Go's encoding/csv refuses") {
  CHECK(parse_csv("a,b,\n\"x,y\",\"say \"\"hi\"\"\",\n").ok());
  CHECK(parse_csv("a,b,\n\"x,y\",\"say \"\"hi\"\"\",\n").records[1][1] == "say \"hi\"");
  CHECK(parse_csv("a,b\r\nc,d\r\n").records.size() == 2);
  CHECK(!parse_csv("a,b\nc\"d,e\n").ok());    // quote inside a plain field
  CHECK(!parse_csv("a,b\n\"c\"d,e\n").ok());  // text after the closing quote
  CHECK(!parse_csv("a,b\n\"c,e\n").ok());     // quote never closed
  std::string error;
  CHECK(!StatTable::parse("# a,b,\nx,y,\nx,y\n\n", error));  // a row narrower than the header
  CHECK(error == "row 2 has 2 fields, the header 3");
  CHECK(!StatTable::parse("a,b,\n", error));  // no "# "
}

TEST_CASE("hatop: prompt, set timeout cli 60, show info and show stat read until the prompt") {
  AdminFerry f(AdminFerryOptions::checked());
  REQUIRE_MESSAGE(f.start(), f.process().output());
  REQUIRE(f.wait_status("s1", "UP"));
  REQUIRE(f.wait_status("s2", "UP"));

  for (const AdminTarget& t : {f.admin(), f.admin_tcp()}) {
    CAPTURE(t.ctl_address());
    PromptSession s(t);
    REQUIRE(s.start());
    CHECK(s.run("set timeout cli 60") == "");
    const auto info = s.run("show info");
    REQUIRE(info);
    check_info_for_hatop(*info);
    for (int refresh = 0; refresh < 3; ++refresh) {  // hatop refreshes on the same connection
      const auto servers = s.run("show stat -1 4 -1");
      REQUIRE(servers);
      check_as_hatop(*servers, 2);
      CHECK(naive_token_count(lines_of(*servers).at(0)) == 129);
    }
    const auto all = s.run("show stat");
    REQUIRE(all);
    check_as_hatop(*all, 4);

    // hatop's own commands, and what the next refresh shows.
    CHECK(s.run("disable server be/s1") == "");
    auto one = s.run("show stat 3 4 1");  // iid 3 = backend be (the stats socket took iid 1)
    REQUIRE(one);
    CHECK(one->find("\nbe,s1,") != std::string::npos);
    CHECK(one->find(",MAINT,") != std::string::npos);
    CHECK(one->find("\nbe,s2,") == std::string::npos);
    CHECK(s.run("set weight be/s2 50%") == "");
    CHECK(s.run("get weight be/s2").value_or("(no prompt)") == "0 (initial 1)\n");
    CHECK(s.run("set weight be/s2 1") == "");
    CHECK(s.run("enable server be/s1") == "");
    CHECK(s.run("get weight be/s2").value_or("(no prompt)") == "1 (initial 1)\n");
    // `quit` closes at once, without output.
    REQUIRE(s.conn().send_all("quit\n"));
    const Received end = s.conn().read_until_eof(Deadline(2s));
    CHECK(end.closed);
    CHECK(end.data.empty());
  }
  CHECK(f.wait_status("s1", "UP"));
  CHECK(f.process().stop_cleanly());
}

TEST_CASE("haproxy_exporter: show info, then show stat, each on its own connection to EOF") {
  AdminFerry f(AdminFerryOptions::checked());
  REQUIRE_MESSAGE(f.start(), f.process().output());
  REQUIRE(f.wait_status("s1", "UP"));
  REQUIRE(f.wait_status("s2", "UP"));
  ClientConn busy = f.echoed_client();  // some traffic in the counters
  REQUIRE(busy.ok());
  REQUIRE(f.query("set server be/s2 state drain") == "\n");

  for (const AdminTarget& t : {f.admin(), f.admin_tcp()}) {
    CAPTURE(t.ctl_address());
    for (int scrape = 0; scrape < 3; ++scrape) {
      // The exporter writes its command and reads until the server closes; it never half-closes.
      const Received info = admin_exchange(t, "show info\n", false);
      REQUIRE(info.closed);
      CHECK(info.data.find("\nVersion: 2.6") != std::string::npos);
      CHECK(info.data.find("\nRelease_date: ") != std::string::npos);
      const Received stat = admin_exchange(t, "show stat\n", false);
      REQUIRE(stat.closed);
      check_as_exporter(stat.data);
      std::string error;
      const auto table = StatTable::parse(stat.data, error);
      REQUIRE(table);
      CHECK(table->get("be", "s2", "status") == "DRAIN");
      CHECK(table->get("fe", "FRONTEND", "status") == "OPEN");
      CHECK(table->get("fe", "FRONTEND", "scur") == "1");
    }
  }
  busy.close();
  CHECK(f.process().stop_cleanly());
}

TEST_CASE(
    "Ansible's haproxy module: chained commands, header-keyed show stat, drain until scur 0") {
  AdminFerry f;
  REQUIRE_MESSAGE(f.start(), f.process().output());
  for (const AdminTarget& t : {f.admin(), f.admin_tcp()}) {
    CAPTURE(t.ctl_address());
    // state=disabled: one connection, the commands chained with "; ", read to EOF.
    Received r = admin_exchange(t, "get weight be/s1; disable server be/s1\n", false);
    REQUIRE(r.closed);
    CHECK(r.data == "1 (initial 1)\n\n\n");
    std::string error;
    auto table = StatTable::parse(admin_query(t, "show stat"), error);
    REQUIRE_MESSAGE(table, error);
    CHECK(table->get("be", "s1", "status")->find("MAINT") != std::string::npos);
    CHECK(table->get("be", "s1", "weight") == "1");

    // state=enabled, then drain=true: `set server ... state drain`, wait for scur == "0".
    r = admin_exchange(t, "get weight be/s1; enable server be/s1\n", false);
    CHECK(r.data == "1 (initial 1)\n\n\n");
    ClientConn c1 = f.echoed_client();
    ClientConn c2 = f.echoed_client();  // roundrobin: one of them is on s1
    REQUIRE((c1.ok() && c2.ok()));
    r = admin_exchange(t, "set server be/s1 state drain\n", false);
    CHECK(r.data == "\n");
    table = StatTable::parse(admin_query(t, "show stat"), error);
    REQUIRE_MESSAGE(table, error);
    CHECK(table->get("be", "s1", "status") == "DRAIN");
    CHECK(table->get("be", "s1", "scur") == "1");
    c1.close();
    c2.close();
    CHECK(poll_until([&] { return stat_cell(t, "be", "s1", "scur") == "0"; }, 5s, 5ms));
    CHECK(admin_query(t, "enable server be/s1") == "\n");
    CHECK(server_status(t, "be", "s1") == "no check");
  }
  CHECK(f.process().stop_cleanly());
}
