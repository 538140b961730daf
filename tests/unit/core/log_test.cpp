// Log targets: syslog datagrams reach a UNIX socket path, an IPv4 and an IPv6 UDP address, in
// the default (`local`) format with the facility and severity in the priority; the level filter
// and the minimum level; file targets and their reopening.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "core/log.hpp"
#include "tests/support/datagram_receiver.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ferry;

namespace {

conf::LogTarget target(const std::string& where, const std::string& facility,
                       const std::string& level = "", const std::string& min_level = "",
                       const std::string& format = "") {
  conf::LogTarget t;
  t.target = where;
  t.facility = facility;
  t.level = level;
  t.min_level = min_level;
  t.format = format;
  return t;
}

}  // namespace

TEST_CASE("syslog targets: UNIX path, IPv4 and IPv6 UDP, with the priority of facility+level") {
  test::TempDir dir;
  auto v4 = test::DatagramReceiver::udp(), v6 = test::DatagramReceiver::udp(true);
  auto un = test::DatagramReceiver::unix_path(dir.file("log.sock"));
  core::Log log;
  log.set_stderr(false);
  const auto errors = log.set_targets({target(v4.target(), "local0"), target(v6.target(), "local1"),
                                       target(un.target(), "daemon")});
  CHECK(errors.empty());
  log.traffic("a traffic line");
  const std::string a = v4.receive(), b = v6.receive(), c = un.receive();
  CHECK(a.rfind("<134>", 0) == 0);  // local0 (16) * 8 + info (6)
  CHECK(b.rfind("<142>", 0) == 0);  // local1 (17) * 8 + info (6)
  CHECK(c.rfind("<30>", 0) == 0);   // daemon (3) * 8 + info (6)
  for (const auto& m : {a, b, c}) {
    CHECK(m.find(" ferry[" + std::to_string(::getpid()) + "]: a traffic line\n") !=
          std::string::npos);
  }
}

TEST_CASE("a log target that is not an address is reported, not ignored") {
  core::Log log;
  log.set_stderr(false);
  const auto errors = log.set_targets({target("not an address", "local0")});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("log target 'not an address'") == 0);
  CHECK_FALSE(log.has_targets());
}

TEST_CASE("a target with a level gets nothing less severe: 'local0 notice' sends no info line") {
  test::TempDir dir;
  auto notice = test::DatagramReceiver::unix_path(dir.file("notice.sock"));
  auto all = test::DatagramReceiver::unix_path(dir.file("all.sock"));
  core::Log log;
  log.set_stderr(false);
  REQUIRE(log.set_targets({target(notice.target(), "local0", "notice", "", "short"),
                           target(all.target(), "local0", "", "", "short")})
              .empty());
  CHECK(log.accepts(core::Severity::Info));
  log.traffic("a traffic line");
  CHECK(all.receive() == "<6>a traffic line\n");
  CHECK_FALSE(notice.has_datagram());  // sent before `all`'s, so it would be there already
  log.notice("a notice");
  CHECK(notice.receive() == "<5>a notice\n");
  CHECK(all.receive() == "<5>a notice\n");
}

TEST_CASE("only targets that take info make traffic lines worth building") {
  test::TempDir dir;
  auto r = test::DatagramReceiver::unix_path(dir.file("r.sock"));
  core::Log log;
  log.set_stderr(false);
  REQUIRE(log.set_targets({target(r.target(), "local0", "warning")}).empty());
  CHECK(log.has_targets());
  CHECK_FALSE(log.accepts(core::Severity::Info));
  CHECK(log.accepts(core::Severity::Warning));
}

TEST_CASE("a minimum level caps more severe lines to it, the tag is the Log's or the caller's") {
  test::TempDir dir;
  auto r = test::DatagramReceiver::unix_path(dir.file("r.sock"));
  core::Log log;
  log.set_stderr(false);
  REQUIRE(log.set_targets({target(r.target(), "daemon", "debug", "notice", "priority")}).empty());
  log.alert("went down");
  CHECK(r.receive() == "<29>went down\n");  // daemon (3) * 8 + notice (5), not alert (1)
  log.send(core::Severity::Info, "info stays info");
  CHECK(r.receive() == "<30>info stays info\n");
  REQUIRE(log.set_targets({target(r.target(), "daemon", "", "", "rfc5424")}).empty());
  log.set_tag("haproxy");
  log.traffic("x");
  CHECK(r.receive().find(" - haproxy " + std::to_string(::getpid()) + " - - x\n") !=
        std::string::npos);
  log.traffic("y", "shop");
  CHECK(r.receive().find(" - shop ") != std::string::npos);
}

TEST_CASE("a file target appends whole lines and reopen() moves to a new file at the path") {
  test::TempDir dir;
  const std::string path = dir.file("ferry.log");
  core::Log log;
  log.set_stderr(false);
  REQUIRE(log.set_targets({target("file@" + path, "local0", "", "", "raw")}).empty());
  CHECK(log.file_targets() == 1);
  log.traffic("one");
  REQUIRE(::rename(path.c_str(), (path + ".1").c_str()) == 0);
  log.traffic("two");  // still the old file: logrotate renamed it, nobody told ferry yet
  CHECK(log.reopen().empty());
  log.traffic("three");
  CHECK(test::read_file(path + ".1") == "one\ntwo\n");
  CHECK(test::read_file(path) == "three\n");
}

TEST_CASE("a file target writes at the end after copytruncate (O_APPEND): no hole, no NUL") {
  test::TempDir dir;
  const std::string path = dir.file("ferry.log");
  core::Log log;
  log.set_stderr(false);
  REQUIRE(log.set_targets({target("file@" + path, "local0", "", "", "raw")}).empty());
  log.traffic("before the truncation");
  REQUIRE(::truncate(path.c_str(), 0) == 0);
  log.traffic("after");
  CHECK(test::read_file(path) == "after\n");
}

TEST_CASE("file targets that cannot be opened, and regular files named as syslog sockets") {
  test::TempDir dir;
  const std::string plain = dir.write_file("app.log", "");
  core::Log log;
  log.set_stderr(false);
  const auto errors = log.set_targets(
      {target("file@" + dir.file("missing/ferry.log"), "local0"), target(plain, "local0")});
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] == "log target 'file@" + dir.file("missing/ferry.log") +
                         "': cannot open the log file '" + dir.file("missing/ferry.log") +
                         "': No such file or directory");
  CHECK(errors[1] == "log target '" + plain + "': '" + plain +
                         "' is a regular file, not a syslog socket; to append to a file, write "
                         "'file@" +
                         plain + "'");
  CHECK_FALSE(log.has_targets());
}

TEST_CASE("a file that cannot be reopened keeps the old descriptor, and says so") {
  test::TempDir dir;
  const std::string sub = dir.file("logs");
  REQUIRE(::mkdir(sub.c_str(), 0755) == 0);
  const std::string path = sub + "/ferry.log";
  core::Log log;
  log.set_stderr(false);
  REQUIRE(log.set_targets({target("file@" + path, "local0", "", "", "raw")}).empty());
  REQUIRE(::rename(sub.c_str(), (sub + ".old").c_str()) == 0);
  const auto errors = log.reopen();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "cannot reopen the log file '" + path +
                         "' (No such file or directory); still writing to the file it had open");
  log.traffic("kept");
  CHECK(test::read_file(sub + ".old/ferry.log") == "kept\n");
}
