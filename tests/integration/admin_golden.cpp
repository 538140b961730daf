// Golden tests against the reference itself (issue 4): the real HAProxy 2.6 and ferry run the
// same config side by side, on the same backends, and every admin-socket reply a tool reads is
// compared byte for byte. Only what must differ is masked: times (lastchg, downtime, check
// duration, time since the last change), the automatic maxconn (which counts HAProxy's own file
// descriptors), the version, and the usage lists of `help` (HAProxy has more commands).
#include <doctest/doctest.h>

#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_programs.hpp"

using namespace ferry::test;

namespace {

const char* const kConfig = R"(global
    stats socket {DIR}/{WHO}-admin.sock mode 600 level admin
    stats socket {DIR}/{WHO}-user.sock level user
    stats timeout 10s
defaults
    mode tcp
    timeout connect 1s
    timeout client 10s
    timeout server 10s
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    balance roundrobin
    server s1 unix@{DIR}/s1.sock check inter 100ms
    server s2 unix@{DIR}/s2.sock check inter 100ms weight 3 maxconn 10
    server s3 unix@{DIR}/s1.sock check inter 100ms disabled
    server s4 unix@{DIR}/missing.sock check inter 100ms
    server s5 unix@{DIR}/s2.sock check inter 100ms backup
backend other
    balance leastconn
    server o1 unix@{DIR}/s2.sock check inter 100ms
    server o2 unix@{DIR}/s1.sock
)";

// HAProxy and ferry on one config, each with its own frontend port and stats socket names.
class Pair {
 public:
  Pair()
      : s1_(UnixAddress::path(dir_.file("s1.sock"))),
        s2_(UnixAddress::path(dir_.file("s2.sock"))),
        ferry_(dir_, config("ferry", ferry_port)),
        haproxy_(dir_, "haproxy", haproxy_spec()) {}

  const uint16_t ferry_port = free_tcp_port();  // the frontends
  const uint16_t haproxy_port = free_tcp_port();

  ProgramSpec haproxy_spec() const {
    const std::string cfg = dir_.write_file("haproxy.cfg", config("haproxy", haproxy_port));
    return ProgramSpec{{"haproxy", "-db", "-f", cfg}, "", {}};
  }
  std::string config(const std::string& who, uint16_t port) const {
    return fill_template(kConfig,
                         {{"DIR", dir_.path()}, {"WHO", who}, {"PORT", std::to_string(port)}});
  }
  AdminTarget ferry(const std::string& level = "admin") const {
    return AdminTarget::unix_socket(dir_.file("ferry-" + level + ".sock"));
  }
  AdminTarget haproxy(const std::string& level = "admin") const {
    return AdminTarget::unix_socket(dir_.file("haproxy-" + level + ".sock"));
  }
  bool ready() {
    return poll_until(
        [&] {
          return admin_query(ferry(), "show cli level") == "admin\n\n" &&
                 admin_query(haproxy(), "show cli level") == "admin\n\n";
        },
        10s, 10ms);
  }
  std::string diagnostics() { return ferry_.output() + haproxy_.out() + haproxy_.err(); }
  FerryProcess& ferry_process() { return ferry_; }

 private:
  TempDir dir_;
  EchoServer s1_;
  EchoServer s2_;
  FerryProcess ferry_;
  Program haproxy_;
};

using Normalizer = std::function<std::string(const std::string&)>;

std::string as_is(const std::string& s) {
  return s;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t at = 0;
  for (size_t end; (end = s.find(sep, at)) != std::string::npos; at = end + 1)
    out.push_back(s.substr(at, end - at));
  out.push_back(s.substr(at));
  return out;
}
std::string join(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i)
    out += (i ? std::string(1, sep) : "") + parts[i];
  return out;
}

// Columns whose values are times, or derived from the automatic maxconn (F/B slim).
bool masked_stat_field(size_t field, bool proxy_row) {
  return field == 23 || field == 24 || field == 38 || (proxy_row && field == 6);
}

// `show stat` CSV with the columns named in `masked` replaced by '*' (found by the header).
std::string mask_columns(const std::string& reply, const std::set<std::string>& masked) {
  std::vector<std::string> lines = split(reply, '\n');
  if (lines.empty() || lines[0].rfind("# ", 0) != 0) return reply;
  const std::vector<std::string> header = split(lines[0].substr(2), ',');
  for (size_t l = 1; l < lines.size(); ++l) {
    std::vector<std::string> f = split(lines[l], ',');
    for (size_t i = 0; i < f.size() && i < header.size(); ++i)
      if (masked.count(header[i]) && !f[i].empty()) f[i] = "*";
    lines[l] = join(f, ',');
  }
  return join(lines, '\n');
}

// `show stat` CSV with the masked columns replaced by '*'.
std::string mask_csv(const std::string& reply) {
  std::vector<std::string> lines = split(reply, '\n');
  for (std::string& line : lines) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = split(line, ',');
    const bool proxy_row = f.size() > 1 && (f[1] == "FRONTEND" || f[1] == "BACKEND");
    for (size_t i = 0; i < f.size(); ++i)
      if (masked_stat_field(i, proxy_row) && !f[i].empty()) f[i] = "*";
    line = join(f, ',');
  }
  return join(lines, '\n');
}

// `show stat typed`: `T.iid.sid.field.name.pid:tags:type:value` with masked values.
std::string mask_typed(const std::string& reply) {
  std::vector<std::string> lines = split(reply, '\n');
  for (std::string& line : lines) {
    const std::vector<std::string> key = split(line.substr(0, line.find(':')), '.');
    if (key.size() < 4) continue;
    const size_t field = std::stoul(key[3]);
    if (masked_stat_field(field, key[0] == "F" || key[0] == "B"))
      line = line.substr(0, line.rfind(':') + 1) + "*";
  }
  return join(lines, '\n');
}

// `show servers state`: column 9 is the time since the last change.
std::string mask_servers_state(const std::string& reply) {
  std::vector<std::string> lines = split(reply, '\n');
  for (std::string& line : lines) {
    if (line.empty() || line[0] == '#' || line == "1") continue;
    std::vector<std::string> f = split(line, ' ');
    if (f.size() > 9) f[9] = "*";
    line = join(f, ' ');
  }
  return join(lines, '\n');
}

// `show info`: the keys, in order (values are this process's own).
std::string info_keys(const std::string& reply) {
  std::string out;
  for (const std::string& line : split(reply, '\n'))
    out += line.substr(0, line.find(':')) + "\n";
  return out;
}

// The usage texts: their header line and HAProxy's three trailer lines; the list between them
// is each program's own.
std::string usage_frame(const std::string& reply) {
  std::vector<std::string> lines = split(reply, '\n');
  if (lines.size() < 6) return reply;
  return lines.front() + "\n...\n" + join({lines.end() - 5, lines.end()}, '\n');
}

// A read-only command: both replies are the same once normalized (polled, because the two
// processes run their checks on their own clocks: a check may be in progress in one of them).
void same_view(const Pair& p, const std::string& cmd, const Normalizer& norm = as_is,
               const std::string& level = "admin") {
  CAPTURE(cmd);
  std::string f, h;
  poll_until(
      [&] {
        f = norm(admin_query(p.ferry(level), cmd));
        h = norm(admin_query(p.haproxy(level), cmd));
        return f == h;
      },
      2s, 20ms);
  CHECK(!h.empty());  // every view prints something
  CHECK(f == h);
}

// A command that changes state: sent once to each, the replies compared as they are.
void same_reply(const Pair& p, const std::string& input, const std::string& level = "admin") {
  CAPTURE(input);
  const Received f = admin_exchange(p.ferry(level), input);
  const Received h = admin_exchange(p.haproxy(level), input);
  CHECK(f.closed);
  CHECK(h.closed);
  CHECK(f.data == h.data);
}

// No server of `target` is between UP and DOWN (`UP 1/3`, `DOWN 1/2`): the next check of a
// settled server changes nothing, so a step that freezes health (`disable health`) freezes the
// same value in both processes whatever their check clocks.
bool settled(const AdminTarget& target) {
  std::string error;
  const auto table = StatTable::parse(admin_query(target, "show stat"), error);
  if (!table) return false;
  const int status = table->column("status");
  for (const CsvRecord& row : table->rows())
    if (row[status].find('/') != std::string::npos) return false;
  return true;
}

// Every view of the state a tool may read.
void same_state(const Pair& p) {
  same_view(p, "show stat", mask_csv);
  same_view(p, "show stat typed", mask_typed);
  same_view(p, "show servers state", mask_servers_state);
}

}  // namespace

TEST_CASE("golden: show stat, servers state, info and their filters, as HAProxy 2.6 prints them") {
  REQUIRE_MESSAGE(!find_program("haproxy").empty(),
                  "haproxy is not installed (scripts/packages.sh)");
  Pair p;
  REQUIRE_MESSAGE(p.ready(), p.diagnostics());
  // Settled: the checks have run once in both.
  REQUIRE(poll_until(
      [&] {
        return server_status(p.ferry(), "be", "s4") == "DOWN" &&
               server_status(p.haproxy(), "be", "s4") == "DOWN" &&
               server_status(p.ferry(), "be", "s1") == "UP" &&
               server_status(p.haproxy(), "be", "s1") == "UP";
      },
      5s));

  same_state(p);
  for (const char* filter : {"-1 4 -1", "3 2 -1", "3 -1 2", "be 4 -1", "other -1 -1", "2 1 -1",
                             "99 -1 -1", "up", "no-maint", "-1 4 -1 up", "foo"})
    same_view(p, std::string("show stat ") + filter, mask_csv);
  same_view(p, "show stat", mask_csv, "user");  // addr and algo hidden
  same_view(p, "show stat -1 4 -1 typed", mask_typed);
  same_view(p, "show servers state be", mask_servers_state);
  same_view(p, "show servers state other", mask_servers_state);
  same_view(p, "show info", info_keys);
  same_view(p, "show info typed", [](const std::string& s) {
    std::string out;  // position, name, tags and type; not the values
    for (const std::string& line : split(s, '\n'))
      out += line.substr(0, line.rfind(':')) + "\n";
    return out;
  });
  same_view(p, "show backend");
  same_view(p, "show cli level");
  same_view(p, "show cli level", as_is, "user");
  same_view(p, "get weight be/s2");
  same_view(p, "get weight be/s2", as_is, "user");
  CHECK(p.ferry_process().stop_cleanly());
}

TEST_CASE("golden: the state changes of reference 2.5 and section 5, and what every view shows") {
  Pair p;
  REQUIRE_MESSAGE(p.ready(), p.diagnostics());
  REQUIRE(poll_until(
      [&] {
        return server_status(p.ferry(), "be", "s1") == "UP" &&
               server_status(p.haproxy(), "be", "s1") == "UP";
      },
      5s));

  const std::vector<std::string> steps = {"disable server be/s1",
                                          "set server be/s1 state drain",
                                          "set server be/s1 state maint",
                                          "enable server be/s1",
                                          "set server be/s2 state drain",
                                          "set server be/s2 state ready",
                                          "set server be/s2 weight 50%",
                                          "set weight be/s2 7",
                                          "set server be/s2 weight 0",
                                          "set weight be/s2 100%",
                                          "disable health be/s1",
                                          "enable health be/s1",
                                          "shutdown sessions server be/s1",
                                          "disable server other/o1",
                                          "enable server other/o1",
                                          "clear counters",
                                          "set timeout cli 5"};
  for (const std::string& step : steps) {
    CAPTURE(step);
    REQUIRE(poll_until([&] { return settled(p.ferry()) && settled(p.haproxy()); }, 5s));
    same_reply(p, step + "\n");
    same_state(p);
    same_view(p, "get weight be/s2");
  }
  CHECK(p.ferry_process().stop_cleanly());
}

TEST_CASE("golden: error replies, levels and framing") {
  Pair p;
  REQUIRE_MESSAGE(p.ready(), p.diagnostics());
  const std::vector<std::string> errors = {"disable server nosuch/x",
                                           "disable server be/nosuch",
                                           "disable server be",
                                           "disable server",
                                           "enable server be/nosuch",
                                           "set server be/",
                                           "set server be/s1",
                                           "set server be/s1 bogus",
                                           "set server be/s1 state bogus",
                                           "set server be/s1 health x",
                                           "set server be/s1 weight 300",
                                           "set server be/s1 weight -1",
                                           "set server be/s1 weight",
                                           "set server be/s1 weight abc",
                                           "set server be/s1 weight 1x",
                                           "set server be/s1 weight -5%",
                                           "set weight be/nosuch 1",
                                           "shutdown sessions server be/zz",
                                           "disable health be/nosuch",
                                           "get weight nosuch/s1",
                                           "get weight be/zz",
                                           "get weight be",
                                           "show servers state nosuch",
                                           "show servers state fe",
                                           "show stat nosuch 4 -1",
                                           "show stat domain foo",
                                           "show stat 0 -1 -1"};
  for (const std::string& cmd : errors)
    same_reply(p, cmd + "\n");

  // Levels: checked before the arguments; a session can lower its level, not raise it.
  for (const char* cmd : {"disable server be/s1", "disable server nosuch/x", "enable health be/s1",
                          "set weight be/s1 2", "shutdown sessions server be/s1", "clear counters",
                          "operator;show cli level", "user;show cli level"})
    same_reply(p, std::string(cmd) + "\n", "user");
  for (const char* cmd : {"operator;show cli level", "user;disable server be/s1",
                          "operator;set server be/s1 state drain"})
    same_reply(p, std::string(cmd) + "\n");

  // Framing: LF or ';' ends a command, CRLF, blanks, a line without LF never runs, quit.
  for (const char* input :
       {"get weight be/s1\r\n", "  get\tweight   be/s1  \n", "get weight be/s1;get weight be/s2\n",
        "get weight be/s1\nget weight be/s2\n", "show info", "quit\n", "quit;get weight be/s1\n",
        "get weight be/s1;quit\n", "user;user;show cli level\n",
        "set severity-output number;get weight be/zz\n",
        "set severity-output string;disable server be/zz;get weight be/s1\n"})
    same_reply(p, input);

  // Unknown commands and help: the same header and trailer around each one's own list.
  for (const char* input : {"help\n", "\n", "foo\n", "disable\n", "show foo\n", "help disable\n"}) {
    CAPTURE(input);
    CHECK(usage_frame(admin_exchange(p.ferry(), input).data) ==
          usage_frame(admin_exchange(p.haproxy(), input).data));
  }
  CHECK(p.ferry_process().stop_cleanly());
}

// Issue 10 finding 5: numbers from the socket beyond any integer. `set timeout cli
// 18446744073709553` at level user overflowed a signed multiplication (the sanitizer build aborted
// the whole process); each reply is HAProxy's, and the process lives on.
TEST_CASE("golden: numbers out of range on the admin socket get HAProxy's replies") {
  Pair p;
  REQUIRE_MESSAGE(p.ready(), p.diagnostics());
  for (const char* cmd :
       {"set timeout cli 18446744073709553", "set timeout cli 9999999999999999999999",
        "set timeout cli 2147483648", "set timeout cli 2147483647", "set timeout cli 2073601",
        "set timeout cli -1", "set timeout cli 0", "set timeout cli 1x", "set timeout cli 1.5",
        "set timeout cli 500ms", "set timeout cli 999us", "set timeout cli",
        "show servers state 99999999999", "show servers state -1", "show servers state 3",
        "show stat 99999999999 -1 -1", "show stat -1 abc -1", "get weight be/#99999999999"})
    same_reply(p, std::string(cmd) + "\n", "user");
  for (const char* cmd :
       {"set server be/s1 weight 99999999999999", "set server be/s1 weight 18446744073709551617",
        "set weight be/s1 4294967297", "set server be/s1 weight 257",
        "set server be/s1 weight 0x10", "set server be/s1 weight 99999999999999%",
        "get weight be/s1", "set weight be/s1 100%"})
    same_reply(p, std::string(cmd) + "\n");
  CHECK(p.ferry_process().stop_cleanly());
}

// The counters HAProxy keeps for traffic (sessions, bytes, balancer picks, connection attempts,
// need_conn_est...), after the same sequential sessions through both. Masked besides the usual:
// rates and times, which depend on when each ran, and the maxima of concurrent sessions, which
// depend on how fast each process noticed the previous session's end.
TEST_CASE("golden: the counters after the same sessions through both") {
  Pair p;
  REQUIRE_MESSAGE(p.ready(), p.diagnostics());
  REQUIRE(poll_until([&] { return settled(p.ferry()) && settled(p.haproxy()); }, 5s));
  for (const uint16_t port : {p.ferry_port, p.haproxy_port})
    for (int i = 0; i < 8; ++i) {
      ClientConn c = ClientConn::tcp(port);
      REQUIRE(c.send_all("hi\n"));
      REQUIRE(c.read_line() == "hi\n");
      REQUIRE(c.close_gracefully(Deadline(5s)));
    }
  const std::set<std::string> timing = {
      "lastchg",   "downtime",  "check_duration", "slim",      "rate",          "rate_max",
      "lastsess",  "qtime",     "ctime",          "rtime",     "ttime",         "qtime_max",
      "ctime_max", "rtime_max", "ttime_max",      "conn_rate", "conn_rate_max", "smax"};
  same_view(p, "show stat", [&](const std::string& r) { return mask_columns(r, timing); });
  CHECK(p.ferry_process().stop_cleanly());
}
